"""The profile's two-factor page: turn it on with an authenticator app, get recovery codes, turn it off.

With ``TWO_FACTOR_REQUIRED``, an admin or tutor who signs in with a password and has not turned
it on is sent to this page before any other (the sign-in marks the session, so that checking it
costs no query on other pages).
"""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.accounts.forms import ConfirmPasswordForm
from app.accounts.forms import EnableTwoFactorForm
from app.accounts.views import bp
from app.auth.models import User
from app.auth.throttle import begin_attempt
from app.auth.throttle import forget_attempt
from app.auth.two_factor import MUST_SET_UP_KEY
from app.auth.two_factor import TwoFactorError
from app.auth.two_factor import disable
from app.auth.two_factor import enable
from app.auth.two_factor import new_secret
from app.auth.two_factor import provisioning_uri
from app.auth.two_factor import qr_code_svg
from app.auth.two_factor import recovery_codes_left
from app.auth.two_factor import regenerate_recovery_codes
from app.extensions import db

#: Where the session keeps the secret being set up (it reaches the account once a code proves it).
SETUP_KEY = "totp_setup"
#: Pages an account that must turn two-factor on can still reach.
OPEN_UNTIL_SET_UP = {"accounts.two_factor", "auth.logout", "static", "main.set_language", "main.favicon"}


@bp.before_app_request
def _require_two_factor():
    """Send staff who must use two-factor sign-in, and do not yet, to its page."""
    if not session.get(MUST_SET_UP_KEY) or request.endpoint in OPEN_UNTIL_SET_UP:
        return None
    flash(_("Les administrateurs et les tuteurs doivent activer la double authentification avant de continuer."), "info")
    return redirect(url_for("accounts.two_factor"))


def _password_confirmed(form: ConfirmPasswordForm) -> bool:
    """Check the current password, counted as a sign-in attempt (a left-open session guesses no faster)."""
    attempt = begin_attempt(request.remote_addr or "unknown", current_user.email)
    if attempt is None:
        abort(429)
    account = db.session.get(User, current_user.id)
    if account.has_password_hash and account.check_password(form.current_password.data):
        forget_attempt(attempt)
        return True
    form.current_password.errors.append(_("Le mot de passe actuel est incorrect."))
    return False


def _page(status=200, **context):
    account = db.session.get(User, current_user.id)
    forms = {"disable_form": ConfirmPasswordForm(prefix="off"), "codes_form": ConfirmPasswordForm(prefix="codes"), "enable_form": EnableTwoFactorForm(prefix="on")}
    forms.update(context.pop("forms", {}))
    if account.totp_enabled_dt is None:
        secret = session.setdefault(SETUP_KEY, new_secret())
        uri = provisioning_uri(secret, account.email)
        context.update(secret=secret, qr_svg=qr_code_svg(uri))
    else:
        context.update(codes_left=recovery_codes_left(account.id))
    return render_template("accounts/two_factor.html", account=account, **forms, **context, title=_("Double authentification")), status


@bp.route("/profil/double-facteur", methods=["GET", "POST"])
@login_required
def two_factor():
    """Turn two-factor sign-in on: scan the QR code, type the app's first code, keep the recovery codes."""
    form = EnableTwoFactorForm(prefix="on")
    if form.validate_on_submit() and SETUP_KEY in session:
        try:
            codes = enable(current_user.id, session[SETUP_KEY], form.code.data)
        except TwoFactorError as exc:
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            session.pop(SETUP_KEY, None)
            session.pop(MUST_SET_UP_KEY, None)
            return _page(new_codes=codes)  # shown once, never stored in clear
    return _page(400 if form.is_submitted() else 200, forms={"enable_form": form})


@bp.route("/profil/double-facteur/desactiver", methods=["POST"])
@login_required
def disable_two_factor():
    """Turn two-factor sign-in off, the current password confirming it."""
    form = ConfirmPasswordForm(prefix="off")
    if form.validate_on_submit() and _password_confirmed(form):
        disable(current_user.id)
        db.session.commit()
        flash(_("La double authentification est désactivée."), "success")
        return redirect(url_for(".two_factor"), code=303)
    db.session.commit()  # a wrong password stays counted
    return _page(400, forms={"disable_form": form})


@bp.route("/profil/double-facteur/codes", methods=["POST"])
@login_required
def new_recovery_codes():
    """Replace the recovery codes (the old ones stop working), the current password confirming it."""
    form = ConfirmPasswordForm(prefix="codes")
    if not current_user.has_two_factor:
        return redirect(url_for(".two_factor"), code=303)
    if form.validate_on_submit() and _password_confirmed(form):
        codes = regenerate_recovery_codes(current_user.id)
        db.session.commit()
        return _page(new_codes=codes)
    db.session.commit()
    return _page(400, forms={"codes_form": form})
