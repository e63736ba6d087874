"""The admin creates cohorts, enrols learners, assigns tutors and closes cohorts."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.auth.models import Role
from app.cohorts.models import Cohort
from app.cohorts.models import CohortTutor
from app.cohorts.models import Enrolment
from app.extensions import db

VALID = {
    "name": "Cohorte de janvier", "start_date": "2027-01-04", "end_date": "2027-02-01",
    "not_started_days": "3", "behind_days": "3", "at_risk_days": "7", "inactive_days": "7", "struggling_failures": "2", "review_days": "3",
}


@pytest.fixture
def admin(client, create_user, login):
    user = create_user(roles=Role.ADMIN)
    login(user)
    return user


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_admin_creates_a_cohort_with_thresholds(app, client, admin):
    response = client.post("/admin/cohortes/", data={**VALID, "behind_days": "4"})
    assert response.status_code == 303
    with app.app_context():
        cohort = db.session.scalar(select(Cohort))
        assert (cohort.name, str(cohort.start_date), cohort.behind_days, cohort.at_risk_days) == ("Cohorte de janvier", "2027-01-04", 4, 7)
    assert "Cohorte de janvier" in client.get("/admin/cohortes/").text
    assert not cohort.sends_reminders  # the box was not ticked


def test_automatic_reminders_are_a_cohort_setting(app, client, admin):
    client.post("/admin/cohortes/", data={**VALID, "sends_reminders": "y"})
    with app.app_context():
        assert db.session.scalar(select(Cohort.sends_reminders)) is True
    assert 'id="sends_reminders" name="sends_reminders" type="checkbox" value="y"' in client.get("/admin/cohortes/").text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": "2027-01-04"}, "La date de fin doit suivre la date de début."),
        ({"start_date": "04/01/2027"}, 'id="start_date-error"'),
        ({"name": ""}, "Indiquez un nom."),
        ({"behind_days": "0"}, "Entre 1 et 60."),
        ({"struggling_failures": "beaucoup"}, 'id="struggling_failures-error"'),
    ],
)
def test_bad_cohort_form_changes_nothing(app, client, admin, changes, message):
    response = client.post("/admin/cohortes/", data={**VALID, **changes})
    assert response.status_code == 400
    assert message in response.text
    assert _count(app, Cohort) == 0


def test_cohort_names_are_unique(app, client, admin):
    client.post("/admin/cohortes/", data=VALID)
    response = client.post("/admin/cohortes/", data=VALID)
    assert response.status_code == 400 and "Une cohorte s&#39;appelle déjà" in response.text
    assert _count(app, Cohort) == 1


def test_enrol_assign_and_close(app, client, admin, create_user):
    learner = create_user(email="lea@example.org")
    tutor = create_user(roles=Role.TUTOR, email="tom@example.org")
    client.post("/admin/cohortes/", data=VALID)
    url = "/admin/cohortes/1"
    assert client.post(url, data={"learner-email": learner.email, "learner-submit": "x"}).status_code == 303
    assert client.post(url, data={"tutor-email": tutor.email, "tutor-submit": "x"}).status_code == 303
    page = client.get(url).text
    assert "lea@example.org" in page and "tom@example.org" in page
    assert _count(app, Enrolment) == 1 and _count(app, CohortTutor) == 1
    assert client.post(url, data={"close-submit": "x"}).status_code == 303
    with app.app_context():
        assert db.session.get(Cohort, 1).is_closed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"learner-email": "personne@example.org", "learner-submit": "x"}, "Aucun compte pour personne@example.org : créez-le d&#39;abord"),
        ({"tutor-email": "lea@example.org", "tutor-submit": "x"}, "n&#39;a pas le rôle tuteur."),
        ({"learner-email": "", "learner-submit": "x"}, "Indiquez une adresse e-mail."),
    ],
)
def test_bad_member_forms_change_nothing(app, client, admin, create_user, data, message):
    create_user(email="lea@example.org")
    client.post("/admin/cohortes/", data=VALID)
    response = client.post("/admin/cohortes/1", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert _count(app, Enrolment) == 0 and _count(app, CohortTutor) == 0


def test_unknown_cohort_is_404(client, admin):
    assert client.get("/admin/cohortes/999").status_code == 404


def _upload(client, text, name="apprenants.csv"):
    import io

    data = {"csv-file": (io.BytesIO(text.encode("utf-8") if isinstance(text, str) else text), name), "csv-submit": "x"}
    return client.post("/admin/cohortes/1", data=data, content_type="multipart/form-data")


def test_csv_upload_enrols_every_learner(app, client, admin, create_user):
    for name in ("ana", "bob"):
        create_user(email=f"{name}@example.org")
    client.post("/admin/cohortes/", data=VALID)
    response = _upload(client, "email\nana@example.org\n\nBob@Example.org\n")
    assert response.status_code == 303
    assert _count(app, Enrolment) == 2


def test_csv_with_bad_lines_enrols_nobody_and_lists_every_line(app, client, admin, create_user):
    create_user(email="ana@example.org")
    create_user(roles=Role.TUTOR, email="tom@example.org")
    client.post("/admin/cohortes/", data=VALID)
    response = _upload(client, "ana@example.org\npas-une-adresse\ninconnu@example.org\ntom@example.org\nana@example.org\n")
    assert response.status_code == 400
    page = response.text
    assert "ligne 2 : adresse e-mail invalide : pas-une-adresse" in page
    assert "ligne 3 : aucun compte pour inconnu@example.org" in page
    assert "ligne 4 : tom@example.org n&#39;a pas le rôle apprenant" in page
    assert "ligne 5 : ana@example.org figure déjà ligne 1" in page
    assert _count(app, Enrolment) == 0
    # fixed file: now it goes through
    assert _upload(client, "ana@example.org\n").status_code == 303
    assert _count(app, Enrolment) == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("", "vide.csv", "le fichier ne contient aucune adresse"),
        ("ana@example.org", "apprenants.xlsx", "Le fichier doit être un .csv ou un .txt."),
        (b"\xff\xfe\x00a", "latin.csv", "Le fichier doit être encodé en UTF-8."),
    ],
)
def test_bad_files_are_refused_with_a_message(app, client, admin, create_user, content, name, message):
    create_user(email="ana@example.org")
    client.post("/admin/cohortes/", data=VALID)
    response = _upload(client, content, name)
    assert response.status_code == 400
    assert message in response.text
    assert _count(app, Enrolment) == 0


def test_oversized_upload_gets_a_french_413(app, client, admin):
    client.post("/admin/cohortes/", data=VALID)
    body = b"csv-submit=x&csv-file=" + b"a" * (3 * 1024 * 1024)  # raw body: no temporary file to leak
    response = client.post("/admin/cohortes/1", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.text


def test_a_large_cohort_lists_its_learners_page_by_page(app, client, admin, monkeypatch):
    from app.admin import views
    from app.auth.models import User

    monkeypatch.setattr(views, "LEARNERS_PER_PAGE", 2)
    client.post("/admin/cohortes/", data=VALID)
    with app.app_context():
        cohort_id = db.session.scalar(select(Cohort.id))
        users = [User(email=f"l{i}@example.org", display_name=f"L{i}", password_hash="x", roles=int(Role.LEARNER)) for i in range(5)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(Enrolment(cohort_id=cohort_id, user_id=u.id) for u in users)
        db.session.commit()
    first = client.get(f"/admin/cohortes/{cohort_id}").text
    assert "Apprenants (5)" in first and "l0@example.org" in first and "l2@example.org" not in first and "Page 1 sur 3" in first
    assert "l4@example.org" in client.get(f"/admin/cohortes/{cohort_id}?page=3").text
