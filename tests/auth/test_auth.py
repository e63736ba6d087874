"""Signing in and out, rate limiting, CSRF, the users command."""

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.auth.models import User
from app.extensions import db
from tests.conftest import PASSWORD


def test_login_and_logout(client, create_user, login):
    user = create_user()
    response = login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/cours/"
    assert client.get("/cours/").status_code == 200
    response = client.post("/deconnexion")
    assert response.status_code == 302
    assert client.get("/cours/").status_code == 302


def test_wrong_password_gives_the_form_back_with_a_message(client, create_user, login):
    user = create_user()
    response = login(user, password="mauvais-mot-de-passe")
    assert response.status_code == 400
    assert "Adresse e-mail ou mot de passe incorrect." in response.text
    assert client.get("/cours/").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": "x"}, "Indiquez votre adresse e-mail."),
        ({"email": "a@b.c", "password": ""}, "Indiquez votre mot de passe."),
    ],
)
def test_login_form_validation(client, data, message):
    response = client.post("/connexion", data=data)
    assert response.status_code == 400
    assert message in response.text


def test_disabled_account_cannot_sign_in(app, create_user, login):
    user = create_user()
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    assert login(user).status_code == 400


def test_password_is_stored_hashed(app, create_user):
    user = create_user()
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/parcours/", "/parcours/"),
        ("https://evil.example/", "/cours/"),
        ("//evil.example/", "/cours/"),
        ("/\\evil.example", "/cours/"),
        ("javascript:alert(1)", "/cours/"),
    ],
)
def test_next_cannot_leave_the_site(create_user, login, next_url, expected):
    user = create_user()
    response = login(user, next_url=next_url)
    assert response.headers["Location"] == expected


def test_logout_requires_post(client, create_user, login):
    login(create_user())
    assert client.get("/deconnexion").status_code == 405
    assert client.get("/cours/").status_code == 200


def test_forms_require_a_csrf_token(make_app, create_user):
    user = create_user()
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulaire expiré" in response.text


def test_users_create_command(app, runner):
    result = runner.invoke(args=["users", "create", "Tuteur@Example.org", "--name", "Tu Teur", "--role", "tutor", "--role", "learner", "--password", "un-mot-de-passe"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Compte créé : tuteur@example.org (")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "tuteur@example.org"))
        assert user.role_set == Role.TUTOR | Role.LEARNER
        assert user.check_password("un-mot-de-passe")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--password", "court-11car"], "au moins 12 caractères"),
        (["--password", "1q2w3e4r5t6y"], "plus courants"),
        (["--role", "chef", "--password", "un-mot-de-passe"], "Invalid value"),
    ],
)
def test_users_create_command_refuses_bad_input(app, runner, args, message):
    result = runner.invoke(args=["users", "create", "a@example.org", "--name", "A", *args])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_users_create_refuses_a_taken_address(app, runner, create_user):
    create_user(email="pris@example.org")
    result = runner.invoke(args=["users", "create", "pris@example.org", "--name", "B", "--password", "un-mot-de-passe"])
    assert result.exit_code != 0
    assert "Un compte existe déjà pour pris@example.org." in result.output


def test_disabling_an_account_ends_its_sessions(app, client, create_user, login):
    user = create_user()
    login(user)
    assert client.get("/cours/").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    assert client.get("/cours/").status_code == 302
