"""Run a ``flask`` command in a separate process on the test database, with a frozen clock.

``python -m tests.process_runner DATABASE_URL ISO_NOW ARG...``: the tests start two of these at
once to check that concurrent runs on one database do not step on each other. Extra settings
come as JSON in the ``RUNNER_CONFIG`` environment variable.
"""

import json
import os
import sys
from datetime import datetime

from app import create_app
from tests.conftest import app_config


def main(url: str, now: str, *args: str) -> int:
    """Invoke ``flask ARGS`` at ``now`` and print its output."""
    frozen = datetime.fromisoformat(now)
    app = create_app(app_config(url, CLOCK=lambda: frozen, **json.loads(os.environ.get("RUNNER_CONFIG", "{}"))))
    result = app.test_cli_runner().invoke(args=list(args))
    sys.stdout.write(result.output)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


def start(url: str, now: datetime, *args: str, config: dict | None = None):
    """Start the runner in a child process; return the ``Popen``."""
    import subprocess

    env = {**os.environ, "RUNNER_CONFIG": json.dumps(config or {})}
    command = [sys.executable, "-m", "tests.process_runner", url, now.isoformat(), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
