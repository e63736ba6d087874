"""The learner's activity page: the brief, the criteria, their versions and the answer form."""

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.activities.forms import AnswerForm
from app.activities.forms import size_text
from app.activities.models import Activity
from app.activities.models import SubmissionStatus
from app.activities.queries import file_of
from app.activities.queries import live_activity
from app.activities.services import ActivityError
from app.activities.services import save_answer
from app.activities.services import versions_of
from app.extensions import db
from app.web import file_download

bp = Blueprint("activities", __name__, template_folder="templates")


@bp.route("/<module_slug>/activites/<activity_slug>", methods=["GET", "POST"])
@login_required
def activity(module_slug: str, activity_slug: str):
    """Show the activity with the learner's versions; save or send their answer."""
    found = live_activity(module_slug, activity_slug) or abort(404)
    versions = versions_of(found.id, current_user.id)
    form = AnswerForm()
    if form.validate_on_submit():
        submit = bool(form.send.data)
        try:
            save_answer(current_user, found, form.answer.data or "", form.attachment.data if found.accepts_file else None, submit=submit)
        except ActivityError as error:
            db.session.rollback()
            form.answer.errors = [*form.answer.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Réponse envoyée à votre tuteur.") if submit else _("Brouillon enregistré."), "success")
            return redirect(url_for(".activity", module_slug=module_slug, activity_slug=activity_slug), code=303)
    elif not form.is_submitted() and versions and versions[0].status in (SubmissionStatus.DRAFT, SubmissionStatus.REWORK):
        form.answer.data = versions[0].answer  # the draft, or the version to rework, as a start
    return _render(found, versions, form), 400 if form.errors else 200


def _render(found: Activity, versions, form: AnswerForm) -> str:
    latest = versions[0] if versions else None
    writable = latest is None or latest.status in (SubmissionStatus.DRAFT, SubmissionStatus.REWORK)
    return render_template("activities/activity.html", activity=found, versions=versions, latest=latest, writable=writable, form=form,
                           file_limit=size_text(current_app.config["ACTIVITY_FILE_MAX_BYTES"]), title=found.title)


@bp.route("/<module_slug>/activites/<activity_slug>/versions/<int:version>/fichier")
@login_required
def own_file(module_slug: str, activity_slug: str, version: int):
    """Download the file the learner joined to one version of their own answer."""
    found = live_activity(module_slug, activity_slug) or abort(404)
    mine = next((v for v in versions_of(found.id, current_user.id) if v.version == version), None) or abort(404)
    return file_download(*(file_of(mine.id) or abort(404)))
