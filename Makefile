# Developer and CI entry points. `make run` serves the API; `make test` is what CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: reinstall only when pyproject.toml is newer. The server
# needs only the project's own dependencies; lint, tests and benchmarks add the dev toolchain.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

# uv installs the same packages from the same index in seconds where pip takes minutes; where
# uv can't be had, pip does the install.
define pip_install
if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --python $(BIN)/python $(1); \
else $(BIN)/python -m pip install $(1); fi
endef

# CI-friendly defaults: unbuffered logs, no bytecode litter, no pip nagging, no colours.
export PYTHONUNBUFFERED := 1
export PYTHONDONTWRITEBYTECODE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export NO_COLOR := 1

.PHONY: help install install-run run seed test lint format bench spec-report spec-lambda lambda-events \
	build-ApiFunction build-ScheduleFunction clean \
	distclean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# No pip in the venv at first: copying it in is most of venv's time. The interpreter's own pip
# puts uv there; without it (or uv), the venv gets pip after all and pip installs.
$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(PYTHON) -m pip --python $(BIN)/python install --quiet uv \
	  || { echo "uv is not available: installing with pip"; $(BIN)/python -m ensurepip --quiet; }

$(RUN_STAMP): pyproject.toml | $(BIN)/uv
	$(call pip_install,-e .)
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/uv
	$(call pip_install,-e '.[dev]' pip)
	touch $(RUN_STAMP) $(DEV_STAMP)

install-run: $(RUN_STAMP) ## Create .venv with what the server needs (only when pyproject.toml changed)

install: $(DEV_STAMP) ## Create .venv with the server and the dev and test toolchain

run: install-run ## Migrate the database and serve the API (background worker in process)
	$(BIN)/hexashop serve

seed: install-run ## Add the demo users (printed with their passwords) and products; idempotent
	$(BIN)/hexashop db upgrade
	$(BIN)/hexashop seed demo

lint: install ## Lint, check formatting, types and layer contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/cfn-lint deploy/template.yaml

format: install ## Format and auto-fix lint
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# pytest-xdist runs the suite on every core, one test module per worker at a time (each module's
# fixtures are built once); every test already uses its own ports, databases and Redis prefix.
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile
# Through API Gateway events, the specs whose requests the Lambda mapping changes most: binary
# bodies (media) and key headers with CORS (API keys, counters). `make spec-lambda` runs them all.
LAMBDA_SPECS := tests/bdd/media tests/bdd/apikeys tests/bdd/counters

test: lint ## Everything CI checks: lint, the whole suite, the specs over HTTP and Lambda events
	$(BIN)/pytest $(PYTEST_PARALLEL)
	$(BIN)/pytest tests/bdd --driver=http $(PYTEST_PARALLEL)
	$(BIN)/pytest $(LAMBDA_SPECS) --driver=lambda $(PYTEST_PARALLEL)

spec-lambda: install ## Every Gherkin spec through API Gateway events on the Lambda handler
	$(BIN)/pytest tests/bdd --driver=lambda $(PYTEST_PARALLEL)

bench: install ## Run the benchmarks
	$(BIN)/python -m tests.bench.run

# The HTML report of the Gherkin run for product owners (README: "Reading the spec report").
# Narrow it with SPEC_PATHS=tests/bdd/ordering, run it over HTTP with SPEC_DRIVER=http.
SPEC_REPORT_DIR ?= var/spec-report
# Every context's scenario module (tests/bdd/<context>/test_<context>.py), not the checks beside them.
SPEC_PATHS ?= $(wildcard tests/bdd/*/test_*.py)
SPEC_DRIVER ?= use_case
# The report generator (npm's multiple-cucumber-html-reporter) and its lockfile's install.
SPEC_TOOL := var/spec-report-tool
SPEC_TOOL_STAMP := $(SPEC_TOOL)/.installed

$(SPEC_TOOL_STAMP): tests/bdd/report/package.json tests/bdd/report/package-lock.json
	@command -v npm >/dev/null || { echo "spec-report needs Node.js >= 18 and npm" >&2; exit 1; }
	mkdir -p $(SPEC_TOOL)
	cp tests/bdd/report/package.json tests/bdd/report/package-lock.json $(SPEC_TOOL)/
	npm ci --prefix $(SPEC_TOOL) --no-audit --no-fund --loglevel=error
	touch $@

# The report is written whether or not every scenario passes; the target fails if one fails.
spec-report: install $(SPEC_TOOL_STAMP) ## Run the Gherkin specs; HTML report in var/spec-report/
	rm -rf $(SPEC_REPORT_DIR)/index.html $(SPEC_REPORT_DIR)/features $(SPEC_REPORT_DIR)/assets \
		$(SPEC_REPORT_DIR)/json
	mkdir -p $(SPEC_REPORT_DIR)/json
	status=0; \
	$(BIN)/pytest $(SPEC_PATHS) --driver=$(SPEC_DRIVER) -q \
		--cucumberjson=$(SPEC_REPORT_DIR)/json/cucumber.json || status=$$?; \
	NODE_PATH=$(CURDIR)/$(SPEC_TOOL)/node_modules node tests/bdd/report/generate.js \
		$(SPEC_REPORT_DIR)/json $(SPEC_REPORT_DIR) $(SPEC_DRIVER); \
	exit $$status

# API Gateway's own event shapes for tests/lambda, from `sam local generate-event`. The SAM CLI
# is no dependency of the project: it is installed into a throwaway venv outside the checkout.
LAMBDA_EVENTS := tests/lambda/events
SAM_VENV ?= /tmp/hexashop-sam-cli
lambda-events: ## Regenerate the API Gateway test events with the AWS SAM CLI (throwaway venv)
	[ -x $(SAM_VENV)/bin/sam ] || { $(PYTHON) -m venv $(SAM_VENV) \
	  && $(SAM_VENV)/bin/pip install --quiet aws-sam-cli; }
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam local generate-event apigateway http-api-proxy \
	  > $(LAMBDA_EVENTS)/http-api-proxy.json
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam local generate-event apigateway aws-proxy \
	  > $(LAMBDA_EVENTS)/aws-proxy.json

# `sam build` (deploy/template.yaml, BuildMethod: makefile) runs these in the checkout with
# ARTIFACTS_DIR set: the project's packages beside its dependencies' Linux x86_64 wheels for
# Lambda's Python 3.11, whatever machine builds them. Lambda's code folder is read-only, so
# Python could cache no bytecode there and would compile every module on each cold start: the
# build compiles it (checked by hash, not by the modification times zipping changes), except
# faker's locales (pulled in by Litestar, never imported at start-up), which would take the
# unzipped size past Lambda's 250 MB.
LAMBDA_PLATFORM := --python-version 3.11 --python-platform x86_64-manylinux_2_28
build-ApiFunction build-ScheduleFunction: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --quiet $(LAMBDA_PLATFORM) \
	  --output-file $(ARTIFACTS_DIR)/requirements.txt
	$(BIN)/uv pip install --quiet --target $(ARTIFACTS_DIR) $(LAMBDA_PLATFORM) \
	  --only-binary :all: --requirement $(ARTIFACTS_DIR)/requirements.txt
	cp -R domain application adapters entrypoints $(ARTIFACTS_DIR)/
	find $(ARTIFACTS_DIR) -name __pycache__ -type d -prune -exec rm -rf {} +
	$(BIN)/python -m compileall -q -j 0 --invalidation-mode unchecked-hash \
	  -x '/faker/' $(ARTIFACTS_DIR)

clean: ## Remove caches and build artefacts (keeps .venv and var/)
	rm -rf .mypy_cache .ruff_cache .pytest_cache .import_linter_cache build dist *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## Also remove .venv and var/ (the development database and mail)
	rm -rf $(VENV) var
