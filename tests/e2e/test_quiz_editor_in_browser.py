"""The demo author adds a question to a real module's quiz in the browser: an error, its fix, the preview, publication."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import AUTHOR
from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in

MODULE_TITLE = "Introduction : l'IA et les métiers"
PROMPT = "Qui garde la décision quand un outil d'IA propose une réponse ?"


def _fill_option(page, number: int, text: str, correct: bool, feedback: str) -> None:
    row = page.get_by_role("group", name=f"Option {number}", exact=True)
    row.get_by_label("Texte de l'option").fill(text)
    row.get_by_label("Bonne réponse").set_checked(correct)
    row.get_by_label("Retour montré à qui choisit cette option").fill(feedback)


def test_author_adds_a_single_choice_question_fixes_it_previews_and_publishes(page):
    sign_in(page, AUTHOR)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Édition").click()
    axe_check(page)
    page.get_by_role("region", name=MODULE_TITLE).get_by_role("link", name=re.compile(r"^Modifier le quiz")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quiz :")
    axe_check(page)

    page.get_by_role("link", name="Ajouter une question : Une seule réponse").click()
    expect(page.get_by_role("heading", level=1, name="Nouvelle question : Une seule réponse")).to_be_visible()
    axe_check(page)
    page.get_by_label("Question posée").fill(PROMPT)
    _fill_option(page, 1, "La personne qui l'utilise", True, "Oui : l'outil propose, la personne décide.")
    _fill_option(page, 2, "L'outil lui-même", True, "Non : il ne fait que proposer.")
    page.get_by_label("Explication (montrée après la réponse)").fill("Le cours le répète : l'IA assiste, elle ne décide pas.")
    page.get_by_label("Lecture qui répond à la question").select_option("six-lignes-de-force")
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("doit avoir exactement une option correcte (trouvé : 2)")
    expect(page.get_by_role("group", name="Options", exact=True)).to_contain_text("exactement une option correcte")
    axe_check(page)

    page.get_by_role("group", name="Option 2", exact=True).get_by_label("Bonne réponse").uncheck()
    page.get_by_role("button", name="Enregistrer dans le brouillon").click()
    expect(page.get_by_text("Question enregistrée dans le brouillon.")).to_be_visible()
    expect(page.get_by_text(PROMPT)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Voir l'aperçu du quiz tel que les apprenants le verront").click()
    question = page.get_by_role("group", name=re.compile(re.escape(PROMPT)))
    expect(question.get_by_role("radio", name="La personne qui l'utilise")).to_be_visible()
    expect(page.get_by_text("Oui : l'outil propose, la personne décide.")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Revenir au quiz").click()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text(re.compile(r"Publié : les apprenants voient maintenant la révision \d+\."))).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Se déconnecter").click()
    sign_in(page, LEARNER)
    page.goto("/quiz/introduction")
    expect(page.get_by_role("group", name=re.compile(re.escape(PROMPT)))).to_be_visible()
    axe_check(page)
