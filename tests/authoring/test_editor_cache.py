"""The editor page is cached per text version: what another author saves, publishes or discards shows
on the next view; the preview is rendered once per text."""

from app.auth.models import Role
from app.markdown import _preview
from tests.authoring.conftest import module_id
from tests.authoring.conftest import reading_form
from tests.authoring.conftest import reading_id


def _url(app) -> str:
    return f"/edition/reading/{reading_id(app)}"


def _other_author(app, create_user):
    other = app.test_client()
    other.post("/connexion", data={"email": create_user(roles=Role.AUTHOR, name="Bea Autrice").email, "password": "motdepasse-de-test"})
    return other


def test_a_draft_saved_by_another_author_shows_on_the_next_view(app, client, author, create_user):
    assert "Un texte revu." not in client.get(_url(app)).text
    other = _other_author(app, create_user)
    assert other.post(_url(app), data=reading_form(save="Enregistrer")).status_code == 303
    page = client.get(_url(app)).text
    assert "Un texte revu." in page and 'name="version" type="hidden" value="1"' in page


def test_a_second_save_of_the_draft_shows_too(app, client, author, create_user):
    other = _other_author(app, create_user)
    other.post(_url(app), data=reading_form(body="## Premier titre\n\nPremière version.", save="Enregistrer"))
    assert "Première version." in client.get(_url(app)).text
    other.post(_url(app), data=reading_form(body="## Premier titre\n\nDeuxième version.", version="1", save="Enregistrer"))
    assert "Deuxième version." in client.get(_url(app)).text


def test_a_publication_and_a_discard_by_another_author_show(app, client, author, create_user):
    other = _other_author(app, create_user)
    other.post(_url(app), data=reading_form(body="## Premier titre\n\nPublié par B.", publish="Publier"))
    assert "Publié par B." in client.get(_url(app)).text
    other.post(_url(app), data=reading_form(body="## Premier titre\n\nBrouillon de B.", base="2", save="Enregistrer"))
    assert "Brouillon de B." in client.get(_url(app)).text
    other.post(_url(app), data={"discard": "Abandonner"})
    page = client.get(_url(app)).text
    assert "Brouillon de B." not in page and "Publié par B." in page


def test_a_renamed_module_shows_in_the_reading_editor(app, client, author, create_user):
    assert "Les bases" in client.get(_url(app)).text
    other = _other_author(app, create_user)
    module = f"/edition/module/{module_id(app)}"
    data = {"title": "Les bases revues", "summary": "Un résumé.", "objectives": "Savoir A.", "estimated_minutes": "30", "version": "0", "base": "1", "publish": "Publier"}
    assert other.post(module, data=data).status_code == 303
    assert "Les bases revues" in client.get(_url(app)).text


def test_the_preview_is_rendered_once_per_text_and_language(app, client, author):
    _preview.cache_clear()
    client.get(_url(app))
    client.post(_url(app), data=reading_form(preview="Prévisualiser"))
    client.post(_url(app), data=reading_form(preview="Prévisualiser"))
    info = _preview.cache_info()
    assert info.hits >= 1 and info.misses == 2  # the published text, then the form's text once


def test_a_refused_preview_speaks_the_authors_language(app, client, author):
    body = "x" * 300_000  # beyond the length any reading may have
    french = client.post(_url(app), data=reading_form(body=body, preview="Prévisualiser")).text
    client.post("/langue", data={"lang": "en", "next": _url(app)})
    english = client.post(_url(app), data=reading_form(body=body, preview="Prévisualiser")).text
    assert 'class="flash flash-error" role="alert"' in french and 'class="flash flash-error" role="alert"' in english
    assert french != english
