"""Gunicorn settings for production: ``gunicorn -c gunicorn.conf.py "app:create_app()"``.

``python -m bench.pages`` runs the platform and its ceiling with these same settings.
``GUNICORN_CMD_ARGS`` (e.g. ``"--workers 2"``) overrides them for one run; the command line
overrides both.
"""

import gc
import multiprocessing
import os

#: Loopback only: a reverse proxy in front handles TLS, static files and slow clients.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))

#: Sync workers, one request at a time each: pages are CPU-bound (SQL building, templates), so
#: threads only add switching (gthread measured slower on both the platform and the ceiling).
worker_class = "sync"
#: Two processes per core, plus one (gunicorn's own rule): a sync worker sits idle while it waits
#: for the database, which on PostgreSQL is a round trip per statement; with one per core the
#: cores idled (bench.journey on PostgreSQL: 589 requests/s on the reading page with 3 workers,
#: 983 with 5; SQLite does not lose by it). ``WEB_CONCURRENCY`` sets it per host.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))

#: Heartbeat files in memory, not on a disk that may stall (containers, network volumes).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
#: Kill a worker stuck this long; a page takes milliseconds.
timeout = 30
#: Recycle each worker after about this many requests so a slow leak stays bounded; the jitter
#: keeps workers from restarting together.
max_requests = 10_000
max_requests_jitter = 1_000
#: Load the app once in the master and fork workers from it: a recycled worker starts in
#: milliseconds instead of importing and building the app again (about a second of CPU, paid
#: under load), and workers share the code's memory. The app opens no connection before a request.
preload_app = True


def pre_fork(server, worker):
    """Move everything the master loaded out of the garbage collector's sight before each fork.

    The app's modules, templates and caches live as long as the worker: collecting them again
    and again costs CPU on every page, and touching them would copy the master's shared pages.
    """
    gc.freeze()

#: Errors to stderr; access logs are the reverse proxy's.
errorlog = "-"
loglevel = "info"
