"""Gunicorn settings for production (``gunicorn -c gunicorn.conf.py "app:create_app()"``).

``python -m bench.pages`` runs the platform and its ceiling with these same settings.
Override any of them for one run with ``GUNICORN_CMD_ARGS`` (e.g. ``"--workers 3"``), which
gunicorn applies on top of this file; the command line wins over both.
"""

import multiprocessing
import os

#: Listen on loopback only: a reverse proxy (TLS, static files, slow clients) faces the network.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))

#: Sync workers: one request at a time per process, the work is CPU-bound (templates, SQL).
worker_class = "sync"
#: One process per core plus one, so a core is never idle while a worker waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))

#: Heartbeat files in memory, not on a disk that may stall (containers, slow volumes).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
#: Kill a worker stuck for this long; a page should take milliseconds.
timeout = 30
#: Recycle workers now and then so a slow leak never grows unbounded; the jitter staggers restarts.
max_requests = 10_000
max_requests_jitter = 1_000

#: Errors to stderr; access logs belong to the reverse proxy in front.
errorlog = "-"
loglevel = "info"
#: Trust X-Forwarded-* only from the local reverse proxy.
forwarded_allow_ips = "127.0.0.1"
