"""Authors download the package as a zip, upload one, see what it would change, and confirm it."""

import io
import re
import zipfile
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import Role
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.catalogue.revisions import Revision
from app.diagnostic.models import Diagnostic
from app.extensions import db
from app.package.archive import read_tree
from app.package.models import PackageUpload
from app.package.services import import_package
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from tests.conftest import DATA_DIR
from tests.conftest import PASSWORD
from tests.conftest import csrf_token_from

PREMIERE = "course/01-bases/01-premiere.md"


@pytest.fixture
def package_author(client, create_user, login, course):
    """A signed-in author, on the imported test package."""
    user = create_user(roles=Role.AUTHOR, name="Alex Auteur")
    login(user)
    return user


def zip_of(files: dict[str, bytes | str]) -> bytes:
    """Zip ``files`` as an archiver would."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def edited_package(old: str = "Un paragraphe", new: str = "Un paragraphe réécrit", name: str = PREMIERE) -> bytes:
    """The test package as a zip, with one file's text changed."""
    files = read_tree(DATA_DIR)
    text = files[name].decode("utf-8")
    assert old in text
    files[name] = text.replace(old, new).encode("utf-8")
    return zip_of(files)


def upload(client, data: bytes, filename: str = "paquet.zip"):
    """Send a zip through the upload form."""
    return client.post(
        "/edition/paquet/", data={"file": (io.BytesIO(data), filename), "submit": "Vérifier le paquet"}, content_type="multipart/form-data"
    )


def token_of(response) -> str:
    """Return the upload token a successful upload redirects to."""
    assert response.status_code == 303, response.text
    return re.fullmatch(r"/edition/paquet/([\w-]+)", response.headers["Location"]).group(1)


def sign_in_as(client, login, user) -> None:
    """Sign out whoever is signed in, then sign ``user`` in."""
    client.post("/deconnexion")
    assert login(user).status_code == 302


def snapshot(app) -> dict:
    """Row counts and texts of everything an upload could change."""
    with app.app_context():
        counts = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Module, Reading, Quiz, Question, Diagnostic, Revision, PackageUpload)
        }
        sources = {r.slug: (r.source, r.revision, r.is_archived) for r in db.session.scalars(select(Reading))}
        sources |= {f"module {m.slug}": (m.source, m.revision, m.is_archived) for m in db.session.scalars(select(Module))}
        sources |= {f"quiz {q.filename}": (q.source, q.revision, q.is_archived) for q in db.session.scalars(select(Quiz))}
        return {"counts": counts, "sources": sources}


def test_the_page_offers_the_download_and_the_upload(client, package_author):
    page = client.get("/edition/paquet/").text
    assert 'href="/edition/paquet/telechargement"' in page
    assert '<label class="label" for="file">Paquet de cours (fichier .zip)</label>' in page
    assert 'href="/edition/paquet/"' in client.get("/edition/").text


def test_the_download_is_the_package_as_a_dated_zip(app, client, package_author):
    response = client.get("/edition/paquet/telechargement")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert re.fullmatch(r'attachment; filename="paquet-de-cours-\d{4}-\d{2}-\d{2}\.zip"', response.headers["Content-Disposition"])
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == read_tree(DATA_DIR)
    assert client.get("/edition/paquet/telechargement").data == response.data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 pas vraiment une archive", "Le fichier n&#39;est pas une archive zip valide"),
        (zip_of({**read_tree(DATA_DIR), "../evil.md": "# evil"}), "« ../evil.md » : chemin refusé"),
        (zip_of({**read_tree(DATA_DIR), "/tmp/evil.md": "# evil"}), "« /tmp/evil.md » : chemin absolu refusé"),
        (
            zip_of({**read_tree(DATA_DIR), "course/01-bases/03-grosse.md": "a" * (2 * 1024 * 1024 + 1)}),
            "« course/01-bases/03-grosse.md » : 2,0 Mo une fois décompressé ; 2,0 Mo au plus par fichier.",
        ),
        (zip_of({**read_tree(DATA_DIR), **{f"course/01-bases/{n:03d}-x.md": "x" for n in range(500)}}), "505 éléments ; 500 au plus"),
        (zip_of({**read_tree(DATA_DIR), "app/__init__.py": "x"}), "« app/__init__.py » : fichier en dehors de course/ et quizzes/"),
    ],
    ids=["broken", "dot-dot", "absolute", "oversized", "too-many", "outside"],
)
def test_a_bad_archive_is_refused_and_changes_nothing(app, client, package_author, data, message):
    before = snapshot(app)
    response = upload(client, data)
    assert response.status_code == 400
    assert message in response.text
    assert 'role="alert"' in response.text and "rien n'a été modifié" in response.text
    assert snapshot(app) == before


def test_a_file_that_is_not_a_zip_by_name_is_refused(client, package_author):
    response = upload(client, b"email\n", "apprenants.csv")
    assert response.status_code == 400
    assert "Le fichier doit être une archive .zip." in response.text


def test_no_file_is_refused(client, package_author):
    response = client.post("/edition/paquet/", data={"submit": "Vérifier le paquet"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert '<li><a href="#file">Choisissez un fichier.</a></li>' in response.text


def test_an_upload_over_the_request_limit_gets_the_french_413(client, package_author):
    body = (
        b'--limite\r\nContent-Disposition: form-data; name="file"; filename="gros.zip"\r\n\r\n'
        + b"\x00" * (3 * 1024 * 1024)
        + b"\r\n--limite--\r\n"
    )  # raw body: no temporary file to leak
    response = client.post("/edition/paquet/", data=body, content_type="multipart/form-data; boundary=limite")
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.text


def test_content_errors_are_listed_as_course_check_prints_them(app, client, package_author, make_app, package_dir):
    for name, old, new in (
        ("course/01-bases/02-seconde.md", 'title = "Seconde lecture"\n', ""),
        ("quizzes/bases.toml", 'title = "Quiz des bases"', 'title = "Quiz des bases'),
    ):
        path = package_dir / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    checked = (
        make_app(COURSE_DIR=package_dir / "course", QUIZZES_DIR=package_dir / "quizzes").test_cli_runner().invoke(args=["course", "check"])
    )
    assert checked.exit_code == 1
    printed = checked.stderr.splitlines()[1:]  # after "2 erreurs :"
    assert len(printed) == 2 and printed[0].startswith("course/01-bases/02-seconde.md:")
    before = snapshot(app)
    response = upload(client, zip_of(read_tree(package_dir)))
    assert response.status_code == 400
    for line in printed:
        assert f"<li><code>{escape(line)}</code></li>" in response.text
    assert snapshot(app) == before


@pytest.mark.parametrize("name", ["quizzes/bases.toml", PREMIERE, "course/01-bases/module.toml"])
def test_deeply_nested_toml_gives_the_package_error_page(app, client, package_author, make_app, package_dir, name):
    """tomllib recurses into nested arrays: the file is named as invalid, never a 500 or a traceback."""
    path = package_dir / name
    text = path.read_text(encoding="utf-8")
    nested = "a = " + "[" * 100_000 + "\n"
    path.write_text(text.replace("+++\n", "+++\n" + nested, 1) if name.endswith(".md") else nested + text, encoding="utf-8")
    expected = f"{name}: TOML invalide : tableaux ou tables imbriqués trop profondément"
    checked = make_app(COURSE_DIR=package_dir / "course", QUIZZES_DIR=package_dir / "quizzes").test_cli_runner().invoke(args=["course", "check"])
    assert checked.exit_code == 1 and expected in checked.stderr and "Traceback" not in checked.output
    before = snapshot(app)
    response = upload(client, zip_of(read_tree(package_dir)))
    assert response.status_code == 400
    assert f"<li><code>{escape(expected)}</code></li>" in response.text
    assert snapshot(app) == before


def test_a_changed_reading_is_summarised_then_applied_on_confirmation(app, client, package_author):
    before = snapshot(app)
    token = token_of(upload(client, edited_package(), "mon paquet.zip"))
    page = client.get(f"/edition/paquet/{token}").text
    assert "Paquet « mon paquet.zip »" in page
    assert re.search(r'<th scope="row">Première lecture</th><td>lecture</td><td><code>premiere</code></td><td>mis à jour</td>', page)
    assert re.search(r'<th scope="row">Lectures</th><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td>', page)
    after_upload = snapshot(app)
    assert after_upload["sources"] == before["sources"]
    assert after_upload["counts"] == before["counts"] | {"PackageUpload": 1}

    response = client.post(f"/edition/paquet/{token}", data={"submit": "Appliquer ces changements"})
    assert response.status_code == 303 and response.headers["Location"] == "/edition/"
    assert "Paquet appliqué. Créés : 0 ; mis à jour : 1 ; archivés : 0 ; inchangés : 4." in client.get("/edition/").text
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == "premiere"))
        assert "Un paragraphe réécrit" in reading.source and "Un paragraphe réécrit" in reading.body_html
        assert reading.revision == 2
        revision = db.session.scalar(
            select(Revision).where(Revision.kind == "reading", Revision.object_id == reading.id, Revision.number == 2)
        )
        assert revision.source == reading.source
        assert revision.author_id == package_author.id and revision.origin == "upload"
        assert db.session.scalar(select(PackageUpload.applied_dt).where(PackageUpload.token == token)) is not None
    assert snapshot(app)["counts"]["Revision"] == before["counts"]["Revision"] + 1


def test_a_second_confirmation_is_refused(app, client, package_author):
    token = token_of(upload(client, edited_package()))
    assert client.post(f"/edition/paquet/{token}", data={}).status_code == 303
    before = snapshot(app)
    response = client.post(f"/edition/paquet/{token}", data={})
    assert response.status_code == 409
    assert "Ce paquet a déjà été appliqué" in response.text
    assert snapshot(app) == before
    page = client.get(f"/edition/paquet/{token}").text
    assert "Ce paquet a été appliqué le" in page and "Appliquer ces changements" not in page


def test_download_then_upload_changes_nothing(app, client, package_author):
    token = token_of(upload(client, client.get("/edition/paquet/telechargement").data))
    page = client.get(f"/edition/paquet/{token}").text
    assert "Aucun changement : le paquet est identique au contenu publié." in page
    assert re.search(r'<th scope="row">Lectures</th><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td>', page)


def test_a_package_in_an_enclosing_folder_is_accepted(client, package_author):
    files = {f"paquet/{name}": content for name, content in read_tree(DATA_DIR).items()}
    assert upload(client, zip_of(files)).status_code == 303


def test_content_changed_meanwhile_refreshes_the_summary_first(app, client, package_author, package_dir):
    token = token_of(upload(client, edited_package()))
    seconde = package_dir / "course/01-bases/02-seconde.md"
    seconde.write_text(seconde.read_text(encoding="utf-8") + "\nUn ajout publié entre-temps.\n", encoding="utf-8")
    with app.app_context():
        import_package(package_dir / "course", package_dir / "quizzes")
        db.session.commit()
    before = snapshot(app)
    response = client.post(f"/edition/paquet/{token}", data={})
    assert response.status_code == 409
    assert "Le contenu publié a changé depuis l&#39;envoi du paquet" in response.text
    # the upload would now undo the other change too, and the summary says so
    assert re.search(r'<th scope="row">Seconde lecture</th><td>lecture</td><td><code>seconde</code></td><td>mis à jour</td>', response.text)
    assert snapshot(app)["sources"] == before["sources"]
    assert client.post(f"/edition/paquet/{token}", data={}).status_code == 303


def test_unconfirmed_uploads_are_purged_after_a_day(app, client, package_author):
    old = token_of(upload(client, edited_package()))
    applied = token_of(upload(client, edited_package()))
    client.post(f"/edition/paquet/{applied}", data={})
    with app.app_context():
        for row in db.session.scalars(select(PackageUpload)):
            row.created_dt = datetime.now(UTC) - timedelta(days=2)
        db.session.commit()
    assert client.get(f"/edition/paquet/{old}").status_code == 200
    token_of(upload(client, edited_package("Un paragraphe", "Un troisième paragraphe")))
    assert client.get(f"/edition/paquet/{old}").status_code == 404
    assert client.get(f"/edition/paquet/{applied}").status_code == 200


def test_the_page_lists_the_authors_pending_uploads(client, package_author):
    token = token_of(upload(client, edited_package(), "brouillon.zip"))
    page = client.get("/edition/paquet/").text
    assert f'<a href="/edition/paquet/{token}">brouillon.zip</a>' in page


def test_another_authors_upload_is_refused(app, client, package_author, create_user, login):
    token = token_of(upload(client, edited_package()))
    sign_in_as(client, login, create_user(roles=Role.AUTHOR))
    before = snapshot(app)
    assert client.get(f"/edition/paquet/{token}").status_code == 403
    assert client.post(f"/edition/paquet/{token}", data={}).status_code == 403
    assert client.get("/edition/paquet/inconnu").status_code == 404
    assert snapshot(app) == before


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR], ids=["learner", "tutor"])
def test_learners_and_tutors_get_403(app, client, create_user, login, course, role):
    author = create_user(roles=Role.AUTHOR)
    login(author)
    token = token_of(upload(client, edited_package()))
    sign_in_as(client, login, create_user(roles=role))
    before = snapshot(app)
    for url in ("/edition/paquet/", "/edition/paquet/telechargement", f"/edition/paquet/{token}"):
        assert client.get(url).status_code == 403, url
    assert upload(client, edited_package()).status_code == 403
    assert client.post(f"/edition/paquet/{token}", data={}).status_code == 403
    assert snapshot(app) == before


def test_confirmation_needs_the_csrf_token(make_app, create_user, course):
    app = make_app(WTF_CSRF_ENABLED=True)  # on the same database as ``course``
    author = create_user(roles=Role.AUTHOR)
    client = app.test_client()
    token = csrf_token_from(client.get("/connexion").text)
    client.post("/connexion", data={"email": author.email, "password": PASSWORD, "csrf_token": token})
    page = client.get("/edition/paquet/").text
    response = client.post(
        "/edition/paquet/",
        data={"file": (io.BytesIO(edited_package()), "p.zip"), "csrf_token": csrf_token_from(page)},
        content_type="multipart/form-data",
    )
    upload_token = token_of(response)
    assert client.post(f"/edition/paquet/{upload_token}", data={}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(PackageUpload.applied_dt).where(PackageUpload.token == upload_token)) is None
    page = client.get(f"/edition/paquet/{upload_token}").text
    assert client.post(f"/edition/paquet/{upload_token}", data={"csrf_token": csrf_token_from(page)}).status_code == 303
