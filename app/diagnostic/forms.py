"""The self-diagnostic form, one 1-to-5 scale per statement."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms.validators import InputRequired

from app.diagnostic.models import DiagnosticStatement


def field_name(statement: DiagnosticStatement) -> str:
    """Return the form field name of ``statement``."""
    return f"s{statement.id}"


def make_diagnostic_form(statements: list[DiagnosticStatement], scale: list[str]) -> FlaskForm:
    """Build and instantiate a form rating ``statements`` on ``scale``."""
    choices = [SelectChoice(str(value), f"{value} – {label}") for value, label in enumerate(scale, start=1)]
    attrs = {
        field_name(s): RadioField(s.text, choices=choices, validators=[InputRequired(_l("Choisissez une note de 1 à 5."))])
        for s in statements
    }
    return type("DiagnosticForm", (FlaskForm,), attrs)()


def ratings_from_form(form: FlaskForm, statements: list[DiagnosticStatement]) -> dict[int, int]:
    """Return the rating given to each statement id."""
    return {s.id: int(form[field_name(s)].data) for s in statements}
