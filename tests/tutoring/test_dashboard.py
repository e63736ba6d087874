"""The tutor's cohort page: figures, pace chart, the learner table, the CSV export."""

import csv
import io

from app.accounts.services import set_account_active
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.models import Enrolment
from app.extensions import db
from app.tutoring import views
from tests.helpers import recorded_statements


def _names_in_table(page: str) -> list[str]:
    names = []
    for name in ("Alice Arnaud", "Bruno Blanc", "Chloé Chevalier"):
        if f">{name}</a></th>" in page:
            names.append((page.index(f">{name}</a></th>"), name))
    return [n for _, n in sorted(names)]


def test_cohort_page_shows_figures_chart_and_table(client, tutored):
    response = client.get(f"/tutorat/cohortes/{tutored.cohort_id}")
    assert response.status_code == 200
    page = response.text
    assert "<strong>3</strong> inscrits" in page and "<strong>2</strong> ont commencé" in page
    assert "<strong>1</strong> à jour" in page and "<strong>2</strong> en retard" in page
    assert '<svg class="cohort-chart"' in page and ">auj.</text>" in page
    assert _names_in_table(page) == ["Chloé Chevalier", "Bruno Blanc", "Alice Arnaud"]  # most days behind first
    assert "3 jours" in page


def test_chart_shows_the_weeks_kept_by_the_alert_run(client, runner, tutored):
    assert runner.invoke(args=["alerts", "run"]).exit_code == 0
    page = client.get(f"/tutorat/cohortes/{tutored.cohort_id}").text
    assert ">semaine 1</text>" in page and ">auj.</text>" in page
    # by the end of week 1 (8 November) nobody had done anything; the pace expected nothing yet
    assert '<th scope="row">semaine 1</th><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>' in page


def test_filter_behind_and_contactable(client, tutored):
    page = client.get(f"/tutorat/cohortes/{tutored.cohort_id}?statut=en_retard&contact=oui").text
    assert _names_in_table(page) == ["Chloé Chevalier"]
    assert "1 apprenant correspond." in page


def test_sort_by_name_and_search(client, tutored):
    page = client.get(f"/tutorat/cohortes/{tutored.cohort_id}?tri=nom&ordre=asc").text
    assert _names_in_table(page) == ["Alice Arnaud", "Bruno Blanc", "Chloé Chevalier"]
    page = client.get(f"/tutorat/cohortes/{tutored.cohort_id}?q=blanc").text
    assert _names_in_table(page) == ["Bruno Blanc"]


def test_column_headers_sort_the_table(client, tutored):
    page = client.get(f"/tutorat/cohortes/{tutored.cohort_id}").text
    assert '<th scope="col" aria-sort="descending"><a href="/tutorat/cohortes/1?tri=retard&amp;ordre=asc#apprenants">Retard</a></th>'.replace("/1?", f"/{tutored.cohort_id}?") in page
    assert f'<a href="/tutorat/cohortes/{tutored.cohort_id}?tri=nom&amp;ordre=asc#apprenants">Apprenant</a>' in page


def test_pagination(client, tutored, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    first = client.get(f"/tutorat/cohortes/{tutored.cohort_id}?tri=nom&ordre=asc").text
    assert _names_in_table(first) == ["Alice Arnaud", "Bruno Blanc"] and "Page 1 sur 2" in first
    second = client.get(f"/tutorat/cohortes/{tutored.cohort_id}?tri=nom&ordre=asc&page=2").text
    assert _names_in_table(second) == ["Chloé Chevalier"]
    assert "tri=nom" in second.split("Page précédente")[0].rsplit("href=", 1)[1]


def test_a_bad_filter_value_is_a_400_not_a_500(client, tutored):
    response = client.get(f"/tutorat/cohortes/{tutored.cohort_id}?statut=nimporte&page=x")
    assert response.status_code == 400
    assert "Chloé Chevalier" in response.text


def test_csv_export_lists_every_learner_and_neutralises_formulas(app, client, tutored):
    with app.app_context():
        db.session.get(User, tutored.bruno.id).display_name = "=HYPERLINK(\"http://evil\")"
        db.session.commit()
    response = client.get(f"/tutorat/cohortes/{tutored.cohort_id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment;" in response.headers["Content-Disposition"] and "2026-11-14.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Nom", "E-mail", "Éléments faits"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Alice Arnaud"][2:7] == ["2", "3", "67", "0", "À jour"]
    # The status column is in words, never the codes of the filter's URLs.
    assert {row[6] for row in rows[1:]} <= {"Pas commencé", "À jour", "En retard", "À risque", "Terminé"}
    assert len({row[6] for row in rows[1:]}) > 1
    assert by_name["Chloé Chevalier"][5] == "3" and by_name["Chloé Chevalier"][9] == "oui"
    assert "'=HYPERLINK(\"http://evil\")" in by_name


def _count_queries(app, client, url) -> int:
    with recorded_statements(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_queries_do_not_grow_with_the_cohort(app, client, tutored):
    url = f"/tutorat/cohortes/{tutored.cohort_id}"
    small = _count_queries(app, client, url)
    with app.app_context():
        users = [User(email=f"more{i}@example.org", display_name=f"Learner {i}", password_hash="x", roles=int(Role.LEARNER)) for i in range(40)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(Enrolment(cohort_id=tutored.cohort_id, user_id=u.id) for u in users)
        db.session.commit()
    assert _count_queries(app, client, url) == small <= 20


def test_tutor_home_lists_their_cohorts(client, tutored, app):
    with app.app_context():
        name = db.session.get(Cohort, tutored.cohort_id).name
    page = client.get("/tutorat/").text
    assert f">{name}</a></th>" in page and "<td>3</td>" in page


def test_a_deactivated_learner_is_shown_as_such_and_keeps_their_work(app, client, tutored):
    with app.app_context():
        set_account_active(tutored.alice.id, False)
        db.session.commit()
    page = client.get(f"/tutorat/cohortes/{tutored.cohort_id}").text
    row = next(line for line in page.split("<tr") if "Alice Arnaud" in line)
    assert "compte désactivé" in row and '<span class="meta">2/' in row  # her two readings still count
    assert "compte désactivé" not in next(line for line in page.split("<tr") if "Bruno Blanc" in line)
    record = client.get(f"/tutorat/cohortes/{tutored.cohort_id}/apprenants/{tutored.alice.id}").text
    assert "Ce compte a été désactivé par un administrateur" in record
