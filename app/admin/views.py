"""Admin pages."""

from flask import Blueprint
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.decorators import role_required
from app.auth.models import Role
from app.auth.models import User
from app.extensions import db

bp = Blueprint("admin", __name__, template_folder="templates")


@bp.route("/")
@role_required(Role.ADMIN)
def home():
    """List accounts with their roles (paginated)."""
    page = db.paginate(select(User).order_by(User.email), per_page=50, max_per_page=200, error_out=False)
    return render_template("admin/home.html", page=page, title=_("Administration"))
