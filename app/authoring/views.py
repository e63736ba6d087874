"""Author pages: the course's structure, the module and reading editors, history, diff and restore.

Views stay thin: the editors' logic is in :mod:`app.authoring.editing`, the operations in
:mod:`app.authoring.services` and :mod:`app.authoring.structure`.
"""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from app.auth.decorators import role_required
from app.auth.models import Role
from app.authoring import editing
from app.authoring.forms import ArchiveForm
from app.authoring.forms import MoveForm
from app.authoring.forms import NewItemForm
from app.authoring.forms import PreviewForm
from app.authoring.forms import RestoreForm
from app.authoring.models import Draft
from app.authoring.queries import content_overview
from app.authoring.queries import history_page
from app.authoring.services import find_item
from app.authoring.services import restore as restore_revision
from app.authoring.services import working_copy
from app.authoring.structure import StructureError
from app.authoring.structure import create_module
from app.authoring.structure import create_reading
from app.authoring.structure import move as move_item
from app.authoring.structure import set_archived
from app.catalogue.models import Module
from app.catalogue.services import course_stamp
from app.contentfile import ContentInvalid
from app.extensions import db
from app.markdown import render_preview
from app.page_cache import serve_cached
from app.web import id_arg

bp = Blueprint("authoring", __name__, template_folder="templates")

#: The kinds the generic editor handles (quizzes have their own editor).
EDITABLE = ("module", "reading", "activity")


def _item_or_404(kind: str, object_id: int):
    item = find_item(kind, object_id)
    if item is None:
        abort(404)
    return item


@bp.route("/")
@role_required(Role.AUTHOR)
def home():
    """List modules with their readings and quiz; create, order and archive them."""
    drafts = set(db.session.execute(select(Draft.kind, Draft.object_id)).tuples())
    return render_template("authoring/home.html", modules=content_overview(), drafts=drafts, new_module_form=NewItemForm(), title=_("Édition"))


@bp.route("/<any(module, reading, activity):kind>/<int:object_id>", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def edit(kind: str, object_id: int):
    """Edit a module, a reading or an activity: preview, save the draft, publish it, or discard it."""
    item = _item_or_404(kind, object_id)
    if request.method == "GET":
        # Shown again and again while an author works: cached per text version and course stamp.
        working = working_copy(item)
        draft_dt = working.draft.updated_dt if working.draft else None
        key = (kind, object_id, item.row.revision, item.row.is_archived, working.version, working.base, draft_dt, course_stamp())
        return serve_cached(key, lambda: _editor_page(item, editing.handle(item, current_user.id)))
    outcome = editing.handle(item, current_user.id)
    if outcome.redirect_to:
        flash(outcome.message, "success")
        return redirect(url_for(".edit", kind=kind, object_id=object_id), code=303)
    return _editor_page(item, outcome), outcome.status


def _editor_page(item, outcome: editing.EditorPage) -> str:
    return render_template(f"authoring/edit_{item.kind.kind.value}.html", item=item, page=outcome, title=_("Modifier : %(t)s", t=item.row.title))


@bp.route("/apercu", methods=["POST"])
@role_required(Role.AUTHOR)
def preview():
    """Render Markdown as learners would see it (the live preview asks this as you type)."""
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    return Markup(render_preview(form.body.data or "")), 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.route("/<any(module, reading, activity, quiz):kind>/<int:object_id>/historique")
@role_required(Role.AUTHOR)
def history(kind: str, object_id: int):
    """List an item's revisions; compare any two (``?a=N&b=M``)."""
    item = _item_or_404(kind, object_id)
    page = history_page(item, id_arg("a"), id_arg("b"))
    if page is None:
        abort(404)
    return render_template("authoring/history.html", item=item, page=page, restore_form=RestoreForm(), title=_("Historique : %(t)s", t=item.row.title))


@bp.route("/<any(module, reading, activity, quiz):kind>/<int:object_id>/restaurer/<int:number>", methods=["POST"])
@role_required(Role.AUTHOR)
def restore(kind: str, object_id: int, number: int):
    """Publish an old revision again, as a new revision."""
    item = _item_or_404(kind, object_id)
    if not RestoreForm().validate_on_submit():
        abort(400)
    try:
        restore_revision(item, number, author_id=current_user.id)
    except LookupError:
        abort(404)
    except ContentInvalid as exc:
        flash(_("Cette révision ne passe plus les vérifications : %(errors)s", errors=" ; ".join(str(e) for e in exc.errors)), "error")
        return redirect(url_for(".history", kind=kind, object_id=object_id), code=303)
    db.session.commit()
    flash(_("Révision %(n)d restaurée : elle est publiée comme révision %(m)d.", n=number, m=item.row.revision), "success")
    return redirect(url_for(".history", kind=kind, object_id=object_id), code=303)


@bp.route("/modules/nouveau", methods=["POST"])
@role_required(Role.AUTHOR)
def new_module():
    """Create an unpublished module at the end of the course."""
    form = NewItemForm()
    if form.validate_on_submit():
        try:
            module = create_module(form.slug.data, form.title.data)
        except StructureError as exc:
            form.slug.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Module créé : complétez-le, ajoutez-lui une lecture, puis publiez-le."), "success")
            return redirect(url_for(".edit", kind="module", object_id=module.id), code=303)
    drafts = set(db.session.execute(select(Draft.kind, Draft.object_id)).tuples())
    return render_template("authoring/home.html", modules=content_overview(), drafts=drafts, new_module_form=form, title=_("Édition")), 400


@bp.route("/modules/<int:module_id>/lectures/nouvelle", methods=["POST"])
@role_required(Role.AUTHOR)
def new_reading(module_id: int):
    """Create an unpublished reading at the end of a module."""
    module = db.get_or_404(Module, module_id)
    form = NewItemForm()
    if not form.validate_on_submit():
        flash(_("Lecture non créée : %(errors)s", errors=" ".join(str(e) for errors in form.errors.values() for e in errors)), "error")
        return redirect(url_for(".home"), code=303)
    try:
        reading = create_reading(module, form.slug.data, form.title.data)
    except StructureError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".home"), code=303)
    db.session.commit()
    flash(_("Lecture créée : rédigez-la, puis publiez-la."), "success")
    return redirect(url_for(".edit", kind="reading", object_id=reading.id), code=303)


@bp.route("/<any(module, reading):kind>/<int:object_id>/deplacer", methods=["POST"])
@role_required(Role.AUTHOR)
def move(kind: str, object_id: int):
    """Move a module or a reading one place up or down."""
    item = _item_or_404(kind, object_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    if move_item(item.row, form.direction.data):
        db.session.commit()
        flash(_("Ordre modifié."), "success")
    return redirect(url_for(".home") + f"#m-{_module_slug(item)}", code=303)


@bp.route("/<any(module, reading):kind>/<int:object_id>/archiver", methods=["POST"])
@role_required(Role.AUTHOR)
def archive(kind: str, object_id: int):
    """Archive an item (learners no longer see it; their progress is kept) or bring it back."""
    item = _item_or_404(kind, object_id)
    form = ArchiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_archived(item.row, form.archived.data == "1")
    except StructureError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Archivé : les apprenants ne le voient plus ; leur progression est gardée.") if item.row.is_archived else _("Rétabli."), "success")
    return redirect(url_for(".home") + f"#m-{_module_slug(item)}", code=303)


def _module_slug(item) -> str:
    return item.row.slug if isinstance(item.row, Module) else item.row.module.slug
