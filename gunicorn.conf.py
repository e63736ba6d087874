"""Gunicorn settings for production: ``gunicorn -c gunicorn.conf.py "app:create_app()"``.

``python -m bench.pages`` runs the platform and its ceiling with these same settings.
``GUNICORN_CMD_ARGS`` (e.g. ``"--workers 2"``) overrides them for one run; the command line
overrides both.
"""

import multiprocessing
import os

#: Loopback only: a reverse proxy in front handles TLS, static files and slow clients.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))

#: Sync workers, one request at a time each: pages are CPU-bound (SQL building, templates), so
#: threads only add switching (gthread measured slower on both the platform and the ceiling).
worker_class = "sync"
#: One process per core, plus one to keep the cores busy while a worker waits on the database.
#: ``WEB_CONCURRENCY`` sets it per host.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))

#: Heartbeat files in memory, not on a disk that may stall (containers, network volumes).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
#: Kill a worker stuck this long; a page takes milliseconds.
timeout = 30
#: Recycle each worker after about this many requests so a slow leak stays bounded; the jitter
#: keeps workers from restarting together.
max_requests = 10_000
max_requests_jitter = 1_000

#: Errors to stderr; access logs are the reverse proxy's.
errorlog = "-"
loglevel = "info"
