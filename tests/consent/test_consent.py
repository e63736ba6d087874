"""Consent to be contacted: off until given, every change kept, enforced in the service layer."""

import re
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select

from app.consent.models import ContactConsent
from app.consent.services import ConsentRequired
from app.consent.services import ensure_contactable
from app.consent.services import is_contactable
from app.extensions import db


def test_consent_is_off_until_given(app, client, learner):
    page = client.get("/parametres/").text
    assert "vous ne serez pas contacté." in page
    assert re.search(r'<input checked[^>]*value="no"|value="no"[^>]*checked', page)
    with app.app_context():
        assert not is_contactable(learner.id)
        with pytest.raises(ConsentRequired):
            ensure_contactable(learner.id)


def test_giving_and_withdrawing_keeps_every_change_with_its_time(app, client, learner):
    times = iter([datetime(2026, 11, 2, 9, tzinfo=UTC), datetime(2026, 11, 9, 17, 30, tzinfo=UTC)])
    app.config["CLOCK"] = lambda: next(times)
    assert client.post("/parametres/", data={"consent": "yes"}).status_code == 303
    with app.app_context():
        assert is_contactable(learner.id)
        ensure_contactable(learner.id)  # no exception
    client.post("/parametres/", data={"consent": "no"})
    with app.app_context():
        assert not is_contactable(learner.id)
        rows = list(db.session.scalars(select(ContactConsent).order_by(ContactConsent.id)))
        assert [(r.is_given, r.changed_dt.day) for r in rows] == [(True, 2), (False, 9)]
    app.config.pop("CLOCK")
    page = client.get("/parametres/").text
    assert "accord donné" in page and "accord retiré" in page
    assert "2 novembre 2026" in page and "9 novembre 2026" in page


def test_repeating_the_same_choice_records_nothing(app, client, learner):
    client.post("/parametres/", data={"consent": "yes"})
    client.post("/parametres/", data={"consent": "yes"})
    client.post("/parametres/", data={"consent": "no"})
    client.post("/parametres/", data={"consent": "no"})
    with app.app_context():
        assert [r.is_given for r in db.session.scalars(select(ContactConsent).order_by(ContactConsent.id))] == [True, False]


@pytest.mark.parametrize("value", ["", "peut-être"])
def test_bad_choice_gives_the_form_back(app, client, learner, value):
    response = client.post("/parametres/", data={"consent": value})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ContactConsent)) is None


def test_consent_is_per_learner(app, client, learner, create_user):
    other = create_user()
    client.post("/parametres/", data={"consent": "yes"})
    with app.app_context():
        assert is_contactable(learner.id) and not is_contactable(other.id)
