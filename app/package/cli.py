"""``flask course check|import|export``."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.contentfile import ContentInvalid
from app.extensions import db
from app.package.loader import load_package
from app.package.services import export_package
from app.package.services import import_package

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
        click.echo(f"{len(errors)} erreur(s) :", err=True)
        _fail(errors)
    readings = sum(len(m.readings) for m in package.modules)
    questions = sum(len(q.questions) for q in package.quizzes)
    click.echo(f"Paquet valide : {len(package.modules)} modules, {readings} lectures, {len(package.quizzes)} quiz, {questions} questions.")


@course_cli.command("import")
def import_command() -> None:
    """Import the package in one transaction: everything or nothing."""
    try:
        report = import_package(*_dirs())
        db.session.commit()
    except ContentInvalid as exc:
        db.session.rollback()
        click.echo("Import annulé, rien n'a été modifié :", err=True)
        _fail(exc.errors)
    click.echo(
        f"Import terminé : {len(report.created)} créé(s), {len(report.updated)} mis à jour, "
        f"{len(report.archived)} archivé(s), {report.unchanged} inchangé(s)."
    )


@course_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Write the published package to DIRECTORY/course and DIRECTORY/quizzes."""
    files = export_package(directory)
    click.echo(f"{len(files)} fichier(s) écrit(s) dans {directory}.")
