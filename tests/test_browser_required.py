"""Without Chromium the browser tests fail with the reason, unless the person running them chose to skip."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
ONE_BROWSER_TEST = "tests/e2e/test_small_screen.py::test_the_site_has_an_icon"


def _run_without_chromium(**extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FAIL_ON_SKIP", "SKIP_BROWSER_TESTS", "TEST_DATABASE_URL")}
    env.update(CHROMIUM=str(ROOT / "no-such-chromium"), **extra)  # SQLite in a temporary folder: not our database
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", ONE_BROWSER_TEST],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("extra", "outcome"), [({}, "1 error"), ({"SKIP_BROWSER_TESTS": "1"}, "1 skipped")])
def test_a_missing_chromium_fails_unless_skipping_was_asked(extra, outcome):
    run = _run_without_chromium(**extra)
    assert outcome in run.stdout, run.stdout
    assert "no-such-chromium" in run.stdout
    assert run.returncode == (1 if not extra else 0), run.stdout
