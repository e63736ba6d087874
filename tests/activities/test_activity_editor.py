"""Authors edit an activity in the browser like a reading: preview, draft, publication, history,
and the package exported afterwards still reads back."""

import tomllib

from sqlalchemy import select

from app.activities.loader import parse_activity
from app.activities.models import Activity
from app.auth.models import Role
from app.catalogue.revisions import Revision
from app.extensions import db
from app.package.services import export_package


def _form(**changes) -> dict:
    data = {
        "title": "Mise en pratique revue", "estimated_minutes": "25", "source_first": "10", "source_last": "20", "accepts_file": "y",
        "brief": "### Ce que vous faites\n\nDécrivez **une** tâche.", "criteria": "La tâche est réelle.\nLa réponse dit pourquoi.",
        "version": "0", "base": "1",
    }
    return {**data, **changes}


def _url(app):
    with app.app_context():
        return f"/edition/activity/{db.session.scalar(select(Activity.id))}"


def _author(client, login, create_user):
    client.post("/deconnexion")
    login(create_user(roles=Role.AUTHOR, name="Alex Auteur"))


def test_the_editor_opens_with_the_published_fields_and_previews_the_brief(app, client, login, create_user, course_with_activity):
    _author(client, login, create_user)
    page = client.get(_url(app)).text
    assert 'value="Mise en pratique"' in page and "La tâche vient du travail de l&#39;apprenant." in page
    preview = client.post(_url(app), data=_form(preview="Prévisualiser")).text.split('id="apercu"')[1]
    assert "<strong>une</strong>" in preview


def test_a_publication_makes_a_revision_learners_see_and_the_export_reads_back(app, client, login, create_user, course_with_activity, tmp_path):
    _author(client, login, create_user)
    assert client.post(_url(app), data=_form(publish="Publier")).status_code == 303
    with app.app_context():
        activity = db.session.scalar(select(Activity))
        assert (activity.revision, activity.title, activity.criteria) == (2, "Mise en pratique revue", ["La tâche est réelle.", "La réponse dit pourquoi."])
        assert db.session.scalar(select(Revision.origin).where(Revision.kind == "activity", Revision.number == 2)) == "edit"
        export_package(tmp_path)
    exported = (tmp_path / "course" / "01-bases" / "03-activite.toml").read_text(encoding="utf-8")
    assert '"""\n### Ce que vous faites' in exported, "the brief stays readable in the file"
    spec, errors = parse_activity(exported, "03-activite.toml", "01-bases", 3, "03-activite.toml")
    assert errors == [] and spec.brief.startswith("### Ce que vous faites") and tomllib.loads(exported)["accepts_file"] is True
    assert "Historique" in client.get("/edition/").text and "Mise en pratique revue" in client.get(_url(app) + "/historique").text
    client.post("/deconnexion")
    login(create_user())
    assert "Décrivez <strong>une</strong> tâche." in client.get("/cours/bases/activites/mise-en-pratique").text


def test_a_bad_activity_is_refused_with_its_reason_and_nothing_changes(app, client, login, create_user, course_with_activity):
    _author(client, login, create_user)
    response = client.post(_url(app), data=_form(criteria="Un seul critère.", publish="Publier"))
    assert response.status_code == 400 and "criteria doit compter entre 2 et 6" in response.text
    response = client.post(_url(app), data=_form(brief="## Trop haut", publish="Publier"))
    assert response.status_code == 400 and "titre trop haut ici" in response.text
    with app.app_context():
        assert db.session.scalar(select(Activity.revision)) == 1
