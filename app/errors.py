"""French error pages for 400, 403, 404, 429, 500, and 503 while the database cannot be reached.

An error page must render without the database: the page header shows the signed-in user, whom
Flask-Login loads from the database on first use. So an error page loads that user itself and,
if it cannot, shows the page as to a signed-out visitor instead of failing a second time (which
left gunicorn's bare "Internal Server Error"). Nothing here stops the app from recovering: the
pool pings its connections before use (``pool_pre_ping``), so the first request after the
database is back gets a fresh connection.
"""

from flask import Flask
from flask import g
from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.extensions import login_manager

#: Seconds a client is told to wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Requête invalide"), _("La requête n'a pas pu être traitée. Rechargez la page et réessayez.")),
        403: (_("Accès refusé"), _("Vous n'avez pas accès à cette page.")),
        404: (_("Page introuvable"), _("La page demandée n'existe pas ou a été déplacée.")),
        405: (_("Méthode non autorisée"), _("Cette action n'est pas possible sur cette page.")),
        413: (_("Fichier trop volumineux"), _("Le fichier envoyé dépasse la taille autorisée (2 Mo).")),
        429: (_("Trop de tentatives"), _("Trop de tentatives en peu de temps. Patientez une minute avant de réessayer.")),
        500: (_("Erreur du serveur"), _("Une erreur inattendue s'est produite. L'équipe a été prévenue ; réessayez plus tard.")),
        503: (
            _("Service momentanément indisponible"),
            _("La plateforme ne peut pas joindre sa base de données pour le moment. Rien de ce que vous avez déjà enregistré n'est perdu : réessayez dans quelques instants."),
        ),
    }


def is_database_unavailable(error: BaseException | None) -> bool:
    """Tell whether ``error`` means the database cannot be reached, rather than a bug.

    Connection refused, lost or reset, server shutting down, SQLite file that cannot be opened or
    is locked (OperationalError, InterfaceError), a connection the driver found dead, or no
    connection free in the pool in time (TimeoutError).
    """
    if isinstance(error, sa_exc.TimeoutError | sa_exc.OperationalError | sa_exc.InterfaceError):
        return True
    return isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated


def _signed_out_unless_loaded(force: bool = False) -> None:
    """Make the page header's ``current_user`` safe to read without the database.

    Flask-Login keeps the request's user in ``g._login_user`` once loaded; setting it to the
    anonymous user before the template asks means the loader is not called again.
    """
    if not force and "_login_user" in g:
        return
    if not force:
        try:
            login_manager._load_user()
            return
        except Exception:  # noqa: BLE001 (any failure: the page is shown as to a signed-out visitor)
            _rollback_quietly()
    g._login_user = login_manager.anonymous_user()


def _bare_page(heading: str, message: str) -> str:
    """A page built without templates, for when even the error template fails."""
    return f'<!doctype html><html lang="fr"><meta charset="utf-8"><title>{escape(heading)}</title><h1>{escape(heading)}</h1><p>{escape(message)}</p></html>'


def render_error(code: int):
    """Render the French page for ``code``; it needs no database (see the module's docstring)."""
    heading, message = _messages().get(code, _messages()[500])
    return _error_page(code, heading, message)


def _error_page(code: int, heading: str, message: str):
    # While the database is unreachable, the header is that of a signed-out visitor even if the
    # user was loaded: every link it offers would fail anyway.
    _signed_out_unless_loaded(force=code == 503)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if code == 503 else {}
    try:
        html = render_template("errors/error.html", title=heading, heading=heading, message=message)
    except Exception:  # noqa: BLE001 (an error page must always be answered)
        html = _bare_page(heading, message)
    return html, code, headers


def register_error_handlers(app: Flask) -> None:
    """Attach the error pages to ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        heading = _("Formulaire expiré")
        message = _("Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez.")
        return _error_page(400, heading, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # Flask wraps an error that escaped every other handler in a 500 (original_exception).
        if is_database_unavailable(getattr(error, "original_exception", None)):
            return database_unavailable(error.original_exception)
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if is_database_unavailable(error):
            return database_unavailable(error)
        _rollback_quietly()
        app.logger.exception("unhandled error")
        return render_error(500)

    def database_unavailable(error: BaseException):
        _rollback_quietly()
        # No traceback: the cause is outside the code, and an outage would flood the log.
        app.logger.error("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error).__name__)
        return render_error(503)


def _rollback_quietly() -> None:
    """Roll the session back; with the database gone, that can fail too, and must not hide the page."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        pass
