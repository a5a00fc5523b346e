# The README's two commands are `make run` and `make test`; both build and reuse .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test check lint types unit conformance bench clean

# The one way the project is installed: by CI (make test) and by the Dockerfile (make install).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/jira-mcp-gateway serve --sandbox --transport http --port 8765

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# make check: the fast static checks only.
check: lint types

# Real MCP clients: the official conformance suite and the Inspector CLI (Node from PyPI).
conformance: $(STAMP)
	bash tests/conformance/run.sh

test: check unit conformance

bench: $(STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
