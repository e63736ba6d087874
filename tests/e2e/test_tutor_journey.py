"""The tutor's journey in the browser, on the demo cohort after a night's ``flask alerts run``.

The tutor sees the demo learner's alert with its reason, cannot contact a learner who has not
agreed, and once the learner agrees: logs a contact, writes and previews a reminder that reaches
a real SMTP server, and resolves the alert. Every page is checked with axe.
"""

import re

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import TUTOR
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import choose
from tests.e2e.conftest import sign_in
from tests.smtp import smtp_server_for


@pytest.fixture
def inbox(live_app):
    """An SMTP server the live app's outbox sends to."""
    with smtp_server_for(live_app) as received:
        yield received


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion"))


def _open_learner(page: Page) -> None:
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tutorat").click()
    page.get_by_role("link", name="Cohorte de démonstration").click()
    page.get_by_role("link", name="Camille Apprenant").click()
    expect(page.get_by_role("heading", level=1, name="Camille Apprenant")).to_be_visible()


def _give_consent(page: Page) -> None:
    sign_in(page, LEARNER)
    page.goto("/parametres/")
    choose(page, "Oui, j'accepte d'être contacté")
    page.get_by_role("button", name="Enregistrer mon choix").click()
    expect(page.get_by_text("vous acceptez d'être contacté.")).to_be_visible()
    _sign_out(page)


def test_tutor_follows_up_an_alert(page, live_app, inbox):
    assert live_app.test_cli_runner().invoke(args=["alerts", "run"]).exit_code == 0
    sign_in(page, TUTOR)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tutorat").click()
    axe_check(page)
    page.get_by_role("link", name="Cohorte de démonstration").click()
    expect(page.get_by_role("heading", level=1, name="Cohorte de démonstration")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Apprenants, page 1"))
    expect(table.get_by_role("row", name=re.compile("Camille Apprenant"))).to_contain_text("pas commencé")
    axe_check(page)
    page.get_by_label("Situation").select_option(label="Pas commencé")
    page.get_by_label("Contact").select_option(label="Non contactables")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("1 apprenant correspond.")).to_be_visible()
    page.get_by_role("link", name="Camille Apprenant").click()
    expect(page.get_by_text(re.compile(r"Pas encore commencé : aucune activité depuis le début de la cohorte le \d+ \w+ \(7 jours\)\."))).to_be_visible()
    expect(page.get_by_text("l'apprenant n'a pas accepté d'être contacté : ni contact ni relance.")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer le contact")).to_have_count(0)
    axe_check(page)
    page.goto(page.url.split("/apprenants/")[0] + "/relance?apprenant=" + page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("alert")).to_contain_text("aucune relance ne peut partir")
    expect(page.get_by_role("button", name=re.compile("^Envoyer"))).to_have_count(0)
    axe_check(page)
    _sign_out(page)

    _give_consent(page)

    sign_in(page, TUTOR)
    _open_learner(page)
    page.get_by_label("Canal").select_option(label="Téléphone")
    page.get_by_label("Résultat").select_option(label="Apprenant joint")
    page.get_by_label("Alerte concernée").select_option(label="pas commencé")
    page.get_by_label("Note").fill("Démarre cette semaine, manque de temps.")
    page.get_by_role("button", name="Enregistrer le contact").click()
    expect(page.get_by_text("Contact enregistré.")).to_be_visible()
    expect(page.get_by_text("Téléphone · Apprenant joint · par Dominique Tuteur")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Envoyer une relance par e-mail").click()
    expect(page.get_by_role("heading", level=1, name="Relance par e-mail")).to_be_visible()
    axe_check(page)
    page.get_by_label("Objet").fill("Votre parcours, {prenom}")
    page.get_by_role("button", name="Prévisualiser").click()
    preview = page.get_by_role("region", name=re.compile("Aperçu pour apprenant@demo.test"))
    expect(preview).to_contain_text("Votre parcours, Camille")
    expect(preview).to_contain_text("Bonjour Camille,")
    axe_check(page)
    page.get_by_role("button", name="Envoyer à 1 apprenant").click()
    expect(page.get_by_text("1 relance mise en file d'envoi.")).to_be_visible()
    assert live_app.test_cli_runner().invoke(args=["outbox", "send"]).exit_code == 0
    # the demo's other learners who agreed got their automatic reminders too
    ((recipients, email),) = [(to, mail) for to, mail in inbox.messages if to == [LEARNER]]
    assert email["Subject"] == "Votre parcours, Camille"
    assert email.get_content().startswith("Bonjour Camille,")

    alerts = page.get_by_role("region", name="Alertes")
    alerts.get_by_role("button", name="Marquer comme traitée").first.click()
    expect(page.get_by_text("Alerte marquée comme traitée.")).to_be_visible()
    expect(page.get_by_role("region", name="Alertes")).to_contain_text("traitée le")
    axe_check(page)
