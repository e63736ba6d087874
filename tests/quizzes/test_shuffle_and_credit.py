"""Options shown in a new order per attempt (kept with the attempt) and Moodle's partial credit."""

import itertools
import re
from fractions import Fraction

import pytest
from sqlalchemy import select
from sqlalchemy import update

from app.extensions import db
from app.quizzes.loader import parse_quiz
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.models import QuizAttempt
from app.quizzes.question_types import QUESTION_TYPES
from app.quizzes.question_types import shuffled
from tests.conftest import DATA_DIR

SIX = list("abcdef")


def _token(page: str) -> str:
    return re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', page).group(1)


def _shown(page: str, question_id: int) -> list[str]:
    """The option values of one question, in the page's order."""
    return re.findall(rf'name="q{question_id}" (?:required )?type="(?:radio|checkbox)" value="([^"]+)"', page)


def _questions(app) -> dict[str, tuple[int, dict]]:
    with app.app_context():
        return {q.key: (q.id, q.data) for q in db.session.scalars(select(Question).where(Question.is_archived.is_(False)))}


def _set_quiz(app, **values) -> None:
    with app.app_context():
        db.session.execute(update(Quiz).values(**values))
        db.session.commit()


def _right(data: dict) -> list[str]:
    return [o["key"] for o in data["options"] if o["correct"]]


# --- The order of one attempt ---------------------------------------------------------------------


def test_the_same_seed_gives_the_same_order_and_seeds_reach_every_order():
    assert shuffled(SIX, "t/q") == shuffled(SIX, "t/q")
    orders = {tuple(shuffled(list("abc"), f"token-{n}/q")) for n in range(200)}  # fixed seeds: no chance involved
    assert orders == set(itertools.permutations("abc"))


def test_right_option_lands_on_every_position_about_equally():
    positions = [shuffled(list("abcd"), f"token-{n}/q").index("a") for n in range(4000)]
    assert all(900 < positions.count(p) < 1100 for p in range(4))


def test_each_attempt_shows_its_own_order_and_a_refused_form_keeps_it(client, app, learner):
    questions = _questions(app)
    multiple_id, multiple = questions["choix-multiple"]
    single_id, _single = questions["choix-unique"]
    orders = set()
    for _ in range(12):
        page = client.get("/quiz/bases").text
        orders.add(tuple(_shown(page, multiple_id)))
    assert len(orders) > 1  # 12 attempts all in one order of three options: one chance in 6^11
    page = client.get("/quiz/bases").text
    token, shown = _token(page), _shown(page, single_id)
    again = client.post("/quiz/bases", data={"token": token, f"q{multiple_id}": _right(multiple)})  # one question left unanswered
    assert again.status_code == 400
    assert _token(again.text) == token and _shown(again.text, single_id) == shown


def test_the_attempt_keeps_the_order_shown_and_the_review_shows_it(client, app, learner):
    questions = _questions(app)
    page = client.get("/quiz/bases").text
    token = _token(page)
    shown = {key: _shown(page, question_id) for key, (question_id, _data) in questions.items()}
    answers = {f"q{qid}": (_right(data) if key == "choix-multiple" else _right(data)[0]) for key, (qid, data) in questions.items()}
    first = client.post("/quiz/bases", data={"token": token, **answers})
    second = client.post("/quiz/bases", data={"token": token, **answers})  # sent twice: one attempt
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        [attempt] = db.session.scalars(select(QuizAttempt)).all()
        stored = {a.question.key: a.shown_order for a in db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))}
        texts = {o["key"]: o["text"] for o in questions["choix-multiple"][1]["options"]}
    assert stored == shown
    review = client.get(first.headers["Location"]).text
    multiple_review = review[review.index("Quelles options sont justes ?"):review.index("Cet énoncé est faux.")]
    found = re.findall(r"<strong>([^<]+)</strong>", multiple_review[:multiple_review.index("Explication")])
    assert found == [texts[key] for key in shown["choix-multiple"]]


def test_a_quiz_that_does_not_shuffle_shows_the_file_order(client, app, learner):
    _set_quiz(app, shuffle_options=False)
    question_id, data = _questions(app)["choix-multiple"]
    for _ in range(5):
        assert _shown(client.get("/quiz/bases").text, question_id) == [o["key"] for o in data["options"]]


def test_true_false_keeps_vrai_then_faux(client, app, learner):
    question_id, _data = _questions(app)["vrai-faux"]
    assert _shown(client.get("/quiz/bases").text, question_id) == ["true", "false"]


def test_an_overlong_token_is_refused_not_a_500(client, app, learner):
    response = client.post("/quiz/bases", data={"token": "x" * 65})
    assert response.status_code == 400


# --- The setting in the quiz file ------------------------------------------------------------------


def _bases(**settings) -> str:
    text = (DATA_DIR / "quizzes" / "bases.toml").read_text(encoding="utf-8")
    lines = "".join(f"{key} = {str(value).lower() if isinstance(value, bool) else value}\n" for key, value in settings.items())
    return text.replace("estimated_minutes = 5\n", "estimated_minutes = 5\n" + lines, 1)


def test_settings_default_to_shuffling_without_partial_credit():
    spec, errors = parse_quiz(_bases(), "quizzes/bases.toml", "bases.toml")
    assert errors == [] and (spec.shuffle_options, spec.partial_credit) == (True, False)
    spec, errors = parse_quiz(_bases(shuffle_options=False, partial_credit=True), "quizzes/bases.toml", "bases.toml")
    assert errors == [] and (spec.shuffle_options, spec.partial_credit) == (False, True)


def test_a_setting_that_is_not_a_boolean_is_refused_with_its_line():
    spec, errors = parse_quiz(_bases(partial_credit='"oui"'), "quizzes/bases.toml", "bases.toml")
    assert spec is None and [(e.line, e.message) for e in errors] == [(6, "partial_credit doit être true ou false")]


# --- Partial credit --------------------------------------------------------------------------------


def _multiple(right: int, total: int) -> dict:
    return {"options": [{"key": k, "text": k, "correct": i < right, "feedback": "f"} for i, k in enumerate(SIX[:total])]}


def test_weights_share_plus_and_minus_100_percent():
    weights = QUESTION_TYPES["multiple_choice"].weights(_multiple(2, 5))
    assert weights == {"a": Fraction(1, 2), "b": Fraction(1, 2), "c": Fraction(-1, 3), "d": Fraction(-1, 3), "e": Fraction(-1, 3)}


@pytest.mark.parametrize(("chosen", "credit"), [
    ("ab", 1), ("a", Fraction(1, 2)), ("ac", Fraction(1, 6)), ("abc", Fraction(2, 3)), ("acd", 0), ("cde", 0), ("abcde", 0), ("", 0),
])
def test_partial_credit_adds_the_weights_floored_at_zero(chosen, credit):
    question_type = QUESTION_TYPES["multiple_choice"]
    assert question_type.credit(_multiple(2, 5), list(chosen), partial=True) == credit
    assert question_type.credit(_multiple(2, 5), list(chosen), partial=False) == (1 if chosen == "ab" else 0)


def test_partial_credit_leaves_single_choice_and_true_false_all_or_nothing():
    single = {"options": [{"key": "a", "text": "a", "correct": True, "feedback": "f"}, {"key": "b", "text": "b", "correct": False, "feedback": "f"}]}
    assert QUESTION_TYPES["single_choice"].credit(single, ["b"], partial=True) == 0
    assert QUESTION_TYPES["single_choice"].credit(single, ["a"], partial=True) == 1


def test_a_partial_credit_attempt_scores_shares_of_points(client, app, learner):
    _set_quiz(app, partial_credit=True, pass_mark=50)
    questions = _questions(app)
    token = _token(client.get("/quiz/bases").text)
    (single_id, single), (multiple_id, multiple), (tf_id, _tf) = (questions[k] for k in ("choix-unique", "choix-multiple", "vrai-faux"))
    wrong_single = next(o["key"] for o in single["options"] if not o["correct"])
    response = client.post("/quiz/bases", data={"token": token, f"q{single_id}": wrong_single, f"q{multiple_id}": _right(multiple)[:1], f"q{tf_id}": "false"})
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        credits = sorted(a.credit for a in db.session.scalars(select(AttemptAnswer)))
        assert credits == [0, 0.5, 1] and attempt.correct_count == 1
        assert attempt.score == pytest.approx(0.5) and attempt.is_passed  # 1.5 of 3 points: 50 %, the mark exactly
    page = client.get(response.headers["Location"]).text
    assert "Score : 1,5 / 3 (50 %)" in page and "En partie juste : 0,5 point" in page


def test_without_partial_credit_a_half_right_answer_earns_nothing(client, app, learner):
    questions = _questions(app)
    token = _token(client.get("/quiz/bases").text)
    data = {f"q{qid}": (_right(d)[:1] if key == "choix-multiple" else _right(d)[0]) for key, (qid, d) in questions.items()}
    client.post("/quiz/bases", data={"token": token, **data})
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert (attempt.correct_count, attempt.score) == (2, pytest.approx(2 / 3))


def test_the_logged_answers_carry_the_order_shown_and_the_quiz_event_the_points(client, app, learner):
    from app.progress.models import LearningEvent

    _set_quiz(app, partial_credit=True)
    questions = _questions(app)
    page = client.get("/quiz/bases").text
    shown = {qid: _shown(page, qid) for _key, (qid, _data) in questions.items()}
    multiple_id, multiple = questions["choix-multiple"]
    answers = {f"q{qid}": _right(data)[0] for key, (qid, data) in questions.items()}  # one of the right boxes only
    client.post("/quiz/bases", data={"token": _token(page), **answers})
    with app.app_context():
        events = db.session.scalars(select(LearningEvent).order_by(LearningEvent.id)).all()
        attempt = db.session.scalars(select(QuizAttempt)).one()
        points = attempt.points
    answered = {e.object_id: e.result for e in events if e.verb == "answered"}
    assert {qid: result.get("shown_order") for qid, result in answered.items()} == shown
    [quiz_event] = [e for e in events if e.object_type == "quiz"]
    assert quiz_event.result["score"]["raw"] == points
    assert 0 < points < len(questions) and points != int(points)  # a share of a point: partial credit counted
