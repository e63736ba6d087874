"""The package as a zip: reproducible when written, checked member by member when read."""

import io
import random
import stat
import struct
import warnings
import zipfile

import pytest
from flask import session

from app.package.archive import DEFAULT_LIMITS
from app.package.archive import FIXED_DATE
from app.package.archive import ArchiveRefused
from app.package.archive import Limits
from app.package.archive import build_zip
from app.package.archive import copy_limited
from app.package.archive import extract_package
from app.package.archive import read_tree
from tests.babel_marks import mark_translations
from tests.conftest import DATA_DIR

MB = 1024 * 1024


def package_files() -> dict[str, bytes]:
    """Return the test package's files (``tests/data``: ``course/`` and ``quizzes/``)."""
    return read_tree(DATA_DIR)


def zip_of(files: dict[str, bytes | str], infos: list[zipfile.ZipInfo] = ()) -> bytes:
    """Zip ``files`` as an ordinary archiver would, plus hand-made entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for info in infos:
            archive.writestr(info, b"x")
    return buffer.getvalue()


def refusal(data: bytes, tmp_path, limits: Limits = DEFAULT_LIMITS, checked_first: bool = True) -> str:
    """Extract ``data``, expect a refusal; return its messages.

    :param checked_first: the problem is found before extracting, so nothing may have been written.
    """
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(ArchiveRefused) as caught:
        extract_package(data, target, limits)
    if checked_first:
        assert list(target.iterdir()) == []
    return " ".join(caught.value.messages)


def test_the_same_files_give_the_same_bytes():
    files = package_files()
    shuffled = dict(reversed(list(files.items())))
    assert build_zip(files) == build_zip(shuffled)
    with zipfile.ZipFile(io.BytesIO(build_zip(files))) as archive:
        assert archive.namelist() == sorted(files)
        assert {info.date_time for info in archive.infolist()} == {FIXED_DATE}
        assert {stat.S_IMODE(info.external_attr >> 16) for info in archive.infolist()} == {0o644}
        assert {name: archive.read(name) for name in archive.namelist()} == files


def test_a_package_zip_extracts_to_the_same_files(tmp_path):
    extract_package(build_zip(package_files()), tmp_path)
    assert read_tree(tmp_path) == package_files()


def test_readmes_and_archiver_leftovers_are_ignored(tmp_path):
    files = {
        **package_files(),
        "README.md": "# Paquet",
        "course/README.md": "x",
        "quizzes/README.md": "x",
        "__MACOSX/course/._module.toml": b"\x00",
        "course/.DS_Store": b"\x00",
        "course/": b"",
    }
    extract_package(zip_of(files), tmp_path)
    assert read_tree(tmp_path) == package_files()


def test_a_single_enclosing_folder_is_the_same_package(tmp_path):
    files = {f"mon-paquet/{name}": content for name, content in package_files().items()}
    extract_package(zip_of({"mon-paquet/": b"", **files, "__MACOSX/mon-paquet/._course": b"\x00"}), tmp_path)
    assert read_tree(tmp_path) == package_files()


@pytest.mark.parametrize("data", [b"", b"ceci n'est pas une archive", b"PK\x03\x04" + b"\x00" * 40], ids=["empty", "text", "header-only"])
def test_a_file_that_is_not_a_zip_is_refused(tmp_path, data):
    assert "n'est pas une archive zip valide" in refusal(data, tmp_path)


def test_a_truncated_zip_is_refused(tmp_path):
    data = build_zip(package_files())
    assert "n'est pas une archive zip valide" in refusal(data[: len(data) // 2], tmp_path)


def test_a_damaged_member_is_refused(tmp_path):
    data = bytearray(build_zip({"course/01-bases/module.toml": random.Random(1).randbytes(5000), "quizzes/bases.toml": b"b"}))
    start = data.index(b"module.toml") + len("module.toml")
    data[start + 1000 : start + 1010] = b"\xff" * 10  # inside the compressed data
    assert "« course/01-bases/module.toml » : fichier abîmé" in refusal(bytes(data), tmp_path, checked_first=False)


@pytest.mark.parametrize(
    "name",
    [
        "../evil.md",
        "course/../../evil.md",
        "course/01-bases/../../../evil.md",
        "/etc/evil.md",
        "C:/evil.md",
        "c:evil.md",
        "course\\01-bases\\evil.md",
        "..\\evil.md",
        "course//evil.md",
        "course/./evil.md",
    ],
)
def test_paths_leaving_the_package_are_refused(tmp_path, name):
    message = refusal(zip_of({**package_files(), name: "# evil"}), tmp_path)
    assert f"« {name} »" in message and "les chemins doivent rester dans le paquet" in message
    assert not (tmp_path / "evil.md").exists()


def test_a_symbolic_link_is_refused(tmp_path):
    link = zipfile.ZipInfo("course/01-bases/03-lien.md")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert "« course/01-bases/03-lien.md » : lien symbolique" in refusal(zip_of(package_files(), [link]), tmp_path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("notes.txt", "fichier en dehors de course/ et quizzes/"),
        ("app/evil.py", "fichier en dehors de course/ et quizzes/"),
        ("course/01-bases/image.png", "fichier inattendu"),
        ("course/module.toml", "fichier inattendu"),
        ("course/01-bases/annexes/01-x.md", "fichier inattendu"),
        ("quizzes/bases.json", "fichier inattendu"),
    ],
)
def test_files_outside_the_package_layout_are_refused(tmp_path, name, message):
    assert f"« {name} » : {message}" in refusal(zip_of({**package_files(), name: "x"}), tmp_path)


def test_both_folders_are_needed(tmp_path):
    files = {name: content for name, content in package_files().items() if name.startswith("course/")}
    assert "aucun fichier dans quizzes/" in refusal(zip_of(files), tmp_path)


def test_a_name_twice_is_refused(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate it writes
        data = zip_of({**package_files()}, [zipfile.ZipInfo("quizzes/bases.toml")])
    assert "« quizzes/bases.toml » : présent deux fois" in refusal(data, tmp_path)


def test_too_many_members_are_refused(tmp_path):
    files = {**package_files(), **{f"course/01-bases/{n:03d}-x.md": "x" for n in range(500)}}
    assert "au plus sont acceptés" in refusal(zip_of(files), tmp_path)


def test_a_member_declared_too_large_is_refused_before_extraction(tmp_path):
    files = {**package_files(), "course/01-bases/03-grosse.md": b"a" * (2 * MB + 1)}
    data = zip_of(files)
    assert len(data) < 100_000  # small to upload, large once inflated
    assert "« course/01-bases/03-grosse.md » : 2,0 Mo une fois décompressé ; 2,0 Mo au plus par fichier." in refusal(data, tmp_path)


def test_refusals_are_said_in_the_language_of_the_request(app, tmp_path, monkeypatch):
    """Messages and sizes go through Flask-Babel: an English session gets « 2.0 », not « 2,0 »."""
    mark_translations(monkeypatch)
    data = zip_of({**package_files(), "course/01-bases/03-grosse.md": b"a" * (2 * MB + 1)})
    with app.test_request_context():
        session["lang"] = "en"
        message = refusal(data, tmp_path)
    assert "<en>« course/01-bases/03-grosse.md » : <en>2.0 Mo une fois décompressé ; <en>2.0 Mo au plus par fichier." in message


def test_a_package_declared_too_large_is_refused(tmp_path):
    message = refusal(build_zip(package_files()), tmp_path, Limits(total_bytes=1000))
    assert "une fois décompressé ; 1 Ko au plus." in message


def test_a_member_larger_than_declared_is_refused(tmp_path):
    """A zip bomb lies about its sizes: the bytes are counted (and checked) while extracting."""
    data = bytearray(zip_of({"course/01-bases/module.toml": b"a" * (3 * MB), "quizzes/bases.toml": b"b"}))
    entry = data.index(b"PK\x01\x02")  # the central directory, where readers take the sizes from
    data[entry + 24 : entry + 28] = struct.pack("<I", 100)  # declared: 100 bytes once inflated
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo("course/01-bases/module.toml").file_size == 100
    assert "« course/01-bases/module.toml » : fichier abîmé" in refusal(bytes(data), tmp_path, checked_first=False)


def test_copying_stops_at_the_limit():
    target = io.BytesIO()
    with pytest.raises(ArchiveRefused, match="plus gros une fois décompressé que la limite"):
        copy_limited(io.BytesIO(b"a" * 200_000), target, 100_000, "course/x.md")
    assert len(target.getvalue()) <= 100_000
    assert copy_limited(io.BytesIO(b"a" * 10), io.BytesIO(), 10, "course/x.md") == 10
