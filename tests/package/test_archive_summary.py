"""The summary shown before an upload is applied predicts what the import then does, and writes nothing."""

import io
import shutil
import zipfile

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.catalogue.models import Reading
from app.catalogue.revisions import Revision
from app.extensions import db
from app.package.services import import_package
from app.package.uploads import package_zip
from app.package.uploads import summary_against_live
from app.package.uploads import valid_package
from tests.conftest import DATA_DIR

#: How the import's report names each kind of item.
REPORT_PREFIX = {"module": "module", "reading": "lecture", "quiz": "quiz"}


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def nothing(pkg):
    pass


def reading_changed(pkg):
    _edit(pkg / "course/01-bases/01-premiere.md", "Un paragraphe", "Un paragraphe revu")


def reading_removed(pkg):
    (pkg / "course/01-bases/02-seconde.md").unlink()
    _edit(pkg / "quizzes/bases.toml", 'reading = "seconde"', 'reading = "premiere"')


def reading_added(pkg):
    text = (pkg / "course/01-bases/02-seconde.md").read_text(encoding="utf-8")
    (pkg / "course/01-bases/03-troisieme.md").write_text(text.replace('slug = "seconde"', 'slug = "troisieme"'), encoding="utf-8")


def module_renamed(pkg):
    (pkg / "course/01-bases").rename(pkg / "course/02-bases")


def reading_renumbered(pkg):
    (pkg / "course/01-bases/02-seconde.md").rename(pkg / "course/01-bases/05-seconde.md")


def quiz_and_diagnostic_changed(pkg):
    _edit(pkg / "quizzes/bases.toml", 'title = "Quiz des bases"', 'title = "Quiz des bases, revu"')
    text = (pkg / "quizzes/self-diagnostic.toml").read_text(encoding="utf-8")
    (pkg / "quizzes/self-diagnostic.toml").write_text(text + "\n", encoding="utf-8")


SCENARIOS = [nothing, reading_changed, reading_removed, reading_added, module_renamed, reading_renumbered, quiz_and_diagnostic_changed]


def _labels(summary, change):
    return sorted(
        f"{REPORT_PREFIX[c['kind']]} {c['key']}" if c["kind"] != "diagnostic" else "autodiagnostic"
        for c in summary["changes"]
        if c["change"] == change
    )


def _unchanged(summary):
    return sum(counts["unchanged"] + counts["moved"] for counts in summary["counts"].values())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_the_summary_is_what_the_import_does(package_app, package_dir, scenario):
    dirs = (package_dir / "course", package_dir / "quizzes")
    with package_app.app_context():
        import_package(*dirs)
        db.session.commit()
        scenario(package_dir)
        summary = summary_against_live(valid_package(*dirs))
        report = import_package(*dirs)
        db.session.rollback()
    assert _labels(summary, "created") == sorted(report.created)
    assert _labels(summary, "updated") == sorted(report.updated)
    assert _labels(summary, "archived") == sorted(report.archived)
    assert _unchanged(summary) == report.unchanged


def test_renames_show_as_moves(package_app, package_dir):
    dirs = (package_dir / "course", package_dir / "quizzes")
    with package_app.app_context():
        import_package(*dirs)
        db.session.commit()
        reading_renumbered(package_dir)
        module_renamed(package_dir)
        summary = summary_against_live(valid_package(*dirs))
    assert [(c["change"], c["kind"], c["key"]) for c in summary["changes"]] == [
        ("moved", "module", "bases"),
        ("moved", "reading", "seconde"),
    ]
    assert summary["counts"]["reading"] == {"created": 0, "updated": 0, "moved": 1, "archived": 0, "unchanged": 1}


def test_a_restored_item_is_an_update(package_app, package_dir, tmp_path):
    dirs = (package_dir / "course", package_dir / "quizzes")
    with package_app.app_context():
        import_package(*dirs)
        db.session.commit()
        saved = tmp_path / "02-seconde.md"
        shutil.move(package_dir / "course/01-bases/02-seconde.md", saved)
        _edit(package_dir / "quizzes/bases.toml", 'reading = "seconde"', 'reading = "premiere"')
        import_package(*dirs)
        db.session.commit()
        shutil.copy(DATA_DIR / "course/01-bases/02-seconde.md", package_dir / "course/01-bases/02-seconde.md")
        shutil.copy(DATA_DIR / "quizzes/bases.toml", package_dir / "quizzes/bases.toml")
        summary = summary_against_live(valid_package(*dirs))
    assert {(c["change"], c["key"]) for c in summary["changes"]} == {("updated", "seconde"), ("updated", "bases")}


def test_summarising_writes_nothing(package_app, package_dir):
    dirs = (package_dir / "course", package_dir / "quizzes")
    with package_app.app_context():
        import_package(*dirs)
        db.session.commit()
        revisions = db.session.scalar(select(func.count()).select_from(Revision))
        reading_changed(package_dir)
        summary_against_live(valid_package(*dirs))
        assert not db.session.dirty and not db.session.new
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Revision)) == revisions
        assert "revu" not in db.session.scalar(select(Reading.source).where(Reading.slug == "premiere"))


def test_the_download_of_the_live_package_summarises_to_nothing(package_app, package_dir, tmp_path):
    with package_app.app_context():
        import_package(package_dir / "course", package_dir / "quizzes")
        db.session.commit()
        zipfile.ZipFile(io.BytesIO(package_zip())).extractall(tmp_path)
        summary = summary_against_live(valid_package(tmp_path / "course", tmp_path / "quizzes"))
    assert summary["changes"] == []
    assert summary["counts"]["reading"]["unchanged"] == 2
