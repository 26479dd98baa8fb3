"""The Lambda package's requirements follow pyproject.toml."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROVIDED_BY_THE_RUNTIME = {"boto3", "botocore"}


def _name(requirement: str) -> str:
    for stop in "[<>=!~ ;":
        requirement = requirement.split(stop, 1)[0]
    return requirement.strip().lower()


def test_lambda_requirements_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {r.replace(" ", "") for r in project["dependencies"] if _name(r) not in PROVIDED_BY_THE_RUNTIME}
    lines = (ROOT / "functions" / "requirements.txt").read_text().splitlines()
    listed = {line.replace(" ", "") for line in lines if line.strip() and not line.startswith("#")}
    assert listed == wanted
