"""A subject within the form's 200 characters can grow past the column once filled: it is cut to fit.

The form counts the template; ``{cohorte}`` and ``{lien}`` then bring their own length. Cut with an
ellipsis at the outbox column's length (what PostgreSQL would otherwise refuse at every send).
"""

import html

from sqlalchemy import update

from app.cohorts.models import Cohort
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.reminders.services import fill_subject
from app.tutoring.services import send_reminders
from tests.tutoring.test_reminder_subject import _day_and_lines
from tests.tutoring.test_reminders import _form
from tests.tutoring.test_reminders import _messages

LIMIT = OutboxMessage.__table__.c.subject.type.length
LONG_NAME = "Cohorte des responsables de la relation client " + "x" * 70  # a name may have 120 characters
SUBJECT = "Relance {cohorte} : " * 9  # 180 characters in the form, about 1,200 once filled


def _rename(app, tutored, name=LONG_NAME):
    with app.app_context():
        db.session.execute(update(Cohort).where(Cohort.id == tutored.cohort_id).values(name=name))
        db.session.commit()


def test_a_filled_subject_longer_than_the_column_is_cut_with_an_ellipsis(app, tutored):
    assert LIMIT == 200 and len(SUBJECT) <= LIMIT
    _rename(app, tutored)
    with app.app_context():
        day, lines = _day_and_lines(app, tutored)
        assert send_reminders(day, lines, SUBJECT, "Bonjour {prenom}", tutor_id=tutored.tutor.id, batch_key="l" * 32) == 2
        db.session.commit()
    subjects = {subject for _to, subject, _body in _messages(app)}
    full = SUBJECT.replace("{cohorte}", LONG_NAME)
    assert subjects == {full[: LIMIT - 1].rstrip() + "…"}
    assert all(len(subject) == LIMIT for subject in subjects)


def test_a_subject_that_fits_once_filled_is_left_whole(app, tutored):
    _rename(app, tutored, "Groupe de novembre")
    with app.app_context():
        day, lines = _day_and_lines(app, tutored)
        send_reminders(day, lines, "Un point sur {cohorte}", "Bonjour", tutor_id=tutored.tutor.id, batch_key="m" * 32)
        db.session.commit()
    assert {subject for _to, subject, _body in _messages(app)} == {"Un point sur Groupe de novembre"}


def test_exactly_the_column_length_is_not_cut(app):
    with app.app_context():
        assert fill_subject("a" * (LIMIT - 3) + "{faits}", {"faits": "123"}) == "a" * (LIMIT - 3) + "123"
        assert fill_subject("a" * (LIMIT - 3) + "{faits}", {"faits": "1234"}) == "a" * (LIMIT - 3) + "12…"


def test_the_preview_shows_the_subject_as_it_will_be_sent(app, client, tutored):
    _rename(app, tutored)
    url = f"/tutorat/cohortes/{tutored.cohort_id}/relance?apprenant={tutored.chloe.id}"
    _page, key = _form(client, url)
    response = client.post(url, data={"subject": SUBJECT, "body": "Bonjour {prenom}", "batch_key": key, "preview": "Prévisualiser"})
    assert response.status_code == 200
    full = SUBJECT.replace("{cohorte}", LONG_NAME)
    assert html.escape(full[: LIMIT - 1].rstrip(), quote=False) + "…</p>" in response.text
