"""Tutor pages: their cohorts, a cohort's dashboard, a learner's record, contacts, alerts, reminders.

A tutor reaches only the cohorts they tutor: any other cohort, its learners and alerts answer 404.
"""

import uuid
from zoneinfo import ZoneInfo

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.activities.forms import ReviewForm
from app.activities.models import SubmissionStatus
from app.activities.queries import cohort_submission
from app.activities.queries import file_of
from app.activities.queries import waiting_answers
from app.activities.queries import waiting_count
from app.activities.services import ActivityError
from app.activities.services import review_submission
from app.activities.services import versions_of
from app.alerts.models import Alert
from app.alerts.queries import cohort_day
from app.alerts.rules import KIND_LABELS
from app.alerts.rules import reason_of
from app.alerts.services import AlertError
from app.alerts.services import resolve_alert
from app.alerts.services import snooze_alert
from app.auth.decorators import role_required
from app.auth.models import Role
from app.auth.models import User
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.consent.services import ConsentRequired
from app.dates import date_text
from app.extensions import db
from app.page_cache import serve_cached
from app.progress.weeks import cohort_weeks
from app.reminders.services import DEFAULT_BODY
from app.reminders.services import DEFAULT_SUBJECT
from app.reminders.services import PLACEHOLDERS
from app.reminders.services import fill
from app.reminders.services import fill_subject
from app.reminders.services import values_for
from app.tutoring.chart import pace_chart
from app.tutoring.csv_export import cohort_csv_response
from app.tutoring.forms import ContactForm
from app.tutoring.forms import LearnerFilterForm
from app.tutoring.forms import ReminderForm
from app.tutoring.forms import ResolveForm
from app.tutoring.forms import SnoozeForm
from app.tutoring.queries import LearnerFilter
from app.tutoring.queries import cohort_summary
from app.tutoring.queries import learner_lines
from app.tutoring.queries import learner_page
from app.tutoring.queries import tutor_cohorts_overview
from app.tutoring.queries import tutored_cohort
from app.tutoring.record import enrolled_learner
from app.tutoring.record import learner_record
from app.tutoring.record import record_stamp
from app.tutoring.services import CHANNELS
from app.tutoring.services import OUTCOMES
from app.tutoring.services import ContactError
from app.tutoring.services import log_contact
from app.tutoring.services import send_reminders
from app.web import file_download
from app.web import id_arg

bp = Blueprint("tutoring", __name__, template_folder="templates")

#: How the timeline names each verb.
VERB_LABELS = {
    "experienced": _l("a ouvert"),
    "completed": _l("a terminé"),
    "answered": _l("a répondu à"),
    "passed": _l("a réussi"),
    "failed": _l("a échoué à"),
    "commented": _l("a donné son avis sur"),
    "responded": _l("a rempli l'autodiagnostic"),
    "submitted": _l("a envoyé sa réponse à"),
    "scored": _l("a reçu la relecture de"),
}
#: Learners per page of the cohort table.
PER_PAGE = 50


@bp.app_template_filter("alert_reason")
def _alert_reason(alert: Alert) -> str:
    return reason_of(alert.kind, alert.figures)


@bp.app_context_processor
def _labels():
    return {"ALERT_KINDS": KIND_LABELS, "CHANNELS": CHANNELS, "OUTCOMES": OUTCOMES, "VERB_LABELS": VERB_LABELS}


def _cohort_or_404(cohort_id: int):
    cohort = tutored_cohort(cohort_id, current_user.id)
    if cohort is None:
        abort(404)
    return cohort


def _learner_or_404(cohort_id: int, user_id: int):
    user = enrolled_learner(cohort_id, user_id)
    if user is None:
        abort(404)
    return user


def _filter_from_args() -> tuple[LearnerFilterForm, LearnerFilter]:
    """Read the table's filter from the query string; a bad value falls back to the default."""
    form = LearnerFilterForm(request.args)
    if request.args and not form.validate():
        return form, LearnerFilter()
    return form, LearnerFilter(form.statut.data or "", form.contact.data or "", form.alerte.data or "", form.q.data or "", form.tri.data, form.ordre.data)


@bp.route("/")
@role_required(Role.TUTOR)
def home():
    """List the cohorts this tutor follows."""
    return render_template("tutoring/home.html", cohorts=tutor_cohorts_overview(current_user.id), title=_("Tutorat"))


@bp.route("/cohortes/<int:cohort_id>")
@role_required(Role.TUTOR)
def cohort(cohort_id: int):
    """Show a cohort's figures, pace chart and learner table (filtered, sorted, paginated)."""
    found = _cohort_or_404(cohort_id)
    day = cohort_day(found, now_utc())
    form, wanted = _filter_from_args()
    summary = cohort_summary(day, wanted)
    page = learner_page(day, wanted, summary, form.page.data or 1, PER_PAGE)
    chart = pace_chart(day, cohort_weeks(cohort_id), summary.done_counts, lambda n: _("semaine %(n)d", n=n))
    return render_template(
        "tutoring/cohort.html", cohort=found, day=day, figures=summary.figures, chart=chart, form=form, page=page,
        waiting=waiting_answers(cohort_id), waiting_total=waiting_count(cohort_id),
        args={k: v for k, v in request.args.items() if k != "page"}, title=found.name,
    ), 400 if form.errors else 200


@bp.route("/cohortes/<int:cohort_id>/reponses/<int:submission_id>", methods=["GET", "POST"])
@role_required(Role.TUTOR)
def review(cohort_id: int, submission_id: int):
    """Show a learner's answer to an activity with their earlier versions; record the tutor's review."""
    found = _cohort_or_404(cohort_id)
    submission = cohort_submission(cohort_id, submission_id) or abort(404)
    form = ReviewForm()
    if submission.status == SubmissionStatus.SUBMITTED and form.validate_on_submit():
        try:
            review_submission(submission, current_user.id, SubmissionStatus(form.decision.data), form.feedback.data)
        except ActivityError as error:
            db.session.rollback()
            form.feedback.errors = [*form.feedback.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Relecture enregistrée : l'apprenant voit votre retour."), "success")
            return redirect(url_for(".cohort", cohort_id=cohort_id) + "#reponses", code=303)
    elif form.is_submitted() and submission.status != SubmissionStatus.SUBMITTED:
        form.feedback.errors = [_("Cette réponse a déjà été relue.")]
    versions = versions_of(submission.activity_id, submission.user_id)
    return render_template(
        "tutoring/review.html", cohort=found, submission=submission, versions=[v for v in versions if v.status != SubmissionStatus.DRAFT],
        learner=db.session.get(User, submission.user_id), form=form, title=_("Relecture : %(activity)s", activity=submission.activity.title),
    ), 400 if form.errors else 200


@bp.route("/cohortes/<int:cohort_id>/reponses/<int:submission_id>/fichier")
@role_required(Role.TUTOR)
def answer_file(cohort_id: int, submission_id: int):
    """Download the file a learner of the cohort joined to an answer."""
    _cohort_or_404(cohort_id)
    if cohort_submission(cohort_id, submission_id) is None:
        abort(404)
    return file_download(*(file_of(submission_id) or abort(404)))


@bp.route("/cohortes/<int:cohort_id>/export.csv")
@role_required(Role.TUTOR)
def export_csv(cohort_id: int):
    """Download the learner table (with the page's filter, if any) as CSV."""
    found = _cohort_or_404(cohort_id)
    day = cohort_day(found, now_utc())
    _form, wanted = _filter_from_args()
    return cohort_csv_response(found, day, learner_lines(day, wanted=wanted))


@bp.route("/cohortes/<int:cohort_id>/apprenants/<int:user_id>")
@role_required(Role.TUTOR)
def learner(cohort_id: int, user_id: int):
    """Show one learner's record: progress, attempts, diagnostic, timeline, alerts, contacts."""
    found = _cohort_or_404(cohort_id)
    user = _learner_or_404(cohort_id, user_id)
    # A tutor comes back to it between contacts: cached until anything on it changes (or the day).
    today = now_utc().astimezone(ZoneInfo(found.timezone)).date()
    key = (tuple(getattr(found, c.key) for c in Cohort.__table__.columns), today, record_stamp(found.id, user))
    return serve_cached(key, lambda: _render_learner(found, user, ContactForm())[0])


def _render_learner(found, user, contact_form: ContactForm, status: int = 200):
    day = cohort_day(found, now_utc())
    record = learner_record(found.id, user)
    (line,) = learner_lines(day, [user.id])
    open_alerts = [a for a in record.alerts if a.closed_dt is None and a.resolved_dt is None]
    contact_form.alert_id.choices = [SelectChoice("", _("Aucune"))] + [SelectChoice(str(a.id), str(KIND_LABELS[a.kind])) for a in open_alerts]
    return render_template(
        "tutoring/learner.html", cohort=found, day=day, record=record, line=line, contact_form=contact_form,
        snooze_form=SnoozeForm(), resolve_form=ResolveForm(), title=user.display_name,
    ), status


@bp.route("/cohortes/<int:cohort_id>/apprenants/<int:user_id>/contacts", methods=["POST"])
@role_required(Role.TUTOR)
def log_learner_contact(cohort_id: int, user_id: int):
    """Log a contact with the learner (refused without their consent)."""
    found = _cohort_or_404(cohort_id)
    user = _learner_or_404(cohort_id, user_id)
    form = ContactForm()
    known = db.session.scalars(select(Alert.id).where(Alert.cohort_id == cohort_id, Alert.user_id == user_id))
    form.alert_id.choices = [SelectChoice("", "")] + [SelectChoice(str(i), "") for i in known]
    if form.validate_on_submit():
        try:
            log_contact(cohort_id=cohort_id, learner_id=user_id, tutor_id=current_user.id, channel=form.channel.data, outcome=form.outcome.data,
                        note=form.note.data or "", now=now_utc(), alert_id=int(form.alert_id.data) if form.alert_id.data else None)
        except ConsentRequired:
            form.channel.errors.append(_("Cet apprenant n'a pas accepté d'être contacté : aucun contact ne peut être enregistré."))
        except ContactError as exc:
            form.channel.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Contact enregistré."), "success")
            return redirect(url_for(".learner", cohort_id=cohort_id, user_id=user_id) + "#contacts", code=303)
    return _render_learner(found, user, form, 400)


def _alert_or_404(cohort_id: int, alert_id: int):
    found = _cohort_or_404(cohort_id)
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.cohort_id != cohort_id:
        abort(404)
    return found, alert


def _back_to_alerts(alert: Alert):
    return redirect(url_for(".learner", cohort_id=alert.cohort_id, user_id=alert.user_id) + "#alertes", code=303)


def _alert_refused(found, alert: Alert, message: str):
    flash(message, "error")
    return _render_learner(found, _learner_or_404(found.id, alert.user_id), ContactForm(), 400)


@bp.route("/cohortes/<int:cohort_id>/alertes/<int:alert_id>/mise-de-cote", methods=["POST"])
@role_required(Role.TUTOR)
def snooze(cohort_id: int, alert_id: int):
    """Put an alert aside until a date."""
    found, alert = _alert_or_404(cohort_id, alert_id)
    form = SnoozeForm()
    if not form.validate_on_submit():
        return _alert_refused(found, alert, _("Indiquez une date valide."))
    try:
        snooze_alert(alert, form.until.data, cohort_day(found, now_utc()).today)
    except AlertError as exc:
        return _alert_refused(found, alert, str(exc))
    db.session.commit()
    flash(_("Alerte mise de côté jusqu'au %(date)s.", date=date_text(form.until.data)), "success")
    return _back_to_alerts(alert)


@bp.route("/cohortes/<int:cohort_id>/alertes/<int:alert_id>/traitee", methods=["POST"])
@role_required(Role.TUTOR)
def resolve(cohort_id: int, alert_id: int):
    """Mark an alert as handled."""
    found, alert = _alert_or_404(cohort_id, alert_id)
    if not ResolveForm().validate_on_submit():
        return _alert_refused(found, alert, _("Le formulaire a expiré : réessayez."))
    try:
        resolve_alert(alert, current_user.id, now_utc())
    except AlertError as exc:
        return _alert_refused(found, alert, str(exc))
    db.session.commit()
    flash(_("Alerte marquée comme traitée."), "success")
    return _back_to_alerts(alert)


def _reminder_selection(day):
    """The learners a reminder is for: one (``apprenant``) or those of the table's filter."""
    learner_id = id_arg("apprenant")
    if learner_id is not None:
        return learner_lines(day, [learner_id]), learner_id
    _form, wanted = _filter_from_args()
    return learner_lines(day, wanted=wanted), None


@bp.route("/cohortes/<int:cohort_id>/relance", methods=["GET", "POST"])
@role_required(Role.TUTOR)
def reminder(cohort_id: int):
    """Write a reminder from the template, preview it, send it to the contactable learners selected."""
    found = _cohort_or_404(cohort_id)
    day = cohort_day(found, now_utc())
    selection, learner_id = _reminder_selection(day)
    if learner_id is not None and not selection:
        abort(404)
    reachable = [line for line in selection if line.is_contactable]
    form = ReminderForm()
    if not form.is_submitted():
        form.subject.data, form.body.data, form.batch_key.data = str(DEFAULT_SUBJECT), str(DEFAULT_BODY), uuid.uuid4().hex
    preview = None
    if form.validate_on_submit():
        if not reachable:
            form.body.errors.append(_("Aucun apprenant de cette sélection n'a accepté d'être contacté : aucune relance ne peut partir."))
        elif form.send.data:
            queued = send_reminders(day, reachable, form.subject.data, form.body.data, tutor_id=current_user.id, batch_key=form.batch_key.data)
            db.session.commit()
            flash(ngettext("%(num)d relance mise en file d'envoi.", "%(num)d relances mises en file d'envoi.", queued), "success")
            back = url_for(".learner", cohort_id=cohort_id, user_id=learner_id) if learner_id else url_for(".cohort", cohort_id=cohort_id)
            return redirect(back, code=303)
        else:
            values = values_for(reachable[0].name, day, day.pace.standing(reachable[0].done))
            preview = {"to": reachable[0].email, "subject": fill_subject(form.subject.data, values), "body": fill(form.body.data, values)}
    status = 400 if form.is_submitted() and form.errors else 200
    return render_template(
        "tutoring/reminder.html", cohort=found, form=form, selection=selection, reachable=reachable, learner_id=learner_id,
        preview=preview, placeholders=PLACEHOLDERS, placeholder_names=", ".join("{" + n + "}" for n in PLACEHOLDERS), title=_("Relance"),
    ), status
