"""An author signed in on the test package."""

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.catalogue.models import Module
from app.catalogue.models import Reading
from app.extensions import db


@pytest.fixture
def author(client, create_user, login, course):
    """A signed-in author (the test package is imported)."""
    user = create_user(roles=Role.AUTHOR, name="Alex Auteur")
    login(user)
    return user


def reading_id(app, slug: str = "premiere") -> int:
    """Return a reading's id."""
    with app.app_context():
        return db.session.scalar(select(Reading.id).where(Reading.slug == slug))


def module_id(app, slug: str = "bases") -> int:
    """Return a module's id."""
    with app.app_context():
        return db.session.scalar(select(Module.id).where(Module.slug == slug))


def reading_form(**changes) -> dict:
    """The reading editor's fields for the test package's first reading, with ``changes``."""
    data = {
        "title": "Première lecture", "estimated_minutes": "10", "source_first": "23", "source_last": "35",
        "interviewee": "", "role": "", "organisation": "", "body": "## Premier titre\n\nUn texte revu.", "version": "0", "base": "1",
    }
    data.update(changes)
    return data
