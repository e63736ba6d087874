"""An applied activity in the browser: the learner sends an answer, the tutor asks for a rework,
the learner sends a second version, the tutor validates it; every page is checked with axe."""

import re

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import TUTOR
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import choose
from tests.e2e.conftest import sign_in
from tests.e2e.test_learner_journey import module_plan

SECTOR = "sante"


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion"))


def _send(page: Page, title: str, answer: str) -> None:
    sign_in(page, LEARNER)
    page.goto(f"/cours/{SECTOR}/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    axe_check(page)
    page.get_by_label("Votre réponse").fill(answer)
    page.get_by_role("button", name="Envoyer à mon tuteur").click()
    expect(page.get_by_text("Réponse envoyée à votre tuteur.")).to_be_visible()
    expect(page.get_by_text("Votre réponse attend la relecture de votre tuteur")).to_be_visible()
    _sign_out(page)


def _review(page: Page, title: str, feedback: str, decision: str) -> None:
    sign_in(page, TUTOR)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tutorat").click()
    page.get_by_role("link", name="Cohorte de démonstration").click()
    page.get_by_role("region", name="Activités à relire").get_by_role("link", name=re.compile(re.escape(title) + " · Camille Apprenant")).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    axe_check(page)
    page.get_by_label("Votre retour à l'apprenant").fill(feedback)
    choose(page, decision)
    page.get_by_role("button", name="Enregistrer la relecture").click()
    expect(page.get_by_text("Relecture enregistrée")).to_be_visible()
    _sign_out(page)


def test_an_answer_reworked_then_validated(page, live_app):
    (title,) = module_plan(live_app, SECTOR).activity_titles
    _send(page, title, "Un premier avis sur une demande de mon service.")
    _review(page, title, "Dites ce que vous vérifieriez avant de décider.", "À retravailler")
    sign_in(page, LEARNER)
    page.goto(f"/cours/{SECTOR}/")
    expect(page.get_by_role("listitem").filter(has_text=title)).to_contain_text("À retravailler")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_text("Dites ce que vous vérifieriez avant de décider.")).to_be_visible()
    expect(page.get_by_label("Votre réponse")).to_have_value("Un premier avis sur une demande de mon service.")
    _sign_out(page)
    _send(page, title, "Un premier avis, et ce que je vérifierais : la source des données.")
    _review(page, title, "C'est complet.", "Validée")
    sign_in(page, LEARNER)
    page.goto(f"/cours/{SECTOR}/")
    expect(page.get_by_role("listitem").filter(has_text=title)).to_contain_text("Validée")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_text("Votre tuteur a validé cette activité.")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 2 · validée")).to_be_visible()
    axe_check(page)
