"""The admin creates a cohort and enrols the demo learner, in the browser."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in

ADMIN = "admin@demo.test"


def test_admin_creates_a_cohort_and_enrols_a_learner(page):
    sign_in(page, ADMIN, "demo-admin-ia")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Gérer les cohortes").click()
    axe_check(page)
    page.get_by_label("Nom de la cohorte").fill("Cohorte de février")
    page.get_by_label("Date de début").fill("2027-02-01")
    page.get_by_label("Date de fin").fill("2027-01-01")
    page.get_by_role("button", name="Créer la cohorte").click()
    expect(page.get_by_text("La date de fin doit suivre la date de début.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Date de fin").fill("2027-03-01")
    page.get_by_role("button", name="Créer la cohorte").click()
    expect(page).to_have_url(re.compile(r"/admin/cohortes/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Cohorte de février")).to_be_visible()
    page.get_by_label("Adresse e-mail").first.fill("apprenant@demo.test")
    page.get_by_role("button", name="Inscrire l'apprenant").click()
    expect(page.get_by_text("Apprenant inscrit.")).to_be_visible()
    expect(page.get_by_role("heading", name="Apprenants (1)")).to_be_visible()
    axe_check(page)


def test_admin_uploads_a_csv_with_a_bad_row_then_fixes_it(page, tmp_path):
    sign_in(page, ADMIN, "demo-admin-ia")
    page.goto("/admin/cohortes/")
    page.get_by_label("Nom de la cohorte").fill("Cohorte de mars")
    page.get_by_label("Date de début").fill("2027-03-01")
    page.get_by_label("Date de fin").fill("2027-03-29")
    page.get_by_role("button", name="Créer la cohorte").click()
    bad = tmp_path / "apprenants.csv"
    bad.write_text("email\napprenant@demo.test\ninconnu@demo.test\n", encoding="utf-8")
    page.get_by_label("Fichier CSV (une adresse e-mail par ligne)").set_input_files(str(bad))
    page.get_by_role("button", name="Inscrire les apprenants du fichier").click()
    expect(page.get_by_role("alert")).to_contain_text("ligne 3 : aucun compte pour inconnu@demo.test")
    expect(page.get_by_role("heading", name="Apprenants (0)")).to_be_visible()
    axe_check(page)
    good = tmp_path / "corrige.csv"
    good.write_text("email\napprenant@demo.test\n", encoding="utf-8")
    page.get_by_label("Fichier CSV (une adresse e-mail par ligne)").set_input_files(str(good))
    page.get_by_role("button", name="Inscrire les apprenants du fichier").click()
    expect(page.get_by_text("Apprenants du fichier inscrits.")).to_be_visible()
    expect(page.get_by_role("heading", name="Apprenants (1)")).to_be_visible()
