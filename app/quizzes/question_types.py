"""The registry of question types: how each is read from a quiz file, shown and graded.

A question's type names a class in :data:`QUESTION_TYPES`; quiz files, forms and grading all go
through that class, so adding a type means adding one class here.
"""

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from string import ascii_lowercase

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms import RadioField
from wtforms import SelectChoice
from wtforms import SelectMultipleField
from wtforms import widgets
from wtforms.validators import InputRequired

from app.contentfile import FieldReader


@dataclass(frozen=True)
class Choice:
    """One answer a learner can pick, with its feedback."""

    key: str
    text: str
    is_correct: bool
    feedback: str


class CheckboxesField(SelectMultipleField):
    """Several answers, shown as check boxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class QuestionType:
    """Base class: options stored as ``{"options": [{key, text, correct, feedback}, ...]}``."""

    name: str = ""
    label = _l("Question")
    #: Keys of a ``[[questions]]`` table specific to this type.
    keys: frozenset[str] = frozenset()
    #: The xAPI ``interactionType`` of the question's activity (exported statements).
    xapi_interaction_type = "other"
    #: How the authors' question editor maps its fields to this type's keys (``None``: edited in
    #: the file only). ``"options"``: up to ``max_options`` rows of text, correct box and feedback,
    #: written as ``options``; ``"answer"``: the right answer and one feedback per answer, written
    #: as ``answer``, ``feedback_true`` and ``feedback_false``.
    editor_layout: str | None = None
    #: Whether a quiz that shuffles options shows this type's options in a new order per attempt
    #: (Vrai/Faux keeps its order, as in Moodle).
    shuffles = False

    def parse(self, fields: FieldReader) -> dict:
        """Validate the type-specific part of a question table and return its stored data."""
        raise NotImplementedError

    def choices(self, data: dict, order: list[str] | None = None) -> list[Choice]:
        """Return the options in the order of their keys in ``order`` (``None``: the file's order)."""
        found = [Choice(o["key"], o["text"], o["correct"], o["feedback"]) for o in data["options"]]
        return in_order(found, order)

    def shown_order(self, data: dict, seed: str | None) -> list[str]:
        """Return the option keys in the order one attempt shows them.

        :param seed: the attempt's own value (``None``: no shuffling): the same seed always gives
            the same order, so a form sent again shows what the learner saw.
        """
        keys = [o["key"] for o in data["options"]]
        return shuffled(keys, seed) if seed is not None and self.shuffles else keys

    def correct_keys(self, data: dict) -> set[str]:
        """Return the keys of the right options."""
        return {c.key for c in self.choices(data) if c.is_correct}

    def grade(self, data: dict, response: list[str]) -> bool:
        """Tell whether ``response`` (the chosen keys) is right: all right options and no other."""
        return set(response) == self.correct_keys(data)

    def credit(self, data: dict, response: list[str], partial: bool = False) -> Fraction:
        """Return the share of the question's point that ``response`` earns, from 0 to 1.

        :param partial: the quiz gives partial credit (only types with :meth:`weights` use it).
        """
        return Fraction(1) if self.grade(data, response) else Fraction(0)

    def make_field(self, prompt: str, data: dict, order: list[str] | None = None) -> Field:
        """Return the unbound WTForms field that asks this question, its options in ``order``."""
        raise NotImplementedError

    def _select_choices(self, data: dict, order: list[str] | None) -> list[SelectChoice]:
        return [SelectChoice(c.key, c.text) for c in self.choices(data, order)]

    def response_from_field(self, value) -> list[str]:
        """Turn the field's data into a list of chosen keys."""
        if value is None or value == "":
            return []
        return sorted(value) if isinstance(value, list) else [value]


def in_order(choices: list[Choice], order: list[str] | None) -> list[Choice]:
    """Put ``choices`` in the order of the keys ``order``; keys it lacks keep their place, after."""
    if not order:
        return choices
    rank = {key: index for index, key in enumerate(order)}
    return sorted(choices, key=lambda c: rank.get(c.key, len(rank)))


def shuffled(keys: list[str], seed: str) -> list[str]:
    """Return ``keys`` in an order drawn from ``seed``: every order equally likely, the same seed the same order.

    Each key is ranked by a hash of the seed and the key (ids, not positions, so grading never
    depends on where an option was shown).
    """
    return sorted(keys, key=lambda key: hashlib.sha256(f"{seed}\x00{key}".encode()).digest())


class _OptionsType(QuestionType):
    keys = frozenset({"options"})
    xapi_interaction_type = "choice"
    editor_layout = "options"
    shuffles = True
    min_options = 2
    max_options = 6

    def parse(self, fields: FieldReader) -> dict:
        raw = fields.data.get("options")
        if not isinstance(raw, list) or not raw:
            fields.error(None, _("options manquantes : ajoutez des tables [[questions.options]]"))
            return {"options": []}
        options = [self._parse_option(fields, i, item) for i, item in enumerate(raw)]
        if not self.min_options <= len(options) <= self.max_options:
            fields.error(
                "options",
                _("une question %(type)s doit avoir entre %(min)d et %(max)d options", type=self.name, min=self.min_options, max=self.max_options),
            )
        self.check_correct_count(fields, sum(o["correct"] for o in options))
        return {"options": options}

    def _parse_option(self, fields: FieldReader, index: int, item) -> dict:
        if not isinstance(item, dict):
            fields.error("options", _("chaque option doit être une table [[questions.options]]"))
            return {"key": ascii_lowercase[index], "text": "", "correct": False, "feedback": ""}
        unknown = set(item) - {"text", "correct", "feedback"}
        if unknown:
            fields.error(None, _("option %(n)d : champ inconnu %(keys)s", n=index + 1, keys=", ".join(sorted(unknown))))
        text, feedback, correct = item.get("text"), item.get("feedback"), item.get("correct", False)
        if not isinstance(text, str) or not text.strip():
            fields.error(None, _("option %(n)d : text manquant ou vide", n=index + 1))
        if not isinstance(feedback, str) or not feedback.strip():
            fields.error(None, _("option %(n)d : feedback manquant (chaque option a son retour)", n=index + 1))
        if not isinstance(correct, bool):
            fields.error(None, _("option %(n)d : correct doit être true ou false", n=index + 1))
        return {"key": ascii_lowercase[index], "text": text or "", "correct": correct is True, "feedback": feedback or ""}

    def check_correct_count(self, fields: FieldReader, count: int) -> None:
        raise NotImplementedError


class SingleChoice(_OptionsType):
    """One right answer among several."""

    name = "single_choice"
    label = _l("Une seule réponse")
    min_options = 2

    def check_correct_count(self, fields: FieldReader, count: int) -> None:
        if count != 1:
            fields.error(
                "options" if count else None,
                _("une question single_choice doit avoir exactement une option correcte (trouvé : %(count)d)", count=count),
            )

    def make_field(self, prompt: str, data: dict, order: list[str] | None = None) -> Field:
        return RadioField(prompt, choices=self._select_choices(data, order), validators=[InputRequired(_l("Choisissez une réponse."))])


class MultipleChoice(_OptionsType):
    """Several right answers; the learner must tick all of them and no other."""

    name = "multiple_choice"
    label = _l("Plusieurs réponses possibles")
    min_options = 3

    def check_correct_count(self, fields: FieldReader, count: int) -> None:
        if count == 0:
            fields.error(None, _("une question multiple_choice doit avoir au moins une option correcte"))

    def make_field(self, prompt: str, data: dict, order: list[str] | None = None) -> Field:
        return CheckboxesField(prompt, choices=self._select_choices(data, order), validators=[InputRequired(_l("Cochez au moins une réponse."))])

    def weights(self, data: dict) -> dict[str, Fraction]:
        """Moodle's partial-credit weights: the right options share +100 %, the wrong ones -100 %.

        So ticking every box earns nothing, and each right box is worth what each wrong one costs
        when there are as many of each.
        """
        options = data["options"]
        right = sum(o["correct"] for o in options)
        wrong = len(options) - right
        return {o["key"]: Fraction(1, right) if o["correct"] else Fraction(-1, wrong) for o in options}

    def credit(self, data: dict, response: list[str], partial: bool = False) -> Fraction:
        """With partial credit, the weights of the chosen options added up, floored at 0 (as Moodle does)."""
        if not partial:
            return super().credit(data, response)
        weights = self.weights(data)
        return min(Fraction(1), max(Fraction(0), sum((weights[key] for key in set(response) if key in weights), Fraction(0))))


class TrueFalse(QuestionType):
    """A statement the learner marks true or false."""

    name = "true_false"
    label = _l("Vrai ou faux")
    keys = frozenset({"answer", "feedback_true", "feedback_false"})
    xapi_interaction_type = "true-false"
    editor_layout = "answer"

    def parse(self, fields: FieldReader) -> dict:
        if "answer" not in fields.data:
            fields.error(None, _("champ obligatoire manquant : answer (la bonne réponse, true ou false)"))
        answer = fields.boolean("answer")
        feedback = {value: fields.text(f"feedback_{value}") or "" for value in ("true", "false")}
        return {
            "options": [
                {"key": "true", "text": "", "correct": answer is True, "feedback": feedback["true"]},
                {"key": "false", "text": "", "correct": answer is False, "feedback": feedback["false"]},
            ]
        }

    def choices(self, data: dict, order: list[str] | None = None) -> list[Choice]:
        labels = {"true": str(_l("Vrai")), "false": str(_l("Faux"))}
        return in_order([Choice(o["key"], labels[o["key"]], o["correct"], o["feedback"]) for o in data["options"]], order)

    def make_field(self, prompt: str, data: dict, order: list[str] | None = None) -> Field:
        return RadioField(prompt, choices=self._select_choices(data, order), validators=[InputRequired(_l("Choisissez Vrai ou Faux."))])


QUESTION_TYPES: dict[str, QuestionType] = {cls.name: cls() for cls in (SingleChoice, MultipleChoice, TrueFalse)}


def get_question_type(name: str) -> QuestionType:
    """Return the registered type called ``name``; raise ``KeyError`` if there is none."""
    return QUESTION_TYPES[name]
