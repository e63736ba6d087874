"""Pages reached from an email link (invitation, password reset), « Mot de passe oublié ? », and the profile."""

import time

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.accounts.forms import ChoosePasswordForm
from app.accounts.forms import ForgotPasswordForm
from app.accounts.forms import ProfileForm
from app.accounts.models import TokenPurpose
from app.accounts.services import choose_password
from app.accounts.services import request_password_reset
from app.accounts.services import update_profile
from app.accounts.tokens import peek_token
from app.auth.forms import ChangePasswordForm
from app.auth.models import User
from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.auth.services import AccountError
from app.auth.services import normalise_email
from app.auth.sso import local_passwords_allowed
from app.auth.throttle import begin_attempt
from app.extensions import db
from app.web import render_form

bp = Blueprint("accounts", __name__, template_folder="templates")

@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password():
    """Send a reset link to the address, if it is an account's: the answer is the same either way."""
    if not local_passwords_allowed():
        abort(404)  # passwords of the platform are off: the identity provider has its own reset
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = time.monotonic()
        email = normalise_email(form.email.data)
        # Counted with the sign-in attempts of the address, under its own per-account key.
        if begin_attempt(request.remote_addr or "unknown", "reset:" + email) is None:
            abort(429)
        request_password_reset(email)
        db.session.commit()
        # A link for a known address costs a few writes that an unknown one does not: every answer
        # waits until the same moment, so that its timing tells nobody which addresses have an account.
        time.sleep(max(0.0, current_app.config["PASSWORD_RESET_MIN_SECONDS"] - (time.monotonic() - started)))
        flash(
            _("Si un compte existe pour cette adresse, un e-mail vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe. Le lien fonctionne une heure au plus."),
            "info",
        )
        return redirect(url_for("auth.login"), code=303)
    return render_form("accounts/forgot_password.html", form, title=_("Mot de passe oublié"))


def _link_invalid(purpose: TokenPurpose):
    return render_template("accounts/link_invalid.html", purpose=purpose.value, title=_("Lien expiré ou déjà utilisé")), 404


def _choose(purpose: TokenPurpose, token: str, title: str):
    """The page of a link: choose a password; a link unknown, used or expired gets a 404 saying so."""
    user_id = peek_token(token, purpose)
    if user_id is None:
        return _link_invalid(purpose)
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            chosen = choose_password(token, purpose, form.new_password.data)
        except AccountError as exc:
            db.session.rollback()  # the link stays usable
            form.new_password.errors.append(str(exc))
        else:
            if chosen is None:  # used by a request racing this one
                db.session.rollback()
                return _link_invalid(purpose)
            db.session.commit()
            flash(_("Votre mot de passe est enregistré : connectez-vous avec votre adresse e-mail et ce mot de passe."), "success")
            return redirect(url_for("auth.login"), code=303)
    account = db.session.get(User, user_id)
    return render_form("accounts/choose_password.html", form, purpose=purpose.value, account=account, min_length=MIN_PASSWORD_LENGTH, title=title)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Choose the first password of an account an admin created."""
    return _choose(TokenPurpose.INVITATION, token, _("Activer mon compte"))


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a « mot de passe oublié » link; every session of the account ends."""
    return _choose(TokenPurpose.RESET, token, _("Choisir un nouveau mot de passe"))


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    """The person's display name and language, and the change of their password."""
    form = ProfileForm(prefix="profil")  # the page holds the password form too: distinct field ids
    if form.validate_on_submit():
        update_profile(current_user.id, form.display_name.data, form.locale.data)
        db.session.commit()
        session["lang"] = form.locale.data
        flash(_("Votre profil est enregistré."), "success")
        return redirect(url_for(".profile"), code=303)
    account = db.session.get(User, current_user.id)
    if not form.is_submitted():
        form.display_name.data = account.display_name
        form.locale.data = account.locale or str(get_locale())
    return render_form(
        "accounts/profile.html", form, password_form=ChangePasswordForm(formdata=None), has_password=account.has_password_hash,
        min_length=MIN_PASSWORD_LENGTH, title=_("Mon profil"),
    )
