"""The certificate as a PDF (reportlab), with the fonts shipped beside this file: no network, no system font."""

import io
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from app.certificates.models import Certificate
from app.dates import date_text

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"


@cache
def _register_fonts() -> None:
    """DejaVu covers French typography (accents, « », narrow no-break spaces), which the PDF base fonts do not."""
    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{name}.ttf")))


def hours_text(minutes: int) -> str:
    """Say a duration as people read it on a certificate: « 7 h », « 7 h 30 »."""
    hours, rest = divmod(minutes, 60)
    return _("%(h)d h %(m)02d", h=hours, m=rest) if rest else _("%(h)d h", h=hours)


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """Return the certificate as a one-page A4 landscape PDF."""
    _register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)  # invariant: the same bytes for the same certificate
    page.setTitle(_("Attestation de réussite : %(name)s", name=certificate.learner_name))
    page.setAuthor(certificate.course_title)
    page.setLineWidth(2)
    page.rect(1.5 * cm, 1.5 * cm, width - 3 * cm, height - 3 * cm)
    lines = [
        (BOLD, 30, height - 5 * cm, _("Attestation de réussite")),
        (REGULAR, 14, height - 7 * cm, _("Cette attestation certifie que")),
        (BOLD, 24, height - 8.6 * cm, certificate.learner_name),
        (REGULAR, 14, height - 10.2 * cm, _("a suivi et terminé le cours « %(course)s »", course=certificate.course_title)),
        (REGULAR, 12, height - 11.4 * cm, _("lectures lues, quiz réussis et activités validées par son tuteur")),
    ]
    if certificate.cohort_name:
        lines.append((REGULAR, 12, height - 12.6 * cm, _("au sein de la cohorte « %(cohort)s »", cohort=certificate.cohort_name)))
    lines.append((REGULAR, 12, height - 13.8 * cm, _("du %(start)s au %(end)s, durée estimée %(hours)s",
                                                      start=date_text(certificate.started_on), end=date_text(certificate.completed_on),
                                                      hours=hours_text(certificate.minutes))))
    for font, size, y, text in lines:
        page.setFont(font, size)
        page.drawCentredString(width / 2, y, text)
    page.setFont(REGULAR, 10)
    page.drawString(2.5 * cm, 3.2 * cm, _("Code de vérification : %(code)s", code=certificate.code))
    page.drawString(2.5 * cm, 2.6 * cm, _("Vérifier : %(url)s", url=verify_url))
    page.drawRightString(width - 2.5 * cm, 2.6 * cm, _("Délivrée le %(date)s", date=date_text(certificate.issued_dt)))
    page.showPage()
    page.save()
    return buffer.getvalue()
