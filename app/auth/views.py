"""Sign in, sign out, change one's password."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.auth.forms import ChangePasswordForm
from app.auth.forms import LoginForm
from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.auth.services import AccountError
from app.auth.services import WrongPasswordError
from app.auth.services import authenticate
from app.auth.services import change_password as change_account_password
from app.auth.services import end_session
from app.auth.services import normalise_email
from app.auth.services import start_session
from app.auth.throttle import begin_attempt
from app.auth.throttle import forget_attempt
from app.extensions import db
from app.web import render_form
from app.web import safe_next_url

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign the user in; failures are limited per address and per account."""
    default = url_for("catalogue.course_map")
    if current_user.is_authenticated:
        return redirect(default)
    form = LoginForm()
    if form.validate_on_submit():
        attempt = begin_attempt(request.remote_addr or "unknown", normalise_email(form.email.data))
        if attempt is None:
            abort(429)
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            forget_attempt(attempt)
            start_session(user)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next"), default))
        form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return render_form("auth/login.html", form, title=_("Connexion"))


@bp.route("/deconnexion", methods=["POST"])
def logout():
    """Sign the user out of every session (POST only, so a link or an image cannot do it)."""
    end_session()
    db.session.commit()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's password: every other session ends, this browser gets a new one.

    A wrong current password counts as a failed sign-in (per address and per account), so that a
    session left open cannot be used to guess the password faster than the sign-in page allows.
    """
    form = ChangePasswordForm()
    if form.validate_on_submit():
        attempt = begin_attempt(request.remote_addr or "unknown", current_user.email)
        if attempt is None:
            abort(429)
        try:
            user = change_account_password(current_user.id, form.current_password.data, form.new_password.data)
        except WrongPasswordError as exc:
            form.current_password.errors.append(str(exc))
        except AccountError as exc:
            forget_attempt(attempt)  # the current password was right: not a failure
            db.session.commit()
            form.new_password.errors.append(str(exc))
        else:
            forget_attempt(attempt)
            start_session(user)
            db.session.commit()
            flash(_("Votre mot de passe est changé ; vos autres sessions sont fermées."), "success")
            return redirect(url_for("accounts.profile"), code=303)
    return render_form("auth/change_password.html", form, min_length=MIN_PASSWORD_LENGTH, title=_("Changer mon mot de passe"))
