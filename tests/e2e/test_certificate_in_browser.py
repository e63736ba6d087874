"""A learner who completed everything downloads the certificate in the browser; its code verifies
on the public page. The PDF itself is parsed: the learner's name and the code are in it."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.activities.models import Activity
from app.activities.models import SubmissionStatus
from app.activities.services import review_submission
from app.activities.services import save_answer
from app.auth.models import User
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.services import complete_reading
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.services import new_attempt_token
from app.quizzes.services import submit_attempt
from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import TUTOR
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in


def _finish_the_course(app, email: str) -> None:
    """Every reading read, every quiz passed, every activity validated by the demo tutor."""
    with app.app_context():
        learner = db.session.scalar(select(User).where(User.email == email))
        tutor = db.session.scalar(select(User).where(User.email == TUTOR))
        for reading in db.session.scalars(select(Reading).where(Reading.is_archived.is_(False))):
            complete_reading(learner, reading)
        for quiz in db.session.scalars(select(Quiz).where(Quiz.is_archived.is_(False)).options(selectinload(Quiz.questions))):
            responses = {}
            for question in quiz.questions:
                keys = [c.key for c in QUESTION_TYPES[question.type].choices(question.data) if c.is_correct]
                responses[question.id] = keys if question.type == "multiple_choice" else keys[:1]
            submit_attempt(learner, quiz, responses, new_attempt_token())
        for activity in db.session.scalars(select(Activity).where(Activity.is_archived.is_(False))):
            answer = save_answer(learner, activity, "Ma réponse.", None, submit=True)
            review_submission(answer, tutor.id, SubmissionStatus.VALIDATED, "Bien.")
        db.session.commit()


# The download ends the page's pending requests: the development server can then leave a static
# file (the favicon) to the garbage collector, which reports it unclosed at a random later moment.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_certificate_downloads_and_verifies(page, live_app):
    _finish_the_course(live_app, LEARNER)
    sign_in(page, LEARNER)
    page.goto("/parcours/")
    page.get_by_role("link", name="Mon attestation de réussite").click()
    expect(page.get_by_role("heading", level=1, name="Mon attestation")).to_be_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger mon attestation (PDF)").click()
    data = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    code = re.search(r"Code de vérification : ([A-Z0-9-]{19})", text).group(1)
    assert "Camille Apprenant" in text
    page.reload()
    expect(page.get_by_text(f"Code de vérification : {code}")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"/attestation/{code}")
    expect(page.get_by_text("Attestation valide")).to_be_visible()
    expect(page.get_by_text("Camille Apprenant")).to_be_visible()
    axe_check(page)
