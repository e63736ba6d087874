"""Forms of the pages a person reaches from an email link, and of the profile page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from app.auth.forms import new_password_fields

#: The interface languages, each named in itself.
LANGUAGE_CHOICES = [SelectChoice("fr", "Français", render_kw={"lang": "fr"}), SelectChoice("en", "English", render_kw={"lang": "en"})]


class ForgotPasswordForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField(
        _l("Adresse e-mail de votre compte"),
        validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField(_l("Recevoir un lien"))


class ChoosePasswordForm(FlaskForm):
    """A new password, twice (invitation or reset link)."""

    new_password, confirm_password = new_password_fields()
    submit = SubmitField(_l("Enregistrer mon mot de passe"))


class ProfileForm(FlaskForm):
    """The name the person is shown by, and their language."""

    display_name = StringField(
        _l("Nom affiché"), validators=[DataRequired(_l("Indiquez le nom à afficher.")), Length(max=120, message=_l("120 caractères au plus."))]
    )
    locale = SelectField(_l("Langue de la plateforme et des e-mails"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Enregistrer mon profil"))


class EnableTwoFactorForm(FlaskForm):
    """The first code of the authenticator app, which proves it is set up."""

    code = StringField(
        _l("Code à 6 chiffres affiché par l'application"),
        validators=[DataRequired(_l("Indiquez le code.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Activer la double authentification"))


class ConfirmPasswordForm(FlaskForm):
    """The current password, to confirm a change of the sign-in's security."""

    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField()
