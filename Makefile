# `make run` serves the site, `make test` runs the whole suite; both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the links in mail point to.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: setup browser-tools run test lint bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# The site and, beside it, the background worker (mail, webhooks): Ctrl-C stops both.
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_demo
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py comments_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Debian's Chromium and axe-core for tests/browser (installed when missing; never a downloaded browser).
browser-tools:
	scripts/ensure-chromium
	scripts/ensure-axe-core

test: setup browser-tools
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

# Every benchmark (bench/), then a table: figure, measured, target, ratio. Needs PostgreSQL
# (BENCH_DATABASE_URL, created if missing, emptied by every run) and Redis (BENCH_REDIS_URL).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/blog_bench
bench: setup
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run_all.py $(BENCH_ARGS)
