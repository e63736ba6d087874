"""While the database cannot be reached: a French 503 page, error pages that need no database, and
pages that work again by themselves once it is back."""

import shutil
import socket
import sqlite3
import threading

import pytest
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from tests.conftest import app_config

UNAVAILABLE = "Service momentanément indisponible"
READING = "/cours/bases/premiere"
#: A server nobody listens on, and a SQLite file in a folder that does not exist.
UNREACHABLE = {
    "postgresql": lambda tmp_path: "postgresql+psycopg://postgres@127.0.0.1:1/none",
    "sqlite": lambda tmp_path: f"sqlite:///{tmp_path / 'absent' / 'db.sqlite'}",
}


def _app_on(url: str, **overrides):
    options = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}} if url.startswith("postgresql") else {}
    return create_app(app_config(url, SQLALCHEMY_ENGINE_OPTIONS=options, **overrides))


@pytest.fixture(params=sorted(UNREACHABLE))
def broken_app(request, tmp_path):
    """An app whose database cannot be reached (same secret key as the working test app)."""
    app = _app_on(UNREACHABLE[request.param](tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def _assert_unavailable(response, url):
    text = response.get_data(as_text=True)
    assert response.status_code == 503, (url, response.status_code)
    assert UNAVAILABLE in text and "Internal Server Error" not in text, url
    assert response.headers["Retry-After"] == "30"
    assert "Se déconnecter" not in text  # the header is a signed-out visitor's: it needs no database


def test_a_signed_in_learner_gets_a_french_503_page(client, learner, broken_app):
    broken = broken_app.test_client()
    broken.set_cookie("session", _session_cookie(client))
    for url in ("/", "/connexion", "/cours/", READING, "/parcours/", "/autodiagnostic/"):
        _assert_unavailable(broken.get(url, follow_redirects=True), url)
    _assert_unavailable(broken.post(f"{READING}/lu", data={}), "mark read")


def test_signing_in_without_the_database_gets_the_503_page(broken_app):
    broken = broken_app.test_client()
    assert broken.get("/connexion").status_code == 200  # the form itself needs no database
    _assert_unavailable(broken.post("/connexion", data={"email": "a@example.org", "password": "x" * 12}), "sign in")


def test_404_and_500_pages_render_without_the_database(client, learner, broken_app):
    def boom():
        raise RuntimeError("a bug, not the database")

    broken_app.add_url_rule("/boum", view_func=boom)
    broken = broken_app.test_client()
    broken.set_cookie("session", _session_cookie(client))
    missing = broken.get("/pas-de-page-ici")
    assert missing.status_code == 404 and "Page introuvable" in missing.get_data(as_text=True)
    failed = broken.get("/boum")
    assert failed.status_code == 500 and "Erreur du serveur" in failed.get_data(as_text=True)


class TcpProxy:
    """Forwards a local port to the database server; ``down()`` refuses and drops every connection."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = _free_port()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and cut the open ones, as a stopped server does."""
        _close(self._listener)  # shutdown() first: it wakes the thread blocked in accept()
        for sock in self._sockets:
            _close(sock)
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def outage(app, database_url, tmp_path):
    """Return (an app on the test database, down(), up()): the database is taken away, then back.

    PostgreSQL: the app talks to the server through a proxy that is stopped (its pooled
    connections die, new ones are refused), then started again. SQLite: the file goes away with
    the app's connections, then a copy of the test database comes back where the app looks.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        proxy.up()
        flaky = _app_on(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
        down, up = proxy.down, proxy.up
    else:
        folder = tmp_path / "later"
        flaky = _app_on(f"sqlite:///{folder / 'db.sqlite'}")

        def down():
            shutil.rmtree(folder)
            with flaky.app_context():
                db.engine.dispose()

        def up():
            folder.mkdir()
            with sqlite3.connect(url.database) as source, sqlite3.connect(folder / "db.sqlite") as copy:
                source.backup(copy)

        up()
    yield flaky, down, up
    with flaky.app_context():
        db.engine.dispose()


def test_pages_work_again_once_the_database_is_back(client, learner, outage):
    flaky_app, down, up = outage
    flaky = flaky_app.test_client()
    flaky.set_cookie("session", _session_cookie(client))
    assert flaky.get(READING).status_code == 200
    down()
    _assert_unavailable(flaky.get(READING), READING)
    _assert_unavailable(flaky.get(READING), READING)
    up()
    for _ in range(2):  # twice: the second view is served by the page cache, which kept no 503
        page = flaky.get(READING)
        assert page.status_code == 200 and UNAVAILABLE not in page.get_data(as_text=True)
        assert "Se déconnecter" in page.get_data(as_text=True)


def test_no_connection_free_in_time_gets_the_503_page(client, learner, database_url):
    """Every pooled connection busy past ``pool_timeout``: the pool's TimeoutError is an outage too."""
    busy = create_app(app_config(database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.1}))
    waiting = busy.test_client()
    waiting.set_cookie("session", _session_cookie(client))
    with busy.app_context():
        engine = db.engine
    with engine.connect():  # the only connection, held by someone else
        _assert_unavailable(waiting.get(READING), READING)
    assert waiting.get(READING).status_code == 200
    engine.dispose()
