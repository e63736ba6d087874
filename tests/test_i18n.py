"""French by default; the English catalogue is shipped and complete."""

from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import ROOT

CATALOGUE = ROOT / "app/translations/en/LC_MESSAGES/messages.po"


def test_interface_is_french_by_default(client):
    page = client.get("/connexion").text
    assert '<html lang="fr">' in page and "Mot de passe" in page


def test_english_can_be_chosen(client):
    response = client.post("/langue", data={"lang": "en", "next": "/connexion"})
    assert response.headers["Location"] == "/connexion"
    page = client.get("/connexion").text
    assert '<html lang="en">' in page
    assert "Password" in page and "Mot de passe" not in page


def test_unknown_language_is_ignored(client):
    client.post("/langue", data={"lang": "xx", "next": "https://evil.example"})
    assert '<html lang="fr">' in client.get("/connexion").text


def test_english_catalogue_translates_every_message():
    with Path(CATALOGUE).open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not untranslated, untranslated[:10]
    assert len(catalog) > 100
