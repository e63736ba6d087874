"""French by default; the English catalogue is shipped and complete."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
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


def _messages_in_source() -> set[str]:
    """Extract every translatable string from the code and templates, as pybabel does."""
    method_map = [("app/**.py", "python"), ("app/**/templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT, method_map, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_english_catalogue_is_up_to_date_with_the_source():
    with Path(CATALOGUE).open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    missing = sorted(_messages_in_source() - translated)
    assert not missing, f"run pybabel extract/update and translate: {missing[:10]}"


def test_english_catalogue_translates_every_message():
    with Path(CATALOGUE).open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not untranslated, untranslated[:10]
    assert len(catalog) > 100
