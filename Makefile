# Công Sở — the two commands of the set-up contract are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEMO_ENV := DEBUG=true
CHROMIUM := /usr/bin/chromium

.PHONY: demo serve test test-postgres lint format lock messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/base.txt
	touch $@

$(VENV)/.test-installed: requirements/test.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/test.txt
	touch $@ $(VENV)/.base-installed

## demo: install, migrate the embedded SQLite database, load HCMC demo data, serve on :8000
demo: $(VENV)/.base-installed
	mkdir -p var
	$(DEMO_ENV) $(MANAGE) migrate --no-input
	$(DEMO_ENV) $(MANAGE) load_demo
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

## test: install test tools and Debian's chromium, then run the whole suite
test: $(VENV)/.test-installed $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

## test-postgres: the suite against PostgreSQL at $$DATABASE_URL
test-postgres: $(VENV)/.test-installed $(CHROMIUM)
	@test -n "$$DATABASE_URL" || (echo "DATABASE_URL must point at PostgreSQL" && exit 2)
	$(BIN)/pytest --create-db

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: re-pin dependencies from pyproject.toml (needs network to PyPI)
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --no-emit-index-url -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --no-emit-index-url --extra test -o requirements/test.txt pyproject.toml

## messages: refresh and compile translations (needs GNU gettext)
messages: $(VENV)/.base-installed
	$(DEMO_ENV) $(MANAGE) makemessages -l en --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*'
	$(DEMO_ENV) $(MANAGE) compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var

## bench: load benchmark (gunicorn, PostgreSQL at 127.0.0.1:5432, Debian's wrk); results into docs/benchmarks.md
## (a quick smoke run that records nothing: make bench BENCH_ARGS="--duration 5")
WRK := /usr/bin/wrk
BENCH_ARGS ?= --record
.PHONY: bench
bench: $(VENV)/.base-installed $(WRK)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

$(WRK):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null
