"""What a quiz file's question tables must hold, type by type: each mistake named with its line."""

import pytest

from app.quizzes.loader import parse_quiz
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.question_types import in_order

HEAD = """\
version = 1
module = "bases"
title = "Q"
pass_mark = 70
estimated_minutes = 5

[[questions]]
id = "q"
type = "{type}"
prompt = "Combien ?"
explanation = "Parce que."
reading = "premiere"
"""
QUESTION_LINE = 7
#: The line of ``options = [...]`` or ``answer = ...``, right after the common keys.
TYPE_LINE = 13


def _option(text="o", correct=False, feedback="f", **extra) -> str:
    fields = {"text": text, "correct": correct, "feedback": feedback, **extra}
    return "{" + ", ".join(f"{key} = {_toml(value)}" for key, value in fields.items() if value is not None) + "}"


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def _quiz(type_name: str, body: str):
    return parse_quiz(HEAD.format(type=type_name) + body, "quizzes/bases.toml", "bases.toml")


def _options_quiz(type_name: str, options: list[str]):
    return _quiz(type_name, f"options = [{', '.join(options)}]\n")


def _errors(result) -> list[tuple[int | None, str]]:
    spec, errors = result
    assert spec is None and errors
    return [(e.line, e.message) for e in errors]


def _data(result) -> dict:
    spec, errors = result
    assert errors == [] and spec is not None
    return spec.questions[0].data


def _choices(right: int, total: int) -> list[str]:
    return [_option(f"o{i}", correct=i < right) for i in range(total)]


def test_options_are_stored_with_keys_in_file_order():
    data = _data(_options_quiz("single_choice", [_option("Oui", feedback="Bien"), _option("Non", correct=True, feedback="Non plus")]))
    assert data == {"options": [
        {"key": "a", "text": "Oui", "correct": False, "feedback": "Bien"},
        {"key": "b", "text": "Non", "correct": True, "feedback": "Non plus"},
    ]}


@pytest.mark.parametrize("options", ["", 'options = "a, b"\n', "options = []\n"])
def test_a_choice_question_without_a_list_of_options_is_refused(options):
    assert _errors(_quiz("single_choice", options)) == [
        (QUESTION_LINE, "options manquantes : ajoutez des tables [[questions.options]]"),
    ]


@pytest.mark.parametrize(("type_name", "right"), [("single_choice", 1), ("multiple_choice", 2)])
def test_option_counts_are_accepted_exactly_within_the_type_bounds(type_name, right):
    question_type = QUESTION_TYPES[type_name]
    low, high = question_type.min_options, question_type.max_options
    for total in (low, high):
        assert len(_data(_options_quiz(type_name, _choices(right, total)))["options"]) == total
    message = f"une question {type_name} doit avoir entre {low} et {high} options"
    for total in (low - 1, high + 1):
        assert (TYPE_LINE, message) in _errors(_options_quiz(type_name, _choices(min(right, total), total)))


def test_an_option_that_is_not_a_table_is_refused_at_the_options_line():
    assert _errors(_options_quiz("single_choice", ['"a"', _option(correct=True)])) == [
        (TYPE_LINE, "chaque option doit être une table [[questions.options]]"),
    ]


def test_an_unknown_key_in_an_option_is_named():
    errors = _errors(_options_quiz("single_choice", [_option(correct=True), _option(weight=50, note="x")]))
    assert errors == [(QUESTION_LINE, "option 2 : champ inconnu note, weight")]


@pytest.mark.parametrize(("text", "feedback", "message"), [
    ("  ", "f", "option 2 : text manquant ou vide"),
    (None, "f", "option 2 : text manquant ou vide"),
    ("o", " ", "option 2 : feedback manquant (chaque option a son retour)"),
    ("o", None, "option 2 : feedback manquant (chaque option a son retour)"),
])
def test_every_option_needs_a_text_and_a_feedback(text, feedback, message):
    errors = _errors(_options_quiz("single_choice", [_option(correct=True), _option(text, feedback=feedback)]))
    assert errors == [(QUESTION_LINE, message)]


def test_correct_must_be_a_boolean_and_defaults_to_false():
    errors = _errors(_options_quiz("single_choice", [_option(correct=True), _option(correct="oui")]))
    assert errors == [(QUESTION_LINE, "option 2 : correct doit être true ou false")]
    data = _data(_options_quiz("single_choice", [_option(correct=True), _option(correct=None)]))
    assert [o["correct"] for o in data["options"]] == [True, False]


def test_a_single_choice_question_needs_exactly_one_right_option():
    assert _errors(_options_quiz("single_choice", _choices(0, 3))) == [
        (QUESTION_LINE, "une question single_choice doit avoir exactement une option correcte (trouvé : 0)"),
    ]
    assert _errors(_options_quiz("single_choice", _choices(2, 3))) == [
        (TYPE_LINE, "une question single_choice doit avoir exactement une option correcte (trouvé : 2)"),
    ]


def test_a_multiple_choice_question_needs_a_right_option_and_may_have_all():
    assert _errors(_options_quiz("multiple_choice", _choices(0, 3))) == [
        (QUESTION_LINE, "une question multiple_choice doit avoir au moins une option correcte"),
    ]
    assert [o["correct"] for o in _data(_options_quiz("multiple_choice", _choices(3, 3)))["options"]] == [True] * 3


@pytest.mark.parametrize("answer", [True, False])
def test_a_true_false_question_stores_its_answer_and_both_feedbacks(answer):
    body = f'answer = {_toml(answer)}\nfeedback_true = "Si vrai"\nfeedback_false = "Si faux"\n'
    assert _data(_quiz("true_false", body)) == {"options": [
        {"key": "true", "text": "", "correct": answer, "feedback": "Si vrai"},
        {"key": "false", "text": "", "correct": not answer, "feedback": "Si faux"},
    ]}


def test_a_true_false_question_needs_a_boolean_answer_and_both_feedbacks():
    assert _errors(_quiz("true_false", 'feedback_true = "a"\nfeedback_false = "b"\n')) == [
        (QUESTION_LINE, "champ obligatoire manquant : answer (la bonne réponse, true ou false)"),
    ]
    assert _errors(_quiz("true_false", 'answer = "vrai"\nfeedback_true = "a"\nfeedback_false = "b"\n')) == [
        (TYPE_LINE, "answer doit être true ou false"),
    ]
    assert _errors(_quiz("true_false", 'answer = true\nfeedback_true = "a"\n')) == [
        (QUESTION_LINE, "champ obligatoire manquant : feedback_false"),
    ]


def test_options_belong_to_choice_questions_only():
    errors = _errors(_quiz("true_false", f"answer = true\nfeedback_true = \"a\"\nfeedback_false = \"b\"\noptions = [{_option()}]\n"))
    assert [message for _, message in errors] == [
        "champ inconnu : options (champs admis : answer, explanation, feedback_false, feedback_true, id, prompt, reading, type)",
    ]


@pytest.mark.parametrize(("value", "keys"), [
    (None, []), ("", []), ("b", ["b"]), (["c", "a"], ["a", "c"]), ([], []),
])
def test_a_field_value_becomes_the_sorted_list_of_chosen_keys(value, keys):
    for question_type in QUESTION_TYPES.values():
        assert question_type.response_from_field(value) == keys


def test_choices_follow_the_order_given_and_unknown_keys_keep_their_place_after():
    choices = QUESTION_TYPES["single_choice"].choices(_data(_options_quiz("single_choice", _choices(1, 4))))
    keys = lambda order: [c.key for c in in_order(choices, order)]  # noqa: E731
    assert keys(None) == keys([]) == ["a", "b", "c", "d"]
    assert keys(["c", "a"]) == ["c", "a", "b", "d"]
    assert keys(["d", "c", "b", "a"]) == ["d", "c", "b", "a"]


def test_only_a_seeded_attempt_of_a_shuffling_type_changes_the_order():
    options = {"options": [{"key": k} for k in "abcdef"]}
    single, true_false = QUESTION_TYPES["single_choice"], QUESTION_TYPES["true_false"]
    assert single.shown_order(options, None) == list("abcdef")
    assert any(single.shown_order(options, str(seed)) != list("abcdef") for seed in range(5))
    assert true_false.shown_order({"options": [{"key": "true"}, {"key": "false"}]}, "seed") == ["true", "false"]


def test_without_partial_credit_a_multiple_choice_answer_earns_all_or_nothing():
    data = _data(_options_quiz("multiple_choice", _choices(2, 4)))
    multiple = QUESTION_TYPES["multiple_choice"]
    assert multiple.credit(data, ["a"]) == 0
    assert multiple.credit(data, ["a", "b"]) == 1
    assert multiple.credit(data, ["a"], partial=True) == pytest.approx(0.5)


TRUE_FALSE_BODY = 'answer = false\nfeedback_true = "Non, c\'est faux."\nfeedback_false = "Oui, c\'est faux."\n'


def test_true_false_options_are_vrai_then_faux_with_their_feedback_in_any_order_asked():
    true_false = QUESTION_TYPES["true_false"]
    data = _data(_quiz("true_false", TRUE_FALSE_BODY))
    shown = [(c.key, c.text, c.is_correct, c.feedback) for c in true_false.choices(data)]
    assert shown == [("true", "Vrai", False, "Non, c'est faux."), ("false", "Faux", True, "Oui, c'est faux.")]
    assert [c.key for c in true_false.choices(data, ["false", "true"])] == ["false", "true"]


def _asked(app, type_name: str, body: str, order: list[str] | None, formdata: dict):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    data = _data(_quiz(type_name, body))

    class Asked(Form):
        answer = QUESTION_TYPES[type_name].make_field("Que répondez-vous ?", data, order)

    with app.test_request_context():
        form = Asked(MultiDict(formdata))
        return form, form.validate()


@pytest.mark.parametrize(("type_name", "body", "order", "message"), [
    ("single_choice", f"options = [{_option('A')}, {_option('B', correct=True)}, {_option('C')}]\n", ["c", "a", "b"], "Choisissez une réponse."),
    ("multiple_choice", f"options = [{_option('A', correct=True)}, {_option('B')}, {_option('C', correct=True)}]\n", ["b", "c", "a"], "Cochez au moins une réponse."),
    ("true_false", TRUE_FALSE_BODY, ["false", "true"], "Choisissez Vrai ou Faux."),
])
def test_a_question_field_asks_the_prompt_in_the_order_given_and_requires_an_answer(app, type_name, body, order, message):
    form, valid = _asked(app, type_name, body, order, {})
    assert not valid and form.answer.errors == [message]
    assert form.answer.label.text == "Que répondez-vous ?"
    assert [choice.data for choice in form.answer] == order
    form, valid = _asked(app, type_name, body, order, {"answer": order[0]})
    assert valid and QUESTION_TYPES[type_name].response_from_field(form.answer.data) == [order[0]]
