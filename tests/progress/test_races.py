"""Two requests at once on the same summary row: the action counts once, never twice.

Each test holds a first transaction open after its write, lets a second one read and reach its
write (which then waits for the first: row lock on PostgreSQL, write lock on SQLite), then
commits the first. A decision taken from a read before the write counts twice here.
"""

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import func
from sqlalchemy import select

from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.models import LearningEvent
from app.progress.models import QuizProgress
from app.progress.models import ReadingProgress
from app.progress.services import complete_reading
from app.progress.services import record_reading_view
from app.progress.services import recount_learner_progress
from app.quizzes.models import Quiz
from app.signals import quiz_attempt_submitted

#: Long enough for the second transaction to read and block on its write.
SETTLE = 0.6


def race(app, first, second) -> list[Exception]:
    """Run ``first`` and keep its transaction open while ``second`` runs in another thread; commit both.

    :return: what ``second`` raised, if anything (its transaction is then not committed).
    """
    errors = []

    def run_second():
        try:
            with app.app_context():
                second()
                db.session.commit()
        except Exception as exc:  # reported by the test below
            errors.append(exc)

    with app.app_context():
        first()
        db.session.flush()
        thread = threading.Thread(target=run_second)
        thread.start()
        time.sleep(SETTLE)
        db.session.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return errors


def _reading(slug="premiere"):
    return db.session.scalar(select(Reading).where(Reading.slug == slug))


def _count(verb, object_type="reading"):
    return db.session.scalar(select(func.count(LearningEvent.id)).where(LearningEvent.verb == verb, LearningEvent.object_type == object_type))


def test_a_double_click_on_mark_as_read_counts_once(app, course, create_user):
    user = create_user()

    def click():
        complete_reading(user, _reading())

    assert race(app, click, click) == []
    with app.app_context():
        assert _count("completed") == 1
        assert db.session.get(LearnerProgress, user.id).readings_completed == 1


def test_two_views_at_once_are_one_visit(app, course, create_user):
    user = create_user()

    def view():
        record_reading_view(user, _reading().id, None)

    assert race(app, view, view) == []
    with app.app_context():
        assert _count("experienced") == 1
        assert db.session.get(ReadingProgress, (user.id, _reading().id)).view_count == 1


def test_a_view_after_the_window_is_a_new_visit(app, course, create_user, clock):
    user = create_user()
    with app.app_context():
        reading_id = _reading().id
        assert record_reading_view(user, reading_id, None)
        db.session.commit()
        last = db.session.get(ReadingProgress, (user.id, reading_id)).last_viewed_dt
        # The page loaded the state before the first view: the statement still sees it.
        assert not record_reading_view(user, reading_id, None)
        clock.now += timedelta(seconds=app.config["VIEW_EVENT_WINDOW_SECONDS"])
        assert record_reading_view(user, reading_id, last)
        db.session.commit()
        assert _count("experienced") == 2


def _passing_attempt(user, quiz_id, attempt_id):
    attempt = SimpleNamespace(id=attempt_id, quiz_id=quiz_id, is_passed=True, score=1.0, correct_count=3, question_count=3, points=3.0)
    return lambda: quiz_attempt_submitted.send(attempt, user=user, answers=[])


def test_one_quiz_passed_from_two_tabs_at_once_counts_once(app, course, create_user):
    user = create_user()
    with app.app_context():
        quiz_id = db.session.scalar(select(Quiz.id))
    assert race(app, _passing_attempt(user, quiz_id, 1), _passing_attempt(user, quiz_id, 2)) == []
    with app.app_context():
        progress = db.session.get(QuizProgress, (user.id, quiz_id))
        assert (progress.attempt_count, progress.is_passed, progress.failures_count) == (2, True, 0)
        assert db.session.get(LearnerProgress, user.id).quizzes_passed == 1
        assert _count("passed", "quiz") == 2  # two attempts, each logged once


def test_a_recount_during_a_learners_action_keeps_the_action(app, course, create_user):
    user = create_user()
    with app.app_context():
        complete_reading(user, _reading("seconde"))
        db.session.commit()
    assert race(app, lambda: complete_reading(user, _reading()), recount_learner_progress) == []
    with app.app_context():
        assert db.session.get(LearnerProgress, user.id).readings_completed == 2
