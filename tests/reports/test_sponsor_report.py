"""The sponsor's report: the cohort's aggregates, without names unless asked, as a page and as PDF."""

import html
import io

from pypdf import PdfReader
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.models import SubmissionStatus
from app.activities.services import review_submission
from app.activities.services import save_answer
from app.auth.models import Role
from app.auth.models import User
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.services import give_feedback
from tests.helpers import act


def _cohort_with_work(app, tutored) -> None:
    act(app, tutored.alice, "pass")
    act(app, tutored.chloe, "fail")
    with app.app_context():
        activity = db.session.scalar(select(Activity))
        alice = db.session.get(User, tutored.alice.id)
        review_submission(save_answer(alice, activity, "Ma réponse.", None, submit=True), tutored.tutor.id, SubmissionStatus.VALIDATED, "Bien.")
        save_answer(db.session.get(User, tutored.chloe.id), activity, "Mon essai.", None, submit=True)
        give_feedback(alice, db.session.scalar(select(Reading).where(Reading.slug == "premiere")), FeedbackRating.UNCLEAR, "Alice trouve ça flou.")
        db.session.commit()


def _admin(client, login, create_user):
    client.post("/deconnexion")
    login(create_user(roles=Role.ADMIN, name="Ada Admin"))


def test_the_report_counts_the_cohort_without_names(app, client, login, create_user, tutored):
    _cohort_with_work(app, tutored)
    _admin(client, login, create_user)
    response = client.get(f"/admin/rapports/cohortes/{tutored.cohort_id}/rapport")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "Rapport de la cohorte Cohorte de novembre" in page and "taux d'achèvement" in page
    assert "<strong>3</strong> inscrits" in page
    assert "<th scope=\"row\">Mise en pratique</th><td>2</td><td>1</td><td>1</td>" in response.text, "sent, validated, waiting"
    assert "<th scope=\"row\">Les bases</th><td>2</td><td>1</td>" in response.text, "tried, passed"
    assert "<th scope=\"row\">Première lecture</th><td>0</td><td>1</td><td>0</td>" in response.text
    for name in ("Alice Arnaud", "Bruno Blanc", "Chloé Chevalier"):
        assert name not in page
    assert "Alice trouve ça flou." not in page, "comments stay with the teaching team"
    named = html.unescape(client.get(f"/admin/rapports/cohortes/{tutored.cohort_id}/rapport?annexe=noms").text)
    assert "Annexe nominative" in named and "Alice Arnaud" in named and "Bruno Blanc" in named


def test_the_pdf_holds_the_same_report(app, client, login, create_user, tutored):
    _cohort_with_work(app, tutored)
    _admin(client, login, create_user)
    response = client.get(f"/admin/rapports/cohortes/{tutored.cohort_id}/rapport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Rapport de la cohorte Cohorte de novembre" in text and "Mise en pratique" in text and "Alice Arnaud" not in text
    assert "Se déconnecter" not in text, "the print styles leave the navigation out"


def test_only_admins_see_it(client, login, tutored):
    assert client.get(f"/admin/rapports/cohortes/{tutored.cohort_id}/rapport").status_code == 403  # the tutor is signed in
