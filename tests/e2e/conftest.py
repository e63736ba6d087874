"""Browser tests: Chromium (through Playwright) drives a live server on the real course package.

Each test gets a fresh application on the test database (SQLite, or PostgreSQL when
``TEST_DATABASE_URL`` is set) loaded with the demo data, served by Werkzeug in a thread, and a
fresh browser context; the browser itself is shared by the whole session.  Every test in this
folder is marked ``e2e`` (``pytest -m "not e2e"`` skips them).

Chromium is Debian's (``make browser``); set ``CHROMIUM`` to use another binary.
"""

import os
import re
import threading
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Locator
from playwright.sync_api import Page
from playwright.sync_api import expect
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app.demo import DEMO_ACCOUNTS
from app.demo import load_demo
from app.extensions import db
from tests.conftest import ROOT

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: No sandbox (containers), and nothing that phones home: the test network is closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: axe-core as shipped with axe-playwright-python.
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
#: Playwright waits this long (ms) for an element or a navigation before failing.
TIMEOUT_MS = 10_000

#: email -> password of the demo accounts (``flask demo``).
DEMO_PASSWORDS = {email: password for email, _name, password, _roles in DEMO_ACCOUNTS}
LEARNER = "apprenant@demo.test"
TUTOR = "tuteur@demo.test"
AUTHOR = "auteur@demo.test"
ADMIN = "admin@demo.test"


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder ``e2e``."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def live_app(make_app):
    """An app on the real course package with the demo accounts; CSRF on, as in production."""
    app = make_app(COURSE_DIR=ROOT / "course", QUIZZES_DIR=ROOT / "quizzes", WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_demo()
        db.session.commit()
    return app


@pytest.fixture
def live_server(live_app):
    """Serve ``live_app`` on a free local port for the duration of a test; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    if not os.access(CHROMIUM, os.X_OK):
        reason = f"Chromium not found at {CHROMIUM} (run `make browser` or set CHROMIUM)"
        # A missing browser must not pass unnoticed: skipping is a choice the person running the tests makes.
        if os.environ.get("SKIP_BROWSER_TESTS"):
            pytest.skip(reason)
        pytest.fail(f"{reason}; set SKIP_BROWSER_TESTS=1 to skip the browser tests instead", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh French browser context pointed at the live server.

    The site's Content-Security-Policy stays enforced (axe is injected through the DevTools
    protocol, which CSP does not block), and the test fails if the page breaks it or throws.
    """
    context = browser.new_context(base_url=live_server, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if _is_problem(msg) else None)
    page.on("pageerror", lambda error: problems.append(f"uncaught error: {error}"))
    yield page
    context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


def _is_problem(message) -> bool:
    """A CSP violation or a script error (a 404 for /favicon.ico is not one)."""
    text = message.text
    return message.type == "error" and ("Content Security Policy" in text or "Failed to load resource" not in text)


def sign_in(page: Page, email: str, password: str | None = None) -> None:
    """Sign in through the form, as a person would."""
    if "/connexion" not in page.url:
        page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password if password is not None else DEMO_PASSWORDS[email])
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile(r"/connexion"))


def choose(scope: Page | Locator, label: str | re.Pattern) -> None:
    """Pick a radio button or tick a check box by clicking its label, as a person would.

    Clicking the label (rather than the tiny input) keeps working whatever the stylesheet does
    to enlarge the tap target; the input must then be checked.
    """
    pattern = label if isinstance(label, re.Pattern) else re.compile(rf"^\s*{re.escape(label)}\s*$")
    scope.locator("label").filter(has_text=pattern).click()
    expect(scope.get_by_label(pattern)).to_be_checked()


def axe_check(page: Page) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page; fail on any violation."""
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    violations = results["violations"]
    if violations:
        raise AssertionError(format_violations(page.url, violations))


def format_violations(url: str, violations: list[dict]) -> str:
    """Describe axe violations readably: rule, impact, help, and each failing node."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)
