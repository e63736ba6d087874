"""Creating, ordering and archiving modules and readings; export follows the new order."""

from sqlalchemy import select

from app.auth.models import User
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.models import ReadingProgress
from app.progress.services import complete_reading
from tests.authoring.conftest import module_id
from tests.authoring.conftest import reading_form
from tests.authoring.conftest import reading_id


def _learner_client(app, create_user):
    learner = create_user()
    client = app.test_client()
    client.post("/connexion", data={"email": learner.email, "password": "motdepasse-de-test"})
    return client, learner


def test_a_new_reading_is_hidden_until_published(app, client, author, create_user):
    response = client.post(f"/edition/modules/{module_id(app)}/lectures/nouvelle", data={"slug": "troisieme", "title": "Troisième lecture"})
    assert response.status_code == 303
    learner_client, _learner = _learner_client(app, create_user)
    assert learner_client.get("/cours/bases/troisieme").status_code == 404
    new_id = reading_id(app, "troisieme")
    data = reading_form(title="Troisième lecture", body="## Troisième\n\nDu texte.", base="0", publish="Publier")
    assert client.post(f"/edition/reading/{new_id}", data=data).status_code == 303
    assert "Du texte." in learner_client.get("/cours/bases/troisieme").text
    with app.app_context():
        reading = db.session.get(Reading, new_id)
        assert (reading.filename, reading.position, reading.revision) == ("03-troisieme.md", 3, 1)


def test_a_taken_identifier_is_refused(app, client, author):
    response = client.post(f"/edition/modules/{module_id(app)}/lectures/nouvelle", data={"slug": "premiere", "title": "Doublon"}, follow_redirects=True)
    assert "Une lecture a déjà l&#39;identifiant « premiere »." in response.text
    response = client.post("/edition/modules/nouveau", data={"slug": "Pas Bon", "title": "X"})
    assert response.status_code == 400 and "Minuscules, chiffres et tirets" in response.text


def test_a_new_module_gets_the_next_folder(app, client, author):
    response = client.post("/edition/modules/nouveau", data={"slug": "sante", "title": "Santé"})
    assert response.status_code == 303
    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.slug == "sante"))
        assert (module.dirname, module.is_archived, module.revision) == ("02-sante", True, 0)


def test_moving_a_reading_renames_its_file_and_the_export_follows(app, client, author, tmp_path):
    assert client.post(f"/edition/reading/{reading_id(app)}/deplacer", data={"direction": "down"}).status_code == 303
    with app.app_context():
        order = db.session.execute(select(Reading.slug, Reading.filename).order_by(Reading.position)).all()
    assert order == [("seconde", "01-seconde.md"), ("premiere", "02-premiere.md")]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["course", "export", str(tmp_path)]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "course" / "01-bases").glob("*.md")) == ["01-seconde.md", "02-premiere.md"]
    assert client.post(f"/edition/reading/{reading_id(app)}/deplacer", data={"direction": "down"}).status_code == 303  # already last


def test_archiving_a_reading_hides_it_and_keeps_progress(app, client, author, create_user):
    learner_client, learner = _learner_client(app, create_user)
    with app.app_context():
        complete_reading(db.session.get(User, learner.id), db.session.get(Reading, reading_id(app)))
        db.session.commit()
    assert client.post(f"/edition/reading/{reading_id(app)}/archiver", data={"archived": "1"}).status_code == 303
    assert learner_client.get("/cours/bases/premiere").status_code == 404
    with app.app_context():
        assert db.session.get(ReadingProgress, (learner.id, reading_id(app))).completed_dt is not None
        assert db.session.get(LearnerProgress, learner.id).readings_completed == 0  # the pace counts live items
    assert client.post(f"/edition/reading/{reading_id(app)}/archiver", data={"archived": "0"}).status_code == 303
    assert learner_client.get("/cours/bases/premiere").status_code == 200
    with app.app_context():
        assert db.session.get(LearnerProgress, learner.id).readings_completed == 1


def test_a_never_published_item_cannot_be_brought_back_from_the_archive(app, client, author):
    client.post("/edition/modules/nouveau", data={"slug": "sante", "title": "Santé"})
    with app.app_context():
        new_id = db.session.scalar(select(Module.id).where(Module.slug == "sante"))
    response = client.post(f"/edition/module/{new_id}/archiver", data={"archived": "0"}, follow_redirects=True)
    assert "jamais été publié" in response.text


def test_a_new_module_is_published_once_it_has_a_published_reading(app, client, author):
    client.post("/edition/modules/nouveau", data={"slug": "sante", "title": "Santé"})
    with app.app_context():
        new_id = db.session.scalar(select(Module.id).where(Module.slug == "sante"))
    module_data = {"title": "Santé", "summary": "Le secteur de la santé.", "objectives": "Comprendre.", "estimated_minutes": "20",
                   "version": "0", "base": "0", "publish": "Publier"}
    response = client.post(f"/edition/module/{new_id}", data=module_data)
    assert response.status_code == 400 and "publiez d&#39;abord au moins une lecture de ce module" in response.text
    client.post(f"/edition/modules/{new_id}/lectures/nouvelle", data={"slug": "hopital", "title": "À l'hôpital"})
    reading = reading_id(app, "hopital")
    client.post(f"/edition/reading/{reading}", data=reading_form(title="À l'hôpital", body="## Hôpital\n\nTexte.", base="0", publish="Publier"))
    assert client.post(f"/edition/module/{new_id}", data=module_data).status_code == 303
    with app.app_context():
        module = db.session.get(Module, new_id)
        assert (module.is_archived, module.revision) == (False, 1)


def test_work_on_an_archived_reading_is_still_reported(app, client, author, create_user):
    learner_client, learner = _learner_client(app, create_user)
    with app.app_context():
        complete_reading(db.session.get(User, learner.id), db.session.get(Reading, reading_id(app)))
        db.session.commit()
    client.post(f"/edition/reading/{reading_id(app)}/archiver", data={"archived": "1"})
    page = learner_client.get("/parcours/").text
    assert "Contenus retirés du cours depuis" in page and "Première lecture · lue le" in page
