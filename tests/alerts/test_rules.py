"""The alert rules at their thresholds, with the reasons they give."""

from datetime import date
from datetime import timedelta

import pytest

from app.alerts.rules import AlertKind
from app.alerts.rules import LearnerFacts
from app.alerts.rules import Thresholds
from app.alerts.rules import evaluate
from app.alerts.rules import reason_of
from app.cohorts.pace import Standing

START = date(2026, 3, 2)


def facts(today_offset, days_behind=0, done=3, total=11, expected=3, last_offset=0, quiz_failures=None):
    today = START + timedelta(days=today_offset)
    last = None if last_offset is None else START + timedelta(days=last_offset)
    standing = Standing(done=done, total=total, expected=expected, days_behind=days_behind, next_item=None)
    return LearnerFacts(START, today, standing, last, quiz_failures or {})


DEFAULTS = Thresholds()


def kinds(learner, thresholds=DEFAULTS):
    return [f.kind for f in evaluate(learner, thresholds)]


@pytest.mark.parametrize(("offset", "expected"), [(2, []), (3, [AlertKind.NOT_STARTED])])
def test_not_started_three_days_after_the_start(offset, expected):
    assert kinds(facts(offset, done=0, last_offset=None)) == expected


@pytest.mark.parametrize(
    ("days_behind", "expected"),
    [(2, []), (3, [AlertKind.BEHIND]), (6, [AlertKind.BEHIND]), (7, [AlertKind.AT_RISK])],
)
def test_behind_then_at_risk(days_behind, expected):
    assert kinds(facts(20, days_behind=days_behind, last_offset=19)) == expected


@pytest.mark.parametrize(("idle", "expected"), [(6, []), (7, [AlertKind.AT_RISK])])
def test_at_risk_after_a_week_without_activity_while_unfinished(idle, expected):
    assert kinds(facts(20, last_offset=20 - idle)) == expected


def test_no_inactivity_alert_once_finished():
    assert kinds(facts(27, done=11, total=11, expected=11, last_offset=10)) == []


@pytest.mark.parametrize(("failures", "expected"), [(1, []), (2, [AlertKind.STRUGGLING])])
def test_struggling_when_the_same_quiz_is_failed_twice(failures, expected):
    assert kinds(facts(5, last_offset=5, quiz_failures={"Quiz : assurance": failures})) == expected


def test_thresholds_are_configurable():
    assert kinds(facts(20, days_behind=4, last_offset=19), Thresholds(behind_days=5)) == []


def test_reason_states_the_figures(app):
    learner = facts(17, days_behind=7, done=3, total=11, expected=8, last_offset=8)
    (finding,) = evaluate(learner, Thresholds())
    with app.test_request_context():
        reason = finding.reason()
    assert reason == "7 jours de retard : 3 éléments sur 11 faits, le rythme en attendait 8 ; aucune activité depuis 9 jours ; dernière activité le 10 mars."


def test_an_active_learner_at_risk_by_days_has_no_idle_figure(app):
    (finding,) = evaluate(facts(17, days_behind=8, done=3, total=11, expected=8, last_offset=16), Thresholds())
    assert finding.kind == AlertKind.AT_RISK and finding.figures["idle"] is None
    with app.test_request_context():
        assert finding.reason() == "8 jours de retard : 3 éléments sur 11 faits, le rythme en attendait 8 ; dernière activité le 18 mars."


def test_reasons_in_the_singular(app):
    t = Thresholds(behind_days=1, at_risk_days=1, inactive_days=1)
    (finding,) = evaluate(facts(10, days_behind=1, done=1, total=11, expected=2, last_offset=9), t)
    with app.test_request_context():
        assert finding.reason() == "1 jour de retard : 1 élément sur 11 fait, le rythme en attendait 2 ; aucune activité depuis 1 jour ; dernière activité le 11 mars."


def test_a_behind_reason_without_any_activity_names_no_last_date(app):
    (finding,) = evaluate(facts(20, days_behind=4, done=0, total=11, expected=5, last_offset=None), Thresholds(not_started_days=99))
    assert finding.kind == AlertKind.BEHIND
    with app.test_request_context():
        assert finding.reason() == "4 jours de retard : 0 éléments sur 11 faits, le rythme en attendait 5."


def test_not_started_and_struggling_reasons(app):
    with app.test_request_context():
        (not_started,) = evaluate(facts(4, done=0, last_offset=None), Thresholds())
        assert not_started.reason() == "Pas encore commencé : aucune activité depuis le début de la cohorte le 2 mars (4 jours)."
        (struggling,) = evaluate(facts(5, last_offset=5, quiz_failures={"Quiz : santé": 3}), Thresholds())
        assert struggling.reason() == "« Quiz : santé » échoué 3 fois de suite."


def test_several_failed_quizzes_make_one_struggling_alert(app):
    findings = evaluate(facts(5, last_offset=5, quiz_failures={"Quiz B": 2, "Quiz A": 4, "Quiz C": 1}), Thresholds())
    assert [f.kind for f in findings] == [AlertKind.STRUGGLING]
    with app.test_request_context():
        assert findings[0].reason() == "« Quiz A » échoué 4 fois de suite ; « Quiz B » échoué 2 fois de suite."


def test_stored_figures_give_the_same_reason(app):
    (finding,) = evaluate(facts(17, days_behind=7, done=3, total=11, expected=8, last_offset=8), Thresholds())
    stored = finding.stored_figures()
    assert stored["last"] == "2026-03-10"
    with app.test_request_context():
        assert reason_of(finding.kind, stored) == finding.reason()
