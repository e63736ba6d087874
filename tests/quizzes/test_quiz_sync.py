"""Quiz files into the database: what an import or a publication keeps, archives, brings back and credits."""

from sqlalchemy import select

from app.catalogue.revisions import ContentKind
from app.catalogue.revisions import Revision
from app.catalogue.revisions import RevisionOrigin
from app.catalogue.services import Publication
from app.extensions import db
from app.package.services import import_package
from app.quizzes.loader import load_quizzes
from app.quizzes.loader import parse_quiz
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.services import publish_quiz
from app.quizzes.services import sync_quizzes
from tests.helpers import act

QUIZ = "quizzes/bases.toml"


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _import(app, package_dir, **kwargs):
    with app.app_context():
        report = import_package(package_dir / "course", package_dir / "quizzes", **kwargs)
        db.session.commit()
        return report


def _specs(package_dir):
    specs, errors = load_quizzes(package_dir / "quizzes", frozenset({"self-diagnostic.toml"}))
    assert errors == []
    return specs


def _questions(app, module: str) -> dict[str, tuple[int, bool]]:
    """Question key -> (id, archived) of every version of the module's quiz questions, newest last."""
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).join(Quiz.module).filter_by(slug=module))
        rows = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id).order_by(Question.id))
        return [(q.key, q.id, q.is_archived) for q in rows]


def _live(app, module: str) -> dict[str, int]:
    return {key: qid for key, qid, archived in _questions(app, module) if not archived}


def test_unchanged_quizzes_are_each_counted_and_questions_stay_in_their_own_quiz(package_app, two_modules):
    _import(package_app, two_modules)
    before = {m: _live(package_app, m) for m in ("bases", "autre")}
    assert set(before["bases"]) == set(before["autre"]) and not set(before["bases"].values()) & set(before["autre"].values())
    with package_app.app_context():
        report = sync_quizzes(_specs(two_modules))
        db.session.commit()
    assert (report.created, report.updated, report.archived, report.unchanged) == ([], [], [], 2)
    _replace(two_modules / QUIZ, "Quelle option est juste ?", "Quelle option est la bonne ?")
    with package_app.app_context():
        report = sync_quizzes(_specs(two_modules))
        db.session.commit()
    assert (report.updated, report.unchanged) == (["quiz bases"], 1)
    assert {m: _live(package_app, m) for m in ("bases", "autre")} == before  # never answered: edited in place


def test_a_new_quiz_is_reported_created_and_a_quiz_gone_from_the_package_archived_once(package_app, two_modules):
    _import(package_app, two_modules)
    (two_modules / "quizzes" / "autre.toml").unlink()
    with package_app.app_context():
        report = sync_quizzes(_specs(two_modules))
        db.session.commit()
        assert report.archived == ["quiz autre"] and report.unchanged == 1
        assert db.session.scalar(select(Quiz.is_archived).join(Quiz.module).filter_by(slug="autre")) is True
        assert sync_quizzes(_specs(two_modules)).archived == []  # already archived: not reported again


def test_a_changed_quiz_file_keeps_each_text_as_a_revision_credited_to_who_published_it(package_app, package_dir, create_user):
    author = create_user(email="autrice@example.org")
    _import(package_app, package_dir)
    _replace(package_dir / QUIZ, "Parce que B.", "Parce que B, justement.")
    _import(package_app, package_dir, publication=Publication(author_id=author.id, origin=RevisionOrigin.UPLOAD))
    with package_app.app_context():
        quiz = db.session.scalar(select(Quiz))
        revisions = [(r.number, r.author_id, r.origin, "justement" in r.source) for r in db.session.scalars(
            select(Revision).where(Revision.kind == ContentKind.QUIZ.value, Revision.object_id == quiz.id).order_by(Revision.number))]
        spec, errors = parse_quiz(quiz.source.replace("justement", "exactement"), QUIZ, "bases.toml")
        assert errors == []
        publish_quiz(quiz, spec, Publication(author_id=author.id, origin=RevisionOrigin.RESTORE, restored_from=1))
        db.session.commit()
        latest = db.session.scalar(select(Revision).where(Revision.kind == ContentKind.QUIZ.value).order_by(Revision.number.desc()).limit(1))
        assert quiz.revision == 3 and "exactement" in latest.source
        assert (latest.number, latest.author_id, latest.origin, latest.restored_from) == (3, author.id, "restore", 1)
    assert revisions == [
        (1, None, "import", False), (2, author.id, "upload", True),
    ]


def test_an_answered_question_changed_in_the_file_is_kept_archived_and_the_others_keep_their_rows(package_app, package_dir, create_user):
    _import(package_app, package_dir)
    act(package_app, create_user(), "pass")
    before = _live(package_app, "bases")
    _replace(package_dir / QUIZ, "Quelle option est juste ?", "Quelle option est la bonne ?")
    _import(package_app, package_dir)
    after = _live(package_app, "bases")
    assert after["choix-unique"] != before["choix-unique"]
    assert {k: v for k, v in after.items() if k != "choix-unique"} == {k: v for k, v in before.items() if k != "choix-unique"}
    assert ("choix-unique", before["choix-unique"], True) in _questions(package_app, "bases")


def test_a_question_removed_then_put_back_unchanged_comes_back_as_it_was(package_app, package_dir, create_user):
    _import(package_app, package_dir)
    act(package_app, create_user(), "pass")
    before = _live(package_app, "bases")
    text = (package_dir / QUIZ).read_text(encoding="utf-8")
    cut = text.index("[[questions]]\nid = \"vrai-faux\"")
    (package_dir / QUIZ).write_text(text[:cut], encoding="utf-8")
    _import(package_app, package_dir)
    assert set(_live(package_app, "bases")) == {"choix-unique", "choix-multiple"}
    (package_dir / QUIZ).write_text(text, encoding="utf-8")
    _import(package_app, package_dir)
    assert _live(package_app, "bases") == before  # the same row: past answers and the new ones share it
    changed = text.replace("Cet énoncé est faux.", "Cet énoncé est-il faux ?")
    (package_dir / QUIZ).write_text(text[:cut], encoding="utf-8")
    _import(package_app, package_dir)
    (package_dir / QUIZ).write_text(changed, encoding="utf-8")
    _import(package_app, package_dir)
    assert _live(package_app, "bases")["vrai-faux"] not in before.values()  # different text: a new row


def test_a_first_import_reports_each_quiz_created(package_app, two_modules):
    with package_app.app_context():
        report = import_package(two_modules / "course", two_modules / "quizzes")
        db.session.rollback()
    assert sorted(item for item in report.created if item.startswith("quiz")) == ["quiz autre", "quiz bases"]


def _answered_import(app, package_dir, create_user, email):
    _import(app, package_dir)
    act(app, create_user(email=email), "pass")


def test_going_back_to_an_earlier_text_brings_back_its_row_and_removing_it_then_archives_it(package_app, package_dir, create_user):
    text = (package_dir / QUIZ).read_text(encoding="utf-8")
    _answered_import(package_app, package_dir, create_user, "un@example.org")
    first = _live(package_app, "bases")["choix-unique"]
    (package_dir / QUIZ).write_text(text.replace("Quelle option est juste ?", "Quelle option est la bonne ?"), encoding="utf-8")
    _answered_import(package_app, package_dir, create_user, "deux@example.org")
    second = _live(package_app, "bases")["choix-unique"]
    (package_dir / QUIZ).write_text(text, encoding="utf-8")
    _import(package_app, package_dir)
    assert _live(package_app, "bases")["choix-unique"] == first != second
    cut = text.index('[[questions]]\nid = "choix-multiple"')
    (package_dir / QUIZ).write_text(text[:text.index("[[questions]]")] + text[cut:], encoding="utf-8")  # choix-unique gone
    _import(package_app, package_dir)
    assert "choix-unique" not in _live(package_app, "bases")


def test_a_question_archived_in_another_quiz_never_comes_back_into_this_one(package_app, two_modules):
    other = two_modules / "quizzes" / "autre.toml"
    shared = (two_modules / QUIZ).read_text(encoding="utf-8")
    cut = shared.index('[[questions]]\nid = "vrai-faux"')
    (two_modules / QUIZ).write_text(shared[:cut], encoding="utf-8")
    other.write_text(shared.replace('module = "bases"', 'module = "autre"'), encoding="utf-8")  # same questions, same readings
    _import(package_app, two_modules)
    other.write_text(shared[:cut].replace('module = "bases"', 'module = "autre"'), encoding="utf-8")
    _import(package_app, two_modules)  # autre's vrai-faux archived
    (two_modules / QUIZ).write_text(shared, encoding="utf-8")
    _import(package_app, two_modules)  # the same question, new in bases
    assert "vrai-faux" in _live(package_app, "bases") and "vrai-faux" not in _live(package_app, "autre")
