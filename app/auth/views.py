"""Sign in, sign out, change one's password."""

import requests
from authlib.common.errors import AuthlibBaseError as OAuthError
from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from joserfc.errors import JoseError

from app.auth import oidc
from app.auth.forms import ChangePasswordForm
from app.auth.forms import LoginForm
from app.auth.forms import SecondFactorForm
from app.auth.models import User
from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.auth.services import AccountError
from app.auth.services import WrongPasswordError
from app.auth.services import authenticate
from app.auth.services import await_second_factor
from app.auth.services import change_password as change_account_password
from app.auth.services import end_session
from app.auth.services import normalise_email
from app.auth.services import pending_second_factor
from app.auth.services import start_session
from app.auth.sso import SSO_SESSION_KEY
from app.auth.sso import local_passwords_allowed
from app.auth.sso import sso_provider_name
from app.auth.throttle import begin_attempt
from app.auth.throttle import forget_attempt
from app.auth.two_factor import MUST_SET_UP_KEY
from app.auth.two_factor import check_second_factor
from app.auth.two_factor import required_for
from app.extensions import db
from app.web import render_form
from app.web import safe_next_url

bp = Blueprint("auth", __name__, template_folder="templates")

#: Where the session keeps the page to go back to after the identity provider.
SSO_NEXT_KEY = "sso_next"


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign the user in; failures are limited per address and per account."""
    default = url_for("catalogue.course_map")
    if current_user.is_authenticated:
        return redirect(default)
    form = LoginForm()
    if request.method == "POST" and not local_passwords_allowed():
        abort(404)  # only the identity provider signs people in
    if form.validate_on_submit():
        attempt = begin_attempt(request.remote_addr or "unknown", normalise_email(form.email.data))
        if attempt is None:
            abort(429)
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            forget_attempt(attempt)
            next_url = safe_next_url(request.args.get("next"), default)
            if user.totp_enabled_dt is not None:  # the password is right: the app's code comes next
                db.session.commit()
                await_second_factor(user, next_url)
                return redirect(url_for(".second_factor"), code=303)
            start_session(user)
            if required_for(user.roles):  # no second factor yet: its page comes before any other
                session[MUST_SET_UP_KEY] = True
            db.session.commit()
            return redirect(next_url)
        form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return render_form("auth/login.html", form, sso=sso_provider_name(), local_passwords=local_passwords_allowed(), title=_("Connexion"))


@bp.route("/connexion/code", methods=["GET", "POST"])
def second_factor():
    """The second step of a two-factor sign-in: a code from the app, or a recovery code."""
    pending = pending_second_factor()
    if pending is None:
        flash(_("Reprenez la connexion depuis le début : l'étape du code a expiré."), "info")
        return redirect(url_for(".login"), code=303)
    user_id, next_url = pending
    form = SecondFactorForm()
    if form.validate_on_submit():
        user = db.session.get(User, user_id)
        attempt = begin_attempt(request.remote_addr or "unknown", "code:" + user.email)
        if attempt is None:
            abort(429)
        if check_second_factor(user_id, form.code.data):
            forget_attempt(attempt)
            start_session(user)
            db.session.commit()
            return redirect(next_url)
        db.session.rollback()
        form.code.errors.append(_("Code incorrect ou déjà utilisé."))
    return render_form("auth/second_factor.html", form, title=_("Code de vérification"))


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


@bp.route("/connexion/sso")
def sso_start():
    """Send the person to the identity provider (authorization code flow with PKCE, state and nonce)."""
    if sso_provider_name() is None:
        abort(404)
    session[SSO_NEXT_KEY] = safe_next_url(request.args.get("next"), url_for("catalogue.course_map"))
    hint = request.args.get("login_hint", "")[:254]
    redirect_uri = current_app.config["PLATFORM_HOMEPAGE"].rstrip("/") + url_for(".sso_callback")
    try:
        return oidc.client().authorize_redirect(redirect_uri, **({"login_hint": hint} if hint else {}))
    except requests.RequestException as exc:  # its metadata could not be read: the provider is down or unreachable
        current_app.logger.warning("identity provider unreachable: %s: %s", type(exc).__name__, exc)
        reason = _("Le fournisseur d'identité ne répond pas. Réessayez dans quelques minutes ; si cela dure, prévenez l'administrateur de la plateforme.")
        return render_template("auth/sso_refused.html", reason=reason, title=_("Connexion impossible pour l'instant")), 503


@bp.route("/connexion/sso/retour")
def sso_callback():
    """Back from the provider: check its answer and sign the person in, or say why not."""
    if sso_provider_name() is None:
        abort(404)
    next_url = session.pop(SSO_NEXT_KEY, None) or url_for("catalogue.course_map")
    provider = oidc.client()
    try:
        token = provider.authorize_access_token(claims_options=oidc.id_token_checks(provider), leeway=current_app.config["OIDC_CLOCK_LEEWAY"])
        claims = dict(token.get("userinfo") or {})
        if current_app.config["OIDC_EMAIL_CLAIM"] not in claims:
            claims.update(provider.userinfo(token=token))
        user = oidc.sign_in_from_claims(claims, provider.load_server_metadata()["issuer"])
    except oidc.SsoRefused as exc:
        db.session.rollback()
        return render_template("auth/sso_refused.html", reason=str(exc), title=_("Connexion refusée")), 403
    except (OAuthError, JoseError, KeyError, ValueError, requests.RequestException) as exc:
        db.session.rollback()
        current_app.logger.warning("single sign-on refused: %s: %s", type(exc).__name__, exc)
        reason = _("La réponse du fournisseur d'identité n'a pas pu être vérifiée. Recommencez la connexion ; si cela se reproduit, contactez l'administrateur de la plateforme.")
        return render_template("auth/sso_refused.html", reason=reason, title=_("Connexion refusée")), 400
    start_session(user)
    session[SSO_SESSION_KEY] = True  # the provider's own factors stand for two-factor sign-in
    db.session.commit()
    return redirect(next_url)
