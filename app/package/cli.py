"""``flask course check|import|export``."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from app.catalogue.services import CourseChanged
from app.contentfile import ContentInvalid
from app.extensions import db
from app.package.loader import load_package
from app.package.services import export_package
from app.package.services import import_package
from app.package.tracking import WouldOverwrite
from app.package.tracking import describe

course_cli = AppGroup("course", help="Vérifier, importer et exporter le paquet de cours.")


def _dirs() -> tuple[Path, Path]:
    return Path(current_app.config["COURSE_DIR"]), Path(current_app.config["QUIZZES_DIR"])


def _fail(errors) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    raise click.exceptions.Exit(1)


@course_cli.command("check")
def check_command() -> None:
    """Validate every file of the package; each error names its file and line."""
    package, errors = load_package(*_dirs())
    if errors:
        click.echo(ngettext("%(num)d erreur :", "%(num)d erreurs :", len(errors)), err=True)
        _fail(errors)
    readings = sum(len(m.readings) for m in package.modules)
    questions = sum(len(q.questions) for q in package.quizzes)
    click.echo(_("Paquet valide : %(m)d modules, %(r)d lectures, %(q)d quiz, %(n)d questions.", m=len(package.modules), r=readings,
                 q=len(package.quizzes), n=questions))


@course_cli.command("import")
@click.option("--force", is_flag=True, help="Écraser aussi ce qui a changé dans la base depuis le dernier import.")
def import_command(force: bool) -> None:
    """Import the package in one transaction: everything or nothing.

    Without ``--force``, refuses (and lists) the items changed since the last import that this
    one would overwrite: browser publications, restores, moves, archiving, uploaded packages.
    """
    try:
        report = import_package(*_dirs(), force=force)
        db.session.commit()
    except ContentInvalid as exc:
        db.session.rollback()
        click.echo(_("Import annulé, rien n'a été modifié :"), err=True)
        _fail(exc.errors)
    except WouldOverwrite as exc:
        db.session.rollback()
        click.echo(_("Import refusé, rien n'a été modifié : ces éléments ont changé dans la base depuis le dernier import "
                     "et seraient écrasés. Relancez avec --force pour les écraser."), err=True)
        _fail("  - " + describe(item) for item in exc.items)
    except CourseChanged as exc:
        db.session.rollback()
        click.echo(_("Import annulé, rien n'a été modifié : le cours a changé pendant l'import. Relancez la commande."), err=True)
        raise click.exceptions.Exit(1) from exc
    click.echo(
        _("Import terminé. Créés : %(c)d ; mis à jour : %(u)d ; archivés : %(a)d ; inchangés : %(n)d.",
          c=len(report.created), u=len(report.updated), a=len(report.archived), n=report.unchanged)
    )


@course_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Write the published package to DIRECTORY/course and DIRECTORY/quizzes."""
    files = export_package(directory)
    click.echo(ngettext("%(num)d fichier écrit dans %(dir)s.", "%(num)d fichiers écrits dans %(dir)s.", len(files), dir=directory))
