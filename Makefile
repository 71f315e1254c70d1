# RCM Commitment Tracker — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is the development server: SQLite in the project folder unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=1

.PHONY: help install test-deps run serve migrate seed test test-parser test-sqlite lint format check-deploy e2e clean messages makemessages bench

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(BIN)/activate: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

# A development .env (DEBUG=1) lets `manage.py` run without exporting anything; never in production.
.env:
	@printf '# Development settings written by make install; .env.example lists every variable.\nDEBUG=1\n' > .env

# axe-core for the browser tests' accessibility checks, pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(BIN)/activate .env  ## Create .venv from the pinned requirements (no Node needed)

# The browser tests' accessibility checks need axe-core from npm; only `make test` installs it.
test-deps: install node_modules/.package-lock.json

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput

# The team's Spanish versions of the seeds (fixtures/declarations/es/) are each named after the original
# they translate, and load as unofficial translations of it.
seed: migrate  ## Load countries, the seed declarations and the demo users (idempotent)
	$(RUN_ENV) $(PY) manage.py load_declarations fixtures/declarations/*.txt
	for file in fixtures/declarations/es/*.txt; do \
		$(RUN_ENV) $(PY) manage.py load_declarations --translation-of "$$(basename $$file)" --unofficial "$$file" || exit 1; \
	done
	$(RUN_ENV) $(PY) manage.py seed_demo

# The task worker (e-mails, webhook deliveries, daily jobs) runs beside the web server, on the same
# SQLite queue table; stopping `make run` (Ctrl-C) stops both.
run: seed messages  ## Install, migrate, load data, create demo users, serve on http://127.0.0.1:8000 with a worker
	@echo "Serving on http://$(HOST):$(PORT)/ — sign in with a demo user above."
	$(RUN_ENV) $(PY) manage.py worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: install  ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(RUN_ENV) $(BIN)/mypy .

format: install  ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The whole suite twice: on PostgreSQL (TEST_DATABASE_URL; REQUIRE_POSTGRES=1 makes a missing server a
# failure), then on SQLite, `make run`'s database, where only the tests marked `postgres` skip.
# The PostgreSQL pass measures branch coverage and fails under 90% of the project (pyproject.toml,
# [tool.coverage]), then prints it per app; the SQLite pass runs without coverage, to save time.
test: lint messages test-deps test-parser  ## Lint, type-check, the suite on PostgreSQL (coverage gate), then again on SQLite
	$(BIN)/pytest --cov --cov-report= --cov-fail-under=90 $(PYTEST_ARGS)
	$(PY) tests/coverage_by_app.py
	TEST_DATABASE_URL=sqlite:// $(BIN)/pytest $(PYTEST_ARGS)

test-sqlite: messages  ## Only the SQLite pass of `make test`
	TEST_DATABASE_URL=sqlite:// $(BIN)/pytest $(PYTEST_ARGS)

# The parser is pure Python: its tests run without pytest-django or any Django setting, which proves
# it (tests/declarations/parsing/pytest.ini is their configuration).
test-parser: install  ## The declaration parser's tests, without Django
	$(BIN)/pytest -p no:django tests/declarations/parsing -q

# Translations: the .po files are the source (under version control), the .mo files are built.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po
	msgfmt --check -o $@ $<

messages: $(MO_FILES)  ## Compile the translations (locale/*/LC_MESSAGES/django.po → .mo)

makemessages: install  ## Collect new and changed strings into locale/es/LC_MESSAGES/django.po
	$(RUN_ENV) $(PY) manage.py makemessages --locale es --no-location --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'node_modules/*'

check-deploy: install  ## Django's deployment checks under production settings
	DEBUG=0 SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	ALLOWED_HOSTS=rcm.example.org DATABASE_URL=postgres://postgres@127.0.0.1:5432/rcm \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: install  ## Seed rcm_bench_* databases, serve under gunicorn, load with wrk; prints ratios, writes bench/results/
	$(PY) bench/run.py

clean:  ## Remove the virtualenv, the development database and collected static files
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache

# Backups: one archive holding the database (pg_dump, or a copy of the SQLite file) and the evidence
# files. No `install` prerequisite on purpose: on a server it would write a development .env (DEBUG=1).
.PHONY: backup restore
BACKUP_DIR ?= backups

backup:  ## Archive the database and evidence files into backups/rcm-YYYYmmdd-HHMMSS.tar.gz (BACKUP_DIR=…)
	$(PY) manage.py backup --dir "$(BACKUP_DIR)"

restore:  ## Replace the database and evidence files from an archive: make restore FILE=… [YES=1]
	@test -n "$(FILE)" || { echo "make restore needs the archive: make restore FILE=backups/rcm-YYYYmmdd-HHMMSS.tar.gz" >&2; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(YES),--yes)
