"""The quiz page: its quiz, form class and questions' markup kept per revision and order, its page
per learner history; never stale, never the same attempt token twice."""

import re
import secrets

import pytest
from babel import support
from flask import session
from sqlalchemy import select

from app import wtforms_i18n
from app.extensions import db
from app.quizzes.forms import QuizFormBase
from app.quizzes.models import Question
from app.quizzes.services import ORDER_VARIANTS
from app.quizzes.services import new_attempt_token
from app.quizzes.services import order_seed
from tests.helpers import recorded_statements

TOKEN = re.compile(r'id="token" name="token" type="hidden" value="([^"]+)"')


def _token(page: str) -> str:
    return TOKEN.search(page).group(1)


def _right_answers(app) -> dict:
    with app.app_context():
        questions = db.session.scalars(select(Question).where(Question.is_archived.is_(False))).all()
        answers = {}
        for q in questions:
            right = [o["key"] for o in q.data["options"] if o["correct"]] if "options" in q.data else [str(q.data["answer"]).lower()]
            answers[f"q{q.id}"] = right if q.type == "multiple_choice" else right[0]
        return answers


def test_a_cached_quiz_page_costs_one_statement_and_a_token_of_its_own(app, client, learner, monkeypatch):
    monkeypatch.setattr(secrets, "randbelow", lambda n: 3)  # one order: the second view is a cache hit
    tokens = {_token(client.get("/quiz/bases").text) for _ in range(2)}
    with recorded_statements(app) as seen:
        page = client.get("/quiz/bases").text
    tokens.add(_token(page))
    assert len(seen) == 1
    assert len(tokens) == 3  # three views, three attempts: never a token served twice


def test_a_token_from_a_cached_page_submits_a_new_attempt(app, client, learner):
    answers = _right_answers(app)
    for _ in range(3):
        token = _token(client.get("/quiz/bases").text)
        assert client.post("/quiz/bases", data={"token": token, **answers}).status_code == 303
    page = client.get("/quiz/bases").text
    assert page.count("badge badge-ok") == 3  # the history shows each new attempt


def test_a_publication_seen_by_another_worker_shows_on_the_next_request(make_app, package_dir, create_user):
    first = make_app(COURSE_DIR=package_dir / "course", QUIZZES_DIR=package_dir / "quizzes")
    first.test_cli_runner().invoke(args=["course", "import"])
    client = first.test_client()
    client.post("/connexion", data={"email": create_user().email, "password": "motdepasse-de-test"})
    assert "Quelle option est juste ?" in client.get("/quiz/bases").text
    quiz_file = package_dir / "quizzes" / "bases.toml"
    quiz_file.write_text(quiz_file.read_text(encoding="utf-8").replace("Quelle option est juste ?", "Laquelle est juste ?"), encoding="utf-8")
    other_worker = make_app(COURSE_DIR=package_dir / "course", QUIZZES_DIR=package_dir / "quizzes")
    assert other_worker.test_cli_runner().invoke(args=["course", "import"]).exit_code == 0
    page = client.get("/quiz/bases").text
    assert "Laquelle est juste ?" in page and "Quelle option est juste ?" not in page


def test_a_renamed_module_shows_in_the_quiz_breadcrumb(package_app, package_dir, create_user):
    runner = package_app.test_cli_runner()
    runner.invoke(args=["course", "import"])
    client = package_app.test_client()
    client.post("/connexion", data={"email": create_user().email, "password": "motdepasse-de-test"})
    assert "Les bases" in client.get("/quiz/bases").text
    module_file = package_dir / "course" / "01-bases" / "module.toml"
    module_file.write_text(module_file.read_text(encoding="utf-8").replace('title = "Les bases"', 'title = "Les fondations"'), encoding="utf-8")
    runner.invoke(args=["course", "import"])
    assert "Les fondations" in client.get("/quiz/bases").text


def test_a_refused_form_is_shown_again_with_its_errors_never_from_the_cache(app, client, learner):
    token = _token(client.get("/quiz/bases").text)
    refused = client.post("/quiz/bases", data={"token": token})
    assert refused.status_code == 400 and 'field-error' in refused.text
    assert _token(refused.text) == token
    assert 'field-error' not in client.get("/quiz/bases").text


def test_signed_out_and_unknown_quizzes(client, learner):
    assert client.get("/quiz/inconnu").status_code == 404
    client.post("/deconnexion")
    assert client.get("/quiz/bases").headers["Location"].startswith("/connexion")


def test_tokens_name_one_of_the_variants_and_any_other_token_still_draws_an_order():
    seeds = {order_seed(new_attempt_token()) for _ in range(400)}
    assert seeds == {str(n) for n in range(ORDER_VARIANTS)}
    assert order_seed("a-token-from-before") == "a-token-from-before"
    assert order_seed(f"{ORDER_VARIANTS}.x") == f"{ORDER_VARIANTS}.x"  # out of range: the whole token
    assert order_seed("7.abc") == "7"
    assert order_seed("7.a.b") == "7"  # the variant is what comes before the first dot


def test_wtforms_messages_are_read_once_per_language(app, monkeypatch):
    loads = []
    real_load = support.Translations.load
    monkeypatch.setattr(support.Translations, "load", lambda *args, **kwargs: loads.append(args) or real_load(*args, **kwargs))
    wtforms_i18n._catalogue.cache_clear()
    for language in ("fr", "fr", "en", "en"):
        with app.test_request_context():
            session["lang"] = language
            form = QuizFormBase(meta={"csrf": False}, formdata=None)
            form.validate()
            message = form.token.errors[0]
            assert message == {"fr": "Ce champ est requis.", "en": "This field is required."}[language]
    assert len(loads) == 2


@pytest.mark.parametrize("variant", range(ORDER_VARIANTS))
def test_every_variant_is_a_valid_attempt(app, client, learner, variant):
    answers = _right_answers(app)
    token = f"{variant}.{'x' * 32}"
    assert client.post("/quiz/bases", data={"token": token, **answers}).status_code == 303
