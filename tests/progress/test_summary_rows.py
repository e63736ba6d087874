"""The summary rows each learner action keeps up to date, and what the recount after archiving counts."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import update

from app.auth.models import User
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.models import LearnerProgress
from app.progress.models import LearningEvent
from app.progress.models import QuizProgress
from app.progress.models import ReadingFeedback
from app.progress.models import ReadingProgress
from app.progress.services import give_feedback
from app.progress.services import is_new_visit
from app.progress.services import record_reading_view
from app.progress.services import recount_learner_progress
from app.quizzes.models import Quiz
from app.signals import learner_acted
from tests.helpers import act


@pytest.fixture
def two(app, course, create_user, clock):
    """Two learners on the imported test package, the clock on 1 November 09:00."""
    return create_user(email="a@example.test"), create_user(email="b@example.test")


def _summary(app, user) -> LearnerProgress | None:
    with app.app_context():
        return db.session.get(LearnerProgress, user.id)


def _reading_row(app, user, slug: str) -> ReadingProgress:
    with app.app_context():
        return db.session.scalar(select(ReadingProgress).join(Reading).where(ReadingProgress.user_id == user.id, Reading.slug == slug))


def _quiz_row(app, user) -> QuizProgress:
    with app.app_context():
        return db.session.scalar(select(QuizProgress).where(QuizProgress.user_id == user.id))


def _events(app, user) -> list[LearningEvent]:
    with app.app_context():
        return list(db.session.scalars(select(LearningEvent).where(LearningEvent.actor_id == user.id).order_by(LearningEvent.id)))


def test_the_first_action_opens_the_summary_and_later_ones_move_only_the_last_date(app, two, clock):
    learner, other = two
    start = clock.now
    act(app, learner, "read", "premiere")
    clock.now = start + timedelta(days=2)
    act(app, learner, "read", "seconde")
    act(app, learner, "read", "seconde")  # again: nothing newly done
    summary = _summary(app, learner)
    assert (summary.readings_completed, summary.quizzes_passed) == (2, 0)
    assert (summary.first_activity_dt.replace(tzinfo=None), summary.last_activity_dt.replace(tzinfo=None)) == (
        start.replace(tzinfo=None), clock.now.replace(tzinfo=None))
    assert _summary(app, other) is None


def test_a_view_counts_once_per_visit_window(app, two, clock):
    learner, _ = two
    window = timedelta(seconds=app.config["VIEW_EVENT_WINDOW_SECONDS"])
    start = clock.now
    with app.app_context():
        user = db.session.get(User, learner.id)
        reading_id = db.session.scalar(select(Reading.id).where(Reading.slug == "premiere"))
        assert record_reading_view(user, reading_id, None) is True
        db.session.commit()
        clock.now = start + window - timedelta(seconds=1)
        assert record_reading_view(user, reading_id, None) is False  # the statement finds the last view too recent
        assert record_reading_view(user, reading_id, start) is False  # and the page's own check too
        clock.now = start + window
        assert record_reading_view(user, reading_id, start) is True
        db.session.commit()
    row = _reading_row(app, learner, "premiere")
    assert row.view_count == 2 and row.completed_dt is None
    assert row.first_viewed_dt.replace(tzinfo=None) == start.replace(tzinfo=None)
    assert row.last_viewed_dt.replace(tzinfo=None) == clock.now.replace(tzinfo=None)
    assert [e.verb for e in _events(app, learner)] == ["experienced", "experienced"]
    assert _summary(app, learner).readings_completed == 0


def test_a_visit_is_new_from_the_end_of_the_window(app, clock):
    window = timedelta(seconds=app.config["VIEW_EVENT_WINDOW_SECONDS"])
    with app.app_context():
        assert is_new_visit(None)
        assert is_new_visit(clock.now - window)
        assert not is_new_visit(clock.now - window + timedelta(seconds=1))


def test_completing_a_viewed_reading_keeps_its_first_view(app, two, clock):
    learner, _ = two
    start = clock.now
    act(app, learner, "view", "premiere")
    clock.now = start + timedelta(hours=1)
    act(app, learner, "read", "premiere")
    row = _reading_row(app, learner, "premiere")
    assert row.first_viewed_dt.replace(tzinfo=None) == start.replace(tzinfo=None)
    assert row.completed_dt.replace(tzinfo=None) == clock.now.replace(tzinfo=None)
    assert [(e.verb, e.result) for e in _events(app, learner)] == [("experienced", None), ("completed", {"completion": True})]


def test_a_new_verdict_replaces_the_previous_one_and_a_blank_comment_is_none(app, two):
    learner, _ = two
    with app.app_context():
        user = db.session.get(User, learner.id)
        reading = db.session.scalar(select(Reading).where(Reading.slug == "premiere"))
        give_feedback(user, reading, FeedbackRating.TOO_LONG, "  Trop long  ")
        give_feedback(user, reading, FeedbackRating.CLEAR, "   ")
        db.session.commit()
        rows = list(db.session.scalars(select(ReadingFeedback)))
    assert [(r.user_id, r.rating, r.comment) for r in rows] == [(learner.id, FeedbackRating.CLEAR.value, None)]
    assert [e.result for e in _events(app, learner)] == [
        {"response": FeedbackRating.TOO_LONG.value, "comment": "Trop long"},
        {"response": FeedbackRating.CLEAR.value, "comment": None},
    ]


def test_every_action_is_announced_with_its_verbs_and_cohorts(app, two, cohort):
    learner, _ = two
    heard = []
    from app.cohorts.models import Cohort
    from app.cohorts.services import enrol

    with app.app_context():
        enrol(db.session.get(Cohort, cohort), db.session.get(User, learner.id))
        db.session.commit()

    def listener(user_id, **extra):
        heard.append((user_id, extra["cohort_id"], extra["cohort_ids"], extra["verbs"]))

    with learner_acted.connected_to(listener):
        act(app, learner, "read", "premiere")
    assert [(u, c, ids, {v.value for v in verbs}) for u, c, ids, verbs in heard] == [(learner.id, cohort, [cohort], {"completed"})]
    assert [e.cohort_id for e in _events(app, learner)] == [cohort]


def test_quiz_row_counts_attempts_keeps_the_best_score_and_resets_failures_on_a_pass(app, two, clock):
    learner, _ = two
    act(app, learner, "fail")
    act(app, learner, "fail")
    row = _quiz_row(app, learner)
    assert (row.attempt_count, row.failures_count, row.is_passed, row.passed_dt, row.best_score) == (2, 2, False, None, 0.0)
    act(app, learner, "pass")
    clock.now += timedelta(hours=1)
    act(app, learner, "fail")
    row = _quiz_row(app, learner)
    assert (row.attempt_count, row.failures_count, row.is_passed, row.best_score) == (4, 1, True, 1.0)
    assert row.last_attempt_dt.replace(tzinfo=None) == clock.now.replace(tzinfo=None)
    assert row.passed_dt.replace(tzinfo=None) == (clock.now - timedelta(hours=1)).replace(tzinfo=None)
    act(app, learner, "pass")
    assert _summary(app, learner).quizzes_passed == 1  # passed once, however many passing attempts


def test_quiz_events_carry_each_answer_and_the_score(app, two):
    learner, _ = two
    act(app, learner, "pass")
    events = _events(app, learner)
    assert [e.verb for e in events] == ["answered"] * 3 + ["passed"]
    assert all(e.result["success"] is True and e.result["response"] and e.result["shown_order"] for e in events[:3])
    quiz_result = events[-1].result
    assert quiz_result["success"] is True and quiz_result["score"] == {"scaled": 1.0, "raw": 3, "min": 0, "max": 3}
    assert isinstance(quiz_result["attempt_id"], int)


def _archive(app, model, **where) -> None:
    with app.app_context():
        db.session.execute(update(model).filter_by(**where).values(is_archived=True))
        recount_learner_progress()
        db.session.commit()


def test_the_recount_leaves_out_archived_readings_quizzes_and_modules_and_counts_each_learner_alone(app, two):
    learner, other = two
    for slug in ("premiere", "seconde"):
        act(app, learner, "read", slug)
    act(app, learner, "pass")
    act(app, other, "view", "premiere")
    act(app, other, "fail")
    with app.app_context():
        recount_learner_progress()
        db.session.commit()
    assert (_summary(app, learner).readings_completed, _summary(app, learner).quizzes_passed) == (2, 1)
    assert (_summary(app, other).readings_completed, _summary(app, other).quizzes_passed) == (0, 0)
    _archive(app, Reading, slug="seconde")
    assert (_summary(app, learner).readings_completed, _summary(app, learner).quizzes_passed) == (1, 1)
    _archive(app, Quiz)
    assert (_summary(app, learner).readings_completed, _summary(app, learner).quizzes_passed) == (1, 0)
    with app.app_context():
        db.session.execute(update(Reading).values(is_archived=False))
        db.session.execute(update(Quiz).values(is_archived=False))
        db.session.commit()
    _archive(app, Module, slug="bases")
    assert (_summary(app, learner).readings_completed, _summary(app, learner).quizzes_passed) == (0, 1)


def test_the_events_of_one_action_share_its_time_with_the_summary_row(app, two, clock):
    learner, _ = two
    start = clock.now

    def ticking():  # every reading of the clock a second later
        clock.now += timedelta(seconds=1)
        return clock.now

    app.config["CLOCK"] = ticking
    act(app, learner, "pass")
    events = _events(app, learner)
    assert len(events) == 4 and len({e.created_dt for e in events}) == 1
    assert events[0].created_dt.replace(tzinfo=None) == _summary(app, learner).last_activity_dt.replace(tzinfo=None)
    assert events[0].created_dt.replace(tzinfo=None) > start.replace(tzinfo=None)


def test_an_action_that_completes_nothing_only_moves_the_dates(app, two, clock):
    from app.progress.services import touch_learner

    learner, _ = two
    with app.app_context():
        touch_learner(learner.id, clock.now)
        touch_learner(learner.id, clock.now + timedelta(days=1))
        db.session.commit()
    summary = _summary(app, learner)
    assert (summary.readings_completed, summary.quizzes_passed) == (0, 0)
    assert summary.last_activity_dt.replace(tzinfo=None) == (clock.now + timedelta(days=1)).replace(tzinfo=None)


def test_completing_an_unopened_reading_counts_one_view(app, two):
    learner, _ = two
    act(app, learner, "read", "premiere")
    row = _reading_row(app, learner, "premiere")
    assert row.view_count == 1 and row.first_viewed_dt == row.last_viewed_dt == row.completed_dt


def test_a_row_without_a_last_view_counts_the_next_view(app, two):
    learner, _ = two
    act(app, learner, "read", "premiere")
    with app.app_context():  # a row from before views were dated
        db.session.execute(update(ReadingProgress).values(last_viewed_dt=None))
        db.session.commit()
    act(app, learner, "view", "premiere")
    row = _reading_row(app, learner, "premiere")
    assert row.view_count == 2 and row.last_viewed_dt is not None


def test_a_verdict_without_a_comment_stores_none(app, two):
    learner, _ = two
    with app.app_context():
        user = db.session.get(User, learner.id)
        give_feedback(user, db.session.scalar(select(Reading).where(Reading.slug == "premiere")), FeedbackRating.CLEAR, None)
        db.session.commit()
        assert db.session.scalar(select(ReadingFeedback.comment)) is None


def test_a_first_attempt_that_passes_counts_no_failure(app, two):
    learner, _ = two
    act(app, learner, "pass")
    row = _quiz_row(app, learner)
    assert (row.attempt_count, row.failures_count, row.is_passed) == (1, 0, True)


def test_a_pass_marks_only_that_learners_row_of_that_quiz(package_app, two_modules, create_user):
    from app.package.services import import_package

    with package_app.app_context():
        import_package(two_modules / "course", two_modules / "quizzes")
        db.session.commit()
    learner, other = create_user(email="a@example.test"), create_user(email="b@example.test")
    for user, module in ((learner, "bases"), (learner, "autre"), (other, "bases")):
        act(package_app, user, "fail", module)
    act(package_app, learner, "pass", "bases")
    with package_app.app_context():
        passed = db.session.execute(select(QuizProgress.user_id, Module.slug, QuizProgress.is_passed)
                                    .join(Quiz, Quiz.id == QuizProgress.quiz_id).join(Module, Module.id == Quiz.module_id)).all()
    assert sorted(passed) == sorted([(learner.id, "bases", True), (learner.id, "autre", False), (other.id, "bases", False)])
    assert _summary(package_app, learner).quizzes_passed == 1


def test_passing_again_counts_the_attempt_on_that_learners_row_of_that_quiz_only(package_app, two_modules, create_user):
    from app.package.services import import_package

    with package_app.app_context():
        import_package(two_modules / "course", two_modules / "quizzes")
        db.session.commit()
    learner, other = create_user(email="a@example.test"), create_user(email="b@example.test")
    for user, module in ((learner, "bases"), (learner, "autre"), (other, "bases"), (learner, "bases")):
        act(package_app, user, "pass", module)
    with package_app.app_context():
        counts = db.session.execute(select(QuizProgress.user_id, Module.slug, QuizProgress.attempt_count)
                                    .join(Quiz, Quiz.id == QuizProgress.quiz_id).join(Module, Module.id == Quiz.module_id)).all()
    assert sorted(counts) == sorted([(learner.id, "bases", 2), (learner.id, "autre", 1), (other.id, "bases", 1)])
    assert _summary(package_app, learner).quizzes_passed == 2
