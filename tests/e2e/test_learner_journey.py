"""A learner's journey in the browser: course map, module, reading, quiz, progress, self-diagnostic.

The expectations are read from the database (the introduction module's readings and quiz), so
the tests keep working when the course gains modules or its content changes.  Every page visited
is checked with axe.
"""

import re
from dataclasses import dataclass

from playwright.sync_api import Page
from playwright.sync_api import expect
from sqlalchemy import select

from app.activities.models import Activity
from app.catalogue.models import Reading
from app.catalogue.queries import live_module
from app.diagnostic.queries import live_statements
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.models import ReadingFeedback
from app.quizzes.queries import quiz_for_module
from app.quizzes.question_types import QUESTION_TYPES
from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import choose
from tests.e2e.conftest import sign_in

MODULE = "introduction"


@dataclass(frozen=True)
class QuestionPlan:
    """How to answer one question right or wrong, by the texts of its options' labels."""

    prompt: str
    explanation: str
    right: tuple[str, ...]
    wrong: tuple[str, ...]
    wrong_feedback: tuple[str, ...]


@dataclass(frozen=True)
class ModulePlan:
    """What the learner should find in the module."""

    slug: str
    title: str
    reading_titles: tuple[str, ...]
    quiz_title: str
    questions: tuple[QuestionPlan, ...]
    #: The module's applied activities (each one an item of its progress).
    activity_titles: tuple[str, ...] = ()


def module_plan(app, slug: str = MODULE) -> ModulePlan:
    """Read the module, its live readings and its quiz from the database."""
    with app.test_request_context():  # the true/false labels ("Vrai", "Faux") are translated
        module = live_module(slug)
        assert module is not None, f"module {slug!r} is not in the course package"
        readings = db.session.scalars(
            select(Reading).where(Reading.module_id == module.id, Reading.is_archived.is_(False)).order_by(Reading.position)
        ).all()
        assert readings, f"module {slug!r} has no reading"
        quiz = quiz_for_module(slug)
        assert quiz is not None and quiz.questions, f"module {slug!r} has no quiz"
        questions = []
        for question in quiz.questions:
            choices = QUESTION_TYPES[question.type].choices(question.data)
            right = tuple(c.text for c in choices if c.is_correct)
            wrong_choices = [c for c in choices if not c.is_correct][:1]
            if not wrong_choices:  # every option right: ticking only one of them is wrong
                assert len(right) > 1, f"question {question.key!r} cannot be answered wrong"
                wrong_choices = choices[:1]
            questions.append(
                QuestionPlan(
                    prompt=question.prompt,
                    explanation=question.explanation,
                    right=right,
                    wrong=tuple(c.text for c in wrong_choices),
                    wrong_feedback=tuple(c.feedback for c in wrong_choices),
                )
            )
        activities = db.session.scalars(
            select(Activity.title).where(Activity.module_id == module.id, Activity.is_archived.is_(False)).order_by(Activity.position)
        ).all()
        return ModulePlan(slug, module.title, tuple(r.title for r in readings), quiz.title, tuple(questions), tuple(activities))


def answer_quiz(page: Page, plan: ModulePlan, right: bool) -> None:
    """Tick each question's options through their labels, inside the question's fieldset."""
    expect(page.get_by_role("group")).to_have_count(len(plan.questions))
    for question in plan.questions:
        group = page.get_by_role("group", name=question.prompt)
        for text in question.right if right else question.wrong:
            choose(group, text)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page).to_have_url(re.compile(rf"/quiz/{plan.slug}/tentatives/\d+$"))


def module_card(page: Page, plan: ModulePlan):
    """The course map's card of the module."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=plan.title, exact=True))


def test_learner_reads_fails_then_passes_the_quiz_and_sees_progress(page, live_app):
    plan = module_plan(live_app)
    total_readings = len(plan.reading_titles)
    first_reading = plan.reading_titles[0]
    questions = len(plan.questions)

    sign_in(page, LEARNER)
    expect(page).to_have_url(re.compile(r"/cours/$"))

    # Course map: the module, nothing done yet.
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    card = module_card(page, plan)
    expect(card).to_have_count(1)
    expect(card.get_by_role("progressbar")).to_have_attribute("value", "0")
    expect(card).to_contain_text(f"0 sur {total_readings} lectures lues")
    axe_check(page)

    # Module page: objectives, readings, quiz.
    card.get_by_role("link", name=plan.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/cours/{plan.slug}/$"))
    expect(page.get_by_role("heading", level=1, name=plan.title)).to_be_visible()
    for title in plan.reading_titles:
        expect(page.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=plan.quiz_title, exact=True)).to_be_visible()
    axe_check(page)

    # First reading: mark it done, then give feedback.
    page.get_by_role("link", name=first_reading, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=first_reading)).to_be_visible()
    pager = page.get_by_role("navigation", name="Lecture précédente et suivante")
    if total_readings > 1:
        expect(pager.locator("a[rel=next]")).to_contain_text(plan.reading_titles[1])
    else:
        expect(pager.locator("a[rel=next]")).to_have_attribute("href", f"/quiz/{plan.slug}")
    axe_check(page)

    page.get_by_role("button", name="Marquer comme lu").click()
    expect(page.get_by_text("Vous avez marqué cette lecture comme lue.")).to_be_visible()
    expect(page.get_by_role("button", name="Marquer comme lu")).to_have_count(0)
    axe_check(page)

    choose(page, "Clair")
    page.get_by_label("Commentaire (facultatif)").fill("Très clair, merci.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_text("Merci, votre avis a été enregistré.")).to_be_visible()
    expect(page.get_by_label("Clair", exact=True)).to_be_checked()
    axe_check(page)
    with live_app.app_context():
        feedback = db.session.scalar(select(ReadingFeedback))
        assert (feedback.rating, feedback.comment) == (FeedbackRating.CLEAR, "Très clair, merci.")

    # The quiz, failed on purpose: every answer wrong.
    page.get_by_role("link", name=plan.title).first.click()  # breadcrumb back to the module
    expect(page).to_have_url(re.compile(rf"/cours/{plan.slug}/$"))
    page.get_by_role("link", name=plan.quiz_title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=plan.quiz_title)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()  # nothing answered: refused, errors announced
    expect(page.get_by_role("alert")).to_contain_text("Le quiz n'a pas été envoyé")
    axe_check(page)
    answer_quiz(page, plan, right=False)

    expect(page.get_by_text(f"Score : 0 / {questions} (0 %)")).to_be_visible()
    expect(page.get_by_text("Quiz non réussi")).to_be_visible()
    expect(page.get_by_text("Réponse incorrecte", exact=True)).to_have_count(questions)
    for question in plan.questions:
        item = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=question.prompt, exact=True))
        expect(item).to_contain_text(question.explanation)
        for feedback in question.wrong_feedback:
            expect(item).to_contain_text(feedback)
    axe_check(page)

    # Retry, every answer right.
    page.get_by_role("link", name="Refaire le quiz").click()
    expect(page).to_have_url(re.compile(rf"/quiz/{plan.slug}$"))
    expect(page.get_by_role("table")).to_contain_text("Non réussi")  # the failed attempt, in the history
    axe_check(page)
    answer_quiz(page, plan, right=True)

    expect(page.get_by_text(f"Score : {questions} / {questions} (100 %)")).to_be_visible()
    expect(page.get_by_text("Quiz réussi")).to_be_visible()
    expect(page.get_by_text("Bonne réponse", exact=True)).to_have_count(questions)
    history = page.get_by_role("table")
    expect(history.get_by_role("row")).to_have_count(3)  # header + two attempts
    axe_check(page)

    # Progress on the course map: one reading and the quiz done.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Le cours").click()
    expect(page).to_have_url(re.compile(r"/cours/$"))
    card = module_card(page, plan)
    expected_percent = round(100 * 2 / (total_readings + len(plan.activity_titles) + 1))
    expect(card.get_by_role("progressbar")).to_have_attribute("value", str(expected_percent))
    assert int(card.get_by_role("progressbar").get_attribute("value")) > 0
    expect(card).to_contain_text(f"1 sur {total_readings} lectures lues")
    expect(card).to_contain_text("quiz réussi (100 %)")
    axe_check(page)

    # Mon parcours: the same, per module.
    page.get_by_role("link", name="Mon parcours").click()
    expect(page.get_by_role("heading", level=1, name="Mon parcours")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=plan.title, exact=True))
    expect(row.get_by_role("cell")).to_have_text([f"1 / {total_readings}", "100 %", "Réussi"])
    axe_check(page)


def test_self_diagnostic_before_the_course(page, live_app):
    with live_app.app_context():
        statements = [s.text for s in live_statements()]
    assert statements

    sign_in(page, LEARNER)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Autodiagnostic").click()
    expect(page).to_have_url(re.compile(r"/autodiagnostic/$"))
    expect(page.get_by_role("table")).to_have_count(0)
    axe_check(page)

    page.get_by_role("link", name="Répondre avant le cours").click()
    expect(page).to_have_url(re.compile(r"/autodiagnostic/before$"))
    expect(page.get_by_role("group")).to_have_count(len(statements))
    axe_check(page)

    # Sent empty: the errors are announced and the page is still accessible.
    page.get_by_role("button", name="Enregistrer mes réponses").click()
    expect(page.get_by_role("alert")).to_contain_text("Notez chacun des énoncés signalés.")
    axe_check(page)

    ratings = {}
    for index, text in enumerate(statements):
        rating = index % 5 + 1
        ratings[text] = rating
        choose(page.get_by_role("group", name=text, exact=True), re.compile(rf"^{rating} "))
    page.get_by_role("button", name="Enregistrer mes réponses").click()

    expect(page).to_have_url(re.compile(r"/autodiagnostic/$"))
    expect(page.get_by_text("Vos réponses sont enregistrées.")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Énoncé", "Avant", "Après", "Écart"])
    for text, rating in ratings.items():
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=text, exact=True))
        # Nothing after the course yet: a dash (maybe followed by text for screen readers).
        expect(row.get_by_role("cell")).to_have_text([str(rating), re.compile(r"^—"), re.compile(r"^—")])
    # « Après » opens only once the course is finished (or in the cohort's last days), and says so.
    expect(page.get_by_role("link", name="Répondre après le cours")).to_have_count(0)
    expect(page.locator("#apres-ferme")).to_contain_text("s'ouvre quand vous avez terminé le cours")
    axe_check(page)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    sign_in(page, LEARNER)
    expect(page).to_have_url(re.compile(r"/cours/$"))
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # visible once focused, not only to screen readers
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cours/#contenu$"))
    expect(page.locator("main#contenu")).to_be_focused()
