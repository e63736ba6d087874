"""The quiz form, built from the quiz's questions through the type registry."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from app.quizzes.models import Question
from app.quizzes.question_types import get_question_type


class QuizFormBase(FlaskForm):
    """Fields shared by every quiz form; question fields are added per quiz."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])  # the attempt's column holds 64 characters


def field_name(question: Question) -> str:
    """Return the form field name of ``question``."""
    return f"q{question.id}"


def make_quiz_form(questions: list[Question], orders: dict[int, list[str]] | None = None, **kwargs) -> QuizFormBase:
    """Build and instantiate a form asking ``questions`` in order.

    :param orders: option keys by question id, in the order the attempt shows them (``None``: the file's).
    """
    orders = orders or {}
    attrs = {field_name(q): get_question_type(q.type).make_field(q.prompt, q.data, orders.get(q.id)) for q in questions}
    form_class = type("QuizForm", (QuizFormBase,), attrs)
    return form_class(**kwargs)


def responses_from_form(form: QuizFormBase, questions: list[Question]) -> dict[int, list[str]]:
    """Return the chosen option keys by question id."""
    return {
        q.id: get_question_type(q.type).response_from_field(form[field_name(q)].data) for q in questions
    }
