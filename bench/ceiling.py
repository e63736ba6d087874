"""The ceiling: a minimal Flask app serving fixed answers, to compare the platform against.

``python -m bench.pages`` and ``python -m bench.journey`` run it under the same gunicorn
settings as the platform; what the platform cannot reach of this app's throughput is the cost of
the platform's own work.

It serves either one page on every path (``BENCH_CEILING_PAGE``: bench.pages), or, per path, the
status, ``Location`` and body bytes a manifest names (``BENCH_CEILING_MANIFEST``: a JSON object
``{"/path": {"file": ..., "status": 303, "location": "..."}}``, bench.journey), to GET and POST
alike: each platform page is compared with an answer of the same size and status.
"""

import json
import os
from pathlib import Path

from flask import Flask
from flask import Response
from flask import abort

#: Environment variable naming the file whose bytes the ceiling serves (the real page, saved once).
PAGE_ENV = "BENCH_CEILING_PAGE"
#: Environment variable naming the manifest of answers by path.
MANIFEST_ENV = "BENCH_CEILING_MANIFEST"
#: Size of the padded page served when no file is given, about that of the reading page.
DEFAULT_SIZE = 11 * 1024


def page_bytes() -> bytes:
    """Return the bytes to serve: the saved file if one is named, else a padded page."""
    path = os.environ.get(PAGE_ENV)
    if path:
        return Path(path).read_bytes()
    head, tail = b"<!doctype html><html><body><p>", b"</p></body></html>\n"
    return head + b"x" * (DEFAULT_SIZE - len(head) - len(tail)) + tail


def answers() -> dict[str, tuple[bytes, int, dict[str, str]]]:
    """Return body, status and headers by path, from the manifest (empty without one)."""
    path = os.environ.get(MANIFEST_ENV)
    if not path:
        return {}
    found = {}
    for url_path, answer in json.loads(Path(path).read_text()).items():
        headers = {"Location": answer["location"]} if answer.get("location") else {}
        found[url_path] = (Path(answer["file"]).read_bytes(), int(answer["status"]), headers)
    return found


def create_app() -> Flask:
    """Create the ceiling app: each path answers with fixed bytes, read once at start."""
    app = Flask(__name__)
    # Read once: the ceiling must do no work per request beyond Flask's own.
    body = page_bytes()
    by_path = answers()

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def page(path: str) -> Response:
        if not by_path:
            return Response(body, mimetype="text/html")
        found = by_path.get("/" + path) or abort(404)
        data, status, headers = found
        return Response(data, status=status, headers=headers, mimetype="text/html")

    return app
