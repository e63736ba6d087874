"""Read-only queries on quizzes and attempts."""

from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.orm import selectinload

from app.auth.models import SignedInUser
from app.auth.models import User
from app.auth.services import SIGNED_IN_USER_COLUMNS
from app.catalogue.models import Module
from app.catalogue.queries import COURSE_STAMP
from app.extensions import db
from app.page_cache import PageCache
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import Quiz
from app.quizzes.models import QuizAttempt


def quiz_for_module(module_slug: str) -> Quiz | None:
    """Return the live quiz of a module, with its questions loaded."""
    return db.session.scalar(
        select(Quiz)
        .join(Quiz.module)
        .where(Module.slug == module_slug, Quiz.is_archived.is_(False), Module.is_archived.is_(False))
        .options(selectinload(Quiz.questions))
    )


def attempts_of(user_id: int, quiz_id: int) -> list[QuizAttempt]:
    """Return a learner's attempts at a quiz, most recent first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
            .order_by(QuizAttempt.submitted_dt.desc(), QuizAttempt.id.desc())
        )
    )


def attempt_with_answers(attempt_id: int, user_id: int) -> QuizAttempt | None:
    """Return one of the learner's attempts with its graded answers."""
    return db.session.scalar(
        select(QuizAttempt)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user_id)
        .options(selectinload(QuizAttempt.answers).joinedload(AttemptAnswer.question))
    )


class QuizState(NamedTuple):
    """What the quiz page needs to know before anything is loaded: which revision is live."""

    quiz_id: int
    revision: int
    course_stamp: str
    #: The learner's latest attempt (attempts are only ever added): their history's stamp.
    last_attempt_id: int | None


_LIVE_QUIZ = (
    select(Quiz.id, Quiz.revision)
    .join(Module, Module.id == Quiz.module_id)
    .where(Module.slug == bindparam("module_slug"), Quiz.is_archived.is_(False), Module.is_archived.is_(False))
    .subquery()
)
_LAST_ATTEMPT = select(func.max(QuizAttempt.id)).where(QuizAttempt.user_id == User.id, QuizAttempt.quiz_id == _LIVE_QUIZ.c.id).scalar_subquery()
# Built once and run on the connection: the page needs the user and this on every request.
_USER_AND_QUIZ_STATE = (
    select(*SIGNED_IN_USER_COLUMNS, _LIVE_QUIZ.c.id, _LIVE_QUIZ.c.revision, COURSE_STAMP, _LAST_ATTEMPT)
    .select_from(User)
    .outerjoin(_LIVE_QUIZ, true())
    .where(User.id == bindparam("user_id"), User.is_active.is_(True))
)


def user_and_quiz_state(user_id: int, module_slug: str) -> tuple[SignedInUser, QuizState | None] | None:
    """Return the active user ``user_id`` and the live quiz of the module (``None`` if none), in one query.

    :return: ``None`` when the account does not exist or is disabled.
    """
    with db.engine.connect() as conn:  # a plain read: no ORM session to open and close
        row = conn.execute(_USER_AND_QUIZ_STATE, {"user_id": user_id, "module_slug": module_slug}).first()
    if row is None:
        return None
    width = len(SIGNED_IN_USER_COLUMNS)
    user, state = SignedInUser(*row[:width]), row[width:]
    return user, (QuizState(*state) if state[0] is not None else None)


@dataclass(frozen=True)
class ModuleRef:
    """The quiz's module, as the quiz pages name it."""

    slug: str
    title: str


@dataclass(frozen=True)
class PublishedQuestion:
    """A live question, detached from any database session (shared by every request)."""

    id: int
    key: str
    type: str
    prompt: str
    explanation: str
    data: dict
    position: int
    reading_id: int


@dataclass(frozen=True)
class PublishedQuiz:
    """A live quiz and its questions, as grading and the quiz page use them; built once per revision."""

    id: int
    revision: int
    title: str
    pass_mark: int
    estimated_minutes: int
    shuffle_options: bool
    partial_credit: bool
    module: ModuleRef
    questions: tuple[PublishedQuestion, ...]


def _published(quiz: Quiz) -> PublishedQuiz:
    questions = tuple(
        PublishedQuestion(q.id, q.key, q.type, q.prompt, q.explanation, q.data, q.position, q.reading_id) for q in quiz.questions
    )
    return PublishedQuiz(quiz.id, quiz.revision, quiz.title, quiz.pass_mark, quiz.estimated_minutes, quiz.shuffle_options,
                         quiz.partial_credit, ModuleRef(quiz.module.slug, quiz.module.title), questions)


def published_quiz(state: QuizState) -> PublishedQuiz | None:
    """Return the live quiz ``state`` names, loaded once per process for each revision.

    The key holds the course stamp too: a module renamed (its title is on the page) or a quiz
    published by another worker changes it, and the next request loads the new text.
    """
    cache = current_app.extensions.setdefault("published_quizzes", PageCache(max_entries=256))
    key = (state.quiz_id, state.revision, state.course_stamp)
    found = cache.get(key)
    if found is None:
        quiz = db.session.scalar(select(Quiz).where(Quiz.id == state.quiz_id, Quiz.is_archived.is_(False)).options(selectinload(Quiz.questions)))
        if quiz is None:
            return None  # archived meanwhile
        found = _published(quiz)
        if quiz.revision == state.revision:  # else published meanwhile: shown, not kept under the older key
            cache.put(key, found)
    return found
