"""Editing readings and modules: preview, drafts, publication, locking, history, diff, restore."""

from sqlalchemy import select

from app.auth.models import Role
from app.authoring.models import Draft
from app.catalogue.models import Reading
from app.catalogue.revisions import Revision
from app.extensions import db
from tests.authoring.conftest import module_id
from tests.authoring.conftest import reading_form
from tests.authoring.conftest import reading_id


def _url(app, slug="premiere"):
    return f"/edition/reading/{reading_id(app, slug)}"


def test_the_editor_opens_with_the_published_fields(app, client, author):
    page = client.get(_url(app)).text
    assert 'value="Première lecture"' in page and 'id="source_first" min="1" name="source_first" required type="number" value="23"' in page
    assert "## Premier titre" in page and "révision publiée : 1" in page


def test_preview_without_javascript_renders_and_sanitises_without_saving(app, client, author):
    body = "## Titre\n\nTexte <script>alert(1)</script> [lien](javascript:alert(1))"
    response = client.post(_url(app), data=reading_form(body=body, preview="Prévisualiser"))
    assert response.status_code == 200
    preview = response.text.split('id="apercu"')[1]
    assert "<h2" in preview and "<script>" not in preview and "javascript:" not in preview
    with app.app_context():
        assert db.session.scalar(select(Draft)) is None


def test_the_live_preview_endpoint_uses_the_same_renderer(client, author):
    response = client.post("/edition/apercu", data={"body": "**gras** <img src=x onerror=alert(1)>"})
    assert response.status_code == 200 and "<strong>gras</strong>" in response.text and "onerror" not in response.text


def test_a_draft_is_invisible_to_learners_until_published(app, client, author, create_user, login):
    assert client.post(_url(app), data=reading_form(save="Enregistrer")).status_code == 303
    learner_client = app.test_client()
    learner = create_user()
    learner_client.post("/connexion", data={"email": learner.email, "password": "motdepasse-de-test"})
    assert "Un texte revu." not in learner_client.get("/cours/bases/premiere").text
    page = client.get(_url(app)).text
    assert "Un texte revu." in page and "brouillon" in page
    assert client.post(_url(app), data=reading_form(version="1", publish="Publier")).status_code == 303
    assert "Un texte revu." in learner_client.get("/cours/bases/premiere").text
    with app.app_context():
        revision = db.session.scalar(select(Revision).where(Revision.kind == "reading", Revision.number == 2))
        assert revision.origin == "edit" and revision.author_id == author.id and "Un texte revu." in revision.source
        assert db.session.scalar(select(Draft)) is None


def test_an_invalid_text_is_refused_with_its_reasons_and_nothing_changes(app, client, author):
    response = client.post(_url(app), data=reading_form(source_first="40", source_last="30", publish="Publier"))
    assert response.status_code == 400 and "source_lines" in response.text
    response = client.post(_url(app), data=reading_form(title="", save="Enregistrer"))
    assert response.status_code == 400 and "Indiquez un titre." in response.text
    with app.app_context():
        assert db.session.scalar(select(Reading.revision).where(Reading.slug == "premiere")) == 1
        assert db.session.scalar(select(Draft)) is None


def test_two_authors_editing_at_once_the_second_save_is_refused_with_both_texts(app, client, author, create_user):
    other = app.test_client()
    other.post("/connexion", data={"email": create_user(roles=Role.AUTHOR).email, "password": "motdepasse-de-test"})
    assert other.post(_url(app), data=reading_form(body="## Premier titre\n\nLe texte de B.", save="Enregistrer")).status_code == 303
    response = client.post(_url(app), data=reading_form(body="## Premier titre\n\nLe texte de A.", save="Enregistrer"))
    assert response.status_code == 409
    assert "Le texte de B." in response.text and "Le texte de A." in response.text
    assert 'name="version" type="hidden" value="1"' in response.text
    with app.app_context():
        assert "Le texte de B." in db.session.scalar(select(Draft.source))
    # sent again from the conflict page, A's text now replaces B's, knowingly
    assert client.post(_url(app), data=reading_form(body="## Premier titre\n\nLe texte de A.", version="1", save="Enregistrer")).status_code == 303
    with app.app_context():
        assert "Le texte de A." in db.session.scalar(select(Draft.source))


def test_publishing_over_a_newer_publication_is_refused(app, client, author, create_user):
    other = app.test_client()
    other.post("/connexion", data={"email": create_user(roles=Role.AUTHOR).email, "password": "motdepasse-de-test"})
    assert other.post(_url(app), data=reading_form(body="## Premier titre\n\nPublié par B.", publish="Publier")).status_code == 303
    response = client.post(_url(app), data=reading_form(body="## Premier titre\n\nPublié par A.", publish="Publier"))
    assert response.status_code == 409 and "Publié par B." in response.text
    with app.app_context():
        assert "Publié par B." in db.session.scalar(select(Reading.source).where(Reading.slug == "premiere"))


def test_discarding_a_draft_keeps_the_published_text(app, client, author):
    client.post(_url(app), data=reading_form(save="Enregistrer"))
    assert client.post(_url(app), data={"discard": "Abandonner"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Draft)) is None


def test_history_shows_a_readable_diff_and_restores_an_old_revision(app, client, author):
    client.post(_url(app), data=reading_form(body="## Premier titre\n\nUne phrase nouvelle.", publish="Publier"))
    history = client.get(f"/edition/reading/{reading_id(app)}/historique").text
    assert "Révision 1 → révision 2" in history
    assert 'class="diff-added"' in history and "Une phrase nouvelle." in history and 'class="diff-removed"' in history
    assert "Alex Auteur" in history and "ligne de commande" in history
    assert client.get(f"/edition/reading/{reading_id(app)}/historique?a=1&b=9").status_code == 404
    assert client.post(f"/edition/reading/{reading_id(app)}/restaurer/1").status_code == 303
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == "premiere"))
        first = db.session.scalar(select(Revision.source).where(Revision.kind == "reading", Revision.object_id == reading.id, Revision.number == 1))
        assert reading.revision == 3 and reading.source == first and "Une phrase nouvelle." not in reading.body_html
        restored = db.session.scalar(select(Revision).where(Revision.kind == "reading", Revision.object_id == reading.id, Revision.number == 3))
        assert (restored.origin, restored.restored_from) == ("restore", 1)


def test_editing_a_module(app, client, author):
    url = f"/edition/module/{module_id(app)}"
    page = client.get(url).text
    assert "Durée estimée du module" in page
    data = {"title": "Les bases revues", "summary": "Un résumé.", "objectives": "Savoir A.\nSavoir B.", "estimated_minutes": "30", "version": "0", "base": "1", "publish": "Publier"}
    assert client.post(url, data=data).status_code == 303
    assert "Les bases revues" in client.get("/cours/").text
    data["objectives"] = "\n".join(f"Objectif {i}." for i in range(9))
    response = client.post(url, data={**data, "base": "2"})
    assert response.status_code == 400 and "objectives" in response.text


def test_a_draft_older_than_the_published_text_is_flagged(app, client, author, create_user):
    client.post(_url(app), data=reading_form(body="## Premier titre\n\nMon brouillon.", save="Enregistrer"))
    with app.app_context():
        from app.authoring.services import find_item
        from app.authoring.services import publish

        item = find_item("reading", reading_id(app))
        publish(item, item.row.source.replace("Un paragraphe avec", "Publié ailleurs. Un paragraphe avec"), version=1, base=1, author_id=None)
        db.session.add(Draft(kind="reading", object_id=item.row.id, source=item.row.source, base_number=1, version=1))
        db.session.commit()
    page = client.get(_url(app)).text
    assert "une nouvelle révision a été publiée depuis le début de ce brouillon" in page
