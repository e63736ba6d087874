"""The SQL statements of a quiz submission and of a mark-as-read: as many whatever the number of questions."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.catalogue.models import Module
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.extensions import db
from app.package.services import import_package
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES
from tests.helpers import recorded_statements

#: Questions of the second module's quiz; the first one's has 3.
MANY = 40
#: The quiz lookup (the quiz and its questions), which a per-revision cache of the quiz removes.
_QUIZ_LOOKUP = re.compile(r"^SELECT .* FROM quiz\b", re.S)


def _many_questions() -> str:
    header = 'version = 1\nmodule = "autre"\ntitle = "Long quiz"\npass_mark = 70\nestimated_minutes = 20\n'
    question = '''
[[questions]]
id = "q{n}"
type = "single_choice"
prompt = "Question {n} ?"
explanation = "B."
reading = "autre-premiere"
options = [{{ text = "A", feedback = "Non." }}, {{ text = "B", correct = true, feedback = "Oui." }}, {{ text = "C", feedback = "Non." }}]
'''
    return header + "".join(question.format(n=n) for n in range(MANY))


@pytest.fixture
def site(package_app, two_modules, create_user, login):
    """Two modules, whose quizzes have 3 and ``MANY`` questions; a learner signed in; a cohort."""
    (two_modules / "quizzes" / "autre.toml").write_text(_many_questions(), encoding="utf-8")
    package_app.config["CLOCK"] = lambda: datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # the cohort's first day: no alert
    with package_app.app_context():
        import_package(two_modules / "course", two_modules / "quizzes")
        get_or_create_cohort("Cohorte de novembre", date(2026, 11, 1), date(2026, 11, 26))
        db.session.commit()
    learner = create_user()
    client = package_app.test_client()
    assert client.post("/connexion", data={"email": learner.email, "password": "motdepasse-de-test"}).status_code == 302
    return package_app, client, learner


def _enrol(app, learner) -> None:
    with app.app_context():
        enrol(get_or_create_cohort("Cohorte de novembre", date(2026, 11, 1), date(2026, 11, 26)), db.session.get(User, learner.id))
        db.session.commit()


def _right_answers(app, slug: str) -> dict:
    with app.app_context():
        quiz_id = db.session.scalar(select(Quiz.id).join(Quiz.module).where(Module.slug == slug))
        questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz_id, Question.is_archived.is_(False)))
        data = {}
        for question in questions:
            keys = [c.key for c in QUESTION_TYPES[question.type].choices(question.data) if c.is_correct]
            data[f"q{question.id}"] = keys if question.type == "multiple_choice" else keys[0]
    return data


def _submission(app, client, slug: str) -> list[str]:
    """Submit the quiz right; return the statements of the request but the quiz lookup."""
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', client.get(f"/quiz/{slug}").text).group(1)
    data = {"token": token, **_right_answers(app, slug)}
    with recorded_statements(app) as seen:
        assert client.post(f"/quiz/{slug}", data=data).status_code == 303
    return [s for s in seen if not _QUIZ_LOOKUP.match(s)]


def _kinds(statements: list[str]) -> list[str]:
    """The first words of each statement, up to its table: ``INSERT INTO attempt_answer``, ``SELECT user.id``."""
    return [" ".join(s.split()[:3]) for s in statements]


def _cohort_costs(app) -> int:
    """What a learner in a cohort without alert adds: the look at their alerts (after the cohort's lock, on PostgreSQL)."""
    with app.app_context():
        return 2 if db.engine.dialect.name == "postgresql" else 1


@pytest.mark.parametrize("in_cohort", [False, True])
def test_a_submission_costs_as_many_statements_for_3_questions_as_for_many(site, in_cohort):
    app, client, learner = site
    if in_cohort:
        _enrol(app, learner)
    few, many = _submission(app, client, "bases"), _submission(app, client, "autre")
    assert _kinds(few) == _kinds(many)
    # The user, then one statement per table written: the attempt, its answers, the quiz's row,
    # the learner's row (which returns their cohort), the events.
    assert [k.split()[2] for k in _kinds(few)[1:6]] == ["quiz_attempt", "attempt_answer", "quiz_progress", "learner_progress", "learning_event"]
    assert len(few) == 6 + (_cohort_costs(app) if in_cohort else 0), few


def test_passing_a_quiz_again_counts_the_attempt_in_one_more_statement(site):
    app, client, _learner = site
    first, again = _submission(app, client, "autre"), _submission(app, client, "autre")
    assert len(again) == len(first) + 1
    assert [" ".join(s.split()[:2]) for s in again].count("UPDATE quiz_progress") == 1


@pytest.mark.parametrize("in_cohort", [False, True])
def test_a_first_mark_as_read_costs_four_statements_then_two(site, in_cohort):
    app, client, learner = site
    if in_cohort:
        _enrol(app, learner)
    runs = []
    for _ in range(2):
        with recorded_statements(app) as seen:
            assert client.post("/cours/bases/premiere/lu").status_code in (302, 303)
        runs.append(list(seen))
    # The user with the reading, its progress row; the first time also the learner's row and the event.
    assert len(runs[0]) == 4 + (_cohort_costs(app) if in_cohort else 0), runs[0]
    assert len(runs[1]) == 2, runs[1]
