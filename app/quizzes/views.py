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
from markupsafe import Markup

from app.auth.services import preload_with
from app.extensions import db
from app.extensions import login_manager
from app.page_cache import cached_fragment
from app.page_cache import serve_cached
from app.quizzes.forms import QuizFormBase
from app.quizzes.forms import field_name
from app.quizzes.forms import order_key
from app.quizzes.forms import quiz_form
from app.quizzes.forms import responses_from_form
from app.quizzes.queries import PublishedQuiz
from app.quizzes.queries import QuizState
from app.quizzes.queries import attempt_with_answers
from app.quizzes.queries import attempts_of
from app.quizzes.queries import published_quiz
from app.quizzes.queries import user_and_quiz_state
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
def take(module_slug: str):
    """Show a module's quiz with the learner's past attempts, and grade a submission.

    The user and the quiz's live revision come from one query; the quiz, its form class and the
    questions' markup for each order are built once per revision, not on every request.
    """
    state = _preload_user_and_quiz(module_slug)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    quiz = (published_quiz(state) if state else None) or abort(404)
    # The token names the attempt and draws its order of options: a form sent again keeps both.
    token = request.form.get("token", "") if request.method == "POST" else new_attempt_token()
    orders = shown_orders(quiz, token)
    if request.method == "GET":
        # Cached per revision, order and history; each view still gets a token of its own.
        key = (current_user.id, quiz.id, quiz.revision, state.course_stamp, state.last_attempt_id, order_key(orders))
        return serve_cached(key, lambda: _take_page(quiz, QuizFormBase(token=token), _shared_questions_html(quiz, orders)), fresh=(token,))
    form = quiz_form(quiz, orders)
    if form.validate():
        attempt, _created = submit_attempt(current_user, quiz, responses_from_form(form, quiz.questions), form.token.data)
        db.session.commit()
        return redirect(url_for("quizzes.attempt", module_slug=module_slug, attempt_id=attempt.id), code=303)
    if form.token.errors:
        form.token.data = new_attempt_token()  # a form sent without its token can still be sent again
    return _take_page(quiz, form, _questions_html(quiz, form)), 400


def _take_page(quiz: PublishedQuiz, form: QuizFormBase, questions_html: Markup) -> str:
    attempts = attempts_of(current_user.id, quiz.id)
    return render_template(
        "quizzes/take.html", quiz=quiz, form=form, questions_html=questions_html, attempts=attempts, field_name=field_name, title=quiz.title
    )


def _shared_questions_html(quiz: PublishedQuiz, orders: dict[int, list[str]]) -> Markup:
    """The questions of an unanswered form: the same markup for every learner shown these orders."""
    return cached_fragment(("quiz", quiz.id, quiz.revision, order_key(orders)), lambda: _questions_html(quiz, quiz_form(quiz, orders)))


def _questions_html(quiz: PublishedQuiz, form: QuizFormBase) -> Markup:
    return Markup(render_template("quizzes/_questions.html", quiz=quiz, form=form, field_name=field_name))


def _preload_user_and_quiz(module_slug: str) -> QuizState | None:
    """Load the signed-in user with the module's live quiz state in one query."""
    return preload_with(lambda user_id: user_and_quiz_state(user_id, module_slug))


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
