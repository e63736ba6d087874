"""The password rule, and sign-in answers that do not tell who has an account."""

from unittest import mock

import pytest

from app.auth import hashing
from app.auth.models import User
from app.auth.passwords import common_passwords
from app.auth.passwords import password_problem
from app.auth.services import AccountError
from app.auth.services import create_user
from app.clock import now_utc
from app.demo import DEMO_ACCOUNTS
from app.extensions import db
from app.privacy.services import anonymise_learner
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("a" * 11, "au moins 12 caractères"),
        ("x" * 201, "au plus 200 caractères"),
        ("qwerty123456", "plus courants"),
        ("QWERTY123456", "plus courants"),
        ("1q2w3e4r5t6y", "plus courants"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, password, reason):
    with app.test_request_context():
        assert reason in password_problem(password)
        with pytest.raises(AccountError, match=reason):
            create_user("a@example.org", "A", password)


def test_a_long_uncommon_password_is_accepted(app):
    with app.test_request_context():
        assert password_problem("une phrase que personne n'a") is None


def test_the_shipped_list_is_loaded():
    assert len(common_passwords()) > 19_000
    assert "motdepasse" in common_passwords()


def test_demo_passwords_follow_the_rule(app):
    with app.test_request_context():
        assert [password_problem(password) for _, _, password, _ in DEMO_ACCOUNTS] == [None] * len(DEMO_ACCOUNTS)


@pytest.fixture
def hash_checks(monkeypatch):
    """Count the password hash checks a sign-in makes."""
    spy = mock.Mock(wraps=hashing.verify_password)
    monkeypatch.setattr(hashing, "verify_password", spy)
    return spy


def test_unknown_address_costs_one_hash_check_like_a_known_one(client, create_user, login, hash_checks):
    user = create_user()
    login(user, password="pas-le-bon-mot-de-passe")
    assert hash_checks.call_count == 1
    known_hash = hash_checks.call_args.args[0]
    hash_checks.reset_mock()
    assert client.post("/connexion", data={"email": "personne@example.org", "password": "x"}).status_code == 400
    assert hash_checks.call_count == 1
    # Against a hash of the same algorithm and parameters as the accounts' (``$argon2id$v=19$m=...``).
    assert hash_checks.call_args.args[0].rsplit("$", 2)[0] == known_hash.rsplit("$", 2)[0]


def test_disabled_and_anonymised_accounts_cost_one_hash_check(app, client, create_user, login, hash_checks):
    disabled, anonymised = create_user(), create_user()
    with app.app_context():
        db.session.get(User, disabled.id).is_active = False
        anonymise_learner(anonymised.id, now_utc())
        db.session.commit()
    for user in (disabled, anonymised):
        hash_checks.reset_mock()
        assert login(user, password=PASSWORD).status_code == 400
        assert hash_checks.call_count == 1
