"""Figures for the admin pages: tutor reactivity (time from an alert to the first contact) and
know-how in reviewing (time from an answer to its review)."""

import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.activities.models import Submission
from app.activities.models import SubmissionStatus
from app.alerts.models import Alert
from app.alerts.rules import AlertKind
from app.auth.models import Role
from app.auth.models import User
from app.certificates.models import Certificate
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.extensions import db
from app.tutor_feedback.models import TutorRating
from app.tutor_feedback.services import MIN_RATINGS_SHOWN
from app.tutoring.models import Contact

#: An alert still waits for a tutor: neither closed by itself nor resolved.
ALERT_IS_OPEN = and_(Alert.closed_dt.is_(None), Alert.resolved_dt.is_(None))
#: The alerts a tutor answers by contacting the learner (a waiting review is answered by the review).
_CONTACT_KINDS = Alert.kind != AlertKind.REVIEW_WAITING.value


@dataclass(frozen=True)
class TutorReactivity:
    """One tutor's figures."""

    tutor_id: int
    name: str
    cohorts: int
    open_alerts: int
    #: Median time from an alert's opening to this tutor's first contact with the learner, over the
    #: alerts of their cohorts that got one; ``None`` when none did.
    median_delay: timedelta | None
    #: How many alerts the median is taken over.
    answered_alerts: int
    #: How long the oldest open alert of their cohorts has been waiting for their first contact.
    longest_wait: timedelta | None
    contacts: int
    #: Answers to activities this tutor reviewed, the median time from sending to their review, and
    #: how long the oldest answer of their cohorts' learners has been waiting for a review.
    reviews: int = 0
    median_review_delay: timedelta | None = None
    longest_review_wait: timedelta | None = None
    #: How many learners rated the tutor; the medians and comments are given only from
    #: :data:`~app.tutor_feedback.services.MIN_RATINGS_SHOWN` ratings (fewer would tell who said what).
    ratings: int = 0
    median_helpfulness: float | None = None
    median_clarity: float | None = None
    comments: tuple[str, ...] = ()

    @property
    def ratings_shown(self) -> bool:
        """Enough ratings to show them without exposing anyone."""
        return self.ratings >= MIN_RATINGS_SHOWN


def median_delay(delays: Sequence[timedelta]) -> timedelta | None:
    """Return the median of ``delays`` (the mean of the two middle ones for an even count), ``None`` if empty."""
    if not delays:
        return None
    ordered = sorted(delays)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def format_delay(delay: timedelta) -> str:
    """Say a delay in the reader's language: minutes below an hour, hours below two days, then days."""
    seconds = max(delay.total_seconds(), 0)
    if seconds < 60:
        return _("moins d'une minute")
    if seconds < 3600:
        minutes = int(seconds // 60)
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    hours = int(seconds / 3600 + 0.5)  # half an hour counts as one
    if hours < 48:
        return ngettext("%(num)d heure", "%(num)d heures", hours)
    return _("%(days)s jours", days=format_decimal(round(seconds / 86400, 1)))


def _name_key(name: str) -> str:
    """Sort names the same way on every engine: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _per_tutor(query) -> dict[int, int]:
    return dict(db.session.execute(query).tuples().all())


#: The first contact a tutor logged with an alert's learner, in its cohort, at or after it opened.
_CONTACT_ANSWERS_ALERT = and_(
    Contact.tutor_id == CohortTutor.user_id,
    Contact.learner_id == Alert.user_id,
    Contact.cohort_id == Alert.cohort_id,
    Contact.contacted_dt >= Alert.opened_dt,
)


def _delays() -> dict[int, list[timedelta]]:
    """Return, per tutor, the delay before their first contact for every alert of their cohorts that got one."""
    rows = db.session.execute(
        select(CohortTutor.user_id, Alert.opened_dt, func.min(Contact.contacted_dt))
        .join(Alert, Alert.cohort_id == CohortTutor.cohort_id)
        .join(Contact, _CONTACT_ANSWERS_ALERT)
        .where(_CONTACT_KINDS)
        .group_by(CohortTutor.user_id, Alert.id, Alert.opened_dt)
    )
    delays: dict[int, list[timedelta]] = defaultdict(list)
    for tutor_id, opened_dt, first_contact_dt in rows:
        delays[tutor_id].append(first_contact_dt - opened_dt)
    return delays


def _oldest_waiting() -> dict[int, datetime]:
    """Return, per tutor, when the oldest open alert of their cohorts with no contact from them opened."""
    return _per_tutor(
        select(CohortTutor.user_id, func.min(Alert.opened_dt))
        .join(Alert, Alert.cohort_id == CohortTutor.cohort_id)
        .where(ALERT_IS_OPEN, _CONTACT_KINDS, ~exists().where(_CONTACT_ANSWERS_ALERT))
        .group_by(CohortTutor.user_id)
    )


def _review_delays() -> dict[int, list[timedelta]]:
    """Return, per tutor, the time each answer they reviewed waited between sending and their review."""
    delays: dict[int, list[timedelta]] = defaultdict(list)
    rows = db.session.execute(select(Submission.reviewer_id, Submission.submitted_dt, Submission.reviewed_dt).where(Submission.reviewed_dt.is_not(None)))
    for tutor_id, sent, reviewed in rows:
        delays[tutor_id].append(reviewed - sent)
    return delays


def _oldest_answer_waiting() -> dict[int, datetime]:
    """Return, per tutor, when the oldest answer of their cohorts' learners still waiting for a review was sent."""
    return _per_tutor(
        select(CohortTutor.user_id, func.min(Submission.submitted_dt))
        .join(Enrolment, Enrolment.cohort_id == CohortTutor.cohort_id)
        .join(Submission, Submission.user_id == Enrolment.user_id)
        .where(Submission.status == SubmissionStatus.SUBMITTED.value)
        .group_by(CohortTutor.user_id)
    )


def _median(values: Sequence[int]) -> float | None:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if not ordered:
        return None
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _ratings() -> dict[int, dict]:
    """Return, per tutor, the learners' ratings: count, medians and comments (sorted, so that their order tells nothing)."""
    found: dict[int, dict] = defaultdict(lambda: {"helpfulness": [], "clarity": [], "comments": []})
    for tutor_id, helpfulness, clarity, comment in db.session.execute(
        select(TutorRating.tutor_id, TutorRating.helpfulness, TutorRating.clarity, TutorRating.comment)
    ):
        found[tutor_id]["helpfulness"].append(helpfulness)
        found[tutor_id]["clarity"].append(clarity)
        if comment:
            found[tutor_id]["comments"].append(comment)
    return found


def _rating_fields(rated: dict | None) -> dict:
    if not rated:
        return {}
    count = len(rated["helpfulness"])
    if count < MIN_RATINGS_SHOWN:
        return {"ratings": count}
    return {"ratings": count, "median_helpfulness": _median(rated["helpfulness"]), "median_clarity": _median(rated["clarity"]),
            "comments": tuple(sorted(rated["comments"]))}


def tutor_reactivity(now: datetime) -> list[TutorReactivity]:
    """Return every tutor's reactivity figures, sorted by name (a handful of queries in all).

    :param now: the time the waits are measured at.
    """
    tutors = db.session.execute(select(User.id, User.display_name).where(User.roles.bitwise_and(int(Role.TUTOR)) != 0)).all()
    cohorts = _per_tutor(select(CohortTutor.user_id, func.count()).group_by(CohortTutor.user_id))
    open_alerts = _per_tutor(
        select(CohortTutor.user_id, func.count(Alert.id)).join(Alert, Alert.cohort_id == CohortTutor.cohort_id).where(ALERT_IS_OPEN).group_by(CohortTutor.user_id)
    )
    contacts = _per_tutor(select(Contact.tutor_id, func.count()).group_by(Contact.tutor_id))
    delays, waiting = _delays(), _oldest_waiting()
    review_delays, answers_waiting, ratings = _review_delays(), _oldest_answer_waiting(), _ratings()
    rows = [
        TutorReactivity(
            tutor_id=tutor_id,
            name=name,
            cohorts=cohorts.get(tutor_id, 0),
            open_alerts=open_alerts.get(tutor_id, 0),
            median_delay=median_delay(delays.get(tutor_id, [])),
            answered_alerts=len(delays.get(tutor_id, [])),
            longest_wait=max(now - waiting[tutor_id], timedelta(0)) if tutor_id in waiting else None,
            contacts=contacts.get(tutor_id, 0),
            reviews=len(review_delays.get(tutor_id, [])),
            median_review_delay=median_delay(review_delays.get(tutor_id, [])),
            longest_review_wait=max(now - answers_waiting[tutor_id], timedelta(0)) if tutor_id in answers_waiting else None,
            **_rating_fields(ratings.get(tutor_id)),
        )
        for tutor_id, name in tutors
    ]
    return sorted(rows, key=lambda row: (_name_key(row.name), row.tutor_id))


def issued_certificates(query: str = "", limit: int = 100) -> list[Certificate]:
    """Return the certificates issued, the latest first; ``query`` finds a code or part of a learner's name."""
    statement = select(Certificate).order_by(Certificate.issued_dt.desc(), Certificate.id.desc()).limit(limit)
    if query:
        pattern = f"%{query.replace('%', '').replace('_', '')}%"
        statement = statement.where(or_(Certificate.code.ilike(pattern), Certificate.learner_name.ilike(pattern)))
    return list(db.session.scalars(statement))
