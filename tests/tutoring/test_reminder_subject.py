"""A reminder's subject is one header line: a line break is refused before anything is queued."""

import pytest
from sqlalchemy import select
from sqlalchemy import update

from app.alerts.queries import cohort_day
from app.cohorts.models import Cohort
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import MessageRefused
from app.outbox.services import queue_messages
from app.tutoring.queries import learner_lines
from app.tutoring.services import send_reminders
from tests.tutoring.test_reminders import _form
from tests.tutoring.test_reminders import _messages

BROKEN_SUBJECTS = ["Bonjour\r\nBcc: tous@example.org", "Bonjour\nsuite", "Bonjour\rsuite", "Bonjour\tsuite", "Bonjour\x00", "Bonjour\u2028suite"]


@pytest.mark.parametrize("button", [{"send": "Envoyer"}, {"preview": "Prévisualiser"}])
def test_the_form_refuses_a_subject_on_several_lines(app, client, tutored, button):
    url = f"/tutorat/cohortes/{tutored.cohort_id}/relance?apprenant={tutored.chloe.id}"
    _page, key = _form(client, url)
    for subject in BROKEN_SUBJECTS:
        response = client.post(url, data={"subject": subject, "body": "Bonjour {prenom}", "batch_key": key, **button})
        assert response.status_code == 400, subject
        assert "objet doit tenir sur une seule ligne, sans retour à la ligne" in response.text
        assert "Aperçu pour" not in response.text
    assert _messages(app) == []


def _day_and_lines(app, tutored):
    day = cohort_day(db.session.get(Cohort, tutored.cohort_id), app.config["CLOCK"]())
    return day, learner_lines(day, [tutored.alice.id, tutored.chloe.id])


def test_the_service_never_queues_a_subject_on_several_lines(app, tutored):
    with app.app_context():
        day, lines = _day_and_lines(app, tutored)
        for subject in BROKEN_SUBJECTS:
            with pytest.raises(MessageRefused):
                send_reminders(day, lines, subject, "Bonjour {prenom}", tutor_id=tutored.tutor.id, batch_key="z" * 32)
            db.session.rollback()
    assert _messages(app) == []


def test_a_cohort_name_on_two_lines_gives_a_one_line_subject(app, tutored):
    """The tutor cannot fix a name typed on two lines: its line break becomes a space in subjects."""
    with app.app_context():
        db.session.execute(update(Cohort).where(Cohort.id == tutored.cohort_id).values(name="Groupe\r\nde novembre"))
        db.session.commit()
        day, lines = _day_and_lines(app, tutored)
        assert send_reminders(day, lines, "Un point sur {cohorte}", "Groupe : {cohorte}", tutor_id=tutored.tutor.id, batch_key="n" * 32) == 2
        db.session.commit()
    assert {(subject, body) for _to, subject, body in _messages(app)} == {("Un point sur Groupe  de novembre", "Groupe : Groupe\r\nde novembre")}


def test_the_outbox_refuses_a_whole_batch_with_one_header_on_two_lines(app):
    good = {"dedupe_key": "ok", "to_address": "a@example.org", "subject": "Relance", "body": "Bonjour,\nsuite"}
    with app.app_context():
        for bad in ({**good, "dedupe_key": "s", "subject": "Relance\nBcc: x@example.org"}, {**good, "dedupe_key": "t", "to_address": "a@example.org\r\nBcc: x@example.org"}):
            with pytest.raises(MessageRefused):
                queue_messages([good, bad])
        assert db.session.scalars(select(OutboxMessage)).all() == []
        assert queue_messages([good]) == 1  # a body may hold line breaks
