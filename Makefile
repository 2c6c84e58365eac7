# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
# Test processes: one per core (pytest-xdist); TEST_PROCESSES=0 runs the suite in one process.
TEST_PROCESSES ?= auto

.PHONY: run test serve setup lint clean help

help:
	@echo "make run   set up .venv and the database, import seeds/, create the admin, serve on http://$(HOST):$(PORT)"
	@echo "make test  install the test extras into .venv and run the whole suite"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "annotator needs Python 3.11 or newer (found %d.%d); run make PYTHON=python3.11" % sys.version_info[:2])'
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { echo "Python's venv module is missing: on Debian or Ubuntu run 'apt-get install python3-venv'"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed
	$(BIN)/annotator init
	$(BIN)/annotator import seeds/
	$(BIN)/annotator create-admin

# gunicorn and the job worker (spaCy, hf and split exports, uploads) together; Ctrl-C, or gunicorn
# stopping, stops the worker too.
serve: $(VENV)/.installed
	@echo "Serving annotator on http://$(HOST):$(PORT) with a job worker (Ctrl-C stops both)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/annotator worker & worker=$$!; \
	$(BIN)/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) \
		--access-logfile - 'annotator:create_app()'

run: setup
	@$(MAKE) --no-print-directory serve

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)
	@command -v node >/dev/null 2>&1 || { echo "Node.js is missing: the JavaScript unit tests need it; on Debian or Ubuntu run 'apt-get install nodejs'"; exit 1; }
	node --test tests/js/*.test.mjs

lint: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/ruff check annotator tests migrations
	$(BIN)/ruff format --check annotator tests migrations/env.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
