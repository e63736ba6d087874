"""Read-only queries combining the course with a learner's progress; none scans the event log."""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import true

from app.activities.models import Activity
from app.activities.models import Submission
from app.activities.models import SubmissionStatus
from app.auth.models import SignedInUser
from app.auth.models import User
from app.auth.services import SIGNED_IN_USER_COLUMNS
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.queries import COURSE_STAMP
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.cohorts.pace import PaceItem
from app.cohorts.pace import ScheduledItem
from app.cohorts.pace import Standing
from app.cohorts.pace import actual_curve
from app.cohorts.pace import expected_curve
from app.cohorts.pace import schedule
from app.cohorts.pace import standing
from app.cohorts.services import open_cohorts_of
from app.extensions import db
from app.progress.models import QuizProgress
from app.progress.models import ReadingFeedback
from app.progress.models import ReadingProgress
from app.quizzes.models import Quiz

_LIVE_READING = and_(Reading.is_archived.is_(False), Module.is_archived.is_(False))


class ReadingState(NamedTuple):
    """What changes between two views of the same reading page, loaded in one light query."""

    reading_id: int
    revision: int
    course_stamp: str
    completed_dt: datetime | None
    last_viewed_dt: datetime | None
    rating: str | None
    #: The learner's comment, shown back in the feedback form (so part of the cached page's key).
    comment: str | None


# Built once: SQLAlchemy then reuses its compiled form; it runs on the connection, without the ORM.
_READING_STATE = (
    select(
        Reading.id,
        Reading.revision,
        COURSE_STAMP,
        ReadingProgress.completed_dt,
        ReadingProgress.last_viewed_dt,
        ReadingFeedback.rating,
        ReadingFeedback.comment,
    )
    .select_from(Reading)
    .join(Module, Module.id == Reading.module_id)
    .outerjoin(ReadingProgress, and_(ReadingProgress.reading_id == Reading.id, ReadingProgress.user_id == bindparam("user_id")))
    .outerjoin(ReadingFeedback, and_(ReadingFeedback.reading_id == Reading.id, ReadingFeedback.user_id == bindparam("user_id")))
    .where(Module.slug == bindparam("module_slug"), Reading.slug == bindparam("reading_slug"), _LIVE_READING)
)


def reading_state(module_slug: str, reading_slug: str, user_id: int) -> ReadingState | None:
    """Return a live reading's revision and the learner's state on it, or ``None``."""
    params = {"module_slug": module_slug, "reading_slug": reading_slug, "user_id": user_id}
    row = db.session.connection().execute(_READING_STATE, params).first()
    return ReadingState(*row) if row else None


_STATE_COLUMNS = _READING_STATE.subquery()
# The signed-in user and their state on the reading, in one round trip: the hottest page of the
# platform then needs a single query.
_USER_AND_READING_STATE = (
    select(*SIGNED_IN_USER_COLUMNS, *_STATE_COLUMNS.c)
    .select_from(User)
    .outerjoin(_STATE_COLUMNS, true())
    .where(User.id == bindparam("user_id"), User.is_active.is_(True))
)


def user_and_reading_state(user_id: int, module_slug: str, reading_slug: str) -> tuple[SignedInUser, ReadingState | None] | None:
    """Return the active user ``user_id`` and their state on a live reading (``None`` if no such reading).

    :return: ``None`` when the account does not exist or is disabled.
    """
    params = {"module_slug": module_slug, "reading_slug": reading_slug, "user_id": user_id}
    with db.engine.connect() as conn:  # a plain read: no ORM session to open and close
        row = conn.execute(_USER_AND_READING_STATE, params).first()
    if row is None:
        return None
    width = len(SIGNED_IN_USER_COLUMNS)
    user, state = SignedInUser(*row[:width]), row[width:]
    return user, (ReadingState(*state) if state[0] is not None else None)


class CourseMapState(NamedTuple):
    """Everything the course map and the module pages show that can change, in one light query.

    The learner's progress is summed up by aggregates that change whenever a reading is viewed
    or marked read and whenever a quiz is attempted (counts and latest dates of rows that are only
    ever added to or moved forward); the open cohorts give the pace. Cached pages are keyed on it.
    """

    course_stamp: str
    progress: tuple
    #: The open cohorts' rows (every column), in id order: dates, thresholds, name, time zone.
    cohorts: tuple[tuple, ...]

    def key(self, now: datetime) -> tuple:
        """Return the cache key of a page showing this state at ``now`` (the pace moves daily)."""
        days = tuple(now.astimezone(ZoneInfo(row[_COHORT_ZONE])).date() for row in self.cohorts)
        return (self.course_stamp, self.progress, self.cohorts, now.date(), days)


def _of_learner(model, aggregate):
    """Return ``aggregate`` over the user's rows of ``model`` (a primary-key range: user first)."""
    return select(aggregate).where(model.user_id == User.id).correlate(User).scalar_subquery()


_COHORT_COLUMNS = tuple(Cohort.__table__.columns)
_COHORT_ZONE = [c.name for c in _COHORT_COLUMNS].index("timezone")
_PROGRESS_COLUMNS = (
    _of_learner(ReadingProgress, func.count(ReadingProgress.first_viewed_dt)),
    _of_learner(ReadingProgress, func.count(ReadingProgress.completed_dt)),
    _of_learner(ReadingProgress, func.max(ReadingProgress.completed_dt)),
    _of_learner(QuizProgress, func.coalesce(func.sum(QuizProgress.attempt_count), 0)),
    _of_learner(QuizProgress, func.max(QuizProgress.last_attempt_dt)),
    # A new version, a draft sent, a tutor's review: each moves one of these.
    _of_learner(Submission, func.count(Submission.submitted_dt)),
    _of_learner(Submission, func.max(Submission.reviewed_dt)),
)
_USER_AND_COURSE_MAP_STATE = (
    select(*SIGNED_IN_USER_COLUMNS, COURSE_STAMP, *_PROGRESS_COLUMNS, *_COHORT_COLUMNS)
    .select_from(User)
    .outerjoin(Enrolment, Enrolment.user_id == User.id)
    .outerjoin(Cohort, and_(Cohort.id == Enrolment.cohort_id, Cohort.is_closed.is_(False)))
    .where(User.id == bindparam("user_id"), User.is_active.is_(True))
)


def user_and_course_map_state(user_id: int) -> tuple[SignedInUser, CourseMapState] | None:
    """Return the active user ``user_id`` and the state of their course map (one query).

    :return: ``None`` when the account does not exist or is disabled.
    """
    with db.engine.connect() as conn:  # a plain read: no ORM session to open and close
        rows = conn.execute(_USER_AND_COURSE_MAP_STATE, {"user_id": user_id}).all()
    if not rows:
        return None
    width = len(SIGNED_IN_USER_COLUMNS)
    first = rows[0]
    progress_end = width + 1 + len(_PROGRESS_COLUMNS)
    cohorts = sorted(tuple(row[progress_end:]) for row in rows if row[progress_end] is not None)
    state = CourseMapState(first[width] or "", tuple(first[width + 1 : progress_end]), tuple(cohorts))
    return SignedInUser(*first[:width]), state


@dataclass(frozen=True)
class Neighbour:
    """The reading before or after the current one."""

    slug: str
    title: str
    module_slug: str


@dataclass(frozen=True)
class ReadingPage:
    """Everything the reading page shows, loaded in one query."""

    reading: Reading
    previous: Neighbour | None
    next: Neighbour | None
    progress: ReadingProgress | None
    feedback: ReadingFeedback | None

    @property
    def is_last_of_module(self) -> bool:
        """Tell whether the module's quiz comes next."""
        return self.next is None or self.next.module_slug != self.reading.module.slug


def reading_page(module_slug: str, reading_slug: str, user_id: int) -> ReadingPage | None:
    """Load a live reading, its neighbours in course order, and the learner's state on it."""
    order = (Module.position, Reading.position)
    window = select(
        Reading.id.label("id"),
        Reading.slug.label("slug"),
        Module.slug.label("module_slug"),
        *(func.lag(col).over(order_by=order).label(f"prev_{name}") for name, col in _NEIGHBOUR_COLUMNS),
        *(func.lead(col).over(order_by=order).label(f"next_{name}") for name, col in _NEIGHBOUR_COLUMNS),
    ).join(Module, Module.id == Reading.module_id).where(_LIVE_READING).subquery()
    row = db.session.execute(
        select(Reading, ReadingProgress, ReadingFeedback, *(window.c[f"{side}_{name}"] for side in ("prev", "next") for name, _ in _NEIGHBOUR_COLUMNS))
        .join(window, window.c.id == Reading.id)
        .outerjoin(ReadingProgress, and_(ReadingProgress.reading_id == Reading.id, ReadingProgress.user_id == user_id))
        .outerjoin(ReadingFeedback, and_(ReadingFeedback.reading_id == Reading.id, ReadingFeedback.user_id == user_id))
        .where(window.c.slug == reading_slug, window.c.module_slug == module_slug)
    ).first()
    if row is None:
        return None
    reading, progress, feedback, *neighbours = row
    previous = Neighbour(*neighbours[:3]) if neighbours[0] else None
    following = Neighbour(*neighbours[3:]) if neighbours[3] else None
    return ReadingPage(reading, previous, following, progress, feedback)


_NEIGHBOUR_COLUMNS = (("slug", Reading.slug), ("title", Reading.title), ("module", Module.slug))


@dataclass(frozen=True)
class ModuleProgress:
    """A learner's standing on one module."""

    module: Module
    readings_total: int
    readings_done: int
    quiz: Quiz | None
    quiz_progress: QuizProgress | None
    activities_total: int = 0
    activities_done: int = 0

    @property
    def items_total(self) -> int:
        """Readings and activities, plus the quiz."""
        return self.readings_total + self.activities_total + (1 if self.quiz else 0)

    @property
    def items_done(self) -> int:
        """Readings marked as read and activities validated, plus the quiz if passed."""
        return self.readings_done + self.activities_done + (1 if self.quiz_progress and self.quiz_progress.is_passed else 0)


def modules_progress(user_id: int) -> list[ModuleProgress]:
    """Return every live module with the learner's readings done and quiz result, in course order."""
    counts = (
        select(
            Reading.module_id.label("module_id"),
            func.count(Reading.id).label("total"),
            func.count(ReadingProgress.completed_dt).label("done"),
        )
        .outerjoin(ReadingProgress, and_(ReadingProgress.reading_id == Reading.id, ReadingProgress.user_id == user_id))
        .where(Reading.is_archived.is_(False))
        .group_by(Reading.module_id)
        .subquery()
    )
    validated = and_(Submission.activity_id == Activity.id, Submission.user_id == user_id, Submission.status == SubmissionStatus.VALIDATED.value)
    activities = (
        select(Activity.module_id.label("module_id"), func.count(Activity.id).label("total"), func.count(Submission.id).label("done"))
        .outerjoin(Submission, validated)
        .where(Activity.is_archived.is_(False))
        .group_by(Activity.module_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Module, func.coalesce(counts.c.total, 0), func.coalesce(counts.c.done, 0), Quiz, QuizProgress,
               func.coalesce(activities.c.total, 0), func.coalesce(activities.c.done, 0))
        .outerjoin(counts, counts.c.module_id == Module.id)
        .outerjoin(activities, activities.c.module_id == Module.id)
        .outerjoin(Quiz, and_(Quiz.module_id == Module.id, Quiz.is_archived.is_(False)))
        .outerjoin(QuizProgress, and_(QuizProgress.quiz_id == Quiz.id, QuizProgress.user_id == user_id))
        .where(Module.is_archived.is_(False))
        .order_by(Module.position)
    ).all()
    return [ModuleProgress(*row) for row in rows]


def module_activities(module_id: int, user_id: int) -> list[tuple[Activity, str | None]]:
    """Return a module's live activities in order, each with where the learner's latest answer stands."""
    latest = (
        select(Submission.status)
        .where(Submission.activity_id == Activity.id, Submission.user_id == user_id)
        .order_by(Submission.version.desc())
        .limit(1)
        .correlate(Activity)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Activity, latest).where(Activity.module_id == module_id, Activity.is_archived.is_(False)).order_by(Activity.position)
    )
    return [tuple(row) for row in rows]


def module_readings(module_id: int, user_id: int) -> list[tuple[Reading, ReadingProgress | None]]:
    """Return a module's live readings in order, each with the learner's progress row."""
    return list(
        db.session.execute(
            select(Reading, ReadingProgress)
            .outerjoin(ReadingProgress, and_(ReadingProgress.reading_id == Reading.id, ReadingProgress.user_id == user_id))
            .where(Reading.module_id == module_id, Reading.is_archived.is_(False))
            .order_by(Reading.position)
        ).all()
    )


@dataclass(frozen=True)
class LearnerPace:
    """A learner's cohort, the pace's schedule and where the learner stands today."""

    cohort: Cohort
    today: date
    scheduled: list[ScheduledItem]
    standing: Standing
    expected_points: list[tuple[int, int]]
    actual_points: list[tuple[int, int]]
    #: The learner's other open cohorts (their actions count there too; the pace shown is the first's).
    other_cohorts: tuple[Cohort, ...] = ()

    @property
    def window_days(self) -> int:
        """Length of the cohort's window in days."""
        return (self.cohort.end_date - self.cohort.start_date).days


def pace_items_of(course_stamp: str) -> list[PaceItem]:
    """Return :func:`pace_items` for the course at ``course_stamp``, read once per process and stamp.

    A learner's every action refreshes their alerts against the course's items: they change only
    with a publication, which changes the stamp (one stamp at a time is kept).
    """
    cache = current_app.extensions.setdefault("pace_items", {})
    items = cache.get(course_stamp)
    if items is None:
        items = pace_items()
        cache.clear()
        cache[course_stamp] = items
    return items


def pace_items() -> list[PaceItem]:
    """Return the live course items in order: each module's readings and activities (by position), then its quiz."""
    readings = db.session.execute(
        select(Reading.id, Reading.title, Module.slug, Reading.slug, Reading.estimated_minutes, Module.position, Reading.position)
        .join(Module, Module.id == Reading.module_id)
        .where(_LIVE_READING)
    ).all()
    quizzes = db.session.execute(
        select(Quiz.id, Quiz.title, Module.slug, Module.slug, Quiz.estimated_minutes, Module.position)
        .join(Module, Module.id == Quiz.module_id)
        .where(Quiz.is_archived.is_(False), Module.is_archived.is_(False))
    ).all()
    activities = db.session.execute(
        select(Activity.id, Activity.title, Module.slug, Activity.slug, Activity.estimated_minutes, Module.position, Activity.position)
        .join(Module, Module.id == Activity.module_id)
        .where(Activity.is_archived.is_(False), Module.is_archived.is_(False))
    ).all()
    ordered = [((r[5], 0, r[6], 0), PaceItem("reading", *r[:5])) for r in readings]
    ordered += [((a[5], 0, a[6], 1), PaceItem("activity", *a[:5])) for a in activities]
    ordered += [((q[5], 1, 0, 0), PaceItem("quiz", *q[:5])) for q in quizzes]
    return [item for _, item in sorted(ordered, key=lambda pair: pair[0])]


def done_items(user_id: int) -> dict[tuple[str, int], datetime]:
    """Return when the learner finished each item: readings marked read, quizzes passed, activities validated."""
    readings = db.session.execute(
        select(ReadingProgress.reading_id, ReadingProgress.completed_dt).where(
            ReadingProgress.user_id == user_id, ReadingProgress.completed_dt.is_not(None)
        )
    )
    quizzes = db.session.execute(
        select(QuizProgress.quiz_id, QuizProgress.passed_dt).where(QuizProgress.user_id == user_id, QuizProgress.is_passed.is_(True))
    )
    activities = db.session.execute(
        select(Submission.activity_id, Submission.reviewed_dt).where(Submission.user_id == user_id, Submission.status == SubmissionStatus.VALIDATED.value)
    )
    done = {("reading", rid): when for rid, when in readings}
    done.update({("quiz", qid): when for qid, when in quizzes})
    done.update({("activity", aid): when for aid, when in activities})
    return done


def learner_pace(user_id: int, now: datetime) -> LearnerPace | None:
    """Return the learner's standing against their open cohort's pace, or ``None`` without cohort.

    In several open cohorts, the pace is that of the one ending soonest (see ``open_cohorts_of``).
    """
    cohorts = open_cohorts_of(user_id)
    if not cohorts:
        return None
    cohort = cohorts[0]
    zone = ZoneInfo(cohort.timezone)
    today = now.astimezone(zone).date()
    scheduled = schedule(pace_items(), cohort.start_date, cohort.end_date)
    done = done_items(user_id)
    live_keys = {s.item.key for s in scheduled}
    live_done = {key: when for key, when in done.items() if key in live_keys}
    dates = [when.astimezone(zone).date() for when in live_done.values() if when is not None]
    return LearnerPace(
        cohort=cohort,
        today=today,
        scheduled=scheduled,
        standing=standing(scheduled, set(live_done), today),
        expected_points=expected_curve(scheduled, cohort.start_date),
        actual_points=actual_curve(dates, cohort.start_date, min(max(today, cohort.start_date), cohort.end_date)),
        other_cohorts=tuple(cohorts[1:]),
    )


@dataclass(frozen=True)
class ArchivedWork:
    """Work a learner did on content since archived: kept and still reported, out of the pace."""

    title: str
    kind: str  # "reading" or "quiz"
    done_dt: datetime | None


def archived_work(user_id: int) -> list[ArchivedWork]:
    """Return the archived readings the learner read and archived quizzes they passed, by date."""
    readings = db.session.execute(
        select(Reading.title, ReadingProgress.completed_dt)
        .join(ReadingProgress, ReadingProgress.reading_id == Reading.id)
        .join(Module, Module.id == Reading.module_id)
        .where(ReadingProgress.user_id == user_id, ReadingProgress.completed_dt.is_not(None), ~_LIVE_READING)
    ).all()
    quizzes = db.session.execute(
        select(Quiz.title, QuizProgress.passed_dt)
        .join(QuizProgress, QuizProgress.quiz_id == Quiz.id)
        .join(Module, Module.id == Quiz.module_id)
        .where(QuizProgress.user_id == user_id, QuizProgress.is_passed.is_(True), (Quiz.is_archived.is_(True)) | (Module.is_archived.is_(True)))
    ).all()
    work = [ArchivedWork(t, "reading", d) for t, d in readings] + [ArchivedWork(t, "quiz", d) for t, d in quizzes]
    return sorted(work, key=lambda w: (w.done_dt is None, w.done_dt))
