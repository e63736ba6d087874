"""French error pages for 400, 403, 404, 429 and 500."""

from flask import Flask
from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Requête invalide"), _("La requête n'a pas pu être traitée. Rechargez la page et réessayez.")),
        403: (_("Accès refusé"), _("Vous n'avez pas accès à cette page.")),
        404: (_("Page introuvable"), _("La page demandée n'existe pas ou a été déplacée.")),
        405: (_("Méthode non autorisée"), _("Cette action n'est pas possible sur cette page.")),
        413: (_("Fichier trop volumineux"), _("Le fichier envoyé dépasse la taille autorisée (2 Mo).")),
        429: (_("Trop de tentatives"), _("Trop de tentatives en peu de temps. Patientez une minute avant de réessayer.")),
        500: (_("Erreur du serveur"), _("Une erreur inattendue s'est produite. L'équipe a été prévenue ; réessayez plus tard.")),
    }


def render_error(code: int):
    """Render the French page for ``code``."""
    heading, message = _messages().get(code, _messages()[500])
    return render_template("errors/error.html", title=heading, heading=heading, message=message), code


def register_error_handlers(app: Flask) -> None:
    """Attach the error pages to ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        heading = _("Formulaire expiré")
        message = _("Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez.")
        return render_template("errors/error.html", title=heading, heading=heading, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_error(500)
