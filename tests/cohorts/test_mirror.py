"""Each enrolment's copy of the learner's standing follows every write of the rows it mirrors."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from app import create_app
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.consent.services import set_contact_consent
from app.extensions import db
from app.privacy.services import anonymise_learner
from app.progress.models import LearnerProgress
from app.progress.services import recount_learner_progress
from tests.conftest import END
from tests.conftest import START
from tests.conftest import app_config
from tests.helpers import act
from tests.test_migrations import empty_database_url  # noqa: F401  (the fixture)


def _copies(app, user_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(Enrolment.items_done, Enrolment.first_activity_dt, Enrolment.last_activity_dt, Enrolment.is_contactable, Enrolment.name_key)
            .where(Enrolment.user_id == user_id).order_by(Enrolment.cohort_id)
        )  # fmt: skip
        return [tuple(row) for row in rows]


def _second_cohort(app, user_id: int) -> None:
    with app.app_context():
        enrol(get_or_create_cohort("Cohorte de décembre", START, END), db.session.get(User, user_id))
        db.session.commit()


def test_a_new_enrolment_starts_with_the_learners_standing(app, enrolled, clock):
    learner = enrolled(True, "Élodie Œuvre")
    act(app, learner, "read", "premiere")
    _second_cohort(app, learner.id)
    first, second = _copies(app, learner.id)
    assert first == second and first[0] == 1 and first[1] == first[2] == clock() and first[3:] == (True, "élodie œuvre")


def test_actions_consent_and_names_reach_every_enrolment(app, enrolled, clock):
    learner = enrolled(False, "Bruno Blanc")
    _second_cohort(app, learner.id)
    assert {row[:4] for row in _copies(app, learner.id)} == {(0, None, None, False)}
    act(app, learner, "view", "premiere")
    act(app, learner, "read", "premiere")
    with app.app_context():
        user = db.session.get(User, learner.id)
        set_contact_consent(user, True)
        user.display_name = "ÉTIENNE Ça"
        db.session.commit()
    assert {row for row in _copies(app, learner.id)} == {(1, clock(), clock(), True, "étienne ça")}
    with app.app_context():
        set_contact_consent(db.session.get(User, learner.id), False)
        db.session.commit()
    assert {row[3] for row in _copies(app, learner.id)} == {False}


def test_the_latest_consent_counts_whatever_order_the_rows_come_in(app, enrolled):
    from app.consent.models import ContactConsent

    learner = enrolled(False)
    with app.app_context():
        db.session.add(ContactConsent(user_id=learner.id, is_given=True, changed_dt=datetime(2026, 11, 5, tzinfo=UTC)))
        db.session.flush()
        db.session.add(ContactConsent(user_id=learner.id, is_given=False, changed_dt=datetime(2026, 11, 2, tzinfo=UTC)))  # an older change
        db.session.commit()
    assert _copies(app, learner.id)[0][3] is True


def test_a_recount_anonymisation_or_removed_summary_row_is_followed(app, enrolled, clock):
    learner = enrolled(True, "Chloé Chevalier")
    act(app, learner, "read", "premiere")
    with app.app_context():
        db.session.execute(update(LearnerProgress).values(readings_completed=5))
        recount_learner_progress()
        db.session.commit()
    assert _copies(app, learner.id)[0][0] == 1
    with app.app_context():
        anonymise_learner(learner.id, clock())
        db.session.commit()
    (row,) = _copies(app, learner.id)
    assert row[0] == 1 and row[3] is False and "chloé" not in row[4]
    with app.app_context():
        db.session.execute(delete(LearnerProgress).where(LearnerProgress.user_id == learner.id))
        db.session.commit()
    assert _copies(app, learner.id)[0][:3] == (0, None, None)


def test_the_migration_fills_the_copies_then_keeps_them_and_goes_back(empty_database_url):  # noqa: F811
    app = create_app(app_config(empty_database_url))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "d4a9f2c81e37"]).exit_code == 0
    when = datetime(2026, 11, 3, 8, 30)
    with app.app_context():
        connection = db.engine.connect()
        for statement in (
            "INSERT INTO \"user\" (id, email, display_name, password_hash, roles, is_active, created_dt) "
            "VALUES (1, 'a@example.org', 'Élodie ABC', 'x', 1, true, '2026-11-01 09:00:00')",
            "INSERT INTO cohort (id, name, start_date, end_date, timezone, is_closed, created_dt, not_started_days, behind_days, at_risk_days, "
            "inactive_days, struggling_failures, sends_reminders) VALUES (1, 'C', '2026-11-01', '2026-11-26', 'Europe/Paris', false, "
            "'2026-11-01 09:00:00', 3, 3, 7, 7, 2, true)",
            "INSERT INTO enrolment (id, cohort_id, user_id, enrolled_dt) VALUES (1, 1, 1, '2026-11-01 09:00:00')",
            "INSERT INTO learner_progress (user_id, readings_completed, quizzes_passed, first_activity_dt, last_activity_dt) "
            "VALUES (1, 2, 1, '2026-11-03 08:30:00', '2026-11-03 08:30:00')",
            "INSERT INTO contact_consent (id, user_id, is_given, changed_dt) VALUES (1, 1, true, '2026-11-02 09:00:00')",
        ):
            connection.exec_driver_sql(statement)
        connection.commit()
        connection.close()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        row = db.session.execute(select(Enrolment.items_done, Enrolment.last_activity_dt, Enrolment.is_contactable, Enrolment.name_key)).one()
        assert tuple(row) == (3, when.replace(tzinfo=UTC), True, "élodie abc")
        db.session.execute(update(LearnerProgress).values(quizzes_passed=2))
        db.session.commit()
        assert db.session.scalar(select(Enrolment.items_done)) == 4
        assert db.session.get(Cohort, 1) is not None
        db.session.remove()
    downgrade = runner.invoke(args=["db", "downgrade", "d4a9f2c81e37"])
    assert downgrade.exit_code == 0, downgrade.output
    with app.app_context():
        db.engine.dispose()
