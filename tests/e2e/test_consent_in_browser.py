"""The learner gives and withdraws consent to be contacted, in the browser."""

from playwright.sync_api import expect

from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import choose
from tests.e2e.conftest import sign_in


def test_learner_gives_then_withdraws_consent(page):
    sign_in(page, LEARNER)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Paramètres").click()
    expect(page.get_by_text("vous ne serez pas contacté.")).to_be_visible()
    axe_check(page)
    choose(page, "Oui, j'accepte d'être contacté")
    page.get_by_role("button", name="Enregistrer mon choix").click()
    expect(page.get_by_text("vous acceptez d'être contacté.")).to_be_visible()
    expect(page.get_by_text("accord donné")).to_be_visible()
    axe_check(page)
    choose(page, "Non, je ne souhaite pas être contacté")
    page.get_by_role("button", name="Enregistrer mon choix").click()
    expect(page.get_by_text("vous ne serez pas contacté.")).to_be_visible()
    expect(page.get_by_text("accord retiré")).to_be_visible()


def test_the_profile_changes_the_name_and_names_a_refused_password(page):
    from tests.e2e.conftest import DEMO_PASSWORDS

    sign_in(page, LEARNER)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Paramètres").click()
    page.get_by_role("link", name="Modifier mon profil").click()
    expect(page.get_by_role("heading", name="Mon profil", exact=True)).to_be_visible()
    axe_check(page)
    page.get_by_label("Nom affiché").fill("Léa M.")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page.get_by_text("Votre profil est enregistré.")).to_be_visible()
    expect(page.get_by_label("Nom affiché")).to_have_value("Léa M.")
    page.get_by_label("Mot de passe actuel").fill(DEMO_PASSWORDS[LEARNER])
    page.get_by_label("Nouveau mot de passe", exact=True).fill("court")
    page.get_by_label("Nouveau mot de passe, une seconde fois").fill("court")
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.get_by_label("Nouveau mot de passe", exact=True)).to_have_attribute("aria-invalid", "true")
    axe_check(page)  # the refusal, tied to its field, is accessible too; nothing was changed
