"""Default configuration, overridden by ``instance/config.py`` and ``FLASK_*`` variables."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

#: Secret keys that must never reach production.
DEV_SECRET_KEYS = frozenset({"", "dev", "change-me", "dev-secret-key-change-me"})


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

    #: Login attempts allowed per client address (Flask-Limiter syntax).
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    #: Where the limiter keeps its counters; use ``redis://`` when several instances run.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True

    #: A second view of the same reading within this window is the same visit, not a new event.
    VIEW_EVENT_WINDOW_SECONDS = 1800
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
