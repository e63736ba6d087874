"""Benchmark every page of the learner's journey (and the tutor's and author's busiest pages)
against a bare-Flask ceiling, under the production gunicorn settings.

Run from the repository root with the virtual environment's Python::

    .venv/bin/python -m bench.journey [--duration SECONDS] [--pages reading,quiz,...]

It sets up the demo data in a fresh temporary SQLite database (or in the one named by
``DATABASE_URL``, e.g. ``postgresql://postgres@127.0.0.1:5432/bench_journey``: a scratch
database, every table of which is dropped first, so that each run starts from the same demo
data), starts the platform under ``gunicorn.conf.py``,
signs the demo learner, tutor and author in, and records each page's answer (status, body). It
then starts the ceiling (``bench/ceiling.py``) answering each page's path with bytes of the same
size and the same status, and, page after page, drives the platform and then the ceiling with
``wrk`` at 32 connections (throughput) and at 4 (latency), so that both see the same machine at
nearly the same moment. POSTs carry the session's CSRF token; every quiz submission has a token of
its own, so each one is a real new attempt.

SQL statements per request are counted in this process, on the same database, through the
platform's own app (``before_cursor_execute``) on the steady-state request after two warm-ups.
Sign-in is not driven by wrk (it is rate limited, as it must be): the CPU cost of checking the
demo learner's stored password hash is timed here instead.

It prints, per page: requests/s, ceiling requests/s, ratio, p50 and p99 at 4 connections, server
CPU ms per request (platform and ceiling) and SQL statements per request; and last::

    RESULT reading=... course_map=... ... p99_max_ms=...

with each page's throughput ratio and the worst p99 of the learner's GET pages.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from bench.load import drop_everything
from bench.load import inputs_of
from bench.pages import LATENCY_CONNECTIONS
from bench.pages import LOGIN_PATH
from bench.pages import ROOT
from bench.pages import THROUGHPUT_CONNECTIONS
from bench.pages import WARMUP_SECONDS
from bench.pages import BenchError
from bench.pages import Server
from bench.pages import WrkRun
from bench.pages import app_environment
from bench.pages import http_request
from bench.pages import prepare_database
from bench.pages import run_in_workdir
from bench.pages import run_wrk
from bench.pages import server_cpu_seconds
from bench.pages import session_cookie
from bench.pages import start_gunicorn
from bench.pages import status_script
from bench.pages import stop
from bench.pages import wait_ready
from bench.pages import without_password

APP_TARGET = "app:create_app()"
CEILING_TARGET = "bench.ceiling:create_app()"

#: The demo accounts (app/demo.py) signed in for the run, by role.
ACCOUNTS = {
    "learner": ("apprenant@demo.test", "demo-apprenant"),
    "tutor": ("tuteur@demo.test", "demo-tuteur-ia"),
    "author": ("auteur@demo.test", "demo-auteur-ia"),
}
MODULE_SLUG = "introduction"
READING_SLUG = "six-lignes-de-force"
#: Where each role lands after signing in (the sign-in answer is checked against it).
LANDING = "/cours"
#: Times the stored password hash is checked to time sign-in's CPU cost.
HASH_CHECKS = 5
TARGET_HASH_MS = (30.0, 100.0)
TARGET_P99_MS = 30.0


@dataclass(frozen=True)
class Page:
    """One page of the journey, as the load generator requests it."""

    name: str
    role: str
    method: str
    path: str
    status: int
    #: Lowest acceptable throughput ratio against the ceiling (issue 11).
    target: float
    #: POST fields besides the CSRF token.
    form: dict = field(default_factory=dict)
    #: Each request submits a new attempt (a token of its own).
    fresh_token: bool = False
    #: A GET of the learner's journey: its p99 at 4 connections must stay under TARGET_P99_MS.
    learner_get: bool = False


@dataclass(frozen=True)
class Measured:
    """A page's figures and its ceiling's, measured in turn."""

    page: Page
    size: int
    runs: tuple[WrkRun, WrkRun]
    ceiling_runs: tuple[WrkRun, WrkRun]
    statements: int

    @property
    def ratio(self) -> float:
        """The page's throughput as a share of the ceiling's, at 32 connections."""
        return self.runs[0].rps / self.ceiling_runs[0].rps


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.journey", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    parser.add_argument("--pages", default="", help="comma-separated page names to measure (default: all)")
    return parser.parse_args(argv)


# --- The platform, in this process: ids, answers and statement counts --------------------------


class InProcess:
    """The platform's app in this process, on the benchmark's database (same settings)."""

    def __init__(self, env: dict[str, str]):
        os.environ.update(env)  # the app reads its settings from the environment, as gunicorn's does
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from app import create_app

        self.app = create_app()
        self.statements = 0

    def ids(self) -> dict[str, int]:
        """Return the ids the journey's paths name: the demo cohort, learner and reading."""
        from sqlalchemy import select

        from app.auth.models import User
        from app.catalogue.models import Reading
        from app.cohorts.models import Enrolment
        from app.extensions import db

        with self.app.app_context():
            learner = db.session.scalar(select(User.id).where(User.email == ACCOUNTS["learner"][0]))
            cohort = db.session.scalar(select(Enrolment.cohort_id).where(Enrolment.user_id == learner).limit(1))
            reading = db.session.scalar(select(Reading.id).where(Reading.slug == READING_SLUG))
        if None in (learner, cohort, reading):
            raise BenchError("demo data incomplete: learner, cohort or reading missing")
        return {"learner": learner, "cohort": cohort, "reading": reading}

    def hash_check_ms(self) -> tuple[float, str]:
        """Return the CPU ms one check of the learner's stored password costs, and its scheme."""
        from sqlalchemy import select

        from app.auth.models import User
        from app.extensions import db

        email, password = ACCOUNTS["learner"]
        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            times = []
            for _ in range(HASH_CHECKS):
                start = time.process_time()
                if not user.check_password(password):
                    raise BenchError("the demo learner's password does not match its hash")
                times.append((time.process_time() - start) * 1000)
            scheme = re.split(r"[$:]", user.password_hash.lstrip("$"), maxsplit=1)[0]
        return statistics.median(times), scheme

    def count_statements(self, page: Page, cookie: str, csrf: str) -> int:
        """Return the SQL statements of the page's steady-state request (after two warm-ups)."""
        from sqlalchemy import event

        from app.extensions import db

        def count(*_args) -> None:
            self.statements += 1

        client = self.app.test_client()
        client.set_cookie("session", cookie)
        with self.app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            for number in range(3):
                self.statements = 0
                body = form_body(page, csrf, f"inprocess-{number}-{time.time_ns()}") if page.method == "POST" else None
                response = client.open(page.path, method=page.method, data=body, content_type="application/x-www-form-urlencoded")
                if response.status_code != page.status:
                    raise BenchError(f"{page.name}: answered {response.status_code} in process (expected {page.status})")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return self.statements


def form_body(page: Page, csrf: str, token: str | None = None) -> str:
    """Return a POST's urlencoded body: its fields, the CSRF token and, if fresh, an attempt token."""
    fields = {**page.form, "csrf_token": csrf}
    if page.fresh_token and token:
        fields["token"] = token
    return urllib.parse.urlencode(fields, doseq=True)


# --- The platform under gunicorn: sign-in and the pages' answers --------------------------------


def sign_in_as(server: Server, role: str) -> str:
    """Sign a demo account in and return its session cookie."""
    status, headers, body = http_request(server, "GET", LOGIN_PATH)
    token = [v for _t, v in inputs_of(body).get("csrf_token", [])]
    cookie = session_cookie(headers)
    if status != 200 or not token or cookie is None:
        raise BenchError(f"sign-in form: status {status}, CSRF token or session cookie missing")
    email, password = ACCOUNTS[role]
    form = urllib.parse.urlencode({"csrf_token": token[0], "email": email, "password": password})
    status, headers, _ = http_request(
        server, "POST", LOGIN_PATH, body=form, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie}"}
    )
    if status != 302:
        raise BenchError(f"sign-in of the demo {role} failed: status {status}")
    return session_cookie(headers, cookie)


def csrf_of(server: Server, path: str, cookies: dict[str, str], role: str) -> tuple[str, bytes]:
    """GET ``path`` as ``role``; return the page's CSRF token and body.

    The first form a session shows stores the session's CSRF secret in it: the cookie that comes
    back replaces the role's, or every POST made with it would be refused.
    """
    status, headers, body = http_request(server, "GET", path, headers={"Cookie": f"session={cookies[role]}"})
    token = [v for _t, v in inputs_of(body).get("csrf_token", [])]
    if status != 200 or not token:
        raise BenchError(f"GET {path}: status {status}, no CSRF token")
    cookies[role] = session_cookie(headers, cookies[role])
    return token[0], body


def first_choices(body: bytes, prefix: str) -> dict[str, str]:
    """Return, for every radio or check box group named ``prefix...``, its first option."""
    return {name: values[0][1] for name, values in inputs_of(body).items() if name.startswith(prefix) and values[0][0] in ("radio", "checkbox")}


def journey(server: Server, cookies: dict[str, str], ids: dict[str, int]) -> tuple[list[Page], dict[str, str]]:
    """Return the pages to measure and the CSRF token of each role's session."""
    reading = f"/cours/{MODULE_SLUG}/{READING_SLUG}"
    quiz = f"/quiz/{MODULE_SLUG}"
    learner_csrf, reading_body = csrf_of(server, reading, cookies, "learner")
    _, quiz_body = csrf_of(server, quiz, cookies, "learner")
    answers = first_choices(quiz_body, "q")
    rating = first_choices(reading_body, "rating")
    if not answers or not rating:
        raise BenchError("the quiz or the feedback form has no options to choose")
    # Every GET first, the POSTs last: the pages measured do not grow (a quiz history, a timeline)
    # under the load of the POSTs, so each keeps the size its ceiling was given.
    tutor_page = f"/tutorat/cohortes/{ids['cohort']}/apprenants/{ids['learner']}"
    editor_page = f"/edition/reading/{ids['reading']}"
    pages = [
        Page("reading", "learner", "GET", reading, 200, 0.5, learner_get=True),
        Page("course_map", "learner", "GET", "/cours/", 200, 0.35, learner_get=True),
        Page("module", "learner", "GET", f"/cours/{MODULE_SLUG}/", 200, 0.35, learner_get=True),
        Page("quiz", "learner", "GET", quiz, 200, 0.35, learner_get=True),
        Page("tutor_learner", "tutor", "GET", tutor_page, 200, 0.15),
        Page("reading_editor", "author", "GET", editor_page, 200, 0.15),
        Page("mark_read", "learner", "POST", reading + "/lu", 303, 0.2),
        Page("feedback", "learner", "POST", reading, 303, 0.2, form={**rating, "comment": "Clair et utile."}),
        Page("quiz_submit", "learner", "POST", quiz, 303, 0.1, form=answers, fresh_token=True),
    ]
    tokens = {"learner": learner_csrf}
    tokens["tutor"], _ = csrf_of(server, tutor_page, cookies, "tutor")
    tokens["author"], _ = csrf_of(server, editor_page, cookies, "author")
    return pages, tokens


def record_answer(server: Server, page: Page, cookie: str, csrf: str, workdir: Path) -> dict:
    """Request the page once; save its body for the ceiling and return its manifest entry."""
    body = form_body(page, csrf, f"record-{time.time_ns()}") if page.method == "POST" else None
    headers = {"Cookie": f"session={cookie}"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    status, answer_headers, data = http_request(server, page.method, page.path, body=body, headers=headers)
    if status != page.status:
        raise BenchError(f"{page.name}: {page.method} {page.path} answered {status} (expected {page.status})")
    file = workdir / f"{page.name}.body"
    file.write_bytes(data)
    return {"file": str(file), "status": status, "location": answer_headers.get("Location", "")}


# --- wrk ---------------------------------------------------------------------------------------

#: A POST per request; with a fresh token, each one names its own attempt (run, thread, counter).
POST_REQUEST_LUA = """
local counter = 0
local body = {body}
local fresh = {fresh}
function request()
  counter = counter + 1
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  local sent = body
  if fresh then sent = body .. "&token=" .. {run} .. "-" .. id .. "-" .. counter end
  return wrk.format("POST", nil, nil, sent)
end
"""


def lua_string(text: str) -> str:
    """Return ``text`` as a Lua string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Driver:
    """Runs wrk against one page or its ceiling, each run with a script of its own."""

    def __init__(self, workdir: Path, seconds: int):
        self.workdir = workdir
        self.seconds = seconds
        self.runs = 0

    def script(self, page: Page, csrf: str) -> Path:
        """Write the wrk script of one run: the expected status and, for a POST, its body."""
        self.runs += 1
        request = ""
        if page.method == "POST":
            run = lua_string(f"wrk{os.getpid()}x{self.runs}")
            request = POST_REQUEST_LUA.format(body=lua_string(form_body(page, csrf)), fresh=str(page.fresh_token).lower(), run=run)
        path = self.workdir / f"run{self.runs}.lua"
        path.write_text(status_script(page.status, request))
        return path

    def run(self, server: Server, path: str, page: Page, cookie: str | None, csrf: str, connections: int, seconds: int) -> WrkRun:
        """One wrk run, with the server's CPU time per request."""
        cpu_before = server_cpu_seconds(server)
        run = run_wrk(server.base_url + path, connections, seconds, cookie, self.script(page, csrf))
        cpu_ms = (server_cpu_seconds(server) - cpu_before) * 1000 / run.requests
        return WrkRun(run.connections, run.requests, run.rps, run.p50_ms, run.p99_ms, run.socket_errors, cpu_ms)

    def measure(self, app: Server, ceiling: Server, page: Page, cookie: str, csrf: str) -> tuple[tuple[WrkRun, WrkRun], tuple[WrkRun, WrkRun]]:
        """Warm the page up, then alternate page and ceiling at 32 and at 4 connections."""
        ceiling_path = "/" + page.name
        self.run(app, page.path, page, cookie, csrf, THROUGHPUT_CONNECTIONS, WARMUP_SECONDS)
        self.run(ceiling, ceiling_path, page, None, csrf, THROUGHPUT_CONNECTIONS, 1)
        runs, ceiling_runs = [], []
        for connections in (THROUGHPUT_CONNECTIONS, LATENCY_CONNECTIONS):
            runs.append(self.run(app, page.path, page, cookie, csrf, connections, self.seconds))
            ceiling_runs.append(self.run(ceiling, ceiling_path, page, None, csrf, connections, self.seconds))
        return (runs[0], runs[1]), (ceiling_runs[0], ceiling_runs[1])


# --- The run -----------------------------------------------------------------------------------


def run_journey(config: Path, workdir: Path, seconds: int, wanted: set[str]) -> tuple[list[Measured], tuple[float, str]]:
    """Prepare the data, start both servers, measure every page; stop both servers whatever happens."""
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite'}"
    print(f"database: {without_password(database_url)}")
    env = app_environment(database_url)
    app = ceiling = None
    try:
        drop_everything(database_url)
        prepare_database(env)
        local = InProcess(env)
        app = start_gunicorn("platform", APP_TARGET, config, env, workdir)
        wait_ready(app, LOGIN_PATH)
        cookies = {role: sign_in_as(app, role) for role in ACCOUNTS}
        pages, csrf = journey(app, cookies, local.ids())
        pages = [p for p in pages if not wanted or p.name in wanted]
        manifest = {"/" + p.name: record_answer(app, p, cookies[p.role], csrf[p.role], workdir) for p in pages}
        manifest_file = workdir / "ceiling.json"
        manifest_file.write_text(json.dumps(manifest))
        ceiling = start_gunicorn("ceiling", CEILING_TARGET, config, {**env, "BENCH_CEILING_MANIFEST": str(manifest_file)}, workdir)
        wait_ready(ceiling, "/" + pages[0].name)
        print(f"measuring {len(pages)} pages: warm-up {WARMUP_SECONDS} s, then {seconds} s at {THROUGHPUT_CONNECTIONS} and at "
              f"{LATENCY_CONNECTIONS} connections, page and ceiling in turn", flush=True)
        driver = Driver(workdir, seconds)
        measured = []
        for page in pages:
            runs, ceiling_runs = driver.measure(app, ceiling, page, cookies[page.role], csrf[page.role])
            statements = local.count_statements(page, cookies[page.role], csrf[page.role])
            size = Path(manifest["/" + page.name]["file"]).stat().st_size
            measured.append(Measured(page, size, runs, ceiling_runs, statements))
            print(f"  {page.name}: ratio {measured[-1].ratio:.2f}", flush=True)
        return measured, local.hash_check_ms()
    finally:
        stop(app)
        stop(ceiling)


def report(config: Path, measured: list[Measured], hashing: tuple[float, str]) -> None:
    """Print the table, the sign-in figure, the verdicts, then the RESULT line (always last)."""
    overrides = os.environ.get("GUNICORN_CMD_ARGS")
    print(f"\ngunicorn settings: {config.relative_to(ROOT)}" + (f" + GUNICORN_CMD_ARGS={overrides!r}" if overrides else ""))
    print(f"{'page':15} {'bytes':>6} {'req/s':>7} {'ceiling':>8} {'ratio':>6} {'target':>6} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'CPU ms/req':>14} {'SQL/req':>7}")
    misses = []
    for m in measured:
        fast, slow = m.runs
        cpu = f"{fast.cpu_ms:.2f}/{m.ceiling_runs[0].cpu_ms:.2f}"
        print(f"{m.page.name:15} {m.size:>6} {fast.rps:>7.0f} {m.ceiling_runs[0].rps:>8.0f} {m.ratio:>6.2f} {m.page.target:>6.2f} "
              f"{slow.p50_ms:>7.1f} {slow.p99_ms:>7.1f} {cpu:>14} {m.statements:>7}")
        if m.ratio < m.page.target:
            misses.append(f"{m.page.name} ratio {m.ratio:.2f} < {m.page.target}")
        if m.page.learner_get and slow.p99_ms > TARGET_P99_MS:
            misses.append(f"{m.page.name} p99 {slow.p99_ms:.1f} ms > {TARGET_P99_MS:.0f}")
    hash_ms, scheme = hashing
    low, high = TARGET_HASH_MS
    print(f"\nsign-in: checking the stored password hash ({scheme}) costs {hash_ms:.0f} ms of CPU (target {low:.0f}-{high:.0f})")
    if not low <= hash_ms <= high:
        misses.append(f"sign-in hash {hash_ms:.0f} ms outside {low:.0f}-{high:.0f}")
    print("targets: " + ("all met" if not misses else "NOT met: " + "; ".join(misses)))
    p99_max = max((m.runs[1].p99_ms for m in measured if m.page.learner_get), default=0.0)
    pairs = " ".join(f"{m.page.name}={m.ratio:.2f}" for m in measured)
    print(f"RESULT {pairs} sign_in_hash_ms={hash_ms:.0f} p99_max_ms={p99_max:.1f}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; return the exit status."""
    args = parse_args(argv)
    wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
    return run_in_workdir("bench-journey-", lambda config, workdir: run_journey(config, workdir, args.duration, wanted), report)


if __name__ == "__main__":
    sys.exit(main())
