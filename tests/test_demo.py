"""``flask demo`` loads the course and one account per role, idempotently."""

from sqlalchemy import func
from sqlalchemy import select

from app.alerts.models import Alert
from app.auth.models import Role
from app.auth.models import User
from app.authoring.services import find_item
from app.authoring.services import publish
from app.catalogue.models import Reading
from app.cohorts.models import Enrolment
from app.extensions import db
from app.package.archive import read_tree
from app.package.uploads import apply_upload
from app.package.uploads import stage_upload
from app.quizzes.models import Quiz
from tests.authoring.test_package_pages import zip_of
from tests.conftest import DATA_DIR
from tests.conftest import ROOT


def test_demo_is_idempotent(make_app):
    app = make_app(COURSE_DIR=ROOT / "course", QUIZZES_DIR=ROOT / "quizzes")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "10 comptes créés" in first.output
    second = runner.invoke(args=["demo"])
    assert "0 comptes créés" in second.output
    with app.app_context():
        roles = {Role(u.roles) for u in db.session.scalars(select(User))}
        assert roles == {Role.LEARNER, Role.TUTOR, Role.AUTHOR, Role.ADMIN}
        assert db.session.scalar(select(func.count(Enrolment.id))) == 7
        kinds = {}
        for name, kind in db.session.execute(select(User.display_name, Alert.kind).join(Alert, Alert.user_id == User.id).where(Alert.closed_dt.is_(None))):
            kinds.setdefault(name, set()).add(kind)
    assert "struggling" in kinds["Chloé Richard"] and "not_started" in kinds["Nathan Durand"] and "at_risk" in kinds["Lucas Robert"]
    assert "Léa Martin" not in kinds and "Hugo Bernard" not in kinds
    client = app.test_client()
    assert client.post("/connexion", data={"email": "apprenant@demo.test", "password": "demo-apprenant"}).status_code == 302


def test_demo_imports_only_into_an_empty_database(make_app, create_user):
    """A quiz published in the browser and a reading added by an upload survive the next start."""
    app = make_app()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Paquet de cours importé dans une base vide." in first.output
    author = create_user(roles=Role.AUTHOR)
    files = read_tree(DATA_DIR)
    files["course/01-bases/03-troisieme.md"] = files["course/01-bases/01-premiere.md"].replace(b'slug = "premiere"', b'slug = "troisieme"')
    with app.app_context():
        apply_upload(stage_upload(author.id, "paquet.zip", zip_of(files)))
        quiz = db.session.scalar(select(Quiz))
        publish(find_item("quiz", quiz.id), quiz.source + "\n# Une note de l'auteur.\n", version=0, base=quiz.revision, author_id=author.id)
        db.session.commit()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "La base contient déjà un cours : le paquet n'est pas importé" in second.output
    with app.app_context():
        assert db.session.scalar(select(Quiz.source)).endswith("# Une note de l'auteur.\n")
        assert db.session.scalar(select(Reading.is_archived).where(Reading.slug == "troisieme")) is False
