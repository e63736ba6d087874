"""The GIFT pages: import a file or pasted text into a quiz's draft, download the quiz as GIFT."""

import io

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.authoring.models import Draft
from app.extensions import db
from app.quizzes.gift import parse_gift
from app.quizzes.models import Quiz
from tests.conftest import PASSWORD

GIFT = "::Nouvelle::Quelle est la nouvelle question ?{=Celle-ci#Oui. ~Une autre#Non.}\n"
WITH_NUMERICAL = GIFT + "\n::Nombre::Combien font deux et deux ?{#4}\n"


def _quiz_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Quiz.id))


def _url(app, suffix: str = "gift") -> str:
    return f"/edition/quiz/{_quiz_id(app)}/{suffix}"


def _post(client, app, **data):
    return client.post(_url(app), data={"reading": "premiere", **data}, content_type="multipart/form-data")


def _draft_source(app) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Draft.source))


def test_the_page_offers_the_form_the_readings_and_the_download(app, client, author):
    page = client.get(_url(app))
    assert page.status_code == 200
    html = page.text
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html and 'name="text"' in html
    assert '<option selected value="premiere">Première lecture</option>' in html and 'value="seconde"' in html
    assert 'name="skip_unsupported"' not in html  # asked only when needed
    assert f'href="{_url(app, "gift.txt")}"' in html
    assert "Import et export GIFT" in client.get("/edition/").text


def test_pasted_text_is_imported_into_the_draft(app, client, author, create_user):
    response = _post(client, app, text=GIFT)
    assert response.status_code == 303 and response.headers["Location"] == _url(app)
    page = client.get(_url(app)).text
    assert "1 question importée (nouvelle)." in page and "brouillon" in page
    assert f'href="/edition/quiz/{_quiz_id(app)}">Relire et publier le brouillon' in page  # the quiz editor publishes it
    assert 'id = "nouvelle"' in _draft_source(app)
    # learners still see the published quiz
    learner = app.test_client()
    learner.post("/connexion", data={"email": create_user().email, "password": PASSWORD})
    assert "Quelle est la nouvelle question ?" not in learner.get("/quiz/bases").text


def test_a_file_is_imported_and_wins_over_the_text(app, client, author):
    response = _post(client, app, file=(io.BytesIO(("\ufeff" + GIFT).encode()), "questions.txt"), text="ignoré {")
    assert response.status_code == 303
    assert 'prompt = "Quelle est la nouvelle question ?"' in _draft_source(app)


def test_syntax_problems_are_listed_with_their_lines_and_nothing_is_saved(app, client, author):
    response = _post(client, app, text=GIFT + "\n\n::Cassée::Sans fin ?{=a ~b\n")
    assert response.status_code == 400
    assert "Rien n'a été importé." in response.text and "<strong>Ligne 4</strong> : accolades" in response.text
    assert _draft_source(app) is None


def test_unsupported_questions_are_skipped_only_once_confirmed(app, client, author):
    response = _post(client, app, file=(io.BytesIO(WITH_NUMERICAL.encode()), "questions.gift"))
    assert response.status_code == 400
    html = response.text
    assert "<strong>Ligne 3</strong> : question « Nombre » : réponse numérique" in html and 'name="skip_unsupported"' in html
    assert "::Nombre::Combien font deux et deux ?{#4}" in html  # the file's text waits in the text box
    assert _draft_source(app) is None
    response = _post(client, app, text=WITH_NUMERICAL, skip_unsupported="y")
    assert response.status_code == 303
    assert "1 question non prise en charge ignorée." in client.get(_url(app)).text
    assert 'id = "nouvelle"' in _draft_source(app) and "Combien" not in _draft_source(app)


def test_publishing_from_the_page_shows_the_questions_to_learners(app, client, author, create_user):
    assert _post(client, app, text=GIFT, publish="y").status_code == 303
    assert "Le quiz est publié : les apprenants voient maintenant la révision 2." in client.get(_url(app)).text
    learner = app.test_client()
    learner.post("/connexion", data={"email": create_user().email, "password": PASSWORD})
    assert "Quelle est la nouvelle question ?" in learner.get("/quiz/bases").text
    assert _draft_source(app) is None


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choisissez un fichier ou collez le texte GIFT."),
    ({"text": "   "}, "Choisissez un fichier ou collez le texte GIFT."),
    ({"file": (io.BytesIO("é".encode("latin-1")), "q.txt")}, "Le fichier doit être encodé en UTF-8."),
    ({"file": (io.BytesIO(b""), "q.txt")}, "Le fichier est vide."),
    ({"file": (io.BytesIO(b"x"), "q.pdf")}, "Le fichier doit être un .txt ou un .gift."),
    ({"text": GIFT, "reading": "inconnue"}, "N&#39;est pas un choix valide."),
    ({"text": "// que des commentaires"}, "aucune question à importer"),
    ({"text": "{{{ }}} :: ~%-%# \\"}, "Rien n'a été importé."),
    ({"text": "$CATEGORY:"}, "aucune question à importer"),
    ({"text": "x" * 400_001}, "Texte trop long."),
])
def test_bad_input_gets_a_400_with_its_reason(app, client, author, data, message):
    response = _post(client, app, **data)
    assert response.status_code == 400, response.text
    assert message in response.text
    assert _draft_source(app) is None


def test_an_unknown_quiz_is_a_404(client, author):
    assert client.get("/edition/quiz/999/gift").status_code == 404
    assert client.get("/edition/quiz/999/gift.txt").status_code == 404


def test_the_download_is_the_published_quiz_as_gift(app, client, author):
    _post(client, app, text=GIFT)  # a draft is not exported
    response = client.get(_url(app, "gift.txt"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bases.gift.txt"'
    result = parse_gift(response.get_data(as_text=True))
    assert result.problems == [] and [q.title for q in result.questions] == ["choix-unique", "choix-multiple", "vrai-faux"]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR], ids=["learner", "tutor"])
def test_learners_and_tutors_are_refused(app, client, course, create_user, login, role):
    login(create_user(roles=role))
    assert client.get(_url(app)).status_code == 403
    assert client.get(_url(app, "gift.txt")).status_code == 403
    assert _post(client, app, text=GIFT).status_code == 403
    assert _draft_source(app) is None


MULTIPLE = "::Plusieurs::Lesquelles sont justes ?{~%50%Celle-ci ~%50%Celle-là ~%-100%Pas celle-ci}\n"


def test_multiple_answers_into_an_all_or_nothing_quiz_say_moodle_grades_them_otherwise(app, client, author):
    response = _post(client, app, text=MULTIPLE)
    assert response.status_code == 303
    page = client.get(_url(app)).text
    assert "Moodle donne un crédit partiel" in page and "flash-warning" in page


def test_no_grading_note_for_single_choice(app, client, author):
    _post(client, app, text=GIFT)
    assert "Moodle donne un crédit partiel" not in client.get(_url(app)).text


def test_no_grading_note_for_a_quiz_with_partial_credit(app, client, author):
    with app.app_context():
        quiz = db.session.scalar(select(Quiz))
        quiz.source = "partial_credit = true\n" + quiz.source  # the published file, the editors' working copy
        db.session.commit()
    assert _post(client, app, text=MULTIPLE).status_code == 303
    assert "Moodle donne un crédit partiel" not in client.get(_url(app)).text
