"""What the sign-in pages need to know of single sign-on (the OpenID Connect client is ``oidc``)."""

from flask import current_app
from flask_babel import gettext as _

#: Set in the session by a sign-in through the identity provider, whose own factors stand for
#: the platform's two-factor sign-in.
SSO_SESSION_KEY = "via_sso"


def sso_provider_name() -> str | None:
    """Return the identity provider's name for « Se connecter avec … », or ``None`` without SSO."""
    config = current_app.config
    if not config.get("OIDC_ISSUER"):
        return None
    return config["OIDC_PROVIDER_NAME"] or _("votre compte d'entreprise")


def local_passwords_allowed() -> bool:
    """Tell whether people may still sign in with a password of this platform (always, without SSO)."""
    config = current_app.config
    return not config.get("OIDC_ISSUER") or bool(config["OIDC_LOCAL_PASSWORDS"])
