# clusterloom: `make run` sets everything up and serves the site; `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := clusterloom/static/vendor
HOST   ?= 127.0.0.1:8000
PYTEST_WORKERS ?= 2

.PHONY: run setup install vendor semantic test test-fast test-browser test-integration bench lint format messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.stamp: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/tom-select
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css $(VENDOR)/tom-select/
	touch $@

vendor: $(VENDOR)/.stamp

## setup: database, reference data, the seed partnerships, demo data, admin login (safe to repeat)
setup: install vendor
	$(BIN)/clusterloom migrate --noinput
	$(BIN)/clusterloom setup

## run: set everything up and serve http://127.0.0.1:8000
run: setup
	$(BIN)/clusterloom runserver $(HOST)

## test: the whole suite (unit, API, permissions, browser journeys)
test: install vendor
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

## test-fast: everything but the browser journeys and the integration test
test-fast: install vendor
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q -m "not browser and not integration"

## test-integration: the reference deployment as real processes (PostgreSQL and Redis needed;
## skipped, saying so, when they are absent)
test-integration: install vendor
	$(BIN)/pytest -q -s -m integration -rs

## test-browser: only the browser journeys in headless Chromium
test-browser: install vendor
	$(BIN)/pytest -q -m browser

## bench: latency (also of the reference deployment: PostgreSQL and Redis needed) and algorithm
## benchmarks, figures for docs/PERFORMANCE.md
## (the matching ones include embeddings when the semantic extra is installed)
bench: install vendor
	$(BIN)/python bench/run.py
	$(BIN)/python bench/topology.py
	$(BIN)/python bench/matching_latency.py
	$(BIN)/python bench/matching_eval.py
	$(BIN)/python bench/allocation.py
	$(BIN)/python bench/scheduling.py
	$(BIN)/python bench/reporting.py

## semantic: install the optional sentence-embedding extra (CPU torch from the local wheel)
semantic: install
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,semantic]'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	cd clusterloom && ../$(BIN)/django-admin makemessages -l it -l es -l cs -l sk -l pt -l tr -l de --ignore "static/*"

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
