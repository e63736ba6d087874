"""The figures of a cohort's sponsor report, each counted by the database over the cohort's learners."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.models import Submission
from app.activities.models import SubmissionStatus
from app.admin.queries import TutorReactivity
from app.admin.queries import tutor_reactivity
from app.alerts.queries import CohortDay
from app.alerts.queries import cohort_day
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.cohorts.models import Cohort
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.models import DiagnosticStatement
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.models import QuizProgress
from app.progress.models import ReadingFeedback
from app.progress.weeks import cohort_weeks
from app.quizzes.models import Quiz
from app.tutoring.chart import PaceChart
from app.tutoring.chart import pace_chart
from app.tutoring.queries import CohortFigures
from app.tutoring.queries import LearnerFilter
from app.tutoring.queries import LearnerLine
from app.tutoring.queries import cohort_summary
from app.tutoring.queries import learner_lines


@dataclass(frozen=True)
class StatementShift:
    """One self-diagnostic statement: the cohort's mean rating before and after the course."""

    text: str
    module: str | None
    before: float | None
    before_count: int
    after: float | None
    after_count: int


@dataclass(frozen=True)
class QuizResult:
    """One module's quiz in the cohort: learners who tried it, passed it, and their median best score."""

    module: str
    attempted: int
    passed: int
    median_best: int | None


@dataclass(frozen=True)
class ActivityResult:
    """One activity in the cohort: learners who sent an answer, were validated, or are waiting for the tutor."""

    title: str
    sent: int
    validated: int
    waiting: int


@dataclass(frozen=True)
class ReadingVerdicts:
    """What the cohort's learners said of one reading (counts only: comments could name their author)."""

    title: str
    clear: int
    unclear: int
    too_long: int


@dataclass(frozen=True)
class SponsorReport:
    """Everything the report shows; ``learners`` only when the admin asked for the named appendix."""

    cohort: Cohort
    day: CohortDay
    figures: CohortFigures
    chart: PaceChart
    diagnostic: list[StatementShift]
    quizzes: list[QuizResult]
    activities: list[ActivityResult]
    readings: list[ReadingVerdicts]
    tutors: list[TutorReactivity]
    learners: list[LearnerLine] | None


def _members(cohort_id: int):
    return select(Enrolment.user_id).where(Enrolment.cohort_id == cohort_id)


def diagnostic_shifts(cohort_id: int) -> list[StatementShift]:
    """Return the live statements with the cohort's mean rating before and after."""
    members = _members(cohort_id)

    def phase(name: str):
        answered = and_(DiagnosticAnswer.statement_id == DiagnosticStatement.id, DiagnosticAnswer.phase == name, DiagnosticAnswer.user_id.in_(members))
        return (select(func.avg(DiagnosticAnswer.rating)).where(answered).scalar_subquery(),
                select(func.count()).select_from(DiagnosticAnswer).where(answered).scalar_subquery())

    before, after = phase("before"), phase("after")
    rows = db.session.execute(
        select(DiagnosticStatement.text, Module.title, *before, *after)
        .outerjoin(Module, Module.id == DiagnosticStatement.module_id)
        .where(DiagnosticStatement.is_archived.is_(False))
        .order_by(DiagnosticStatement.position)
    )
    return [StatementShift(text, module, _mean(b), bn, _mean(a), an) for text, module, b, bn, a, an in rows]


def _mean(value) -> float | None:
    return round(float(value), 1) if value is not None else None


def quiz_results(cohort_id: int) -> list[QuizResult]:
    """Return each live quiz with the cohort's attempts, passes and median best score."""
    rows = db.session.execute(
        select(Module.title, QuizProgress.best_score, QuizProgress.is_passed)
        .select_from(Quiz)
        .join(Module, Module.id == Quiz.module_id)
        .outerjoin(QuizProgress, and_(QuizProgress.quiz_id == Quiz.id, QuizProgress.user_id.in_(_members(cohort_id))))
        .where(Quiz.is_archived.is_(False), Module.is_archived.is_(False))
        .order_by(Module.position)
    )
    by_module: dict[str, list[tuple[float, bool]]] = {}
    for title, best, passed in rows:
        by_module.setdefault(title, [])
        if best is not None:
            by_module[title].append((best, passed))
    results = []
    for title, scores in by_module.items():
        ordered = sorted(best for best, _passed in scores)
        median = round(100 * ordered[len(ordered) // 2]) if ordered else None
        results.append(QuizResult(title, len(scores), sum(1 for _best, passed in scores if passed), median))
    return results


def activity_results(cohort_id: int) -> list[ActivityResult]:
    """Return each live activity with the cohort's learners who sent, were validated, or wait."""
    members = _members(cohort_id)

    def learners(*conditions):
        return (
            select(func.count(Submission.user_id.distinct()))
            .where(Submission.activity_id == Activity.id, Submission.user_id.in_(members), *conditions)
            .scalar_subquery()
        )

    sent = Submission.status != SubmissionStatus.DRAFT.value
    rows = db.session.execute(
        select(Activity.title, learners(sent), learners(Submission.status == SubmissionStatus.VALIDATED.value),
               learners(Submission.status == SubmissionStatus.SUBMITTED.value))
        .join(Module, Module.id == Activity.module_id)
        .where(Activity.is_archived.is_(False), Module.is_archived.is_(False))
        .order_by(Module.position, Activity.position)
    )
    return [ActivityResult(*row) for row in rows]


def reading_verdicts(cohort_id: int) -> list[ReadingVerdicts]:
    """Return each live reading the cohort gave a verdict on, with the counts of each verdict."""

    def count(rating: FeedbackRating):
        return func.count().filter(ReadingFeedback.rating == rating.value)

    rows = db.session.execute(
        select(Reading.title, count(FeedbackRating.CLEAR), count(FeedbackRating.UNCLEAR), count(FeedbackRating.TOO_LONG))
        .join(ReadingFeedback, ReadingFeedback.reading_id == Reading.id)
        .join(Module, Module.id == Reading.module_id)
        .where(ReadingFeedback.user_id.in_(_members(cohort_id)), Reading.is_archived.is_(False))
        .group_by(Reading.id, Reading.title, Module.position, Reading.position)
        .order_by(Module.position, Reading.position)
    )
    return [ReadingVerdicts(*row) for row in rows]


def sponsor_report(cohort: Cohort, now: datetime, *, named: bool = False) -> SponsorReport:
    """Gather the cohort's report at ``now``; the learners' names only if ``named``."""
    day = cohort_day(cohort, now)
    summary = cohort_summary(day, LearnerFilter())
    chart = pace_chart(day, cohort_weeks(cohort.id), summary.done_counts, lambda n: _("semaine %(n)d", n=n))
    tutor_ids = set(db.session.scalars(select(CohortTutor.user_id).where(CohortTutor.cohort_id == cohort.id)))
    tutors = [row for row in tutor_reactivity(now) if row.tutor_id in tutor_ids]
    return SponsorReport(
        cohort, day, summary.figures, chart, diagnostic_shifts(cohort.id), quiz_results(cohort.id), activity_results(cohort.id),
        reading_verdicts(cohort.id), tutors, learner_lines(day) if named else None,
    )
