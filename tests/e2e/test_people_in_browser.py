"""An organisation brings its people in: an admin imports a file, a person accepts the emailed invitation."""

import re

from playwright.sync_api import expect

from tests.accounts.helpers import link_path
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in
from tests.smtp import smtp_server_for

ADMIN = "admin@demo.test"
PEOPLE = (
    "\ufeffemail;prenom;nom;roles;cohorte\n"
    "nina.nouvel@demo.test;Nina;Nouvel;apprenant;Cohorte de démonstration\n"
    "omar.roussel@demo.test;Omar;Roussel;apprenant;Cohorte de démonstration\n"
    "paula.simon@demo.test;Paula;Simon;tuteur|apprenant;\n"
)
PASSWORD = "un-mot-de-passe-bien-a-moi"


def test_an_imported_person_accepts_the_invitation_and_lands_on_their_cohort(page, browser, live_app, live_server, tmp_path):
    live_app.config["PLATFORM_HOMEPAGE"] = live_server  # the links in the emails lead to this server
    people = tmp_path / "personnes.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    sign_in(page, ADMIN, "demo-admin-ia")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Administration").click()
    axe_check(page)  # the account list
    page.get_by_role("link", name="Importer des comptes (CSV)").click()
    axe_check(page)
    page.get_by_label("Fichier CSV").set_input_files(str(people))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_text("Comptes à créer : 3")).to_be_visible()
    axe_check(page)  # the preview
    page.get_by_role("button", name="Importer les 3 personnes").click()
    expect(page.get_by_text("3 comptes créés, 0 mis à jour, 2 inscriptions, 3 invitations envoyées")).to_be_visible()
    page.get_by_label("État").select_option("invitation-en-attente")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("cell", name=re.compile("invitation non acceptée"))).to_have_count(3)

    with smtp_server_for(live_app) as inbox:
        result = live_app.test_cli_runner().invoke(args=["outbox", "send"])
        assert result.exit_code == 0, result.output
    imported = ("nina.nouvel@demo.test", "omar.roussel@demo.test", "paula.simon@demo.test")
    received = [(to, message) for to, message in inbox.messages if to[0] in imported]  # the demo queues reminders too
    assert sorted(to[0] for to, _ in received) == sorted(imported)  # one each
    invitation = next(message for to, message in received if to == ["nina.nouvel@demo.test"])
    assert invitation["Subject"] == "Votre accès au cours « Comprendre l'IA au travail »"

    nina = browser.new_context(base_url=live_server, locale="fr-FR", timezone_id="Europe/Paris").new_page()
    nina.goto(link_path(invitation.get_content()))
    expect(nina.get_by_role("heading", name="Activer mon compte")).to_be_visible()
    axe_check(nina)
    nina.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    nina.get_by_label("Nouveau mot de passe, une seconde fois").fill(PASSWORD)
    nina.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(nina.get_by_text("Votre mot de passe est enregistré")).to_be_visible()
    sign_in(nina, "nina.nouvel@demo.test", PASSWORD)
    expect(nina).to_have_url(re.compile(r"/cours/$"))
    expect(nina.get_by_text(re.compile(r"Cohorte de démonstration : du "))).to_be_visible()
    axe_check(nina)
    nina.goto(link_path(invitation.get_content()))  # the link worked once
    expect(nina.get_by_role("heading", name="Lien expiré ou déjà utilisé")).to_be_visible()
    axe_check(nina)
    nina.context.close()


def test_the_new_pages_pass_axe(page, live_app, tmp_path):
    sign_in(page, ADMIN, "demo-admin-ia")
    for url in ("/admin/comptes/nouveau", "/profil", "/profil/double-facteur"):
        page.goto(url)
        axe_check(page)
    page.goto("/admin/comptes/nouveau")
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.get_by_text("Indiquez une adresse e-mail.")).to_be_visible()
    axe_check(page)  # the refusal
    page.get_by_label("Adresse e-mail").fill("quentin@demo.test")
    page.get_by_label("Prénom").fill("Quentin")
    page.get_by_label("Nom", exact=True).fill("Leroy")
    page.get_by_role("button", name="Créer le compte").click()
    expect(page.get_by_role("heading", level=1, name="Quentin Leroy")).to_be_visible()
    axe_check(page)  # the account page
    page.get_by_role("link", name="Administration").first.click()
    page.goto("/admin/cohortes/")
    page.get_by_role("link", name="Cohorte de démonstration").click()
    page.get_by_role("link", name="Modifier le nom, les dates ou les seuils").click()
    axe_check(page)
    page.go_back()
    page.locator("#apprenants").locator("..").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Changer de cohorte")).to_be_visible()
    axe_check(page)
    page.context.clear_cookies()
    for url in ("/mot-de-passe-oublie", "/invitation/pas-un-vrai-lien"):
        page.goto(url)
        axe_check(page)


def test_a_two_factor_sign_in_in_the_browser(page, live_app):
    import pyotp
    from sqlalchemy import select

    from app.auth.models import User
    from app.clock import now_utc
    from app.extensions import db

    secret = pyotp.random_base32(32)
    with live_app.app_context():
        tutor = db.session.scalar(select(User).where(User.email == "tuteur@demo.test"))
        tutor.totp_secret, tutor.totp_enabled_dt = secret, now_utc()
        db.session.commit()
    from tests.e2e.conftest import DEMO_PASSWORDS

    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill("tuteur@demo.test")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORDS["tuteur@demo.test"])
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Code de vérification")).to_be_visible()
    axe_check(page)
    page.get_by_label("Code à 6 chiffres de l'application, ou code de secours").fill("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("Code incorrect ou déjà utilisé.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Code à 6 chiffres de l'application, ou code de secours").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Vérifier").click()
    expect(page).to_have_url(re.compile(r"/cours/$"))


def test_the_remaining_new_pages_pass_axe(page, live_app, tmp_path):
    from app.auth import oidc

    sign_in(page, ADMIN, "demo-admin-ia")
    bad = tmp_path / "faux.csv"
    bad.write_text("email;prenom;nom\npas-une-adresse;A;B\n", encoding="utf-8")
    page.goto("/admin/comptes/import")
    page.get_by_label("Fichier CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_text("ligne 2 : adresse e-mail invalide")).to_be_visible()
    axe_check(page)  # the preview refusing the file
    page.goto("/admin/cohortes/1/apprenants/999")
    expect(page.get_by_role("heading", name="Pas dans cette cohorte")).to_be_visible()
    axe_check(page)
    page.goto("/profil/double-facteur")
    secret = page.locator("code.secret").inner_text()
    import pyotp

    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    axe_check(page)  # with the recovery codes, and the forms to renew them or turn it off
    live_app.config.update(OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID="lms", OIDC_CLIENT_SECRET="x", OIDC_PROVIDER_NAME="Test SSO")
    oidc.init_app(live_app)
    page.context.clear_cookies()
    page.goto("/connexion")
    expect(page.get_by_role("link", name="Se connecter avec Test SSO")).to_be_visible()
    axe_check(page)
    page.goto("/connexion/sso/retour?code=forged&state=forged")
    expect(page.get_by_role("heading", name="Connexion refusée")).to_be_visible()
    axe_check(page)
