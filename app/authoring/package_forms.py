"""Forms of the package pages: the zip to upload, and the confirmation that applies it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import SubmitField


class PackageUploadForm(FlaskForm):
    """A course package as a zip file (its size is bounded by ``MAX_CONTENT_LENGTH``: 413 beyond)."""

    file = FileField(
        _l("Paquet de cours (fichier .zip)"),
        validators=[FileRequired(_l("Choisissez un fichier.")), FileAllowed(["zip"], _l("Le fichier doit être une archive .zip."))],
    )
    submit = SubmitField(_l("Vérifier le paquet"))

    def read_upload(self) -> tuple[str, bytes]:
        """Return the uploaded file's name (without any folder a browser may send) and its bytes."""
        storage = self.file.data
        name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        return name, storage.read()


class ConfirmPackageForm(FlaskForm):
    """The author's go-ahead: apply the uploaded package to the published course."""

    submit = SubmitField(_l("Appliquer ces changements"))
