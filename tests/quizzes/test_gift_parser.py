"""Reading GIFT (Moodle's quiz format): every construct, every problem with its line."""

import random

import pytest
import tomli_w

from app.quizzes.gift import DEFAULT_EXPLANATION
from app.quizzes.gift import DEFAULT_RIGHT_FEEDBACK
from app.quizzes.gift import DEFAULT_WRONG_FEEDBACK
from app.quizzes.gift import GiftProblem
from app.quizzes.gift import parse_gift
from app.quizzes.gift import slugify
from app.quizzes.gift import to_question_tables
from app.quizzes.loader import parse_quiz

HAND_WRITTEN = """\
// Quiz written by hand, the way Moodle's documentation shows it.
$CATEGORY: top/Module 1/Idées clés

// a comment before the title
::M1-Q1::[markdown]What does **GIFT** stand for\\? Braces \\{ \\}, colon\\: equals \\= tilde \\~ hash \\#.{
=General Import Format Template#Yes\\: *that* one.
// a comment between answers
~Great Interactive Format Tool#No – it is an *import* format
~Good Ideas For Teachers
####GIFT is Moodle's plain-text format.\\nSecond line.}

::Vrai::L'espacement aide à retenir.{TRUE#Relisez la lecture sur l'espacement.#Exact.}

::Faux::La Terre est plate.{F#Non : elle est ronde.#Bien vu.####Elle est ronde.}

Sans titre, deux mots {T}

::Plusieurs::Quelles réponses sont justes ?{
~%50%Deux#Oui, deux.
~%50%Quatre
~%-100%Cinq#Non.
~Six
}

$CATEGORY: top/Module 2

::Trou::Grant est {~enterré =inhumé ~vivant} dans sa tombe.

::Html::[html]<p>Un <b>texte</b> &amp; des balises</p>{=Oui ~Non}

Première ligne
deuxième ligne{
  =A   #  retour A
  ~B
}

::Barre::Un antislash \\\\ reste, \\\\n aussi.{=x ~y}
"""


@pytest.fixture
def result():
    return parse_gift(HAND_WRITTEN)


def _by_title(result):
    return {q.title: q for q in result.questions}


def test_hand_written_gift_reads_without_problems(result):
    assert result.problems == []
    assert [q.title for q in result.questions] == ["M1-Q1", "Vrai", "Faux", "", "Plusieurs", "Trou", "Html", "", "Barre"]


def test_title_markdown_escapes_feedback_and_general_feedback(result):
    q = _by_title(result)["M1-Q1"]
    assert q.type == "single_choice" and q.line == 5
    assert q.prompt == "What does **GIFT** stand for\\? Braces { }, colon: equals = tilde ~ hash #."
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("General Import Format Template", True, "Yes: *that* one."),
        ("Great Interactive Format Tool", False, "No – it is an *import* format"),
        ("Good Ideas For Teachers", False, ""),
    ]
    assert [o.line for o in q.options] == [6, 8, 9]
    assert q.explanation == "GIFT is Moodle's plain-text format.\nSecond line."


def test_true_false_feedback_is_wrong_then_right_as_moodle_reads_it(result):
    questions = _by_title(result)
    true = questions["Vrai"]
    assert (true.type, true.answer) == ("true_false", True)
    assert true.feedback_false == "Relisez la lecture sur l'espacement." and true.feedback_true == "Exact."
    false = questions["Faux"]
    assert false.answer is False
    assert false.feedback_true == "Non : elle est ronde." and false.feedback_false == "Bien vu."
    assert false.explanation == "Elle est ronde."
    untitled = result.questions[3]
    assert (untitled.prompt, untitled.answer, untitled.feedback_true, untitled.feedback_false) == ("Sans titre, deux mots", True, "", "")


def test_weights_make_a_multiple_choice_positive_weights_are_right(result):
    q = _by_title(result)["Plusieurs"]
    assert q.type == "multiple_choice"
    assert [(o.text, o.correct, o.feedback) for o in q.options] == [
        ("Deux", True, "Oui, deux."), ("Quatre", True, ""), ("Cinq", False, "Non."), ("Six", False, "")]


def test_categories_apply_to_the_questions_that_follow(result):
    questions = _by_title(result)
    assert questions["M1-Q1"].category == questions["Plusieurs"].category == "top/Module 1/Idées clés"
    assert questions["Trou"].category == questions["Barre"].category == "top/Module 2"


def test_missing_word_html_multi_line_and_backslashes(result):
    questions = _by_title(result)
    assert questions["Trou"].prompt == "Grant est _____ dans sa tombe."
    assert [o.correct for o in questions["Trou"].options] == [False, True, False]
    assert questions["Html"].prompt == "Un texte & des balises"
    multi_line = result.questions[7]
    assert multi_line.prompt == "Première ligne\ndeuxième ligne" and multi_line.line == 31
    assert [(o.text, o.feedback) for o in multi_line.options] == [("A", "retour A"), ("B", "")]
    assert questions["Barre"].prompt == "Un antislash \\ reste, \\n aussi."


def test_windows_line_ends_and_a_byte_order_mark_are_read():
    result = parse_gift("\ufeff::A::Question ?{=Oui ~Non}\r\n\r\n::B::Autre ?{T}\r\n")
    assert [q.title for q in result.questions] == ["A", "B"] and result.problems == []


def test_weights_with_decimals_add_up_to_100():
    result = parse_gift("Trois ?{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert result.problems == [] and [o.correct for o in result.questions[0].options] == [True, True, True, False]


def test_one_right_answer_at_100_percent_in_a_multiple_choice():
    result = parse_gift("Une ?{~%100%a ~b ~c}")
    assert result.problems == [] and result.questions[0].type == "multiple_choice"


UNSUPPORTED = [
    ("::Desc::Un simple texte sans accolades.", "description"),
    ("::Essai::Racontez.{}", "réponse libre"),
    ("::Nombre::En quelle année ?{#1822:5}", "numérique"),
    ("::Paires::Associez.{=chat -> croquettes =chien -> os}", "appariement"),
    ("::Courte::Deux plus deux ?{=quatre =4}", "réponse courte"),
    ("::Minuscule::Vrai ?{true}", "réponse courte"),
    ("::Partiel::Laquelle ?{=a ~%50%b ~c}", "crédit partiel"),
    ("::Deux::Lesquelles ?{=a =b ~c}", "plusieurs bonnes réponses"),
    ("::Sept::Laquelle ?{=a ~b ~c ~d ~e ~f ~g}", "7 réponses"),
    ("::Multi2::Lesquelles ?{~%100%a ~b}", "2 réponses"),
    ("::Multi7::Lesquelles ?{~%100%a ~b ~c ~d ~e ~f ~g}", "7 réponses"),
]


@pytest.mark.parametrize(("question", "words"), UNSUPPORTED, ids=[u[0].split("::")[1] for u in UNSUPPORTED])
def test_unsupported_questions_are_reported_with_their_line(question, words):
    result = parse_gift(f"::Ok::Avant ?{{=a ~b}}\n\n// commentaire\n{question}\n\n::Ok2::Après ?{{T}}")
    assert [q.title for q in result.questions] == ["Ok", "Ok2"]
    [problem] = result.problems
    assert problem.unsupported and problem.line == 4
    assert words in problem.message and "« " + question.split("::")[1] + " »" in problem.message
    assert result.unsupported == [problem] and result.syntax_problems == []


SYNTAX_ERRORS = [
    ("Question ?{=a ~b", 3, "accolades"),
    ("Question ?=a ~b}", 3, "accolades"),
    ("::Titre sans fin Question ?{=a ~b}", 3, "titre non fermé"),
    ("Question ?{=a ~b} et {=c ~d}", 3, "un bloc de réponses"),
    ("Question ?{\nintro\n=a\n~b}", 3, "texte avant la première réponse"),
    ("Question ?{\n~%50%a\n~%20%b\n~c}", 3, "doivent faire 100 % (total : 70 %)"),
    ("Question ?{~a ~b ~c}", 3, "total : 0 %"),
    ("Question ?{=seule}", 3, "réponse courte"),  # only '=': Moodle reads a short answer
    ("Question ?{~seule}", 3, "au moins deux réponses"),
    ("::Vide::{=a ~b}", 3, "énoncé vide"),
    ("$CATEGORY: Ici\n::Q::Collée ?{=a ~b}", 3, "ligne vide"),
]


@pytest.mark.parametrize(("question", "line", "words"), SYNTAX_ERRORS)
def test_syntax_errors_are_reported_with_their_line(question, line, words):
    result = parse_gift(f"::Ok::Avant ?{{=a ~b}}\n\n{question}\n")
    problems = result.problems
    assert len(problems) == 1 and problems[0].line == line and words in problems[0].message, problems
    assert problems[0].unsupported is (words == "réponse courte")


def test_a_problem_deep_in_a_question_names_its_own_line():
    result = parse_gift("Question\nsur deux lignes ?{\n=a\n~b\n} et {=c}")
    assert result.problems[0].line == 5


def test_comment_only_and_empty_texts_give_nothing():
    assert parse_gift("// rien\n// encore rien\n\n\n").questions == []
    assert parse_gift("").problems == []


def test_problems_read_as_line_then_message():
    assert str(GiftProblem(4, "accolades")) == "ligne 4 : accolades"
    assert str(GiftProblem(None, "aucune question")) == "aucune question"


# --- Into our question tables -----------------------------------------------------------------


def test_tables_fill_missing_feedback_and_explanation_with_generic_texts(result):
    tables = {t["id"]: t for t in to_question_tables(result.questions, "premiere")}
    first = tables["m1-q1"]
    assert first["reading"] == "premiere" and first["explanation"] == "GIFT is Moodle's plain-text format.\nSecond line."
    assert first["options"][2] == {"text": "Good Ideas For Teachers", "correct": False, "feedback": DEFAULT_WRONG_FEEDBACK}
    assert tables["plusieurs"]["options"][1]["feedback"] == DEFAULT_RIGHT_FEEDBACK
    assert tables["vrai"] == {"id": "vrai", "type": "true_false", "prompt": "L'espacement aide à retenir.", "explanation": DEFAULT_EXPLANATION,
                              "reading": "premiere", "answer": True, "feedback_true": "Exact.", "feedback_false": "Relisez la lecture sur l'espacement."}
    untitled = tables["sans-titre-deux-mots"]
    assert (untitled["feedback_true"], untitled["feedback_false"]) == (DEFAULT_RIGHT_FEEDBACK, DEFAULT_WRONG_FEEDBACK)


def test_ids_come_from_titles_or_prompts_and_are_unique_in_the_quiz():
    result = parse_gift("::Déjà là::A ?{T}\n\n::Déjà là::B ?{T}\n\n::!!!::C ?{F}\n\n" + "Une très longue question " * 6 + "?{T}")
    ids = [t["id"] for t in to_question_tables(result.questions, "premiere", taken={"deja-la"})]
    assert ids == ["deja-la-2", "deja-la-3", "c", "une-tres-longue-question-une-tres-longue-question"]
    assert slugify("Œuvre d'été : n°1") == "oeuvre-d-ete-n1"


def test_tables_pass_the_quiz_file_checks(result):
    tables = to_question_tables(result.questions, "premiere")
    text = tomli_w.dumps({"version": 1, "module": "bases", "title": "Quiz", "pass_mark": 70, "estimated_minutes": 5, "questions": tables})
    spec, errors = parse_quiz(text, "quizzes/bases.toml", "bases.toml")
    assert errors == [] and [q.type for q in spec.questions] == [t["type"] for t in tables]


def test_any_text_reads_without_crashing():
    """Random mixes of GIFT's special characters give questions or problems, never an exception."""
    pieces = ["{", "}", "~", "=", "#", "####", "::", ":", "\\", "%", "%50%", "%-100%", "->", "T", "FALSE", "[html]", "<p>",
              "[markdown]", "$CATEGORY:", "//", "\n", "\n\n", " ", "a", "é", "\r", "\ufeff", "\ue000"]
    answers = ["~", "=", "~", "=", "a", "b", "#retour", "%50%", "%-100%", "%100%", "%33.33333%", " ", "\\#", "\\{", "T", "TRUE",
               "####explication", "[html]<b>x</b>", "[plain]", "->", "\n"]
    rng = random.Random(20261102)
    for index in range(3000):
        if index % 2:
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        else:  # mostly well-formed questions with random answers
            text = "\n\n".join(f"::Q{i}::Énoncé {i} ?{{{''.join(rng.choice(answers) for _ in range(rng.randint(0, 12)))}}}" for i in range(3))
        result = parse_gift(text)
        for question in result.questions:
            assert question.prompt and question.type in ("single_choice", "multiple_choice", "true_false")
        assert all(p.line is None or p.line >= 1 for p in result.problems)
        if result.questions:  # whatever is read passes the quiz file checks
            tables = to_question_tables(result.questions, "premiere")
            quiz = tomli_w.dumps({"version": 1, "module": "bases", "title": "Q", "pass_mark": 70, "estimated_minutes": 5, "questions": tables})
            assert parse_quiz(quiz, "quizzes/bases.toml", "bases.toml")[1] == [], text


def _gift_question(type_name: str, count: int) -> str:
    if type_name == "single_choice":
        answers = ["=a"] + [f"~o{i}" for i in range(1, count)]
    else:
        answers = ["~%100%a"] + [f"~%-100%o{i}" for i in range(1, count)]
    return f"::Q::Combien ?{{{' '.join(answers)}}}"


def _quiz_file_accepts(type_name: str, count: int) -> bool:
    options = [{"text": f"o{i}", "correct": i == 0, "feedback": "f"} for i in range(count)]
    question = {"id": "q", "type": type_name, "prompt": "Combien ?", "explanation": "e", "reading": "premiere", "options": options}
    quiz = tomli_w.dumps({"version": 1, "module": "bases", "title": "Q", "pass_mark": 70, "estimated_minutes": 5, "questions": [question]})
    return parse_quiz(quiz, "quizzes/bases.toml", "bases.toml")[1] == []


@pytest.mark.parametrize("type_name", ["single_choice", "multiple_choice"])
def test_gift_accepts_the_option_counts_a_quiz_file_accepts(type_name):
    """Between 2 and 8 options, a GIFT question is read exactly when the same question in a quiz file
    is valid: an author never imports what the quiz file checks would then refuse."""
    read = {n: bool(parse_gift(_gift_question(type_name, n)).questions) for n in range(2, 9)}
    accepted = {n: _quiz_file_accepts(type_name, n) for n in range(2, 9)}
    assert read == accepted
    assert any(read.values()) and not all(read.values())
