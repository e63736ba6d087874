"""Default configuration, overridden by ``instance/config.py``, then by the environment.

The environment wins over the instance file (an operator's ``SECRET_KEY=... gunicorn ...`` is
what runs), and ``FLASK_*`` variables win over the unprefixed ones: see :func:`environment_settings`.
"""

import os
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext

BASE_DIR = Path(__file__).resolve().parent.parent

#: Secret keys that must never reach production.
DEV_SECRET_KEYS = frozenset({"", "dev", "change-me", "dev-secret-key-change-me"})
#: Shortest secret key accepted in production (``secrets.token_hex(16)`` has 32 characters).
MIN_SECRET_KEY_LENGTH = 32
#: Fewer different characters than this is a repeated pattern, not a random key.
MIN_SECRET_KEY_DISTINCT = 8
#: Words that give away a made-up key ("my-production-secret..."); random keys practically never hold them.
SECRET_KEY_WORDS = ("secret", "password", "changeme", "change-me", "motdepasse", "development", "production", "example", "default", "insecure")


def secret_key_problem(key: str, is_common_word=lambda part: False) -> str | None:
    """Return why ``key`` is too weak to sign sessions in production, or ``None``.

    :param is_common_word: tells whether a piece of the key (8 characters or more, lower-cased)
        is a commonly used password.

    The reason is translated when it is asked for: call it inside an application context (the
    factory does) to have it in the platform's language.
    """
    lowered = key.lower()
    if key in DEV_SECRET_KEYS:
        return _("c'est une valeur de développement")
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return ngettext("elle compte moins de %(num)d caractère", "elle compte moins de %(num)d caractères", MIN_SECRET_KEY_LENGTH)
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return _("elle répète trop peu de caractères différents")
    pieces = (lowered[i:j] for i in range(len(lowered)) for j in range(i + 8, len(lowered) + 1))
    if any(word in lowered for word in SECRET_KEY_WORDS) or any(is_common_word(piece) for piece in pieces):
        return _("elle contient des mots ou des mots de passe courants")
    return None


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


#: Unprefixed environment variables and the setting each one gives, applied after
#: ``instance/config.py`` (``FLASK_*`` variables come after these and win).
ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", lambda value: normalise_database_url(value)),
    "PLATFORM_HOMEPAGE": ("PLATFORM_HOMEPAGE", str),
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "INSECURE_HTTP": ("INSECURE_HTTP", _flag),
    "MAIL_BACKEND": ("MAIL_BACKEND", str),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", _flag),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_DEFAULT_SENDER": ("MAIL_DEFAULT_SENDER", str),
    "INVITATION_VALID_DAYS": ("INVITATION_VALID_DAYS", int),
    "PASSWORD_RESET_VALID_MINUTES": ("PASSWORD_RESET_VALID_MINUTES", int),
    "TWO_FACTOR_REQUIRED": ("TWO_FACTOR_REQUIRED", _flag),
    "OIDC_ISSUER": ("OIDC_ISSUER", str),
    "OIDC_CLIENT_ID": ("OIDC_CLIENT_ID", str),
    "OIDC_CLIENT_SECRET": ("OIDC_CLIENT_SECRET", str),
    "OIDC_SCOPES": ("OIDC_SCOPES", str),
    "OIDC_PROVIDER_NAME": ("OIDC_PROVIDER_NAME", str),
    "OIDC_EMAIL_CLAIM": ("OIDC_EMAIL_CLAIM", str),
    "OIDC_ROLE_MAPPING": ("OIDC_ROLE_MAPPING", str),
    "OIDC_CREATE_ACCOUNTS": ("OIDC_CREATE_ACCOUNTS", _flag),
    "OIDC_LOCAL_PASSWORDS": ("OIDC_LOCAL_PASSWORDS", _flag),
}


def environment_settings(environ) -> dict:
    """Return the settings the unprefixed variables of ``environ`` give (those that are set)."""
    return {key: convert(environ[name]) for name, (key, convert) in ENVIRONMENT_SETTINGS.items() if name in environ}


def normalise_database_url(url: str) -> str:
    """Return ``url`` ready for SQLAlchemy: ``postgresql://`` URLs use the psycopg 3 driver we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Defaults shared by every environment."""

    BASE_DIR = BASE_DIR
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL", "sqlite:///elearning.sqlite"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    COURSE_DIR = BASE_DIR / "course"
    QUIZZES_DIR = BASE_DIR / "quizzes"

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    #: Largest request body accepted (uploads), in bytes.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # a learner may keep a quiz open for a long time
    #: Largest file a learner may join to an activity's answer, in bytes (under MAX_CONTENT_LENGTH,
    #: which the whole form must fit).
    ACTIVITY_FILE_MAX_BYTES = 1024 * 1024

    #: Argon2id parameters of new password hashes (argon2-cffi's ``PasswordHasher``: KiB of memory,
    #: passes, lanes): the first row of OWASP's Password Storage Cheat Sheet, 46 MiB, 1 pass, 1
    #: lane. Measured on the 2-core development machine: 50 ms of CPU per hash (its 19 MiB, 2-pass
    #: row: 21 ms, under the 30 ms wanted). Older hashes are upgraded at sign-in; the tests use a cheap one.
    PASSWORD_HASH_PARAMETERS = {"memory_cost": 47_104, "time_cost": 1, "parallelism": 1}
    #: Failed sign-ins allowed per client address, and per account (``limits`` syntax); counted
    #: in the database, so across every worker and instance (see ``app/auth/throttle.py``).
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per minute;30 per hour"
    RATELIMIT_ENABLED = True
    #: Make two-factor sign-in (an authenticator app) mandatory for admins and tutors with a local
    #: password; those who sign in through the identity provider rely on its own factors.
    TWO_FACTOR_REQUIRED = False
    #: Minutes between the password and the code of a two-factor sign-in.
    TWO_FACTOR_PENDING_MINUTES = 5
    #: Single sign-on with OpenID Connect (see the README): the provider's issuer URL (its
    #: ``/.well-known/openid-configuration`` is read from there), this client's id and secret, the
    #: scopes asked, the claim that carries the email, how claims give roles, whether people
    #: unknown here get an account at their first sign-in, and whether local passwords still work.
    OIDC_ISSUER = ""
    OIDC_CLIENT_ID = ""
    OIDC_CLIENT_SECRET = ""
    OIDC_SCOPES = "openid email profile"
    #: Shown as « Se connecter avec <name> »; empty: « votre compte d'entreprise », translated.
    OIDC_PROVIDER_NAME = ""
    OIDC_EMAIL_CLAIM = "email"
    #: ``claim=value:role,...``, e.g. ``groups=lms-tutors:tutor,groups=lms-admins:admin``; everyone
    #: gets the learner role.
    OIDC_ROLE_MAPPING = ""
    OIDC_CREATE_ACCOUNTS = True
    OIDC_LOCAL_PASSWORDS = True
    #: Seconds of clock difference with the provider tolerated on the ID token's dates.
    OIDC_CLOCK_LEEWAY = 60
    #: Seconds to wait for the provider (its metadata, keys, token and userinfo endpoints).
    OIDC_TIMEOUT = 10
    #: Days an invitation link works (a new one can be sent from the account list).
    INVITATION_VALID_DAYS = 7
    #: Minutes a « mot de passe oublié » link works (at most an hour is advised).
    PASSWORD_RESET_VALID_MINUTES = 60
    #: Every « mot de passe oublié » answer takes at least this long, whether the address has an
    #: account (a link is written and queued) or not (nothing is): see ``bench/accounts.py``.
    PASSWORD_RESET_MIN_SECONDS = 0.2
    #: How many reverse proxies in front set ``X-Forwarded-For``/``-Proto``/``-Host`` (0: none,
    #: the client is the connection's peer). Never more than there are: a client could forge them.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    #: Plain-HTTP use (``make run`` on a laptop): no secure-only cookies, no HSTS. Off by default:
    #: outside debug and testing, cookies go over HTTPS only and HSTS is sent.
    INSECURE_HTTP = _flag(os.environ.get("INSECURE_HTTP", ""))
    #: Seconds browsers remember to use HTTPS only (HSTS), when it is on.
    HSTS_MAX_AGE = 31_536_000

    #: A second view of the same reading within this window is the same visit, not a new event.
    VIEW_EVENT_WINDOW_SECONDS = 1800
    #: The self-diagnostic's "after" opens once the course is finished, or this many days before
    #: the end of the learner's cohort (its last days, the end date included).
    DIAGNOSTIC_AFTER_LAST_DAYS = 3
    #: Timestamps of xAPI-shaped events use this IRI as the platform's home page.
    PLATFORM_HOMEPAGE = os.environ.get("PLATFORM_HOMEPAGE", "http://127.0.0.1:5000")

    #: How emails leave: "smtp", or "console" (printed, for development).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Comprendre l'IA au travail <formation@localhost>")
    #: Seconds to wait for the SMTP server.
    MAIL_TIMEOUT = 10
    #: A message whose sending may have succeeded (timeout after its content left, or a sender
    #: killed mid-send) goes again only after this delay, so that a slow server is not sent it twice.
    OUTBOX_UNCERTAIN_RETRY_SECONDS = int(os.environ.get("OUTBOX_UNCERTAIN_RETRY_SECONDS", str(6 * 3600)))
