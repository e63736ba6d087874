"""The access matrix: every route against every role, and anonymous visitors."""

from datetime import date

import pytest
from flask import url_for
from sqlalchemy import select

from app.activities.models import Activity
from app.activities.services import Attachment
from app.activities.services import save_answer
from app.auth.models import Role
from app.auth.models import User
from app.certificates.models import Certificate
from app.cohorts.models import Cohort
from app.cohorts.services import assign_tutor
from app.cohorts.services import enrol
from app.extensions import db
from app.package.uploads import package_zip
from app.package.uploads import stage_upload
from app.quizzes.models import QuizAttempt
from tests.helpers import act

#: Sample values for URL variables, valid in the test package; the world fixture adds the ids
#: of the cohort, learner, attempt and upload it creates.
URL_VALUES = {"module_slug": "bases", "reading_slug": "premiere", "phase": "before", "alert_id": 1, "reading_id": 1, "quiz_id": 1, "kind": "reading", "object_id": 1, "module_id": 1, "number": 1, "question_type": "single_choice", "question_key": "choix-unique", "activity_slug": "mise-en-pratique", "version": 1}
WORLD_VALUES = {"cohort_id", "user_id", "attempt_id", "token", "submission_id", "certificate_id"}
PUBLIC_ENDPOINTS = {"certificates.verify", "static", "auth.login", "main.index", "main.set_language", "auth.logout", "main.favicon", "accounts.forgot_password", "accounts.accept_invitation", "accounts.reset_password", "auth.second_factor", "auth.sso_start", "auth.sso_callback"}
#: Blueprint whose pages need one role; others need only a signed-in user.
ROLE_OF_BLUEPRINT = {"tutoring": Role.TUTOR, "authoring": Role.AUTHOR, "admin": Role.ADMIN, "reports": Role.ADMIN}
PLACEHOLDERS = {"cohort_id": 1, "user_id": 1, "attempt_id": 1, "token": "x", "submission_id": 1, "certificate_id": 1}


def _urls(app, values: dict, method: str) -> list[tuple[str, str]]:
    """(endpoint, sample URL) of every protected rule answering ``method`` (POST: only POST-only rules)."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in PUBLIC_ENDPOINTS or method not in rule.methods:
                continue
            if method == "POST" and "GET" in rule.methods:
                continue  # a page with a form: its GET is in the matrix, its POST has its own tests
            urls.append((rule.endpoint, url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})))
    return sorted(urls)


def _protected_get_urls(app, values: dict | None = None) -> list[tuple[str, str]]:
    return _urls(app, values or {**URL_VALUES, **PLACEHOLDERS}, "GET")


@pytest.fixture
def world(app, course_with_activity, cohort, create_user, login):
    """Return a callable signing in a user with a role, in a world where every sample URL names a
    real object this user may see: a cohort they tutor, its learner, their own quiz attempt and upload,
    their own answer to the activity and the learner's."""

    def _world(role: Role) -> dict:
        user = create_user(roles=role)
        learner = create_user(name="Chloé Dupont")
        act(app, user, "fail")
        with app.app_context():
            the_cohort = db.session.get(Cohort, cohort)
            enrol(the_cohort, db.session.get(User, learner.id))
            assign_tutor(the_cohort, db.session.get(User, user.id))
            token = stage_upload(user.id, "paquet.zip", package_zip()).token
            attempt_id = db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.user_id == user.id))
            activity = db.session.scalar(select(Activity))
            for someone in (user, learner):
                submission_id = save_answer(someone, activity, "Ma réponse.", Attachment("notes.txt", "text/plain", b"notes"), submit=True).id
            certificate = Certificate(user_id=learner.id, code="ABCD-EFGH-JKLM-NPQR", learner_name="Chloé Dupont", course_title="Le cours",
                                      started_on=date(2026, 11, 2), completed_on=date(2026, 11, 20), minutes=420)
            db.session.add(certificate)
            db.session.commit()
            certificate_id = certificate.id
        assert login(user).status_code == 302
        return {**URL_VALUES, "cohort_id": cohort, "user_id": learner.id, "attempt_id": attempt_id, "token": token, "submission_id": submission_id,
                "certificate_id": certificate_id}

    return _world


def test_every_route_is_covered(app):
    """Every rule is either public or in the matrix, with a sample value for each of its variables
    whose URL reaches that very rule (not another one that shadows it)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert PUBLIC_ENDPOINTS <= endpoints, PUBLIC_ENDPOINTS - endpoints
    variables = {name for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC_ENDPOINTS for name in rule.arguments}
    assert variables <= set(URL_VALUES) | WORLD_VALUES, variables - set(URL_VALUES) - WORLD_VALUES
    matched = app.url_map.bind("localhost")
    for method in ("GET", "POST"):
        for endpoint, url in _urls(app, {**URL_VALUES, **PLACEHOLDERS}, method):
            assert matched.match(url, method=method)[0] == endpoint, url
    # The matrix tries GET and POST: a rule answering another method would escape it.
    other_methods = {rule.endpoint: rule.methods - {"GET", "POST", "HEAD", "OPTIONS"} for rule in app.url_map.iter_rules()}
    assert not {e: m for e, m in other_methods.items() if m}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_visitors_are_sent_to_sign_in(app, client, course, method):
    for endpoint, url in _urls(app, {**URL_VALUES, **PLACEHOLDERS}, method):
        response = client.open(url, method=method)
        assert response.status_code == 302, endpoint
        assert response.headers["Location"].startswith("/connexion"), endpoint


def test_anonymous_posts_are_sent_to_sign_in(client, course):
    for url in ("/cours/bases/premiere/lu", "/cours/bases/premiere", "/quiz/bases", "/autodiagnostic/before"):
        response = client.post(url, data={})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.name.lower())
def test_each_role_reaches_only_its_pages(app, client, world, role):
    """Pages of another role answer 403; every other page answers 200, its objects being real."""
    values = world(role)
    for endpoint, url in _protected_get_urls(app, values):
        needed = ROLE_OF_BLUEPRINT.get(endpoint.split(".")[0])
        status = client.get(url).status_code
        assert status == (403 if needed is not None and needed != role else 200), (endpoint, url, status)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.name.lower())
def test_each_role_cannot_act_on_other_roles_pages(app, client, world, role):
    """Every POST-only action of another role's area answers 403 and never reaches its view."""
    values = world(role)
    for endpoint, url in _urls(app, values, "POST"):
        needed = ROLE_OF_BLUEPRINT.get(endpoint.split(".")[0])
        if needed is not None and needed != role:
            assert client.post(url, data={}).status_code == 403, (endpoint, url)


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
