"""What the tutor, author and admin home pages show."""

from datetime import date

from app.auth.models import Role
from app.auth.models import User
from app.cohorts.services import assign_tutor
from app.cohorts.services import get_or_create_cohort
from app.extensions import db


def test_tutor_sees_only_their_cohorts(app, client, create_user, login):
    tutor, other = create_user(roles=Role.TUTOR), create_user(roles=Role.TUTOR)
    with app.app_context():
        mine = get_or_create_cohort("Cohorte de Paris", date(2026, 11, 2), date(2026, 11, 30))
        theirs = get_or_create_cohort("Cohorte de Lyon", date(2026, 11, 2), date(2026, 11, 30))
        assign_tutor(mine, db.session.get(User, tutor.id))
        assign_tutor(theirs, db.session.get(User, other.id))
        db.session.commit()
    login(tutor)
    page = client.get("/tutorat/").text
    assert "Cohorte de Paris" in page and "Cohorte de Lyon" not in page


def test_author_sees_the_published_content(client, course, create_user, login):
    login(create_user(roles=Role.AUTHOR))
    page = client.get("/edition/").text
    assert "Les bases" in page and "Première lecture" in page and "Quiz des bases" in page


def test_admin_sees_accounts_with_their_roles(client, create_user, login):
    create_user(roles=Role.LEARNER | Role.TUTOR, email="double@example.org", name="Double Rôle")
    login(create_user(roles=Role.ADMIN))
    page = client.get("/admin/").text
    assert "double@example.org" in page and "apprenant, tuteur" in page
