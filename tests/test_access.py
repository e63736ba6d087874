"""The access matrix: every route against every role, and anonymous visitors."""

import pytest
from flask import url_for

from app.auth.models import Role

#: Sample values for URL variables, valid in the test package.
URL_VALUES = {"module_slug": "bases", "reading_slug": "premiere", "attempt_id": 1, "phase": "before", "cohort_id": 1, "user_id": 1, "alert_id": 1, "reading_id": 1, "quiz_id": 1, "kind": "reading", "object_id": 1, "module_id": 1, "number": 1, "token": "x", "question_type": "single_choice", "question_key": "choix-unique"}
PUBLIC_ENDPOINTS = {"static", "auth.login", "main.index", "main.set_language", "auth.logout", "main.favicon"}
#: Blueprint whose pages need one role; others need only a signed-in user.
ROLE_OF_BLUEPRINT = {"tutoring": Role.TUTOR, "authoring": Role.AUTHOR, "admin": Role.ADMIN}


def _protected_get_urls(app) -> list[tuple[str, str]]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
                continue
            values = {name: URL_VALUES[name] for name in rule.arguments}
            urls.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return sorted(urls)


def test_every_route_is_covered(app):
    endpoints = {endpoint for endpoint, _ in _protected_get_urls(app)}
    assert {"tutoring.home", "authoring.home", "admin.home", "catalogue.course_map", "quizzes.take"} <= endpoints
    assert {"admin.anonymise", "admin.reactivity", "privacy.overview", "privacy.download"} <= endpoints


def test_anonymous_visitors_are_sent_to_sign_in(app, client, course):
    for endpoint, url in _protected_get_urls(app):
        response = client.get(url)
        assert response.status_code == 302, endpoint
        assert response.headers["Location"].startswith("/connexion?next="), endpoint


def test_anonymous_posts_are_sent_to_sign_in(client, course):
    for url in ("/cours/bases/premiere/lu", "/cours/bases/premiere", "/quiz/bases", "/autodiagnostic/before"):
        response = client.post(url, data={})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.name.lower())
def test_each_role_reaches_only_its_pages(app, client, course, create_user, login, role):
    login(create_user(roles=role))
    for endpoint, url in _protected_get_urls(app):
        needed = ROLE_OF_BLUEPRINT.get(endpoint.split(".")[0])
        status = client.get(url).status_code
        if needed is not None and needed != role:
            assert status == 403, (endpoint, status)
        else:
            assert status in (200, 404), (endpoint, status)  # 404: no attempt 1 for this user


def test_several_roles_add_up(app, client, course, create_user, login):
    login(create_user(roles=Role.LEARNER | Role.TUTOR | Role.AUTHOR))
    assert client.get("/tutorat/").status_code == 200
    assert client.get("/edition/").status_code == 200
    assert client.get("/admin/").status_code == 403


def test_learner_gets_french_403_pages(client, learner):
    for url in ("/tutorat/", "/edition/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Accès refusé" in response.text
