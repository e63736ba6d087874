"""Learners rate their tutor once the tutor reviewed their work (or at the end of the course); the
admin sees medians and comments, without names, only from five ratings."""

import html
from datetime import UTC
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.models import SubmissionStatus
from app.activities.services import review_submission
from app.activities.services import save_answer
from app.admin.queries import tutor_reactivity
from app.auth.models import Role
from app.auth.models import User
from app.extensions import db
from app.tutor_feedback.models import TutorRating
from app.tutor_feedback.services import rate_tutor


def _reviewed(app, learner, tutor_id: int) -> None:
    with app.app_context():
        answer = save_answer(db.session.get(User, learner.id), db.session.scalar(select(Activity)), "Ma réponse.", None, submit=True)
        review_submission(answer, tutor_id, SubmissionStatus.REWORK, "À reprendre.")
        db.session.commit()


def _ratings(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(select(TutorRating.learner_id, TutorRating.helpfulness, TutorRating.clarity, TutorRating.comment)).all()


def _as(client, login, user):
    client.post("/deconnexion")
    login(user)


def test_the_form_opens_once_the_tutor_reviewed_an_answer(app, client, login, tutored):
    _as(client, login, tutored.alice)
    page = client.get("/avis-tuteur").text
    assert "Dominique Tuteur" in page and "quand ce tuteur aura relu une de vos réponses" in html.unescape(page)
    prefix = f"t{tutored.tutor.id}"
    form = {f"{prefix}-tutor_id": str(tutored.tutor.id), f"{prefix}-helpfulness": "4", f"{prefix}-clarity": "5"}
    assert client.post("/avis-tuteur", data=form).status_code == 400
    assert _ratings(app) == []
    _reviewed(app, tutored.alice, tutored.tutor.id)
    assert client.post("/avis-tuteur", data={**form, f"{prefix}-comment": "Des retours précis."}).status_code == 303
    assert client.post("/avis-tuteur", data={**form, f"{prefix}-helpfulness": "5"}).status_code == 303, "a new rating replaces the first"
    assert _ratings(app) == [(tutored.alice.id, 5, 5, None)]
    page = client.get("/avis-tuteur").text
    assert f'<input checked id="{prefix}-helpfulness-4" name="{prefix}-helpfulness" required type="radio" value="5">' in page


def test_a_bad_rating_is_refused_on_its_field(app, client, login, tutored):
    _reviewed(app, tutored.alice, tutored.tutor.id)
    _as(client, login, tutored.alice)
    prefix = f"t{tutored.tutor.id}"
    response = client.post("/avis-tuteur", data={f"{prefix}-tutor_id": str(tutored.tutor.id), f"{prefix}-helpfulness": "6", f"{prefix}-clarity": ""})
    assert response.status_code == 400 and "Choisissez une note de 1 à 5." in response.text
    assert _ratings(app) == []


def test_nobody_rates_a_tutor_who_is_not_theirs(app, tutored, create_user):
    other = create_user(roles=Role.TUTOR)
    _reviewed(app, tutored.alice, tutored.tutor.id)
    with app.app_context():
        assert rate_tutor(tutored.alice.id, other.id, 1, 1, "Jamais vu.") is False
    assert _ratings(app) == []


def test_the_admin_sees_figures_and_comments_only_from_five_ratings(app, client, login, tutored, enrolled, create_user):
    learners = [tutored.alice, tutored.bruno, tutored.chloe, enrolled(name="Denis Dupuis")]
    for n, learner in enumerate(learners, start=1):
        _reviewed(app, learner, tutored.tutor.id)
        with app.app_context():
            assert rate_tutor(learner.id, tutored.tutor.id, n % 5 + 1, 4, f"Commentaire {n}.")
            db.session.commit()
    now = datetime(2026, 11, 20, tzinfo=UTC)
    with app.app_context():
        row = next(r for r in tutor_reactivity(now) if r.tutor_id == tutored.tutor.id)
    assert (row.ratings, row.median_helpfulness, row.comments) == (4, None, ())
    _as(client, login, create_user(roles=Role.ADMIN))
    page = html.unescape(client.get("/admin/reactivite").text)
    assert "4 avis : montrés à partir de 5" in page and "Commentaire 1." not in page
    fifth = enrolled(name="Eva Etienne")
    _reviewed(app, fifth, tutored.tutor.id)
    with app.app_context():
        rate_tutor(fifth.id, tutored.tutor.id, 3, 2, "Commentaire 5.")
        db.session.commit()
        row = next(r for r in tutor_reactivity(now) if r.tutor_id == tutored.tutor.id)
    assert (row.ratings, row.median_helpfulness, row.median_clarity) == (5, 3.0, 4.0)
    page = html.unescape(client.get("/admin/reactivite").text)
    assert "Réactivité et savoir-faire des tuteurs" in page and "Commentaire 5." in page and "Commentaire 1." in page
    assert "Eva Etienne" not in page and "Alice Arnaud" not in page, "comments without names"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TutorRating)) == 5
