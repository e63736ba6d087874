"""Account services and session tokens, called as the views and commands call them."""

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy import update

from app.auth.models import Role
from app.auth.models import SignedInUser
from app.auth.models import User
from app.auth.models import parse_session_token
from app.auth.models import session_token
from app.auth.services import AccountError
from app.auth.services import WrongPasswordError
from app.auth.services import authenticate
from app.auth.services import change_password
from app.auth.services import create_user
from app.auth.services import find_user_by_email
from app.auth.services import normalise_email
from app.auth.services import revoke_sessions
from app.extensions import db

PASSWORD = "correct-horse-battery-staple"
NEW_PASSWORD = "une phrase de passe toute neuve"
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def ctx(app):
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        yield


def _account(email="Ana.Lima@Example.ORG", **kwargs) -> User:
    user = create_user(email, "  Ana Lima  ", PASSWORD, **kwargs)
    db.session.commit()
    return user


def test_an_address_is_kept_trimmed_and_lower_case_and_found_in_any_case(ctx):
    assert normalise_email("  Ana.Lima@Example.ORG\t") == "ana.lima@example.org"
    user = _account()
    assert (user.email, user.display_name, user.role_set) == ("ana.lima@example.org", "Ana Lima", Role.LEARNER)
    assert find_user_by_email(" ANA.LIMA@example.org ") == user
    assert find_user_by_email("autre@example.org") is None


def test_an_account_gets_the_roles_asked_and_a_hash_of_its_password(ctx):
    user = _account(roles=Role.TUTOR | Role.AUTHOR)
    assert user.role_set == Role.TUTOR | Role.AUTHOR and not user.has_role(Role.LEARNER)
    assert user.has_password_hash and PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD.upper())


def test_a_taken_address_or_a_weak_password_creates_nothing(ctx):
    _account()
    with pytest.raises(AccountError, match="Un compte existe déjà pour ana.lima@example.org"):
        create_user("ANA.LIMA@example.org", "Autre", NEW_PASSWORD)
    with pytest.raises(AccountError) as weak:
        create_user("autre@example.org", "Autre", "motdepasse")
    assert not isinstance(weak.value, WrongPasswordError) and str(weak.value)
    assert db.session.scalars(select(User.email)).all() == ["ana.lima@example.org"]


def test_only_an_active_account_with_its_password_signs_in_and_the_time_is_noted(ctx):
    user = _account()
    assert authenticate("ana.lima@example.org", "wrong password here") is None
    assert authenticate("nobody@example.org", PASSWORD) is None
    assert user.last_login_dt is None
    assert authenticate(" Ana.Lima@example.org", PASSWORD) == user
    assert user.last_login_dt.replace(tzinfo=None) == NOW.replace(tzinfo=None)
    user.is_active = False
    db.session.commit()
    assert authenticate("ana.lima@example.org", PASSWORD) is None


def test_an_anonymised_account_never_signs_in(ctx):
    user = _account()
    user.password_hash = "anonymised"
    db.session.commit()
    assert not user.has_password_hash
    assert authenticate("ana.lima@example.org", "anonymised") is None
    user.password_hash = None
    assert not user.has_password_hash


def test_revoking_raises_only_that_accounts_version_by_one(ctx):
    user, other = _account(), _account("autre@example.org")
    revoke_sessions(user.id)
    revoke_sessions(user.id)
    db.session.commit()
    assert (db.session.get(User, user.id).session_version, db.session.get(User, other.id).session_version) == (2, 0)
    assert user.get_id() == f"{user.id}.2"


def test_a_password_change_needs_the_current_one_and_a_good_new_one(ctx):
    user = _account()
    with pytest.raises(WrongPasswordError, match="Le mot de passe actuel est incorrect."):
        change_password(user.id, "not the password", NEW_PASSWORD)
    with pytest.raises(WrongPasswordError):
        change_password(user.id + 100, PASSWORD, NEW_PASSWORD)
    with pytest.raises(AccountError) as weak:
        change_password(user.id, PASSWORD, "motdepasse")
    assert not isinstance(weak.value, WrongPasswordError)
    db.session.rollback()
    assert db.session.get(User, user.id).session_version == 0


def test_a_changed_password_replaces_the_old_one_and_ends_the_sessions(ctx):
    user = _account()
    changed = change_password(user.id, PASSWORD, NEW_PASSWORD)
    db.session.commit()
    assert changed.session_version == 1 and changed.check_password(NEW_PASSWORD) and not changed.check_password(PASSWORD)
    assert authenticate("ana.lima@example.org", NEW_PASSWORD) == changed


def test_a_password_changed_between_the_check_and_the_write_is_refused(ctx, monkeypatch):
    user = _account()
    import app.auth.services as services

    real = services.password_problem

    def meanwhile(password):  # another request changes the password right after the check
        db.session.execute(update(User).where(User.id == user.id).values(password_hash="scrypt$other").execution_options(synchronize_session=False))
        return real(password)

    monkeypatch.setattr(services, "password_problem", meanwhile)
    with pytest.raises(AccountError) as refused:
        change_password(user.id, PASSWORD, NEW_PASSWORD)
    assert str(refused.value) == "Le mot de passe vient d'être changé ailleurs : recommencez."


def test_an_anonymised_account_cannot_change_its_password(ctx):
    user = _account()
    user.password_hash = "anonymised"
    db.session.commit()
    with pytest.raises(WrongPasswordError):
        change_password(user.id, "anonymised", NEW_PASSWORD)


@pytest.mark.parametrize(("token", "parsed"), [
    ("12.3", (12, 3)), ("7.0", (7, 0)), ("12", None), ("12.", None), (".3", None), ("a.3", None),
    ("12.b", None), ("12.3.4", None), ("", None), (None, None),
])
def test_a_session_token_names_an_account_and_a_version(token, parsed):
    assert parse_session_token(token) == parsed


def test_tokens_round_trip_for_accounts_and_signed_in_users():
    assert session_token(5, 0) == "5.0" and parse_session_token(session_token(5, 9)) == (5, 9)
    signed_in = SignedInUser(5, "a@example.org", "A", int(Role.LEARNER | Role.ADMIN), True, 3)
    assert signed_in.get_id() == "5.3" and signed_in.is_authenticated and not signed_in.is_anonymous
    assert signed_in.has_role(Role.ADMIN) and not signed_in.has_role(Role.TUTOR)
    assert User(id=4, session_version=None).get_id() == "4.0"


def test_role_names_parse_and_list_in_a_stable_order(app):
    assert Role.parse([" Tutor", "learner "]) == Role.LEARNER | Role.TUTOR
    assert Role.parse([]) == Role(0)
    with pytest.raises(KeyError):
        Role.parse(["learner", "manager"])
    assert (Role.ADMIN | Role.LEARNER).names == ["learner", "admin"]
    with app.test_request_context():
        assert (Role.AUTHOR | Role.TUTOR).labels == ["tuteur", "auteur"]


def test_refusals_say_exactly_what_went_wrong(ctx):
    user = _account()
    with pytest.raises(AccountError) as taken:
        create_user("ana.lima@example.org", "Autre", NEW_PASSWORD)
    assert str(taken.value) == "Un compte existe déjà pour ana.lima@example.org."
    with pytest.raises(WrongPasswordError) as wrong:
        change_password(user.id, "not the password", NEW_PASSWORD)
    assert str(wrong.value) == "Le mot de passe actuel est incorrect."


def test_creating_an_account_and_changing_its_password_are_logged(ctx, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="app"):
        user = _account(roles=Role.LEARNER | Role.TUTOR)
        change_password(user.id, PASSWORD, NEW_PASSWORD)
    logged = [r.getMessage() for r in caplog.records if r.name == "app"]
    assert logged == [
        "account ana.lima@example.org created with roles ['learner', 'tutor']",
        f"account {user.id} changed its password; its sessions are revoked",
    ]


def test_a_new_password_is_hashed_with_the_configured_parameters(app, ctx):
    user = _account()
    changed = change_password(user.id, PASSWORD, NEW_PASSWORD)
    assert changed.password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert user.password_hash == changed.password_hash and changed.check_password(NEW_PASSWORD)


def test_the_platform_hashes_with_owasps_argon2id_unless_told_otherwise():
    from app.config import Config

    # Memory-hard, at the first row of OWASP's cheat sheet; only the tests trade it for speed.
    assert Config.PASSWORD_HASH_PARAMETERS == {"memory_cost": 47_104, "time_cost": 1, "parallelism": 1}


def test_a_password_change_touches_only_that_account(ctx):
    user, other = _account(), _account("autre@example.org")
    other.password_hash = user.password_hash  # even were two hashes alike
    db.session.commit()
    change_password(user.id, PASSWORD, NEW_PASSWORD)
    db.session.commit()
    other = db.session.get(User, other.id)
    assert other.check_password(PASSWORD) and other.session_version == 0


@pytest.mark.parametrize(("stored", "user_id"), [("12.3", 12), ("junk", None), (None, None)])
def test_the_session_names_its_account_without_loading_it(app, stored, user_id):
    from flask import session

    from app.auth.services import session_user_id

    with app.test_request_context():
        if stored is not None:
            session["_user_id"] = stored
        assert session_user_id() == user_id


def test_a_page_query_loads_the_user_once_with_its_data(app, create_user):
    from flask import session
    from flask_login import current_user

    from app.auth.services import load_signed_in_user
    from app.auth.services import preload_with
    from tests.helpers import recorded_statements

    user = create_user()
    with app.test_request_context():
        row = load_signed_in_user(user.id, 0)
        asked = []
        assert preload_with(lambda user_id: asked.append(user_id)) is None  # no session: nothing asked
        assert asked == []
        session["_user_id"] = f"{user.id}.0"
        assert preload_with(lambda user_id: asked.append(user_id)) is None  # no such account: no data
        assert asked == [user.id]
        assert preload_with(lambda user_id: (row, "the page's data")) == "the page's data"
        with recorded_statements(app) as seen:
            assert current_user.id == user.id
        assert seen == []  # the loader took the preloaded user
