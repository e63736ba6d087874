"""The sponsor report of a cohort, as a printable page and as PDF (the same HTML, through WeasyPrint)."""

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import gettext as _

from app.auth.decorators import role_required
from app.auth.models import Role
from app.clock import now_utc
from app.cohorts.models import Cohort
from app.extensions import db
from app.reports.pdf import html_to_pdf
from app.reports.queries import sponsor_report
from app.web import file_download

bp = Blueprint("reports", __name__, template_folder="templates")


def _page(cohort_id: int, pdf: bool) -> str:
    cohort = db.get_or_404(Cohort, cohort_id)
    named = request.args.get("annexe") == "noms"
    report = sponsor_report(cohort, now_utc(), named=named)
    return render_template("reports/sponsor.html", report=report, named=named, pdf=pdf, title=_("Rapport de la cohorte %(name)s", name=cohort.name))


@bp.route("/cohortes/<int:cohort_id>/rapport")
@role_required(Role.ADMIN)
def sponsor(cohort_id: int):
    """Show the cohort's report for its sponsor: aggregates only, the learners' names on request (``?annexe=noms``)."""
    return _page(cohort_id, pdf=False)


@bp.route("/cohortes/<int:cohort_id>/rapport.pdf")
@role_required(Role.ADMIN)
def sponsor_pdf(cohort_id: int):
    """The same report as PDF."""
    html = _page(cohort_id, pdf=True)
    name = f"rapport-cohorte-{cohort_id}-{now_utc().date().isoformat()}.pdf"
    return file_download(name, "application/pdf", html_to_pdf(html, current_app.static_folder))
