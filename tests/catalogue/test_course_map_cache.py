"""The course map and module pages are cached per course and learner state: never stale, never shared."""

import re
from datetime import date

from sqlalchemy import select

from app.auth.models import User
from app.catalogue.models import Module
from app.catalogue.services import bump_course_version
from app.cohorts.models import Cohort
from app.cohorts.services import enrol
from app.cohorts.services import update_cohort
from app.extensions import db
from tests.helpers import act
from tests.helpers import recorded_statements


def test_a_cached_course_map_costs_one_statement(app, client, enrolled, login):
    login(enrolled())
    client.get("/cours/")
    with recorded_statements(app) as seen:
        page = client.get("/cours/")
    assert page.status_code == 200 and "Les bases" in page.text
    assert len(seen) == 1


def test_the_course_map_follows_every_learner_action(app, client, enrolled, login):
    user = enrolled()
    login(user)
    assert "0 sur 2 lectures lues" in client.get("/cours/").text
    act(app, user, "read", "premiere")
    assert "1 sur 2 lectures lues" in client.get("/cours/").text
    act(app, user, "fail")
    assert "quiz : meilleur score 0 %" in client.get("/cours/").text
    act(app, user, "pass")
    assert "quiz réussi (100 %)" in client.get("/cours/").text


def test_a_quiz_attempt_at_the_same_instant_still_shows(app, client, enrolled, login, clock):
    # The clock does not move between the two attempts: the key counts attempts, not only dates.
    user = enrolled()
    login(user)
    act(app, user, "fail")
    assert "meilleur score 0 %" in client.get("/cours/").text
    act(app, user, "pass")
    assert "quiz réussi (100 %)" in client.get("/cours/").text


def test_the_module_page_follows_a_reading_marked_read(app, client, enrolled, login):
    user = enrolled()
    login(user)
    assert "badge-ok" not in client.get("/cours/bases/").text
    act(app, user, "read", "premiere")
    assert "badge-ok" in client.get("/cours/bases/").text


def test_a_publication_by_another_worker_shows_on_the_next_request(app, make_app, client, enrolled, login):
    login(enrolled())
    assert "Les bases" in client.get("/cours/").text
    other_worker = make_app()  # another process's app: its own page cache, the same database
    with other_worker.app_context():
        db.session.scalar(select(Module).where(Module.slug == "bases")).title = "Les fondations"
        bump_course_version()
        db.session.commit()
    assert "Les fondations" in client.get("/cours/").text
    assert "Les fondations" in client.get("/cours/bases/").text


def test_the_pace_moves_with_the_day(app, client, enrolled, login, clock):
    login(enrolled())
    assert "À jour" in client.get("/cours/").text
    clock.set(date(2026, 11, 20))  # premiere was due on the 11th
    assert "jours de retard" in client.get("/cours/").text


def test_a_cohort_change_shows_on_the_cached_map(app, client, enrolled, login, cohort):
    login(enrolled())
    assert "Cohorte de novembre" in client.get("/cours/").text
    with app.app_context():
        found = db.session.get(Cohort, cohort)
        thresholds = {"not_started_days": 3, "behind_days": 3, "at_risk_days": 7, "inactive_days": 7, "struggling_failures": 2, "review_days": 3}
        update_cohort(found, "Cohorte renommée", found.start_date, found.end_date, thresholds, sends_reminders=True)
        db.session.commit()
    assert "Cohorte renommée" in client.get("/cours/").text


def test_a_new_enrolment_shows_on_the_cached_map(app, client, create_user, login, cohort):
    user = create_user()
    login(user)
    assert "Votre rythme" not in client.get("/cours/").text
    with app.app_context():
        enrol(db.session.get(Cohort, cohort), db.session.get(User, user.id))
        db.session.commit()
    assert "Votre rythme" in client.get("/cours/").text


def test_one_learners_map_never_shows_to_another(app, client, enrolled, login):
    first, second = enrolled(), enrolled(name="Alex Durand")
    login(first)
    act(app, first, "read", "premiere")
    assert "1 sur 2 lectures lues" in client.get("/cours/").text
    client.post("/deconnexion")
    login(second)
    assert "0 sur 2 lectures lues" in client.get("/cours/").text


def test_signed_out_and_revoked_sessions_are_sent_to_sign_in(app, client, enrolled, login):
    assert client.get("/cours/").status_code == 302
    user = enrolled()
    login(user)
    client.get("/cours/bases/")
    with app.app_context():
        db.session.get(User, user.id).session_version += 1  # every session revoked
        db.session.commit()
    for path in ("/cours/", "/cours/bases/"):
        assert client.get(path).headers["Location"].startswith("/connexion")


def test_an_unknown_module_is_a_404_and_is_not_cached(client, enrolled, login):
    login(enrolled())
    assert client.get("/cours/inconnu/").status_code == 404
    assert client.get("/cours/inconnu/").status_code == 404



def test_a_reading_post_loads_the_user_and_the_reading_in_one_statement(app, client, enrolled, login):
    login(enrolled())
    client.post("/cours/bases/premiere/lu")
    with recorded_statements(app) as seen:
        assert client.post("/cours/bases/premiere/lu").status_code == 303
    assert len(seen) == 2  # the user with the reading, then the progress row (already read: nothing else)
    assert client.post("/cours/bases/inconnue/lu").status_code == 404
    assert client.post("/cours/bases/inconnue", data={"rating": "clair"}).status_code == 404
    client.post("/deconnexion")
    assert client.post("/cours/bases/premiere/lu").headers["Location"].startswith("/connexion")


def test_two_learners_with_the_same_counts_at_the_same_instant_see_their_own_pages(app, client, enrolled, login, clock):
    first, second = enrolled(), enrolled(name="Alex Durand")
    act(app, first, "read", "premiere")
    act(app, second, "read", "seconde")  # the clock has not moved: same count, same date
    for user, done in ((first, "Première lecture"), (second, "Seconde lecture")):
        login(user)
        client.get("/cours/bases/")
        page = client.get("/cours/bases/").text
        read = re.findall(r'>([^<]+)</a>\s*<span class="meta">[^<]*</span>\s*<span class="badge badge-ok">', page)
        assert read == [done], (user.email, read)
        client.post("/deconnexion")
