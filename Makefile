# Two commands on a fresh machine: `make run` and `make test`.
# With DATABASE_URL unset, Tally starts an embedded PostgreSQL in .pgdata/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TALLY  := $(BIN)/tally

.PHONY: run test lint setup install openapi bench db-stop clean

## run: set everything up and serve the API on http://127.0.0.1:8000
run: setup
	$(TALLY) serve

## test: set everything up, lint (ruff, mypy), and run the whole test suite against a real PostgreSQL
## (the tests that time a live server run last, one at a time: see the `alone` marker in pyproject.toml)
test: lint
	$(BIN)/pytest -m "not alone"
	$(BIN)/pytest -m alone -n 0

## lint: ruff (lint and format check) over the code, mypy (strict) over service/
lint: install
	$(BIN)/ruff check service bench tests
	$(BIN)/ruff format --check service bench tests
	$(BIN)/mypy

## setup: virtualenv, install, migrations, seed data
setup: install
	$(TALLY) db upgrade
	$(TALLY) seed

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## openapi: regenerate openapi/openapi.json from the code
openapi: install
	$(TALLY) openapi

## bench: load 1,000,000 synthetic figures and measure the list endpoint against a reference app
bench: install
	$(BIN)/python bench/bench.py

## db-stop: stop the embedded PostgreSQL
db-stop: install
	$(TALLY) db stop

## clean: remove the virtualenv and the embedded database
clean:
	-$(TALLY) db stop
	rm -rf $(VENV) .pgdata
