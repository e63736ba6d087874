"""Author pages for GIFT files (Moodle's quiz format): import questions into a quiz, download a quiz.

The routes join the authoring blueprint (``bp`` from :mod:`app.authoring.views`). An import saves
the quiz's draft; the author publishes it in the quiz editor, or ticks "publish" on the form.
"""

from dataclasses import dataclass
from dataclasses import field

from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from app.auth.decorators import role_required
from app.auth.models import Role
from app.authoring.gift import GiftImport
from app.authoring.gift import GiftRefused
from app.authoring.gift import export_gift
from app.authoring.gift import gift_file_name
from app.authoring.gift import import_gift
from app.authoring.gift import quiz_readings
from app.authoring.gift_forms import GiftImportForm
from app.authoring.services import EditConflict
from app.authoring.services import Item
from app.authoring.services import find_item
from app.authoring.services import working_copy
from app.authoring.views import bp
from app.clock import now_utc
from app.contentfile import ContentError
from app.contentfile import ContentInvalid
from app.extensions import db
from app.quizzes.gift import GiftProblem


@dataclass
class GiftPage:
    """What the import page shows after a POST (or the import's result)."""

    status: int = 200
    problems: list[GiftProblem] = field(default_factory=list)
    needs_confirmation: bool = False
    errors: list[ContentError] = field(default_factory=list)
    conflict: bool = False
    done: GiftImport | None = None


def _quiz_or_404(object_id: int) -> Item:
    item = find_item("quiz", object_id)
    if item is None:
        abort(404)
    return item


@bp.route("/quiz/<int:object_id>/gift", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def gift_import(object_id: int):
    """Add the questions of a GIFT file or text to a quiz's draft; offer the quiz as GIFT."""
    item = _quiz_or_404(object_id)
    form = GiftImportForm(readings=[(r.slug, r.title) for r in quiz_readings(item.row)])
    page = GiftPage(status=400 if form.is_submitted() else 200)
    if form.validate_on_submit():
        page = _run_import(item, form)
        if page.done is not None:
            flash(_summary(page.done, item), "success")
            if page.done.grading_note:
                flash(page.done.grading_note, "warning")
            return redirect(url_for(".gift_import", object_id=object_id), code=303)
        form.text.data = form.gift_text  # the file is not sent again: its text waits in the text box
    return render_template("authoring/gift.html", item=item, form=form, page=page, draft=working_copy(item).draft,
                           editor_url=_quiz_editor_url(object_id), title=_("Import GIFT : %(t)s", t=item.row.title)), page.status


def _run_import(item: Item, form: GiftImportForm) -> GiftPage:
    """Import, commit on success; roll back and say why otherwise."""
    try:
        done = import_gift(item, form.gift_text, reading=form.reading.data, skip_unsupported=form.skip_unsupported.data,
                           author_id=current_user.id, now=now_utc(), publish_now=form.publish.data)
    except GiftRefused as exc:
        db.session.rollback()
        return GiftPage(400, problems=exc.problems, needs_confirmation=exc.needs_confirmation)
    except ContentInvalid as exc:
        db.session.rollback()
        return GiftPage(400, errors=exc.errors)
    except EditConflict:
        db.session.rollback()
        return GiftPage(409, conflict=True)
    db.session.commit()
    return GiftPage(done=done)


def _summary(done: GiftImport, item: Item) -> str:
    added = ngettext("%(num)d question importée (%(ids)s).", "%(num)d questions importées (%(ids)s).", len(done.keys), ids=", ".join(done.keys))
    skipped = ngettext(" %(num)d question non prise en charge ignorée.", " %(num)d questions non prises en charge ignorées.",
                       len(done.skipped)) if done.skipped else ""
    if done.published:
        return added + skipped + " " + _("Le quiz est publié : les apprenants voient maintenant la révision %(n)d.", n=item.row.revision)
    return added + skipped + " " + ngettext("Elle est dans le brouillon du quiz : les apprenants ne la verront qu'après sa publication.",
                                            "Elles sont dans le brouillon du quiz : les apprenants ne les verront qu'après sa publication.",
                                            len(done.keys))


def _quiz_editor_url(object_id: int) -> str | None:
    """The quiz editor's address, if the application has one (``/edition/quiz/<id>``)."""
    path = url_for(".home") + f"quiz/{object_id}"
    try:
        current_app.create_url_adapter(request).match(path, method="GET")
    except HTTPException:
        return None
    return path


@bp.route("/quiz/<int:object_id>/gift.txt")
@role_required(Role.AUTHOR)
def gift_export(object_id: int):
    """Send the published quiz as a GIFT file, to import into Moodle or to edit and import again."""
    quiz = _quiz_or_404(object_id).row
    return Response(export_gift(quiz), mimetype="text/plain",
                    headers={"Content-Disposition": f'attachment; filename="{gift_file_name(quiz)}"'})
