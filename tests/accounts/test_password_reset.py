"""« Mot de passe oublié ? »: the same answer for every address, a link that works once and within an hour."""

import re
import threading
from datetime import timedelta

import pytest

from app.accounts.models import TokenPurpose
from app.accounts.services import choose_password
from app.accounts.services import set_account_active
from app.auth.models import User
from app.auth.services import AccountError
from app.extensions import db
from tests.accounts.helpers import last_link
from tests.accounts.helpers import queued_to
from tests.conftest import PASSWORD

NEW_PASSWORD = "un-mot-de-passe-tout-neuf"
#: A CSRF token differs from one session to the next, whatever the address typed.
CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]*"')


def _ask(client, email):
    return client.post("/mot-de-passe-oublie", data={"email": email})


def _choose(client, path, password=NEW_PASSWORD):
    return client.post(path, data={"new_password": password, "confirm_password": password})


def test_the_sign_in_page_offers_the_reset(client):
    assert 'href="/mot-de-passe-oublie"' in client.get("/connexion").text
    assert client.get("/mot-de-passe-oublie").status_code == 200


def test_known_and_unknown_addresses_get_the_same_answer(app, create_user):
    user = create_user()
    answers = []
    for email in (user.email, "personne@example.org"):
        browser = app.test_client()
        response = _ask(browser, email)
        page = browser.get(response.headers["Location"]).text
        answers.append((response.status_code, response.headers["Location"], CSRF_VALUE.sub("", page)))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (303, "/connexion") and "Si un compte existe pour cette adresse" in answers[0][2]
    assert len(queued_to(app, user.email)) == 1 and queued_to(app, "personne@example.org") == []


def test_the_link_sets_a_new_password_and_ends_every_other_session(app, client, create_user, login):
    user = create_user()
    login(user)
    other_browser = app.test_client()
    _ask(other_browser, user.email)
    path = last_link(app, user.email)
    assert "/mot-de-passe/nouveau/" in path
    assert _choose(other_browser, path).status_code == 303
    assert client.get("/cours/").status_code == 302  # the session opened before is over
    assert other_browser.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 400
    assert other_browser.post("/connexion", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302
    assert _choose(app.test_client(), path, "encore-un-autre-mot-de-passe").status_code == 404  # single use


def test_the_link_expires_within_the_hour(app, client, create_user, clock):
    user = create_user()
    _ask(client, user.email)
    path = last_link(app, user.email)
    clock.now += timedelta(minutes=59)
    assert client.get(path).status_code == 200
    clock.now += timedelta(minutes=1)
    assert client.get(path).status_code == 404
    assert _choose(client, path).status_code == 404


def test_a_newer_link_replaces_the_older_one(app, client, create_user):
    user = create_user()
    _ask(client, user.email)
    first = last_link(app, user.email)
    _ask(client, user.email)
    second = last_link(app, user.email)
    assert first != second
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200


def test_a_deactivated_account_gets_no_link_and_loses_the_ones_it_had(app, client, create_user):
    user = create_user()
    _ask(client, user.email)
    path = last_link(app, user.email)
    with app.app_context():
        set_account_active(user.id, False)
        db.session.commit()
    assert client.get(path).status_code == 404
    _ask(client, user.email)
    assert len(queued_to(app, user.email)) == 1


def test_a_bad_address_is_refused_with_a_message_and_sends_nothing(app, client, create_user):
    response = client.post("/mot-de-passe-oublie", data={"email": ""})
    assert response.status_code == 400 and "Indiquez votre adresse e-mail." in response.text


def test_reset_requests_are_rate_limited(make_app, create_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [_ask(client, f"x{n}@example.org").status_code for n in range(4)]
    assert statuses == [303, 303, 303, 429]


def test_the_same_link_used_twice_at_once_sets_one_password(app, client, create_user):
    user = create_user()
    _ask(client, user.email)
    token = last_link(app, user.email).rsplit("/", 1)[1]
    outcomes = []
    start = threading.Barrier(2, timeout=10)

    def use(password):
        with app.app_context():
            start.wait()
            try:
                outcomes.append((password, choose_password(token, TokenPurpose.RESET, password)))
                db.session.commit()
            except AccountError:
                db.session.rollback()
                outcomes.append((password, "error"))

    threads = [threading.Thread(target=use, args=(f"mot-de-passe-concurrent-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [password for password, user_id in outcomes if user_id == user.id]
    assert len(outcomes) == 2 and len(winners) == 1, outcomes
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.check_password(winners[0]) and stored.session_version == 1


def test_every_answer_waits_until_the_same_moment(app, client, create_user, monkeypatch):
    """The answer is padded to ``PASSWORD_RESET_MIN_SECONDS``: known and unknown addresses alike (figures: bench.accounts)."""
    user = create_user()
    app.config["PASSWORD_RESET_MIN_SECONDS"] = 0.2  # the production default (see app/config.py)
    waits = []
    # Each request sees 50 ms pass between its start and its answer, the slower one 300 ms.
    ticks = iter([100.0, 100.05, 200.0, 200.3])
    monkeypatch.setattr("app.accounts.views.time.monotonic", lambda: next(ticks))
    monkeypatch.setattr("app.accounts.views.time.sleep", waits.append)
    for email in (user.email, "personne@example.org"):
        assert _ask(client, email).status_code == 303
    assert waits == [pytest.approx(0.15), 0.0]  # up to the same moment; never a negative wait
    from app.config import Config

    assert Config.PASSWORD_RESET_MIN_SECONDS == 0.2
