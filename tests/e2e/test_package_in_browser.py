"""The demo author downloads the course package, uploads a modified zip, reads the summary and confirms it."""

import io
import re
import zipfile

from playwright.sync_api import expect

from tests.e2e.conftest import AUTHOR
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in

READING = "course/01-introduction/01-pourquoi-ce-cours.md"
OLD, NEW = "n'est pas réservée aux équipes techniques", "n'est pas l'affaire des seules équipes techniques"
UPLOAD_LABEL = "Paquet de cours (fichier .zip)"


def _modified(zip_bytes: bytes) -> bytes:
    """The same package with one sentence of one reading rewritten."""
    source, target = zipfile.ZipFile(io.BytesIO(zip_bytes)), io.BytesIO()
    with source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == READING:
                assert OLD.encode() in content
                content = content.replace(OLD.encode(), NEW.encode())
            archive.writestr(name, content)
    return target.getvalue()


def test_author_moves_the_package_out_and_back_in(page, tmp_path):
    sign_in(page, AUTHOR)
    page.goto("/edition/")
    page.get_by_role("link", name=re.compile("^Paquet de cours")).click()
    expect(page.get_by_role("heading", level=1, name="Paquet de cours")).to_be_visible()
    axe_check(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le paquet (zip)").click()
    download = download_info.value
    assert re.fullmatch(r"paquet-de-cours-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    downloaded = tmp_path / download.suggested_filename
    download.save_as(downloaded)
    with zipfile.ZipFile(downloaded) as archive:
        assert READING in archive.namelist() and "quizzes/self-diagnostic.toml" in archive.namelist()

    broken = tmp_path / "abime.zip"
    broken.write_bytes(downloaded.read_bytes()[:1000])
    page.get_by_label(UPLOAD_LABEL).set_input_files(str(broken))
    page.get_by_role("button", name="Vérifier le paquet").click()
    expect(page.get_by_role("alert")).to_contain_text("n'est pas une archive zip valide")
    axe_check(page)

    modified = tmp_path / "paquet-modifie.zip"
    modified.write_bytes(_modified(downloaded.read_bytes()))
    page.get_by_label(UPLOAD_LABEL).set_input_files(str(modified))
    page.get_by_role("button", name="Vérifier le paquet").click()
    expect(page).to_have_url(re.compile(r"/edition/paquet/[\w-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Paquet « paquet-modifie.zip »")
    changed = page.get_by_role("table", name="1 fichier changé")
    expect(changed.get_by_role("row", name=re.compile("Pourquoi ce cours"))).to_contain_text("mis à jour")
    axe_check(page)

    page.get_by_role("button", name="Appliquer ces changements").click()
    expect(page).to_have_url(re.compile(r"/edition/$"))
    expect(page.get_by_text("Paquet appliqué. Créés : 0 ; mis à jour : 1")).to_be_visible()
    axe_check(page)
    page.goto("/cours/introduction/pourquoi-ce-cours")
    expect(page.get_by_text(NEW)).to_be_visible()
