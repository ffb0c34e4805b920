# The single way in: `make demo`, `make test`, `make bench`, `make lint`, `make docs`.
# Every install comes from requirements.lock (the whole dependency tree, pinned), so a
# municipality can reproduce a figure with exactly the same software. `make lock` refreshes it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint docs lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# DuckDB's memory capped at 500 MB for the 60,000-inhabitant demo (it spills to disk past
# that): the demo then peaks at ~0.86 GB instead of ~1.4 GB, in the same time (benchmarks/
# README.md). Set STUURDATA_GEHEUGEN yourself for a larger town (--inwoners).
demo: $(STAMP)
	STUURDATA_GEHEUGEN=$${STUURDATA_GEHEUGEN:-500MB} $(BIN)/stuurdata demo --map demo

test: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/engines.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python tools/gendocs.py

# Refresh the lock after changing a dependency in pyproject.toml (needs the package index).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --all-extras -c constraints.txt -o requirements.lock \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --no-annotate \
		--custom-compile-command "make lock" --quiet

clean:
	rm -rf demo .pytest_cache .mypy_cache .ruff_cache
