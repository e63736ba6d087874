"""The author edits a reading in the browser: live preview, publication, restore; the learner follows."""

import re

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.conftest import AUTHOR
from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in

READING_URL = "/cours/introduction/six-lignes-de-force"
NEW_SENTENCE = "Une phrase ajoutée par l'auteure pour ce test."


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion"))


def test_author_edits_previews_publishes_then_restores(page):
    sign_in(page, AUTHOR)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Édition").click()
    axe_check(page)
    page.get_by_role("link", name=re.compile("six lignes de force", re.IGNORECASE)).first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Lecture :"))).to_be_visible()
    axe_check(page)
    body = page.get_by_label("Texte (Markdown)")
    body.fill(body.input_value() + f"\n\n**{NEW_SENTENCE}**\n")
    # the live preview follows the typing (JavaScript), through the server's sanitising renderer
    expect(page.locator("#apercu strong", has_text=NEW_SENTENCE)).to_be_visible()
    page.get_by_role("button", name="Prévisualiser").click()  # the same without JavaScript
    expect(page.locator("#apercu strong", has_text=NEW_SENTENCE)).to_be_visible()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text(re.compile(r"Publié : les apprenants voient maintenant la révision 2\."))).to_be_visible()
    _sign_out(page)

    sign_in(page, LEARNER)
    page.goto(READING_URL)
    expect(page.get_by_text(NEW_SENTENCE)).to_be_visible()
    _sign_out(page)

    sign_in(page, AUTHOR)
    page.goto("/edition/")
    page.get_by_role("link", name=re.compile("six lignes de force", re.IGNORECASE)).first.click()
    page.get_by_role("link", name="Historique").click()
    expect(page.get_by_role("heading", name="Révision 1 → révision 2")).to_be_visible()
    expect(page.locator("tr.diff-added", has_text=NEW_SENTENCE)).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Restaurer la révision 1").click()
    expect(page.get_by_text("Révision 1 restaurée : elle est publiée comme révision 3.")).to_be_visible()
    axe_check(page)
    _sign_out(page)

    sign_in(page, LEARNER)
    page.goto(READING_URL)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text(NEW_SENTENCE)).to_have_count(0)
