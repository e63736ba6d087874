"""Access rules and role home pages, seen from the browser; every page checked with axe."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.catalogue.models import Module
from app.demo import DEMO_ACCOUNTS
from app.demo import DEMO_COHORT
from app.extensions import db
from tests.e2e.conftest import ADMIN
from tests.e2e.conftest import AUTHOR
from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import TUTOR
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in

MODULE_URL = "/cours/introduction/"


def test_learner_gets_the_access_denied_page_on_the_tutor_area(page):
    sign_in(page, LEARNER)
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Tutorat")).to_have_count(0)

    response = page.goto("/tutorat/")
    assert response.status == 403
    expect(page).to_have_title(re.compile(r"Accès refusé"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(page.get_by_role("link", name="Retour au cours")).to_be_visible()
    axe_check(page)


def test_anonymous_visitor_signs_in_and_returns_to_the_page_asked_for(page):
    page.goto(MODULE_URL)
    expect(page).to_have_url(re.compile(r"/connexion\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_have_count(0)
    axe_check(page)

    # A wrong password first: the error is tied to the field and the page stays accessible.
    sign_in_form_error(page)
    axe_check(page)

    sign_in(page, LEARNER)
    expect(page).to_have_url(re.compile(rf"{re.escape(MODULE_URL)}$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.goto(MODULE_URL)
    expect(page).to_have_url(re.compile(r"/connexion\?next="))


def sign_in_form_error(page):
    page.get_by_label("Adresse e-mail").fill(LEARNER)
    page.get_by_label("Mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    password = page.get_by_label("Mot de passe")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("Adresse e-mail ou mot de passe incorrect"))
    expect(page).to_have_url(re.compile(r"/connexion\?next="))


def test_sign_in_page_has_no_horizontal_scroll_on_a_small_phone(page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/connexion")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    axe_check(page)


@pytest.mark.parametrize(
    ("email", "nav_link", "heading"),
    [(TUTOR, "Tutorat", "Tutorat"), (AUTHOR, "Édition", "Édition du cours"), (ADMIN, "Administration", "Administration")],
    ids=["tutor", "author", "admin"],
)
def test_staff_open_their_home_page(page, live_app, email, nav_link, heading):
    sign_in(page, email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=nav_link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    main = page.get_by_role("main")
    if email == TUTOR:
        expect(main.get_by_role("rowheader", name=DEMO_COHORT)).to_be_visible()
    elif email == AUTHOR:
        with live_app.app_context():
            titles = db.session.scalars(select(Module.title).where(Module.is_archived.is_(False))).all()
        for title in titles:
            expect(main.get_by_role("heading", level=2, name=title)).to_be_visible()
    else:
        for account_email, *_rest in DEMO_ACCOUNTS:
            expect(main.get_by_role("cell", name=account_email, exact=True)).to_be_visible()
    axe_check(page)
