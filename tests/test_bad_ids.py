"""Integer ids beyond the database's range, in a URL or a query string, give 404 and never a 500."""

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from app import create_app
from app.auth.models import Role
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.services import assign_tutor
from app.extensions import db
from tests.conftest import app_config
from tests.test_access import PLACEHOLDERS
from tests.test_access import URL_VALUES

#: The first value a 32-bit id column refuses, and one beyond 64 bits (SQLite refuses it too).
BEYOND_RANGE = (2**31, 99999999999999999999)
EVERY_ROLE = Role.LEARNER | Role.TUTOR | Role.AUTHOR | Role.ADMIN


def _int_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    """Every (endpoint, method, integer arguments) of the app's routes with an integer converter."""
    app = create_app(app_config("sqlite://"))
    routes = []
    for rule in app.url_map.iter_rules():
        ints = tuple(name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if ints:
                routes.append((rule.endpoint, method, ints))
    return sorted(routes)


INT_ROUTES = _int_routes()


def _url(app, endpoint: str, ints: tuple[str, ...], value: int, which: str) -> str:
    """The route's URL with ``value`` in the integer argument ``which`` and valid values elsewhere."""
    rule = app.url_map._rules_by_endpoint[endpoint][0]
    values = {name: {**URL_VALUES, **PLACEHOLDERS}[name] for name in rule.arguments}
    values[which] = value
    with app.test_request_context():
        return url_for(endpoint, **values)


def test_every_integer_route_is_listed():
    endpoints = {endpoint for endpoint, _method, _ints in INT_ROUTES}
    assert {"quizzes.attempt", "tutoring.learner", "authoring.restore", "admin.cohort"} <= endpoints


@pytest.mark.parametrize("roles", [EVERY_ROLE, Role.LEARNER, None], ids=["every-role", "learner", "anonymous"])
def test_ids_beyond_range_give_404(app, client, course, create_user, login, roles):
    if roles is not None:
        login(create_user(roles=roles))
    wrong = []
    for endpoint, method, ints in INT_ROUTES:
        for which in ints:
            for value in BEYOND_RANGE:
                url = _url(app, endpoint, ints, value, which)
                response = client.open(url, method=method, data={})
                if response.status_code != 404 or "Page introuvable" not in response.get_data(as_text=True):
                    wrong.append((method, url, response.status_code))
    assert wrong == []


def test_the_largest_id_still_reaches_the_view(app, client, course, create_user, login):
    """The bound is the column's own: its largest value is an ordinary id that names nothing."""
    login(create_user(roles=EVERY_ROLE))
    wrong = []
    for endpoint, method, ints in INT_ROUTES:
        for which in ints:
            url = _url(app, endpoint, ints, 2**31 - 1, which)
            status = client.open(url, method=method, data={}).status_code
            if status not in (400, 404):
                wrong.append((method, url, status))
    assert wrong == []


@pytest.fixture
def cohort_id(app, cohort, enrolled, create_user, login):
    """A signed-in user holding every role, tutor of a cohort with one learner; return the cohort id."""
    staff = create_user(roles=EVERY_ROLE)
    enrolled()
    with app.app_context():
        assign_tutor(db.session.get(Cohort, cohort), db.session.get(User, staff.id))
        db.session.commit()
    assert login(staff).status_code == 302
    return cohort


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999"])
def test_query_string_ids_beyond_range_give_404(app, client, cohort_id, value):
    assert client.get(f"/tutorat/cohortes/{cohort_id}/relance?apprenant={value}").status_code == 404
    reading = URL_VALUES["reading_id"]
    history = f"/edition/reading/{reading}/historique"
    assert client.get(f"{history}?a={value}").status_code == 404
    assert client.get(f"{history}?a=1&b={value}").status_code == 404


@pytest.mark.parametrize("value", ["2147483648", "99999999999999999999", "-3", "abc"])
def test_page_numbers_beyond_range_never_fail(app, client, cohort_id, value):
    for url in ("/admin/", f"/admin/cohortes/{cohort_id}", f"/tutorat/cohortes/{cohort_id}", "/edition/retours/lectures/1"):
        response = client.get(f"{url}?page={value}")
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        assert response.status_code != 404 or value.lstrip("-").isdigit(), url


def test_a_bad_learner_id_in_the_query_string_is_refused(app, client, cohort_id):
    """``apprenant=abc`` names no learner: refuse it rather than writing to the whole table."""
    assert client.get(f"/tutorat/cohortes/{cohort_id}/relance?apprenant=abc").status_code == 404

