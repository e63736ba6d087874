"""Read-only queries on quizzes and attempts."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalogue.models import Module
from app.extensions import db
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
