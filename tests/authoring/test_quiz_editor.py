"""The quiz editor: questions of each type added, edited, moved and removed in the draft; publication, conflicts, preview, new quizzes."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.authoring.models import Draft
from app.authoring.quiz_editing import new_key
from app.authoring.sources import quiz_values
from app.authoring.structure import create_module
from app.catalogue.models import Module
from app.catalogue.revisions import Revision
from app.extensions import db
from app.package.services import import_package
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from tests.conftest import PASSWORD
from tests.conftest import csrf_token_from


def quiz_id(app, module_slug: str = "bases") -> int:
    """Return the id of a module's quiz."""
    with app.app_context():
        return db.session.scalar(select(Quiz.id).join(Quiz.module).where(Module.slug == module_slug))


def editor_url(app, suffix: str = "") -> str:
    """Return the URL of the test quiz's editor, or of one of its pages."""
    return f"/edition/quiz/{quiz_id(app)}{suffix}"


def working_questions(app) -> list[dict]:
    """Return the question tables of the test quiz's draft, or of its published text if it has none."""
    with app.app_context():
        quiz = db.session.get(Quiz, quiz_id(app))
        draft = db.session.scalar(select(Draft).where(Draft.kind == "quiz", Draft.object_id == quiz.id))
        return quiz_values(draft.source if draft else quiz.source).get("questions", [])


def keys(app) -> list[str]:
    """Return the keys of the working copy's questions, in order."""
    return [q["id"] for q in working_questions(app)]


def live_count(app, quiz: int) -> int:
    """Return how many questions learners see in a quiz."""
    with app.app_context():
        return len(db.session.scalars(select(Question).where(Question.quiz_id == quiz, Question.is_archived.is_(False))).all())


def options(*rows: tuple[str, bool, str]) -> dict:
    """Return the option rows of a choice question's form: (text, correct, feedback) each."""
    data = {}
    for index, (text, correct, feedback) in enumerate(rows):
        data |= {f"options-{index}-text": text, f"options-{index}-feedback": feedback}
        if correct:
            data[f"options-{index}-correct"] = "y"
    return data


def question_form(kind: str = "single_choice", version: int = 0, base: int = 1, **changes) -> dict:
    """A valid question form of ``kind`` (the fields a browser sends), with ``changes``."""
    data = {"version": str(version), "base": str(base), "prompt": "Que retenir de la première lecture ?",
            "explanation": "Elle le dit.", "reading": "premiere"}
    if kind == "true_false":
        data |= {"answer": "true", "feedback_true": "Oui.", "feedback_false": "Non."}
    elif kind == "multiple_choice":
        data |= options(("Un", True, "Oui, un."), ("Deux", False, "Non, pas deux."), ("Trois", True, "Oui, trois."))
    else:
        data |= options(("Ceci", True, "Oui, ceci."), ("Cela", False, "Non, pas cela."))
    data.update(changes)
    return data


def settings_form(version: int = 0, base: int = 1, **changes) -> dict:
    """The quiz settings form of the test quiz, with ``changes``."""
    data = {"title": "Quiz des bases", "pass_mark": "70", "estimated_minutes": "5", "shuffle_options": "y", "version": str(version), "base": str(base)}
    data.update(changes)
    return data


def signed_in_client(app, create_user, roles: Role = Role.AUTHOR):
    """Return a new client signed in as a new user with ``roles``."""
    client = app.test_client()
    client.post("/connexion", data={"email": create_user(roles=roles).email, "password": PASSWORD})
    return client


def test_the_editor_lists_the_working_copy_with_its_actions(app, client, author):
    page = client.get(editor_url(app)).text
    prompts = ["Quelle option est juste ?", "Quelles options sont justes ?", "Cet énoncé est faux."]
    assert [page.index(p) for p in prompts] == sorted(page.index(p) for p in prompts)
    assert "Questions (3)" in page and 'value="Quiz des bases"' in page and 'name="pass_mark" required type="number" value="70"' in page
    for key in ("choix-unique", "choix-multiple", "vrai-faux"):
        assert f'href="/edition/quiz/{quiz_id(app)}/questions/{key}"' in page
    assert page.count('value="up"') == 2 and page.count('value="down"') == 2 and page.count('value="remove"') == 3
    for kind in ("single_choice", "multiple_choice", "true_false"):
        assert f"/nouvelle-question/{kind}" in page
    assert "Une seule réponse" in page and "Vrai ou faux" in page and "/apercu" in page
    assert "Modifier le quiz" in client.get("/edition/").text


@pytest.mark.parametrize("kind", ["single_choice", "multiple_choice", "true_false"])
def test_adding_a_question_of_each_type_puts_it_at_the_end_of_the_draft(app, client, author, kind):
    url = editor_url(app, f"/nouvelle-question/{kind}")
    assert client.get(url).status_code == 200
    response = client.post(url, data=question_form(kind))
    assert response.status_code == 303 and response.headers["Location"] == editor_url(app)
    added = working_questions(app)[-1]
    assert keys(app) == ["choix-unique", "choix-multiple", "vrai-faux", "que-retenir-de-la-premiere-lecture"]
    assert (added["type"], added["prompt"], added["explanation"], added["reading"]) == (kind, "Que retenir de la première lecture ?", "Elle le dit.", "premiere")
    expected = {
        "single_choice": {"options": [{"text": "Ceci", "correct": True, "feedback": "Oui, ceci."}, {"text": "Cela", "feedback": "Non, pas cela."}]},
        "multiple_choice": {"options": [{"text": "Un", "correct": True, "feedback": "Oui, un."}, {"text": "Deux", "feedback": "Non, pas deux."},
                                        {"text": "Trois", "correct": True, "feedback": "Oui, trois."}]},
        "true_false": {"answer": True, "feedback_true": "Oui.", "feedback_false": "Non."},
    }[kind]
    assert {k: v for k, v in added.items() if k not in ("id", "type", "prompt", "explanation", "reading")} == expected
    assert "Question enregistrée dans le brouillon" in client.get(editor_url(app)).text
    assert live_count(app, quiz_id(app)) == 3  # learners still have the published quiz


def test_a_new_question_gets_a_key_no_question_of_the_quiz_ever_had(app, client, author):
    url = editor_url(app, "/nouvelle-question/true_false")
    client.post(url, data=question_form("true_false", prompt="Vrai, faux ?"))
    client.post(url, data=question_form("true_false", version=1, prompt="Vrai ou faux ? L'IA décide seule."))
    client.post(url, data=question_form("true_false", version=2, prompt="Vrai ou faux ? L'IA décide seule."))
    assert keys(app)[3:] == ["vrai-faux-2", "vrai-ou-faux-l-ia-decide-seule", "vrai-ou-faux-l-ia-decide-seule-2"]


def test_a_key_removed_from_the_draft_is_not_given_again(app, client, author):
    client.post(editor_url(app, "/questions/vrai-faux/changer"), data={"action": "remove", "version": "0", "base": "1"})
    client.post(editor_url(app, "/nouvelle-question/true_false"), data=question_form("true_false", version=1, prompt="Vrai faux"))
    assert keys(app) == ["choix-unique", "choix-multiple", "vrai-faux-2"]


@pytest.mark.parametrize(("prompt", "key"), [
    ("Élève, œuvre à l'école !", "eleve-oeuvre-a-l-ecole"),
    ("?!", "question"),
    ("Une question très longue qui parle de beaucoup de choses différentes à la fois", "une-question-tres-longue-qui-parle-de-beaucoup-de"),
])
def test_keys_are_made_from_the_prompt(prompt, key):
    assert new_key(prompt, set()) == key
    assert len(new_key(prompt, set())) <= 50
    assert new_key(prompt, {key, f"{key}-2"}) == f"{key}-3"


@pytest.mark.parametrize("key", ["choix-unique", "choix-multiple", "vrai-faux"])
def test_editing_a_question_of_each_type_keeps_its_key_and_its_place(app, client, author, key):
    url = editor_url(app, f"/questions/{key}")
    page = unescape(client.get(url).text)
    before = working_questions(app)
    original = next(q for q in before if q["id"] == key)
    assert original["prompt"] in page and original["explanation"] in page
    assert f'<option selected value="{original["reading"]}">' in page
    kind = original["type"]
    response = client.post(url, data=question_form(kind, prompt="Une question reformulée ?", reading="seconde"))
    assert response.status_code == 303
    after = working_questions(app)
    assert [q["id"] for q in after] == [q["id"] for q in before]
    edited = next(q for q in after if q["id"] == key)
    assert (edited["type"], edited["prompt"], edited["reading"]) == (kind, "Une question reformulée ?", "seconde")


def test_the_choice_form_shows_each_option_with_its_correct_box_and_feedback(app, client, author):
    page = client.get(editor_url(app, "/questions/choix-multiple")).text
    assert page.count("<legend>Option ") == 6  # up to six rows, empty ones ignored
    assert 'id="options-0-text" maxlength="500" name="options-0-text" type="text" value="A"' in page
    assert '<input checked id="options-0-correct"' in page and '<input id="options-1-correct"' in page
    assert "Non, pas B." in page and 'name="options-3-text" type="text" value=""' in page


def test_the_true_false_form_shows_the_right_answer_and_both_feedbacks(app, client, author):
    page = client.get(editor_url(app, "/questions/vrai-faux")).text
    assert re.search(r'<input checked id="answer-1" name="answer" type="radio" value="false">', page)
    assert "Non : il est faux." in page and "Oui : il est faux." in page
    assert "<legend>La bonne réponse</legend>" in page


def test_the_reading_is_chosen_among_the_live_readings_of_the_course(app, client, author):
    page = client.get(editor_url(app, "/nouvelle-question/single_choice")).text
    assert '<optgroup label="Les bases (ce module)">' in page
    assert '<option value="premiere">Première lecture</option>' in page and '<option value="seconde">' in page
    assert '<option value="">Choisissez une lecture</option><optgroup' in page  # no reading chosen for the author


def test_moving_questions_up_and_down(app, client, author):
    url = editor_url(app, "/questions/{}/changer")
    assert client.post(url.format("choix-unique"), data={"action": "down", "version": "0", "base": "1"}).status_code == 303
    assert keys(app) == ["choix-multiple", "choix-unique", "vrai-faux"]
    assert client.post(url.format("vrai-faux"), data={"action": "up", "version": "1", "base": "1"}).status_code == 303
    assert keys(app) == ["choix-multiple", "vrai-faux", "choix-unique"]
    assert client.post(url.format("choix-multiple"), data={"action": "up", "version": "2", "base": "1"}).status_code == 303
    assert keys(app) == ["choix-multiple", "vrai-faux", "choix-unique"]
    with app.app_context():
        assert db.session.scalar(select(Draft.version)) == 2  # a move that moves nothing saves nothing


def test_removing_questions_keeps_at_least_one(app, client, author):
    url = editor_url(app, "/questions/{}/changer")
    assert client.post(url.format("choix-multiple"), data={"action": "remove", "version": "0", "base": "1"}).status_code == 303
    assert keys(app) == ["choix-unique", "vrai-faux"]
    assert client.post(url.format("choix-unique"), data={"action": "remove", "version": "1", "base": "1"}).status_code == 303
    response = client.post(url.format("vrai-faux"), data={"action": "remove", "version": "2", "base": "1"})
    assert response.status_code == 400 and "Un quiz garde au moins une question" in response.text
    assert keys(app) == ["vrai-faux"]
    assert live_count(app, quiz_id(app)) == 3  # published quiz untouched


def test_a_draft_is_invisible_to_learners_until_published(app, client, author, create_user):
    learner = signed_in_client(app, create_user, Role.LEARNER)
    client.post(editor_url(app, "/questions/choix-unique"), data=question_form(prompt="Quelle option est la bonne, revue ?"))
    client.post(editor_url(app), data=settings_form(version=1, title="Quiz des bases revu", pass_mark="80", save="Enregistrer"))
    quiz_page = learner.get("/quiz/bases").text
    assert "Quelle option est juste ?" in quiz_page and "revue" not in quiz_page and "Quiz des bases revu" not in quiz_page
    preview = client.get(editor_url(app, "/apercu")).text
    assert "Quelle option est la bonne, revue ?" in preview and "seuil de réussite : 80 %" in preview
    response = client.post(editor_url(app), data=settings_form(version=2, title="Quiz des bases revu", pass_mark="80", publish="Publier"))
    assert response.status_code == 303
    assert "Publié : les apprenants voient maintenant la révision 2." in client.get(editor_url(app)).text
    quiz_page = learner.get("/quiz/bases").text
    assert "Quelle option est la bonne, revue ?" in quiz_page and "Quiz des bases revu" in quiz_page and "seuil de réussite : 80 %" in quiz_page
    with app.app_context():
        assert db.session.scalar(select(Draft)) is None
        revision = db.session.scalar(select(Revision).where(Revision.kind == "quiz", Revision.number == 2))
        assert revision.origin == "edit" and revision.author_id == author.id and "revue" in revision.source
        question = db.session.scalar(select(Question).where(Question.key == "choix-unique", Question.is_archived.is_(False)))
        assert question.prompt == "Quelle option est la bonne, revue ?" and question.reading.slug == "premiere"


def test_discarding_the_draft_brings_back_the_published_quiz(app, client, author):
    client.post(editor_url(app, "/questions/choix-unique/changer"), data={"action": "remove", "version": "0", "base": "1"})
    assert "Abandonner le brouillon" in client.get(editor_url(app)).text
    assert client.post(editor_url(app), data={"discard": "Abandonner"}).status_code == 303
    assert keys(app) == ["choix-unique", "choix-multiple", "vrai-faux"]
    assert "Abandonner le brouillon" not in client.get(editor_url(app)).text


def test_two_authors_at_once_the_later_change_is_refused_with_both_texts(app, client, author, create_user):
    other = signed_in_client(app, create_user)
    assert other.post(editor_url(app, "/nouvelle-question/true_false"), data=question_form("true_false", prompt="La question de B ?")).status_code == 303
    response = client.post(editor_url(app, "/questions/choix-unique"), data=question_form(prompt="La question de A ?"))
    assert response.status_code == 409 and "Un autre auteur a modifié ce quiz" in response.text
    theirs, mine = re.findall(r'<pre class="source" tabindex="0">(.*?)</pre>', response.text, re.S)
    assert "La question de B ?" in theirs and "La question de A ?" not in theirs
    assert "La question de B ?" in mine and "La question de A ?" in mine
    assert 'id="version" name="version" type="hidden" value="1"' in response.text
    assert 'value="La question de A ?"' in response.text or "La question de A ?</textarea>" in response.text
    assert working_questions(app)[0]["prompt"] == "Quelle option est juste ?"
    # sent again from the conflict page, A's change goes on top of B's text
    assert client.post(editor_url(app, "/questions/choix-unique"), data=question_form(version=1, prompt="La question de A ?")).status_code == 303
    prompts = [q["prompt"] for q in working_questions(app)]
    assert prompts[0] == "La question de A ?" and prompts[-1] == "La question de B ?"


def test_editing_a_question_another_author_removed_meanwhile_is_a_conflict_too(app, client, author, create_user):
    other = signed_in_client(app, create_user)
    other.post(editor_url(app, "/questions/vrai-faux/changer"), data={"action": "remove", "version": "0", "base": "1"})
    data = question_form("true_false", prompt="Cet énoncé est toujours faux.", answer="false")
    response = client.post(editor_url(app, "/questions/vrai-faux"), data=data)
    assert response.status_code == 409
    theirs, mine = re.findall(r'<pre class="source" tabindex="0">(.*?)</pre>', response.text, re.S)
    assert "vrai-faux" not in theirs and "vrai-faux" in mine
    assert client.post(editor_url(app, "/questions/vrai-faux"), data={**data, "version": "1"}).status_code == 303
    assert keys(app) == ["choix-unique", "choix-multiple", "vrai-faux"]  # back, knowingly, under its own key


def test_a_stale_move_or_publication_is_refused_too(app, client, author, create_user):
    other = signed_in_client(app, create_user)
    other.post(editor_url(app, "/questions/vrai-faux/changer"), data={"action": "remove", "version": "0", "base": "1"})
    response = client.post(editor_url(app, "/questions/vrai-faux/changer"), data={"action": "up", "version": "0", "base": "1"})
    assert response.status_code == 409 and "Un autre auteur a modifié ce quiz" in response.text
    assert "Questions (2)" in response.text and 'name="version" value="1"' in response.text
    response = client.post(editor_url(app), data=settings_form(publish="Publier"))
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Quiz, quiz_id(app)).revision == 1


def test_the_preview_shows_the_learners_widgets_and_the_corrections(app, client, author):
    page = client.get(editor_url(app, "/apercu")).text
    assert page.count('type="radio" value=') == 3 + 2 and page.count('type="checkbox" value=') == 3  # single, true/false; multiple
    assert '<fieldset id="question-1" class="question">' in page and "Quelle option est juste ?" in page
    assert "Vrai</label>" in page and "Faux</label>" in page
    assert "Non, pas A." in page and "Oui, B." in page and "Parce que B." in page and "Oui : il est faux." in page
    assert "Première lecture" in page
    main = page.split('<main id="contenu"')[1].split("</main>")[0]
    assert "<form" not in main and 'type="submit"' not in main  # read-only: nothing to send


def test_creating_the_quiz_of_a_module_that_has_none(app, client, author, create_user):
    with app.app_context():
        module = create_module("nouveau", "Un nouveau module")
        module.revision, module.is_archived = 1, False  # published already: only its quiz is missing
        db.session.commit()
        new_id = module.id
    home = client.get("/edition/").text
    assert f'action="/edition/modules/{new_id}/quiz"' in home and "Créer le quiz" in home
    response = client.post(f"/edition/modules/{new_id}/quiz")
    assert response.status_code == 303
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == new_id))
        assert (quiz.is_archived, quiz.revision, quiz.filename, quiz.pass_mark, quiz.estimated_minutes) == (True, 0, "nouveau.toml", 70, 10)
        assert quiz_values(quiz.source) == {"version": 1, "module": "nouveau", "title": "Quiz : Un nouveau module", "pass_mark": 70, "estimated_minutes": 10}
        url = f"/edition/quiz/{quiz.id}"
    assert response.headers["Location"] == url
    editor = unescape(client.get(url).text)
    assert "Ce quiz n'a pas encore de question" in editor and "jamais publié" in editor
    refused = client.post(url, data=settings_form(base=0, publish="Publier"))
    assert refused.status_code == 400 and "Ajoutez d'abord une question" in unescape(refused.text)
    assert "Ce quiz n'a pas encore de question." in unescape(client.get(f"{url}/apercu").text)
    learner = signed_in_client(app, create_user, Role.LEARNER)
    assert learner.get("/quiz/nouveau").status_code == 404
    assert client.post(f"{url}/nouvelle-question/single_choice", data=question_form(base=0)).status_code == 303
    assert learner.get("/quiz/nouveau").status_code == 404  # a draft only
    assert client.post(url, data=settings_form(version=1, base=0, title="Le quiz du nouveau module", publish="Publier")).status_code == 303
    page = learner.get("/quiz/nouveau").text
    assert "Le quiz du nouveau module" in page and "Que retenir de la première lecture ?" in page
    with app.app_context():
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == new_id))
        assert (quiz.is_archived, quiz.revision, live_count(app, quiz.id)) == (False, 1, 1)
        assert db.session.scalar(select(Revision.origin).where(Revision.kind == "quiz", Revision.object_id == quiz.id, Revision.number == 1)) == "edit"
    again = client.post(f"/edition/modules/{new_id}/quiz")
    assert again.status_code == 303 and "Ce module a déjà un quiz." in client.get("/edition/").text


def test_unknown_quizzes_types_and_questions_are_404(app, client, author):
    assert client.get("/edition/quiz/999").status_code == 404
    assert client.get(editor_url(app, "/nouvelle-question/essay")).status_code == 404
    assert client.get(editor_url(app, "/questions/inconnue")).status_code == 404
    assert client.post(editor_url(app, "/questions/inconnue/changer"), data={"action": "up", "version": "0", "base": "1"}).status_code == 404
    assert client.post(editor_url(app, "/questions/choix-unique/changer"), data={"action": "sideways", "version": "0", "base": "1"}).status_code == 400
    assert client.post("/edition/modules/999/quiz").status_code == 404


def test_every_change_needs_the_csrf_token(make_app, create_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        import_package(app.config["COURSE_DIR"], app.config["QUIZZES_DIR"])
        db.session.commit()
    client = app.test_client()
    email = create_user(roles=Role.AUTHOR).email
    client.post("/connexion", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token_from(client.get("/connexion").text)})
    token = csrf_token_from(client.get(editor_url(app, "/nouvelle-question/true_false")).text)
    assert client.post(editor_url(app, "/nouvelle-question/true_false"), data=question_form("true_false")).status_code == 400
    assert client.post(editor_url(app, "/questions/vrai-faux/changer"), data={"action": "up", "version": "0", "base": "1"}).status_code == 400
    assert client.post(editor_url(app), data={"discard": "Abandonner", "version": "0", "base": "1"}).status_code == 400
    with app.app_context():
        module = db.session.scalar(select(Module.id).where(Module.slug == "bases"))
    assert client.post(f"/edition/modules/{module}/quiz").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Draft)) is None
    assert client.post(editor_url(app, "/nouvelle-question/true_false"), data={**question_form("true_false"), "csrf_token": token}).status_code == 303


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR, Role.ADMIN])
def test_only_authors_reach_the_quiz_editor(app, course, create_user, role):
    other = signed_in_client(app, create_user, role)
    with app.app_context():
        module = db.session.scalar(select(Module.id).where(Module.slug == "bases"))
    for suffix in ("", "/apercu", "/nouvelle-question/single_choice", "/questions/choix-unique"):
        assert other.get(editor_url(app, suffix)).status_code == 403
    for suffix in ("", "/nouvelle-question/single_choice", "/questions/choix-unique", "/questions/choix-unique/changer"):
        assert other.post(editor_url(app, suffix), data=question_form()).status_code == 403
    assert other.post(f"/edition/modules/{module}/quiz").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Draft)) is None
