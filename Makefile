# Frontdoor: `make demo` serves a demo council; `make test` runs the checks and the suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the machines have two cores.
PYTEST_WORKERS ?= 2
export DEBUG ?= true

.PHONY: install assets demo serve test lint unit browser-deps messages clean

install: $(VENV)/.installed assets  ## Set up .venv with the package, its tools and front-end assets.

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed
	npm run --silent build

demo: install  ## Migrate, load the demo council and serve it at http://127.0.0.1:8000.
	$(BIN)/frontdoor migrate --no-input
	$(BIN)/frontdoor demo
	$(BIN)/frontdoor serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/frontdoor serve --host $(HOST) --port $(PORT)

ENGINES := src/frontdoor/core/calendars/engine.py $(wildcard src/frontdoor/*/engine)

lint: install  ## ruff, mypy on the pure engines, the import contracts and the migrations check.
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy $(ENGINES)
	$(BIN)/lint-imports
	$(BIN)/frontdoor makemigrations --check --dry-run

browser-deps:  ## Debian's Chromium for the browser tests (apt where it can).
	@scripts/ensure-chromium.sh

test: install lint browser-deps  ## Everything: lint, unit, integration and browser tests.
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

unit: install  ## The suite without the browser tests.
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

messages: install
	cd src/frontdoor && ../../$(BIN)/frontdoor makemessages -l cy --ignore "testing/*"

clean:
	rm -rf $(VENV) node_modules var src/frontdoor/web/assets/vendor src/frontdoor/web/assets/frontdoor/frontdoor.css
