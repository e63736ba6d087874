"""Course map, module and reading pages; marking as read; page feedback."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.clock import now_utc
from app.extensions import db
from app.progress.models import LearnerProgress
from app.progress.models import LearningEvent
from app.progress.models import ReadingFeedback
from app.progress.models import ReadingProgress


def _events(app, verb=None):
    with app.app_context():
        query = select(LearningEvent)
        if verb:
            query = query.where(LearningEvent.verb == verb)
        return list(db.session.scalars(query.order_by(LearningEvent.id)))


def test_course_map_lists_modules_with_progress(client, learner):
    page = client.get("/cours/").text
    assert "Les bases" in page
    assert "0 sur 2 lectures lues" in page
    assert '<progress class="progress" max="100" value="0"' in page


def test_module_page_lists_readings_and_quiz(client, learner):
    page = client.get("/cours/bases/").text
    assert "À la fin de ce module, vous saurez lancer les tests." in page
    assert page.index("Première lecture") < page.index("Seconde lecture")
    assert "/quiz/bases" in page


def test_reading_page_shows_rendered_content_and_neighbours(client, learner):
    page = client.get("/cours/bases/premiere").text
    assert "<h2>Premier titre</h2>" in page
    assert "Marquer comme lu" in page
    assert 'rel="next" href="/cours/bases/seconde"' in page
    second = client.get("/cours/bases/seconde").text
    assert 'rel="prev" href="/cours/bases/premiere"' in second
    assert 'rel="next" href="/quiz/bases"' in second
    assert "Entretien avec Norbert Girard" in second


def test_unknown_reading_is_404(client, learner):
    assert client.get("/cours/bases/absente").status_code == 404
    assert client.get("/cours/absent/premiere").status_code == 404
    assert client.get("/cours/bases/premiere/lu").status_code == 405


def test_a_view_is_recorded_once_per_visit(app, client, learner):
    client.get("/cours/bases/premiere")
    client.get("/cours/bases/premiere")
    assert len(_events(app, "experienced")) == 1
    later = now_utc() + timedelta(hours=1)
    app.config["CLOCK"] = lambda: later
    client.get("/cours/bases/premiere")
    events = _events(app, "experienced")
    assert len(events) == 2
    with app.app_context():
        state = db.session.get(ReadingProgress, (learner.id, events[0].object_id))
        assert state.view_count == 2
        assert state.completed_dt is None


def test_mark_as_read_updates_progress_and_logs_once(app, client, learner):
    response = client.post("/cours/bases/premiere/lu")
    assert response.status_code == 303
    client.post("/cours/bases/premiere/lu")
    assert len(_events(app, "completed")) == 1
    with app.app_context():
        assert db.session.get(LearnerProgress, learner.id).readings_completed == 1
    page = client.get("/cours/bases/premiere").text
    assert "Vous avez marqué cette lecture comme lue." in page
    assert "1 sur 2 lectures lues" in client.get("/cours/").text


def test_feedback_is_stored_and_replaced(app, client, learner):
    response = client.post("/cours/bases/premiere", data={"rating": "pas_clair", "comment": "  Trop dense.  "})
    assert response.status_code == 303
    client.post("/cours/bases/premiere", data={"rating": "clair", "comment": ""})
    with app.app_context():
        rows = list(db.session.scalars(select(ReadingFeedback)))
        assert [(r.rating, r.comment) for r in rows] == [("clair", None)]
    events = _events(app, "commented")
    assert [e.result["response"] for e in events] == ["pas_clair", "clair"]
    assert events[0].result["comment"] == "Trop dense."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "", "comment": "x"}, "Choisissez clair, pas clair ou trop long."),
        ({"rating": "génial", "comment": ""}, "pas un choix valide"),
        ({"rating": "clair", "comment": "x" * 1001}, "1000 caractères au maximum."),
    ],
)
def test_bad_feedback_gives_the_page_back_with_a_message(app, client, learner, data, message):
    response = client.post("/cours/bases/premiere", data=data)
    assert response.status_code == 400
    assert message in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReadingFeedback)) == 0


def _feedback_section(page: str) -> str:
    return page[page.index('id="avis"'):]


def test_after_feedback_the_thanks_and_the_comment_are_where_the_form_is(app, client, learner):
    response = client.post("/cours/bases/premiere", data={"rating": "pas_clair", "comment": "Le deuxième exemple est flou."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/cours/bases/premiere#avis")
    page = client.get("/cours/bases/premiere").text
    section = _feedback_section(page)
    assert "Merci, votre avis a été enregistré." in section
    assert page.count("Merci, votre avis a été enregistré.") == 1  # not also at the top of the page
    assert "Le deuxième exemple est flou.</textarea>" in section
    assert re.search(r'checked[^>]*value="pas_clair"|value="pas_clair"[^>]*checked', section)
    again = client.get("/cours/bases/premiere").text  # thanked once; the comment stays in the form
    assert "Merci, votre avis a été enregistré." not in again
    assert "Le deuxième exemple est flou.</textarea>" in _feedback_section(again)


def test_a_new_comment_is_shown_not_the_cached_old_one(app, client, learner):
    client.post("/cours/bases/premiere", data={"rating": "clair", "comment": "Premier avis."})
    client.get("/cours/bases/premiere")
    client.get("/cours/bases/premiere")  # cached now
    client.post("/cours/bases/premiere", data={"rating": "clair", "comment": "Second avis."})
    client.get("/cours/bases/premiere")
    page = client.get("/cours/bases/premiere").text
    assert "Second avis.</textarea>" in page and "Premier avis." not in page
