"""``flask db upgrade`` on an empty database, then ``flask db check`` reports no drift."""

import os
import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url

from app import create_app
from app.config import normalise_database_url
from tests.conftest import app_config


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database on the engine under test (a new PostgreSQL database, or a new SQLite file)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    base = make_url(normalise_database_url(url))
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_upgrade_from_empty_then_check_reports_no_drift(empty_database_url):
    app = create_app(app_config(empty_database_url))
    runner = app.test_cli_runner()
    upgrade = runner.invoke(args=["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0, f"{check.output}\n{check.exception!r}"
    downgrade = runner.invoke(args=["db", "downgrade", "base"])
    assert downgrade.exit_code == 0, downgrade.output
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
