"""Accounts without a password yet, their names, and passwords set through a link."""

import pytest

from app.auth.models import Role
from app.auth.models import User
from app.auth.services import AccountError
from app.auth.services import authenticate
from app.auth.services import create_user
from app.auth.services import looks_like_email
from app.auth.services import set_new_password
from app.extensions import db


@pytest.mark.parametrize("email", ["ana@example.org", "a.b+c@sous.domaine.fr", "x@y.co"])
def test_addresses_with_the_shape_of_an_email(email):
    assert looks_like_email(email)


@pytest.mark.parametrize("email", ["", "ana", "ana@", "@example.org", "ana@example", "ana lopez@example.org", "a@b@example.org", "a@" + "b" * 250 + ".fr"])
def test_addresses_without_it(email):
    assert not looks_like_email(email)


def test_an_account_without_a_password_matches_none_until_one_is_set(app):
    with app.app_context():
        user = create_user(" Ana@Example.org ", " Ana Lopez ", None, Role.LEARNER | Role.TUTOR, first_name=" Ana ", last_name=" Lopez ", locale="en")
        db.session.commit()
        assert (user.email, user.display_name, user.first_name, user.last_name, user.locale) == ("ana@example.org", "Ana Lopez", "Ana", "Lopez", "en")
        assert user.full_name == "Ana Lopez" and not user.has_password_hash
        assert authenticate("ana@example.org", "") is None and authenticate("ana@example.org", "!") is None
        with pytest.raises(AccountError, match="au moins 12 caractères"):
            set_new_password(user.id, "court")
        set_new_password(user.id, "un-mot-de-passe-tout-neuf")
        db.session.commit()
        db.session.refresh(user)
        assert user.check_password("un-mot-de-passe-tout-neuf") and user.session_version == 1
        assert authenticate("ana@example.org", "un-mot-de-passe-tout-neuf").id == user.id


def test_the_full_name_falls_back_to_the_display_name(app):
    assert User(first_name="", last_name="", display_name="Dominique").full_name == "Dominique"
    assert User(first_name="Ana", last_name="", display_name="x").full_name == "Ana"


def test_setting_a_password_touches_only_that_account(app, create_user):
    mine, other = create_user(), create_user()
    with app.app_context():
        set_new_password(mine.id, "un-mot-de-passe-tout-neuf")
        db.session.commit()
        assert db.session.get(User, other.id).session_version == 0
        assert not db.session.get(User, other.id).check_password("un-mot-de-passe-tout-neuf")


def test_an_address_may_be_254_characters_and_no_more():
    local = "a" * 64
    domain = "b" * (254 - 64 - 1 - 3) + ".fr"
    assert looks_like_email(f"{local}@{domain}") and len(f"{local}@{domain}") == 254
    assert not looks_like_email(f"{local}a@{domain}")


def test_names_are_empty_unless_given_and_passwords_use_the_configured_hash(app, caplog):
    import logging

    with app.app_context():
        user = create_user("ana@example.org", "Ana", None)
        db.session.commit()
        assert (user.first_name, user.last_name, user.locale) == ("", "", None)
        with caplog.at_level(logging.INFO, logger="app"):
            set_new_password(user.id, "un-mot-de-passe-tout-neuf")
        db.session.commit()
        db.session.refresh(user)
        assert user.password_hash.startswith("$argon2id$") and user.check_password("un-mot-de-passe-tout-neuf")
    assert f"account {user.id} chose a new password through a link; its sessions are revoked" in caplog.messages


def test_holds_role_reads_the_table_it_is_given(app, create_user):
    from sqlalchemy import func
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from app.auth.models import holds_role

    create_user(roles=Role.ADMIN)
    create_user(roles=Role.LEARNER)
    other = aliased(User)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(other).where(holds_role(Role.ADMIN, other))) == 1
        assert db.session.scalar(select(func.count()).select_from(User).where(holds_role(Role.LEARNER))) == 1
