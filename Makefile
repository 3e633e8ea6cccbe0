# A short menu; `make help` lists it. Every target sets up .venv first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup run test snapshots review bench bench-quick units-table clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project with its test tools

run: $(STAMP) ## extract every guide in sources/ into outputs/ (RUN_ARGS="--summary FILE" ...); renew schemas/json/ and docs/data-dictionary.md
	$(BIN)/python -m pipeline schema --write
	$(BIN)/python -m pipeline run $(RUN_ARGS); status=$$?; \
	$(BIN)/python -m pipeline dictionary --write && exit $$status

test: $(STAMP) ## lint (ruff), types (mypy strict), then the whole test suite (snapshots compared, never updated)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

snapshots: $(STAMP) ## update the syrupy snapshots after a reviewed change; review the diff
	$(BIN)/python -m pytest --snapshot-update

review: $(STAMP) ## write the review site (each guide beside its records) to outputs/review/
	$(BIN)/python -m pipeline review

bench: $(STAMP) ## benchmark 1,000 and 10,000 guides; writes benchmarks/results.json (about 40 min)
	$(BIN)/python benchmarks/run.py

bench-quick: $(STAMP) ## the same figures for 100 and 1,000 guides, one repeat (a few minutes)
	$(BIN)/python benchmarks/run.py --quick

units-table: $(STAMP) ## write pipeline/normalize/unit_table.py again from pint (after changing units.TABLE_SPELLINGS)
	$(BIN)/python -c 'from pathlib import Path; from pipeline.normalize.units import table_source; Path("pipeline/normalize/unit_table.py").write_text(table_source(), encoding="utf-8")'

clean: ## remove .venv and caches
	rm -rf $(VENV) .pytest_cache *.egg-info
