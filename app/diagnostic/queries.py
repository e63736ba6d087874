"""Read-only queries on the self-diagnostic."""

from dataclasses import dataclass

from sqlalchemy import select

from app.diagnostic.models import Diagnostic
from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.models import DiagnosticStatement
from app.diagnostic.models import Phase
from app.extensions import db


@dataclass(frozen=True)
class StatementResult:
    """A statement with the learner's ratings before and after."""

    statement: DiagnosticStatement
    before: int | None
    after: int | None

    @property
    def difference(self) -> int | None:
        """After minus before, when both are known."""
        return None if self.before is None or self.after is None else self.after - self.before


def get_diagnostic() -> Diagnostic | None:
    """Return the course's self-diagnostic, if imported."""
    return db.session.scalar(select(Diagnostic))


def live_statements() -> list[DiagnosticStatement]:
    """Return the statements to rate, in order."""
    return list(db.session.scalars(select(DiagnosticStatement).where(DiagnosticStatement.is_archived.is_(False)).order_by(DiagnosticStatement.position)))


def results_of(user_id: int) -> list[StatementResult]:
    """Return every live statement with the learner's before and after ratings."""
    answers = {
        (a.statement_id, a.phase): a.rating
        for a in db.session.scalars(select(DiagnosticAnswer).where(DiagnosticAnswer.user_id == user_id))
    }
    return [
        StatementResult(s, answers.get((s.id, Phase.BEFORE.value)), answers.get((s.id, Phase.AFTER.value)))
        for s in live_statements()
    ]
