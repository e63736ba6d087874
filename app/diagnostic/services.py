"""Self-diagnostic operations: import and rating. They flush; the caller commits."""

from sqlalchemy import select

from app.auth.models import UserRef
from app.catalogue.models import Module
from app.catalogue.services import SyncReport
from app.clock import now_utc
from app.db_util import upsert
from app.diagnostic.loader import DiagnosticSpec
from app.diagnostic.models import Diagnostic
from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.models import DiagnosticStatement
from app.diagnostic.models import Phase
from app.extensions import db
from app.signals import diagnostic_submitted


def sync_diagnostic(spec: DiagnosticSpec) -> SyncReport:
    """Upsert the self-diagnostic and its statements by id; archive statements removed."""
    report = SyncReport()
    diagnostic = db.session.scalar(select(Diagnostic))
    if diagnostic is None:
        diagnostic = Diagnostic()
        db.session.add(diagnostic)
        report.created.append("autodiagnostic")
    elif diagnostic.source != spec.source:
        diagnostic.revision += 1
        report.updated.append("autodiagnostic")
    else:
        report.unchanged += 1
    diagnostic.title, diagnostic.introduction, diagnostic.scale = spec.title, spec.introduction, list(spec.scale)
    diagnostic.filename, diagnostic.source = spec.filename, spec.source
    modules = {slug: id_ for id_, slug in db.session.execute(select(Module.id, Module.slug))}
    existing = {s.key: s for s in db.session.scalars(select(DiagnosticStatement))}
    for item in spec.statements:
        statement = existing.pop(item.key, None) or DiagnosticStatement(key=item.key)
        statement.text, statement.position, statement.is_archived = item.text, item.position, False
        statement.module_id = modules.get(item.module_slug) if item.module_slug else None
        db.session.add(statement)
    for statement in existing.values():
        statement.is_archived = True
    db.session.flush()
    return report


def save_ratings(user: UserRef, phase: Phase, ratings: dict[int, int]) -> None:
    """Store the learner's ratings (1 to 5) for one phase; rating again replaces them."""
    now = now_utc()
    for statement_id, rating in ratings.items():
        upsert(
            DiagnosticAnswer,
            {"user_id": user.id, "phase": phase.value, "statement_id": statement_id},
            {"rating": rating, "answered_dt": now},
            {"rating": rating, "answered_dt": now},
        )
    diagnostic_submitted.send(phase.value, user=user, ratings=ratings)
    db.session.flush()
