"""Realistic cohorts for ``bench.dashboard``: learners, their progress rows and their event log.

Every learner follows one profile (never started, stalled, behind, on pace, ahead, finished); the
items they finished are spread over the days between their first and last activity, in course
order. Each reading done has one to three views and a completion; each quiz done has zero to three
failed attempts before the pass, every attempt logging one ``answered`` event per question and a
``passed``/``failed`` one, as the platform does. The item after the last one done is often under
way: a reading opened, or a quiz failed once or more (the "struggling" alert). The summary rows
(:class:`ReadingProgress`, :class:`QuizProgress`, :class:`LearnerProgress`) are derived from the
very events written, so they agree with the log. Rows go in with bulk inserts (Core executemany in chunks on
SQLite, ``COPY`` on PostgreSQL; see :func:`bulk_insert`), one transaction per block of learners.
"""

import math
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text

from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.cohorts.pace import ScheduledItem
from app.cohorts.pace import schedule
from app.consent.models import ContactConsent
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.models import LearningEvent
from app.progress.models import ObjectType
from app.progress.models import QuizProgress
from app.progress.models import ReadingProgress
from app.progress.models import Verb
from app.progress.queries import pace_items
from app.quizzes.models import Question
from app.quizzes.models import Quiz

#: Share of the cohort following each profile (see :meth:`CohortBuilder._plan`).
PROFILES = (
    ("never", 0.10),  # enrolled, never came
    ("stalled", 0.10),  # started, then stopped a week or more ago
    ("behind", 0.17),  # came late or goes slowly, still active
    ("on_pace", 0.43),  # around the recommended pace (a day behind at worst)
    ("ahead", 0.15),
    ("finished", 0.05),
)
#: Learners who agreed to be contacted; some of them withdrew later, some others refused outright.
CONSENT_SHARE, WITHDRAWN_SHARE, REFUSED_SHARE = 0.45, 0.08, 0.10
#: Learners written per transaction, and rows per INSERT statement.
LEARNERS_PER_BLOCK = 2000
ROWS_PER_STATEMENT = 1000
#: Every learner has the same (unusable) password hash: they never sign in here.
LEARNER_PASSWORD_HASH = "pbkdf2:sha256:1000$bench$" + "0" * 64
#: Tables in foreign-key order, the enrolments last: the trigger that fills an enrolment's copy of
#: the learner's standing then reads their rows once, instead of each later row updating it again.
_MODELS = (User, ContactConsent, ReadingProgress, QuizProgress, LearnerProgress, LearningEvent, Enrolment)

FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Zoé", "Juliette", "Sarah", "Anaïs", "Clara", "Élodie",
    "Nathalie", "Sophie", "Isabelle", "Aurélie", "Hélène", "Margaux", "Lucas", "Hugo", "Louis", "Nathan", "Gabriel", "Arthur",
    "Jules", "Théo", "Raphaël", "Maxime", "Thomas", "Nicolas", "Julien", "Antoine", "Olivier", "Sébastien", "Karim", "Mehdi",
    "Yanis", "François", "Benoît", "Jérôme", "Mathilde", "Pauline", "Océane", "Yasmine", "Alexandre", "Quentin",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
    "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
    "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine",
    "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Benali",
)  # fmt: skip


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().replace(" ", "-")


@dataclass(frozen=True)
class Window:
    """A cohort's dates, its time zone and the benchmark's "now"."""

    start: date
    end: date
    now: datetime
    zone: ZoneInfo

    @property
    def today(self) -> int:
        """Days from the start to today, in the cohort's time zone (15 on day 16)."""
        return (self.now.astimezone(self.zone).date() - self.start).days

    def instant(self, day: int, rng: random.Random) -> datetime:
        """Return a moment of the cohort's day ``day`` (7:00-22:00 local), never after "now"."""
        midnight = datetime.combine(self.start + timedelta(days=day), time(0), self.zone)
        moment = (midnight + timedelta(seconds=rng.randint(7 * 3600, 22 * 3600))).astimezone(UTC)
        return min(moment, self.now - timedelta(minutes=rng.randint(10, 180)))


@dataclass(frozen=True)
class Course:
    """The live course as the pace sees it, with each quiz's questions and pass mark."""

    scheduled: list[ScheduledItem]
    questions: dict[int, list[int]]
    pass_marks: dict[int, int]

    @classmethod
    def load(cls, window: Window) -> "Course":
        """Read the imported package."""
        questions: dict[int, list[int]] = {}
        rows = db.session.execute(
            select(Question.quiz_id, Question.id).where(Question.is_archived.is_(False)).order_by(Question.quiz_id, Question.position)
        )
        for quiz_id, question_id in rows:
            questions.setdefault(quiz_id, []).append(question_id)
        pass_marks = dict(db.session.execute(select(Quiz.id, Quiz.pass_mark)).all())
        return cls(schedule(pace_items(), window.start, window.end), questions, pass_marks)

    @property
    def total(self) -> int:
        """Items in the course."""
        return len(self.scheduled)

    def expected_by(self, start: date, day: int) -> int:
        """Items the pace expects done by the cohort's day ``day``."""
        when = start + timedelta(days=day)
        return sum(1 for s in self.scheduled if s.target_date <= when)


@dataclass
class BuildStats:
    """What was written for one cohort."""

    learners: int = 0
    events: int = 0
    consents: int = 0
    reading_rows: int = 0
    quiz_rows: int = 0
    profiles: Counter = field(default_factory=Counter)
    seconds: float = 0.0


class CohortBuilder:
    """Write one cohort's learners, progress rows and events; deterministic for a given seed."""

    def __init__(self, cohort: Cohort, course: Course, window: Window, seed: int):
        self.cohort_id = cohort.id
        self.course = course
        self.window = window
        self.rng = random.Random(seed)
        self.expected_today = course.expected_by(window.start, window.today)
        self.rows: dict[type, list[dict]] = {model: [] for model in _MODELS}
        self.stats = BuildStats()

    def build(self, size: int, first_user_id: int) -> BuildStats:
        """Write ``size`` learners with ids from ``first_user_id``, committing every block of learners."""
        names, weights = zip(*PROFILES, strict=True)
        for offset in range(size):
            profile = self.rng.choices(names, weights)[0]
            self._learner(first_user_id + offset, profile)
            if (offset + 1) % LEARNERS_PER_BLOCK == 0:
                self._flush()
        self._flush()
        return self.stats

    def _flush(self) -> None:
        connection = db.session.connection()
        for model in _MODELS:
            bulk_insert(connection, model.__table__, self.rows[model])
            self.rows[model].clear()
        db.session.commit()

    def _plan(self, profile: str) -> tuple[int, int | None, int | None]:
        """Return the items done and the days of first and last activity for a profile."""
        rng, today, total, expected = self.rng, self.window.today, self.course.total, self.expected_today
        if profile == "never":
            return 0, None, None
        if profile == "finished":
            return total, rng.choice((0, 0, 0, 1)), rng.randint(min(today, 9), today)
        if profile == "ahead":
            return rng.randint(min(expected + 3, total - 1), total - 1), rng.choice((0, 0, 1)), today - rng.choice((0, 0, 1, 2))
        if profile == "on_pace":
            return (
                min(total, max(1, expected + rng.choice((-1, 0, 0, 1, 1, 2)))),
                rng.choice((0, 0, 1, 1, 2)),
                today - rng.choice((0, 0, 1, 1, 2, 3)),
            )
        if profile == "behind":  # done what the pace expected 2 to 12 days ago: up to 11 days behind
            first = rng.randint(0, 6)
            lag = rng.choices(range(2, 13), (14, 14, 13, 12, 11, 9, 8, 6, 5, 4, 4))[0]
            return max(1, self.course.expected_by(self.window.start, today - lag)), first, max(first, today - rng.randint(0, 5))
        first = rng.randint(0, 2)  # stalled: nothing for at least 8 days
        last = rng.randint(first, max(first, today - 8))
        return rng.randint(1, max(1, self.course.expected_by(self.window.start, last) + 1)), first, last

    def _learner(self, user_id: int, profile: str) -> None:
        rng, window = self.rng, self.window
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        self.rows[User].append(
            {"id": user_id, "email": f"{_ascii(first)}.{_ascii(last)}.{user_id}@apprenants.example", "display_name": f"{first} {last}",
             "password_hash": LEARNER_PASSWORD_HASH, "roles": int(Role.LEARNER), "is_active": True, "created_dt": window.instant(-12, rng)}
        )  # fmt: skip
        self.rows[Enrolment].append(
            {"cohort_id": self.cohort_id, "user_id": user_id, "enrolled_dt": window.instant(-rng.randint(3, 10), rng)}
        )
        self._consent(user_id)
        self.stats.learners += 1
        self.stats.profiles[profile] += 1
        done, first_day, last_day = self._plan(profile)
        if not done:
            return
        days = sorted(rng.randint(first_day, last_day) for _ in range(done))
        days[0], days[-1] = first_day, last_day
        moments = sorted(window.instant(day, rng) for day in days)
        events: list[dict] = []
        readings = quizzes = 0
        for scheduled, moment in zip(self.course.scheduled, moments, strict=False):
            if scheduled.item.kind == "reading":
                self._reading(user_id, scheduled.item.id, moment, events)
                readings += 1
            else:
                self._quiz(user_id, scheduled.item.id, moment, events, failures=rng.choices((0, 1, 2, 3), (65, 25, 8, 2))[0], passes=True)
                quizzes += 1
        if done < self.course.total and rng.random() < 0.6:  # the next item is under way
            item = self.course.scheduled[done].item
            moment = min(moments[-1] + timedelta(minutes=rng.randint(5, 40)), window.now - timedelta(minutes=45))
            if item.kind == "reading":
                self._reading(user_id, item.id, moment, events, completes=False)
            else:
                self._quiz(user_id, item.id, moment, events, failures=rng.choice((1, 1, 2, 2, 3)), passes=False)
        instants = [e["created_dt"] for e in events]
        self.rows[LearnerProgress].append(
            {
                "user_id": user_id,
                "readings_completed": readings,
                "quizzes_passed": quizzes,
                "first_activity_dt": min(instants),
                "last_activity_dt": max(instants),
            }
        )
        self.rows[LearningEvent].extend(events)
        self.stats.events += len(events)

    def _event(self, user_id: int, verb: Verb, object_type: ObjectType, object_id: int, result: dict | None, when: datetime) -> dict:
        return {"actor_id": user_id, "verb": verb.value, "object_type": object_type.value, "object_id": object_id, "result": result,
                "cohort_id": self.cohort_id, "created_dt": when}  # fmt: skip

    def _reading(self, user_id: int, reading_id: int, moment: datetime, events: list[dict], completes: bool = True) -> None:
        """Views (one to three, the first up to an hour before) and, if ``completes``, the completion at ``moment``."""
        rng = self.rng
        views = 1 + (rng.random() < 0.2) + (rng.random() < 0.03) if completes else 1
        seen = sorted(moment - timedelta(minutes=rng.randint(2, 60)) for _ in range(views)) if completes else [moment]
        events.extend(self._event(user_id, Verb.EXPERIENCED, ObjectType.READING, reading_id, None, when) for when in seen)
        if completes:
            events.append(self._event(user_id, Verb.COMPLETED, ObjectType.READING, reading_id, {"completion": True}, moment))
        self.rows[ReadingProgress].append(
            {"user_id": user_id, "reading_id": reading_id, "first_viewed_dt": seen[0], "last_viewed_dt": seen[-1], "view_count": views,
             "completed_dt": moment if completes else None}
        )  # fmt: skip
        self.stats.reading_rows += 1

    def _quiz(self, user_id: int, quiz_id: int, moment: datetime, events: list[dict], failures: int, passes: bool) -> None:
        """``failures`` failed attempts 12 minutes apart, then a pass at ``moment`` if ``passes``."""
        rng, questions = self.rng, self.course.questions[quiz_id]
        count = len(questions)
        needed = math.ceil(self.course.pass_marks[quiz_id] * count / 100)
        attempts = failures + (1 if passes else 0)
        last_moment = moment + timedelta(minutes=12 * (attempts - 1)) if not passes else moment
        last_moment = min(last_moment, self.window.now - timedelta(minutes=1))
        best = 0.0
        for number in range(attempts):
            when = last_moment - timedelta(minutes=12 * (attempts - 1 - number))
            passed = passes and number == attempts - 1
            correct = rng.randint(needed, count) if passed else rng.randint(max(0, needed - 4), needed - 1)
            right = set(rng.sample(range(count), correct))
            for index, question_id in enumerate(questions):
                response = ["a"] if index in right else [rng.choice("bcd")]
                events.append(
                    self._event(
                        user_id, Verb.ANSWERED, ObjectType.QUESTION, question_id, {"success": index in right, "response": response}, when
                    )
                )
            score = correct / count
            best = max(best, score)
            result = {"success": passed, "score": {"scaled": score, "raw": correct, "min": 0, "max": count}, "attempt_id": None}
            events.append(self._event(user_id, Verb.PASSED if passed else Verb.FAILED, ObjectType.QUIZ, quiz_id, result, when))
        self.rows[QuizProgress].append(
            {"user_id": user_id, "quiz_id": quiz_id, "attempt_count": attempts, "best_score": best, "is_passed": passes,
             "passed_dt": last_moment if passes else None, "failures_count": 0 if passes else failures, "last_attempt_dt": last_moment}
        )  # fmt: skip
        self.stats.quiz_rows += 1

    def _consent(self, user_id: int) -> None:
        rng, window = self.rng, self.window
        rows = self.rows[ContactConsent]
        before = len(rows)
        if rng.random() < CONSENT_SHARE:
            rows.append({"user_id": user_id, "is_given": True, "changed_dt": window.instant(-rng.randint(0, 5), rng)})
            if rng.random() < WITHDRAWN_SHARE:
                rows.append({"user_id": user_id, "is_given": False, "changed_dt": window.instant(rng.randint(1, window.today), rng)})
        elif rng.random() < REFUSED_SHARE:
            rows.append({"user_id": user_id, "is_given": False, "changed_dt": window.instant(-rng.randint(0, 5), rng)})
        self.stats.consents += len(rows) - before


def bulk_insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert ``rows`` (plain dicts with the same keys) into ``table``, as fast as the engine allows.

    SQLite: Core executemany, in chunks. PostgreSQL: ``COPY``, its bulk path; psycopg's
    executemany sends one statement per row and a multi-row ``VALUES`` is parsed client-side in
    time that grows with its size, both several times slower. Values go through the columns'
    own bind processing (UTC datetimes made naive, JSON serialised), as an insert would.
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            connection.execute(insert(table), rows[start : start + ROWS_PER_STATEMENT])
        return
    names = list(rows[0])
    processors = [table.c[name].type.bind_processor(connection.dialect) or (lambda value: value) for name in names]
    quote = connection.dialect.identifier_preparer
    columns = ", ".join(quote.quote(name) for name in names)
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {quote.format_table(table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([process(row[name]) for name, process in zip(names, processors, strict=True)])


def create_cohort(name: str, window: Window, tutor_id: int) -> Cohort:
    """Create an open cohort over ``window`` (default thresholds, reminders on) tutored by ``tutor_id``."""
    cohort = Cohort(
        name=name, start_date=window.start, end_date=window.end, timezone=window.zone.key, created_dt=window.instant(-20, random.Random(0))
    )
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortTutor(cohort_id=cohort.id, user_id=tutor_id))
    db.session.commit()
    return cohort


def next_user_id() -> int:
    """Return the first free account id."""
    return (db.session.scalar(select(func.max(User.id))) or 0) + 1


def fix_sequences() -> None:
    """Move PostgreSQL's id sequence of accounts past the ids written explicitly."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), (SELECT max(id) FROM \"user\"))"))
        db.session.commit()
