"""The import of people, function by function: reading the file, the plan, and applying it."""

from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.accounts import importing
from app.accounts.importing import Problem
from app.accounts.importing import apply_import
from app.accounts.importing import plan_import
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.extensions import db
from tests.accounts.helpers import queued_to


def _plan(app, text):
    with app.app_context():
        return plan_import(text)


@pytest.mark.parametrize("header", ["email;prenom;nom", "E-mail;Prénom;Nom", "Courriel;prénom;nom", "adresse;prenom;nom", "EMAIL;PRENOM;NOM"])
def test_a_first_line_naming_the_columns_is_left_out(app, header):
    plan = _plan(app, f"{header}\nana@example.org;Ana;Lopez\n")
    assert plan.problems == [] and [(p.line, p.email) for p in plan.people] == [(2, "ana@example.org")]


def test_the_separator_is_guessed_and_blank_lines_are_skipped(app):
    semicolons = _plan(app, "\n\nana@example.org;Lopez, Ana;Maria\n\nbob@example.org;Bob;Martin\n")
    assert semicolons.problems == [] and [(p.line, p.first_name, p.last_name) for p in semicolons.people] == [(3, "Lopez, Ana", "Maria"), (5, "Bob", "Martin")]
    # Only ; and , separate: a letter found once on every line is still a letter.
    letters = _plan(app, "Xavier@example.org\nXena@example.org\n")
    assert letters.problems == [Problem(1, "prénom et nom sont obligatoires"), Problem(2, "prénom et nom sont obligatoires")]
    commas = _plan(app, "ana@example.org,Ana,Lopez\n")
    assert commas.problems == [] and commas.people[0].last_name == "Lopez"
    one_column = _plan(app, "ana@example.org\n")
    assert one_column.problems == [Problem(1, "prénom et nom sont obligatoires")]


def test_missing_columns_mean_learner_and_no_cohort_and_names_may_be_80_characters(app):
    plan = _plan(app, f"ana@example.org;Ana;Lopez\nbob@example.org;{'B' * 80};{'M' * 80};;\n")
    assert plan.problems == []
    assert [(p.roles, p.cohort_id) for p in plan.people] == [(Role.LEARNER, None), (Role.LEARNER, None)]
    assert _plan(app, f"eve@example.org;{'E' * 81};Noir\n").problems[0].reason.startswith("prénom ou nom trop long")
    assert _plan(app, f"eve@example.org;Eve;{'N' * 81}\n").problems[0].reason.startswith("prénom ou nom trop long")


def test_an_empty_file_says_so_on_its_first_line(app):
    for text in ("", "\ufeff", "email;prenom;nom;roles;cohorte\n", "\n\n"):
        assert _plan(app, text).problems == [Problem(1, "le fichier ne contient personne")], repr(text)


def test_existing_accounts_are_found_across_chunks(app, create_user, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 2)
    ids = [create_user(email=f"p{n}@example.org").id for n in range(5)]
    plan = _plan(app, "".join(f"p{n}@example.org;P;{n}\n" for n in range(6)))
    assert [p.user_id for p in plan.people] == [*ids, None]


def test_applying_enrols_across_chunks_and_once(app, create_user, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 2)
    with app.app_context():
        first = get_or_create_cohort("Janvier", date(2027, 1, 4), date(2027, 2, 26))
        other = get_or_create_cohort("Mars", date(2027, 3, 1), date(2027, 4, 30))
        db.session.commit()
        first_id, other_id = first.id, other.id
    for n in range(4):
        create_user(email=f"p{n}@example.org")
    already = create_user(email="p4@example.org")  # the largest id: its enrolments are read in the last chunk
    with app.app_context():
        enrol(db.session.get(Cohort, first_id), db.session.get(User, already.id))  # in Janvier already
        enrol(db.session.get(Cohort, other_id), db.session.get(User, already.id))  # and in Mars
        db.session.commit()
    text = "".join(f"p{n}@example.org;P;{n};;Janvier\n" for n in range(5))
    with app.app_context():
        report = apply_import(plan_import(text), enrol=True, invite=False)
        db.session.commit()
        assert (report.created, report.updated, report.enrolled, report.invited) == (0, 5, 4, 0)
        assert db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == first_id)) == 5
        assert db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == other_id)) == 1


def test_what_is_not_asked_is_not_done(app, create_user):
    with app.app_context():
        get_or_create_cohort("Janvier", date(2027, 1, 4), date(2027, 2, 26))
        db.session.commit()
        report = apply_import(plan_import("ana@example.org;Ana;Lopez;;Janvier\n"), enrol=False, invite=False)
        db.session.commit()
        assert (report.created, report.enrolled, report.invited) == (1, 0, 0)
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
        ana = db.session.scalar(select(User).where(User.email == "ana@example.org"))
        assert (ana.is_active, ana.session_version, ana.has_password_hash, ana.created_dt is not None) == (True, 0, False, True)
    assert queued_to(app, "ana@example.org") == []


def test_invitations_of_an_import_greet_each_person_by_first_name(app):
    with app.app_context():
        report = apply_import(plan_import("ana@example.org;Ana;Lopez\nbob@example.org;Bob;Martin\n"), enrol=False, invite=True)
        db.session.commit()
    assert report.invited == 2 and report.enrolled == 0
    assert queued_to(app, "ana@example.org")[0].body.startswith("Bonjour Ana,")


def test_a_plan_with_problems_is_never_applied(app):
    with app.app_context():
        plan = plan_import("pas-une-adresse;A;B\n")
        with pytest.raises(ValueError, match="^the file has bad lines$"):
            apply_import(plan, enrol=True, invite=True)
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
