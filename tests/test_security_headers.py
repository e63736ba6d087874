"""Every answer carries the security headers, built once; a view's own header wins."""

import sys

from app.security_headers import SecurityHeaders


def test_every_answer_carries_the_security_headers_once(client):
    for path, status in (("/connexion", 200), ("/cette-page-n-existe-pas", 404), ("/static/style.css", 200)):
        response = client.get(path)
        response.close()  # a static file's answer holds the file open
        assert response.status_code == status
        assert response.headers.get_all("Content-Security-Policy") == [response.headers["Content-Security-Policy"]]
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_are_never_stored_but_static_files_are_cached(client):
    assert client.get("/connexion").headers["Cache-Control"] == "no-store"
    static = client.get("/static/style.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_a_header_the_view_sets_is_kept(app):
    @app.get("/essai-en-tete")
    def own_header():
        return "ok", 200, {"Cache-Control": "max-age=60", "X-Frame-Options": "SAMEORIGIN"}

    response = app.test_client().get("/essai-en-tete")
    assert response.headers.get_all("Cache-Control") == ["max-age=60"]
    assert response.headers.get_all("X-Frame-Options") == ["SAMEORIGIN"]


def _answer(middleware: SecurityHeaders, path: str, own: list[tuple[str, str]] | None = None) -> dict[str, list[str]]:
    def app(environ, start_response):
        start_response("200 OK", list(own or []))
        return [b"ok"]

    seen = {}

    def start_response(status, headers, exc_info=None):
        for name, value in headers:
            seen.setdefault(name, []).append(value)

    middleware.wsgi_app = app
    assert list(middleware(app_environ(path), start_response)) == [b"ok"]
    return seen


def app_environ(path: str) -> dict:
    return {"PATH_INFO": path, "REQUEST_METHOD": "GET"}


def test_hsts_is_sent_only_when_asked_with_its_age():
    with_hsts = _answer(SecurityHeaders(None, static_prefix="/static/", hsts_max_age=123), "/cours/")
    assert with_hsts["Strict-Transport-Security"] == ["max-age=123; includeSubDomains"]
    assert "Strict-Transport-Security" not in _answer(SecurityHeaders(None, static_prefix="/static/", hsts_max_age=None), "/cours/")


def test_static_files_get_the_headers_but_not_no_store():
    answer = _answer(SecurityHeaders(None, static_prefix="/static/", hsts_max_age=None), "/static/style.css")
    assert answer["X-Frame-Options"] == ["DENY"] and answer["X-Content-Type-Options"] == ["nosniff"]
    assert "Cache-Control" not in answer
    page = _answer(SecurityHeaders(None, static_prefix="/static/", hsts_max_age=None), "/statique")
    assert page["Cache-Control"] == ["no-store"]


def test_a_header_set_in_any_case_is_kept_once():
    answer = _answer(SecurityHeaders(None, static_prefix="/static/", hsts_max_age=None), "/x", own=[("x-frame-options", "SAMEORIGIN")])
    assert answer["x-frame-options"] == ["SAMEORIGIN"] and "X-Frame-Options" not in answer
    assert answer["Content-Security-Policy"][0].startswith("default-src 'self'")


def test_an_error_start_passes_its_exception_on():
    caught = {}
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        error = sys.exc_info()

    def failing(environ, start_response):
        start_response("500 INTERNAL SERVER ERROR", [], error)
        return [b""]

    def start_response(status, headers, exc_info=None):
        caught["exc_info"] = exc_info

    list(SecurityHeaders(failing, static_prefix="/static/", hsts_max_age=None)({}, start_response))  # no PATH_INFO: a page
    assert caught["exc_info"] is error
