# `make run` serves the site, `make test` runs the whole suite; both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup messages browser-tools run test lint bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# The translations (locale/, comments/locale/): .po files are committed, .mo files are built here.
# Without gettext (and outside CI, see scripts/ensure-gettext) the site shows English only.
messages: setup
	scripts/ensure-gettext
	if command -v msgfmt >/dev/null 2>&1; then \
	  $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity=0; \
	fi

run: setup messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Debian's Chromium and axe-core for tests/browser (installed when missing; never a downloaded browser).
browser-tools:
	scripts/ensure-chromium
	scripts/ensure-axe-core

test: setup messages browser-tools
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

# Every benchmark (bench/), then a table: figure, measured, target, ratio. Needs PostgreSQL
# (BENCH_DATABASE_URL, created if missing, emptied by every run) and Redis (BENCH_REDIS_URL).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/blog_bench
bench: setup
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run_all.py $(BENCH_ARGS)
