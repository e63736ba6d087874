"""What pages say in French: dates and times, plurals, labels said once, the site's icon."""

from datetime import UTC
from datetime import date
from datetime import datetime

from flask_babel import force_locale

from app.alerts.rules import AlertKind
from app.alerts.rules import reason_of
from app.auth.models import Role
from app.dates import date_text
from app.dates import datetime_text
from app.extensions import db
from app.quizzes.models import Quiz
from tests.helpers import act


def test_dates_and_times_are_written_the_french_way_in_paris_time(app):
    moment = datetime(2026, 12, 2, 0, 44, tzinfo=UTC)  # 1:44 in Paris (UTC+1 in December)
    with app.test_request_context():
        assert datetime_text(moment) == "2 décembre 2026 à 1 h 44"
        assert datetime_text(datetime(2026, 7, 1, 8, 5, tzinfo=UTC)) == "1 juillet 2026 à 10 h 05"  # summer time
        assert date_text(moment) == "2 décembre 2026"
        assert date_text(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1 janvier 2027"  # already next day in Paris
        assert date_text(date(2026, 12, 2), "day_month") == "2 décembre"
        assert date_text(date(2026, 12, 2), "weekday") == "mercredi 2 décembre"
        with force_locale("en"):
            assert datetime_text(moment) == "December 2, 2026 at 1:44 AM"
            assert date_text(date(2026, 12, 2)) == "December 2, 2026"


def test_templates_use_the_one_date_path():
    """No template picks its own pattern: the patterns live in app/dates.py, per language."""
    from tests.conftest import ROOT

    offenders = [str(p) for p in (ROOT / "app").rglob("*.html") if "dateformat" in p.read_text(encoding="utf-8")]
    assert not offenders, offenders


def test_one_item_is_singular_in_an_alert_reason(app):
    figures = {"days": 1, "done": 1, "total": 3, "expected": 2, "idle": 0, "last": None}
    with app.test_request_context():
        assert reason_of(AlertKind.BEHIND, figures) == "1 jour de retard : 1 élément sur 3 fait, le rythme en attendait 2."
        figures.update(days=4, done=2)
        assert reason_of(AlertKind.BEHIND, figures) == "4 jours de retard : 2 éléments sur 3 faits, le rythme en attendait 2."


def test_my_progress_says_one_attempt_and_one_item(app, client, learner):
    act(app, learner, "fail")
    page = client.get("/parcours/").text
    assert "1 tentative<" in page and "tentative(s)" not in page
    act(app, learner, "read", "premiere")
    page = client.get("/parcours/").text
    assert "1 élément terminé sur" in page and "1 éléments" not in page


def test_quiz_label_is_said_once_on_the_authors_home(app, client, create_user, login, course):
    with app.app_context():
        quiz = db.session.scalar(db.select(Quiz))
        quiz.title = "Quiz : les bases"
        db.session.commit()
    login(create_user(Role.AUTHOR))
    page = client.get("/edition/").text
    assert "Quiz : les bases : " in page and "Quiz : Quiz :" not in page


def test_the_site_has_an_icon(client):
    with client.get("/favicon.ico") as answer:
        assert answer.status_code == 200 and answer.mimetype == "image/svg+xml" and b"<svg" in answer.data
        assert "max-age" in answer.headers["Cache-Control"]
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/connexion").text
