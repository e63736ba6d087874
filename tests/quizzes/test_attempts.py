"""Submitting an attempt through the service: grading against the pass mark, its answers, its token."""

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.extensions import db
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import Quiz
from app.quizzes.models import QuizAttempt
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.services import submit_attempt

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app, course):
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        yield


def _quiz() -> Quiz:
    return db.session.scalar(select(Quiz).options(selectinload(Quiz.questions)))


def _responses(quiz: Quiz, right: set[str]) -> dict[int, list[str]]:
    """Right answers to the questions whose keys are in ``right``, wrong ones to the others."""
    responses = {}
    for q in quiz.questions:
        keys = [c.key for c in QUESTION_TYPES[q.type].choices(q.data) if c.is_correct == (q.key in right)]
        responses[q.id] = keys if q.type == "multiple_choice" else keys[:1]
    return responses


def _user(create_user, email="apprenant@example.org") -> User:
    return db.session.get(User, create_user(email=email).id)


@pytest.mark.parametrize(("pass_mark", "passed"), [(66, True), (67, False)])
def test_two_right_answers_of_three_pass_exactly_up_to_a_mark_of_66(ctx, create_user, pass_mark, passed):
    quiz = _quiz()
    quiz.pass_mark = pass_mark
    attempt, created = submit_attempt(_user(create_user), quiz, _responses(quiz, {"choix-unique", "vrai-faux"}), "tok")
    assert created and attempt.is_passed is passed
    assert (attempt.correct_count, attempt.question_count, attempt.score) == (2, 3, pytest.approx(2 / 3))


def test_the_attempt_keeps_each_answer_in_order_with_its_grade(ctx, create_user):
    quiz = _quiz()
    attempt, _ = submit_attempt(_user(create_user), quiz, _responses(quiz, {"choix-multiple"}), "tok")
    answers = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id).order_by(AttemptAnswer.position)).all()
    assert [(a.position, a.question_id, a.is_correct, a.credit) for a in answers] == [
        (1, quiz.questions[0].id, False, 0.0), (2, quiz.questions[1].id, True, 1.0), (3, quiz.questions[2].id, False, 0.0),
    ]
    assert attempt.submitted_dt.replace(tzinfo=None) == NOW.replace(tzinfo=None)
    assert attempt.quiz_revision == quiz.revision


def test_partial_credit_counts_shares_but_only_full_marks_as_correct(ctx, create_user):
    quiz = _quiz()
    quiz.partial_credit = True
    multiple = next(q for q in quiz.questions if q.type == "multiple_choice")
    responses = _responses(quiz, {"choix-unique", "vrai-faux"})
    responses[multiple.id] = ["a"]  # one right box of two, no wrong one: half the point
    attempt, _ = submit_attempt(_user(create_user), quiz, responses, "tok")
    assert (attempt.correct_count, attempt.score, attempt.is_passed) == (2, pytest.approx(2.5 / 3), True)
    credits = db.session.scalars(select(AttemptAnswer.credit).where(AttemptAnswer.question_id == multiple.id)).all()
    assert credits == [0.5]


def test_the_same_form_sent_again_returns_the_first_attempt(ctx, create_user):
    quiz, user = _quiz(), _user(create_user)
    first, created = submit_attempt(user, quiz, _responses(quiz, set()), "tok")
    again, created_again = submit_attempt(user, quiz, _responses(quiz, {"choix-unique"}), "tok")
    assert (created, created_again, again.id) == (True, False, first.id)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_a_token_names_an_attempt_of_its_own_learner_only(ctx, create_user):
    quiz, other, me = _quiz(), _user(create_user, "autre@example.org"), _user(create_user)
    theirs, _ = submit_attempt(other, quiz, _responses(quiz, set()), "tok")
    mine, created = submit_attempt(me, quiz, _responses(quiz, {"choix-unique", "choix-multiple", "vrai-faux"}), "tok")
    assert created and mine.id != theirs.id and mine.is_passed and not theirs.is_passed


def test_a_twin_request_that_inserts_the_attempt_first_wins_and_this_one_writes_nothing(ctx, create_user):
    """A double click: the other request's attempt is committed between this one's check and its insert."""
    quiz, user = _quiz(), _user(create_user)
    engine = db.engine
    twin = []

    def twin_first(conn, cursor, statement, parameters, context, executemany):
        if not twin and statement.lstrip().upper().startswith("INSERT INTO QUIZ_ATTEMPT"):
            twin.append(None)  # before the twin's own insert comes through here
            with engine.connect() as other:
                twin[0] = (other.execute(insert(QuizAttempt).values(
                    user_id=user.id, quiz_id=quiz.id, token="tok", quiz_revision=quiz.revision, correct_count=3, question_count=3,
                    score=1.0, is_passed=True, submitted_dt=NOW).returning(QuizAttempt.id)).scalar_one())
                other.commit()

    event.listen(engine, "before_cursor_execute", twin_first)
    try:
        attempt, created = submit_attempt(user, quiz, _responses(quiz, set()), "tok")
    finally:
        event.remove(engine, "before_cursor_execute", twin_first)
    assert twin and (attempt.id, created, attempt.is_passed) == (twin[0], False, True)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    assert db.session.scalar(select(func.count()).select_from(AttemptAnswer)) == 0


def test_a_form_sent_again_finds_its_own_attempt_among_others_of_the_same_token_or_learner(ctx, create_user):
    quiz, other, me = _quiz(), _user(create_user, "autre@example.org"), _user(create_user)
    submit_attempt(other, quiz, _responses(quiz, set()), "tok")
    submit_attempt(me, quiz, _responses(quiz, set()), "earlier")
    mine, _ = submit_attempt(me, quiz, _responses(quiz, {"choix-unique", "choix-multiple", "vrai-faux"}), "tok")
    again, created = submit_attempt(me, quiz, _responses(quiz, set()), "tok")
    assert (created, again.id, again.is_passed) == (False, mine.id, True)
