"""Which tutors a learner may rate, and their rating (one statement: a second one replaces it)."""

from dataclasses import dataclass

from sqlalchemy import select

from app.activities.models import Submission
from app.auth.models import User
from app.certificates.services import completion
from app.clock import now_utc
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.db_util import upsert
from app.extensions import db
from app.tutor_feedback.models import TutorRating

#: Ratings a tutor needs before anyone sees their figures or comments: fewer would tell who said what.
MIN_RATINGS_SHOWN = 5


@dataclass(frozen=True)
class RateableTutor:
    """A tutor of the learner's cohorts, whether the learner may rate them now, and their rating so far."""

    tutor_id: int
    name: str
    is_open: bool
    rating: TutorRating | None


def tutors_to_rate(learner_id: int) -> list[RateableTutor]:
    """Return the tutors of the learner's cohorts: rateable once the course is done, or once they reviewed one of the learner's answers."""
    tutors = db.session.execute(
        select(User.id, User.display_name)
        .join(CohortTutor, CohortTutor.user_id == User.id)
        .join(Enrolment, Enrolment.cohort_id == CohortTutor.cohort_id)
        .where(Enrolment.user_id == learner_id, User.id != learner_id)
        .distinct()
        .order_by(User.display_name, User.id)
    ).all()
    if not tutors:
        return []
    finished = completion(learner_id).is_complete
    reviewed_by = set(db.session.scalars(
        select(Submission.reviewer_id).where(Submission.user_id == learner_id, Submission.reviewer_id.is_not(None)).distinct()
    ))
    ratings = {r.tutor_id: r for r in db.session.scalars(select(TutorRating).where(TutorRating.learner_id == learner_id))}
    return [RateableTutor(tid, name, finished or tid in reviewed_by, ratings.get(tid)) for tid, name in tutors]


def rate_tutor(learner_id: int, tutor_id: int, helpfulness: int, clarity: int, comment: str | None) -> bool:
    """Record (or replace) the learner's rating of a tutor they may rate; flushes.

    :return: ``False`` when this tutor is not one the learner may rate now (nothing written).
    """
    allowed = any(t.tutor_id == tutor_id and t.is_open for t in tutors_to_rate(learner_id))
    if not allowed:
        return False
    comment = (comment or "").strip() or None
    values = {"helpfulness": helpfulness, "clarity": clarity, "comment": comment, "updated_dt": now_utc()}
    upsert(TutorRating, {"learner_id": learner_id, "tutor_id": tutor_id}, values, values)
    return True

