"""The learner's answer form and the tutor's review form."""

from pathlib import PurePath

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import ValidationError
from wtforms.validators import InputRequired
from wtforms.validators import Length

from app.activities.models import SubmissionStatus
from app.activities.services import Attachment

#: The kinds of file an answer may carry, by extension: what the browser is told when it downloads one.
FILE_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ANSWER_MAX_CHARS = 20_000


class AnswerForm(FlaskForm):
    """The learner's answer: a text, and a file where the activity accepts one."""

    answer = TextAreaField(_l("Votre réponse"), validators=[Length(max=ANSWER_MAX_CHARS, message=_l("%(max)d caractères au maximum."))])
    attachment = FileField(_l("Fichier joint (facultatif)"))
    save = SubmitField(_l("Enregistrer le brouillon"))
    send = SubmitField(_l("Envoyer à mon tuteur"))

    def validate_attachment(self, field) -> None:
        """Accept only the listed kinds of file, under the size limit."""
        upload = field.data
        if not upload or not upload.filename:
            field.data = None
            return
        extension = PurePath(upload.filename).suffix.lower()
        if extension not in FILE_TYPES:
            raise ValidationError(_l("Type de fichier non accepté : joignez un PDF, une image, un texte ou un document bureautique (%(kinds)s).",
                                     kinds=", ".join(sorted(FILE_TYPES))))
        limit = current_app.config["ACTIVITY_FILE_MAX_BYTES"]
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ValidationError(_l("Fichier trop lourd : %(max)s au maximum.", max=size_text(limit)))
        if not data:
            raise ValidationError(_l("Le fichier joint est vide."))
        name = PurePath(upload.filename.replace("\\", "/")).name[:200]
        field.data = Attachment(name, FILE_TYPES[extension], data)


def size_text(size: int) -> str:
    """Say a size limit the way people read it: « 1 Mo », « 500 Ko »."""
    return _l("%(n)d Mo", n=size // 2**20) if size >= 2**20 else _l("%(n)d Ko", n=max(size // 2**10, 1))


DECISION_LABELS = {SubmissionStatus.VALIDATED: _l("Validée"), SubmissionStatus.REWORK: _l("À retravailler")}


class ReviewForm(FlaskForm):
    """The tutor's feedback and decision on an answer."""

    feedback = TextAreaField(_l("Votre retour à l'apprenant"), validators=[
        InputRequired(_l("Écrivez un retour pour l'apprenant.")), Length(max=ANSWER_MAX_CHARS, message=_l("%(max)d caractères au maximum."))
    ])
    decision = RadioField(
        _l("Décision"),
        choices=[SelectChoice(status.value, label) for status, label in DECISION_LABELS.items()],
        validators=[InputRequired(_l("Choisissez « validée » ou « à retravailler »."))],
    )
    submit = SubmitField(_l("Enregistrer la relecture"))
