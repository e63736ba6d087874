"""Forms shown on reading pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from app.progress.models import FeedbackRating

RATING_LABELS = {
    FeedbackRating.CLEAR: _l("Clair"),
    FeedbackRating.UNCLEAR: _l("Pas clair"),
    FeedbackRating.TOO_LONG: _l("Trop long"),
}


class MarkReadForm(FlaskForm):
    """The "Marquer comme lu" button (a form, so it carries a CSRF token)."""

    submit = SubmitField(_l("Marquer comme lu"))


class FeedbackForm(FlaskForm):
    """The learner's verdict on a page, with an optional comment."""

    rating = RadioField(
        _l("Cette page vous a semblé :"),
        choices=[SelectChoice(rating.value, label) for rating, label in RATING_LABELS.items()],
        validators=[InputRequired(_l("Choisissez clair, pas clair ou trop long."))],
    )
    comment = TextAreaField(
        _l("Commentaire (facultatif)"),
        validators=[Length(max=1000, message=_l("1000 caractères au maximum."))],
    )
    submit = SubmitField(_l("Envoyer mon avis"))
