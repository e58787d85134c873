# Every target bootstraps .venv on a fresh machine: only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint types unit thorough bench clean

# __init__.py holds the version, which the installed metadata repeats: reinstall when it changes.
$(STAMP): pyproject.toml reconciler/__init__.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@bash examples/demo.sh

test: lint types unit

lint: $(STAMP)
	$(BIN)/ruff check reconciler tests bench
	$(BIN)/ruff format --check reconciler tests bench

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n auto

# The property tests with thousands of examples each (by hand; minutes, not CI's seconds).
thorough: $(STAMP)
	HYPOTHESIS_PROFILE=thorough ROUNDTRIP_EXAMPLES=500 $(BIN)/pytest -n auto tests/core/test_property.py tests/write/test_convergence_property.py tests/reports/test_export_roundtrip.py tests/config/test_roundtrip.py tests/sandbox/test_fuzz.py tests/cli/test_validate.py tests/read/test_spend_to_date.py

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
