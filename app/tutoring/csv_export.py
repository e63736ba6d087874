"""The cohort's learner table as a CSV file (UTF-8 with BOM and semicolons, as spreadsheets expect in France)."""

import csv
import io
from collections.abc import Iterator

from flask import Response
from flask_babel import format_datetime
from flask_babel import gettext as _

from app.alerts.queries import CohortDay
from app.alerts.rules import KIND_LABELS
from app.cohorts.models import Cohort
from app.tutoring.queries import STATUS_LABELS
from app.tutoring.queries import LearnerLine


def _safe(value) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(lines: list[LearnerLine]) -> Iterator[list]:
    yield [_("Nom"), _("E-mail"), _("Éléments faits"), _("Éléments du cours"), _("Progression (%)"), _("Jours de retard"), _("Situation"),
           _("Première activité"), _("Dernière activité"), _("Contactable"), _("Alertes ouvertes")]
    for line in lines:
        yield [
            line.name, line.email, line.done, line.total, round(100 * line.done / line.total) if line.total else 0, line.days_behind, str(STATUS_LABELS[line.status]),
            format_datetime(line.first_activity_dt, "yyyy-MM-dd HH:mm") if line.first_activity_dt else "",
            format_datetime(line.last_activity_dt, "yyyy-MM-dd HH:mm") if line.last_activity_dt else "",
            _("oui") if line.is_contactable else _("non"), ", ".join(str(KIND_LABELS[k]) for k in line.alerts),
        ]


def cohort_csv(lines: list[LearnerLine]) -> str:
    """Return the learner table as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in _rows(lines):
        writer.writerow([_safe(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def cohort_csv_response(cohort: Cohort, day: CohortDay, lines: list[LearnerLine]) -> Response:
    """Return the CSV as a download named after the cohort and the day."""
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in cohort.name.lower()).strip("-") or "cohorte"
    response = Response(cohort_csv(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-{day.today.isoformat()}.csv"'
    return response
