"""``flask events export --format xapi``: valid, pseudonymous xAPI 1.0.3 statements, one per line."""

import hashlib
import hmac
import json

import pytest
import tincan
from sqlalchemy import select

from app.auth.models import User
from app.catalogue.models import Reading
from app.extensions import db
from app.privacy.services import anonymise_learner
from app.privacy.xapi import Pseudonyms
from app.progress.models import LearningEvent
from app.progress.services import record_reading_view
from tests.conftest import FAST_HASH
from tests.helpers import recorded_statements
from tests.privacy.conftest import take_quiz

ADL = "http://adlnet.gov/expapi/verbs/"
EXPORTED_VERBS = {"experienced", "completed", "answered", "passed", "failed"}
HOME = "https://formation.example.org"
#: A learner id long enough that finding it inside a 32-digit hex pseudonym by chance is unlikely.
PSEUDO_ID = 987654


@pytest.fixture
def app(make_app):
    """The app, with a home page of its own to name the platform in statements."""
    return make_app(PLATFORM_HOMEPAGE=HOME)


@pytest.fixture
def loner(app, history, clock):
    """A learner in no cohort, with a large id, who opened one reading on 7 November."""
    with app.app_context():
        user = User(id=PSEUDO_ID, email="solo@example.org", display_name="Sacha Solo")
        user.set_password("motdepasse-solo", FAST_HASH)
        db.session.add(user)
        db.session.flush()
        clock.set(7)
        record_reading_view(user, db.session.scalar(select(Reading.id).where(Reading.slug == "seconde")), None)
        db.session.commit()
    return PSEUDO_ID


def export(runner, *args) -> list[dict]:
    """Run the export and return its statements, each checked with TinCanPython."""
    result = runner.invoke(args=["events", "export", "--format", "xapi", *args])
    assert result.exit_code == 0, result.output
    statements = []
    for line in result.stdout.splitlines():
        parsed = tincan.Statement.from_json(line)
        assert json.loads(parsed.to_json()) == json.loads(line)  # round trip: nothing dropped or bent
        statements.append(json.loads(line))
    return statements


def exportable_events(app, **where) -> list[LearningEvent]:
    with app.app_context():
        query = select(LearningEvent).where(LearningEvent.verb.in_(EXPORTED_VERBS)).order_by(LearningEvent.id)
        for column, value in where.items():
            query = query.where(getattr(LearningEvent, column) == value)
        return list(db.session.scalars(query))


def pseudonym(app, user_id: int) -> str:
    return hmac.new(app.config["SECRET_KEY"].encode(), str(user_id).encode(), hashlib.sha256).hexdigest()[:32]


def test_every_statement_has_the_required_parts(app, runner, history, loner):
    statements = export(runner)
    events = exportable_events(app)
    assert len(statements) == len(events) > 10
    for statement in statements:
        assert statement["version"] == "1.0.3"
        assert statement["actor"]["objectType"] == "Agent" and statement["actor"]["account"]["homePage"] == HOME
        assert statement["verb"]["id"].startswith(ADL) and set(statement["verb"]["display"]) == {"fr-FR", "en-US"}
        assert statement["object"]["objectType"] == "Activity" and statement["object"]["id"].startswith(f"{HOME}/xapi/activities/")
        assert statement["object"]["definition"]["name"]["fr-FR"]
        assert statement["context"]["platform"] == "Comprendre l'IA au travail" and statement["context"]["language"] == "fr-FR"
        assert statement["timestamp"].endswith("+00:00")


def test_only_adl_verbs_are_exported_in_event_order(app, runner, history, loner):
    statements = export(runner)
    assert {s["verb"]["id"].removeprefix(ADL) for s in statements} == EXPORTED_VERBS
    with app.app_context():
        assert db.session.scalar(select(LearningEvent).where(LearningEvent.verb.in_(["commented", "responded"]))) is not None
    ids = Pseudonyms(HOME, app.config["SECRET_KEY"].encode())
    assert [s["id"] for s in statements] == [ids.statement_id(e.id) for e in exportable_events(app)]
    assert [s["timestamp"] for s in statements] == [e.created_dt.isoformat() for e in exportable_events(app)]


def test_readings_quizzes_and_questions_are_typed_activities_in_their_module(runner, history):
    statements = export(runner)
    module = {"objectType": "Activity", "id": f"{HOME}/xapi/activities/module/bases", "definition": {"type": "http://adlnet.gov/expapi/activities/module", "name": {"fr-FR": "Les bases"}}}
    read = next(s for s in statements if s["verb"]["id"] == ADL + "completed")
    assert read["object"] == {
        "objectType": "Activity", "id": f"{HOME}/xapi/activities/reading/premiere",
        "definition": {"type": "http://adlnet.gov/expapi/activities/lesson", "name": {"fr-FR": "Première lecture"}},
    }
    assert read["context"]["contextActivities"] == {"parent": [module]}
    assert read["result"] == {"completion": True}
    passed = next(s for s in statements if s["verb"]["id"] == ADL + "passed")
    assert passed["object"]["id"] == f"{HOME}/xapi/activities/quiz/bases"
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert passed["result"] == {"score": {"scaled": 1.0, "raw": 3, "min": 0, "max": 3}, "success": True}
    failed = next(s for s in statements if s["verb"]["id"] == ADL + "failed")
    assert failed["result"]["success"] is False and failed["result"]["score"]["raw"] == 0


def test_questions_are_interactions_with_their_quiz_as_parent(runner, history):
    answers = {s["object"]["id"].rsplit("/", 1)[1]: s for s in export(runner) if s["verb"]["id"] == ADL + "answered" and s["result"]["success"]}
    multiple = answers["choix-multiple"]
    assert multiple["object"]["id"] == f"{HOME}/xapi/activities/question/bases/choix-multiple"
    definition = multiple["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert (definition["interactionType"], definition["correctResponsesPattern"]) == ("choice", ["a[,]c"])
    assert [c["id"] for c in definition["choices"]] == ["a", "b", "c"] and definition["choices"][0]["description"] == {"fr-FR": "A"}
    shown = multiple["result"].pop("extensions")[f"{HOME}/xapi/extensions/shown-order"]
    assert sorted(shown.split("[,]")) == ["a", "b", "c"]  # the order this attempt showed (shuffled)
    assert multiple["result"] == {"success": True, "response": "a[,]c"}
    assert [a["id"] for a in multiple["context"]["contextActivities"]["parent"]] == [f"{HOME}/xapi/activities/quiz/bases"]
    assert [a["id"] for a in multiple["context"]["contextActivities"]["grouping"]] == [f"{HOME}/xapi/activities/module/bases"]
    true_false = answers["vrai-faux"]["object"]["definition"]
    assert (true_false["interactionType"], true_false["correctResponsesPattern"], "choices" in true_false) == ("true-false", ["false"], False)
    assert answers["vrai-faux"]["result"]["response"] == "false"


def test_learners_are_pseudonymous(app, runner, history, loner):
    result = runner.invoke(args=["events", "export"])
    for trace in ("camille", "Camille", "solo@example.org", "Sacha", str(PSEUDO_ID)):
        assert trace not in result.stdout, trace
    names = {s["actor"]["account"]["name"] for s in export(runner)}
    assert names == {pseudonym(app, history.learner_id), pseudonym(app, PSEUDO_ID)}
    assert all(len(name) == 32 and int(name, 16) >= 0 for name in names)


def test_the_pseudonym_depends_on_the_secret_key(app, runner, make_app, history):
    other = make_app(PLATFORM_HOMEPAGE=HOME, SECRET_KEY="another-secret-key-for-this-test")
    ours = {s["actor"]["account"]["name"] for s in export(runner)}
    theirs = {s["actor"]["account"]["name"] for s in export(other.test_cli_runner())}
    assert theirs == {pseudonym(other, history.learner_id)} and ours == {pseudonym(app, history.learner_id)} and ours != theirs


def test_registration_names_the_learner_in_the_cohort(runner, history, loner):
    statements = export(runner)
    in_cohort = [s for s in statements if s["actor"]["account"]["name"] != statements[-1]["actor"]["account"]["name"]]
    assert len({s["context"]["registration"] for s in in_cohort}) == 1
    assert "registration" not in statements[-1]["context"]  # the loner is in no cohort


def test_exporting_twice_gives_the_same_statements(runner, history):
    first = runner.invoke(args=["events", "export"]).stdout
    assert first and runner.invoke(args=["events", "export"]).stdout == first
    assert runner.invoke(args=["events", "export", "--batch-size", "2"]).stdout == first  # however it is paged


def test_anonymised_learners_events_export_without_identity(app, runner, history):
    before = export(runner)
    with app.app_context():
        anonymise_learner(history.learner_id, app.config["CLOCK"]())
        db.session.commit()
    after = export(runner)
    assert [s["id"] for s in after] == [s["id"] for s in before]
    assert {s["actor"]["account"]["name"] for s in after} == {"anonyme"}
    assert all("registration" not in s["context"] for s in after)
    assert pseudonym(app, history.learner_id) not in json.dumps(after)


@pytest.mark.parametrize("since", ["2026-11-04", "2026-11-04T00:00:00", "2026-11-04T01:00:00+01:00", "2026-11-04T00:00:00Z"])
def test_since_keeps_later_events(app, runner, history, since):
    statements = export(runner, "--since", since)
    expected = [e for e in exportable_events(app) if e.created_dt.day >= 4]
    assert [s["timestamp"] for s in statements] == [e.created_dt.isoformat() for e in expected]
    assert {s["verb"]["id"].removeprefix(ADL) for s in statements} == {"answered", "failed", "passed"}


def test_cohort_keeps_the_cohorts_events(app, runner, history, loner):
    statements = export(runner, "--cohort", str(history.cohort_id))
    assert len(statements) == len(exportable_events(app, cohort_id=history.cohort_id)) == len(exportable_events(app)) - 1
    assert all("registration" in s["context"] for s in statements)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "hier"], "date invalide : 'hier'"),
        (["--since", "2026-13-01"], "date invalide"),
        (["--cohort", "99"], "aucune cohorte n° 99"),
        (["--cohort", "deux"], "'deux' is not a valid integer"),
        (["--format", "csv"], "Invalid value for '--format'"),
    ],
)
def test_bad_options_are_refused_with_a_message(runner, history, args, message):
    result = runner.invoke(args=["events", "export", *args])
    assert result.exit_code == 2 and message in result.output
    assert result.stdout == ""


def test_output_file(runner, history, tmp_path):
    target = tmp_path / "statements.jsonl"
    result = runner.invoke(args=["events", "export", "--output", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 1 and f"{len(lines)} déclarations xAPI exportées." in result.stderr
    assert all(tincan.Statement.from_json(line).version == "1.0.3" for line in lines)


def test_activity_names_are_loaded_once_not_per_event(app, runner, history):
    with recorded_statements(app) as seen:
        export(runner)
        few = len(seen)
        with app.app_context():
            for _ in range(3):
                take_quiz(db.session.get(User, history.learner_id), right=True)
            db.session.commit()
        seen.clear()
        export(runner)
    assert len(seen) == few <= 8  # catalogue (4 kinds), one page of events and the empty page after it
