"""An answer waiting too long for its review is an alert for the tutor (never a reminder to the
learner), the review closes it, and the reactivity page measures the tutors' reviews."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from app.activities.models import Submission
from app.admin.queries import tutor_reactivity
from app.alerts.rules import AlertKind
from app.alerts.rules import LearnerFacts
from app.alerts.rules import Thresholds
from app.alerts.rules import evaluate
from app.alerts.rules import reason_of
from app.auth.models import Role
from app.cohorts.pace import Standing
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.helpers import alerts_of

ACTIVITY = "/cours/bases/activites/mise-en-pratique"


def _facts(today: date, sent: date | None) -> LearnerFacts:
    standing = Standing(done=3, total=3, expected=3, days_behind=0, next_item=None)
    return LearnerFacts(date(2026, 11, 1), today, standing, today, {}, ("Mise en pratique", sent) if sent else None)


def test_the_rule_fires_from_the_cohorts_number_of_days(app):
    thresholds = Thresholds(review_days=3)
    assert evaluate(_facts(date(2026, 11, 12), date(2026, 11, 10)), thresholds) == []
    [finding] = evaluate(_facts(date(2026, 11, 13), date(2026, 11, 10)), thresholds)
    assert finding.kind == AlertKind.REVIEW_WAITING and finding.figures["days"] == 3
    assert evaluate(_facts(date(2026, 11, 30), None), thresholds) == []
    with app.test_request_context():
        assert reason_of(finding.kind, finding.stored_figures()) == "Réponse à « Mise en pratique » envoyée le 10 novembre, en attente de relecture depuis 3 jours."


def _send(client, login, learner):
    client.post("/deconnexion")
    login(learner)
    assert client.post(ACTIVITY, data={"answer": "Ma réponse.", "send": "1"}).status_code == 303


def test_a_run_opens_it_no_reminder_goes_and_the_review_closes_it(app, client, login, runner, tutored, clock):
    _send(client, login, tutored.alice)  # Alice agreed to be contacted: still no email for this one
    clock.set(date(2026, 11, 17))
    assert runner.invoke(args=["alerts", "run"]).exit_code == 0
    assert (AlertKind.REVIEW_WAITING.value, True) in alerts_of(app, tutored.alice)
    with app.app_context():
        bodies = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.recipient_id == tutored.alice.id)).all()
    assert not any("relecture" in body for body in bodies)
    client.post("/deconnexion")
    login(tutored.tutor)
    assert "relecture en attente" in client.get(f"/tutorat/cohortes/{tutored.cohort_id}").text
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))
    client.post(f"/tutorat/cohortes/{tutored.cohort_id}/reponses/{submission_id}", data={"feedback": "Bien.", "decision": "rework"})
    assert (AlertKind.REVIEW_WAITING.value, False) in alerts_of(app, tutored.alice), "the review closes it at once"
    assert (AlertKind.REVIEW_WAITING.value, True) not in alerts_of(app, tutored.alice)


def test_reactivity_counts_the_reviews_and_the_oldest_waiting_answer(app, client, login, tutored, clock, create_user):
    clock.set(date(2026, 11, 14), hour=9)
    _send(client, login, tutored.alice)
    _send(client, login, tutored.chloe)
    clock.set(date(2026, 11, 15), hour=9)
    client.post("/deconnexion")
    login(tutored.tutor)
    with app.app_context():
        first = db.session.scalar(select(Submission.id).where(Submission.user_id == tutored.alice.id))
    client.post(f"/tutorat/cohortes/{tutored.cohort_id}/reponses/{first}", data={"feedback": "Bien.", "decision": "validated"})
    now = datetime(2026, 11, 16, 9, tzinfo=UTC)
    with app.app_context():
        row = next(r for r in tutor_reactivity(now) if r.tutor_id == tutored.tutor.id)
        assert db.session.scalar(select(func.count()).select_from(Submission).where(Submission.status == "submitted")) == 1
    assert (row.reviews, row.median_review_delay, row.longest_review_wait) == (1, timedelta(days=1), timedelta(days=2))
    client.post("/deconnexion")
    login(create_user(roles=Role.ADMIN))
    page = client.get("/admin/reactivite").text
    assert re.search(r"24 heures\s*<span class=\"meta\">\(sur 1 réponse\)", page)
