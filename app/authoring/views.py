"""Author pages: an overview of the published content."""

from flask import Blueprint
from flask import render_template
from flask_babel import gettext as _

from app.auth.decorators import role_required
from app.auth.models import Role
from app.authoring.queries import content_overview

bp = Blueprint("authoring", __name__, template_folder="templates")


@bp.route("/")
@role_required(Role.AUTHOR)
def home():
    """List modules with their readings, quiz and revision numbers."""
    return render_template("authoring/home.html", modules=content_overview(), title=_("Édition"))
