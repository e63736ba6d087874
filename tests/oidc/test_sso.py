"""Single sign-on against a real OpenID provider: who gets in, with which roles, and which answers are refused."""

import time
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from sqlalchemy import select

from app.accounts.services import set_account_active
from app.auth.models import Role
from app.auth.models import User
from app.extensions import db
from tests.oidc.conftest import CALLBACK
from tests.oidc.conftest import back_at_platform
from tests.oidc.conftest import running_provider
from tests.oidc.conftest import sign_in_through
from tests.oidc.conftest import sso_settings
from tests.oidc.conftest import start_sign_in
from tests.oidc.conftest import through_provider


@pytest.fixture
def sso_app(make_app, openid_provider, course):
    return make_app(**sso_settings(openid_provider))


def _account(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_the_sign_in_page_offers_the_provider(sso_app):
    page = sso_app.test_client().get("/connexion").text
    assert "Se connecter avec Test SSO" in page and 'href="/connexion/sso"' in page
    assert 'name="password"' in page  # local passwords still allowed by default


def test_a_known_person_signs_in_and_is_linked(sso_app, create_user):
    create_user(email="alice@example.org", name="Alice locale")
    client = sso_app.test_client()
    response = sign_in_through(client, "alice", next_url="/cours/bases/premiere")
    assert response.status_code == 302 and response.headers["Location"] == "/cours/bases/premiere"
    assert client.get("/cours/").status_code == 200
    alice = _account(sso_app, "alice@example.org")
    assert alice.sso_subject.endswith("|alice") and alice.last_login_dt is not None and alice.role_set == Role.LEARNER
    assert alice.display_name == "Alice locale"  # the platform's own choices are kept


def test_a_new_person_gets_an_account_with_roles_from_the_claims(sso_app):
    client = sso_app.test_client()
    assert sign_in_through(client, "bob").status_code == 302
    bob = _account(sso_app, "bob@example.org")
    assert (bob.full_name, bob.role_set, bob.has_password_hash) == ("Bob Martin", Role.LEARNER | Role.TUTOR, False)
    assert client.get("/tutorat/").status_code == 200
    client.post("/deconnexion")
    assert sign_in_through(sso_app.test_client(), "bob").status_code == 302  # the second time, the same account
    with sso_app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_unknown_people_are_refused_when_accounts_are_not_created(make_app, openid_provider, course):
    app = make_app(**sso_settings(openid_provider, OIDC_CREATE_ACCOUNTS=False))
    client = app.test_client()
    response = sign_in_through(client, "bob")
    assert response.status_code == 403 and "Aucun compte n&#39;existe ici pour bob@example.org" in response.text
    assert client.get("/cours/").status_code == 302 and _account(app, "bob@example.org") is None


def test_an_unverified_email_or_a_deactivated_account_is_refused(sso_app, create_user):
    response = sign_in_through(sso_app.test_client(), "eve")
    assert response.status_code == 403 and "pas vérifié votre adresse" in response.text
    alice = create_user(email="alice@example.org")
    with sso_app.app_context():
        set_account_active(alice.id, False)
        db.session.commit()
    client = sso_app.test_client()
    response = sign_in_through(client, "alice")
    assert response.status_code == 403 and "Ce compte est désactivé" in response.text
    assert client.get("/cours/").status_code == 302


def test_a_replayed_or_foreign_state_is_refused(sso_app, caplog):
    client = sso_app.test_client()
    start = client.get("/connexion/sso", query_string={"login_hint": "bob"})
    first = sign_in_through(client, "bob")
    assert first.status_code == 302
    client.post("/deconnexion")
    replay_url = first.request.full_path if hasattr(first, "request") else None
    assert replay_url and replay_url.startswith("/connexion/sso/retour?code=")
    replayed = client.get(replay_url)  # the same answer again: its state was used up
    assert replayed.status_code == 400 and "n&#39;a pas pu être vérifiée" in replayed.text
    other_browser = sso_app.test_client()
    assert other_browser.get(replay_url).status_code == 400  # a state this browser never asked for
    assert other_browser.get("/cours/").status_code == 302
    assert start.status_code == 302


def _swap_id_token(monkeypatch, change):
    """Between the provider's token answer and its checks, replace the ID token (an attacker in the middle)."""
    original = FlaskOAuth2App.fetch_access_token

    def fetch(self, *args, **kwargs):
        token = original(self, *args, **kwargs)
        token["id_token"] = change(token["id_token"])
        return token

    monkeypatch.setattr(FlaskOAuth2App, "fetch_access_token", fetch)


def _refused(app, caplog, who="bob") -> str:
    client = app.test_client()
    with caplog.at_level("WARNING"):
        response = sign_in_through(client, who)
    assert response.status_code == 400, response.text
    assert client.get("/cours/").status_code == 302 and _account(app, "bob@example.org") is None
    return " ".join(record.getMessage() for record in caplog.records if "single sign-on refused" in record.getMessage())


def test_an_id_token_with_a_bad_signature_is_refused(sso_app, monkeypatch, caplog):
    def forge(token):
        header, payload, signature = token.split(".")
        return ".".join((header, payload, ("A" if signature[5] != "A" else "B").join((signature[:5], signature[6:]))))

    _swap_id_token(monkeypatch, forge)
    assert "BadSignatureError" in _refused(sso_app, caplog)


def _token_for_client(issuer: str, nonce: str, client_id: str, secret: str) -> str:
    """Return a genuine ID token the provider issues to ``client_id`` (with the nonce given), as that client would get it."""
    verifier = generate_token(48)
    query = {
        "client_id": client_id, "response_type": "code", "scope": "openid email profile", "redirect_uri": CALLBACK, "state": "its-own-state",
        "nonce": nonce, "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256", "login_hint": "bob",
    }
    back = through_provider(issuer + "/auth?" + urlencode(query))
    code = parse_qs(urlsplit(back).query)["code"][0]
    answer = requests.post(
        issuer + "/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier},
        auth=(client_id, secret), timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["id_token"]


def test_an_id_token_for_another_audience_is_refused(sso_app, openid_provider, monkeypatch, caplog):
    client = sso_app.test_client()
    location = start_sign_in(client, "bob")
    nonce = parse_qs(urlsplit(location).query)["nonce"][0]  # the same nonce: only the audience differs
    foreign = _token_for_client(openid_provider, nonce, "other-app", "other-secret-for-tests")
    _swap_id_token(monkeypatch, lambda token: foreign)
    with caplog.at_level("WARNING"):
        response = back_at_platform(client, through_provider(location))
    assert response.status_code == 400 and client.get("/cours/").status_code == 302
    assert _account(sso_app, "bob@example.org") is None
    assert any("'aud'" in record.getMessage() or '"aud"' in record.getMessage() for record in caplog.records), [r.getMessage() for r in caplog.records]


def test_an_expired_id_token_is_refused(make_app, course, monkeypatch, caplog):
    with running_provider(ID_TOKEN_TTL="1") as issuer:
        app = make_app(**sso_settings(issuer, OIDC_CLOCK_LEEWAY=0))

        def late(token):
            time.sleep(2.2)  # the token's hour is one second: it is over when it is checked
            return token

        _swap_id_token(monkeypatch, late)
        assert "ExpiredTokenError" in _refused(app, caplog)


def test_without_local_passwords_only_the_provider_signs_in(make_app, openid_provider, create_user, course):
    app = make_app(**sso_settings(openid_provider, OIDC_LOCAL_PASSWORDS=False))
    user = create_user()
    client = app.test_client()
    page = client.get("/connexion").text
    assert "Se connecter avec Test SSO" in page and 'name="password"' not in page
    assert client.post("/connexion", data={"email": user.email, "password": "motdepasse-de-test"}).status_code == 404
    assert client.get("/mot-de-passe-oublie").status_code == 404
    assert CALLBACK.endswith("/connexion/sso/retour")


def test_a_person_of_the_provider_manages_no_password_here(sso_app):
    client = sso_app.test_client()
    assert sign_in_through(client, "bob").status_code == 302
    profile = client.get("/profil").text
    assert "fournisseur d'identité de votre organisation" in profile and 'name="current_password"' not in profile


def test_the_authorization_request_carries_pkce_state_and_nonce(sso_app, openid_provider):
    client = sso_app.test_client()
    location = start_sign_in(client, "bob")
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(openid_provider + "/auth?")
    assert query["response_type"] == ["code"] and query["client_id"] == ["lms"] and query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert start_sign_in(client, "bob") != location  # a new state, nonce and verifier each time


def test_an_id_token_from_another_issuer_is_refused(sso_app, monkeypatch, caplog):
    """Another provider (here with the same quick-start keys, so its signature verifies) is not ours."""
    client = sso_app.test_client()
    location = start_sign_in(client, "bob")
    nonce = parse_qs(urlsplit(location).query)["nonce"][0]
    with running_provider() as elsewhere:
        foreign = _token_for_client(elsewhere, nonce, "lms", "lms-secret-for-tests")
    _swap_id_token(monkeypatch, lambda token: foreign)
    with caplog.at_level("WARNING"):
        response = back_at_platform(client, through_provider(location))
    assert response.status_code == 400 and _account(sso_app, "bob@example.org") is None
    assert any("'iss'" in record.getMessage() for record in caplog.records), [r.getMessage() for r in caplog.records]


def test_a_provider_that_does_not_answer_gets_a_clear_page(make_app, course):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    try:
        app = make_app(**sso_settings(f"http://127.0.0.1:{silent.getsockname()[1]}", OIDC_TIMEOUT=0.5))
        response = app.test_client().get("/connexion/sso")
        assert response.status_code == 503 and "Le fournisseur d&#39;identité ne répond pas." in response.text
    finally:
        silent.close()


def test_an_issuer_written_with_a_final_slash_works(make_app, openid_provider, course):
    app = make_app(**sso_settings(openid_provider + "/"))
    assert sign_in_through(app.test_client(), "bob").status_code == 302
