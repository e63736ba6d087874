"""Quiz editor forms: the quiz's settings, its questions (one form per editor layout), moves, creation.

A question type names its editor layout (:attr:`app.quizzes.question_types.QuestionType.editor_layout`);
:data:`QUESTION_FORMS` gives the form of each layout. Each question form fills itself from a
``[[questions]]`` table and writes the table back, so the type's own parser checks the result.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange

from app.quizzes.question_types import QuestionType

#: Option rows of the choice editor: the format's most options for a question.
OPTION_ROWS = 6


def clean_text(value: str | None) -> str:
    """Trim a text field and give it Unix line ends (the package's files have them)."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


@dataclass(frozen=True)
class Problem:
    """One error of a form, for the summary at the top of its page: where it is, and what is wrong."""

    anchor: str
    label: str
    message: str


class _LockedForm(FlaskForm):
    """A change to the quiz's draft, naming the draft version and published revision it started from."""

    version = HiddenField(validators=[InputRequired()])
    base = HiddenField(validators=[InputRequired()])

    #: Where the form's own errors (not a field's) are shown, and their name in the error summary.
    form_anchor = ""
    form_label = _l("Le formulaire")

    def versions(self) -> tuple[int, int]:
        """Return the draft version and published revision the page started from (-1 if garbled)."""
        try:
            return int(self.version.data), int(self.base.data)
        except (TypeError, ValueError):
            return -1, -1

    def problems(self) -> list[Problem]:
        """Return every error of the form, in the page's order, for the error summary."""
        found = [Problem(self.form_anchor, str(self.form_label), message) for message in self.form_errors]
        for field in self:
            if isinstance(field, FieldList):
                found += [Problem(sub.id, f"{_l('Option')} {number} : {sub.label.text}", message)
                          for number, entry in enumerate(field, start=1) for sub in entry.form for message in sub.errors]
            elif isinstance(field, HiddenField):  # the CSRF token and the lock
                found += [Problem("", str(_l("Formulaire")), str(_l("Le formulaire a expiré ou est incomplet : rouvrez la page et recommencez.")))
                          for _message in field.errors[:1]]
            else:
                found += [Problem(field.id, field.label.text, message) for message in field.errors]
        return found


class QuizSettingsForm(_LockedForm):
    """The quiz's own fields, and the draft's actions."""

    title = StringField(_l("Titre du quiz"), validators=[DataRequired(_l("Indiquez un titre.")), Length(max=200)])
    pass_mark = IntegerField(
        _l("Seuil de réussite (pourcentage de bonnes réponses)"),
        validators=[InputRequired(_l("Indiquez un pourcentage.")), NumberRange(1, 100, _l("Entre 1 et 100."))],
    )
    estimated_minutes = IntegerField(
        _l("Durée estimée (minutes)"), validators=[InputRequired(_l("Indiquez un nombre.")), NumberRange(1, 240, _l("Entre 1 et 240."))]
    )
    # Named as the quiz file's keys (see ``app.quizzes.loader.SETTING_DEFAULTS``).
    shuffle_options = BooleanField(_l("Mélanger les options des questions à choix à chaque tentative"))
    partial_credit = BooleanField(_l("Crédit partiel pour les questions à plusieurs réponses"))
    save = SubmitField(_l("Enregistrer le brouillon"))
    publish = SubmitField(_l("Publier"))
    discard = SubmitField(_l("Abandonner le brouillon"))

    form_anchor = "questions"
    form_label = _l("Questions")


class QuestionChangeForm(_LockedForm):
    """Move a question one place up or down, or take it out of the quiz."""

    action = SelectField(
        choices=[SelectChoice("up", _l("Monter")), SelectChoice("down", _l("Descendre")), SelectChoice("remove", _l("Retirer"))],
        validators=[InputRequired()],
    )


class CreateQuizForm(FlaskForm):
    """Give a module its quiz (unpublished until its first publication)."""

    submit = SubmitField(_l("Créer le quiz"))


class QuestionForm(_LockedForm):
    """What every question has: its prompt, its explanation and the reading that answers it."""

    prompt = TextAreaField(_l("Question posée"), validators=[DataRequired(_l("Écrivez la question.")), Length(max=1000)])
    explanation = TextAreaField(
        _l("Explication (montrée après la réponse)"),
        validators=[DataRequired(_l("Expliquez pourquoi la bonne réponse est la bonne.")), Length(max=2000)],
    )
    reading = SelectField(
        _l("Lecture qui répond à la question"),
        validators=[DataRequired(_l("Choisissez la lecture qui répond à la question."))],
        invalid_choice_message=_l("Choisissez une lecture de la liste."),
    )
    save = SubmitField(_l("Enregistrer dans le brouillon"))

    #: File key of the question table -> name of the field that edits it (where its errors go).
    key_fields = {"prompt": "prompt", "explanation": "explanation", "reading": "reading"}
    #: Field that takes the errors about the question as a whole (counts of options and so on).
    header_field: str | None = None
    form_anchor = "prompt"
    form_label = _l("La question")

    def fill(self, table: dict) -> None:
        """Set the fields from a ``[[questions]]`` table."""
        self.prompt.data, self.explanation.data, self.reading.data = table.get("prompt"), table.get("explanation"), table.get("reading")
        self.fill_type(table)

    def fill_type(self, table: dict) -> None:
        """Set the type-specific fields from the table."""
        raise NotImplementedError

    def table(self, key: str, type_name: str) -> dict:
        """Return the ``[[questions]]`` table the form describes."""
        common = {"id": key, "type": type_name, "prompt": clean_text(self.prompt.data), "explanation": clean_text(self.explanation.data),
                  "reading": self.reading.data}
        return {**common, **self.type_keys()}

    def type_keys(self) -> dict:
        """Return the type-specific keys of the table."""
        raise NotImplementedError

    def add_problem(self, key: str | None, message: str) -> None:
        """Show ``message`` (found by the quiz's parser on ``key``) next to the field that edits that key."""
        name = self.key_fields.get(key) if key is not None else self.header_field
        field = self[name] if name else None
        if field is None or isinstance(field, FieldList):
            self.form_errors.append(message)
        else:
            field.errors.append(message)

class OptionRowForm(Form):
    """One option of a choice question; a row left empty is ignored."""

    text = StringField(_l("Texte de l'option"), validators=[Length(max=500, message=_l("500 caractères au plus."))])
    correct = BooleanField(_l("Bonne réponse"))
    feedback = TextAreaField(_l("Retour montré à qui choisit cette option"), validators=[Length(max=1000, message=_l("1000 caractères au plus."))])

    @property
    def is_empty(self) -> bool:
        """Nothing was written or ticked in the row."""
        return not clean_text(self.text.data) and not clean_text(self.feedback.data) and not self.correct.data

    def validate(self, extra_validators=None) -> bool:
        """Check that a row used is complete: every option has its text and its feedback."""
        valid = super().validate(extra_validators)
        if self.is_empty:
            return valid
        if not clean_text(self.text.data):
            self.text.errors.append(str(_l("Écrivez le texte de cette option, ou videz toute la ligne.")))
        if not clean_text(self.feedback.data):
            self.feedback.errors.append(str(_l("Écrivez le retour de cette option : chaque option a le sien.")))
        return valid and not self.text.errors and not self.feedback.errors


class OptionsQuestionForm(QuestionForm):
    """A choice question: up to six rows of text, correct box and feedback."""

    options = FieldList(FormField(OptionRowForm, label=_l("Option")), max_entries=OPTION_ROWS)

    key_fields = {**QuestionForm.key_fields, "options": "options"}
    header_field = "options"
    form_anchor = "options"
    form_label = _l("Options")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Pad to six rows without the request's data: FieldList's own padding (min_entries) reads it
        # again under the new names, doubling a row when the rows sent skip a number.
        while len(self.options) < OPTION_ROWS:
            self.options.append_entry()

    def fill_type(self, table: dict) -> None:
        """Put each option of the table in a row, in order."""
        for row, option in zip(self.options, table.get("options", []), strict=False):
            row.form.text.data, row.form.correct.data, row.form.feedback.data = option.get("text"), option.get("correct", False), option.get("feedback")

    def type_keys(self) -> dict:
        """Write the rows used as options (``correct`` only when true: false is the default)."""
        options = []
        for row in self.options:
            if row.form.is_empty:
                continue
            option = {"text": clean_text(row.form.text.data)}
            if row.form.correct.data:
                option["correct"] = True
            options.append({**option, "feedback": clean_text(row.form.feedback.data)})
        return {"options": options}

    def validate(self, extra_validators=None) -> bool:
        """Check the fields and rows; a question needs options (how many, and how many right, is its type's rule)."""
        valid = super().validate(extra_validators)
        if all(row.form.is_empty for row in self.options):
            self.form_errors.append(str(_l("Écrivez les options de la question (les lignes laissées vides sont ignorées).")))
            return False
        return valid



class AnswerQuestionForm(QuestionForm):
    """A true-or-false statement: the right answer and one feedback per answer."""

    answer = RadioField(
        _l("La bonne réponse"),
        choices=[SelectChoice("true", _l("Vrai")), SelectChoice("false", _l("Faux"))],
        invalid_choice_message=_l("Indiquez si l'énoncé est vrai ou faux."),
    )
    feedback_true = TextAreaField(
        _l("Retour montré à qui répond Vrai"), validators=[DataRequired(_l("Écrivez le retour montré à qui répond Vrai.")), Length(max=1000)]
    )
    feedback_false = TextAreaField(
        _l("Retour montré à qui répond Faux"), validators=[DataRequired(_l("Écrivez le retour montré à qui répond Faux.")), Length(max=1000)]
    )

    key_fields = {**QuestionForm.key_fields, "answer": "answer", "feedback_true": "feedback_true", "feedback_false": "feedback_false"}
    header_field = "answer"

    def fill_type(self, table: dict) -> None:
        """Set the right answer and the two feedbacks."""
        self.answer.data = {True: "true", False: "false"}.get(table.get("answer"))
        self.feedback_true.data, self.feedback_false.data = table.get("feedback_true"), table.get("feedback_false")

    def type_keys(self) -> dict:
        """Write ``answer`` as a TOML boolean and the two feedbacks."""
        return {"answer": self.answer.data == "true", "feedback_true": clean_text(self.feedback_true.data),
                "feedback_false": clean_text(self.feedback_false.data)}


#: The question form of each editor layout.
QUESTION_FORMS: dict[str, type[QuestionForm]] = {"options": OptionsQuestionForm, "answer": AnswerQuestionForm}


def is_editable(question_type: QuestionType) -> bool:
    """Tell whether the browser editor has a form for this question type."""
    return question_type.editor_layout in QUESTION_FORMS


def question_form(question_type: QuestionType, readings: list[SelectChoice]) -> QuestionForm:
    """Build the form of a question of ``question_type`` offering ``readings``."""
    form = QUESTION_FORMS[question_type.editor_layout]()
    form.reading.choices = readings
    return form
