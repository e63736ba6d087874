"""After a cohort starts: un-enrol a learner, move one to another cohort, change the cohort's dates."""

import threading
from datetime import date

from sqlalchemy import select

from app.auth.models import Role
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.cohorts.services import CohortError
from app.cohorts.services import get_or_create_cohort
from app.cohorts.services import unenrol
from app.extensions import db
from app.progress.models import ReadingProgress
from tests.conftest import PASSWORD
from tests.helpers import alerts_of

EDIT = {"name": "Cohorte de novembre", "start_date": "2026-11-01", "end_date": "2026-11-26", "not_started_days": "3", "behind_days": "3",
        "at_risk_days": "7", "inactive_days": "7", "struggling_failures": "2", "review_days": "3", "sends_reminders": "y"}


def _admin_browser(app, create_user):
    admin = create_user(roles=Role.ADMIN, email="admin@example.org")
    browser = app.test_client()
    assert browser.post("/connexion", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    return browser


def _names_on_dashboard(client, cohort_id) -> str:
    return client.get(f"/tutorat/cohortes/{cohort_id}").text


def test_unenrolling_keeps_the_work_takes_the_learner_out_of_the_figures_and_closes_the_alerts(app, client, runner, create_user, tutored):
    assert runner.invoke(args=["alerts", "run"]).exit_code == 0
    assert ("behind", True) in alerts_of(app, tutored.chloe)
    admin = _admin_browser(app, create_user)
    url = f"/admin/cohortes/{tutored.cohort_id}/apprenants/{tutored.alice.id}"
    assert "Désinscrire de la cohorte" in admin.get(url).text
    assert admin.post(url, data={"unenrol-submit": "Désinscrire"}).status_code == 303
    chloe_url = f"/admin/cohortes/{tutored.cohort_id}/apprenants/{tutored.chloe.id}"
    assert admin.post(chloe_url, data={"unenrol-submit": "Désinscrire"}).status_code == 303
    dashboard = _names_on_dashboard(client, tutored.cohort_id)
    assert "<strong>1</strong> inscrits" in dashboard and "Alice Arnaud" not in dashboard and "Bruno Blanc" in dashboard
    assert all(not current for _, current in alerts_of(app, tutored.chloe))
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ReadingProgress).where(ReadingProgress.user_id == tutored.alice.id)) == 2
    assert admin.get(url).status_code == 404  # no longer in it
    assert runner.invoke(args=["alerts", "run"]).exit_code == 0
    assert all(not current for _, current in alerts_of(app, tutored.chloe))  # the run does not bring them back


def test_moving_a_learner_takes_their_work_to_the_new_cohort(app, client, runner, create_user, tutored):
    assert runner.invoke(args=["alerts", "run"]).exit_code == 0
    with app.app_context():
        later = get_or_create_cohort("Cohorte de décembre", date(2026, 11, 10), date(2026, 12, 20)).id
        db.session.commit()
    admin = _admin_browser(app, create_user)
    url = f"/admin/cohortes/{tutored.cohort_id}/apprenants/{tutored.chloe.id}"
    moved = admin.post(url, data={"move-target": str(later), "move-submit": "Déplacer"})
    assert moved.status_code == 303 and moved.headers["Location"] == f"/admin/cohortes/{later}"
    with app.app_context():
        assert db.session.scalars(select(Enrolment.cohort_id).where(Enrolment.user_id == tutored.chloe.id)).all() == [later]
    assert all(not current for _, current in alerts_of(app, tutored.chloe))
    assert "Chloé Chevalier" not in _names_on_dashboard(client, tutored.cohort_id)


def test_moves_that_make_no_sense_are_refused_and_change_nothing(app, create_user, tutored):
    with app.app_context():
        closed = get_or_create_cohort("Cohorte close", date(2026, 10, 1), date(2026, 10, 30))
        closed.is_closed = True
        get_or_create_cohort("Cohorte ouverte", date(2026, 11, 10), date(2026, 12, 20))
        db.session.commit()
        closed_id = closed.id
    admin = _admin_browser(app, create_user)
    url = f"/admin/cohortes/{tutored.cohort_id}/apprenants/{tutored.chloe.id}"
    for target in (str(closed_id), str(tutored.cohort_id), "999", ""):
        response = admin.post(url, data={"move-target": target, "move-submit": "Déplacer"})
        assert response.status_code == 400, target
        assert 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.scalars(select(Enrolment.cohort_id).where(Enrolment.user_id == tutored.chloe.id)).all() == [tutored.cohort_id]


def test_two_admins_unenrolling_the_same_learner_at_once_unenrol_once(app, tutored):
    start = threading.Barrier(2, timeout=10)
    outcomes = []

    def take_out():
        with app.app_context():
            start.wait()
            try:
                unenrol(tutored.cohort_id, tutored.bruno.id)
                db.session.commit()
                outcomes.append("done")
            except CohortError:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=take_out) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "refused"]


def test_editing_the_dates_moves_the_pace_and_warns_about_learners_already_behind(app, client, create_user, tutored):
    admin = _admin_browser(app, create_user)
    url = f"/admin/cohortes/{tutored.cohort_id}/modifier"
    page = admin.get(url).text
    assert 'value="Cohorte de novembre"' in page and 'value="2026-11-26"' in page
    later = admin.post(url, data={**EDIT, "name": "Cohorte de novembre (prolongée)", "start_date": "2026-11-10", "end_date": "2026-12-20"}, follow_redirects=True)
    assert "Cohorte modifiée" in later.text and "Attention" not in later.text
    with app.app_context():
        cohort = db.session.get(Cohort, tutored.cohort_id)
        assert (cohort.name, cohort.start_date, cohort.end_date) == ("Cohorte de novembre (prolongée)", date(2026, 11, 10), date(2026, 12, 20))
    assert "<strong>3</strong> à jour" in _names_on_dashboard(client, tutored.cohort_id)
    earlier = admin.post(url, data={**EDIT, "start_date": "2026-10-01", "end_date": "2026-11-10"}, follow_redirects=True)
    assert "Attention : avec ces dates, 3 apprenants ont déjà au moins 3 jours de retard" in earlier.text  # all was due by 10 November
    same = admin.post(url, data=EDIT, follow_redirects=True)
    assert "Attention : avec ces dates, 2 apprenants ont déjà au moins 3 jours de retard" in same.text  # Bruno and Chloé
    strict = admin.post(url, data={**EDIT, "behind_days": "4", "at_risk_days": "8"}, follow_redirects=True)
    assert "Attention" not in strict.text


def test_bad_cohort_edits_say_why_and_change_nothing(app, create_user, tutored):
    with app.app_context():
        get_or_create_cohort("Autre cohorte", date(2026, 12, 1), date(2026, 12, 20))
        db.session.commit()
    admin = _admin_browser(app, create_user)
    url = f"/admin/cohortes/{tutored.cohort_id}/modifier"
    for data, message in (
        ({**EDIT, "name": "Autre cohorte"}, "Une cohorte s&#39;appelle déjà « Autre cohorte »"),
        ({**EDIT, "end_date": "2026-10-01"}, "La date de fin doit suivre la date de début."),
        ({**EDIT, "behind_days": "0"}, "Entre 1 et 60."),
    ):
        response = admin.post(url, data=data)
        assert response.status_code == 400 and message in response.text, message
    with app.app_context():
        assert db.session.get(Cohort, tutored.cohort_id).name == "Cohorte de novembre"
