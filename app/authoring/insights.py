"""Author pages on what learners say and where they fail: verdicts and comments on readings, question figures.

Authors see aggregates and anonymous comments only (see :mod:`app.authoring.insights_queries`).
The routes are added to the authoring blueprint, under ``/edition/retours/``.
"""

from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.decorators import role_required
from app.auth.models import Role
from app.authoring.insights_queries import MIN_ANSWERS
from app.authoring.insights_queries import MIN_VERDICTS
from app.authoring.insights_queries import TOO_EASY_SHARE
from app.authoring.insights_queries import TOO_HARD_SHARE
from app.authoring.insights_queries import VERDICT_FLAG_SHARE
from app.authoring.insights_queries import ReadingSort
from app.authoring.insights_queries import quiz_lines
from app.authoring.insights_queries import quiz_stats
from app.authoring.insights_queries import reading_comments
from app.authoring.insights_queries import reading_lines
from app.authoring.insights_queries import reading_verdicts
from app.authoring.views import bp
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import FeedbackRating
from app.quizzes.models import Quiz
from app.quizzes.question_types import QUESTION_TYPES
from app.web import page_arg

#: How the pages name each verdict, in the order they show them.
RATING_LABELS = {FeedbackRating.CLEAR: _l("Clair"), FeedbackRating.UNCLEAR: _l("Pas clair"), FeedbackRating.TOO_LONG: _l("Trop long")}


def _render(template: str, **context):
    """Render one of these pages with the verdict labels and thresholds they explain."""
    limits = {
        "min_verdicts": MIN_VERDICTS,
        "verdict_share": VERDICT_FLAG_SHARE,
        "min_answers": MIN_ANSWERS,
        "too_hard": TOO_HARD_SHARE,
        "too_easy": TOO_EASY_SHARE,
    }
    return render_template(template, RATING_LABELS=RATING_LABELS, limits=limits, **context)


def _reading_sort() -> ReadingSort:
    """Read the readings table's order from the query string; an unknown value gives the course order."""
    try:
        return ReadingSort(request.args.get("tri", ReadingSort.COURSE.value))
    except ValueError:
        return ReadingSort.COURSE


@bp.route("/retours/")
@role_required(Role.AUTHOR)
def insights_home():
    """List every reading with its verdicts and comments, and every quiz with its attempts."""
    sort = _reading_sort()
    return _render(
        "authoring/insights.html", readings=reading_lines(sort), quizzes=quiz_lines(), sort=sort, title=_("Retours des apprenants")
    )


@bp.route("/retours/lectures/<int:reading_id>")
@role_required(Role.AUTHOR)
def insights_reading(reading_id: int):
    """Show a reading's verdicts and its comments (text and date), newest first, a page at a time.

    :raise 404: no such reading.
    """
    reading = db.get_or_404(Reading, reading_id)
    page = reading_comments(reading.id, page_arg())
    return _render(
        "authoring/insights_reading.html",
        reading=reading,
        verdicts=reading_verdicts(reading.id),
        page=page,
        title=_("Avis : %(t)s", t=reading.title),
    )


@bp.route("/retours/quiz/<int:quiz_id>")
@role_required(Role.AUTHOR)
def insights_quiz(quiz_id: int):
    """Show each question of a quiz with its answers, share answered right, discrimination index and flag.

    :raise 404: no such quiz.
    """
    quiz = db.get_or_404(Quiz, quiz_id)
    return _render(
        "authoring/insights_quiz.html",
        quiz=quiz,
        stats=quiz_stats(quiz),
        type_labels={name: kind.label for name, kind in QUESTION_TYPES.items()},
        title=_("Statistiques : %(t)s", t=quiz.title),
    )
