"""Authoring forms: the module and reading editors, new items, moves and archiving."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from app.markdown import markdown_problem


def renderable(form, field) -> None:
    """Refuse Markdown that is too long or too costly to render, with the renderer's reason."""
    problem = markdown_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Minuscules, chiffres et tirets seulement (ex. nouvelle-lecture)."))


class _EditorForm(FlaskForm):
    """What every editor carries: the versions it started from, and its four actions."""

    version = HiddenField(validators=[InputRequired()])
    base = HiddenField(validators=[InputRequired()])
    preview = SubmitField(_l("Prévisualiser"))
    save = SubmitField(_l("Enregistrer le brouillon"))
    publish = SubmitField(_l("Publier"))
    discard = SubmitField(_l("Abandonner le brouillon"))

    def versions(self) -> tuple[int, int]:
        """Return the draft version and published revision the editor started from."""
        try:
            return int(self.version.data), int(self.base.data)
        except (TypeError, ValueError):
            return -1, -1


class ModuleForm(_EditorForm):
    """A module's file: title, summary, objectives, estimated minutes."""

    title = StringField(_l("Titre"), validators=[DataRequired(_l("Indiquez un titre.")), Length(max=200)])
    summary = TextAreaField(_l("Résumé (affiché sur la carte du cours)"), validators=[DataRequired(_l("Écrivez un résumé.")), Length(max=1000)])
    objectives = TextAreaField(
        _l("Objectifs d'apprentissage (un par ligne, 1 à 8)"), validators=[DataRequired(_l("Indiquez au moins un objectif.")), Length(max=4000)]
    )
    estimated_minutes = IntegerField(
        _l("Durée estimée du module (minutes)"), validators=[InputRequired(_l("Indiquez un nombre.")), NumberRange(1, 6000, _l("Entre 1 et 6000."))]
    )


class ReadingForm(_EditorForm):
    """A reading's file: its front-matter fields and its Markdown text."""

    title = StringField(_l("Titre"), validators=[DataRequired(_l("Indiquez un titre.")), Length(max=200)])
    estimated_minutes = IntegerField(
        _l("Durée de lecture estimée (minutes)"), validators=[InputRequired(_l("Indiquez un nombre.")), NumberRange(1, 240, _l("Entre 1 et 240."))]
    )
    source_first = IntegerField(_l("Première ligne du recueil utilisée"), validators=[InputRequired(_l("Indiquez un numéro de ligne.")), NumberRange(1)])
    source_last = IntegerField(_l("Dernière ligne du recueil utilisée"), validators=[InputRequired(_l("Indiquez un numéro de ligne.")), NumberRange(1)])
    interviewee = StringField(_l("Personne interrogée (facultatif)"), validators=[Optional(), Length(max=120)])
    role = StringField(_l("Fonction (facultatif)"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation (facultatif)"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(_l("Texte (Markdown)"), validators=[DataRequired(_l("Écrivez le texte de la lecture.")), Length(max=100_000), renderable])


class ActivityForm(_EditorForm):
    """An activity's file: its fields, its brief in Markdown and what the tutor looks for."""

    title = StringField(_l("Titre"), validators=[DataRequired(_l("Indiquez un titre.")), Length(max=200)])
    estimated_minutes = IntegerField(
        _l("Durée estimée (minutes)"), validators=[InputRequired(_l("Indiquez un nombre.")), NumberRange(5, 240, _l("Entre 5 et 240."))]
    )
    source_first = IntegerField(_l("Première ligne du recueil utilisée"), validators=[InputRequired(_l("Indiquez un numéro de ligne.")), NumberRange(1)])
    source_last = IntegerField(_l("Dernière ligne du recueil utilisée"), validators=[InputRequired(_l("Indiquez un numéro de ligne.")), NumberRange(1)])
    accepts_file = BooleanField(_l("L'apprenant peut joindre un fichier"))
    brief = TextAreaField(_l("Consigne (Markdown)"), validators=[DataRequired(_l("Écrivez la consigne.")), Length(max=100_000), renderable])
    criteria = TextAreaField(
        _l("Ce que le tuteur regarde (un critère par ligne, 2 à 6)"), validators=[DataRequired(_l("Indiquez au moins deux critères.")), Length(max=4000)]
    )


class NewItemForm(FlaskForm):
    """A new module or reading: its identifier (for ever) and its title."""

    slug = StringField(_l("Identifiant"), validators=[DataRequired(_l("Indiquez un identifiant.")), Length(max=60), SLUG])
    title = StringField(_l("Titre"), validators=[DataRequired(_l("Indiquez un titre.")), Length(max=200)])
    submit = SubmitField(_l("Créer le module"))


class MoveForm(FlaskForm):
    """Move an item one place up or down."""

    direction = SelectField(choices=[SelectChoice("up", _l("Monter")), SelectChoice("down", _l("Descendre"))], validators=[InputRequired()])


class ArchiveForm(FlaskForm):
    """Archive an item (hidden from learners, progress kept) or bring it back."""

    archived = SelectField(choices=[SelectChoice("1", _l("Archiver")), SelectChoice("0", _l("Rétablir"))], validators=[InputRequired()])


class RestoreForm(FlaskForm):
    """Publish an old revision again."""

    submit = SubmitField(_l("Restaurer cette révision"))


class PreviewForm(FlaskForm):
    """The live preview's request: Markdown in, sanitised HTML out."""

    body = TextAreaField(validators=[Length(max=100_000)])
