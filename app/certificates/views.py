"""The learner's certificate page and download, and the public page that verifies a code."""

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField

from app.certificates.models import Certificate
from app.certificates.pdf import certificate_pdf
from app.certificates.pdf import hours_text
from app.certificates.services import CertificateRefused
from app.certificates.services import certificate_by_code
from app.certificates.services import certificate_of
from app.certificates.services import completion
from app.certificates.services import issue_certificate
from app.extensions import db
from app.web import file_download

bp = Blueprint("certificates", __name__, template_folder="templates")


class DownloadForm(FlaskForm):
    """The download button (a form: the first download issues the certificate)."""

    submit = SubmitField(_l("Télécharger mon attestation (PDF)"))


def verify_url(certificate: Certificate) -> str:
    """The certificate's public page, as printed on it (``PLATFORM_HOMEPAGE``)."""
    path = current_app.url_map.bind("localhost").build("certificates.verify", {"code": certificate.code})
    return current_app.config["PLATFORM_HOMEPAGE"].rstrip("/") + path


@bp.route("/mon-attestation", methods=["GET", "POST"])
@login_required
def mine():
    """Show where the learner stands towards the certificate; the button downloads it (issued the first time)."""
    form = DownloadForm()
    error = None
    if form.validate_on_submit():
        try:
            certificate = issue_certificate(current_user)
        except CertificateRefused as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            if certificate.is_valid:
                name = f"attestation-{certificate.code}.pdf"
                return file_download(name, "application/pdf", certificate_pdf(certificate, verify_url(certificate)))
            error = _("Cette attestation a été révoquée : elle ne peut plus être téléchargée.")
    certificate = certificate_of(current_user.id)
    return render_template(
        "certificates/mine.html", form=form, error=error, certificate=certificate, state=completion(current_user.id),
        verify=verify_url(certificate) if certificate else None, hours_text=hours_text, title=_("Mon attestation"),
    ), 400 if error else 200


@bp.route("/attestation/<code>")
def verify(code: str):
    """Say whether a certificate is genuine and valid: only what it states, nothing else of the learner."""
    certificate = certificate_by_code(code)
    return render_template("certificates/verify.html", certificate=certificate, code=code, hours_text=hours_text,
                           title=_("Vérification d'une attestation")), 200 if certificate else 404
