# CareDesk. `make run` starts the embedded demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTEST_ARGS ?=
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres lint install browser bench bench-smoke safety-model clean help

help:
	@echo "make run            start CareDesk (embedded SQLite, in-process worker, demo data)"
	@echo "make test           run the whole test suite on SQLite"
	@echo "make test-postgres  run the suite on PostgreSQL (DATABASE_URL or 127.0.0.1:5432)"
	@echo "make lint           ruff check, ruff format --check, the layers contract, mypy over all of src"
	@echo "make bench          run the benchmarks in bench/ (see docs/benchmarks.md)"
	@echo "make bench-smoke    the HTTP, search and reports benchmarks at 1,000 tickets: fails on any unexpected answer"
	@echo "make safety-model   retrain the safety screen's model from the labelled reports"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/caredesk serve --port $(PORT)

browser:
	@scripts/ensure-test-tools

test: install browser
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-sqlite: test

test-postgres: install browser
	scripts/test-postgres $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/mypy

safety-model: install
	$(BIN)/python scripts/train_safety_model.py

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/sla_calendar.py
	$(BIN)/python bench/rules_eval.py
	$(BIN)/python bench/mail_ingest.py
	$(BIN)/python bench/audit.py

bench-smoke: install
	$(BIN)/python bench/run.py --smoke
	$(BIN)/python bench/search.py --smoke
	$(BIN)/python bench/reports.py --smoke

clean:
	rm -rf $(VENV) data .pytest_cache
