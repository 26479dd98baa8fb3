"""The layering the storage guarantees rest on, checked on the import graph.

- ``registry.domain`` is pure: no AWS SDK, no PynamoDB, no Powertools, and nothing from the
  storage, services or handlers layers, so every decision can be unit-tested without a table.
- ``registry.handlers`` is the outermost layer: nothing below it imports it.
- ``registry.storage`` does not reach up into services or handlers, and raises only its own
  errors (never the domain's, which the services choose: one error model).
- ``registry.services`` never meets PynamoDB or botocore: storage's errors are all it catches.
- ``registry.handlers`` reach storage only through the services.

Imports are read with ``ast`` (every ``import``, at any depth, relative ones resolved), and once
more at run time in a fresh interpreter.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dynamodb

ROOT = Path(__file__).resolve().parents[2] / "functions"
PACKAGE = ROOT / "registry"

AWS_AND_FRAMEWORKS = ("boto3", "botocore", "pynamodb", "aws_lambda_powertools")
RULES = {
    "registry.domain": AWS_AND_FRAMEWORKS + ("registry.storage", "registry.services", "registry.handlers"),
    "registry.services": ("registry.handlers", "boto3", "botocore", "pynamodb"),
    "registry.storage": ("registry.services", "registry.handlers", "registry.domain.errors"),
    "registry.handlers": ("registry.storage", "boto3", "botocore", "pynamodb"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module a source file imports, as absolute dotted names (``from a import b`` gives a and a.b)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call):  # importlib.import_module("x") / __import__("x")
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            literal = node.args and isinstance(node.args[0], ast.Constant)
            if name in ("import_module", "__import__") and literal:
                found.add(str(node.args[0].value))
    return found


def violations(layer: str) -> list[str]:
    forbidden = RULES[layer]
    problems = []
    for path in sorted((PACKAGE / layer.split(".", 1)[1]).rglob("*.py")):
        module = module_name(path)
        for name in sorted(imported_modules(path.read_text(), module, path.name == "__init__.py")):
            for bad in forbidden:
                if name == bad or name.startswith(bad + "."):
                    problems.append(f"{module} imports {name}")
    return problems


def test_the_resolver_reads_every_form_of_import():
    source = """
import boto3
import os.path as p
from botocore.exceptions import ClientError
from ..storage import contacts
from .. import handlers
from . import facts
from .facts import Consent
def late():
    import pynamodb.models
    importlib.import_module("aws_lambda_powertools")
"""
    found = imported_modules(source, "registry.domain.example")
    assert {"boto3", "os.path", "botocore.exceptions", "registry.storage", "registry.storage.contacts",
            "registry.handlers", "registry.domain.facts", "registry.domain.facts.Consent",
            "pynamodb.models", "aws_lambda_powertools"} <= found
    # in a package's __init__, "." is the package itself
    assert "registry.domain.facts" in imported_modules("from . import facts", "registry.domain", True)
    assert "registry.storage" in imported_modules("from ..storage import x", "registry.domain", True)


def test_a_violation_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "registry" / "domain"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "leaky.py").write_text("from ..storage.contacts import load\nimport botocore\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "PACKAGE", tmp_path / "registry")
    assert violations("registry.domain") == ["registry.domain.leaky imports botocore",
                                             "registry.domain.leaky imports registry.storage.contacts",
                                             "registry.domain.leaky imports registry.storage.contacts.load"]


@pytest.mark.parametrize("layer", list(RULES))
def test_layers_import_only_downwards(layer):
    assert len(list((PACKAGE / layer.split(".", 1)[1]).rglob("*.py"))) >= 3  # the paths are right
    assert violations(layer) == []


def test_importing_the_domain_loads_no_aws_code():
    modules = sorted(module_name(p) for p in (PACKAGE / "domain").rglob("*.py"))
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {AWS_AND_FRAMEWORKS!r}\n"
        "             or m.startswith(('registry.storage', 'registry.services', 'registry.handlers')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
