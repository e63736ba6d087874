"""Argon2id password hashes, older ones still accepted and upgraded at the next sign-in."""

import logging
from unittest import mock

import pytest
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from app.auth import hashing
from app.auth import services
from app.auth.models import User
from app.auth.services import authenticate
from app.config import Config
from app.extensions import db
from tests.conftest import FAST_HASH
from tests.conftest import PASSWORD
from tests.progress.test_races import race

PRODUCTION = Config.PASSWORD_HASH_PARAMETERS
#: What an Argon2id hash made with the production parameters starts with.
PRODUCTION_PREFIX = "$argon2id$v=19$m=47104,t=1,p=1$"


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256:1000"])
def test_werkzeug_hashes_of_before_still_match(method):
    stored = generate_password_hash(PASSWORD, method=method)
    assert hashing.verify_password(stored, PASSWORD) and not hashing.verify_password(stored, "pas-le-bon")
    assert hashing.needs_rehash(stored, FAST_HASH)


def test_an_argon2_hash_matches_its_password_only():
    stored = hashing.hash_password(PASSWORD, FAST_HASH)
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert hashing.verify_password(stored, PASSWORD) and not hashing.verify_password(stored, "pas-le-bon")
    assert not hashing.verify_password(stored[:-8], PASSWORD)  # damaged: no match, no error


def test_a_hash_of_other_parameters_needs_a_new_one():
    stored = hashing.hash_password(PASSWORD, FAST_HASH)
    assert not hashing.needs_rehash(stored, FAST_HASH)
    assert hashing.needs_rehash(stored, {**FAST_HASH, "time_cost": 2})
    assert hashing.needs_rehash(stored, PRODUCTION)


@pytest.fixture
def production_app(make_app, course):
    """The app with the production hashing parameters (each hash costs tens of milliseconds)."""
    return make_app(PASSWORD_HASH_PARAMETERS=PRODUCTION)


def _give_hash(app, user, stored: str) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(password_hash=stored))
        db.session.commit()


def _stored_hash(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).password_hash


def test_an_scrypt_hash_becomes_a_production_argon2id_one_at_the_next_sign_in(production_app, create_user, caplog):
    user = create_user()
    _give_hash(production_app, user, generate_password_hash(PASSWORD, method="scrypt"))
    with caplog.at_level(logging.INFO, logger="app"):
        assert production_app.test_client().post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    upgraded = _stored_hash(production_app, user)
    assert upgraded.startswith(PRODUCTION_PREFIX) and hashing.verify_password(upgraded, PASSWORD)
    assert f"account {user.id}: password hash upgraded to Argon2id" in caplog.messages
    # Signing in again keeps it, and with the new hash.
    assert production_app.test_client().post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert _stored_hash(production_app, user) == upgraded


def test_an_argon2id_hash_of_older_parameters_is_upgraded(production_app, create_user):
    user = create_user()
    assert _stored_hash(production_app, user).startswith("$argon2id$v=19$m=8,t=1,p=1$")  # made by the tests' app
    with production_app.app_context():
        assert authenticate(user.email, PASSWORD) is not None
        db.session.commit()
    assert _stored_hash(production_app, user).startswith(PRODUCTION_PREFIX)


def test_a_wrong_password_upgrades_nothing(production_app, create_user):
    user = create_user()
    old = generate_password_hash(PASSWORD, method="scrypt")
    _give_hash(production_app, user, old)
    assert production_app.test_client().post("/connexion", data={"email": user.email, "password": "pas-le-bon-mot"}).status_code == 400
    assert _stored_hash(production_app, user) == old


def test_an_unknown_address_is_checked_against_a_production_hash(production_app, monkeypatch):
    spy = mock.Mock(wraps=hashing.verify_password)
    monkeypatch.setattr(hashing, "verify_password", spy)
    assert production_app.test_client().post("/connexion", data={"email": "personne@example.org", "password": "x"}).status_code == 400
    assert spy.call_count == 1 and spy.call_args.args[0].startswith(PRODUCTION_PREFIX)


def test_a_password_changed_since_it_was_checked_is_not_overwritten(app, create_user):
    user = create_user()
    old = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    _give_hash(app, user, old)
    with app.app_context():
        account = db.session.get(User, user.id)
        assert account.check_password(PASSWORD)
        _give_hash(app, user, "changed$elsewhere")  # another request changed it meanwhile
        assert services.upgrade_password_hash(account, PASSWORD) is False
        db.session.commit()
    assert _stored_hash(app, user) == "changed$elsewhere"


def test_two_sign_ins_at_once_upgrade_the_hash_once(app, create_user, monkeypatch):
    """Both read the old hash; the second's update waits for the first and then finds it gone."""
    user = create_user()
    _give_hash(app, user, generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    upgrades, real = [], services.upgrade_password_hash
    monkeypatch.setattr(services, "upgrade_password_hash", lambda account, password: upgrades.append(real(account, password)))

    def sign_in():
        assert authenticate(user.email, PASSWORD) is not None

    assert race(app, sign_in, sign_in) == []
    assert sorted(upgrades) == [False, True]
    stored = _stored_hash(app, user)
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$") and hashing.verify_password(stored, PASSWORD)


def test_an_upgrade_touches_only_that_account_and_a_current_hash_is_kept(app, create_user):
    user, other = create_user(), create_user()
    old = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    for account in (user, other):
        _give_hash(app, account, old)  # even were two hashes alike
    with app.app_context():
        account = db.session.get(User, user.id)
        assert services.upgrade_password_hash(account, PASSWORD) is True
        assert services.upgrade_password_hash(account, PASSWORD) is False  # now current
        db.session.commit()
    assert _stored_hash(app, other) == old and _stored_hash(app, user) != old
