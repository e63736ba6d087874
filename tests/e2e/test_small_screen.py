"""A 390 px phone: the navigation fits, no page scrolls sideways, no table is cut off.

``document.documentElement.scrollWidth`` above the viewport's width means something sticks out
of the page (the reader would have to scroll sideways to see it). Wide tables are allowed to
scroll inside their own focusable region (``.table-wrap``), never the page. Set
``SCREENSHOTS_DIR`` to keep a full-page screenshot of each page looked at.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import TUTOR
from tests.e2e.conftest import sign_in

WIDTH = 390

LEARNER_PAGES = {
    "course-map": "/cours/",
    "module": "/cours/introduction/",
    "reading": "/cours/introduction/pourquoi-ce-cours",
    "quiz": "/quiz/introduction",
    "my-progress": "/parcours/",
    "diagnostic": "/autodiagnostic/",
    "diagnostic-before": "/autodiagnostic/before",
    "settings": "/parametres/",
}


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": WIDTH, "height": 844})
    return page


def _overflow(page: Page) -> dict:
    """The page's width, and the elements that stick out of the viewport (outside scrolling regions)."""
    return page.evaluate(
        """width => ({
            scrollWidth: document.documentElement.scrollWidth,
            outside: [...document.querySelectorAll('body *')]
                .filter(el => !el.closest('.table-wrap, pre') && el.getBoundingClientRect().right > width + 0.5)
                .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ': ' + (el.textContent || '').trim().slice(0, 40)),
        })""",
        WIDTH,
    )


def _look(page: Page, name: str, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state()
    keep = os.environ.get("SCREENSHOTS_DIR")
    if keep:
        page.screenshot(path=str(Path(keep) / f"{name}.png"), full_page=True)
    found = _overflow(page)
    assert found["scrollWidth"] <= WIDTH and not found["outside"], f"{path} is wider than {WIDTH} px: {found}"


def _answer_the_diagnostic(page: Page) -> None:
    """Rate every statement "before", so that the overview shows its table."""
    page.goto("/autodiagnostic/before")
    for group in page.locator("fieldset").all():
        group.locator("label").nth(2).click()
    page.get_by_role("button", name="Enregistrer").click()


def test_learner_pages_fit_a_phone(phone: Page):
    sign_in(phone, LEARNER)
    _answer_the_diagnostic(phone)
    for name, path in LEARNER_PAGES.items():
        _look(phone, name, path)
    # The tables that are wider than the screen scroll in their own region, reachable by keyboard.
    phone.goto("/parcours/")
    region = phone.locator(".table-wrap").first
    expect(region).to_have_attribute("tabindex", "0")
    box = region.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH


def test_navigation_fits_a_phone(phone: Page):
    """Every link of the header is on screen (wrapped if need be), none hidden past the edge."""
    sign_in(phone, TUTOR)
    phone.goto("/tutorat/")
    links = phone.locator(".site-header a, .site-header button")
    assert links.count() >= 6
    for link in links.all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, link.text_content()
    _look(phone, "tutoring", "/tutorat/")


def test_the_site_has_an_icon(page: Page, live_server):
    page.goto("/connexion")
    icon = page.locator("link[rel=icon]")
    href = icon.get_attribute("href")
    assert href and page.request.get(href).ok
    answer = page.request.get("/favicon.ico")
    assert answer.ok and answer.headers["content-type"].startswith("image/svg+xml")
