"""Keep progress rows and the event log up to date when other domains report learner actions."""

from sqlalchemy import case

from app.clock import now_utc
from app.db_util import upsert
from app.extensions import db
from app.progress.models import ObjectType
from app.progress.models import QuizProgress
from app.progress.models import Verb
from app.progress.services import Action
from app.progress.services import record_actions
from app.progress.services import record_event
from app.signals import diagnostic_submitted
from app.signals import quiz_attempt_submitted


@quiz_attempt_submitted.connect
def _on_quiz_attempt(attempt, user, answers, **extra) -> None:
    """Log the attempt (one event per answer and one for the quiz) and update the best score."""
    actions = [
        Action(Verb.ANSWERED, ObjectType.QUESTION, a.question_id, {"success": a.is_correct, "response": a.response}) for a in answers
    ]
    state = db.session.get(QuizProgress, (user.id, attempt.quiz_id))
    newly_passed = attempt.is_passed and not (state is not None and state.is_passed)
    _update_quiz_progress(user.id, attempt, newly_passed)
    verb = Verb.PASSED if attempt.is_passed else Verb.FAILED
    result = {"success": attempt.is_passed, "score": {"scaled": attempt.score, "raw": attempt.correct_count, "min": 0, "max": attempt.question_count}, "attempt_id": attempt.id}
    actions.append(Action(verb, ObjectType.QUIZ, attempt.quiz_id, result))
    record_actions(user, actions, quizzes=int(newly_passed))


def _update_quiz_progress(user_id: int, attempt, newly_passed: bool) -> None:
    now = now_utc()
    failed = 0 if attempt.is_passed else 1
    update = {
        "attempt_count": QuizProgress.attempt_count + 1,
        "best_score": case((QuizProgress.best_score < attempt.score, attempt.score), else_=QuizProgress.best_score),
        "is_passed": True if attempt.is_passed else QuizProgress.is_passed,
        "failures_count": 0 if attempt.is_passed else QuizProgress.failures_count + 1,
        "last_attempt_dt": now,
    }
    if newly_passed:
        update["passed_dt"] = now
    upsert(
        QuizProgress,
        {"user_id": user_id, "quiz_id": attempt.quiz_id},
        {"attempt_count": 1, "best_score": attempt.score, "is_passed": attempt.is_passed, "failures_count": failed, "last_attempt_dt": now, "passed_dt": now if attempt.is_passed else None},
        update,
    )


@diagnostic_submitted.connect
def _on_diagnostic(phase, user, ratings, **extra) -> None:
    """Log the self-diagnostic answers of one phase."""
    record_event(user, Verb.RESPONDED, ObjectType.DIAGNOSTIC, 0, {"response": phase, "ratings": {str(k): v for k, v in ratings.items()}})
