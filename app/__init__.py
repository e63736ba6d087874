"""The learning platform: application factory."""

import os
import sys
from pathlib import Path

from babel import Locale
from flask import Flask
from flask import has_request_context
from flask import session
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app import dates
from app import wtforms_i18n
from app.config import Config
from app.config import environment_settings
from app.config import secret_key_problem
from app.extensions import babel
from app.extensions import csrf
from app.extensions import db
from app.extensions import login_manager
from app.extensions import migrate
from app.security_headers import SecurityHeaders
from app.sessions import CachedCookieSessionInterface
from app.web import BoundedIntegerConverter


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an instance of the learning platform."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if test_config is None:
        # The environment wins over the instance file, and FLASK_* over unprefixed variables.
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(environment_settings(os.environ))
        app.config.from_prefixed_env()
    else:
        app.config.update(test_config)
    _secure_transport(app)
    app.session_interface = CachedCookieSessionInterface()
    _tune_engine(app)
    _init_extensions(app)
    _refuse_weak_secret(app)  # once Flask-Babel is set up: the refusal is said in the platform's language
    # Before any route is added: every <int:...> then stops at the id columns' range (a 404).
    app.url_map.converters["int"] = BoundedIntegerConverter
    register_blueprints(app)
    register_commands(app)
    _register_request_hooks(app)
    from app.errors import register_error_handlers

    register_error_handlers(app)
    return app


def _refuse_weak_secret(app: Flask) -> None:
    """Stop a production start with a development, short, repeated or dictionary-like secret key.

    ``flask --help`` only lists commands, so it works before the key is set.
    """
    if app.debug or app.testing or _only_showing_help():
        return
    from app.auth.passwords import is_common_password

    with app.app_context():  # no request yet: the default language
        problem = secret_key_problem(app.config.get("SECRET_KEY") or "", is_common_password)
        if problem is not None:
            raise RuntimeError(
                _(
                    "SECRET_KEY trop faible (%(reason)s) : définissez SECRET_KEY (ou FLASK_SECRET_KEY) avec une "
                    "valeur aléatoire, par exemple %(command)s, avant de lancer la plateforme en production.",
                    reason=problem,
                    command="python -c 'import secrets; print(secrets.token_hex(32))'",
                )
            )


def _only_showing_help() -> bool:
    return Path(sys.argv[0]).name == "flask" and any(arg in ("--help", "-h") for arg in sys.argv[1:])


def _secure_transport(app: Flask) -> None:
    """Outside debug and testing, cookies travel over HTTPS only and HSTS is on, unless
    ``INSECURE_HTTP`` says the platform is served over plain HTTP; and trusted proxies are believed."""
    secure = not (app.debug or app.testing or app.config.get("INSECURE_HTTP"))
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):  # an explicit true still holds
        app.config[name] = bool(app.config.get(name)) or secure
    app.config["HSTS_ENABLED"] = secure
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # The proxies' X-Forwarded-* headers give the client's address (the sign-in limit counts
        # it), the scheme and the host; without trusted proxies they are ignored (a client forges them).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _tune_engine(app: Flask) -> None:
    """Ping pooled connections before use only on server databases (a SQLite file never drops them)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


#: Parsed once: Flask-Babel takes a Locale as it is, instead of parsing a code on every request.
_LOCALES = {code: Locale.parse(code) for code in Config.LANGUAGES}


def _select_locale() -> Locale:
    lang = session.get("lang") if has_request_context() else None
    return _LOCALES.get(lang) or _LOCALES[Config.BABEL_DEFAULT_LOCALE]


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["BASE_DIR"] / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Session freshness is never used here, so the per-request fingerprint of address and browser
    # that "basic" protection computes and stores in the cookie would only cost time.
    login_manager.session_protection = None
    login_manager.login_message = None
    from app.auth import oidc

    oidc.init_app(app)

    from app import models  # noqa: F401  (every table registered before Alembic or create_all looks)
    from app.alerts import listeners  # noqa: F401  (alerts react to learner actions)
    from app.auth.models import Role
    from app.auth.models import parse_session_token
    from app.auth.services import load_signed_in_user

    @login_manager.user_loader
    def load_user(token: str):
        parsed = parse_session_token(token)  # the account and its session version
        return load_signed_in_user(*parsed) if parsed else None

    app.jinja_env.globals.update(Role=Role, current_locale=lambda: str(get_locale()))
    dates.init_app(app)
    wtforms_i18n.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Turn on foreign keys and WAL for SQLite connections (other engines are left alone)."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    """Register every domain's blueprint."""
    from app.accounts import bp as accounts_bp
    from app.activities import bp as activities_bp
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.authoring import bp as authoring_bp
    from app.catalogue import bp as catalogue_bp
    from app.certificates import bp as certificates_bp
    from app.cohorts import bp as cohorts_bp
    from app.consent import bp as consent_bp
    from app.diagnostic import bp as diagnostic_bp
    from app.main import bp as main_bp
    from app.privacy import bp as privacy_bp
    from app.progress import bp as progress_bp
    from app.quizzes import bp as quizzes_bp
    from app.reports import bp as reports_bp
    from app.tutor_feedback import bp as tutor_feedback_bp
    from app.tutoring import bp as tutoring_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(catalogue_bp, url_prefix="/cours")
    app.register_blueprint(activities_bp, url_prefix="/cours")
    app.register_blueprint(cohorts_bp, url_prefix="/cohortes")
    app.register_blueprint(consent_bp, url_prefix="/parametres")
    app.register_blueprint(privacy_bp, url_prefix="/mes-donnees")
    app.register_blueprint(quizzes_bp, url_prefix="/quiz")
    app.register_blueprint(progress_bp, url_prefix="/parcours")
    app.register_blueprint(diagnostic_bp, url_prefix="/autodiagnostic")
    app.register_blueprint(tutoring_bp, url_prefix="/tutorat")
    app.register_blueprint(authoring_bp, url_prefix="/edition")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reports_bp, url_prefix="/admin/rapports")
    app.register_blueprint(certificates_bp)
    app.register_blueprint(tutor_feedback_bp)


def register_commands(app: Flask) -> None:
    """Attach the ``flask`` command groups."""
    from app.alerts.cli import alerts_cli
    from app.auth.cli import users_cli
    from app.demo import demo_command
    from app.outbox.cli import outbox_cli
    from app.package.cli import course_cli
    from app.privacy.cli import events_cli
    from app.quizzes.cli import quiz_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(course_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(alerts_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(quiz_cli)


def _register_request_hooks(app: Flask) -> None:
    # Outermost, after ProxyFix: every answer gets the headers, error pages and static files too.
    hsts_max_age = app.config["HSTS_MAX_AGE"] if app.config["HSTS_ENABLED"] else None
    app.wsgi_app = SecurityHeaders(app.wsgi_app, static_prefix=app.static_url_path + "/", hsts_max_age=hsts_max_age)
