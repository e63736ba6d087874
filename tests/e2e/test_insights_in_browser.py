"""The demo author reads what learners say about a reading and how a quiz's questions fare, in the browser."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.auth.services import find_user_by_email
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.services import give_feedback
from app.quizzes.models import Quiz
from tests.e2e.conftest import AUTHOR
from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in

COMMENT = "Le passage sur les biais mériterait un exemple."


def _demo_feedback(live_app) -> tuple[str, str, str]:
    """Have the demo learner find the first reading unclear, with a comment; return that reading's title, the learner's name and the first quiz's title."""
    with live_app.app_context():
        reading = db.session.scalars(select(Reading).join(Reading.module).order_by(Module.position, Reading.position)).first()
        learner = find_user_by_email(LEARNER)
        give_feedback(learner, reading, FeedbackRating.UNCLEAR, COMMENT)
        db.session.commit()
        quiz = db.session.scalars(select(Quiz).join(Quiz.module).order_by(Module.position)).first()
        return reading.title, learner.display_name, quiz.title


def test_author_reads_feedback_and_question_figures(page, live_app):
    reading_title, learner_name, quiz_title = _demo_feedback(live_app)
    sign_in(page, AUTHOR)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Édition").click()
    page.get_by_role("link", name=re.compile("^Retours des apprenants")).click()
    expect(page.get_by_role("heading", level=1, name="Retours des apprenants")).to_be_visible()
    table = page.get_by_role("table", name="Avis par lecture, dans l'ordre du cours")
    expect(table.get_by_role("row", name=re.compile(re.escape(reading_title))).first).to_contain_text("100")
    axe_check(page)

    page.get_by_role("link", name="« pas clair » d'abord").click()
    expect(page.get_by_role("table", name=re.compile("la plus forte part de « pas clair » d'abord"))).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=reading_title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=reading_title)).to_be_visible()
    expect(page.get_by_text(COMMENT)).to_be_visible()
    expect(page.get_by_text("1 commentaire, du plus récent au plus ancien.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(learner_name)
    expect(page.locator("main")).not_to_contain_text(LEARNER)
    axe_check(page)

    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link", name="Retours des apprenants").click()
    page.get_by_role("link", name=quiz_title).click()
    expect(page.get_by_role("heading", level=1, name=f"Statistiques : {quiz_title}")).to_be_visible()
    expect(page.get_by_role("table", name="Questions en service, dans l'ordre du quiz")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(learner_name)
    axe_check(page)
