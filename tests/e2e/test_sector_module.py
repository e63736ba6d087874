"""A learner walks a whole real sector module: every reading through the pager, then the quiz."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import LEARNER
from tests.e2e.conftest import axe_check
from tests.e2e.conftest import sign_in
from tests.e2e.test_learner_journey import answer_quiz
from tests.e2e.test_learner_journey import module_card
from tests.e2e.test_learner_journey import module_plan

SECTOR = "sante"


def test_learner_completes_the_health_module(page, live_app):
    plan = module_plan(live_app, SECTOR)
    sign_in(page, LEARNER)
    module_card(page, plan).get_by_role("link", name=plan.title, exact=True).click()
    page.get_by_role("link", name=plan.reading_titles[0], exact=True).click()
    pager = page.get_by_role("navigation", name="Lecture précédente et suivante")
    for title in plan.reading_titles:
        expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
        expect(page.locator(".admonition.retenir")).to_be_visible()  # every reading ends with its box
        axe_check(page)
        page.get_by_role("button", name="Marquer comme lu").click()
        expect(page.get_by_text("Vous avez marqué cette lecture comme lue.")).to_be_visible()
        pager.locator("a[rel=next]").click()
    (activity,) = plan.activity_titles  # the last reading leads to the activity, then to the quiz
    expect(page.get_by_role("heading", level=1, name=activity)).to_be_visible()
    page.get_by_role("navigation", name="Suite du module").locator("a[rel=next]").click()
    expect(page).to_have_url(re.compile(rf"/quiz/{SECTOR}$"))
    axe_check(page)
    answer_quiz(page, plan, right=True)
    expect(page.get_by_text("Quiz réussi")).to_be_visible()
    axe_check(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Le cours").click()
    card = module_card(page, plan)
    total = len(plan.reading_titles)
    items = total + len(plan.activity_titles) + 1
    # Every reading and the quiz; the activity waits for the tutor (tests/e2e/test_activity_in_browser.py).
    expect(card.get_by_role("progressbar")).to_have_attribute("value", str(round(100 * (total + 1) / items)))
    expect(card).to_contain_text(f"{total} sur {total} lectures lues")
