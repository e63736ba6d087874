"""The application factory: configuration, secret key check, security headers."""

import pytest

from app import create_app
from tests.conftest import app_config


@pytest.mark.parametrize("key", ["", "dev", "short-key"])
def test_refuses_to_start_in_production_with_a_weak_secret(key, database_url):
    config = app_config(database_url, TESTING=False, DEBUG=False, SECRET_KEY=key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_starts_in_production_with_a_real_secret(database_url):
    app = create_app(app_config(database_url, TESTING=False, SECRET_KEY="x" * 40))
    assert not app.testing


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
