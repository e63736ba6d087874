"""Benchmark the reading page against a static-page ceiling, both under production gunicorn settings.

Run from the repository root with the virtual environment's Python::

    .venv/bin/python -m bench.pages [--duration SECONDS]

It sets up demo data in a fresh temporary SQLite database (or in the one named by ``DATABASE_URL``, as for every benchmark,
e.g. ``postgresql://postgres@127.0.0.1:5432/test``: that database gets migrated and the demo
accounts), starts the platform and a minimal Flask app serving a page of the same size (the
ceiling) under gunicorn with the same settings file, signs the demo learner in once, and drives
both with ``wrk`` on loopback: throughput at 32 connections, latency at 4. Its last line is::

    RESULT reading_rps=... ceiling_rps=... ratio=... p99_ms=...

Target: ``ratio >= 0.35`` and ``p99_ms <= 30`` (p99 of the reading page at 4 connections).

The settings file is ``gunicorn.conf.py`` at the root (production's), else ``bench/gunicorn.conf.py``.
To try other settings for one run, use gunicorn's own ``GUNICORN_CMD_ARGS``, which applies to both
servers, e.g. ``GUNICORN_CMD_ARGS="--workers 3" .venv/bin/python -m bench.pages``.
Client and servers share the machine: run it on an otherwise idle one (it warns when it is not).
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # loopback only: the benchmark never listens on, or talks to, another address
WRK = "/usr/bin/wrk"

#: Production settings first; the proposal kept in bench/ until it moves to the root.
GUNICORN_CONFIGS = (ROOT / "gunicorn.conf.py", ROOT / "bench" / "gunicorn.conf.py")
APP_TARGET = "app:create_app()"
CEILING_TARGET = "bench.ceiling:create_app()"

READING_PATH = "/cours/introduction/six-lignes-de-force"
LOGIN_PATH = "/connexion"
LEARNER = ("apprenant@demo.test", "demo-apprenant")

THROUGHPUT_CONNECTIONS = 32
LATENCY_CONNECTIONS = 4
WRK_THREADS = 2
WARMUP_SECONDS = 2
TARGET_RATIO = 0.35
TARGET_P99_MS = 30.0

#: wrk counts only statuses >= 400 as errors, so a signed-out 302 to the sign-in page would pass
#: for a fast page; this script counts every answer whose status is not the expected one and
#: prints the total. ``{expected}`` is the status; ``{request}`` may define wrk's ``request()``
#: (a POST, a body that changes per request).
WRK_STATUS_SCRIPT = """
local threads = {{}}
function setup(thread) thread:set("id", #threads + 1); table.insert(threads, thread) end
function init(args) not_ok = 0 end
{request}
function response(status, headers, body)
  if status ~= {expected} then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("Unexpected responses: %d\\n", total))
end
"""


def status_script(expected: int = 200, request: str = "") -> str:
    """Return a wrk script failing the run on any status but ``expected`` (see ``WRK_STATUS_SCRIPT``)."""
    return WRK_STATUS_SCRIPT.format(expected=expected, request=request)


class BenchError(RuntimeError):
    """A benchmark step failed: its figures would be meaningless."""


@dataclass(frozen=True)
class WrkRun:
    """What one wrk run measured."""

    connections: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    socket_errors: str
    #: CPU time the server (master and workers) spent per request: it moves less than requests/s
    #: when other programs share the machine, since time spent waiting for a CPU does not count.
    cpu_ms: float = 0.0


@dataclass
class Server:
    """A gunicorn master started by this script."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def base_url(self) -> str:
        """Return the server's root URL."""
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the server's log, to explain a failure."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run (default 10)")
    return parser.parse_args(argv)


def gunicorn_config() -> Path:
    """Return the production gunicorn settings file: the root one, else the proposal in bench/."""
    for path in GUNICORN_CONFIGS:
        if path.exists():
            return path
    raise BenchError("no gunicorn settings file: expected " + " or ".join(map(str, GUNICORN_CONFIGS)))


def check_wrk() -> None:
    """Stop early with instructions when wrk is missing."""
    if not os.access(WRK, os.X_OK):
        sys.exit(f"{WRK} not found: install Debian's package with `apt-get install -y wrk`, then run again.")


def warn_if_busy() -> None:
    """Warn when other programs are using the CPU: wrk and both servers need the whole machine."""
    busy = cpu_busy_fraction()
    print(f"CPU busy before the run: {busy:.0%} of {os.cpu_count()} CPUs")
    if busy > 0.1:
        print("warning: the machine is busy, requests/s will be low and noisy", file=sys.stderr)


def cpu_busy_fraction(seconds: float = 1.0) -> float:
    """Return the share of all CPUs busy over the next ``seconds`` (Linux's /proc/stat)."""

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return idle, sum(fields)

    idle_before, total_before = sample()
    time.sleep(seconds)
    idle_after, total_after = sample()
    return 1 - (idle_after - idle_before) / max(1, total_after - total_before)


def server_cpu_seconds(server: Server) -> float:
    """Return the CPU time used so far by a gunicorn master, its workers and its reaped workers."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The process name, in parentheses, may hold spaces: read the fields after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == server.process.pid:
            ticks += sum(int(v) for v in fields[11:15])  # utime, stime, and its reaped children's
        elif ppid == server.process.pid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """Return a loopback port that is free now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_environment(database_url: str) -> dict[str, str]:
    """Return the environment of a production start against ``database_url``."""
    env = dict(os.environ)
    # Production mode: a debug or testing flag left in the shell would skip the secret-key check
    # and change how Flask behaves, so the figures would not be production's.
    for name in ("FLASK_DEBUG", "FLASK_TESTING"):
        env.pop(name, None)
    key = secrets.token_urlsafe(32)
    env["SECRET_KEY"] = env["FLASK_SECRET_KEY"] = key
    env["DATABASE_URL"] = database_url
    # FLASK_* variables are applied after instance/config.py: this keeps a local instance config
    # from pointing the benchmark (which writes demo data) at a real database.
    env["FLASK_SQLALCHEMY_DATABASE_URI"] = normalised_url(database_url)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # Plain HTTP on the loopback: production would mark the cookies HTTPS-only and sign-in would fail.
    env["FLASK_INSECURE_HTTP"] = "true"
    return env


def normalised_url(url: str) -> str:
    """Return ``url`` as the platform hands it to SQLAlchemy (psycopg 3 driver for PostgreSQL)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from app.config import normalise_database_url  # the platform's own rule, not a copy of it

    return normalise_database_url(url)


def without_password(url: str) -> str:
    """Return ``url`` fit to print: any password replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(":" + parts.password + "@", ":***@", 1)).geturl()


def prepare_database(env: dict[str, str]) -> None:
    """Migrate the database and load the demo course and accounts (both idempotent)."""
    flask = str(VENV_BIN / "flask")
    for args in (["db", "upgrade"], ["demo"]):
        result = subprocess.run([flask, "--app", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def start_gunicorn(name: str, target: str, config: Path, env: dict[str, str], workdir: Path) -> Server:
    """Start gunicorn on a free loopback port with the settings file ``config``."""
    port = free_port()
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        # The command line's --bind wins over the settings file's, so only the port differs.
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(config), "--bind", f"{HOST}:{port}", target],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it reaches every worker
        )
    return Server(name, port, process, log_path)


def wait_ready(server: Server, path: str, timeout: float = 30.0) -> None:
    """Poll ``path`` until the server answers, or fail with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            code = server.process.returncode
            raise BenchError(f"{server.name}: gunicorn exited ({code}):\n{server.log_tail()}")
        try:
            status, _, _ = http_request(server, "GET", path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"{server.name}: not ready after {timeout:.0f} s:\n{server.log_tail()}")


def stop(server: Server | None) -> None:
    """Stop a gunicorn master gracefully, then its whole process group if it lingers."""
    if server is None or server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)  # the group holds only this master's workers
        server.process.wait()


def http_request(server: Server, method: str, path: str, body: str | None = None, headers: dict | None = None):
    """Send one request without following redirects; return status, headers and body bytes."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def session_cookie(headers, previous: str | None = None) -> str | None:
    """Return the ``session`` cookie a response sets, else ``previous``."""
    for header in headers.get_all("Set-Cookie") or ():
        cookie = SimpleCookie(header)
        if "session" in cookie:
            return cookie["session"].value
    return previous


def sign_in(server: Server) -> str:
    """Sign the demo learner in once (sign-in is rate limited) and return the session cookie."""
    status, headers, body = http_request(server, "GET", LOGIN_PATH)
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body)
    cookie = session_cookie(headers)
    if status != 200 or found is None or cookie is None:
        raise BenchError(f"sign-in form: status {status}, CSRF token or session cookie missing")
    email, password = LEARNER
    form = urllib.parse.urlencode({"csrf_token": found.group(1).decode(), "email": email, "password": password})
    status, headers, _ = http_request(
        server,
        "POST",
        LOGIN_PATH,
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie}"},
    )
    location = headers.get("Location", "")
    if status != 302 or not location.rstrip("/").endswith("/cours"):
        raise BenchError(f"sign-in failed: status {status}, Location {location!r} (expected 302 to /cours/)")
    return session_cookie(headers, cookie)


def fetch_reading(server: Server, cookie: str) -> tuple[bytes, str]:
    """Get the reading page twice as the signed-in learner; return its body and the latest cookie.

    The first view of a reading writes a view event; the second is the steady state wrk measures.
    """
    body = b""
    for _ in range(2):
        status, headers, body = http_request(server, "GET", READING_PATH, headers={"Cookie": f"session={cookie}"})
        if status != 200:
            raise BenchError(f"reading page answered {status} to the signed-in learner (expected 200)")
        cookie = session_cookie(headers, cookie)
    return body, cookie


def run_wrk(url: str, connections: int, seconds: int, cookie: str | None, script: Path) -> WrkRun:
    """Drive ``url`` with wrk and return what it measured; fail if any answer has another status than the script expects."""
    command = [WRK, f"-t{min(WRK_THREADS, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: session={cookie}"]
    try:
        result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish within {seconds + 30} s") from exc
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout, connections)


def parse_wrk(output: str, connections: int) -> WrkRun:
    """Read requests, requests/s, p50/p99 and errors from wrk's ``--latency`` report."""
    not_ok = int(_match(r"Unexpected responses: (\d+)", output))
    requests = int(_match(r"(\d+) requests in", output))
    if not_ok or not requests:
        raise BenchError(f"{not_ok} of {requests} answers had another status, the figures are not the page's:\n{output}")
    errors = re.search(r"Socket errors: (.+)", output)
    return WrkRun(
        connections=connections,
        requests=requests,
        rps=float(_match(r"Requests/sec:\s+([\d.]+)", output)),
        p50_ms=_milliseconds(_match(r"^\s+50%\s+(\S+)", output)),
        p99_ms=_milliseconds(_match(r"^\s+99%\s+(\S+)", output)),
        socket_errors=errors.group(1) if errors else "none",
    )


def _match(pattern: str, text: str) -> str:
    """Return the first group of ``pattern`` in wrk's ``text``, or fail showing the output."""
    found = re.search(pattern, text, re.MULTILINE)
    if found is None:
        raise BenchError(f"unexpected wrk output (no {pattern!r}):\n{text}")
    return found.group(1)


def _milliseconds(value: str) -> float:
    """Convert a wrk duration (``812.00us``, ``4.20ms``, ``1.02s``, ``1.00m``) to milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def measure(server: Server, path: str, cookie: str | None, seconds: int, script: Path) -> tuple[WrkRun, WrkRun]:
    """Warm the server up, then measure throughput and latency; return both runs."""
    url = server.base_url + path
    # Short unmeasured run: every worker imports, compiles its templates and opens its connections.
    run_wrk(url, THROUGHPUT_CONNECTIONS, WARMUP_SECONDS, cookie, script)
    runs = []
    for connections in (THROUGHPUT_CONNECTIONS, LATENCY_CONNECTIONS):
        cpu_before = server_cpu_seconds(server)
        run = run_wrk(url, connections, seconds, cookie, script)
        cpu_ms = (server_cpu_seconds(server) - cpu_before) * 1000 / run.requests
        runs.append(replace(run, cpu_ms=cpu_ms))
    return runs[0], runs[1]


def report(config: Path, page_size: int, results: dict[str, tuple[WrkRun, WrkRun]]) -> None:
    """Print the figures as a table, then the RESULT line (always last)."""
    overrides = os.environ.get("GUNICORN_CMD_ARGS")
    extra = f" + GUNICORN_CMD_ARGS={overrides!r}" if overrides else ""
    print(f"\ngunicorn settings: {config.relative_to(ROOT)}{extra}")
    print(f"page: {READING_PATH} ({page_size} bytes)")
    print(f"{'':10} {'conns':>5} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10}  socket errors")
    for name, runs in results.items():
        for run in runs:
            print(
                f"{name:10} {run.connections:>5} {run.requests:>9} {run.rps:>9.0f} "
                f"{run.p50_ms:>8.1f} {run.p99_ms:>8.1f} {run.cpu_ms:>10.2f}  {run.socket_errors}"
            )
    reading_rps = results["reading"][0].rps
    ceiling_rps = results["ceiling"][0].rps
    ratio = reading_rps / ceiling_rps
    p99 = results["reading"][1].p99_ms
    verdict = "met" if ratio >= TARGET_RATIO and p99 <= TARGET_P99_MS else "NOT met"
    # When the servers are CPU-bound, the throughput ratio tends to the inverse ratio of CPU costs;
    # this estimate survives a busy machine better than requests/s do.
    cpu_ratio = results["ceiling"][0].cpu_ms / results["reading"][0].cpu_ms
    print(
        f"\nserver CPU per request at {THROUGHPUT_CONNECTIONS} connections: reading "
        f"{results['reading'][0].cpu_ms:.2f} ms, ceiling {results['ceiling'][0].cpu_ms:.2f} ms "
        f"(ratio {cpu_ratio:.2f})"
    )
    print(
        f"throughput ratio {ratio:.2f} (target >= {TARGET_RATIO}), p99 at {LATENCY_CONNECTIONS} connections "
        f"{p99:.1f} ms (target <= {TARGET_P99_MS:.0f}): target {verdict}"
    )
    print(f"RESULT reading_rps={reading_rps:.0f} ceiling_rps={ceiling_rps:.0f} ratio={ratio:.2f} p99_ms={p99:.1f}")


def run_both(config: Path, workdir: Path, seconds: int) -> tuple[int, dict[str, tuple[WrkRun, WrkRun]]]:
    """Prepare the data, start both servers, measure them; return the page size and the runs.

    Both gunicorn masters are stopped on the way out, whatever happens.
    """
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite'}"
    print(f"database: {without_password(database_url)}")
    env = app_environment(database_url)
    script = workdir / "status.lua"
    script.write_text(status_script())
    app = ceiling = None
    try:
        prepare_database(env)
        app = start_gunicorn("reading", APP_TARGET, config, env, workdir)
        wait_ready(app, LOGIN_PATH)
        cookie = sign_in(app)
        page, cookie = fetch_reading(app, cookie)
        # The ceiling serves the very bytes of the reading page, so both move the same payload.
        page_file = workdir / "reading.html"
        page_file.write_bytes(page)
        ceiling_env = {**env, "BENCH_CEILING_PAGE": str(page_file)}
        ceiling = start_gunicorn("ceiling", CEILING_TARGET, config, ceiling_env, workdir)
        wait_ready(ceiling, "/")
        print(
            f"measuring: warm-up {WARMUP_SECONDS} s, then {seconds} s at {THROUGHPUT_CONNECTIONS} "
            f"and {seconds} s at {LATENCY_CONNECTIONS} connections, for each server",
            flush=True,
        )
        results = {
            "reading": measure(app, READING_PATH, cookie, seconds, script),
            "ceiling": measure(ceiling, "/", None, seconds, script),
        }
        return len(page), results
    finally:
        stop(app)
        stop(ceiling)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; return the exit status."""
    args = parse_args(argv)
    return run_in_workdir("bench-pages-", lambda config, workdir: run_both(config, workdir, args.duration), report)


def run_in_workdir(prefix: str, measure: Callable[[Path, Path], tuple], report_figures: Callable[..., None]) -> int:
    """Check wrk and the machine, measure in a fresh work folder, then report; return the exit status.

    ``measure(config, workdir)`` returns what ``report_figures(config, *figures)`` prints. The
    folder (logs, database) is kept when the benchmark fails, to explain why.
    """
    check_wrk()
    warn_if_busy()
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        config = gunicorn_config()
        figures = measure(config, workdir)
    except BenchError as exc:
        print(f"benchmark failed: {exc}\n(logs and database kept in {workdir})", file=sys.stderr)
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    report_figures(config, *figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
