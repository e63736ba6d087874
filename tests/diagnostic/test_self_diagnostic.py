"""The self-diagnostic: rated before and after, showing the difference."""

from sqlalchemy import select

from app.diagnostic.models import DiagnosticAnswer
from app.diagnostic.models import DiagnosticStatement
from app.extensions import db
from app.progress.models import LearningEvent
from tests.helpers import act


def _ratings(app, values):
    with app.app_context():
        ids = list(db.session.scalars(select(DiagnosticStatement.id).order_by(DiagnosticStatement.position)))
    return {f"s{i}": str(v) for i, v in zip(ids, values, strict=False)}


def test_before_and_after_show_the_difference(app, client, learner):
    page = client.get("/autodiagnostic/").text
    assert "Répondre avant le cours" in page and "Répondre après le cours" not in page
    assert client.post("/autodiagnostic/before", data=_ratings(app, [2, 3])).status_code == 303
    for action, *args in (("read", "premiere"), ("read", "seconde"), ("pass",)):  # "after" opens once the course is done
        act(app, learner, action, *args)
    assert client.post("/autodiagnostic/after", data=_ratings(app, [4, 3])).status_code == 303
    page = client.get("/autodiagnostic/").text
    assert "+2" in page and "+0" in page
    assert "Écart moyen entre avant et après : +1.0 sur l'échelle de 1 à 5." in page
    with app.app_context():
        events = list(db.session.scalars(select(LearningEvent).where(LearningEvent.verb == "responded")))
        assert [e.result["response"] for e in events] == ["before", "after"]


def test_rating_again_replaces_the_answers(app, client, learner):
    client.post("/autodiagnostic/before", data=_ratings(app, [1, 1]))
    client.post("/autodiagnostic/before", data=_ratings(app, [5, 4]))
    with app.app_context():
        assert sorted(db.session.scalars(select(DiagnosticAnswer.rating))) == [4, 5]


def test_missing_or_out_of_range_ratings_are_refused(app, client, learner):
    data = _ratings(app, [3, 9])
    response = client.post("/autodiagnostic/before", data=data)
    assert response.status_code == 400
    data = _ratings(app, [3])
    response = client.post("/autodiagnostic/before", data=data)
    assert response.status_code == 400
    assert "Choisissez une note de 1 à 5." in response.text
    with app.app_context():
        assert db.session.scalar(select(DiagnosticAnswer)) is None


def test_unknown_phase_is_404(client, learner):
    assert client.get("/autodiagnostic/pendant").status_code == 404
