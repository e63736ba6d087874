"""Tutor forms: the learner table's filter, contacts, alerts, reminders."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SearchField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from app.outbox.services import has_control_character
from app.reminders.services import unknown_placeholders
from app.tutoring.queries import PaceStatus
from app.tutoring.services import CHANNELS
from app.tutoring.services import OUTCOMES

STATUS_CHOICES = [
    SelectChoice("", _l("Tous")),
    SelectChoice(PaceStatus.ON_PACE.value, _l("À jour")),
    SelectChoice(PaceStatus.BEHIND.value, _l("En retard (au moins un jour)")),
    SelectChoice(PaceStatus.AT_RISK.value, _l("À risque")),
    SelectChoice(PaceStatus.NOT_STARTED.value, _l("Pas commencé")),
    SelectChoice(PaceStatus.COMPLETED.value, _l("Terminé")),
]


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class LearnerFilterForm(FlaskForm):
    """The learner table's filter and sort, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    statut = SelectField(_l("Situation"), choices=STATUS_CHOICES, default="")
    contact = SelectField(_l("Contact"), choices=_choices([("", _l("Tous")), ("oui", _l("Contactables")), ("non", _l("Non contactables"))]), default="")
    alerte = SelectField(_l("Alertes"), choices=_choices([("", _l("Toutes")), ("oui", _l("Avec une alerte ouverte"))]), default="")
    q = SearchField(_l("Nom ou e-mail"), validators=[Optional(), Length(max=100)])
    tri = SelectField(
        _l("Trier par"),
        choices=_choices([("retard", _l("Jours de retard")), ("progression", _l("Progression")), ("activite", _l("Dernière activité")), ("nom", _l("Nom"))]),
        default="retard",
    )
    ordre = SelectField(_l("Ordre"), choices=_choices([("desc", _l("Décroissant")), ("asc", _l("Croissant"))]), default="desc")
    page = IntegerField(_l("Page"), default=1, validators=[Optional()])
    submit = SubmitField(_l("Filtrer"))


class ContactForm(FlaskForm):
    """Log a contact with a learner."""

    channel = SelectField(_l("Canal"), choices=_choices(CHANNELS.items()), validators=[InputRequired()])
    outcome = SelectField(_l("Résultat"), choices=_choices(OUTCOMES.items()), validators=[InputRequired()])
    alert_id = SelectField(_l("Alerte concernée"), choices=[], validate_choice=False, default="")
    note = TextAreaField(_l("Note"), validators=[Length(max=2000, message=_l("2000 caractères au maximum."))])
    submit = SubmitField(_l("Enregistrer le contact"))

    def validate_alert_id(self, field):
        """Accept only one of the alerts offered (or none)."""
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choisissez une alerte de la liste."))


class SnoozeForm(FlaskForm):
    """Put an alert aside until a date."""

    until = DateField(_l("Mettre de côté jusqu'au"), validators=[InputRequired(_l("Indiquez une date valide."))])
    submit = SubmitField(_l("Mettre de côté"))


class ResolveForm(FlaskForm):
    """Mark an alert as handled."""

    submit = SubmitField(_l("Marquer comme traitée"))


def _one_line(form, field):
    """Refuse a line break or a control character: an email's subject is a single header line."""
    if has_control_character(field.data or ""):
        raise ValidationError(_l("L'objet doit tenir sur une seule ligne, sans retour à la ligne ni caractère de contrôle."))


def _known_placeholders(form, field):
    unknown = unknown_placeholders(field.data or "")
    if unknown:
        raise ValidationError(_l("Variable inconnue : %(names)s.", names=", ".join("{" + n + "}" for n in unknown)))


class ReminderForm(FlaskForm):
    """A reminder the tutor edits, previews, then sends."""

    subject = StringField(_l("Objet"), validators=[DataRequired(_l("Indiquez un objet.")), Length(max=200), _one_line, _known_placeholders])
    body = TextAreaField(_l("Message"), validators=[DataRequired(_l("Écrivez le message.")), Length(max=5000), _known_placeholders])
    #: Names this sending, so a form sent twice queues each reminder once.
    batch_key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    preview = SubmitField(_l("Prévisualiser"))
    send = SubmitField(_l("Envoyer"))
