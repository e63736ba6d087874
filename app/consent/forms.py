"""The consent form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SubmitField
from wtforms.validators import InputRequired


class ConsentForm(FlaskForm):
    """Yes or no: may a tutor contact me?"""

    consent = RadioField(
        _l("Acceptez-vous qu'un tuteur vous contacte si vous prenez du retard ?"),
        choices=[SelectChoice("yes", _l("Oui, j'accepte d'être contacté")), SelectChoice("no", _l("Non, je ne souhaite pas être contacté"))],
        validators=[InputRequired(_l("Choisissez oui ou non."))],
    )
    submit = SubmitField(_l("Enregistrer mon choix"))
