"""Benchmark the tutor's cohort dashboard at 1,000, 10,000 and 100,000 learners, and ``flask alerts run`` at 50,000.

Run from the repository root with the virtual environment's Python::

    .venv/bin/python -m bench.dashboard [--repeat N]

It builds, in a fresh temporary SQLite file (or in the PostgreSQL database named by
``DATABASE_URL``, e.g. ``postgresql://postgres@127.0.0.1:5432/test``, whose tables are all dropped
and created again: give it a scratch database no test run is using), the real course package, a tutor and cohorts of 1,000,
10,000 and 100,000 learners with realistic progress (see ``bench/dashboard_data.py``: about 50 events per
learner, summary rows consistent with them, some consents; written with bulk inserts, a few minutes in
all), on day 16 of a 28-day window, with
the app's clock frozen there. ``flask alerts run`` runs once, as the daily cron would, so the
alerts and the weekly snapshots of the pace chart exist; on PostgreSQL the tables are then
vacuumed and analysed, as autovacuum would have done minutes after the load. Signed in as the tutor, it then times
in-process (around ``client.get``) the dashboard ``/tutorat/cohortes/<id>`` and its learner table
filtered and sorted (``?statut=en_retard&contact=oui&tri=activite&ordre=desc&page=2``): median of
``--repeat`` requests after two warm-ups, and SQL queries per request (``before_cursor_execute``).

Before each measurement it waits (``--settle``, 60 s at most) for the machine to be idle, and
warns if it is not: the CPU-time columns then tell the page's own cost from the wait.

Last, it adds a cohort of 50,000 learners built the same way, closes the other two (so that the
run evaluates exactly these learners) and times the real ``flask alerts run`` in a child process
(``python -m flask --app bench.dashboard:frozen_app alerts run``, production settings, clock
frozen at the same instant): wall time and the child's peak resident memory, read with
``getrusage(RUSAGE_CHILDREN)`` by a small launcher process started first (see :class:`Launcher`).
That first run on fresh data opens many alerts and queues their reminders. Its last line is::

    RESULT dashboard_ms=... dashboard_100k_ms=... queries_1k=... queries_10k=... queries_100k=... alerts_50k_s=... alerts_peak_mb=...

(``dashboard_ms`` is the dashboard at 10,000 learners.) Targets: the dashboard and the filtered,
sorted table in <= 60 ms at 10,000 learners and <= 100 ms at 100,000; the same number of queries
at every size, at most 20; the alert run over 50,000 learners in <= 20 s and <= 500 MB.
"""

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent

#: Day 16 of a 28-day window (2 to 30 November 2026, Paris time): two weeks are over.
START, END = date(2026, 11, 2), date(2026, 11, 30)
NOW = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)
ZONE = "Europe/Paris"
SEED = 20261117
DASHBOARD_SIZES = (1_000, 10_000, 100_000)
ALERTS_SIZE = 50_000
WARMUPS = 2
TABLE_QUERY = "?statut=en_retard&contact=oui&tri=activite&ordre=desc&page=2"
TUTOR_EMAIL, TUTOR_PASSWORD = "tuteur@bench.example", "tuteur-du-banc-d-essai"
FAST_HASH = {"memory_cost": 8, "time_cost": 1, "parallelism": 1}

#: Share of the CPUs in use above which the machine counts as busy (see :func:`settle`).
IDLE_FRACTION = 0.1

#: Milliseconds allowed per page, by cohort size.
TARGET_MS = {10_000: 60.0, 100_000: 100.0}
TARGET_QUERIES = 20
TARGET_ALERTS_S = 20.0
TARGET_ALERTS_MB = 500


class BenchError(RuntimeError):
    """A benchmark step failed: its figures would be meaningless."""


@dataclass(frozen=True)
class Timing:
    """What the requests to one page measured."""

    size: int
    page: str
    median_ms: float
    min_ms: float
    max_ms: float
    #: CPU time of this process per request (median): on SQLite it includes the database's work;
    #: it moves less than the server time when other programs share the machine.
    cpu_ms: float
    queries: int
    bytes: int
    matching: int | None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="measured requests per page, after 2 warm-ups (default 9, at least 7)")
    parser.add_argument(
        "--alerts-learners", type=int, default=ALERTS_SIZE, help=f"learners of the alert-run cohort (default {ALERTS_SIZE:,})"
    )
    parser.add_argument(
        "--settle", type=float, default=60, help="seconds to wait at most for an idle machine before each measurement (default 60)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 7:
        parser.error("--repeat must be at least 7")
    return args


def normalised_url(url: str) -> str:
    """Return ``url`` as the platform hands it to SQLAlchemy (psycopg 3 driver for PostgreSQL)."""
    from app.config import normalise_database_url  # the platform's own rule, not a copy of it

    return normalise_database_url(url)


def without_password(url: str) -> str:
    """Return ``url`` fit to print: any password replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(":" + parts.password + "@", ":***@", 1)).geturl()


def frozen_app():
    """The platform as production builds it, with the clock frozen at ``BENCH_NOW`` (for the child's CLI)."""
    from app import create_app

    frozen = datetime.fromisoformat(os.environ["BENCH_NOW"])
    app = create_app()
    app.config["CLOCK"] = lambda: frozen
    return app


def bench_app(database_url: str):
    """Return an app on ``database_url`` with the repository's course, sign-in open, the clock at NOW."""
    from app import create_app

    return create_app(
        {
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SQLALCHEMY_DATABASE_URI": normalised_url(database_url),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_PARAMETERS": FAST_HASH,
            "COURSE_DIR": ROOT / "course",
            "QUIZZES_DIR": ROOT / "quizzes",
            "CLOCK": lambda: NOW,
            "PROPAGATE_EXCEPTIONS": True,
        }
    )


def window():
    """The cohorts' window and the frozen "now"."""
    from bench.dashboard_data import Window

    return Window(START, END, NOW, ZoneInfo(ZONE))


def prepare_schema(app) -> None:
    """Create every table (dropping them first), import the course package, create the tutor."""
    from app.auth.models import Role
    from app.auth.services import create_user
    from app.extensions import db
    from app.package.services import import_package

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # Tables an earlier version of the platform left behind may hold foreign keys to ours,
            # which would stop drop_all: drop whatever the scratch database holds.
            from sqlalchemy import MetaData

            existing = MetaData()
            existing.reflect(db.engine)
            existing.drop_all(db.engine)
        db.drop_all()
        db.create_all()
        import_package(app.config["COURSE_DIR"], app.config["QUIZZES_DIR"])
        create_user(TUTOR_EMAIL, "Dominique Tuteur", TUTOR_PASSWORD, Role.TUTOR)
        db.session.commit()


def build_cohort(app, name: str, size: int, seed: int) -> int:
    """Write a cohort of ``size`` learners; print what was written; return the cohort's id."""
    from sqlalchemy import select

    from app.auth.models import User
    from app.extensions import db
    from bench.dashboard_data import CohortBuilder
    from bench.dashboard_data import Course
    from bench.dashboard_data import create_cohort
    from bench.dashboard_data import fix_sequences
    from bench.dashboard_data import next_user_id

    started = time.perf_counter()
    with app.app_context():
        tutor_id = db.session.scalar(select(User.id).where(User.email == TUTOR_EMAIL))
        cohort = create_cohort(name, window(), tutor_id)
        cohort_id = cohort.id
        stats = CohortBuilder(cohort, Course.load(window()), window(), seed).build(size, next_user_id())
        fix_sequences()
        db.session.remove()
    seconds = time.perf_counter() - started
    profiles = ", ".join(f"{name} {count / stats.learners:.0%}" for name, count in sorted(stats.profiles.items(), key=lambda p: -p[1]))
    print(
        f"  {name}: {stats.learners:,} learners, {stats.events:,} events ({stats.events / stats.learners:.1f} per learner), "
        f"{stats.reading_rows:,} reading and {stats.quiz_rows:,} quiz progress rows, {stats.consents:,} consent rows "
        f"in {seconds:.1f} s\n    profiles: {profiles}",
        flush=True,
    )
    return cohort_id


def settle_tables(app) -> None:
    """On PostgreSQL, vacuum and analyse the tables just written, as autovacuum does within minutes of a bulk load.

    Right after it, the planner has no statistics and the index-only scans of the figures still
    visit every row (the visibility map is empty): figures of a database nobody would run.
    """
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")


def run_alerts_in_process(app) -> str:
    """Run ``flask alerts run`` in this process (the cron of the morning); return its output."""
    result = app.test_cli_runner().invoke(args=["alerts", "run"])
    if result.exit_code != 0:
        raise BenchError(f"flask alerts run failed ({result.exit_code}):\n{result.output}\n{result.exception!r}")
    return result.output.strip()


class QueryCounter:
    """Count the statements sent to the database, through SQLAlchemy's ``before_cursor_execute``."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine, self.count, self._event = engine, 0, event
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, *args) -> None:
        self.count += 1

    def close(self) -> None:
        """Stop counting."""
        self._event.remove(self.engine, "before_cursor_execute", self._record)


def sign_in(client) -> None:
    """Sign the tutor in through the sign-in form."""
    response = client.post("/connexion", data={"email": TUTOR_EMAIL, "password": TUTOR_PASSWORD})
    if response.status_code != 302:
        raise BenchError(f"sign-in failed: status {response.status_code} (expected 302)")


def measure(client, counter: QueryCounter, size: int, page: str, url: str, repeat: int) -> Timing:
    """Get ``url`` twice unmeasured, then ``repeat`` times; return the server times and queries."""
    times, cpu, queries, body = [], [], [], b""
    for number in range(WARMUPS + repeat):
        counter.count = 0
        cpu_started, started = time.process_time(), time.perf_counter()
        response = client.get(url)
        elapsed, cpu_elapsed = (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code} (expected 200)")
        body = response.data
        if number >= WARMUPS:
            times.append(elapsed)
            cpu.append(cpu_elapsed)
            queries.append(counter.count)
    if len(set(queries)) != 1:
        raise BenchError(f"{url}: the number of queries changed from one request to the next: {queries}")
    found = re.search(rb"(\d+) apprenants? correspond", body)
    matching = int(found.group(1)) if found else None
    return Timing(size, page, statistics.median(times), min(times), max(times), statistics.median(cpu), queries[0], len(body), matching)


def figures_of(body: bytes) -> str:
    """Return the dashboard's counts ("En chiffres"), for the record."""
    pairs = re.findall(rb"<li><strong>(\d+)</strong> ([^<(]+)", body)
    return ", ".join(f"{value.decode()} {label.decode().strip()}" for value, label in pairs)


def measure_dashboards(app, cohorts: dict[int, int], repeat: int) -> list[Timing]:
    """Time both pages of each cohort, signed in as the tutor."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    client = app.test_client()
    sign_in(client)
    counter = QueryCounter(engine)
    timings = []
    try:
        for size, cohort_id in cohorts.items():
            url = f"/tutorat/cohortes/{cohort_id}"
            print(f"  {size:,} learners, figures: {figures_of(client.get(url).data)}", flush=True)
            timings.append(measure(client, counter, size, "dashboard", url, repeat))
            timings.append(measure(client, counter, size, "table filtered, sorted, page 2", url + TABLE_QUERY, repeat))
    finally:
        counter.close()
    return timings


def close_other_cohorts(app, keep: int) -> None:
    """Close every cohort but ``keep``, so that the alert run evaluates its learners only."""
    from sqlalchemy import update

    from app.cohorts.models import Cohort
    from app.extensions import db

    with app.app_context():
        db.session.execute(update(Cohort).where(Cohort.id != keep).values(is_closed=True))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # the child gets the database to itself


def child_environment(database_url: str) -> dict[str, str]:
    """Return the environment of a production ``flask`` command on ``database_url`` at NOW."""
    env = dict(os.environ)
    for name in ("FLASK_DEBUG", "FLASK_TESTING", "FLASK_APP"):
        env.pop(name, None)
    env["DATABASE_URL"] = database_url
    # FLASK_* variables are applied after instance/config.py: a local instance config cannot
    # point the run at another database.
    env["FLASK_SQLALCHEMY_DATABASE_URI"] = normalised_url(database_url)
    env["FLASK_SECRET_KEY"] = secrets.token_urlsafe(32)
    env["BENCH_NOW"] = NOW.isoformat()
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@dataclass(frozen=True)
class AlertRun:
    """What the child process running ``flask alerts run`` measured."""

    wall_s: float
    #: CPU time of the child itself (not the database server's); the wall time minus this is
    #: time spent waiting, for PostgreSQL or for a CPU.
    cpu_s: float
    peak_mb: int
    output: str


class Launcher:
    """A small process, started before this one grows, that starts the measured child and reports on it.

    On Linux a child's ``ru_maxrss`` starts from its parent's peak resident size (the parent's
    pages count until ``exec``), so a child of this process, which holds the data it built, would
    report at least this process's peak. The launcher stays small: what it reports is the child's.
    """

    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.dashboard", "--launcher"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(self, command: list[str], env: dict[str, str], timeout: float) -> dict:
        """Have the launcher run ``command`` once; return what it measured (see :func:`launcher_main`)."""
        request = json.dumps({"command": command, "env": env, "cwd": str(ROOT), "timeout": timeout})
        try:
            answer, _ = self.process.communicate(request + "\n", timeout=timeout + 60)
        except subprocess.TimeoutExpired as exc:
            raise BenchError(f"the launcher did not answer within {timeout + 60:.0f} s") from exc
        if self.process.returncode != 0 or not answer:
            raise BenchError(f"the launcher failed ({self.process.returncode})")
        return json.loads(answer)

    def close(self) -> None:
        """Stop the launcher if it is still waiting (the benchmark failed before the alert run)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def launcher_main() -> int:
    """Run the command read as JSON on stdin; write its output, wall time, CPU time and peak memory as JSON."""
    request = json.loads(sys.stdin.readline())
    started = time.perf_counter()
    try:
        result = subprocess.run(
            request["command"], cwd=request["cwd"], env=request["env"], capture_output=True, text=True, timeout=request["timeout"]
        )
        code, out, err = result.returncode, result.stdout, result.stderr
    except subprocess.TimeoutExpired:
        code, out, err = -1, "", f"no answer within {request['timeout']} s"
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the one child: Linux gives ru_maxrss in kilobytes
    answer = {
        "returncode": code,
        "stdout": out,
        "stderr": err,
        "wall_s": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss,
    }
    sys.stdout.write(json.dumps(answer))
    return 0


def time_alert_run(database_url: str, launcher: Launcher) -> AlertRun:
    """Run the real ``flask alerts run`` in a child process; return its wall time, CPU time, peak memory and output."""
    command = [sys.executable, "-m", "flask", "--app", "bench.dashboard:frozen_app", "alerts", "run"]
    result = launcher.run(command, child_environment(database_url), timeout=900)
    if result["returncode"] != 0:
        raise BenchError(f"flask alerts run failed ({result['returncode']}):\n{result['stdout']}{result['stderr']}")
    return AlertRun(result["wall_s"], result["cpu_s"], round(result["maxrss_kb"] / 1024), result["stdout"].strip())


def settle(max_seconds: float) -> None:
    """Wait (at most ``max_seconds``) for the machine to be idle, then say how busy it is.

    Other programs using the CPU add their time to every figure measured here.
    """
    from bench.pages import cpu_busy_fraction

    deadline = time.monotonic() + max_seconds
    busy = cpu_busy_fraction()
    while busy > IDLE_FRACTION and time.monotonic() < deadline:
        busy = cpu_busy_fraction(2.0)
    print(f"  CPU busy before measuring: {busy:.0%} of {os.cpu_count()} CPUs", flush=True)
    if busy > IDLE_FRACTION:
        print("warning: the machine is busy, the times will be high and noisy (see the CPU columns)", file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    """Say whether a target is met."""
    return "met" if ok else "NOT met"


def report(engine_name: str, timings: list[Timing], alerts: AlertRun, alerts_size: int) -> None:
    """Print the figures as tables, the targets, then the RESULT line (always last)."""
    print(f"\nengine: {engine_name}; server time in-process around client.get, median of the measured requests")
    print(
        f"{'learners':>8}  {'page':32} {'median ms':>9} {'min ms':>8} {'max ms':>8} {'CPU ms':>7} {'queries':>7} {'KB':>5} {'matching':>8}"
    )
    for t in timings:
        matching = "" if t.matching is None else f"{t.matching:,}"
        print(
            f"{t.size:>8,}  {t.page:32} {t.median_ms:>9.1f} {t.min_ms:>8.1f} {t.max_ms:>8.1f} {t.cpu_ms:>7.1f} {t.queries:>7} "
            f"{t.bytes / 1024:>5.0f} {matching:>8}"
        )
    print("(CPU ms: this process's CPU time per request, median; matching: learners the page's table holds, all pages)")
    print(f"\nflask alerts run, child process, {alerts_size:,} learners (first run on fresh data)")
    print(f"{'wall s':>8} {'CPU s':>6} {'peak MB':>8}  output")
    print(f"{alerts.wall_s:>8.1f} {alerts.cpu_s:>6.1f} {alerts.peak_mb:>8}  {alerts.output}")
    print("(CPU s: the child's own CPU time; the rest of the wall time it waited, for the database or for a CPU)")
    seconds, peak_mb = alerts.wall_s, alerts.peak_mb

    by_size = {size: {t.queries for t in timings if t.size == size} for size in DASHBOARD_SIZES}
    same = len({frozenset(queries) for queries in by_size.values()}) == 1
    most = max(max(queries) for queries in by_size.values())
    dashboard = {size: next(t for t in timings if t.size == size and t.page == "dashboard").median_ms for size in DASHBOARD_SIZES}
    print("\ntargets:")
    for size, limit in TARGET_MS.items():
        pages = [t for t in timings if t.size == size]
        slowest = max(t.median_ms for t in pages)
        print(f"  both pages at {size:,} learners, slowest {slowest:.1f} ms (<= {limit:.0f}): {verdict(slowest <= limit)}")
    counts = ", ".join(f"{max(by_size[size])} at {size:,}" for size in DASHBOARD_SIZES)
    print(f"  queries per request {counts} (same, <= {TARGET_QUERIES}): {verdict(same and most <= TARGET_QUERIES)}")
    print(f"  alerts run over {alerts_size:,} learners {seconds:.1f} s (<= {TARGET_ALERTS_S:.0f}), {peak_mb} MB "
          f"(<= {TARGET_ALERTS_MB}): {verdict(seconds <= TARGET_ALERTS_S and peak_mb <= TARGET_ALERTS_MB)}")  # fmt: skip
    queries = " ".join(f"queries_{size // 1000}k={max(by_size[size])}" for size in DASHBOARD_SIZES)
    print(
        f"RESULT dashboard_ms={dashboard[10_000]:.1f} dashboard_100k_ms={dashboard[100_000]:.1f} {queries} "
        f"alerts_50k_s={seconds:.1f} alerts_peak_mb={peak_mb}"
    )


def run(database_url: str, args: argparse.Namespace, launcher: Launcher) -> None:
    """Build the data, measure the dashboards, then time the alert run."""
    started = time.perf_counter()
    app = bench_app(database_url)
    prepare_schema(app)
    print(f"schema and course package ready in {time.perf_counter() - started:.1f} s; clock frozen at {NOW.isoformat()} "
          f"(day {(NOW.date() - START).days + 1} of {(END - START).days})", flush=True)  # fmt: skip
    print("building the dashboard cohorts:", flush=True)
    cohorts = {size: build_cohort(app, f"Cohorte de {size:,} apprenants".replace(",", " "), size, SEED + size) for size in DASHBOARD_SIZES}
    started = time.perf_counter()
    output = run_alerts_in_process(app)
    print(f"flask alerts run (in process, the morning's cron): {time.perf_counter() - started:.1f} s: {output}", flush=True)
    settle_tables(app)
    print("measuring the dashboards:", flush=True)
    settle(args.settle)
    timings = measure_dashboards(app, cohorts, args.repeat)
    print("building the alert-run cohort:", flush=True)
    alerts_cohort = build_cohort(app, f"Cohorte de {args.alerts_learners:,} apprenants".replace(",", " "), args.alerts_learners, SEED)
    close_other_cohorts(app, alerts_cohort)
    print("timing flask alerts run in a child process:", flush=True)
    settle(args.settle)
    alerts = time_alert_run(database_url, launcher)
    with app.app_context():
        from app.extensions import db

        engine_name = f"{db.engine.dialect.name} {'.'.join(map(str, db.engine.dialect.server_version_info or ()))}".strip()
        db.engine.dispose()
    report(engine_name, timings, alerts, args.alerts_learners)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--launcher"]:
        return launcher_main()
    args = parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    launcher = Launcher()  # first, while this process is small
    workdir = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite'}"
    print(f"database: {without_password(database_url)}", flush=True)
    try:
        run(database_url, args, launcher)
    except BenchError as exc:
        print(f"benchmark failed: {exc}\n(database kept in {workdir})", file=sys.stderr)
        return 1
    finally:
        launcher.close()
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
