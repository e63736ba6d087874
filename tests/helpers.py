"""Test helpers: learner actions through the services, the SQL statements a block runs."""

import contextlib

from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.alerts.models import Alert
from app.auth.models import User
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.services import complete_reading
from app.progress.services import record_reading_view
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.services import new_attempt_token
from app.quizzes.services import submit_attempt


def act(app, user_ref, action: str, *args) -> None:
    """Have a learner act through the services: ``view`` or ``read`` a reading, ``fail`` or ``pass`` a quiz.

    The quiz is the first one, or that of the module whose slug follows the action.
    """
    with app.app_context():
        user = db.session.get(User, user_ref.id)
        if action in ("view", "read"):
            reading = db.session.scalar(select(Reading).where(Reading.slug == args[0]))
            if action == "view":
                record_reading_view(user, reading.id, None)
            else:
                complete_reading(user, reading)
        else:
            query = select(Quiz).options(selectinload(Quiz.questions))
            if args:
                query = query.join(Quiz.module).where(Module.slug == args[0])
            quiz = db.session.scalar(query)
            responses = {q.id: _keys(q, right=action == "pass") for q in quiz.questions}
            submit_attempt(user, quiz, responses, new_attempt_token())
        db.session.commit()


def _keys(question, right: bool) -> list[str]:
    keys = [c.key for c in QUESTION_TYPES[question.type].choices(question.data) if c.is_correct == right]
    return keys if question.type == "multiple_choice" else keys[:1]


def alerts_of(app, user_ref) -> list[tuple[str, bool]]:
    """Return (kind, is current) of every alert of a learner, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(Alert).where(Alert.user_id == user_ref.id).order_by(Alert.id))
        return [(a.kind, a.closed_dt is None) for a in rows]


@contextlib.contextmanager
def recorded_statements(app):
    """Collect, in the yielded list, every SQL statement the app's engine runs inside the block."""
    seen = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
