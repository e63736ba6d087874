"""Sessions end for real: sign-out, a password change and a deactivation revoke every session."""

import threading

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.auth.services import AccountError
from app.auth.services import change_password
from app.auth.services import revoke_sessions
from app.clock import now_utc
from app.extensions import db
from app.privacy.services import anonymise_learner
from tests.conftest import PASSWORD
from tests.conftest import csrf_token_from
from tests.helpers import recorded_statements

NEW_PASSWORD = "un-nouveau-mot-de-passe-solide"


def copy_of(app, client):
    """Return a second browser holding the same session cookie as ``client``."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_a_cookie_copied_before_sign_out_is_anonymous_after(app, client, learner):
    copied = copy_of(app, client)
    assert copied.get("/cours/").status_code == 200
    client.post("/deconnexion")
    assert copied.get("/cours/").status_code == 302
    # The reading page loads the user in its own query: it checks the session too.
    assert copied.get("/cours/bases/premiere").status_code == 302


def test_sign_out_ends_the_sessions_in_every_browser(app, create_user, course):
    user = create_user()
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        browser.post("/connexion", data={"email": user.email, "password": PASSWORD})
    first.post("/deconnexion")
    assert second.get("/cours/").status_code == 302


def test_revoked_session_costs_no_extra_query_on_the_reading_page(app, client, learner):
    copied = copy_of(app, client)
    client.post("/deconnexion")
    with recorded_statements(app) as statements:
        assert copied.get("/cours/bases/premiere").status_code == 302
    assert len(statements) == 1, statements


def test_password_change_ends_every_other_session_but_its_own(app, create_user, course):
    user = create_user()
    browser_a, browser_b = app.test_client(), app.test_client()
    for browser in (browser_a, browser_b):
        assert browser.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    copied_b = copy_of(app, browser_b)
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    response = browser_b.post("/mot-de-passe", data=data)
    assert response.status_code == 303
    assert browser_b.get("/cours/").status_code == 200  # B's new session
    assert browser_a.get("/cours/").status_code == 302
    assert copied_b.get("/cours/").status_code == 302  # B's cookie from before the change
    fresh = app.test_client()
    assert fresh.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 400
    assert fresh.post("/connexion", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current_password": "pas-le-bon-mot-de-passe", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, "Le mot de passe actuel est incorrect."),
        ({"current_password": PASSWORD, "new_password": "court-11car", "confirm_password": "court-11car"}, "au moins 12 caractères"),
        ({"current_password": PASSWORD, "new_password": "qwerty123456", "confirm_password": "qwerty123456"}, "plus courants"),
        ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"}, "Les deux nouveaux mots de passe diffèrent."),
        ({"current_password": "", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}, "Indiquez votre mot de passe actuel."),
    ],
)
def test_password_change_refuses_bad_input_and_changes_nothing(app, client, learner, data, message):
    response = client.post("/mot-de-passe", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert client.get("/cours/").status_code == 200  # still signed in
    with app.app_context():
        user = db.session.get(User, learner.id)
        assert user.check_password(PASSWORD) and user.session_version == 0


def test_the_profile_page_holds_the_password_change(client, learner):
    assert 'href="/profil"' in client.get("/parametres/").text
    profile = client.get("/profil").text
    assert 'action="/mot-de-passe"' in profile and 'name="current_password"' in profile
    assert "Changer mon mot de passe" in client.get("/mot-de-passe").text


def test_revoke_sessions_ends_a_session_at_its_next_request(app, client, learner):
    with app.app_context():
        revoke_sessions(learner.id)
        db.session.commit()
    assert client.get("/cours/").status_code == 302


def test_anonymisation_revokes_the_sessions(app, client, learner):
    with app.app_context():
        anonymise_learner(learner.id, now_utc())
        db.session.commit()
        assert db.session.get(User, learner.id).session_version == 1
    assert client.get("/cours/").status_code == 302


def test_a_session_from_before_versions_names_no_one(app, client, learner):
    with client.session_transaction() as session:
        session["_user_id"] = str(learner.id)  # what a cookie held before session versions
    assert client.get("/cours/").status_code == 302


def test_two_password_changes_at_once_apply_only_one(app, create_user, monkeypatch):
    """Both check the same current password before either writes: the conditional update decides."""
    user = create_user()
    both_checked = threading.Barrier(2, timeout=10)

    def rule_after_both_checked(password):
        both_checked.wait()
        return None

    monkeypatch.setattr("app.auth.services.password_problem", rule_after_both_checked)
    outcomes = []

    def change(new_password):
        with app.app_context():
            try:
                change_password(user.id, PASSWORD, new_password)
                db.session.commit()
                outcomes.append(new_password)
            except AccountError:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=change, args=(f"nouveau-mot-de-passe-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "refused" and len(outcomes) == 2
    winner = next(outcome for outcome in outcomes if outcome != "refused")
    with app.app_context():
        stored = db.session.scalar(select(User).where(User.id == user.id))
        assert stored.check_password(winner) and stored.session_version == 1


def test_csrf_token_is_renewed_at_sign_in_and_sign_out(make_app, create_user):
    user = create_user()
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    before = csrf_token_from(client.get("/connexion").text)
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "csrf_token" not in session  # the token of the signed-out visitor is gone
    # The token of the page before sign-in no longer signs a form.
    assert client.post("/deconnexion", data={"csrf_token": before}).status_code == 400
    signed_in = csrf_token_from(client.get("/mot-de-passe").text)
    assert signed_in != before
    assert client.post("/deconnexion", data={"csrf_token": signed_in}).status_code == 302
    with client.session_transaction() as session:
        assert "csrf_token" not in session
    after = csrf_token_from(client.get("/connexion").text)
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": signed_in}).status_code == 400
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": after}).status_code == 302
