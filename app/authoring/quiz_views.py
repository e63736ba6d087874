"""The quiz editor's pages: settings and questions in the draft, the learners' preview, a new quiz.

Views stay thin: the editor's logic is in :mod:`app.authoring.quiz_editing`.
"""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import role_required
from app.auth.models import Role
from app.authoring import quiz_editing
from app.authoring.quiz_forms import CreateQuizForm
from app.authoring.quiz_forms import QuestionChangeForm
from app.authoring.services import Item
from app.authoring.services import find_item
from app.authoring.structure import StructureError
from app.authoring.views import bp
from app.catalogue.models import Module
from app.extensions import db


def _quiz_or_404(object_id: int) -> Item:
    item = find_item("quiz", object_id)
    if item is None:
        abort(404)
    return item


def _editor_response(item: Item, page: quiz_editing.Page):
    """Render the quiz editor, or go back to it after a change that went through."""
    if page.redirect_to:
        if page.message:
            flash(page.message, "success")
        return redirect(url_for(".edit_quiz", object_id=item.row.id), code=303)
    return render_template("authoring/quiz.html", item=item, page=page, form=page.form, types=quiz_editing.editable_types(),
                           title=_("Modifier : %(t)s", t=item.row.title)), page.status


@bp.route("/quiz/<int:object_id>", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def edit_quiz(object_id: int):
    """Show a quiz's working copy; save its settings to the draft, publish the draft or discard it."""
    item = _quiz_or_404(object_id)
    return _editor_response(item, quiz_editing.handle_settings(item, current_user.id))


@bp.route("/quiz/<int:object_id>/apercu")
@role_required(Role.AUTHOR)
def preview_quiz(object_id: int):
    """Show the working copy as learners will see it, with each question's explanation and feedback."""
    item = _quiz_or_404(object_id)
    return render_template("authoring/quiz_preview.html", item=item, preview=quiz_editing.preview(item),
                           title=_("Aperçu : %(t)s", t=item.row.title))


def _question_response(item: Item, page: quiz_editing.Page):
    """Render the question form, or go back to the quiz editor once the question is in the draft."""
    if page.redirect_to:
        flash(page.message, "success")
        return redirect(url_for(".edit_quiz", object_id=item.row.id), code=303)
    return render_template("authoring/quiz_question.html", item=item, page=page, form=page.form,
                           title=_("Question : %(t)s", t=item.row.title)), page.status


@bp.route("/quiz/<int:object_id>/nouvelle-question/<question_type>", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def add_question(object_id: int, question_type: str):
    """Write a new question of ``question_type`` at the end of the quiz's draft."""
    item = _quiz_or_404(object_id)
    try:
        page = quiz_editing.handle_question(item, current_user.id, type_name=question_type)
    except LookupError:
        abort(404)
    return _question_response(item, page)


@bp.route("/quiz/<int:object_id>/questions/<question_key>", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def edit_question(object_id: int, question_key: str):
    """Change a question of the quiz's draft (it keeps its key, so its statistics follow)."""
    item = _quiz_or_404(object_id)
    try:
        page = quiz_editing.handle_question(item, current_user.id, key=question_key)
    except LookupError:
        abort(404)
    return _question_response(item, page)


@bp.route("/quiz/<int:object_id>/questions/<question_key>/changer", methods=["POST"])
@role_required(Role.AUTHOR)
def change_question(object_id: int, question_key: str):
    """Move a question one place up or down in the draft, or take it out."""
    item = _quiz_or_404(object_id)
    form = QuestionChangeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        page = quiz_editing.change_question(item, question_key, form, current_user.id)
    except LookupError:
        abort(404)
    return _editor_response(item, page)


@bp.route("/modules/<int:module_id>/quiz", methods=["POST"])
@role_required(Role.AUTHOR)
def create_quiz(module_id: int):
    """Give a module its quiz, unpublished; its author then adds the first question."""
    module = db.get_or_404(Module, module_id)
    if not CreateQuizForm().validate_on_submit():
        abort(400)
    try:
        quiz = quiz_editing.create_quiz(module)
    except StructureError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".home") + f"#m-{module.slug}", code=303)
    db.session.commit()
    flash(_("Quiz créé : ajoutez-lui sa première question, puis publiez-le."), "success")
    return redirect(url_for(".edit_quiz", object_id=quiz.id), code=303)
