"""Taking a module's quiz and reviewing attempts."""

from flask import Blueprint
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.extensions import db
from app.quizzes.forms import field_name
from app.quizzes.forms import make_quiz_form
from app.quizzes.forms import responses_from_form
from app.quizzes.queries import attempt_with_answers
from app.quizzes.queries import attempts_of
from app.quizzes.queries import quiz_for_module
from app.quizzes.review import review_answers
from app.quizzes.services import new_attempt_token
from app.quizzes.services import shown_orders
from app.quizzes.services import submit_attempt

bp = Blueprint("quizzes", __name__, template_folder="templates")


@bp.app_template_filter("points")
def points_text(value: float) -> str:
    """Points earned, as a French number: ``7``, ``7,5`` (partial credit gives shares of a point)."""
    return format_decimal(round(value, 2), format="#,##0.##")


@bp.route("/<module_slug>", methods=["GET", "POST"])
@login_required
def take(module_slug: str):
    """Show a module's quiz with the learner's past attempts, and grade a submission."""
    quiz = quiz_for_module(module_slug) or abort(404)
    # The token names the attempt and draws its order of options: a form sent again keeps both.
    token = request.form.get("token", "") if request.method == "POST" else new_attempt_token()
    form = make_quiz_form(quiz.questions, shown_orders(quiz, token))
    if not form.is_submitted():
        form.token.data = token
    elif form.validate():
        attempt, _created = submit_attempt(current_user, quiz, responses_from_form(form, quiz.questions), form.token.data)
        db.session.commit()
        return redirect(url_for("quizzes.attempt", module_slug=module_slug, attempt_id=attempt.id), code=303)
    if form.token.errors:
        form.token.data = new_attempt_token()  # a form sent without its token can still be sent again
    attempts = attempts_of(current_user.id, quiz.id)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "quizzes/take.html", quiz=quiz, form=form, attempts=attempts, field_name=field_name, title=quiz.title
    ), status


@bp.route("/<module_slug>/tentatives/<int:attempt_id>")
@login_required
def attempt(module_slug: str, attempt_id: int):
    """Show one attempt: score, pass or fail, and feedback on every question."""
    found = attempt_with_answers(attempt_id, current_user.id)
    if found is None or found.quiz.module.slug != module_slug:
        abort(404)
    attempts = attempts_of(current_user.id, found.quiz_id)
    best = max(attempts, key=lambda a: (a.score, -a.id))
    return render_template(
        "quizzes/attempt.html",
        attempt=found,
        quiz=found.quiz,
        reviews=review_answers(found.answers),
        attempts=attempts,
        best=best,
        title=_("Résultat : %(title)s", title=found.quiz.title),
    )
