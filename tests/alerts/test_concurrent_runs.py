"""Two ``flask alerts run`` processes at once: no alert twice, no reminder twice."""

import re
from datetime import UTC
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from app.alerts.models import Alert
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Enrolment
from app.consent.models import ContactConsent
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import process_runner

LEARNERS = 240


def _populate(app, cohort_id: int) -> None:
    with app.app_context():
        users = [User(email=f"l{i}@example.org", display_name=f"Learner {i}", password_hash="x", roles=int(Role.LEARNER)) for i in range(LEARNERS)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(Enrolment(cohort_id=cohort_id, user_id=u.id) for u in users)
        db.session.add_all(ContactConsent(user_id=u.id, is_given=True, changed_dt=datetime(2026, 10, 1, tzinfo=UTC)) for u in users[::2])
        db.session.commit()


def test_two_runs_at_once_neither_duplicate_an_alert_nor_a_reminder(app, database_url, cohort):
    _populate(app, cohort)
    now = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
    runs = [process_runner.start(database_url, now, "alerts", "run", "--batch-size", "15") for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with app.app_context():
        alerts = db.session.execute(select(Alert.user_id, Alert.kind, func.count()).group_by(Alert.user_id, Alert.kind)).all()
        assert len(alerts) == LEARNERS and {count for *_, count in alerts} == {1}
        reminders = db.session.execute(select(OutboxMessage.recipient_id, func.count()).group_by(OutboxMessage.recipient_id)).all()
        assert len(reminders) == LEARNERS // 2 and {count for _, count in reminders} == {1}
    opened = sum(int(re.search(r"alertes ouvertes : (\d+)", out).group(1)) for out, _ in outputs)
    assert opened == LEARNERS  # between them, each alert was opened once
