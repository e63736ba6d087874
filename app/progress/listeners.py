"""Keep progress rows and the event log up to date when other domains report learner actions."""

from sqlalchemy import case
from sqlalchemy import update

from app.clock import now_utc
from app.db_util import upsert
from app.db_util import upsert_if
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
        Action(Verb.ANSWERED, ObjectType.QUESTION, a.question_id, _answer_result(a)) for a in answers
    ]
    newly_passed = _update_quiz_progress(user.id, attempt)
    verb = Verb.PASSED if attempt.is_passed else Verb.FAILED
    result = {"success": attempt.is_passed, "score": {"scaled": attempt.score, "raw": attempt.points, "min": 0, "max": attempt.question_count}, "attempt_id": attempt.id}
    actions.append(Action(verb, ObjectType.QUIZ, attempt.quiz_id, result))
    record_actions(user, actions, quizzes=int(newly_passed))


def _answer_result(answer) -> dict:
    """The answer's xAPI-like result, with the order its options were shown in (shuffled per attempt)."""
    result = {"success": answer.is_correct, "response": answer.response}
    if answer.shown_order:
        result["shown_order"] = answer.shown_order
    return result


def _update_quiz_progress(user_id: int, attempt) -> bool:
    """Count the attempt on the learner's quiz row; return whether it passed the quiz for the first time.

    One statement but for a pass of a quiz passed before (two). The statement that writes decides
    "first time": of two passing attempts submitted at once (two tabs), only one finds the quiz not
    yet passed (a read before the write would let both count it).
    """
    now = now_utc()
    keys = {"user_id": user_id, "quiz_id": attempt.quiz_id}
    first = {"attempt_count": 1, "best_score": attempt.score, "failures_count": 0 if attempt.is_passed else 1, "last_attempt_dt": now}
    counted = {
        "attempt_count": QuizProgress.attempt_count + 1,
        "best_score": case((QuizProgress.best_score < attempt.score, attempt.score), else_=QuizProgress.best_score),
        "failures_count": 0 if attempt.is_passed else QuizProgress.failures_count + 1,
        "last_attempt_dt": now,
    }
    if not attempt.is_passed:
        upsert(QuizProgress, keys, {**first, "is_passed": False}, counted)
        return False
    passed = {"is_passed": True, "passed_dt": now}
    if upsert_if(QuizProgress, keys, {**first, **passed}, {**counted, **passed}, where=QuizProgress.is_passed.is_(False)):
        return True
    # Passed before: the upsert found the row and left it; count the attempt alone.
    db.session.execute(update(QuizProgress).where(QuizProgress.user_id == user_id, QuizProgress.quiz_id == attempt.quiz_id).values(counted))
    return False


@diagnostic_submitted.connect
def _on_diagnostic(phase, user, ratings, **extra) -> None:
    """Log the self-diagnostic answers of one phase."""
    record_event(user, Verb.RESPONDED, ObjectType.DIAGNOSTIC, 0, {"response": phase, "ratings": {str(k): v for k, v in ratings.items()}})
