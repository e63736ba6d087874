"""The "Mes données" page and the download of the person's data."""

import json

from flask import Blueprint
from flask import Response
from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.auth.models import User
from app.clock import now_utc
from app.extensions import db
from app.privacy.services import data_file_name
from app.privacy.services import learner_data

bp = Blueprint("privacy", __name__, template_folder="templates")


@bp.route("/")
@login_required
def overview():
    """Explain what the data file holds, with the download link."""
    return render_template("privacy/overview.html", title=_("Mes données"))


@bp.route("/telechargement")
@login_required
def download():
    """Send everything kept about the signed-in person as a JSON file (read-only, hence a GET)."""
    user = db.get_or_404(User, current_user.id)
    now = now_utc()
    body = json.dumps(learner_data(user, now), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={"Content-Disposition": f'attachment; filename="{data_file_name(now)}"'})
