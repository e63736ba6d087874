"""Admin forms: cohorts and their members, the anonymisation of an account."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from sqlalchemy import select
from wtforms import BooleanField
from wtforms import DateField
from wtforms import EmailField
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import ValidationError

from app.cohorts.models import Cohort
from app.extensions import db


def _days(label, default):
    return IntegerField(label, default=default, validators=[InputRequired(_l("Indiquez un nombre.")), NumberRange(1, 60, _l("Entre 1 et 60."))])


class CohortForm(FlaskForm):
    """A new cohort: name, dates and alert thresholds (defaults from the design brief)."""

    name = StringField(_l("Nom de la cohorte"), validators=[DataRequired(_l("Indiquez un nom.")), Length(max=120)])
    start_date = DateField(_l("Date de début"), validators=[InputRequired(_l("Indiquez une date valide."))])
    end_date = DateField(_l("Date de fin"), validators=[InputRequired(_l("Indiquez une date valide."))])
    not_started_days = _days(_l("« Pas commencé » après (jours sans activité depuis le début)"), 3)
    behind_days = _days(_l("« En retard » à partir de (jours de retard)"), 3)
    at_risk_days = _days(_l("« À risque » à partir de (jours de retard)"), 7)
    inactive_days = _days(_l("« À risque » aussi après (jours sans activité)"), 7)
    struggling_failures = IntegerField(
        _l("« En difficulté » après (échecs au même quiz)"),
        default=2,
        validators=[InputRequired(_l("Indiquez un nombre.")), NumberRange(1, 10, _l("Entre 1 et 10."))],
    )
    review_days = _days(_l("« Relecture en attente » après (jours sans relecture d'une réponse à une activité)"), 3)
    sends_reminders = BooleanField(
        _l("Envoyer une relance automatique par e-mail quand une alerte s'ouvre (seulement aux apprenants qui ont accepté d'être contactés)"),
        default=True,
    )
    submit = SubmitField(_l("Créer la cohorte"))

    def validate_end_date(self, field):
        """The window must not be empty."""
        if self.start_date.data and field.data and field.data <= self.start_date.data:
            raise ValidationError(_l("La date de fin doit suivre la date de début."))


class MemberForm(FlaskForm):
    """An account to add to a cohort, by email."""

    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(_l("Indiquez une adresse e-mail.")), Length(max=254)])
    submit = SubmitField(_l("Ajouter"))


class CloseCohortForm(FlaskForm):
    """The "close the cohort" button."""

    submit = SubmitField(_l("Clore la cohorte"))


class CsvFileForm(FlaskForm):
    """A form whose ``file`` is a CSV file, read as UTF-8 (with or without BOM)."""

    def read_text(self) -> str | None:
        """Return the file's text, or ``None`` (with an error on the field) if it is not UTF-8."""
        try:
            return self.file.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.file.errors.append(_l("Le fichier doit être encodé en UTF-8."))
            return None


class EnrolmentFileForm(CsvFileForm):
    """A CSV file of learners' emails, one per line."""

    file = FileField(
        _l("Fichier CSV (une adresse e-mail par ligne)"),
        validators=[FileRequired(_l("Choisissez un fichier.")), FileAllowed(["csv", "txt"], _l("Le fichier doit être un .csv ou un .txt."))],
    )
    submit = SubmitField(_l("Inscrire les apprenants du fichier"))


class AnonymiseForm(FlaskForm):
    """The admin's confirmation that a learner's identity is to be erased."""

    confirm = BooleanField(
        _l("Je confirme l'anonymisation : elle est définitive."),
        validators=[DataRequired(_l("Cochez la case pour confirmer l'anonymisation."))],
    )
    submit = SubmitField(_l("Anonymiser ce compte"))


class RevokeForm(FlaskForm):
    """The admin's revocation of a certificate: a reason, and a confirmation (it cannot be undone)."""

    reason = TextAreaField(_l("Raison de la révocation"), validators=[DataRequired(_l("Indiquez la raison de la révocation.")), Length(max=1000)])
    confirm = BooleanField(
        _l("Je confirme la révocation : la page de vérification dira que l'attestation ne vaut plus."),
        validators=[DataRequired(_l("Cochez la case pour confirmer la révocation."))],
    )
    submit = SubmitField(_l("Révoquer l'attestation"))


class UnenrolForm(FlaskForm):
    """The button taking a learner out of a cohort."""

    submit = SubmitField(_l("Désinscrire de la cohorte"))


class MoveLearnerForm(FlaskForm):
    """The open cohort to move a learner to (its choices are set by the view)."""

    target = SelectField(_l("Cohorte d'arrivée"), choices=[], validators=[InputRequired(_l("Choisissez une cohorte."))])
    submit = SubmitField(_l("Déplacer"))


def open_cohort_choices(but: int | None = None) -> list[SelectChoice]:
    """Return the open cohorts (all but ``but``) as choices of a select, by name."""
    query = select(Cohort.id, Cohort.name).where(Cohort.is_closed.is_(False)).order_by(Cohort.name)
    if but is not None:
        query = query.where(Cohort.id != but)
    return [SelectChoice(str(c.id), c.name) for c in db.session.execute(query)]
