"""The downloaded zip and ``flask course export`` are twins: the same files, byte for byte."""

import io
import zipfile
from datetime import UTC
from datetime import datetime

from app.extensions import db
from app.package.archive import read_tree
from app.package.services import import_package
from app.package.uploads import package_file_name
from app.package.uploads import package_zip
from tests.conftest import DATA_DIR
from tests.conftest import ROOT


def _zip_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_exactly_what_export_writes(course, tmp_path):
    result = course.test_cli_runner().invoke(args=["course", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with course.app_context():
        files = _zip_files(package_zip())
    assert files == read_tree(tmp_path)
    assert files == read_tree(DATA_DIR)  # and export writes the package back as it was imported


def test_the_real_course_round_trips(make_app, tmp_path):
    app = make_app(COURSE_DIR=ROOT / "course", QUIZZES_DIR=ROOT / "quizzes")
    with app.app_context():
        import_package(ROOT / "course", ROOT / "quizzes")
        db.session.commit()
        first, second = package_zip(), package_zip()
    assert first == second
    expected = {
        f"{folder}/{name}": content
        for folder in ("course", "quizzes")
        for name, content in read_tree(ROOT / folder).items()
        if name != "README.md"
    }
    assert _zip_files(first) == expected


def test_the_file_name_carries_the_date():
    assert package_file_name(datetime(2026, 12, 3, 23, 30, tzinfo=UTC)) == "paquet-de-cours-2026-12-03.zip"
