"""Admin pages: accounts (and their anonymisation), cohorts and their members, tutor reactivity."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.forms import AnonymiseForm
from app.admin.forms import CloseCohortForm
from app.admin.forms import CohortForm
from app.admin.forms import EnrolmentFileForm
from app.admin.forms import MemberForm
from app.admin.forms import RevokeForm
from app.admin.queries import format_delay
from app.admin.queries import issued_certificates
from app.admin.queries import tutor_reactivity
from app.auth.decorators import role_required
from app.auth.models import Role
from app.auth.models import User
from app.certificates.models import Certificate
from app.certificates.services import CertificateRefused
from app.certificates.services import revoke_certificate
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.cohorts.services import THRESHOLD_FIELDS
from app.cohorts.services import CohortError
from app.cohorts.services import all_cohorts
from app.cohorts.services import assign_tutor_by_email
from app.cohorts.services import close_cohort
from app.cohorts.services import cohort_learners
from app.cohorts.services import cohort_tutors
from app.cohorts.services import create_cohort
from app.cohorts.services import enrol_by_email
from app.cohorts.services import enrol_from_csv
from app.extensions import db
from app.privacy.queries import erasure_counts
from app.privacy.services import AnonymisationRefused
from app.privacy.services import anonymisation_refusal
from app.privacy.services import anonymise_learner
from app.tutor_feedback.services import MIN_RATINGS_SHOWN
from app.web import page_arg

bp = Blueprint("admin", __name__, template_folder="templates")

#: Learners listed per page of a cohort's admin page.
LEARNERS_PER_PAGE = 100


@bp.route("/comptes/<int:user_id>/anonymiser", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def anonymise(user_id: int):
    """Show what anonymising a learner erases; on confirmation, erase it."""
    account = db.get_or_404(User, user_id)
    form = AnonymiseForm()
    refusal = anonymisation_refusal(account)
    if refusal is None and form.validate_on_submit():
        try:
            anonymise_learner(account.id, now_utc())
        except AnonymisationRefused as exc:
            refusal = str(exc)
        else:
            db.session.commit()
            flash(_("Le compte a été anonymisé."), "success")
            return redirect(url_for(".home"), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/anonymise.html", account=account, form=form, refusal=refusal, counts=erasure_counts(account), title=_("Anonymiser un compte")
    ), status


@bp.route("/attestations/")
@role_required(Role.ADMIN)
def certificates():
    """List the certificates issued, the latest first; find one by its code or the learner's name."""
    query = (request.args.get("q") or "").strip()
    return render_template("admin/certificates.html", rows=issued_certificates(query), query=query, title=_("Attestations"))


@bp.route("/attestations/<int:certificate_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def certificate(certificate_id: int):
    """Show a certificate as its public page does; revoke it, with a reason."""
    found = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm()
    if found.is_valid and form.validate_on_submit():
        try:
            revoke_certificate(found, current_user.id, form.reason.data)
        except CertificateRefused as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("L'attestation %(code)s est révoquée.", code=found.code), "success")
            return redirect(url_for(".certificate", certificate_id=certificate_id), code=303)
    return render_template("admin/certificate.html", certificate=found, form=form, title=_("Attestation %(code)s", code=found.code)), (
        400 if form.is_submitted() and form.errors else 200
    )


@bp.route("/reactivite")
@role_required(Role.ADMIN)
def reactivity():
    """Show, per tutor, how fast the alerts of their cohorts get a first contact."""
    now = now_utc()
    return render_template("admin/reactivity.html", rows=tutor_reactivity(now), now=now, format_delay=format_delay, min_ratings=MIN_RATINGS_SHOWN,
                           title=_("Réactivité et savoir-faire des tuteurs"))


@bp.route("/cohortes/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def cohorts():
    """List cohorts and create one."""
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = create_cohort(
                form.name.data, form.start_date.data, form.end_date.data, {k: form[k].data for k in THRESHOLD_FIELDS}, sends_reminders=form.sends_reminders.data
            )
        except CohortError as exc:
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Cohorte créée."), "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/cohorts.html", form=form, cohorts=all_cohorts(), title=_("Cohortes")), status


@bp.route("/cohortes/<int:cohort_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def cohort(cohort_id: int):
    """Show a cohort's members; enrol learners (by email or CSV file), assign a tutor or close it."""
    found = db.get_or_404(Cohort, cohort_id)
    learner_form, tutor_form = MemberForm(prefix="learner"), MemberForm(prefix="tutor")
    file_form, close_form = EnrolmentFileForm(prefix="csv"), CloseCohortForm(prefix="close")
    actions = (
        (learner_form, learner_form.email, lambda: enrol_by_email(found, learner_form.email.data), _("Apprenant inscrit.")),
        (tutor_form, tutor_form.email, lambda: assign_tutor_by_email(found, tutor_form.email.data), _("Tuteur ajouté.")),
        (file_form, file_form.file, lambda: _enrol_file(found, file_form), _("Apprenants du fichier inscrits.")),
        (close_form, close_form.submit, lambda: close_cohort(found), _("Cohorte close.")),
    )
    csv_problems = []
    for form, error_field, action, message in actions:
        if request.method != "POST" or form.submit.name not in request.form or not form.validate_on_submit():
            continue
        try:
            action()
        except CohortError as exc:
            error_field.errors.append(str(exc))
            csv_problems = getattr(exc, "problems", [])
            break
        db.session.commit()
        flash(message, "success")
        return redirect(url_for(".cohort", cohort_id=cohort_id), code=303)
    learners = db.paginate(cohort_learners(cohort_id), page=page_arg(), per_page=LEARNERS_PER_PAGE, max_per_page=LEARNERS_PER_PAGE, error_out=False)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/cohort.html", cohort=found, learners=learners, tutors=cohort_tutors(cohort_id), learner_form=learner_form,
        tutor_form=tutor_form, file_form=file_form, close_form=close_form, csv_problems=csv_problems, title=found.name,
    ), status


def _enrol_file(cohort: Cohort, form: EnrolmentFileForm) -> None:
    text = form.read_text()
    if text is None:
        raise CohortError(str(form.file.errors.pop()))
    enrol_from_csv(cohort, text)
