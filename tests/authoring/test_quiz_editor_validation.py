"""The quiz editor's validation: each question type's rules at their edges, shown next to the fields, nothing saved."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.authoring.models import Draft
from app.catalogue.models import Reading
from app.extensions import db
from tests.authoring.test_quiz_editor import editor_url
from tests.authoring.test_quiz_editor import options
from tests.authoring.test_quiz_editor import question_form
from tests.authoring.test_quiz_editor import settings_form
from tests.authoring.test_quiz_editor import working_questions


def _no_draft(app) -> bool:
    with app.app_context():
        return db.session.scalar(select(Draft)) is None


def _error_of(page: str, field_id: str) -> str:
    """Return the error message shown next to a field (or a group of fields)."""
    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return unescape(found.group(1)) if found else ""


SIX = [(f"Option {i}", i == 1, f"Retour {i}.") for i in range(1, 7)]


@pytest.mark.parametrize(("kind", "changes", "field_id", "message"), [
    pytest.param("single_choice", options(("A", True, "Oui."), ("B", True, "Oui aussi.")), "options",
                 "Une question « Une seule réponse » doit avoir exactement une option correcte (trouvé : 2)", id="single-two-right"),
    pytest.param("single_choice", options(("A", False, "Non."), ("B", False, "Non plus.")), "options",
                 "Une question « Une seule réponse » doit avoir exactement une option correcte (trouvé : 0)", id="single-none-right"),
    pytest.param("single_choice", options(("A", True, "Oui.")), "options",
                 "Une question « Une seule réponse » doit avoir entre 2 et 6 options", id="single-one-option"),
    pytest.param("multiple_choice", options(("A", True, "Oui."), ("B", False, "Non.")), "options",
                 "Une question « Plusieurs réponses possibles » doit avoir entre 3 et 6 options", id="multiple-two-options"),
    pytest.param("multiple_choice", options(("A", False, "Non."), ("B", False, "Non."), ("C", False, "Non.")), "options",
                 "Une question « Plusieurs réponses possibles » doit avoir au moins une option correcte", id="multiple-none-right"),
    pytest.param("single_choice", options(("A", True, "Oui."), ("B", False, "")), "options-1-feedback",
                 "Écrivez le retour de cette option : chaque option a le sien.", id="option-without-feedback"),
    pytest.param("single_choice", options(("A", True, "Oui."), ("", False, "Un retour sans option.")), "options-1-text",
                 "Écrivez le texte de cette option, ou videz toute la ligne.", id="feedback-without-option"),
    pytest.param("single_choice", options(("A", True, "Oui."), ("", True, "")), "options-1-text",
                 "Écrivez le texte de cette option, ou videz toute la ligne.", id="ticked-empty-row"),
    pytest.param("single_choice", options(("", False, ""), ("", False, "")), "options",
                 "Écrivez les options de la question (les lignes laissées vides sont ignorées).", id="no-option"),
    pytest.param("single_choice", {"prompt": "  "}, "prompt", "Écrivez la question.", id="no-prompt"),
    pytest.param("multiple_choice", {"explanation": ""}, "explanation", "Expliquez pourquoi la bonne réponse est la bonne.", id="no-explanation"),
    pytest.param("single_choice", {"reading": ""}, "reading", "Choisissez la lecture qui répond à la question.", id="no-reading"),
    pytest.param("single_choice", {"reading": "inconnue"}, "reading", "Choisissez une lecture de la liste.", id="unknown-reading"),
    pytest.param("true_false", {"answer": ""}, "answer", "Indiquez si l'énoncé est vrai ou faux.", id="no-answer"),
    pytest.param("true_false", {"answer": "peut-etre"}, "answer", "Indiquez si l'énoncé est vrai ou faux.", id="bad-answer"),
    pytest.param("true_false", {"feedback_false": " "}, "feedback_false", "Écrivez le retour montré à qui répond Faux.", id="no-feedback-false"),
    pytest.param("single_choice", {"prompt": "x" * 1001}, "prompt", "1000", id="prompt-too-long"),
])
def test_a_bad_question_is_refused_with_its_reason_next_to_the_field(app, client, author, kind, changes, field_id, message):
    data = question_form(kind, **changes)
    if "options-0-text" in changes:  # the rows given replace the sample's
        data = {k: v for k, v in data.items() if not k.startswith("options-") or k in changes}
    response = client.post(editor_url(app, f"/nouvelle-question/{kind}"), data=data)
    assert response.status_code == 400
    page = response.text
    assert message in _error_of(page, field_id)
    summary = unescape(page.split('<div class="error-summary" role="alert">')[1].split("</div>")[0])
    assert f'href="#{field_id}"' in summary and message in summary
    assert "Erreur ·" in page.split("</title>")[0]
    assert _no_draft(app)


@pytest.mark.parametrize(("kind", "rows"), [
    pytest.param("single_choice", [("A", True, "Oui."), ("B", False, "Non.")], id="single-two-options"),
    pytest.param("single_choice", SIX, id="single-six-options"),
    pytest.param("multiple_choice", [("A", True, "Oui."), ("B", True, "Oui."), ("C", True, "Oui.")], id="multiple-all-right"),
    pytest.param("multiple_choice", SIX, id="multiple-six-options"),
])
def test_questions_at_the_edges_of_the_rules_are_accepted(app, client, author, kind, rows):
    data = {k: v for k, v in question_form(kind).items() if not k.startswith("options-")} | options(*rows)
    assert client.post(editor_url(app, f"/nouvelle-question/{kind}"), data=data).status_code == 303
    assert len(working_questions(app)[-1]["options"]) == len(rows)


def test_empty_rows_between_options_are_ignored(app, client, author):
    data = {k: v for k, v in question_form().items() if not k.startswith("options-")}
    data |= {"options-0-text": "A", "options-0-correct": "y", "options-0-feedback": "Oui.", "options-3-text": "B", "options-3-feedback": "Non."}
    assert client.post(editor_url(app, "/nouvelle-question/single_choice"), data=data).status_code == 303
    assert [o["text"] for o in working_questions(app)[-1]["options"]] == ["A", "B"]


def test_a_question_whose_reading_was_archived_says_so_on_the_reading(app, client, author):
    with app.app_context():
        db.session.scalar(select(Reading).where(Reading.slug == "premiere")).is_archived = True
        db.session.commit()
    url = editor_url(app, "/questions/choix-unique")
    assert '<option selected value="premiere">premiere (archivée ou inconnue)</option>' in client.get(url).text
    response = client.post(url, data=question_form(reading="premiere"))
    assert response.status_code == 400
    assert _error_of(response.text, "reading") == "Lecture inconnue ou archivée : premiere"
    assert _no_draft(app)


@pytest.mark.parametrize(("changes", "field_id", "message"), [
    ({"pass_mark": "0"}, "pass_mark", "Entre 1 et 100."),
    ({"pass_mark": "101"}, "pass_mark", "Entre 1 et 100."),
    ({"pass_mark": ""}, "pass_mark", "Indiquez un pourcentage."),
    ({"pass_mark": "beaucoup"}, "pass_mark", "entier"),
    ({"estimated_minutes": "241"}, "estimated_minutes", "Entre 1 et 240."),
    ({"title": ""}, "title", "Indiquez un titre."),
])
def test_bad_settings_are_refused_next_to_their_field(app, client, author, changes, field_id, message):
    response = client.post(editor_url(app), data=settings_form(**changes, publish="Publier"))
    assert response.status_code == 400 and message in _error_of(response.text, field_id)
    assert _no_draft(app)


@pytest.mark.parametrize("pass_mark", ["1", "100"])
def test_settings_at_the_edges_are_accepted(app, client, author, pass_mark):
    assert client.post(editor_url(app), data=settings_form(pass_mark=pass_mark, save="Enregistrer")).status_code == 303


def test_a_garbled_form_is_a_400_not_a_500(app, client, author):
    response = client.post(editor_url(app, "/questions/choix-unique"), data={"prompt": "Sans le reste"})
    assert response.status_code == 400 and "Le formulaire a expiré ou est incomplet" in unescape(response.text)
    response = client.post(editor_url(app, "/nouvelle-question/true_false"), data=question_form("true_false", version="x"))
    assert response.status_code == 409  # an unreadable version is treated as stale, like the other editors
    assert _no_draft(app)
