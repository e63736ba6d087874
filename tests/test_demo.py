"""``flask demo`` loads the course and one account per role, idempotently."""

from sqlalchemy import func
from sqlalchemy import select

from app.alerts.models import Alert
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Enrolment
from app.extensions import db
from tests.conftest import ROOT


def test_demo_is_idempotent(make_app):
    app = make_app(COURSE_DIR=ROOT / "course", QUIZZES_DIR=ROOT / "quizzes")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "10 compte(s) créé(s)" in first.output
    second = runner.invoke(args=["demo"])
    assert "0 compte(s) créé(s)" in second.output
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
