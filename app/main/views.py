"""Home and language switch."""

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from app.auth.locale import set_account_locale
from app.config import Config
from app.extensions import db
from app.web import safe_next_url

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Send visitors to the course map (which asks anonymous ones to sign in)."""
    return redirect(url_for("catalogue.course_map"))


@bp.route("/favicon.ico")
def favicon():
    """Answer the address browsers ask for by themselves with the site's icon (an SVG, as ``base.html`` links)."""
    response = current_app.send_static_file("favicon.svg")
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 86400
    return response


@bp.route("/langue", methods=["POST"])
def set_language():
    """Remember the interface language chosen in the footer or in "Paramètres" (on the account too, if signed in)."""
    lang = request.form.get("lang", "")
    if lang in Config.LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            set_account_locale(current_user.id, lang)
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next"), url_for("main.index")))
