"""Sign in and sign out."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user

from app.auth.forms import LoginForm
from app.auth.services import authenticate
from app.auth.throttle import allow_login_attempt
from app.extensions import db
from app.web import render_form
from app.web import safe_next_url

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign the user in; attempts are rate limited per address."""
    default = url_for("catalogue.course_map")
    if current_user.is_authenticated:
        return redirect(default)
    if request.method == "POST" and not allow_login_attempt(request.remote_addr or "unknown"):
        abort(429)
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next"), default))
        form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return render_form("auth/login.html", form, title=_("Connexion"))


@bp.route("/deconnexion", methods=["POST"])
def logout():
    """Sign the user out (POST only, so a link or an image cannot do it)."""
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("auth.login"))
