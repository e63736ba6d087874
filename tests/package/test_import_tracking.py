"""``flask course import`` never overwrites, unasked, what authors changed in the database since the last import."""

import threading
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.authoring.services import find_item
from app.authoring.services import publish
from app.authoring.services import restore
from app.authoring.structure import move
from app.authoring.structure import set_archived
from app.catalogue.models import CourseState
from app.catalogue.models import Reading
from app.extensions import db
from app.package import services
from app.package import uploads
from app.package.archive import read_tree
from app.package.models import ImportedItem
from app.package.models import PackageUpload
from app.package.uploads import UploadRefused
from app.package.uploads import apply_upload
from app.package.uploads import stage_upload
from app.quizzes.models import Quiz
from tests import process_runner
from tests.authoring.test_package_pages import zip_of

PREMIERE = "course/01-bases/01-premiere.md"


def _import(app, *args):
    return app.test_cli_runner().invoke(args=["course", "import", *args])


def _imported(app):
    result = _import(app)
    assert result.exit_code == 0, result.output
    return result.output


def _source(app, model, **where):
    with app.app_context():
        return db.session.scalar(select(model.source).filter_by(**where))


def _publish_reading(app, author_id, slug="premiere", old="Un paragraphe", new="Un paragraphe publié dans le navigateur"):
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == slug))
        item = find_item("reading", reading.id)
        publish(item, reading.source.replace(old, new), version=0, base=reading.revision, author_id=author_id)
        db.session.commit()


def _edit_file(package_dir, name, old, new):
    path = package_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def author(package_app, create_user):
    _imported(package_app)
    return create_user(roles=Role.AUTHOR, name="Alex Auteur")


def test_an_import_right_after_an_import_proceeds(package_app, package_dir):
    _imported(package_app)
    _edit_file(package_dir, PREMIERE, "Un paragraphe", "Un paragraphe du dépôt")
    assert "mis à jour : 1" in _imported(package_app)
    assert "Un paragraphe du dépôt" in _source(package_app, Reading, slug="premiere")


def test_a_browser_publication_is_listed_and_nothing_changes(package_app, package_dir, author):
    _publish_reading(package_app, author.id)
    _edit_file(package_dir, "course/01-bases/02-seconde.md", "Un", "Une version du dépôt :")  # would change too
    seconde = _source(package_app, Reading, slug="seconde")
    result = _import(package_app)
    assert result.exit_code == 1
    assert "Import refusé, rien n'a été modifié" in result.output and "--force" in result.output
    assert ("lecture premiere « Première lecture » : remplacement par la version du paquet ; dernière modification : "
            "publication dans le navigateur par Alex Auteur le 20") in result.output
    assert "seconde" not in result.output  # unchanged since the import: no warning for it
    assert "Un paragraphe publié dans le navigateur" in _source(package_app, Reading, slug="premiere")
    assert _source(package_app, Reading, slug="seconde") == seconde  # all or nothing


def test_with_force_it_overwrites(package_app, author):
    _publish_reading(package_app, author.id)
    result = _import(package_app, "--force")
    assert result.exit_code == 0, result.output
    assert "mis à jour : 1" in result.output
    assert "publié dans le navigateur" not in _source(package_app, Reading, slug="premiere")
    assert "Import terminé" in _imported(package_app)  # and that import is the new reference


def test_a_publication_the_package_already_holds_is_not_an_overwrite(package_app, package_dir, author):
    _publish_reading(package_app, author.id)
    _edit_file(package_dir, PREMIERE, "Un paragraphe", "Un paragraphe publié dans le navigateur")  # exported, committed
    assert "mis à jour : 0" in _imported(package_app)
    _edit_file(package_dir, PREMIERE, "publié dans le navigateur", "du dépôt")
    assert "mis à jour : 1" in _imported(package_app)  # the package is the reference again


def test_a_restore_counts(package_app, package_dir, author):
    _edit_file(package_dir, PREMIERE, "Un paragraphe", "Un paragraphe du dépôt")
    _imported(package_app)
    with package_app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == "premiere"))
        restore(find_item("reading", reading.id), 1, author_id=author.id)
        db.session.commit()
    result = _import(package_app)
    assert result.exit_code == 1
    assert ("lecture premiere « Première lecture » : remplacement par la version du paquet ; dernière modification : "
            "restauration depuis l'historique par Alex Auteur le 20") in result.output
    assert "Un paragraphe du dépôt" not in _source(package_app, Reading, slug="premiere")


def test_a_package_upload_counts(package_app, package_dir, author):
    files = read_tree(package_dir)
    files[PREMIERE] = files[PREMIERE].decode("utf-8").replace("Un paragraphe", "Un paragraphe envoyé").encode("utf-8")
    with package_app.app_context():
        apply_upload(stage_upload(author.id, "paquet.zip", zip_of(files)))
        db.session.commit()
    result = _import(package_app)
    assert result.exit_code == 1
    assert ("lecture premiere « Première lecture » : remplacement par la version du paquet ; dernière modification : "
            "paquet envoyé dans le navigateur par Alex Auteur le 20") in result.output
    assert "Un paragraphe envoyé" in _source(package_app, Reading, slug="premiere")


def test_a_reading_added_by_an_upload_would_be_archived(package_app, package_dir, author):
    files = read_tree(package_dir)
    files["course/01-bases/03-troisieme.md"] = files[PREMIERE].decode("utf-8").replace("slug = \"premiere\"", "slug = \"troisieme\"").encode("utf-8")
    with package_app.app_context():
        apply_upload(stage_upload(author.id, "paquet.zip", zip_of(files)))
        db.session.commit()
    result = _import(package_app)
    assert result.exit_code == 1
    assert ("lecture troisieme « Première lecture » : archivage (absent du paquet) ; dernière modification : "
            "paquet envoyé dans le navigateur par Alex Auteur") in result.output
    with package_app.app_context():
        assert db.session.scalar(select(Reading.is_archived).where(Reading.slug == "troisieme")) is False


def test_moves_and_archiving_in_the_browser_count(package_app, author):
    with package_app.app_context():
        move(db.session.scalar(select(Reading).where(Reading.slug == "seconde")), "up")
        db.session.commit()
    result = _import(package_app)
    assert result.exit_code == 1
    assert ("lecture seconde « Seconde lecture » : retour à la place qu'il a dans le paquet ; dernière modification : "
            "déplacement, archivage ou création dans le navigateur") in result.output
    _import(package_app, "--force")
    with package_app.app_context():
        set_archived(db.session.scalar(select(Reading).where(Reading.slug == "seconde")), True)
        db.session.commit()
    assert "lecture seconde « Seconde lecture » : remplacement par la version du paquet ; dernière modification : déplacement" in _import(package_app).output


def test_a_database_without_records_judges_from_the_revisions(package_app, package_dir, author):
    """A database older than the record: no digests, the latest revision's origin decides."""
    with package_app.app_context():
        db.session.execute(ImportedItem.__table__.delete())
        db.session.commit()
    _edit_file(package_dir, "course/01-bases/02-seconde.md", "Un", "Une version du dépôt :")
    assert "mis à jour : 1" in _imported(package_app)
    _publish_reading(package_app, author.id)
    with package_app.app_context():
        db.session.execute(ImportedItem.__table__.delete())
        db.session.commit()
    assert "lecture premiere" in _import(package_app).output


def test_a_quiz_published_in_the_browser_counts(package_app, author):
    with package_app.app_context():
        quiz = db.session.scalar(select(Quiz))
        publish(find_item("quiz", quiz.id), quiz.source + "\n# Une note de l'auteur.\n", version=0, base=quiz.revision, author_id=author.id)
        db.session.commit()
    result = _import(package_app)
    assert result.exit_code == 1 and "quiz bases" in result.output


def test_a_publication_during_the_import_undoes_it(package_app, author, monkeypatch):
    """An author who publishes while the import runs is never overwritten: the import's last
    statement checks the course stamp it read first, and the import is rolled back."""
    original = services.sync_modules

    def publish_meanwhile(*args, **kwargs):
        worker = threading.Thread(target=_publish_reading, args=(package_app, author.id))
        worker.start()
        worker.join()
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "sync_modules", publish_meanwhile)
    result = _import(package_app, "--force")
    assert result.exit_code == 1
    assert "le cours a changé pendant l'import" in result.output
    assert "Un paragraphe publié dans le navigateur" in _source(package_app, Reading, slug="premiere")


def test_a_publication_while_an_upload_is_applied_undoes_the_upload(package_app, package_dir, author, monkeypatch):
    files = read_tree(package_dir)
    files[PREMIERE] = files[PREMIERE].decode("utf-8").replace("Un paragraphe", "Un paragraphe envoyé").encode("utf-8")
    with package_app.app_context():
        token = stage_upload(author.id, "paquet.zip", zip_of(files)).token
        db.session.commit()
    original = uploads._check_still_current

    def publish_after_the_check(*args):
        original(*args)
        worker = threading.Thread(target=_publish_reading, args=(package_app, author.id))
        worker.start()
        worker.join()

    monkeypatch.setattr(uploads, "_check_still_current", publish_after_the_check)
    with package_app.app_context():
        upload = db.session.scalar(select(PackageUpload).where(PackageUpload.token == token))
        with pytest.raises(UploadRefused, match="a changé pendant l'application du paquet"):
            apply_upload(upload)
        db.session.commit()
        assert db.session.scalar(select(PackageUpload.applied_dt).where(PackageUpload.token == token)) is None
    assert "Un paragraphe publié dans le navigateur" in _source(package_app, Reading, slug="premiere")


def test_an_import_that_changes_nothing_keeps_the_course_stamp(package_app, package_dir):
    _imported(package_app)
    stamp = _source_stamp(package_app)
    assert "Créés : 0 ; mis à jour : 0 ; archivés : 0" in _imported(package_app)
    assert _source_stamp(package_app) == stamp
    _edit_file(package_dir, PREMIERE, "Un paragraphe", "Un autre paragraphe")
    _imported(package_app)
    assert _source_stamp(package_app) != stamp


def _source_stamp(app):
    with app.app_context():
        return db.session.scalar(select(CourseState.stamp))


def test_two_imports_at_once_write_one_revision(package_app, package_dir, database_url):
    """Both decide from the same state; the stamp each read first lets only one write."""
    _imported(package_app)
    _edit_file(package_dir, PREMIERE, "Un paragraphe", "Un paragraphe du dépôt")
    config = {"COURSE_DIR": str(package_dir / "course"), "QUIZZES_DIR": str(package_dir / "quizzes")}
    runs = [process_runner.start(database_url, datetime(2026, 12, 2, 9, 0, tzinfo=UTC), "course", "import", config=config) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all("Traceback" not in err for _, err in outputs), outputs
    assert sorted(run.returncode for run in runs) in ([0, 0], [0, 1]), outputs
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert ("Import terminé" in out) if run.returncode == 0 else ("le cours a changé pendant l'import" in out + err), (out, err)
    with package_app.app_context():
        assert db.session.scalar(select(Reading.revision).where(Reading.slug == "premiere")) == 2
