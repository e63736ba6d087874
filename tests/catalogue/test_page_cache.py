"""The reading page is cached per revision and learner state, never across learners or stale content."""

import re

from app.auth.models import Role
from app.page_cache import CSRF_HOLE
from app.page_cache import PageCache
from tests.conftest import DATA_DIR

CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def test_cached_page_carries_each_sessions_own_csrf_token(make_app, create_user):
    app = make_app(WTF_CSRF_ENABLED=True, COURSE_DIR=DATA_DIR / "course", QUIZZES_DIR=DATA_DIR / "quizzes")
    app.test_cli_runner().invoke(args=["course", "import"])
    pages = []
    for user in (create_user(), create_user()):
        client = app.test_client()
        token = CSRF_FIELD.search(client.get("/connexion").text).group(1)
        client.post("/connexion", data={"email": user.email, "password": "motdepasse-de-test", "csrf_token": token})
        client.get("/cours/bases/premiere")
        page = client.get("/cours/bases/premiere").text
        tokens = set(CSRF_FIELD.findall(page))
        assert len(tokens) == 1 and CSRF_HOLE not in page
        # the token of the cached page is valid for this session: marking as read works
        assert client.post("/cours/bases/premiere/lu", data={"csrf_token": tokens.pop()}).status_code == 303
        pages.append(page)
    assert CSRF_FIELD.findall(pages[0]) != CSRF_FIELD.findall(pages[1])


def test_one_learners_state_never_shows_to_another(client, learner, create_user, login):
    client.get("/cours/bases/premiere")
    client.post("/cours/bases/premiere/lu")
    assert "Vous avez marqué cette lecture comme lue." in client.get("/cours/bases/premiere").text
    client.post("/deconnexion")
    login(create_user())
    page = client.get("/cours/bases/premiere").text
    assert "Marquer comme lu" in page and "Vous avez marqué" not in page


def test_roles_are_part_of_the_cached_page(client, course, create_user, login):
    login(create_user())
    assert "/tutorat/" not in client.get("/cours/bases/premiere").text
    client.post("/deconnexion")
    login(create_user(roles=Role.LEARNER | Role.TUTOR))
    assert "/tutorat/" in client.get("/cours/bases/premiere").text


def test_an_import_refreshes_cached_pages(package_app, package_dir, create_user):
    runner = package_app.test_cli_runner()
    runner.invoke(args=["course", "import"])
    client = package_app.test_client()
    user = create_user()
    client.post("/connexion", data={"email": user.email, "password": "motdepasse-de-test"})
    assert "Seconde lecture →" in client.get("/cours/bases/premiere").text
    path = package_dir / "course/01-bases/02-seconde.md"
    path.write_text(path.read_text(encoding="utf-8").replace('title = "Seconde lecture"', 'title = "Lecture renommée"'), encoding="utf-8")
    runner.invoke(args=["course", "import"])
    assert "Lecture renommée →" in client.get("/cours/bases/premiere").text


def test_feedback_choice_shows_after_redirect(client, learner):
    client.get("/cours/bases/premiere")
    client.post("/cours/bases/premiere", data={"rating": "trop_long"})
    client.get("/cours/bases/premiere")  # consumes the flash message
    page = client.get("/cours/bases/premiere").text
    assert re.search(r'checked[^>]*value="trop_long"|value="trop_long"[^>]*checked', page)


def test_cache_is_bounded():
    cache = PageCache(max_entries=2)
    for key in ("a", "b", "c"):
        cache.put((key,), key)
    assert cache.get(("a",)) is None and cache.get(("c",)) == "c"
