# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

# Compiled once here, the package's modules load faster on every run, also where Python is
# told not to write bytecode itself (PYTHONDONTWRITEBYTECODE).
demo: $(STAMP)
	$(BIN)/python -m compileall -q rotation
	$(BIN)/rotation validate inputs/highland.xlsx
	$(BIN)/rotation solve inputs/highland.xlsx -o outputs/highland-plan.xlsx --force

test: $(TEST_STAMP)
	$(BIN)/ruff check rotation tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check rotation tests benchmarks
	$(BIN)/mypy

# BENCH=quick: S and M only (a few minutes); without it every size (see benchmarks/results.md).
bench: $(TEST_STAMP)
	$(BIN)/python -m compileall -q rotation
	BENCH=$(BENCH) $(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
