"""The client commands' dependencies (the `cli` extra) stay out of the Lambda functions: no handler
imports registry.client, httpx or tqdm, and they are not in the Lambda's requirements."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ONLY = ("registry.client", "httpx", "tqdm")


def test_no_lambda_handler_imports_the_client_or_its_dependencies():
    check = ("import sys\n"
             "import registry.handlers.api, registry.handlers.lookup, registry.handlers.queue_consumer\n"
             "import registry.handlers.change_events\n"
             f"bad = sorted(m for m in sys.modules if m.startswith({CLIENT_ONLY!r}))\n"
             "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": "functions:.", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_admin_commands_do_not_import_the_client_either():
    check = ("import sys\n"
             "from registry import cli\n"
             "cli._parser().parse_args(['keys', 'list'])\n"
             f"sys.exit(1 if any(m.startswith({CLIENT_ONLY!r}) for m in sys.modules) else 0)")
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PYTHONPATH": "functions:.", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr


def test_the_cli_extra_is_not_in_the_lambdas_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {"httpx", "tqdm"} <= {r.split(">")[0] for r in project["optional-dependencies"]["cli"]}
    requirements = (ROOT / "functions" / "requirements.txt").read_text().lower()
    assert "httpx" not in requirements and "tqdm" not in requirements
