"""A tutor reaches only their own cohorts; learners and authors reach no tutor page."""

import pytest
from sqlalchemy import select

from app.alerts.models import Alert
from app.auth.models import Role
from app.extensions import db


@pytest.fixture
def other_tutor(client, create_user, login, tutored):
    """Sign in, instead of the cohort's tutor, a tutor of no cohort."""
    client.post("/deconnexion")
    user = create_user(roles=Role.TUTOR, name="Autre Tuteur")
    login(user)
    return user


def _alert_id(app, runner) -> int:
    """Run the alerts and return the one they raised: the tests below need a real alert to aim at."""
    result = runner.invoke(args=["alerts", "run"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        alert_id = db.session.scalar(select(Alert.id))
    assert alert_id is not None, "the alert run raised nothing for the tutored cohort"
    return alert_id


def _urls(tutored, alert_id: int):
    base = f"/tutorat/cohortes/{tutored.cohort_id}"
    learner = f"{base}/apprenants/{tutored.chloe.id}"
    gets = [base, f"{base}/export.csv", learner, f"{base}/relance", f"{base}/relance?apprenant={tutored.chloe.id}"]
    posts = [f"{learner}/contacts", f"{base}/alertes/{alert_id}/mise-de-cote", f"{base}/alertes/{alert_id}/traitee", f"{base}/relance"]
    return gets, posts


def test_another_tutor_gets_404_on_every_page_of_the_cohort(app, client, runner, tutored, other_tutor):
    gets, posts = _urls(tutored, _alert_id(app, runner))
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, data={"channel": "email", "outcome": "joint", "until": "2026-12-01", "subject": "s", "body": "b", "batch_key": "k" * 32, "send": "1"}).status_code == 404, url
    with app.app_context():
        assert db.session.scalar(select(Alert.resolved_dt)) is None


def test_a_learner_of_another_cohort_is_not_found(client, tutored, create_user):
    stranger = create_user()
    assert client.get(f"/tutorat/cohortes/{tutored.cohort_id}/apprenants/{stranger.id}").status_code == 404
    assert client.get(f"/tutorat/cohortes/{tutored.cohort_id}/relance?apprenant={stranger.id}").status_code == 404


def test_an_alert_of_another_cohort_is_not_found(app, client, runner, tutored):
    alert_id = _alert_id(app, runner)
    assert client.post(f"/tutorat/cohortes/{tutored.cohort_id + 1}/alertes/{alert_id}/traitee").status_code == 404


@pytest.mark.parametrize("role", [Role.LEARNER, Role.AUTHOR, Role.ADMIN])
def test_other_roles_get_403_on_tutor_pages(app, client, runner, create_user, login, tutored, role):
    gets, posts = _urls(tutored, _alert_id(app, runner))
    client.post("/deconnexion")
    login(create_user(roles=role))
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url).status_code == 403, url
