"""The authors' insight pages: verdicts and comments per reading, figures per question, never a learner's identity."""

import re
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.authoring.insights_queries import quiz_stats
from app.catalogue.models import Reading
from app.extensions import db
from app.progress.models import FeedbackRating
from app.progress.models import ReadingFeedback
from app.quizzes.models import AttemptAnswer
from app.quizzes.models import Question
from app.quizzes.models import Quiz
from app.quizzes.models import QuizAttempt
from tests.helpers import recorded_statements

HOME = "/edition/retours/"
#: The learner whose identity must never reach an author's page.
SECRET_NAME, SECRET_EMAIL = "Zoé Secrète", "zoe.secrete@example.org"
T0 = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def insights_author(client, create_user, login, course):
    """Sign in an author on the test package."""
    login(create_user(roles=Role.AUTHOR, name="Alex Auteur"))


@pytest.fixture
def learners(create_user):
    """Return a callable creating ``n`` learners and returning their ids; the very first one is the secret learner."""
    created = []

    def _learners(n: int) -> list[int]:
        ids = [] if created else [create_user(name=SECRET_NAME, email=SECRET_EMAIL).id]
        ids += [create_user(name=f"Apprenant {len(created) + i}").id for i in range(len(ids), n)]
        created.extend(ids)
        return ids

    return _learners


def _ids(app) -> tuple[dict[str, int], int, dict[str, Question]]:
    """Return the reading ids by slug, the quiz id and the live questions by key."""
    with app.app_context():
        readings = dict(db.session.execute(select(Reading.slug, Reading.id)).tuples().all())
        quiz_id = db.session.scalar(select(Quiz.id))
        questions = {q.key: q for q in db.session.scalars(select(Question).where(Question.is_archived.is_(False)))}
        db.session.expunge_all()
    return readings, quiz_id, questions


def _give(app, reading_id: int, user_ids: list[int], ratings: list[FeedbackRating], comments: list[str | None] | None = None) -> None:
    """Store one verdict (and comment) per learner on a reading, an hour apart, the first one oldest."""
    comments = comments or [None] * len(ratings)
    with app.app_context():
        for n, (user_id, rating, comment) in enumerate(zip(user_ids, ratings, comments, strict=False)):
            db.session.add(
                ReadingFeedback(
                    user_id=user_id, reading_id=reading_id, rating=rating.value, comment=comment, updated_dt=T0 + timedelta(hours=n)
                )
            )
        db.session.commit()


def _attempt(app, user_id: int, quiz_id: int, answers: dict[int, bool]) -> None:
    """Store a graded attempt answering question id -> right or wrong."""
    with app.app_context():
        right = sum(answers.values())
        attempt = QuizAttempt(
            user_id=user_id,
            quiz_id=quiz_id,
            token=uuid.uuid4().hex,
            quiz_revision=1,
            correct_count=right,
            question_count=len(answers),
            score=right / len(answers),
            is_passed=right == len(answers),
        )
        db.session.add(attempt)
        db.session.flush()
        for position, (question_id, is_correct) in enumerate(answers.items(), start=1):
            db.session.add(
                AttemptAnswer(attempt_id=attempt.id, question_id=question_id, position=position, response=[], is_correct=is_correct)
            )
        db.session.commit()


def _row(html: str, text: str) -> str:
    """Return the table row of ``html`` that contains ``text``."""
    rows = [row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if text in row]
    assert len(rows) == 1, (text, len(rows))
    return re.sub(r"\s+", " ", rows[0])


def _cells(row: str) -> list[str]:
    """Return the text of a row's data cells, spaces (narrow or not) as plain spaces."""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]


def _assert_anonymous(html: str) -> None:
    assert SECRET_NAME not in html and "Secrète" not in html and SECRET_EMAIL not in html and "Apprenant 1" not in html


# Readings


def test_the_readings_table_counts_each_verdict_with_its_share(app, client, insights_author, learners):
    readings, _quiz, _questions = _ids(app)
    users = learners(5)
    _give(
        app,
        readings["premiere"],
        users,
        [FeedbackRating.CLEAR] * 3 + [FeedbackRating.UNCLEAR, FeedbackRating.TOO_LONG],
        ["Très clair.", None, None, "Je n'ai pas compris.", None],
    )
    _give(app, readings["seconde"], users[:4], [FeedbackRating.UNCLEAR] * 4)
    page = client.get(HOME).text
    first = _row(page, "Première lecture")
    assert _cells(first)[1:6] == ["3 (60 %)", "1 (20 %)", "1 (20 %)", "5", "2"]
    assert "À revoir" not in first  # 20 % is not over 30 %
    second = _row(page, "Seconde lecture")
    assert "<td>4</td>" in second and "À revoir" not in second  # 100 % "pas clair", but only 4 verdicts
    assert f'href="/edition/retours/lectures/{readings["premiere"]}"' in first
    _assert_anonymous(page)


def test_a_reading_with_many_unclear_verdicts_stands_out(app, client, insights_author, learners):
    readings, _quiz, _questions = _ids(app)
    users = learners(5)
    _give(app, readings["seconde"], users, [FeedbackRating.CLEAR] * 3 + [FeedbackRating.UNCLEAR] * 2)
    page = client.get(HOME).text
    assert "À revoir : « pas clair »" in _row(page, "Seconde lecture")  # 40 % of 5 verdicts
    assert re.search(r"plus de 30\W% de ses avis disent", page)
    sorted_page = client.get(HOME + "?tri=pas_clair").text
    assert sorted_page.index("Seconde lecture") < sorted_page.index("Première lecture")
    assert "la plus forte part de « pas clair » d'abord" in sorted_page
    default = client.get(HOME).text
    assert default.index("Première lecture") < default.index("Seconde lecture")


@pytest.mark.parametrize("query", ["?tri=nimporte", "?tri=", "?tri=%00", "?page=abc"])
def test_a_bad_sort_falls_back_to_the_course_order(client, insights_author, query):
    response = client.get(HOME + query)
    assert response.status_code == 200
    assert "dans l'ordre du cours" in response.text


def test_archived_readings_are_listed_and_marked(app, client, insights_author):
    readings, _quiz, _questions = _ids(app)
    with app.app_context():
        db.session.get(Reading, readings["seconde"]).is_archived = True
        db.session.commit()
    page = client.get(HOME).text
    assert "archivée" in _row(page, "Seconde lecture") and "archivée" not in _row(page, "Première lecture")


def test_a_readings_comments_show_text_and_date_newest_first_without_names(app, client, insights_author, learners):
    readings, _quiz, _questions = _ids(app)
    users = learners(3)
    _give(
        app,
        readings["premiere"],
        users,
        [FeedbackRating.CLEAR, FeedbackRating.TOO_LONG, FeedbackRating.UNCLEAR],
        ["Le plus ancien.", "Ligne un\nLigne deux <b>", ""],
    )
    page = client.get(f"/edition/retours/lectures/{readings['premiere']}").text
    assert "2 commentaires, du plus récent au plus ancien." in page  # the empty comment is not one
    assert page.index("Ligne un<br>Ligne deux &lt;b&gt;") < page.index("Le plus ancien.")
    assert '<time datetime="2026-11-10T10:00:00+00:00">10 novembre 2026 à 11 h 00</time>' in page  # Paris time
    assert re.search(r"<th scope=\"row\">Trop long</th><td>1 <span class=\"meta\">\(33\W%\)</span>", page)
    _assert_anonymous(page)


def test_comments_come_a_page_at_a_time(app, client, insights_author, learners):
    readings, _quiz, _questions = _ids(app)
    users = learners(25)
    _give(app, readings["seconde"], users, [FeedbackRating.CLEAR] * 25, [f"Commentaire numéro {n:02d}." for n in range(25)])
    url = f"/edition/retours/lectures/{readings['seconde']}"
    first = client.get(url).text
    assert "25 commentaires" in first and "Commentaire numéro 24." in first and "Commentaire numéro 05." in first
    assert "Commentaire numéro 04." not in first and "Page 1 sur 2" in first
    second = client.get(url + "?page=2").text
    assert "Commentaire numéro 04." in second and "Commentaire numéro 00." in second and "Commentaire numéro 05." not in second
    for query, page in (("?page=abc", 1), ("?page=-3", 1), ("?page=0", 1), ("?page=99999999999999999999", 2)):
        response = client.get(url + query)
        assert response.status_code == 200 and f"Page {page} sur 2" in response.text, query


def test_a_reading_without_feedback_says_so(app, client, insights_author):
    readings, _quiz, _questions = _ids(app)
    page = client.get(f"/edition/retours/lectures/{readings['premiere']}").text
    assert "0 commentaires, du plus récent au plus ancien." in page and "aucun avis" in page


# Questions


def _known_quiz(app, learners, count: int = 10) -> tuple[int, dict[str, Question]]:
    """Store ``count`` attempts (at most 10) whose figures are worked out in the test below."""
    _readings, quiz_id, questions = _ids(app)
    one, two, three = (questions[k].id for k in ("choix-unique", "choix-multiple", "vrai-faux"))
    users = learners(count)
    for i, user_id in enumerate(users):
        _attempt(app, user_id, quiz_id, {one: i >= 3, two: i in (2, 7, 8), three: True})
    return quiz_id, questions


def test_each_question_shows_answers_share_right_discrimination_and_flag(app, client, insights_author, learners):
    # Scores: attempts 0-1 score 1/3, 2-6 and 9 score 2/3, 7-8 score 3/3. Groups of 3: lower 0, 1, 2;
    # upper 7, 8 and 9 (the latest of the 2/3). choix-unique: (3 - 0) / 3; choix-multiple: (2 - 1) / 3.
    quiz_id, _questions = _known_quiz(app, learners)
    page = client.get(f"/edition/retours/quiz/{quiz_id}").text
    single = _row(page, "Quelle option est juste ?")
    assert "Une seule réponse" in single and "Première lecture" in single
    assert "<td>10</td>" in single and "(7 sur 10)" in single and "<td>1,00</td>" in single and "Trop" not in single
    multiple = _row(page, "Quelles options sont justes ?")
    assert "Plusieurs réponses possibles" in multiple and "Seconde lecture" in multiple
    assert "(3 sur 10)" in multiple and "<td>0,33</td>" in multiple and "Trop" not in multiple  # exactly 30 %: no flag
    true_false = _row(page, "Cet énoncé est faux.")
    assert "Vrai ou faux" in true_false and "(10 sur 10)" in true_false and "<td>0,00</td>" in true_false
    assert "Trop facile ?" in true_false
    assert "les 27 % les mieux notées" in page
    _assert_anonymous(page)


def test_fewer_than_ten_attempts_give_no_index_and_no_flag(app, client, insights_author, learners):
    quiz_id, _questions = _known_quiz(app, learners, count=9)
    page = client.get(f"/edition/retours/quiz/{quiz_id}").text
    true_false = _row(page, "Cet énoncé est faux.")
    assert "(9 sur 9)" in true_false and "moins de 10 tentatives" in true_false and "Trop facile" not in true_false
    assert "en dessous de 10 tentatives" in page


def test_archived_versions_are_listed_apart_and_not_counted_with_the_live_one(app, client, insights_author, learners):
    quiz_id, questions = _known_quiz(app, learners)
    live = questions["choix-unique"]
    with app.app_context():
        old = Question(
            quiz_id=quiz_id,
            key=live.key,
            type=live.type,
            prompt="Ancienne version de la question",
            explanation="",
            reading_id=live.reading_id,
            data=live.data,
            position=live.position,
            is_archived=True,
        )
        unanswered = Question(
            quiz_id=quiz_id,
            key="retiree",
            type=live.type,
            prompt="Question retirée sans réponse",
            explanation="",
            reading_id=live.reading_id,
            data=live.data,
            position=9,
            is_archived=True,
        )
        db.session.add_all([old, unanswered])
        db.session.commit()
        old_id = old.id
    user = learners(1)[0]
    _attempt(app, user, quiz_id, {old_id: False})
    _attempt(app, user, quiz_id, {old_id: True})
    page = client.get(f"/edition/retours/quiz/{quiz_id}").text
    live_part, archived_part = page.split('id="archivees"')
    assert "(7 sur 10)" in _row(live_part, "Quelle option est juste ?")
    old_row = _row(archived_part, "Ancienne version de la question")
    assert "version archivée" in old_row and "<td>2</td>" in old_row and "(1 sur 2)" in old_row
    assert "Question retirée sans réponse" not in page


def test_the_quiz_figures_take_three_queries_whatever_the_number_of_attempts(app, course, learners):
    quiz_id, _questions = _known_quiz(app, learners)
    with app.app_context():
        quiz = db.session.get(Quiz, quiz_id)
        with recorded_statements(app) as statements:
            stats = quiz_stats(quiz)
    assert len(statements) == 3
    assert [line.answers for line in stats.live] == [10, 10, 10]


def test_the_overview_lists_each_quiz_with_its_attempts(app, client, insights_author, learners):
    quiz_id, _questions = _known_quiz(app, learners)
    page = client.get(HOME).text
    assert f'<a href="/edition/retours/quiz/{quiz_id}">Quiz des bases</a>' in page and "10 tentatives" in page


# Access


def _urls(app) -> list[str]:
    readings, quiz_id, _questions = _ids(app)
    return [HOME, f"/edition/retours/lectures/{readings['premiere']}", f"/edition/retours/quiz/{quiz_id}"]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR, Role.ADMIN], ids=["learner", "tutor", "admin"])
def test_only_authors_see_the_insights(app, client, course, create_user, login, role):
    login(create_user(roles=role))
    for url in _urls(app):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(app, client, course):
    for url in _urls(app):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/connexion?next="), url


def test_unknown_readings_and_quizzes_answer_404(client, insights_author):
    assert client.get("/edition/retours/lectures/9999").status_code == 404
    assert client.get("/edition/retours/quiz/9999").status_code == 404


def test_the_authoring_home_links_to_the_insights(client, insights_author):
    assert f'href="{HOME}"' in client.get("/edition/").text
