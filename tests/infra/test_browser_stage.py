"""The browser stage (tests/browser, ``make test-browser``) on a machine without Chromium: every
test skips and says what is missing and how to install it; the stage still passes. And the other
stages leave the browser tests out."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args],
                          cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)


def test_without_chromium_the_browser_stage_skips_saying_why():
    run = _pytest("-m", "browser", "tests/browser", REGISTRY_CHROMIUM="/nonexistent/chromium")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no Chromium at /nonexistent/chromium" in run.stdout and "apt-get install chromium" in run.stdout
    summary = run.stdout.strip().splitlines()[-1]
    assert "skipped" in summary and "passed" not in summary and "failed" not in summary, summary


def test_other_runs_leave_the_browser_tests_out():
    run = _pytest("tests/browser", "--collect-only", REGISTRY_CHROMIUM="/nonexistent/chromium")
    assert "deselected" in run.stdout and "test_preference_page_browser" not in run.stdout, run.stdout
