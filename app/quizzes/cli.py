"""``flask quiz import-gift|export-gift``: a module's quiz in and out of Moodle's GIFT format."""

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.authoring.gift import GiftRefused
from app.authoring.gift import export_gift
from app.authoring.gift import import_gift
from app.authoring.services import EditConflict
from app.authoring.services import Item
from app.authoring.services import find_item
from app.catalogue.models import Module
from app.clock import now_utc
from app.contentfile import ContentInvalid
from app.extensions import db
from app.quizzes.models import Quiz

quiz_cli = AppGroup("quiz", help="Importer et exporter les quiz au format GIFT de Moodle.")


def _quiz_item(module_slug: str) -> Item:
    quiz_id = db.session.scalar(select(Quiz.id).join(Module).where(Module.slug == module_slug))
    if quiz_id is None:
        click.echo(_("Aucun quiz pour le module « %(slug)s ».", slug=module_slug), err=True)
        raise click.exceptions.Exit(1)
    return find_item("quiz", quiz_id)


@quiz_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--module", "module_slug", required=True, help="Slug du module dont le quiz reçoit les questions.")
@click.option("--reading", help="Slug de la lecture qui répond aux questions importées (par défaut : la première du module).")
@click.option("--yes", is_flag=True, help="Ignorer les questions non prises en charge et importer les autres.")
@click.option("--publish", "publish_now", is_flag=True, help="Publier le quiz (sinon, seul son brouillon est enregistré).")
def import_gift_command(file: Path, module_slug: str, reading: str | None, yes: bool, publish_now: bool) -> None:
    """Append the questions of a GIFT FILE to a module's quiz: all of them or nothing."""
    item = _quiz_item(module_slug)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _fail([_("%(file)s: le fichier n'est pas en UTF-8", file=file)])
    try:
        done = import_gift(item, text, reading=reading, skip_unsupported=yes, author_id=None, now=now_utc(), publish_now=publish_now)
        db.session.commit()
    except GiftRefused as exc:
        db.session.rollback()
        lines = [f"{file}:{p.line}: {p.message}" if p.line else f"{file}: {p.message}" for p in exc.problems]
        hint = _("Relancez avec --yes pour importer les autres questions.") if exc.needs_confirmation else None
        _fail(lines, hint)
    except ContentInvalid as exc:
        db.session.rollback()
        _fail([str(error) for error in exc.errors])
    except EditConflict:
        db.session.rollback()
        _fail([_("le quiz vient d'être modifié par ailleurs : relancez la commande")])
    for problem in done.skipped:
        click.echo(_("%(file)s:%(line)s: ignorée : %(message)s", file=file, line=problem.line, message=problem.message), err=True)
    facts = {"reading": done.reading, "keys": ", ".join(done.keys), "revision": item.row.revision}
    if done.published:
        said = ngettext(
            "%(num)d question publiée (révision %(revision)d), lecture « %(reading)s » : %(keys)s.",
            "%(num)d questions publiées (révision %(revision)d), lecture « %(reading)s » : %(keys)s.",
            len(done.keys),
            **facts,
        )
    else:
        said = ngettext(
            "%(num)d question ajoutée au brouillon du quiz (publiez-le pour la montrer aux apprenants), lecture « %(reading)s » : %(keys)s.",
            "%(num)d questions ajoutées au brouillon du quiz (publiez-le pour les montrer aux apprenants), lecture « %(reading)s » : %(keys)s.",
            len(done.keys),
            **facts,
        )
    click.echo(said)
    if done.grading_note:
        click.echo(done.grading_note, err=True)


def _fail(lines: list[str], hint: str | None = None) -> None:
    click.echo(_("Import annulé, rien n'a été modifié :"), err=True)
    for line in lines:
        click.echo(line, err=True)
    if hint:
        click.echo(hint, err=True)
    raise click.exceptions.Exit(1)


@quiz_cli.command("export-gift")
@click.option("--module", "module_slug", required=True, help="Slug du module dont le quiz est exporté.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Fichier à écrire (par défaut : la sortie standard).")
def export_gift_command(module_slug: str, output: Path | None) -> None:
    """Write a module's published quiz as GIFT."""
    text = export_gift(_quiz_item(module_slug).row)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(_("Quiz exporté au format GIFT dans %(path)s.", path=output))
