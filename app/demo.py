"""``flask demo``: the course, one account per role and a demo cohort, idempotently."""

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import Role
from app.auth.services import create_user
from app.auth.services import find_user_by_email
from app.catalogue.models import Module
from app.catalogue.services import CourseChanged
from app.clock import now_utc
from app.cohorts.services import assign_tutor
from app.cohorts.services import enrol
from app.cohorts.services import get_or_create_cohort
from app.contentfile import ContentInvalid
from app.demo_progress import load_demo_learners
from app.extensions import db
from app.package.services import import_package

#: The demo accounts (email, name, password, roles); the README lists them.
DEMO_ACCOUNTS = (
    ("apprenant@demo.test", "Camille Apprenant", "demo-apprenant", Role.LEARNER),
    ("tuteur@demo.test", "Dominique Tuteur", "demo-tuteur-ia", Role.TUTOR),
    ("auteur@demo.test", "Alex Auteur", "demo-auteur-ia", Role.AUTHOR),
    ("admin@demo.test", "Sacha Admin", "demo-admin-ia", Role.ADMIN),
)
DEMO_COHORT = "Cohorte de démonstration"


def has_course() -> bool:
    """Tell whether the database holds a course already (any module, even archived or unpublished)."""
    return db.session.scalar(select(Module.id).limit(1)) is not None


def load_demo() -> tuple[list[str], bool]:
    """Import the course into an empty database, create the demo accounts and cohort.

    The database is the live source of truth: once it holds a course, authors may have changed
    it in the browser, so the package is never imported over it here (``flask course import``
    does it, and says what it would overwrite).

    :return: the accounts created, and whether the package was imported.
    """
    created = []
    imported = not has_course()
    if imported:
        import_package(Path(current_app.config["COURSE_DIR"]), Path(current_app.config["QUIZZES_DIR"]))
    users = {}
    for email, name, password, roles in DEMO_ACCOUNTS:
        user = find_user_by_email(email)
        if user is None:
            user = create_user(email, name, password, roles)
            created.append(email)
        users[roles] = user
    today = now_utc().date()
    cohort = get_or_create_cohort(DEMO_COHORT, today - timedelta(days=7), today + timedelta(days=21))
    enrol(cohort, users[Role.LEARNER])
    assign_tutor(cohort, users[Role.TUTOR])
    created += load_demo_learners(cohort)
    return created, imported


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the course and the demo accounts (safe to run again)."""
    try:
        created, imported = load_demo()
        db.session.commit()
    except ContentInvalid as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.exceptions.Exit(1) from exc
    except (CourseChanged, IntegrityError) as exc:  # another process loaded the demo at the same moment
        db.session.rollback()
        click.echo(_("Le cours a été importé par une autre commande au même moment : relancez « flask demo »."), err=True)
        raise click.exceptions.Exit(1) from exc
    if imported:
        click.echo(_("Paquet de cours importé dans une base vide."))
    else:
        click.echo(_("La base contient déjà un cours : le paquet n'est pas importé (la base fait foi ; "
                     "« flask course import » l'importe en disant ce qu'il écraserait)."))
    accounts = ", ".join(a[0] for a in DEMO_ACCOUNTS)
    click.echo(ngettext("Démo prête (%(num)d compte créé). Comptes : %(accounts)s", "Démo prête (%(num)d comptes créés). Comptes : %(accounts)s",
                        len(created), accounts=accounts))
