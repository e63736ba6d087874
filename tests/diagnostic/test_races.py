""""Before" and "after" sent at once: "before" cannot change once "after" is taken, even then."""

from datetime import date

from sqlalchemy import select

from app.auth.models import User
from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.models import DiagnosticStatement
from app.diagnostic.models import Phase
from app.diagnostic.services import DiagnosticClosed
from app.diagnostic.services import save_ratings
from app.extensions import db
from tests.progress.test_races import race


def _rate(user_ref, phase: Phase, value: int):
    def rate():
        ids = db.session.scalars(select(DiagnosticStatement.id)).all()
        save_ratings(db.session.get(User, user_ref.id), phase, dict.fromkeys(ids, value))

    return rate


def test_before_sent_while_after_is_being_saved_is_refused(app, clock, enrolled):
    learner = enrolled()
    clock.set(date(2026, 11, 24))  # the cohort's last days: "after" is open
    with app.app_context():
        _rate(learner, Phase.BEFORE, 2)()
        db.session.commit()
    errors = race(app, _rate(learner, Phase.AFTER, 4), _rate(learner, Phase.BEFORE, 5))
    assert [type(e) for e in errors] == [DiagnosticClosed]
    with app.app_context():
        ratings = set(db.session.execute(select(DiagnosticAnswer.phase, DiagnosticAnswer.rating).where(DiagnosticAnswer.user_id == learner.id)))
        assert ratings == {("before", 2), ("after", 4)}
