"""A learner downloads their data; an admin reads tutor reactivity and anonymises a learner, in the browser."""

import json
import re

from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN
from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import choose
from tests.e2e.conftest import sign_in


def test_learner_downloads_their_data(page, tmp_path):
    sign_in(page, LEARNER)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Paramètres").click()
    page.get_by_role("link", name="Voir et télécharger mes données").click()
    expect(page.get_by_role("heading", level=1, name="Mes données")).to_be_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données (fichier JSON)").click()
    assert re.fullmatch(r"mes-donnees-\d{4}-\d\d-\d\d\.json", download.value.suggested_filename)
    target = tmp_path / "donnees.json"
    download.value.save_as(target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["account"]["email"] == LEARNER and data["enrolments"]


def test_admin_reads_reactivity_then_anonymises_a_learner(page):
    sign_in(page, ADMIN)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Réactivité des tuteurs").click()
    expect(page.get_by_role("table", name="Réactivité par tuteur, par ordre alphabétique")).to_be_visible()
    axe_check(page)
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role("link", name="Administration").click()
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"Anonymiser Chloé Richard")).click()
    expect(page.get_by_role("heading", level=1, name="Anonymiser un compte")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Anonymiser ce compte").click()
    expect(page.get_by_text("Cochez la case pour confirmer l'anonymisation.")).to_be_visible()
    axe_check(page)
    choose(page, "Je confirme l'anonymisation : elle est définitive.")
    page.get_by_role("button", name="Anonymiser ce compte").click()
    expect(page.get_by_text("Le compte a été anonymisé.")).to_be_visible()
    expect(page.get_by_role("cell", name="chloe.richard@demo.test")).to_have_count(0)
    axe_check(page)
