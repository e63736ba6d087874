"""Load test: concurrent simulated learners under production gunicorn, then an audit of what was kept.

Run from the repository root with the virtual environment's Python::

    .venv/bin/python -m bench.load [--learners 200] [--seed 7]

It migrates a fresh temporary SQLite database (or the one named by ``DATABASE_URL``, as for every benchmark, e.g.
``postgresql://postgres@127.0.0.1:5432/bench``: a scratch database, every table of which is
dropped), loads the demo data, creates the learners in the demo cohort, starts the platform
under gunicorn with the production settings file, and lets every learner, each in its own
thread: sign in, take the self-diagnostic, open readings, mark them as read (some with a double
click: two requests at once), give page feedback, and submit module quizzes (some sent twice
with the same form, some from two tabs at once). Then, with the server stopped, it checks that
every action a client saw succeed has exactly one event, and that the summary rows agree with
the events. Its last line is::

    RESULT actions=... events=... lost=... duplicated=... wrong_counters=... errors_5xx=...

and it exits non-zero unless lost, duplicated, wrong_counters and errors_5xx are all 0.
The request loops are bounded (a fixed script per learner) and talk to loopback only.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

from bench.pages import HOST
from bench.pages import BenchError
from bench.pages import app_environment
from bench.pages import gunicorn_config
from bench.pages import normalised_url
from bench.pages import prepare_database
from bench.pages import start_gunicorn
from bench.pages import stop
from bench.pages import wait_ready
from bench.pages import without_password

APP_TARGET = "app:create_app()"
LEARNER_PASSWORD = "charge-apprenant-2026"
LEARNER_EMAIL = "charge{:04d}@load.test"
#: Share of learners doing each risky gesture.
DOUBLE_CLICK_SHARE = 0.3
TWO_TABS_SHARE = 0.3
RESUBMIT_SHARE = 0.2
ANSWERS_RIGHT_SHARE = 0.5
READINGS_PER_LEARNER = 3
REQUEST_TIMEOUT = 120


@dataclass
class Tally:
    """What the clients saw, shared by every learner thread (guarded by ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    actions: int = 0
    errors_5xx: int = 0
    unexpected: list[str] = field(default_factory=list)
    #: (email, reading slug) pairs a client saw marked as read.
    completed: set = field(default_factory=set)
    #: email -> feedback submissions answered with success.
    feedback: Counter = field(default_factory=Counter)
    #: email -> self-diagnostic submissions answered with success.
    diagnostic: Counter = field(default_factory=Counter)
    #: (email, attempt id) of every quiz submission answered with success.
    attempts: set = field(default_factory=set)
    #: form token -> attempt ids the server answered with (one expected per token).
    tokens: dict = field(default_factory=lambda: defaultdict(set))

    def saw(self, status: int, what: str) -> None:
        """Count one answer; keep the first unexpected ones to explain a failure."""
        with self.lock:
            if status >= 500:
                self.errors_5xx += 1
            if status >= 400 and len(self.unexpected) < 20:
                self.unexpected.append(f"{status} {what}")


class FormInputs(HTMLParser):
    """Collect the inputs of a page: name -> list of (type, value)."""

    def __init__(self):
        super().__init__()
        self.inputs: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            found = dict(attrs)
            if found.get("name"):
                self.inputs[found["name"]].append((found.get("type", "text"), found.get("value", "")))


def inputs_of(body: bytes) -> dict[str, list[tuple[str, str]]]:
    """Return the inputs of an HTML page."""
    parser = FormInputs()
    parser.feed(body.decode("utf-8", "replace"))
    return parser.inputs


class Browser:
    """One learner's cookie jar against the server (thread-safe enough for two parallel tabs)."""

    def __init__(self, port: int, tally: Tally):
        self.port = port
        self.tally = tally
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def request(self, method: str, path: str, form: dict | list | None = None) -> tuple[int, str, bytes]:
        """Send one request (no redirect followed); return status, Location and body."""
        headers = {}
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        with self.lock:
            for header in response.headers.get_all("Set-Cookie") or ():
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        self.tally.saw(response.status, f"{method} {path}")
        return response.status, response.headers.get("Location", ""), data

    def csrf(self, path: str) -> tuple[str, bytes]:
        """GET ``path`` and return its CSRF token and body."""
        status, _, body = self.request("GET", path)
        token = [v for _t, v in inputs_of(body).get("csrf_token", [])]
        if status != 200 or not token:
            raise BenchError(f"GET {path}: status {status}, no CSRF token")
        return token[0], body


def in_parallel(*calls):
    """Run the calls in two threads released together (a double click); return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@dataclass(frozen=True)
class CourseMap:
    """What the simulated learners need to know of the course: paths and right answers."""

    readings: list[tuple[str, str]]  # (module slug, reading slug)
    quizzes: list[str]  # module slugs with a live quiz
    #: form field name -> right option keys (field names are ``q<question id>``).
    right: dict[str, list[str]]


class Learner:
    """One simulated learner's bounded script."""

    def __init__(self, number: int, port: int, course: CourseMap, tally: Tally, seed: int):
        self.email = LEARNER_EMAIL.format(number)
        self.browser = Browser(port, tally)
        self.course = course
        self.tally = tally
        self.rng = random.Random(seed * 100_003 + number)

    def run(self) -> None:
        """Do the whole script; a refused step is recorded, never retried."""
        try:
            self.sign_in()
            self.diagnostic()
            for module_slug, reading_slug in self.rng.sample(self.course.readings, READINGS_PER_LEARNER):
                self.read(module_slug, reading_slug)
            self.quiz(self.rng.choice(self.course.quizzes))
        except (BenchError, OSError) as exc:
            with self.tally.lock:
                if len(self.tally.unexpected) < 20:
                    self.tally.unexpected.append(f"{self.email}: {exc}")

    def _done(self) -> None:
        with self.tally.lock:
            self.tally.actions += 1

    def sign_in(self) -> None:
        token, _ = self.browser.csrf("/connexion")
        status, location, _ = self.browser.request(
            "POST", "/connexion", {"csrf_token": token, "email": self.email, "password": LEARNER_PASSWORD}
        )
        if status != 302 or "/connexion" in location:
            raise BenchError(f"sign-in refused: {status} {location}")
        self._done()

    def diagnostic(self) -> None:
        path = "/autodiagnostic/before"
        token, body = self.browser.csrf(path)
        form = {"csrf_token": token}
        for name, options in inputs_of(body).items():
            radios = [v for t, v in options if t == "radio"]
            if radios:
                form[name] = self.rng.choice(radios)
        status, _, _ = self.browser.request("POST", path, form)
        if status == 303:
            with self.tally.lock:
                self.tally.diagnostic[self.email] += 1
            self._done()

    def read(self, module_slug: str, reading_slug: str) -> None:
        path = f"/cours/{module_slug}/{reading_slug}"
        token, _ = self.browser.csrf(path)

        def mark():
            return self.browser.request("POST", path + "/lu", {"csrf_token": token})[0]

        clicks = in_parallel(mark, mark) if self.rng.random() < DOUBLE_CLICK_SHARE else [mark()]
        if 303 in clicks:
            with self.tally.lock:
                self.tally.completed.add((self.email, reading_slug))
            self._done()
        if self.rng.random() < 0.5:
            rating = self.rng.choice(["clair", "pas_clair", "trop_long"])
            form = {"csrf_token": token, "rating": rating, "comment": f"avis de charge {self.email}"}
            status, _, _ = self.browser.request("POST", path, form)
            if status == 303:
                with self.tally.lock:
                    self.tally.feedback[self.email] += 1
                self._done()

    def quiz(self, module_slug: str) -> None:
        path = f"/quiz/{module_slug}"
        right = self.rng.random() < ANSWERS_RIGHT_SHARE
        tabs = 2 if self.rng.random() < TWO_TABS_SHARE else 1
        forms = [self._quiz_form(path, right) for _ in range(tabs)]

        def submit(form):
            return lambda: self.browser.request("POST", path, form)

        if tabs == 2:
            answers = in_parallel(submit(forms[0]), submit(forms[1]))
        elif self.rng.random() < RESUBMIT_SHARE:
            answers = in_parallel(submit(forms[0]), submit(forms[0]))  # the same form sent twice
            forms = forms * 2
        else:
            answers = [submit(forms[0])()]
        for form, (status, location, _) in zip(forms, answers, strict=True):
            found = re.search(r"/tentatives/(\d+)", location)
            if status == 303 and found:
                with self.tally.lock:
                    self.tally.attempts.add((self.email, int(found.group(1))))
                    self.tally.tokens[form["token"]].add(int(found.group(1)))
        self._done()

    def _quiz_form(self, path: str, right: bool) -> dict:
        token, body = self.browser.csrf(path)
        inputs = inputs_of(body)
        form: dict = {"csrf_token": token, "token": inputs["token"][0][1]}
        for name, options in inputs.items():
            if not re.fullmatch(r"q\d+", name):
                continue
            values = [v for _t, v in options]
            if right and name in self.course.right:
                form[name] = self.course.right[name]
            elif options[0][0] == "checkbox":
                form[name] = self.rng.sample(values, self.rng.randint(1, len(values)))
            else:
                form[name] = self.rng.choice(values)
        return form


def bench_app(database_url: str):
    """The platform on ``database_url``, for setting up and auditing in this process."""
    from app import create_app

    return create_app({"SECRET_KEY": secrets.token_hex(32), "SQLALCHEMY_DATABASE_URI": normalised_url(database_url)})


def drop_everything(database_url: str) -> None:
    """Empty a scratch PostgreSQL database (a fresh SQLite file needs nothing)."""
    if not database_url.startswith("postgres"):
        return
    from sqlalchemy import MetaData
    from sqlalchemy import create_engine

    engine = create_engine(normalised_url(database_url))
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    engine.dispose()


def create_learners(database_url: str, count: int) -> CourseMap:
    """Create ``count`` learners in the demo cohort; return the course's paths and right answers."""
    from sqlalchemy import select

    from app.auth.services import create_user
    from app.catalogue.models import Module
    from app.catalogue.models import Reading
    from app.cohorts.models import Cohort
    from app.cohorts.services import enrol
    from app.extensions import db
    from app.quizzes.models import Question
    from app.quizzes.models import Quiz
    from app.quizzes.question_types import get_question_type

    app = bench_app(database_url)
    with app.app_context():
        cohort = db.session.scalars(select(Cohort).order_by(Cohort.id)).first()
        for number in range(count):
            enrol(cohort, create_user(LEARNER_EMAIL.format(number), f"Charge {number}", LEARNER_PASSWORD))
        db.session.commit()
        live_modules = select(Module.id).where(Module.is_archived.is_(False))
        readings = db.session.execute(
            select(Module.slug, Reading.slug)
            .join(Reading, Reading.module_id == Module.id)
            .where(Module.id.in_(live_modules), Reading.is_archived.is_(False))
        ).all()
        quizzes = db.session.scalars(select(Module.slug).join(Quiz, Quiz.module_id == Module.id).where(Module.id.in_(live_modules), Quiz.is_archived.is_(False))).all()
        questions = db.session.scalars(select(Question).where(Question.is_archived.is_(False))).all()
        right = {f"q{q.id}": sorted(get_question_type(q.type).correct_keys(q.data)) for q in questions}
        db.engine.dispose()
    return CourseMap([tuple(r) for r in readings], list(quizzes), right)


@dataclass
class Audit:
    """What the database says against what the clients saw."""

    events: int = 0
    lost: int = 0
    duplicated: int = 0
    wrong_counters: int = 0
    notes: list[str] = field(default_factory=list)

    def flag(self, kind: str, count: int, note: str) -> None:
        if count:
            setattr(self, kind, getattr(self, kind) + count)
            if len(self.notes) < 30:
                self.notes.append(f"{kind}: {note}")


def audit(database_url: str, tally: Tally) -> Audit:
    """Compare the event log and the summary rows with what the clients saw."""
    from sqlalchemy import func
    from sqlalchemy import select

    from app.auth.models import User
    from app.catalogue.models import Reading
    from app.extensions import db
    from app.progress.models import LearnerProgress
    from app.progress.models import LearningEvent
    from app.progress.models import QuizProgress
    from app.progress.models import ReadingFeedback
    from app.progress.models import ReadingProgress
    from app.quizzes.models import QuizAttempt

    found = Audit()
    app = bench_app(database_url)
    with app.app_context():
        users = dict(db.session.execute(select(User.email, User.id).where(User.email.like("%@load.test"))).all())
        ids = {v: k for k, v in users.items()}
        reading_slugs = dict(db.session.execute(select(Reading.id, Reading.slug)).all())
        events = db.session.scalars(select(LearningEvent).where(LearningEvent.actor_id.in_(users.values()))).all()
        found.events = len(events)
        by_kind = Counter()
        quiz_verbs_by_attempt = Counter()
        quiz_verbs_by_learner_quiz = Counter()
        passed_by_learner_quiz = set()
        for event in events:
            email = ids[event.actor_id]
            if event.verb == "completed" and event.object_type == "reading":
                by_kind[("completed", email, reading_slugs[event.object_id])] += 1
            elif event.verb == "commented":
                by_kind[("feedback", email)] += 1
            elif event.verb == "responded":
                by_kind[("diagnostic", email)] += 1
            elif event.verb in ("passed", "failed") and event.object_type == "quiz":
                quiz_verbs_by_attempt[event.result.get("attempt_id")] += 1
                quiz_verbs_by_learner_quiz[(event.actor_id, event.object_id)] += 1
                if event.verb == "passed":
                    passed_by_learner_quiz.add((event.actor_id, event.object_id))

        # Every action a client saw succeed has exactly one event.
        for email, slug in tally.completed:
            count = by_kind[("completed", email, slug)]
            found.flag("lost", int(count == 0), f"{email} read {slug}: no event")
            found.flag("duplicated", max(0, count - 1), f"{email} read {slug}: {count} events")
        for key, count in by_kind.items():
            if key[0] == "completed" and (key[1], key[2]) not in tally.completed:
                found.flag("duplicated", count, f"{key}: an event no client saw succeed")
        for kind, seen in (("feedback", tally.feedback), ("diagnostic", tally.diagnostic)):
            for email in set(seen) | {k[1] for k in by_kind if k[0] == kind}:
                count = by_kind[(kind, email)]
                found.flag("lost", max(0, seen[email] - count), f"{email} {kind}: {seen[email]} seen, {count} events")
                found.flag("duplicated", max(0, count - seen[email]), f"{email} {kind}: {seen[email]} seen, {count} events")
        attempt_rows = db.session.execute(select(QuizAttempt.id, QuizAttempt.user_id, QuizAttempt.token).where(QuizAttempt.user_id.in_(users.values()))).all()
        seen_attempts = {attempt_id for _email, attempt_id in tally.attempts}
        for attempt_id in seen_attempts:
            count = quiz_verbs_by_attempt[attempt_id]
            found.flag("lost", int(count == 0), f"attempt {attempt_id}: no passed/failed event")
            found.flag("duplicated", max(0, count - 1), f"attempt {attempt_id}: {count} events")
        found.flag("lost", len(seen_attempts - {row.id for row in attempt_rows}), "attempts answered but not kept")
        for token, answered in tally.tokens.items():
            found.flag("duplicated", len(answered) - 1, f"one form ({token[:8]}…) answered with attempts {sorted(answered)}")
        tokens_kept = Counter(row.token for row in attempt_rows)
        found.flag("duplicated", sum(n - 1 for n in tokens_kept.values() if n > 1), "one token kept as several attempts")

        # The summary rows agree with the events.
        attempts_by_learner_quiz = Counter()
        for row in db.session.execute(select(QuizAttempt.user_id, QuizAttempt.quiz_id).where(QuizAttempt.user_id.in_(users.values()))):
            attempts_by_learner_quiz[(row.user_id, row.quiz_id)] += 1
        for state in db.session.scalars(select(QuizProgress).where(QuizProgress.user_id.in_(users.values()))):
            pair = (state.user_id, state.quiz_id)
            found.flag("wrong_counters", int(state.attempt_count != attempts_by_learner_quiz[pair]), f"{pair} attempt_count {state.attempt_count} != {attempts_by_learner_quiz[pair]} attempts")
            found.flag("wrong_counters", int(state.attempt_count != quiz_verbs_by_learner_quiz[pair]), f"{pair} attempt_count {state.attempt_count} != {quiz_verbs_by_learner_quiz[pair]} events")
            found.flag("wrong_counters", int(state.is_passed != (pair in passed_by_learner_quiz)), f"{pair} is_passed {state.is_passed}")
        passed_quizzes = Counter(user_id for user_id, _quiz in passed_by_learner_quiz)
        completed_rows = Counter(
            db.session.scalars(select(ReadingProgress.user_id).where(ReadingProgress.user_id.in_(users.values()), ReadingProgress.completed_dt.is_not(None)))
        )
        completed_events = Counter(k[1] for k in by_kind if k[0] == "completed")
        feedback_rows = Counter(db.session.scalars(select(ReadingFeedback.user_id).where(ReadingFeedback.user_id.in_(users.values()))))
        feedback_readings = Counter(k[1] for k in by_kind if k[0] == "feedback")
        summaries = {row.user_id: row for row in db.session.scalars(select(LearnerProgress).where(LearnerProgress.user_id.in_(users.values())))}
        for email, user_id in users.items():
            summary = summaries.get(user_id)
            readings = summary.readings_completed if summary else 0
            quizzes = summary.quizzes_passed if summary else 0
            found.flag("wrong_counters", int(readings != completed_events[email]), f"{email} readings_completed {readings} != {completed_events[email]} events")
            found.flag("wrong_counters", int(readings != completed_rows[user_id]), f"{email} readings_completed {readings} != {completed_rows[user_id]} rows")
            found.flag("wrong_counters", int(quizzes != passed_quizzes[user_id]), f"{email} quizzes_passed {quizzes} != {passed_quizzes[user_id]}")
            found.flag("wrong_counters", int(bool(feedback_rows[user_id]) != bool(feedback_readings[email])), f"{email} feedback rows {feedback_rows[user_id]}")
        found.events = db.session.scalar(select(func.count()).select_from(LearningEvent).where(LearningEvent.actor_id.in_(users.values())))
        db.engine.dispose()
    return found


def run_learners(port: int, course: CourseMap, count: int, seed: int) -> Tally:
    """Start every learner's thread at once and wait for all of them."""
    tally = Tally()
    learners = [Learner(n, port, course, tally, seed) for n in range(count)]
    threads = [threading.Thread(target=learner.run, name=learner.email) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT * 20)
    if any(thread.is_alive() for thread in threads):
        raise BenchError("some learners did not finish in time")
    return tally


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=200, help="concurrent simulated learners (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the learners' choices")
    return parser.parse_args(argv)


def load_environment(database_url: str) -> dict[str, str]:
    """Production settings, over plain HTTP on loopback."""
    env = app_environment(database_url)
    env["FLASK_INSECURE_HTTP"] = "true"  # loopback without TLS: cookies must not be Secure-only
    return env


def main(argv: list[str] | None = None) -> int:
    """Run the load test; print the figures and the RESULT line."""
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'load.sqlite'}"
    print(f"database: {without_password(database_url)}; {args.learners} learners")
    server = None
    try:
        drop_everything(database_url)
        env = load_environment(database_url)
        prepare_database(env)
        course = create_learners(database_url, args.learners)
        server = start_gunicorn("platform", APP_TARGET, gunicorn_config(), env, workdir)
        wait_ready(server, "/connexion")
        started = time.monotonic()
        tally = run_learners(server.port, course, args.learners, args.seed)
        seconds = time.monotonic() - started
        stop(server)
        if "Traceback" in server.log_tail(400):
            print(server.log_tail(60), file=sys.stderr)
        found = audit(database_url, tally)
    except BenchError as exc:
        print(f"load test failed: {exc}", file=sys.stderr)
        return 2
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    for line in tally.unexpected + found.notes:
        print("  " + line)
    print(f"{tally.actions} actions in {seconds:.1f} s; {len(tally.attempts)} quiz attempts, {len(tally.completed)} readings marked")
    print(
        f"RESULT actions={tally.actions} events={found.events} lost={found.lost} duplicated={found.duplicated} "
        f"wrong_counters={found.wrong_counters} errors_5xx={tally.errors_5xx}"
    )
    return 0 if not (found.lost or found.duplicated or found.wrong_counters or tally.errors_5xx) else 1


if __name__ == "__main__":
    sys.exit(main())
