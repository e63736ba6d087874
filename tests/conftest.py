"""Fixtures shared by the whole suite.

The database is SQLite (a temporary file) unless ``TEST_DATABASE_URL`` names a PostgreSQL
database; the schema is created once per session and every table is emptied after each test.
"""

import os
import re
import shutil
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from app.auth.models import Role
from app.auth.models import User
from app.auth.services import create_user as create_account
from app.cohorts.models import Cohort
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.config import normalise_database_url
from app.consent.services import set_contact_consent
from app.extensions import db
from app.package.services import import_package
from tests.smtp import smtp_server_for

DATA_DIR = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
PASSWORD = "motdepasse-de-test"
#: Cheap Argon2id (8 KiB, 1 pass): the tests are about behaviour, not about slowing down attackers;
#: tests/auth/test_password_hashing.py signs in with the production parameters.
FAST_HASH = {"memory_cost": 8, "time_cost": 1, "parallelism": 1}


def app_config(database_url: str, **overrides) -> dict:
    """Return the configuration every test app uses."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_PARAMETERS": FAST_HASH,
        "PASSWORD_RESET_MIN_SECONDS": 0,  # the padding has its own test; the others need not wait
        "COURSE_DIR": DATA_DIR / "course",
        "QUIZZES_DIR": DATA_DIR / "quizzes",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Create the schema once, on PostgreSQL if ``TEST_DATABASE_URL`` is set, else on SQLite."""
    url = os.environ.get("TEST_DATABASE_URL")
    url = normalise_database_url(url) if url else f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    app = create_app(app_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return url


def empty_tables() -> None:
    """Delete every row of every table (faster than recreating the schema)."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def make_app(database_url):
    """Return a callable building an app on the test database, with config overrides."""
    apps = []

    def _make_app(**overrides):
        app = create_app(app_config(database_url, **overrides))
        apps.append(app)
        return app

    yield _make_app
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if apps:
        with apps[0].app_context():
            empty_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """A fresh application on an empty database."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for ``app``."""
    return app.test_cli_runner()


@pytest.fixture
def create_user(app):
    """Return a callable creating an account (a learner unless roles say otherwise)."""
    counter = iter(range(1, 10_000))

    def _create_user(roles: Role = Role.LEARNER, email: str | None = None, name: str = "Test User"):
        with app.app_context():
            user = create_account(email or f"user{next(counter)}@example.org", name, PASSWORD, roles)
            db.session.commit()
            user_id = user.id
            email = user.email
        return _UserRef(user_id, email)

    return _create_user


class _UserRef:
    """The id and email of an account created by a test (no session-bound object)."""

    def __init__(self, id_: int, email: str):
        self.id = id_
        self.email = email


@pytest.fixture
def login(client):
    """Return a callable signing ``client`` in as a user."""

    def _login(user, password: str = PASSWORD, next_url: str | None = None):
        url = "/connexion" + (f"?next={next_url}" if next_url else "")
        return client.post(url, data={"email": user.email, "password": password})

    return _login


@pytest.fixture
def course(app):
    """Import the small test package (tests/data) and return the app."""
    with app.app_context():
        import_package(app.config["COURSE_DIR"], app.config["QUIZZES_DIR"])
        db.session.commit()
    return app


#: An activity for the test package's module, kept apart so that the other tests' pace stays the
#: package's readings and quiz; :func:`course_with_activity` adds it.
ACTIVITY_FILE = ROOT / "tests" / "activities" / "data" / "03-activite.toml"


@pytest.fixture
def course_with_activity(app, course, tmp_path):
    """Import the test package again, with an applied activity after its readings; return the package's folder."""
    package = tmp_path / "package"
    shutil.copytree(app.config["COURSE_DIR"], package / "course")
    shutil.copytree(app.config["QUIZZES_DIR"], package / "quizzes")
    shutil.copy(ACTIVITY_FILE, package / "course" / "01-bases" / ACTIVITY_FILE.name)
    with app.app_context():
        import_package(package / "course", package / "quizzes")
        db.session.commit()
    return package


@pytest.fixture
def learner(create_user, login, course):
    """A signed-in learner on the imported test package."""
    user = create_user()
    assert login(user).status_code == 302
    return user


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on localhost (aiosmtpd) the app sends to; yields its inbox."""
    with smtp_server_for(app) as inbox:
        yield inbox


def csrf_token_from(html: str) -> str:
    """Return the CSRF token embedded in a page."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture
def package_dir(tmp_path):
    """Copy tests/data to a temporary folder that a test may break."""
    shutil.copytree(DATA_DIR, tmp_path / "pkg")
    return tmp_path / "pkg"


@pytest.fixture
def two_modules(package_dir):
    """The test package with a second module, « autre », whose quiz has the same question ids."""
    other = package_dir / "course" / "02-autre"
    shutil.copytree(package_dir / "course" / "01-bases", other)
    _replace_in(other / "module.toml", 'slug = "bases"', 'slug = "autre"')
    for name, slug in (("01-premiere.md", "premiere"), ("02-seconde.md", "seconde")):
        _replace_in(other / name, f'slug = "{slug}"', f'slug = "autre-{slug}"')
    quiz = (package_dir / "quizzes" / "bases.toml").read_text(encoding="utf-8").replace('module = "bases"', 'module = "autre"')
    quiz = quiz.replace('reading = "premiere"', 'reading = "autre-premiere"').replace('reading = "seconde"', 'reading = "autre-seconde"')
    (package_dir / "quizzes" / "autre.toml").write_text(quiz, encoding="utf-8")
    return package_dir


def _replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def package_app(make_app, package_dir):
    """An app whose COURSE_DIR and QUIZZES_DIR point at the editable copy."""
    return make_app(COURSE_DIR=package_dir / "course", QUIZZES_DIR=package_dir / "quizzes")


#: Test package: premiere (10 min), seconde (10 min), quiz (5 min). Over this 25-day window the
#: pace expects premiere by 11 November, seconde by 21 November and the quiz on the 26th.
START, END = date(2026, 11, 1), date(2026, 11, 26)


class Clock:
    """A clock the test moves; the app reads it through ``CLOCK``."""

    def __init__(self):
        self.now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, day: date, hour: int = 9) -> None:
        """Move to ``day`` at ``hour`` UTC."""
        self.now = datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


@pytest.fixture
def clock(app):
    """The app's clock, set to the cohort's first morning."""
    value = Clock()
    app.config["CLOCK"] = value
    return value


@pytest.fixture
def cohort(app, course, clock):
    """Return the id of a cohort from 1 to 26 November 2026."""
    with app.app_context():
        cohort_id = get_or_create_cohort("Cohorte de novembre", START, END).id
        db.session.commit()
    return cohort_id


@pytest.fixture
def enrolled(app, cohort, create_user):
    """Return a callable creating a learner enrolled in the cohort (consenting if asked)."""

    def _enrolled(consent: bool = False, name: str = "Camille Martin"):
        ref = create_user(name=name)
        with app.app_context():
            user = db.session.get(User, ref.id)
            enrol(db.session.get(Cohort, cohort), user)
            if consent:
                set_contact_consent(user, True)
            db.session.commit()
        return ref

    return _enrolled



_skipped: list[str] = []


def pytest_runtest_logreport(report):
    """Remember skipped tests, so that CI can refuse a run that skipped any."""
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """With FAIL_ON_SKIP set, a run that skipped a test fails."""
    if os.environ.get("FAIL_ON_SKIP") and _skipped and exitstatus == 0:
        print(f"\nFAIL_ON_SKIP: {len(_skipped)} test(s) skipped: {', '.join(_skipped[:10])}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
