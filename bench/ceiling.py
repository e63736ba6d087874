"""The ceiling: a minimal Flask app serving one static page, to compare the platform against.

``python -m bench.pages`` runs it under the same gunicorn settings as the platform; what the
platform cannot reach of this app's throughput is the cost of the platform's own work.
"""

import os
from pathlib import Path

from flask import Flask
from flask import Response

#: Environment variable naming the file whose bytes the ceiling serves (the real page, saved once).
PAGE_ENV = "BENCH_CEILING_PAGE"
#: Size of the padded page served when no file is given, about that of the reading page.
DEFAULT_SIZE = 11 * 1024


def page_bytes() -> bytes:
    """Return the bytes to serve: the saved file if one is named, else a padded page."""
    path = os.environ.get(PAGE_ENV)
    if path:
        return Path(path).read_bytes()
    head, tail = b"<!doctype html><html><body><p>", b"</p></body></html>\n"
    return head + b"x" * (DEFAULT_SIZE - len(head) - len(tail)) + tail


def create_app() -> Flask:
    """Create the ceiling app: every path answers 200 with the same HTML bytes."""
    app = Flask(__name__)
    body = page_bytes()  # read once: the ceiling must do no work per request beyond Flask's own

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def page(path: str) -> Response:
        return Response(body, mimetype="text/html")

    return app
