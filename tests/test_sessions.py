"""The session cookie: verified once per process, never trusted beyond its signature and age,
and written back only when the session changed."""

import time

import pytest

from app.sessions import CachedCookieSessionInterface

JOURNEY_PAGES = ("/cours/", "/cours/bases/", "/cours/bases/premiere", "/quiz/bases", "/parcours/")


def signed_cookie(app, data: dict) -> str:
    """Return a session cookie holding ``data``, signed with the app's key."""
    return app.session_interface.get_signing_serializer(app).dumps(data)


def opened(app, cookie: str):
    """Return the session the app opens for a request carrying ``cookie``."""
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as context:
        return app.session_interface.open_session(app, context.request)


def test_the_app_uses_the_cached_interface(app):
    assert isinstance(app.session_interface, CachedCookieSessionInterface)


@pytest.mark.parametrize("path", JOURNEY_PAGES)
def test_a_page_view_leaves_the_cookie_alone(client, learner, path):
    client.get(path)  # the first form of a session stores its CSRF secret: that one changes it
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers.get_all("Set-Cookie") == []


def test_a_changed_session_is_written_back(client, learner):
    client.get("/cours/bases/premiere")
    answer = client.post("/cours/bases/premiere/lu")  # a flash message is stored in the session
    assert any(cookie.startswith("session=") for cookie in answer.headers.get_all("Set-Cookie"))


def test_a_remembered_cookie_is_read_again_the_same(app):
    cookie = signed_cookie(app, {"lang": "en", "n": 1})
    assert dict(opened(app, cookie)) == dict(opened(app, cookie)) == {"lang": "en", "n": 1}


def test_a_tampered_cookie_is_refused_after_the_genuine_one_was_remembered(app):
    cookie = signed_cookie(app, {"_user_id": "1"})
    assert opened(app, cookie)["_user_id"] == "1"
    payload, signature = cookie.rsplit(".", 1)
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert dict(opened(app, forged)) == {}


def test_a_remembered_cookie_still_expires(app, monkeypatch):
    cookie = signed_cookie(app, {"_user_id": "1"})
    assert opened(app, cookie)["_user_id"] == "1"
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert dict(opened(app, cookie)) == {}


def test_each_request_gets_its_own_copy_of_nested_values(app):
    cookie = signed_cookie(app, {"_flashes": [["success", "Lecture marquée comme lue."]]})
    first = opened(app, cookie)
    first["_flashes"].append(["success", "Une autre."])  # what flash() does to the list
    assert len(opened(app, cookie)["_flashes"]) == 1


def test_a_key_rotation_stops_trusting_remembered_cookies(app):
    cookie = signed_cookie(app, {"_user_id": "1"})
    assert opened(app, cookie)["_user_id"] == "1"
    app.secret_key = "another-secret-key-for-this-test-0123456789"
    assert dict(opened(app, cookie)) == {}



def test_a_remembered_cookie_is_not_verified_again(app, monkeypatch):
    serializer = app.session_interface.get_signing_serializer(app)
    assert app.session_interface.get_signing_serializer(app) is serializer  # built once per key
    cookie = signed_cookie(app, {"_user_id": "1"})
    checks = []
    real_loads = serializer.loads
    monkeypatch.setattr(serializer, "loads", lambda *args, **kwargs: checks.append(1) or real_loads(*args, **kwargs))
    for _ in range(3):
        assert opened(app, cookie)["_user_id"] == "1"
    assert len(checks) == 1


def test_an_old_key_named_as_a_fallback_is_trusted_from_then_on(app):
    cookie = signed_cookie(app, {"_user_id": "1"})
    old_key = app.secret_key
    app.secret_key = "the-new-secret-key-after-a-rotation-0123456789"
    assert dict(opened(app, cookie)) == {}
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert opened(app, cookie)["_user_id"] == "1"


def test_nested_values_are_copied_all_the_way_down(app):
    cookie = signed_cookie(app, {"_flashes": [["success", "Lecture marquée comme lue."]]})
    opened(app, cookie)["_flashes"][0][1] = "changé"
    assert opened(app, cookie)["_flashes"][0][1] == "Lecture marquée comme lue."
