"""Tutor pages."""

from flask import Blueprint
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import role_required
from app.auth.models import Role
from app.cohorts.services import cohorts_of_tutor

bp = Blueprint("tutoring", __name__, template_folder="templates")


@bp.route("/")
@role_required(Role.TUTOR)
def home():
    """List the cohorts this tutor follows."""
    return render_template("tutoring/home.html", cohorts=cohorts_of_tutor(current_user.id), title=_("Tutorat"))
