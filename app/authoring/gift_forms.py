"""The GIFT import form: a file or pasted text, the reading of the imported questions, the confirmations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from wtforms import BooleanField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import ValidationError

#: Pasted text beyond this is refused (below Werkzeug's 500 kB limit on a form's text fields,
#: which answers 413; files are bounded by ``MAX_CONTENT_LENGTH``).
MAX_TEXT_LENGTH = 400_000


class GiftImportForm(FlaskForm):
    """GIFT questions to add to a quiz's draft.

    :param readings: the readings offered for the imported questions, as ``(slug, title)`` pairs.
    """

    file = FileField(_l("Fichier GIFT (.txt ou .gift, en UTF-8)"),
                     validators=[FileAllowed(["txt", "gift"], _l("Le fichier doit être un .txt ou un .gift."))])
    text = TextAreaField(_l("Ou collez le texte GIFT"), validators=[Length(max=MAX_TEXT_LENGTH, message=_l("Texte trop long."))])
    reading = SelectField(_l("Lecture qui répond aux questions importées"), validators=[InputRequired(_l("Choisissez une lecture."))])
    skip_unsupported = BooleanField(_l("Ignorer les questions non prises en charge et importer les autres"))
    publish = BooleanField(_l("Publier le quiz tout de suite (sinon, seul le brouillon est enregistré)"))
    submit = SubmitField(_l("Importer"))

    def __init__(self, *args, readings: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.reading.choices = [SelectChoice(slug, title) for slug, title in readings]
        if self.reading.data is None and readings:
            self.reading.data = readings[0][0]
        #: The GIFT text, once the form has validated.
        self.gift_text = ""

    def has_file(self) -> bool:
        """Tell whether a file was chosen."""
        return bool(self.file.data and getattr(self.file.data, "filename", ""))

    def validate_file(self, field) -> None:
        """A file, when given, must be UTF-8 text; it wins over the pasted text."""
        if not self.has_file():
            return
        try:
            self.gift_text = field.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_l("Le fichier doit être encodé en UTF-8.")) from None
        if not self.gift_text.strip():
            raise ValidationError(_l("Le fichier est vide."))

    def validate_text(self, field) -> None:
        """Without a file, the pasted text is needed."""
        if self.has_file():
            return
        self.gift_text = field.data or ""
        if not self.gift_text.strip():
            raise ValidationError(_l("Choisissez un fichier ou collez le texte GIFT."))
