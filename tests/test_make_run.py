"""`make run` tells the app its own address, so links in emails work on any port."""

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _homepage_seen_by_run(env: dict, *args: str) -> str:
    # FLASK replaced by a command printing what the server would be given; setup is not rebuilt.
    command = ["make", "-s", "-o", "setup", "run", *args, "FLASK=printenv PLATFORM_HOMEPAGE #"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_make_run_on_another_port_sets_platform_homepage():
    env = {k: v for k, v in os.environ.items() if k != "PLATFORM_HOMEPAGE"}
    assert _homepage_seen_by_run(env, "PORT=8123") == "http://127.0.0.1:8123"
    assert _homepage_seen_by_run(env, "HOST=0.0.0.0", "PORT=8000") == "http://0.0.0.0:8000"


def test_a_platform_homepage_already_set_is_kept():
    env = {**os.environ, "PLATFORM_HOMEPAGE": "https://formation.example.org"}
    assert _homepage_seen_by_run(env, "PORT=8123") == "https://formation.example.org"
