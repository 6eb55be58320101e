# `make run` serves the site, `make test` runs the whole suite; both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every dependency pinned with its hashes (`make lock` re-resolves them from pyproject.toml):
# requirements-dev.lock for development and CI, requirements.lock (the same versions, without
# the test tools) for the production image.
LOCK := requirements-dev.lock
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the links in mail point to (the web server writes some mail too: confirmations).
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: setup messages browser-tools run test lint bench lock

# Exactly what CI tested: the locked, hash-checked dependencies, then the project itself.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing the dependencies in pyproject.toml: pin them again (newest allowed versions).
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile $(PIN) --upgrade --extra dev --output-file $(LOCK) pyproject.toml
	$(BIN)/pip-compile $(PIN) --constraint $(LOCK) --output-file requirements.lock pyproject.toml

PIN := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

setup: $(STAMP)

# The translations (locale/, comments/locale/): .po files are committed, .mo files are built here.
# Without gettext (and outside CI, see scripts/ensure-gettext) the site shows English only.
messages: setup
	scripts/ensure-gettext
	if command -v msgfmt >/dev/null 2>&1; then \
	  $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity=0; \
	fi

# The site and, beside it, the background worker (mail, webhooks): Ctrl-C stops both.
run: setup messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_demo
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py comments_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

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
