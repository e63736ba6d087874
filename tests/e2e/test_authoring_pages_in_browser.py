"""Every authoring page passes axe: the module editor, a conflict, history of a quiz, GIFT import with problems."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import AUTHOR
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in


def test_authoring_pages_are_accessible(page, browser, live_server):
    sign_in(page, AUTHOR)
    page.goto("/edition/")
    page.get_by_role("link", name=re.compile("^Modifier le module")).first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Module :"))).to_be_visible()
    axe_check(page)
    page.get_by_label("Titre").fill("")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Indiquez un titre.")).to_be_visible()
    axe_check(page)

    # a second author saves the same module first: the first one's save shows both texts
    other = browser.new_context(base_url=live_server, locale="fr-FR")
    other_page = other.new_page()
    sign_in(other_page, AUTHOR)
    other_page.goto(page.url)
    other_page.get_by_label("Résumé (affiché sur la carte du cours)").fill("Le résumé de l'autre auteur.")
    other_page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(other_page.get_by_text("Brouillon enregistré.")).to_be_visible()
    other.close()
    page.get_by_label("Titre").fill("Mon titre")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("heading", name="Un autre auteur a modifié ce texte pendant que vous le modifiiez")).to_be_visible()
    expect(page.get_by_text("Le résumé de l'autre auteur.").first).to_be_visible()
    axe_check(page)

    page.goto("/edition/")
    page.get_by_role("link", name=re.compile("^Import et export GIFT")).first.click()
    axe_check(page)
    page.get_by_label("Ou collez le texte GIFT").fill("Une question ouverte ? {}\n\nQuelle couleur ? {=bleu ~rouge}")
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text(re.compile(r"Ligne 1"))).to_be_visible()
    axe_check(page)

    page.goto("/edition/")
    page.get_by_role("link", name=re.compile("^Historique du quiz")).first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Historique"))).to_be_visible()
    axe_check(page)
