"""The certificate of completion: issued once everything is done, as a PDF with its code, verified
on a public page, revocable by an admin."""

import html
import io
from datetime import UTC
from datetime import datetime

from pypdf import PdfReader
from sqlalchemy import func
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.models import SubmissionStatus
from app.activities.services import review_submission
from app.activities.services import save_answer
from app.auth.models import Role
from app.auth.models import User
from app.certificates.models import Certificate
from app.certificates.services import issue_certificate
from app.extensions import db
from app.privacy.services import anonymise_learner
from tests.helpers import act
from tests.progress.test_races import race


def _finish_everything(app, learner, tutor_id: int) -> None:
    act(app, learner, "read", "premiere")
    act(app, learner, "read", "seconde")
    act(app, learner, "pass")
    with app.app_context():
        answer = save_answer(db.session.get(User, learner.id), db.session.scalar(select(Activity)), "Ma réponse.", None, submit=True)
        review_submission(answer, tutor_id, SubmissionStatus.VALIDATED, "Bien.")
        db.session.commit()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _code(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Certificate.code))


def test_not_before_the_whole_course_is_done(app, client, login, create_user, course_with_activity):
    learner = create_user(name="Camille Martin")
    login(learner)
    act(app, learner, "read", "premiere")
    assert "1 élément fait sur 4." in html.unescape(client.get("/mon-attestation").text)
    refused = client.post("/mon-attestation")
    assert refused.status_code == 400 and "1 élément sur 4 pour l'instant" in html.unescape(refused.text)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_the_pdf_names_the_learner_and_its_code_verifies(app, client, login, create_user, tutored):
    _finish_everything(app, tutored.alice, tutored.tutor.id)
    client.post("/deconnexion")
    login(tutored.alice)
    assert "Votre attestation vous attend." in client.get("/mon-attestation").text
    response = client.post("/mon-attestation")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    code = _code(app)
    text = _pdf_text(response.data)
    assert "Alice Arnaud" in text and code in text and f"/attestation/{code}" in text and "Cohorte de novembre" in text
    assert client.post("/mon-attestation").data == response.data, "the same certificate each time"
    client.post("/deconnexion")  # the public page needs nobody signed in
    page = client.get(f"/attestation/{code}")
    assert page.status_code == 200 and "Attestation valide" in page.text and "Alice Arnaud" in page.text
    assert "alice" not in page.text.lower().replace("alice arnaud", ""), "nothing else of the learner (no address)"
    assert client.get(f"/attestation/{code.replace('-', '').lower()}").status_code == 200, "typed without dashes, in lower case"
    unknown = client.get("/attestation/AAAA-BBBB-CCCC-DDDD")
    assert unknown.status_code == 404 and "Aucune attestation ne porte le code" in unknown.text


def test_an_admin_revokes_it_with_a_reason_and_a_confirmation(app, client, login, create_user, tutored):
    _finish_everything(app, tutored.alice, tutored.tutor.id)
    with app.app_context():
        certificate_id = issue_certificate(db.session.get(User, tutored.alice.id)).id
        db.session.commit()
    code = _code(app)
    client.post("/deconnexion")
    login(create_user(roles=Role.ADMIN))
    assert code in client.get("/admin/attestations/?q=arnaud").text
    page = f"/admin/attestations/{certificate_id}"
    unconfirmed = client.post(page, data={"reason": "Erreur de saisie."})
    assert unconfirmed.status_code == 400 and "Cochez la case pour confirmer la révocation." in unconfirmed.text
    assert "Attestation valide" in client.get(f"/attestation/{code}").text
    assert client.post(page, data={"reason": "Erreur de saisie.", "confirm": "y"}).status_code == 303
    assert "Attestation révoquée" in client.get(f"/attestation/{code}").text
    client.post("/deconnexion")
    login(tutored.alice)
    refused = client.post("/mon-attestation")
    assert refused.status_code == 400 and "révoquée" in refused.text


def test_two_requests_at_once_issue_one_certificate(app, tutored):
    _finish_everything(app, tutored.alice, tutored.tutor.id)

    def issue():
        issue_certificate(db.session.get(User, tutored.alice.id))

    assert race(app, issue, issue) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_anonymising_the_learner_keeps_the_certificate_without_the_name(app, tutored):
    _finish_everything(app, tutored.alice, tutored.tutor.id)
    with app.app_context():
        issue_certificate(db.session.get(User, tutored.alice.id))
        db.session.commit()
        anonymise_learner(tutored.alice.id, datetime(2026, 11, 30, tzinfo=UTC))
        db.session.commit()
        assert db.session.scalar(select(Certificate.learner_name)) == "Apprenant anonymisé"
