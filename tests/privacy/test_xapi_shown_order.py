"""An answer's xAPI statement says in which order its options were shown (they are shuffled per attempt)."""

import json
from datetime import UTC
from datetime import datetime
from types import SimpleNamespace

import tincan

from app.privacy.xapi import ActivityCatalogue
from app.privacy.xapi import Pseudonyms
from app.privacy.xapi import build_statement

HOME = "https://formation.example.org"


def _statement(result: dict | None) -> dict:
    event = SimpleNamespace(id=1, actor_id=5, verb="answered", object_type="question", object_id=3, result=result,
                            cohort_id=None, created_dt=datetime(2026, 11, 2, 9, tzinfo=UTC))
    statement = build_statement(event, ActivityCatalogue(HOME), Pseudonyms(HOME, b"secret"))
    assert json.loads(tincan.Statement.from_json(json.dumps(statement)).to_json()) == statement  # valid xAPI, nothing dropped
    return statement


def test_the_order_shown_is_a_result_extension():
    statement = _statement({"success": True, "response": ["b"], "shown_order": ["c", "a", "b"]})
    assert statement["result"]["response"] == "b"
    assert statement["result"]["extensions"] == {f"{HOME}/xapi/extensions/shown-order": "c[,]a[,]b"}


def test_an_answer_recorded_without_an_order_has_no_extension():
    assert "extensions" not in _statement({"success": False, "response": ["a"]})["result"]
