"""Admin forms for accounts: create, edit, search, bulk import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import HiddenField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput
from wtforms.widgets import ListWidget

from app.accounts.forms import LANGUAGE_CHOICES
from app.admin.forms import CsvFileForm
from app.auth.models import ROLE_LABELS
from app.auth.models import Role


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.name.lower(), ROLE_LABELS[role]) for role in Role]


class RolesField(SelectMultipleField):
    """Check boxes, one per role; ``roles`` gives the :class:`Role` set."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    @property
    def roles(self) -> Role:
        return Role.parse(self.data or [])


def _names():
    first_name = StringField(_l("Prénom"), validators=[DataRequired(_l("Indiquez le prénom.")), Length(max=80, message=_l("80 caractères au plus."))])
    last_name = StringField(_l("Nom"), validators=[DataRequired(_l("Indiquez le nom.")), Length(max=80, message=_l("80 caractères au plus."))])
    return first_name, last_name


def _roles():
    return RolesField(_l("Rôles"), choices=_role_choices(), default=["learner"], validators=[DataRequired(_l("Cochez au moins un rôle."))])


def _locale():
    return SelectField(_l("Langue de la plateforme et des e-mails"), choices=LANGUAGE_CHOICES)


class EditAccountForm(FlaskForm):
    """Names, roles and language of an account."""

    first_name, last_name = _names()
    roles = _roles()
    locale = _locale()
    submit = SubmitField(_l("Enregistrer"))


class NewAccountForm(EditAccountForm):
    """A new account; its cohort choices are the open cohorts, set by the view."""

    email = EmailField(
        _l("Adresse e-mail"),
        validators=[DataRequired(_l("Indiquez une adresse e-mail.")), Length(max=254)],
    )
    cohort = SelectField(_l("Inscrire dans la cohorte (facultatif)"), choices=[], coerce=str)
    invite = BooleanField(_l("Envoyer l'invitation par e-mail (un lien pour choisir son mot de passe)"), default=True)
    submit = SubmitField(_l("Créer le compte"))


class AccountActionForm(FlaskForm):
    """A button acting on an account (deactivate, reactivate, resend the invitation)."""

    submit = SubmitField()


class AccountSearchForm(FlaskForm):
    """The account list's search and filters (GET, no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Nom ou adresse e-mail"), validators=[Length(max=100)])
    role = SelectField(_l("Rôle"), choices=[SelectChoice("", _l("Tous")), *_role_choices()], default="")
    cohort = SelectField(_l("Cohorte"), choices=[], default="")
    status = SelectField(
        _l("État"),
        default="",
        choices=[
            SelectChoice("", _l("Tous")),
            SelectChoice("actifs", _l("actifs")),
            SelectChoice("desactives", _l("désactivés")),
            SelectChoice("jamais-connectes", _l("jamais connectés")),
            SelectChoice("invitation-en-attente", _l("invitation non acceptée")),
        ],
    )
    submit = SubmitField(_l("Filtrer"))


class ImportFileForm(CsvFileForm):
    """The CSV file of people to preview."""

    file = FileField(
        _l("Fichier CSV"),
        validators=[FileRequired(_l("Choisissez un fichier.")), FileAllowed(["csv", "txt"], _l("Le fichier doit être un .csv ou un .txt."))],
    )
    submit = SubmitField(_l("Vérifier le fichier"))


class ImportConfirmForm(FlaskForm):
    """The checked file again (it is checked once more), and what to do besides creating and updating."""

    content = HiddenField(validators=[DataRequired()])
    enrol = BooleanField(_l("Inscrire chacun dans la cohorte de sa ligne"), default=True)
    invite = BooleanField(_l("Envoyer une invitation par e-mail à chaque nouveau compte"), default=True)
    submit = SubmitField(_l("Importer"))
