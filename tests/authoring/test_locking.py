"""Optimistic locking in the services: a save or a publication that started from an old state is refused."""

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select

from app.authoring.models import Draft
from app.authoring.services import EditConflict
from app.authoring.services import find_item
from app.authoring.services import publish
from app.authoring.services import save_draft
from app.authoring.services import working_copy
from app.contentfile import ContentInvalid
from app.extensions import db
from tests.authoring.conftest import reading_id

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _text(item, sentence):
    return item.row.source.replace("Un paragraphe avec", f"{sentence} Un paragraphe avec")


def test_versions_advance_and_a_stale_save_is_refused(app, course, create_user):
    with app.app_context():
        item = find_item("reading", reading_id(app))
        first = save_draft(item, _text(item, "A."), version=0, base=1, author_id=None, now=NOW)
        assert first.version == 1
        second = save_draft(item, _text(item, "B."), version=1, base=1, author_id=None, now=NOW)
        assert second.version == 2
        with pytest.raises(EditConflict) as conflict:
            save_draft(item, _text(item, "C."), version=1, base=1, author_id=None, now=NOW)
        assert "B." in conflict.value.theirs and conflict.value.version == 2
        with pytest.raises(EditConflict):
            save_draft(item, _text(item, "D."), version=0, base=1, author_id=None, now=NOW)  # a first save, but there is a draft
        assert "B." in db.session.scalar(select(Draft.source))


def test_a_publication_from_an_older_revision_is_refused(app, course):
    with app.app_context():
        item = find_item("reading", reading_id(app))
        publish(item, _text(item, "Publié."), version=0, base=1, author_id=None)
        assert item.row.revision == 2 and working_copy(item).base == 2
        with pytest.raises(EditConflict) as conflict:
            publish(item, _text(item, "Trop tard."), version=0, base=1, author_id=None)
        assert conflict.value.base == 2 and "Publié." in conflict.value.theirs


def test_an_invalid_text_is_refused_before_any_lock_check(app, course):
    with app.app_context():
        item = find_item("reading", reading_id(app))
        with pytest.raises(ContentInvalid) as invalid:
            save_draft(item, item.row.source.replace("slug = \"premiere\"", "slug = \"autre\""), version=0, base=1, author_id=None, now=NOW)
        assert "le slug ne peut pas changer" in str(invalid.value.errors[0])
        assert db.session.scalar(select(Draft)) is None
