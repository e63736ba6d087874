"""Taking the self-diagnostic and seeing the before/after difference."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.clock import now_utc
from app.diagnostic.forms import field_name
from app.diagnostic.forms import make_diagnostic_form
from app.diagnostic.forms import ratings_from_form
from app.diagnostic.models import Phase
from app.diagnostic.queries import get_diagnostic
from app.diagnostic.queries import live_statements
from app.diagnostic.queries import results_of
from app.diagnostic.services import DiagnosticClosed
from app.diagnostic.services import closed_reason
from app.diagnostic.services import phase_access
from app.diagnostic.services import save_ratings
from app.extensions import db

bp = Blueprint("diagnostic", __name__, template_folder="templates")


@bp.route("/")
@login_required
def overview():
    """Show the learner's ratings before and after, and the difference."""
    diagnostic = get_diagnostic() or abort(404)
    results = results_of(current_user.id)
    differences = [r.difference for r in results if r.difference is not None]
    access = phase_access(current_user.id, now_utc())
    return render_template(
        "diagnostic/overview.html",
        diagnostic=diagnostic,
        results=results,
        access=access,
        after_closed=closed_reason(access, Phase.AFTER),
        has_before=any(r.before is not None for r in results),
        has_after=any(r.after is not None for r in results),
        mean_difference=sum(differences) / len(differences) if differences else None,
        title=diagnostic.title,
    )


@bp.route("/<any(before, after):phase>", methods=["GET", "POST"])
@login_required
def take(phase: str):
    """Rate every statement for one phase (before or after the course)."""
    diagnostic = get_diagnostic() or abort(404)
    statements = live_statements()
    form = make_diagnostic_form(statements, diagnostic.scale)
    heading = _("Avant le cours") if phase == Phase.BEFORE else _("Après le cours")
    closed = None
    if form.validate_on_submit():
        try:
            save_ratings(current_user, Phase(phase), ratings_from_form(form, statements))
        except DiagnosticClosed as refused:
            db.session.rollback()
            closed = str(refused)
        else:
            db.session.commit()
            flash(_("Vos réponses sont enregistrées."), "success")
            return redirect(url_for(".overview"), code=303)
    else:
        closed = closed_reason(phase_access(current_user.id, now_utc()), Phase(phase))
    status = 403 if closed and form.is_submitted() else 400 if form.is_submitted() else 200
    return render_template(
        "diagnostic/take.html", diagnostic=diagnostic, statements=statements, form=form, field_name=field_name, heading=heading, title=heading,
        closed=closed,
    ), status
