"""The sign-in limit: failures only, per address and per account, shared by every process."""

import threading

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import LoginAttempt
from app.extensions import db
from tests.conftest import PASSWORD
from tests.conftest import Clock

LIMITED = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "100 per minute"}


def attempt(client, email, password="pas-le-bon-mot-de-passe", address="192.0.2.1", **headers):
    return client.post("/connexion", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}, headers=headers).status_code


def test_failures_per_address_are_limited(make_app):
    client = make_app(**LIMITED).test_client()
    statuses = [attempt(client, f"personne{n}@example.org") for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert "Trop de tentatives" in client.post("/connexion", data={"email": "a@example.org", "password": "x"}, environ_base={"REMOTE_ADDR": "192.0.2.1"}).text
    assert attempt(client, "autre@example.org", address="192.0.2.2") == 400  # another address has its own count


def test_failures_per_account_are_limited_from_many_addresses(make_app, create_user):
    user = create_user()
    client = make_app(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="3 per minute").test_client()
    statuses = [attempt(client, user.email.upper(), address=f"198.51.100.{n}") for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Even the right password waits: the account is under attack.
    assert attempt(client, user.email, PASSWORD, address="198.51.100.99") == 429


def test_good_sign_ins_are_never_counted(make_app, create_user):
    user = create_user()
    client = make_app(**LIMITED).test_client()
    for _ in range(60):
        assert attempt(client, user.email, PASSWORD) == 302
        client.post("/deconnexion", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert [attempt(client, user.email) for _ in range(4)] == [400, 400, 400, 429]


def test_refused_attempts_do_not_prolong_the_wait(make_app):
    app = make_app(**LIMITED)
    client = app.test_client()
    statuses = [attempt(client, "x@example.org") for _ in range(10)]
    assert statuses == [400, 400, 400] + [429] * 7
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 3


def test_the_limit_counts_attempts_on_every_instance(make_app):
    """Two app instances (two workers, or two machines) share the counts through the database."""
    first, second = make_app(**LIMITED).test_client(), make_app(**LIMITED).test_client()
    statuses = [attempt(client, "x@example.org") for client in (first, second, first, second)]
    assert statuses == [400, 400, 400, 429]


def test_attempts_racing_from_many_workers_never_pass_the_limit(make_app):
    app = make_app(**LIMITED)
    start = threading.Barrier(6, timeout=20)
    statuses = []

    def racer():
        client = app.test_client()
        start.wait()
        statuses.append(attempt(client, "x@example.org"))

    threads = [threading.Thread(target=racer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Attempts in flight count against each other, so a race may refuse more, never let more pass.
    assert set(statuses) <= {400, 429} and statuses.count(400) <= 3
    later = [attempt(app.test_client(), "x@example.org") for _ in range(4)]
    assert statuses.count(400) + later.count(400) == 3 and later[-1] == 429


def test_old_attempts_are_pruned_and_forgotten(make_app):
    clock = Clock()
    app = make_app(**{**LIMITED, "LOGIN_ACCOUNT_RATE_LIMIT": "100 per hour"}, CLOCK=clock)
    client = app.test_client()
    assert [attempt(client, "x@example.org") for _ in range(4)] == [400, 400, 400, 429]
    clock.now = clock.now.replace(hour=clock.now.hour + 2)
    assert attempt(client, "x@example.org") == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 1


@pytest.mark.parametrize(("proxies", "recorded"), [(0, "192.0.2.1"), (1, "203.0.113.7")])
def test_forwarded_address_is_believed_only_from_trusted_proxies(make_app, proxies, recorded):
    app = make_app(**LIMITED, TRUSTED_PROXIES=proxies)
    client = app.test_client()
    attempt(client, "x@example.org", **{"X-Forwarded-For": "203.0.113.7"})
    with app.app_context():
        assert db.session.scalar(select(LoginAttempt.address)) == recorded


def test_a_forged_forwarded_address_does_not_escape_the_limit(make_app):
    client = make_app(**LIMITED).test_client()
    statuses = [attempt(client, "x@example.org", **{"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_behind_a_trusted_proxy_each_client_counts_alone(make_app):
    client = make_app(**LIMITED, TRUSTED_PROXIES=1).test_client()
    statuses = [attempt(client, "x@example.org", address="127.0.0.1", **{"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(4)]
    assert statuses == [400, 400, 400, 400]


def _begin(app, address="192.0.2.1", email="x@example.org"):
    from app.auth.throttle import begin_attempt

    with app.app_context():
        return begin_attempt(address, email)


def test_every_window_of_a_rule_counts_and_an_attempt_leaves_it_when_exactly_as_old(make_app):
    from datetime import timedelta

    clock = Clock()
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute;3 per hour", LOGIN_ACCOUNT_RATE_LIMIT="100 per hour", CLOCK=clock)
    start = clock.now
    assert [_begin(app) is not None for _ in range(3)] == [True, True, False]
    clock.now = start + timedelta(minutes=1)  # the first two are now exactly a minute old
    assert [_begin(app) is not None for _ in range(2)] == [True, False]  # the hour allows a third only
    clock.now = start + timedelta(hours=1)
    assert _begin(app) is not None and _begin(app) is not None


def test_attempts_are_counted_on_the_stored_part_of_long_addresses(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    prefix, email = "2001:db8::" + "f" * 60, "a" * 250 + "@example.org"
    assert [_begin(app, address=prefix + str(n), email=f"{n}@example.org") is not None for n in range(3)] == [True, True, False]
    assert [_begin(app, address=f"198.51.100.{n}", email=email + str(n)) is not None for n in range(3)] == [True, True, False]
    with app.app_context():
        stored = db.session.execute(select(LoginAttempt.address, LoginAttempt.email)).all()
    assert {len(address) for address, _ in stored} >= {64} and max(len(e) for _, e in stored) == 254


def test_without_the_limit_nothing_is_recorded(make_app):
    from app.auth.throttle import forget_attempt

    app = make_app(RATELIMIT_ENABLED=False)
    assert _begin(app) == 0
    with app.app_context():
        forget_attempt(0)
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def _change(client, current, new="une phrase de passe toute neuve", address="192.0.2.1"):
    data = {"current_password": current, "new_password": new, "confirm_password": new}
    return client.post("/mot-de-passe", data=data, environ_base={"REMOTE_ADDR": address}).status_code


def _signed_in(make_app, create_user, **config):
    user = create_user()
    client = make_app(**config).test_client()
    assert attempt(client, user.email, PASSWORD) == 302
    return user, client


def _stored_password_is(make_app, user_id, password) -> bool:
    from app.auth.models import User

    with make_app().app_context():
        return db.session.get(User, user_id).check_password(password)


def test_wrong_current_passwords_count_as_failed_sign_ins(make_app, create_user):
    user, client = _signed_in(make_app, create_user, **LIMITED)
    assert [_change(client, "pas-le-bon-mot-de-passe") for _ in range(3)] == [400, 400, 400]
    assert _change(client, PASSWORD) == 429  # the right one waits too: the limit is reached
    assert _stored_password_is(make_app, user.id, PASSWORD)


def test_a_right_current_password_is_never_counted(make_app, create_user):
    user, client = _signed_in(make_app, create_user, **LIMITED)
    assert [_change(client, PASSWORD, "court") for _ in range(4)] == [400] * 4  # only the new one refused
    assert _change(client, PASSWORD) == 303
    assert _stored_password_is(make_app, user.id, "une phrase de passe toute neuve")
    with make_app().app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
