""""After" opens once the course is finished or in the cohort's last days; "before" is then locked."""

from datetime import date

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.models import DiagnosticStatement
from app.diagnostic.models import Phase
from app.diagnostic.services import DiagnosticClosed
from app.diagnostic.services import save_ratings
from app.extensions import db
from tests.helpers import act


def _save(app, user_ref, phase: Phase, value: int = 3) -> None:
    with app.app_context():
        ids = db.session.scalars(select(DiagnosticStatement.id)).all()
        save_ratings(db.session.get(User, user_ref.id), phase, dict.fromkeys(ids, value))
        db.session.commit()


def _answers(app, user_ref) -> list[tuple[str, int]]:
    with app.app_context():
        return sorted(db.session.execute(select(DiagnosticAnswer.phase, DiagnosticAnswer.rating).where(DiagnosticAnswer.user_id == user_ref.id)).all())


def _finish_course(app, user_ref) -> None:
    for slug in ("premiere", "seconde"):
        act(app, user_ref, "read", slug)
    act(app, user_ref, "pass")


def test_after_is_refused_until_the_course_is_finished(app, course, create_user):
    learner = create_user()
    _save(app, learner, Phase.BEFORE, 2)
    act(app, learner, "read", "premiere")
    with pytest.raises(DiagnosticClosed, match="terminé le cours"):
        _save(app, learner, Phase.AFTER)
    assert _answers(app, learner) == [("before", 2), ("before", 2)]
    _finish_course(app, learner)
    _save(app, learner, Phase.AFTER, 4)
    assert ("after", 4) in _answers(app, learner)


def test_after_opens_in_the_cohorts_last_days(app, clock, enrolled):
    learner = enrolled()  # cohort from 1 to 26 November, last 3 days from the 24th
    clock.set(date(2026, 11, 23))
    with pytest.raises(DiagnosticClosed, match="24 novembre 2026"):
        _save(app, learner, Phase.AFTER)
    clock.set(date(2026, 11, 24))
    _save(app, learner, Phase.AFTER)
    assert _answers(app, learner) == [("after", 3), ("after", 3)]


def test_the_last_days_are_configurable(make_app, database_url):
    app = make_app(DIAGNOSTIC_AFTER_LAST_DAYS=10)
    assert app.config["DIAGNOSTIC_AFTER_LAST_DAYS"] == 10


def test_before_is_locked_once_after_is_taken(app, course, create_user):
    learner = create_user()
    _save(app, learner, Phase.BEFORE, 2)
    _save(app, learner, Phase.BEFORE, 1)  # changing "before" is fine until "after"
    _finish_course(app, learner)
    _save(app, learner, Phase.AFTER, 4)
    with pytest.raises(DiagnosticClosed, match="ne peuvent plus changer"):
        _save(app, learner, Phase.BEFORE, 5)
    assert _answers(app, learner) == [("after", 4), ("after", 4), ("before", 1), ("before", 1)]
    _save(app, learner, Phase.AFTER, 5)  # "after" may still be corrected


def _ratings(app, value):
    with app.app_context():
        ids = db.session.scalars(select(DiagnosticStatement.id)).all()
    return {f"s{i}": str(value) for i in ids}


def test_pages_say_why_after_is_not_open_and_refuse_it(app, client, learner):
    assert client.post("/autodiagnostic/before", data=_ratings(app, 2)).status_code == 303
    page = client.get("/autodiagnostic/").text
    assert "Répondre après le cours" not in page
    assert "quand vous avez terminé le cours (toutes les lectures lues" in page
    page = client.get("/autodiagnostic/after")
    assert page.status_code == 200 and "quand vous avez terminé le cours" in page.text and "Enregistrer mes réponses" not in page.text
    response = client.post("/autodiagnostic/after", data=_ratings(app, 4))
    assert response.status_code == 403 and "quand vous avez terminé le cours" in response.text
    assert [phase for phase, _ in _answers(app, learner)] == ["before", "before"]


def test_pages_lock_before_once_after_is_taken(app, client, learner):
    client.post("/autodiagnostic/before", data=_ratings(app, 2))
    _finish_course(app, learner)
    assert "Répondre après le cours" in client.get("/autodiagnostic/").text
    assert client.post("/autodiagnostic/after", data=_ratings(app, 4)).status_code == 303
    page = client.get("/autodiagnostic/").text
    assert "Modifier mes réponses « avant »" not in page and "Vos réponses « avant » ne changent plus" in page
    response = client.post("/autodiagnostic/before", data=_ratings(app, 5))
    assert response.status_code == 403 and "ne peuvent plus changer" in response.text
