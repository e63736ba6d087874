"""Two requests at once on the same answer: it is sent once, reviewed once, counted once."""

from sqlalchemy import func
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.models import Submission
from app.activities.models import SubmissionStatus
from app.activities.services import ActivityError
from app.activities.services import review_submission
from app.activities.services import save_answer
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.models import LearningEvent
from tests.progress.test_races import race


def _activity():
    return db.session.scalar(select(Activity))


def _events(verb):
    return db.session.scalar(select(func.count()).select_from(LearningEvent).where(LearningEvent.verb == verb))


def test_a_double_click_on_send_sends_once(app, course_with_activity, create_user):
    user = create_user()
    with app.app_context():
        save_answer(user, _activity(), "Ma réponse.", None, submit=False)
        db.session.commit()

    def send():
        save_answer(user, _activity(), "Ma réponse.", None, submit=True)

    errors = race(app, send, send)
    assert len(errors) == 1 and isinstance(errors[0], ActivityError)
    with app.app_context():
        assert _events("submitted") == 1
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_two_first_saves_at_once_make_one_version(app, course_with_activity, create_user):
    user = create_user()

    def save():
        save_answer(user, _activity(), "Brouillon.", None, submit=False)

    assert race(app, save, save) == []
    with app.app_context():
        assert db.session.execute(select(Submission.version, Submission.status)).all() == [(1, SubmissionStatus.DRAFT.value)]


def test_two_tutors_validating_at_once_count_the_activity_once(app, course_with_activity, create_user):
    learner, tutor = create_user(), create_user()
    with app.app_context():
        submission_id = save_answer(learner, _activity(), "Ma réponse.", None, submit=True).id
        db.session.commit()

    def validate():
        review_submission(db.session.get(Submission, submission_id), tutor.id, SubmissionStatus.VALIDATED, "Bien.")

    errors = race(app, validate, validate)
    assert len(errors) == 1 and isinstance(errors[0], ActivityError)
    with app.app_context():
        assert db.session.get(LearnerProgress, learner.id).activities_validated == 1
        assert _events("scored") == 1
