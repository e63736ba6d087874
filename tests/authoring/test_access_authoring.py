"""Learners and tutors get 403 on every authoring page and action; authors get 403 on tutor pages."""

import pytest
from flask import url_for

from app.auth.models import Role
from tests.test_access import URL_VALUES


def _authoring_urls(app, method: str) -> list[str]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("authoring.") and method in rule.methods:
                urls.append(url_for(rule.endpoint, **{name: URL_VALUES.get(name, 1) for name in rule.arguments}))
    return sorted(urls)


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TUTOR, Role.ADMIN])
def test_other_roles_get_403_on_every_authoring_action(app, client, course, create_user, login, role):
    login(create_user(roles=role))
    posts = _authoring_urls(app, "POST")
    assert len(posts) >= 7
    for url in posts:
        assert client.post(url, data={"slug": "x", "title": "x", "direction": "up", "archived": "1", "body": "x"}).status_code == 403, url
    for url in _authoring_urls(app, "GET"):
        assert client.get(url).status_code == 403, url


def test_authors_get_403_on_tutor_pages(app, client, course, create_user, login):
    login(create_user(roles=Role.AUTHOR))
    for url in ("/tutorat/", "/tutorat/cohortes/1", "/tutorat/cohortes/1/export.csv", "/tutorat/cohortes/1/apprenants/1"):
        assert client.get(url).status_code == 403, url
