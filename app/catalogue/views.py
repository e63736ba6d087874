"""The learner's view of the course: course map, module pages, reading pages."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.services import preload_with
from app.catalogue.forms import FeedbackForm
from app.catalogue.forms import MarkReadForm
from app.catalogue.queries import ReadingRef
from app.catalogue.queries import live_module
from app.clock import now_utc
from app.extensions import db
from app.extensions import login_manager
from app.page_cache import serve_cached
from app.progress.models import FeedbackRating
from app.progress.queries import ReadingState
from app.progress.queries import learner_pace
from app.progress.queries import module_activities
from app.progress.queries import module_readings
from app.progress.queries import modules_progress
from app.progress.queries import reading_page
from app.progress.queries import reading_state
from app.progress.queries import user_and_course_map_state
from app.progress.queries import user_and_reading_state
from app.progress.services import complete_reading
from app.progress.services import give_feedback
from app.progress.services import record_reading_view

bp = Blueprint("catalogue", __name__, template_folder="templates")
#: Session key naming the reading whose feedback was just saved (read once, by the next view).
_FEEDBACK_SAVED = "feedback_saved"


@bp.route("/")
def course_map():
    """Show every module with the learner's progress; cached per course and learner state."""
    if not _preload_user_and_course_map():
        return login_manager.unauthorized()
    now = now_utc()

    def render() -> str:
        return render_template(
            "catalogue/course_map.html", modules=modules_progress(current_user.id), pace=learner_pace(current_user.id, now), title=_("Le cours")
        )

    # The user's id is in the key: two learners whose counts and dates agree may still have done
    # different readings.
    return serve_cached((current_user.id, *g.course_map_state.key(now)), render)


@bp.route("/<module_slug>/")
def module(module_slug: str):
    """Show a module: summary, objectives, readings and quiz; cached like the course map."""
    if not _preload_user_and_course_map():
        return login_manager.unauthorized()

    def render() -> str:
        found = live_module(module_slug) or abort(404)
        progress = next((m for m in modules_progress(current_user.id) if m.module.id == found.id), None)
        return render_template(
            "catalogue/module.html", module=found, progress=progress, readings=module_readings(found.id, current_user.id),
            activities=module_activities(found.id, current_user.id), title=found.title
        )

    # A 404 is never stored: abort() leaves before the page reaches the cache.
    return serve_cached((current_user.id, module_slug, *g.course_map_state.key(now_utc())), render)


def _preload_user_and_course_map() -> bool:
    """Load the signed-in user with their course map's state in one query; tell if signed in.

    The state is kept in ``g.course_map_state``.
    """
    g.course_map_state = preload_with(user_and_course_map_state)
    return current_user.is_authenticated and g.course_map_state is not None


@bp.route("/<module_slug>/<reading_slug>")
def reading(module_slug: str, reading_slug: str):
    """Show a reading; the page is cached per content revision and learner state.

    The user and their state on the reading come from one query (this is the page learners load
    most), so the view checks the sign-in itself instead of through ``login_required``.
    """
    state = _preload_user_and_state(module_slug, reading_slug)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    state = state or reading_state(module_slug, reading_slug, current_user.id) or abort(404)
    if record_reading_view(current_user, state.reading_id, state.last_viewed_dt):
        db.session.commit()
    def form() -> FeedbackForm:  # built only when the page is rendered, not on a cache hit
        return FeedbackForm(rating=state.rating, comment=state.comment)

    if session.get(_FEEDBACK_SAVED) is not None:  # just sent: the thanks go where the form is, once
        saved = session.pop(_FEEDBACK_SAVED) == state.reading_id
        return _render_reading(module_slug, reading_slug, form(), feedback_saved=saved)
    key = (state.reading_id, state.revision, state.course_stamp, state.completed_dt is not None, state.rating, state.comment)
    return serve_cached(key, lambda: _render_reading(module_slug, reading_slug, form()))


@bp.route("/<module_slug>/<reading_slug>", methods=["POST"])
def give_reading_feedback(module_slug: str, reading_slug: str):
    """Store the learner's verdict on a reading, or show the page again with the form's errors."""
    reading = _signed_in_reading(module_slug, reading_slug)
    if reading is None:
        return login_manager.unauthorized()
    form = FeedbackForm()
    if form.validate_on_submit():
        give_feedback(current_user, reading, FeedbackRating(form.rating.data), form.comment.data)
        db.session.commit()
        # Not a flash (shown at the top of a long page): the page thanks the learner in the form's
        # section, which the fragment scrolls to, with their comment back in the form.
        session[_FEEDBACK_SAVED] = reading.id
        return redirect(url_for(".reading", module_slug=module_slug, reading_slug=reading_slug, _anchor="avis"), code=303)
    return _render_reading(module_slug, reading_slug, form), 400


def _signed_in_reading(module_slug: str, reading_slug: str) -> ReadingRef | None:
    """Return the live reading a POST is about, loaded with the signed-in user in one query.

    :return: ``None`` when no one is signed in (the caller sends them to sign in).
    :raise 404: no such live reading.
    """
    state = _preload_user_and_state(module_slug, reading_slug)
    if not current_user.is_authenticated:
        return None
    state = state or reading_state(module_slug, reading_slug, current_user.id) or abort(404)
    return ReadingRef(state.reading_id)


def _preload_user_and_state(module_slug: str, reading_slug: str) -> ReadingState | None:
    return preload_with(lambda user_id: user_and_reading_state(user_id, module_slug, reading_slug))


def _render_reading(module_slug: str, reading_slug: str, form: FeedbackForm, feedback_saved: bool = False) -> str:
    page = reading_page(module_slug, reading_slug, current_user.id) or abort(404)
    # After the module's last reading comes its activity, if it has one, then its quiz.
    practice = next((a for a, _status in module_activities(page.reading.module_id, current_user.id)), None) if page.is_last_of_module else None
    return render_template(
        "catalogue/reading.html", page=page, form=form, mark_form=MarkReadForm(), feedback_saved=feedback_saved, practice=practice,
        title=page.reading.title,
    )


@bp.route("/<module_slug>/<reading_slug>/lu", methods=["POST"])
def mark_read(module_slug: str, reading_slug: str):
    """Mark a reading as read and show the reading again, with its new state and the link onwards."""
    reading = _signed_in_reading(module_slug, reading_slug)
    if reading is None:
        return login_manager.unauthorized()
    if MarkReadForm().validate_on_submit():
        complete_reading(current_user, reading)
        db.session.commit()
        flash(_("Lecture marquée comme lue."), "success")
    return redirect(url_for(".reading", module_slug=module_slug, reading_slug=reading_slug), code=303)
