"""Single sign-on with OpenID Connect, through Authlib's Flask client.

Authlib does the protocol: discovery, the authorization code flow with PKCE (S256), the state and
the nonce kept in the session and checked on return, the code exchange, and the ID token's
signature (the provider's published keys), issuer, audience and expiry. What is ours is who the
person is here: the account linked to the provider's subject, else the one with the email of the
claims (linked then), else a new account if ``OIDC_CREATE_ACCOUNTS``; roles come from the claims
through ``OIDC_ROLE_MAPPING`` (added, never taken away, as a CSV import does).
"""

from dataclasses import dataclass

from authlib.integrations.flask_client import OAuth
from flask import Flask
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import NO_PASSWORD
from app.auth.models import Role
from app.auth.models import User
from app.auth.models import full_name_of
from app.auth.services import find_user_by_email
from app.auth.services import looks_like_email
from app.auth.services import normalise_email
from app.clock import now_utc
from app.db_util import insert_absent
from app.extensions import db

#: The name under which the provider is registered with Authlib.
CLIENT_NAME = "sso"


class SsoRefused(ValueError):
    """The provider's answer cannot sign anyone in; the message is meant for the person."""


def init_app(app: Flask) -> None:
    """Register the provider of ``OIDC_ISSUER``, if any (its metadata is read at the first sign-in)."""
    config = app.config
    oauth = OAuth(app)
    app.extensions["oidc"] = oauth
    if not config.get("OIDC_ISSUER"):
        return
    parse_role_mapping(config["OIDC_ROLE_MAPPING"])  # a mistyped mapping stops the start, not a sign-in
    oauth.register(
        CLIENT_NAME,
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"],
        server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256", "default_timeout": config["OIDC_TIMEOUT"]},
    )


def client():
    """Return the registered provider's client."""
    return current_app.extensions["oidc"].create_client(CLIENT_NAME)


def id_token_checks(provider) -> dict:
    """Return what the ID token's issuer and audience must be (Authlib checks only the issuer by default).

    The audience must name this client: a token the same provider issued to another application
    of the organisation opens nothing here.
    """
    return {"iss": {"values": [provider.load_server_metadata()["issuer"]]}, "aud": {"values": [current_app.config["OIDC_CLIENT_ID"]]}}


@dataclass(frozen=True)
class RoleRule:
    """``claim=value:role``: a person whose ``claim`` is (or contains) ``value`` gets ``role``."""

    claim: str
    value: str
    role: Role


def parse_role_mapping(text: str) -> list[RoleRule]:
    """Read ``OIDC_ROLE_MAPPING`` (``claim=value:role,...``).

    :raise ValueError: naming the entry that does not follow the syntax or the role that does not exist.
    """
    rules = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        claim, equals, rest = entry.partition("=")
        value, colon, role = rest.rpartition(":")
        if not (equals and colon and claim.strip() and value.strip()) or role.strip().upper() not in Role.__members__:
            raise ValueError(f"OIDC_ROLE_MAPPING: {entry!r} is not of the form claim=value:role (role: learner, tutor, author or admin)")
        rules.append(RoleRule(claim.strip(), value.strip(), Role[role.strip().upper()]))
    return rules


def roles_from_claims(claims: dict, rules: list[RoleRule]) -> Role:
    """Return the learner role plus those the claims give through ``rules``."""
    roles = Role.LEARNER
    for rule in rules:
        held = claims.get(rule.claim)
        values = held if isinstance(held, list) else [held]
        if rule.value in [str(v) for v in values if v is not None]:
            roles |= rule.role
    return roles


def _first_sign_in(email: str, claims: dict, roles: Role) -> User:
    """Create the account of a person the provider names for the first time; return it.

    The insert settles two first sign-ins at once (the email is unique): the second finds the
    account the first made, without an error.
    """
    first, last = str(claims.get("given_name") or ""), str(claims.get("family_name") or "")
    name = str(claims.get("name") or full_name_of(first, last) or email)
    values = {"email": email, "display_name": name[:120], "first_name": first[:80], "last_name": last[:80], "roles": int(roles), "password_hash": NO_PASSWORD}
    if insert_absent(User, values, ["email"]):
        current_app.logger.info("account %s created at its first sign-in through the identity provider", email)
    return find_user_by_email(email)


def sign_in_from_claims(claims: dict, issuer: str) -> User:
    """Return the active account the provider's claims name, linking or creating it; flushes.

    :raise SsoRefused: no usable email, an unverified one, no account and none to be created,
        an account deactivated, or an email already linked to another identity of the provider.
    """
    config = current_app.config
    claimed = claims.get(config["OIDC_EMAIL_CLAIM"])
    email = normalise_email(claimed) if isinstance(claimed, str) else ""
    if not looks_like_email(email):
        raise SsoRefused(_("Le fournisseur d'identité n'a pas donné d'adresse e-mail : la connexion est impossible."))
    if claims.get("email_verified") is False:
        raise SsoRefused(_("Le fournisseur d'identité n'a pas vérifié votre adresse e-mail : la connexion est impossible."))
    subject = f"{issuer}|{claims['sub']}"
    roles = roles_from_claims(claims, parse_role_mapping(config["OIDC_ROLE_MAPPING"]))
    user = db.session.scalar(select(User).where(User.sso_subject == subject)) or find_user_by_email(email)
    if user is None:
        if not config["OIDC_CREATE_ACCOUNTS"]:
            raise SsoRefused(_("Aucun compte n'existe ici pour %(email)s : demandez à l'administrateur de la plateforme de vous en créer un.", email=email))
        user = _first_sign_in(email, claims, roles)
    elif user.sso_subject not in (None, subject):
        raise SsoRefused(_("Cette adresse e-mail est liée à une autre identité du fournisseur : contactez l'administrateur de la plateforme."))
    if not user.is_active or user.anonymised_dt is not None:
        raise SsoRefused(_("Ce compte est désactivé : contactez l'administrateur de la plateforme."))
    user.sso_subject = subject
    user.roles = int(Role(user.roles) | roles)
    user.last_login_dt = now_utc()
    db.session.flush()
    current_app.logger.info("account %s signed in through the identity provider", user.id)
    return user
