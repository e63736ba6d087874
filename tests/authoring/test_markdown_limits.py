"""The author's forms refuse Markdown too costly to render, with the reason, and change nothing."""

from sqlalchemy import select

from app.authoring.models import Draft
from app.catalogue.models import Reading
from app.extensions import db
from tests.authoring.conftest import reading_form
from tests.authoring.conftest import reading_id


def test_the_live_preview_answers_with_the_reason(client, author):
    response = client.post("/edition/apercu", data={"body": "[" * 8000})
    assert response.status_code == 200 and "trop de marques Markdown" in response.text


def test_the_reading_editor_refuses_it_in_the_form_and_changes_nothing(app, client, author):
    url = f"/edition/reading/{reading_id(app)}"
    response = client.post(url, data=reading_form(body="## Titre\n\n" + "- " * 5000, publish="Publier"))
    assert response.status_code == 400
    assert "plus de 16 niveaux de citations" in response.text
    with app.app_context():
        reading = db.session.get(Reading, reading_id(app))
        assert reading.revision == 1 and "- - -" not in reading.source
        assert db.session.scalar(select(Draft)) is None
