"""The application factory: configuration and its precedence, secret key check, security headers, HTTPS."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from tests.babel_marks import mark_translations
from tests.conftest import ROOT
from tests.conftest import app_config

INSTANCE_KEY, ENV_KEY, FLASK_KEY = (secrets.token_hex(32) for _ in range(3))


WEAK_KEYS = [
    "",
    "dev",
    "short-key",
    secrets.token_hex(15),  # random but short
    "a" * 64,
    "ab" * 32,
    "0123456789" * 4,
    "my-platform-secret-key-for-the-real-world-use",
    "Azertyuiop-was-my-first-key-and-still-is-1234",
]


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_refuses_to_start_in_production_with_a_weak_secret(key, database_url):
    config = app_config(database_url, TESTING=False, DEBUG=False, SECRET_KEY=key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("dev", "c'est une valeur de développement"),
        ("short-key", "elle compte moins de 32 caractères"),
        ("ab" * 32, "elle répète trop peu de caractères différents"),
        ("my-platform-secret-key-for-the-real-world-use", "elle contient des mots ou des mots de passe courants"),
    ],
)
def test_the_refusal_says_why_in_the_platform_language(key, reason, database_url):
    """Said once Flask-Babel is set up, in the default language (French), with the reason filled in."""
    config = app_config(database_url, TESTING=False, DEBUG=False, SECRET_KEY=key)
    with pytest.raises(RuntimeError) as refusal:
        create_app(config)
    message = str(refusal.value)
    assert message.startswith(f"SECRET_KEY trop faible ({reason}) : définissez SECRET_KEY")
    assert "secrets.token_hex(32)" in message


def test_the_refusal_goes_through_flask_babel_in_the_default_language(database_url, monkeypatch):
    mark_translations(monkeypatch)
    with pytest.raises(RuntimeError) as refusal:
        create_app(app_config(database_url, TESTING=False, DEBUG=False, SECRET_KEY="dev"))
    assert str(refusal.value).startswith("<fr>SECRET_KEY trop faible (<fr>c'est une valeur de développement) : ")


@pytest.mark.parametrize("key", [secrets.token_hex(32), secrets.token_hex(16), secrets.token_urlsafe(32), secrets.token_urlsafe(24)])
def test_starts_in_production_with_a_real_secret(key, database_url):
    """The key is accepted, kept and used: the sign-in page's session cookie is signed with it, over HTTPS only."""
    app = create_app(app_config(database_url, TESTING=False, SECRET_KEY=key))
    assert not app.testing and app.config["SECRET_KEY"] == key
    response = app.test_client().get("/connexion", base_url="https://platform.example")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    assert "csrf_token" in app.session_interface.get_signing_serializer(app).loads(value)


@pytest.fixture
def instance_dir(tmp_path, monkeypatch, database_url):
    """An empty instance folder for apps built from files and the environment (no test config)."""
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    for name in ("SECRET_KEY", "FLASK_SECRET_KEY", "INSECURE_HTTP", "FLASK_INSECURE_HTTP", "TRUSTED_PROXIES", "FLASK_DEBUG", "FLASK_TESTING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return tmp_path


def test_the_environment_wins_over_the_instance_file(instance_dir, monkeypatch):
    (instance_dir / "config.py").write_text(f"SECRET_KEY = {INSTANCE_KEY!r}\nMAIL_SERVER = 'instance.example'\n")
    assert create_app().config["SECRET_KEY"] == INSTANCE_KEY
    monkeypatch.setenv("SECRET_KEY", ENV_KEY)
    monkeypatch.setenv("MAIL_SERVER", "env.example")
    app = create_app()
    assert (app.config["SECRET_KEY"], app.config["MAIL_SERVER"]) == (ENV_KEY, "env.example")
    monkeypatch.setenv("FLASK_SECRET_KEY", FLASK_KEY)
    assert create_app().config["SECRET_KEY"] == FLASK_KEY


def test_a_weak_key_in_the_environment_is_refused_even_over_a_good_instance_file(instance_dir, monkeypatch):
    (instance_dir / "config.py").write_text(f"SECRET_KEY = {INSTANCE_KEY!r}\n")
    monkeypatch.setenv("SECRET_KEY", "dev")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_sends_secure_cookies_and_hsts(instance_dir, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", ENV_KEY)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    response = app.test_client().get("/connexion")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("variable", ["INSECURE_HTTP", "FLASK_INSECURE_HTTP"])
def test_the_plain_http_switch_turns_secure_cookies_and_hsts_off(instance_dir, monkeypatch, variable):
    monkeypatch.setenv("SECRET_KEY", ENV_KEY)
    monkeypatch.setenv(variable, "1")
    app = create_app()
    assert not app.config["SESSION_COOKIE_SECURE"]
    response = app.test_client().get("/connexion")
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]


def test_development_and_tests_use_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/connexion").headers


def test_flask_help_works_without_a_secret_key(database_url, tmp_path):
    env = {**os.environ, "SECRET_KEY": "dev", "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    env.pop("FLASK_SECRET_KEY", None)
    result = subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "app", "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "users" in result.stdout


def test_pages_carry_security_headers(client):
    response = client.get("/connexion")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_error_pages_are_in_french(client):
    response = client.get("/cette-page-n-existe-pas")
    assert response.status_code == 404
    assert "Page introuvable" in response.text
    assert '<html lang="fr">' in response.text


def test_unexpected_error_gives_french_500_page(app, client):
    @app.route("/boum")
    def boom():
        raise RuntimeError("boum")

    response = client.get("/boum")
    assert response.status_code == 500
    assert "Erreur du serveur" in response.text

