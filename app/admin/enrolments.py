"""Admin pages for a cohort after its creation: edit it, and un-enrol or move one of its learners."""

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.admin.forms import CohortForm
from app.admin.forms import MoveLearnerForm
from app.admin.forms import UnenrolForm
from app.admin.forms import open_cohort_choices
from app.admin.views import bp
from app.alerts.queries import cohort_day
from app.auth.decorators import role_required
from app.auth.models import Role
from app.auth.models import User
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.cohorts.services import THRESHOLD_FIELDS
from app.cohorts.services import CohortError
from app.cohorts.services import move_learner
from app.cohorts.services import unenrol
from app.cohorts.services import update_cohort
from app.extensions import db
from app.tutoring.queries import learner_lines


def behind_under_current_dates(cohort: Cohort) -> int:
    """Count the cohort's learners already behind the pace by its « en retard » threshold or more."""
    day = cohort_day(cohort, now_utc())
    return sum(1 for line in learner_lines(day) if line.days_behind >= cohort.behind_days)


@bp.route("/cohortes/<int:cohort_id>/modifier", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_cohort(cohort_id: int):
    """Change a cohort's name, dates and thresholds; warn when learners are already behind under them."""
    found = db.get_or_404(Cohort, cohort_id)
    form = CohortForm(obj=found)
    form.submit.label.text = _("Enregistrer les modifications")
    if form.validate_on_submit():
        try:
            update_cohort(found, form.name.data, form.start_date.data, form.end_date.data, {k: form[k].data for k in THRESHOLD_FIELDS}, sends_reminders=form.sends_reminders.data)
        except CohortError as exc:
            form.name.errors.append(str(exc))
        else:
            behind = behind_under_current_dates(found)
            db.session.commit()
            flash(_("Cohorte modifiée : le rythme et les alertes suivent les nouvelles dates dès leur prochain calcul."), "success")
            if behind:
                flash(
                    ngettext(
                        "Attention : avec ces dates, %(num)d apprenant a déjà au moins %(days)d jours de retard sur le rythme conseillé.",
                        "Attention : avec ces dates, %(num)d apprenants ont déjà au moins %(days)d jours de retard sur le rythme conseillé.",
                        behind,
                        days=found.behind_days,
                    ),
                    "warning",
                )
            return redirect(url_for(".cohort", cohort_id=cohort_id), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/edit_cohort.html", cohort=found, form=form, title=_("Modifier la cohorte")), status


def _move_form(cohort: Cohort) -> MoveLearnerForm:
    form = MoveLearnerForm(prefix="move")
    form.target.choices = open_cohort_choices(but=cohort.id)
    return form


@bp.route("/cohortes/<int:cohort_id>/apprenants/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def enrolment(cohort_id: int, user_id: int):
    """A learner's place in a cohort: un-enrol them, or move them to another open cohort."""
    cohort = db.get_or_404(Cohort, cohort_id)
    if db.session.scalar(select(Enrolment.id).where(Enrolment.cohort_id == cohort_id, Enrolment.user_id == user_id)) is None:
        return render_template("admin/not_enrolled.html", cohort=cohort, title=_("Pas dans cette cohorte")), 404
    learner = db.get_or_404(User, user_id)
    unenrol_form, move_form = UnenrolForm(prefix="unenrol"), _move_form(cohort)
    try:
        if unenrol_form.submit.data and unenrol_form.validate_on_submit():
            unenrol(cohort_id, user_id)
            db.session.commit()
            flash(_("%(name)s n'est plus inscrit dans la cohorte ; son travail est conservé.", name=learner.display_name), "success")
            return redirect(url_for(".cohort", cohort_id=cohort_id), code=303)
        if move_form.submit.data and move_form.validate_on_submit():
            target = db.get_or_404(Cohort, int(move_form.target.data))
            move_learner(cohort_id, target, user_id)
            db.session.commit()
            flash(_("%(name)s est passé dans la cohorte « %(cohort)s » avec son travail.", name=learner.display_name, cohort=target.name), "success")
            return redirect(url_for(".cohort", cohort_id=target.id), code=303)
    except CohortError as exc:
        db.session.rollback()
        move_form.target.errors.append(str(exc))
    status = 400 if unenrol_form.is_submitted() else 200
    return render_template(
        "admin/enrolment.html", cohort=cohort, learner=learner, unenrol_form=unenrol_form, move_form=move_form, title=learner.display_name
    ), status
