# Vivera — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12+: use the first suitable interpreter on this machine.
PYTHON ?= $(shell scripts/find-python)
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SCALE ?= 1.0

.PHONY: run test test-fast format install assets demo lint check messages compile-messages clean

$(BIN)/vivera: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 of nieuwer is nodig (Django 6). Zie README.md." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "WAARSCHUWING: npm ontbreekt; de NL Design System-stijlen worden niet geïnstalleerd." >&2; fi

install: $(BIN)/vivera assets

assets: node_modules/.package-lock.json

var/.demo-loaded: $(BIN)/vivera
	DEBUG=1 $(BIN)/vivera migrate --no-input
	DEBUG=1 $(BIN)/vivera demo --scale $(DEMO_SCALE)
	@touch $@

run: install var/.demo-loaded
	@DEBUG=1 $(BIN)/vivera demo_logins
	DEBUG=1 $(BIN)/vivera runserver $(HOST):$(PORT)

demo: install
	DEBUG=1 $(BIN)/vivera migrate --no-input
	DEBUG=1 $(BIN)/vivera demo --reset --scale $(DEMO_SCALE)
	@touch var/.demo-loaded

# The suite on every core (pytest-xdist). Test by test (`--dist load`), not file by file: each
# worker keeps pytest-django's order, in which the tests that empty the database (transactional
# ones) come last; grouped by file, a worker ran them before others and those found no code lists.
PYTEST_WORKERS ?= auto

test: install
	$(BIN)/ruff check vivera
	$(BIN)/ruff format --check vivera || { echo "Opmaak wijkt af: draai 'make format'." >&2; exit 1; }
	$(BIN)/mypy || { echo "Typefouten: los de meldingen van mypy hierboven op (docs/architecture.md, 'Types')." >&2; exit 1; }
	$(BIN)/vivera makemigrations --check --dry-run > /dev/null || { echo "Migraties ontbreken: draai 'vivera makemigrations'." >&2; exit 1; }
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

# Quick feedback while working: no browser tests, nothing marked slow.
test-fast: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load -m "not browser and not slow" $(PYTEST_ARGS)

lint: $(BIN)/vivera
	$(BIN)/ruff check vivera
	$(BIN)/ruff format --check vivera
	$(BIN)/mypy

format: $(BIN)/vivera
	$(BIN)/ruff format vivera
	$(BIN)/ruff check --fix vivera

messages: $(BIN)/vivera
	cd vivera && DEBUG=1 ../$(BIN)/vivera makemessages -l nl --no-obsolete -i "browser_tests/*"
	@echo "Translate the new entries in vivera/locale/nl/LC_MESSAGES/django.po, then: make compile-messages"

compile-messages: $(BIN)/vivera
	cd vivera && DEBUG=1 ../$(BIN)/vivera compilemessages -l nl

clean:
	rm -rf $(VENV) node_modules var staticfiles
