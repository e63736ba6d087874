"""Tutor reactivity: per tutor, the median time from an alert to their first contact with the learner."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from app.admin.queries import format_delay
from app.admin.queries import median_delay
from app.admin.queries import tutor_reactivity
from app.alerts.models import Alert
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.services import assign_tutor
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.extensions import db
from app.tutoring.models import Contact

H = timedelta(hours=1)
NOW = datetime(2026, 11, 8, 9, 0, tzinfo=UTC)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delays", "expected"),
    [
        ([], None),
        ([5 * H], 5 * H),
        ([timedelta(0)], timedelta(0)),
        ([9 * H, H, 4 * H], 4 * H),
        ([3 * H, 48 * H], 25.5 * H),
        ([48 * H, H, 2 * H, 100 * H], 25 * H),
        ([2 * H, 2 * H, 7 * H], 2 * H),
    ],
    ids=["none", "one", "zero", "odd-unsorted", "even-two", "even-unsorted", "ties"],
)
def test_median_delay(delays, expected):
    assert median_delay(delays) == expected


@pytest.mark.parametrize(
    ("delay", "text"),
    [
        (timedelta(0), "moins d'une minute"),
        (timedelta(seconds=59), "moins d'une minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=59, seconds=59), "59 minutes"),
        (H, "1 heure"),
        (1.5 * H, "2 heures"),
        (47 * H, "47 heures"),
        (47.5 * H, "2 jours"),
        (60 * H, "2,5 jours"),
        (72 * H, "3 jours"),
    ],
)
def test_format_delay_in_french(app, delay, text):
    with app.app_context():
        assert format_delay(delay) == text


@pytest.fixture
def tutors(app, create_user):
    """Two tutors sharing one cohort, one of them with a second cohort, and two tutors with none.

    Alice tutors Paris and Lyon, Bernard tutors Paris. Alerts (all opened at 9:00):
    a1 Paris/Léa 2 Nov, open: Bernard calls at 12:00 (3 h), Alice on 3 Nov (24 h).
    a2 Paris/Max 4 Nov, resolved: Bernard had called Max on 3 Nov (before: ignored), then on 6 Nov (48 h).
    a3 Lyon/Noé 5 Nov, open: Alice calls at 11:00 (2 h); Bernard, not Lyon's tutor, is not counted.
    a4 Paris/Max 7 Nov, open: Bernard calls at 21:00 (12 h); Alice has not called yet.
    a5 Paris/Léa 7 Nov, closed by itself: Alice calls Léa, but in Lyon's name (other cohort: ignored).
    """
    bernard = create_user(roles=Role.TUTOR, name="Bernard Dupont")
    alice = create_user(roles=Role.TUTOR | Role.LEARNER, name="Alice Martin")
    zoe = create_user(roles=Role.TUTOR, name="Zoé Roux")
    elodie = create_user(roles=Role.TUTOR, name="Élodie Petit")
    create_user(roles=Role.ADMIN, name="Aaron Admin")
    lea, max_, noe = (create_user(name=name) for name in ("Léa", "Max", "Noé"))
    with app.app_context():
        paris = get_or_create_cohort("Paris", date(2026, 11, 1), date(2026, 11, 30))
        lyon = get_or_create_cohort("Lyon", date(2026, 11, 1), date(2026, 11, 30))
        for cohort, members in ((paris, (lea, max_)), (lyon, (noe,))):
            for member in members:
                enrol(cohort, db.session.get(User, member.id))
        for cohort, tutor in ((paris, alice), (paris, bernard), (lyon, alice)):
            assign_tutor(cohort, db.session.get(User, tutor.id))

        def alert(cohort, learner, day, kind, **ends):
            row = Alert(cohort_id=cohort.id, user_id=learner.id, kind=kind, figures={}, opened_dt=at(day), updated_dt=at(day), **ends)
            db.session.add(row)
            return row

        def contact(cohort, learner, tutor, when):
            db.session.add(Contact(cohort_id=cohort.id, learner_id=learner.id, tutor_id=tutor.id, channel="telephone", outcome="reached", contacted_dt=when))

        alert(paris, lea, 2, "behind")
        alert(paris, max_, 4, "behind", resolved_dt=at(5))
        alert(lyon, noe, 5, "behind")
        alert(paris, max_, 7, "at_risk")
        alert(paris, lea, 7, "struggling", closed_dt=at(7, 18))
        contact(paris, lea, bernard, at(2, 12))
        contact(paris, lea, alice, at(3))
        contact(paris, max_, bernard, at(3))
        contact(paris, max_, bernard, at(6))
        contact(lyon, noe, alice, at(5, 11))
        contact(lyon, noe, bernard, at(5, 10))
        contact(paris, max_, bernard, at(7, 21))
        contact(lyon, lea, alice, at(7, 10))
        db.session.commit()
    return {"alice": alice, "bernard": bernard, "zoe": zoe, "elodie": elodie}


def test_figures_per_tutor(app, tutors):
    with app.app_context():
        rows = {row.name: row for row in tutor_reactivity(NOW)}
    assert list(rows) == ["Alice Martin", "Bernard Dupont", "Élodie Petit", "Zoé Roux"]  # accents ignored
    alice, bernard = rows["Alice Martin"], rows["Bernard Dupont"]
    assert (alice.cohorts, alice.open_alerts, alice.contacts) == (2, 3, 3)
    assert (alice.median_delay, alice.answered_alerts) == (13 * H, 2)  # a1 24 h, a3 2 h
    assert alice.longest_wait == 24 * H  # a4, open since 7 Nov 9:00
    assert (bernard.cohorts, bernard.open_alerts, bernard.contacts) == (1, 2, 5)
    assert (bernard.median_delay, bernard.answered_alerts) == (12 * H, 3)  # a1 3 h, a2 48 h, a4 12 h
    assert bernard.longest_wait is None
    for name in ("Élodie Petit", "Zoé Roux"):
        empty = rows[name]
        assert (empty.cohorts, empty.open_alerts, empty.median_delay, empty.longest_wait, empty.contacts) == (0, 0, None, None, 0)


def _cells(html: str) -> list[list[str]]:
    """Return the text of each body row's cells."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def test_the_page_shows_the_figures_sorted_by_name(app, client, tutors, create_user, login):
    app.config["CLOCK"] = lambda: NOW
    login(create_user(roles=Role.ADMIN))
    response = client.get("/admin/reactivite")
    assert response.status_code == 200
    assert "<caption" in response.text and 'scope="col"' in response.text and 'scope="row"' in response.text
    assert "Situation au 8 novembre 2026 à 10 h 00." in response.text  # Paris time
    dash = "— aucune alerte suivie d'un contact"
    assert _cells(response.text) == [
        ["Alice Martin", "2", "3", "13 heures (sur 2 alertes)", "24 heures", "3", "— aucune réponse relue", "— aucune réponse en attente", "— aucun avis"],
        ["Bernard Dupont", "1", "2", "12 heures (sur 3 alertes)", "— aucune alerte en attente", "5", "— aucune réponse relue", "— aucune réponse en attente", "— aucun avis"],
        ["Élodie Petit", "0", "0", dash, "— aucune alerte en attente", "0", "— aucune réponse relue", "— aucune réponse en attente", "— aucun avis"],
        ["Zoé Roux", "0", "0", dash, "— aucune alerte en attente", "0", "— aucune réponse relue", "— aucune réponse en attente", "— aucun avis"],
    ]


def test_the_page_follows_the_clock(app, client, tutors, create_user, login):
    app.config["CLOCK"] = lambda: NOW + timedelta(days=2)
    login(create_user(roles=Role.ADMIN))
    assert _cells(client.get("/admin/reactivite").text)[0][4] == "3 jours"


def test_the_page_without_tutors(client, create_user, login):
    login(create_user(roles=Role.ADMIN))
    page = client.get("/admin/reactivite").text
    assert "Aucun compte n'a le rôle de tuteur." in page and "<table" not in page


def test_the_admin_home_links_to_the_page(client, create_user, login):
    login(create_user(roles=Role.ADMIN))
    assert 'href="/admin/reactivite"' in client.get("/admin/").text


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR, Role.AUTHOR])
def test_only_admins_see_it(client, create_user, login, role):
    login(create_user(roles=role))
    assert client.get("/admin/reactivite").status_code == 403
