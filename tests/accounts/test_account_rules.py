"""The account rules of the admin pages, service by service: an active admin always, exact refusals, audit lines."""

import logging

import pytest

from app.accounts.models import TokenPurpose
from app.accounts.services import Identity
from app.accounts.services import choose_password
from app.accounts.services import create_account
from app.accounts.services import request_password_reset
from app.accounts.services import resend_invitation
from app.accounts.services import set_account_active
from app.accounts.services import update_account
from app.accounts.services import update_profile
from app.accounts.tokens import peek_token
from app.auth.models import Role
from app.auth.models import User
from app.auth.services import AccountError
from app.clock import now_utc
from app.extensions import db
from app.privacy.services import anonymise_learner
from tests.accounts.helpers import invite
from tests.accounts.helpers import last_link
from tests.accounts.helpers import queued_to

LAST_ADMIN = "Il faut au moins un administrateur actif : nommez-en un autre d'abord."


def _refusal(action) -> str:
    with pytest.raises(AccountError) as refused:
        action()
    db.session.rollback()
    return str(refused.value)


def test_the_last_active_admin_stays_whoever_else_is_active(app, create_user):
    admin = create_user(roles=Role.ADMIN)
    create_user(roles=Role.LEARNER | Role.TUTOR | Role.AUTHOR)  # active, but no admin
    with app.app_context():
        assert _refusal(lambda: set_account_active(admin.id, False)) == LAST_ADMIN
        assert _refusal(lambda: update_account(admin.id, "A", "B", Role.TUTOR, None)) == LAST_ADMIN
        assert db.session.get(User, admin.id).is_active


def test_people_who_are_not_active_admins_change_freely_even_without_any_admin(app, create_user):
    learner = create_user()
    former = create_user(roles=Role.ADMIN)
    with app.app_context():
        db.session.get(User, former.id).is_active = False  # no active admin at all (a platform being set up)
        db.session.commit()
        set_account_active(learner.id, False)
        update_account(former.id, "Ancien", "Admin", Role.LEARNER, None)  # an inactive admin is no admin to keep
        db.session.commit()
        assert not db.session.get(User, learner.id).is_active and db.session.get(User, former.id).role_set == Role.LEARNER


def test_changes_are_written_to_the_log(app, create_user, caplog):
    user = create_user()
    with app.app_context(), caplog.at_level(logging.INFO, logger="app"):
        update_account(user.id, "Chloé", "Dupont", Role.LEARNER | Role.TUTOR, "en")
        set_account_active(user.id, False)
        set_account_active(user.id, True)
    assert f"account {user.id} now has roles ['learner', 'tutor']" in caplog.messages
    assert f"account {user.id} deactivated" in caplog.messages and f"account {user.id} reactivated" in caplog.messages


def test_refusals_say_exactly_why(app, create_user, course):
    with app.app_context():
        assert _refusal(lambda: create_account(Identity(" pas une adresse ", "A", "B", Role.LEARNER))) == "Adresse e-mail invalide : pas une adresse"
    active = create_user()
    with app.app_context():
        assert _refusal(lambda: resend_invitation(active.id)) == "Ce compte a déjà été activé : il n'y a plus d'invitation à envoyer."
    waiting = invite(app)
    with app.app_context():
        set_account_active(waiting, False)
        db.session.commit()
        assert _refusal(lambda: resend_invitation(waiting)) == "Ce compte est désactivé : réactivez-le avant de renvoyer l'invitation."
    gone = invite(app, email="parti@demo.test")
    with app.app_context():
        anonymise_learner(gone, now_utc())
        db.session.commit()
        assert _refusal(lambda: resend_invitation(gone)) == "Ce compte a déjà été activé : il n'y a plus d'invitation à envoyer."
        assert _refusal(lambda: resend_invitation(999_999)) == "Ce compte a déjà été activé : il n'y a plus d'invitation à envoyer."


def test_an_email_without_a_first_name_greets_the_display_name(app, create_user):
    user = create_user(name="Dominique Tuteur")
    with app.app_context():
        request_password_reset(user.email)
        db.session.commit()
    assert queued_to(app, user.email)[0].body.startswith("Bonjour Dominique Tuteur,")


def test_a_password_chosen_closes_every_other_link_of_the_account(app, create_user):
    user_id = invite(app)
    invitation = last_link(app, "nouveau@demo.test").rsplit("/", 1)[1]
    with app.app_context():
        request_password_reset("nouveau@demo.test")
        db.session.commit()
    reset = last_link(app, "nouveau@demo.test").rsplit("/", 1)[1]
    with app.app_context():
        assert choose_password(invitation, TokenPurpose.INVITATION, "un-mot-de-passe-tout-neuf") == user_id
        db.session.commit()
        assert peek_token(reset, TokenPurpose.RESET) is None


def test_a_refused_password_leaves_the_link_usable_once_rolled_back(app):
    invite(app)
    token = last_link(app, "nouveau@demo.test").rsplit("/", 1)[1]
    with app.app_context():
        assert "au moins 12 caractères" in _refusal(lambda: choose_password(token, TokenPurpose.INVITATION, "court"))
        assert peek_token(token, TokenPurpose.INVITATION) is not None


def test_the_profile_changes_only_its_own_account(app, create_user):
    me, other = create_user(name="Moi"), create_user(name="Autre")
    with app.app_context():
        update_profile(me.id, "  Chloé D.  ", "en")
        db.session.commit()
        assert (db.session.get(User, me.id).display_name, db.session.get(User, me.id).locale) == ("Chloé D.", "en")
        assert (db.session.get(User, other.id).display_name, db.session.get(User, other.id).locale) == ("Autre", None)


def test_an_admin_keeping_the_role_can_have_names_and_other_roles_changed(app, create_user):
    admin, other = create_user(roles=Role.ADMIN, name="Admin"), create_user(name="Autre")
    with app.app_context():
        update_account(admin.id, "Ada", "Admin", Role.ADMIN | Role.TUTOR, "en")
        db.session.commit()
        changed, untouched = db.session.get(User, admin.id), db.session.get(User, other.id)
        assert (changed.full_name, changed.role_set, changed.locale) == ("Ada Admin", Role.ADMIN | Role.TUTOR, "en")
        assert (untouched.display_name, untouched.role_set) == ("Autre", Role.LEARNER)


def test_sessions_ended_by_a_deactivation_do_not_come_back_with_the_reactivation(app, create_user, course):
    from tests.conftest import PASSWORD

    user = create_user()
    browser = app.test_client()
    assert browser.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    with app.app_context():
        set_account_active(user.id, False)
        db.session.commit()
        set_account_active(user.id, True)
        db.session.commit()
    assert browser.get("/cours/").status_code == 302  # signed out for good: the session was revoked
