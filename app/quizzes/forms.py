"""The quiz form, built from the quiz's questions through the type registry."""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from app.page_cache import PageCache
from app.quizzes.models import Question
from app.quizzes.question_types import get_question_type


class QuizFormBase(FlaskForm):
    """Fields shared by every quiz form; question fields are added per quiz."""

    token = HiddenField(validators=[DataRequired(), Length(max=64)])  # the attempt's column holds 64 characters


def field_name(question: Question) -> str:
    """Return the form field name of ``question``."""
    return f"q{question.id}"


def _form_class(questions, orders: dict[int, list[str]]) -> type[QuizFormBase]:
    attrs = {field_name(q): get_question_type(q.type).make_field(q.prompt, q.data, orders.get(q.id)) for q in questions}
    return type("QuizForm", (QuizFormBase,), attrs)


def order_key(orders: dict[int, list[str]]) -> tuple:
    """Return ``orders`` (option keys by question id) as a key for the caches below."""
    return tuple((question_id, tuple(keys)) for question_id, keys in sorted(orders.items()))


def quiz_form(quiz, orders: dict[int, list[str]], **kwargs) -> QuizFormBase:
    """Instantiate the form of a published quiz shown in ``orders``; its class is built once per
    revision and order, not on every request (a class per request is most of a form's cost)."""
    cache = current_app.extensions.setdefault("quiz_form_classes", PageCache(max_entries=512))
    key = (quiz.id, quiz.revision, order_key(orders))
    form_class = cache.get(key)
    if form_class is None:
        form_class = _form_class(quiz.questions, orders)
        cache.put(key, form_class)
    return form_class(**kwargs)


def responses_from_form(form: QuizFormBase, questions: list[Question]) -> dict[int, list[str]]:
    """Return the chosen option keys by question id."""
    return {
        q.id: get_question_type(q.type).response_from_field(form[field_name(q)].data) for q in questions
    }
