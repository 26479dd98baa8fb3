"""The lookup's cold start: what importing the lookup function's module (and the API's) loads, and
that tracing stays on in Lambda.

The Tracer is Powertools' only where Powertools would trace (in Lambda, POWERTOOLS_TRACE_DISABLED
unset or false); elsewhere its decorators give the function back unchanged and the X-Ray SDK is not
imported. Each import runs in a fresh interpreter, so nothing this process loaded counts.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry.handlers.observability import Untraced, tracing_enabled

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import importlib, json, sys
api = importlib.import_module(sys.argv[1])
from aws_lambda_powertools import Tracer
from registry.handlers import observability
loaded = {name: name in sys.modules for name in sys.argv[2:]}
print(json.dumps({"tracer": type(observability.tracer).__name__, "powertools": isinstance(observability.tracer, Tracer),
                  "wrapped": hasattr(api.lambda_handler, "__wrapped__"), "loaded": loaded}))
"""
DEFERRED = ("aws_xray_sdk.core", "aws_lambda_powertools.event_handler.openapi.models", "cryptography.x509", "jinja2",
            "holidays")
# Not loaded by the lookup function's module (the API's loads them: it serves the document)
LOOKUP_ONLY_DEFERRED = ("registry.handlers.responses", "registry.handlers.openapi")


LOOKUP, API = "registry.handlers.lookup", "registry.handlers.api"


def _import_api(module: str = LOOKUP, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("POWERTOOLS_TRACE_DISABLED", "LAMBDA_TASK_ROOT", "AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE")}
    clean.update(env, PYTHONPATH=os.pathsep.join([str(ROOT / "functions"), str(ROOT)]))
    out = subprocess.run([sys.executable, "-c", PROBE, module, *DEFERRED, *LOOKUP_ONLY_DEFERRED], env=clean, cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", [LOOKUP, API])
def test_outside_lambda_the_lookup_module_loads_no_tracer_openapi_models_cryptography_jinja2_or_holidays(module):
    probe = _import_api(module, POWERTOOLS_TRACE_DISABLED="true")
    assert probe["tracer"] == "Untraced" and not probe["powertools"]
    assert {name: probe["loaded"][name] for name in DEFERRED} == dict.fromkeys(DEFERRED, False)


def test_the_lookup_function_loads_no_response_models_nor_the_api_description():
    """They describe answers for the OpenAPI document, which only ApiFunction serves (handlers.answers)."""
    probe = _import_api(LOOKUP, POWERTOOLS_TRACE_DISABLED="true")
    assert {name: probe["loaded"][name] for name in LOOKUP_ONLY_DEFERRED} == dict.fromkeys(LOOKUP_ONLY_DEFERRED, False)
    assert _import_api(API, POWERTOOLS_TRACE_DISABLED="true")["loaded"]["registry.handlers.responses"]


@pytest.mark.parametrize("module", [LOOKUP, API])
def test_in_lambda_the_handler_is_traced_by_powertools(module):
    probe = _import_api(module, LAMBDA_TASK_ROOT=str(ROOT / "functions"))
    assert probe["tracer"] == "Tracer" and probe["powertools"]
    assert probe["loaded"]["aws_xray_sdk.core"]
    assert probe["wrapped"]  # capture_lambda_handler wrapped lambda_handler (functools.wraps)


@pytest.mark.parametrize(("env", "enabled"), [
    ({"LAMBDA_TASK_ROOT": "/var/task"}, True),
    ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "false"}, True),
    ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
    ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "1"}, False),
    ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),
    ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_CHALICE_CLI_MODE": "true"}, False),
    ({"LAMBDA_TASK_ROOT": ""}, False),
    ({}, False),
    ({"POWERTOOLS_TRACE_DISABLED": "false"}, False),
])
def test_tracing_is_on_only_where_powertools_would_trace(env, enabled):
    assert tracing_enabled(env) is enabled


def test_untraced_decorators_give_the_function_back():
    def handler(event, context):
        return event

    untraced = Untraced()
    assert untraced.capture_lambda_handler(handler) is handler
    assert untraced.capture_lambda_handler(capture_response=False)(handler) is handler
    assert untraced.capture_method(handler) is handler
    assert untraced.capture_method(capture_response=False)(handler) is handler
