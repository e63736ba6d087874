"""Sign-in and change-password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length

from app.auth.passwords import MAX_PASSWORD_LENGTH
from app.auth.passwords import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        _l("Adresse e-mail"),
        validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Se connecter"))


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """Return the new password and its confirmation, for every form that sets a password."""
    new_password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[DataRequired(_l("Indiquez un nouveau mot de passe.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )
    confirm_password = PasswordField(
        _l("Nouveau mot de passe, une seconde fois"),
        validators=[
            DataRequired(_l("Indiquez le nouveau mot de passe une seconde fois.")),
            EqualTo("new_password", _l("Les deux nouveaux mots de passe diffèrent.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return new_password, confirm_password


class ChangePasswordForm(FlaskForm):
    """The current password, and the new one twice."""

    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel.")), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password, confirm_password = new_password_fields()
    submit = SubmitField(_l("Changer mon mot de passe"))


class SecondFactorForm(FlaskForm):
    """The code of the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code à 6 chiffres de l'application, ou code de secours"),
        validators=[DataRequired(_l("Indiquez le code.")), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Vérifier"))
