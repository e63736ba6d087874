"""The learner's rating form: two scales and a comment."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length

_SCALE = [SelectChoice(str(n), str(n)) for n in range(1, 6)]


class RatingForm(FlaskForm):
    """One tutor's rating (each tutor of the page has its own form, told apart by its prefix)."""

    tutor_id = HiddenField()
    helpfulness = RadioField(_l("Son aide (1 : très peu, 5 : beaucoup)"), choices=_SCALE, coerce=int,
                             validators=[InputRequired(_l("Choisissez une note de 1 à 5."))])
    clarity = RadioField(_l("La clarté de ses retours (1 : peu clairs, 5 : très clairs)"), choices=_SCALE, coerce=int,
                         validators=[InputRequired(_l("Choisissez une note de 1 à 5."))])
    comment = TextAreaField(_l("Commentaire (facultatif, lu sans votre nom)"), validators=[Length(max=2000, message=_l("2000 caractères au maximum."))])
    submit = SubmitField(_l("Enregistrer mon avis"))


