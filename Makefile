# Two commands do all set-up on a fresh machine with only Python 3.10+:
#   make demo   — the main job: the atlas of every family (tables and plots in atlas_out/)
#   make test   — the whole test suite (what CI runs)
#   make example — the worked example formula → UHAT → weights → sizes (succinct.demo)
#   make docs   — the documentation site, mkdocs build --strict, into site/ (it executes
#                 every notebook, so the pages show their outputs: a few minutes)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the docs extra: make test also builds the site (tests/test_docs.py)
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: demo example test lint docs clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/succinct atlas

example: $(STAMP)
	$(BIN)/python -m succinct.demo

$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

test: $(DOCS_STAMP)
	$(BIN)/ruff check .
	JAX_PLATFORMS=cpu $(BIN)/python -m pytest -n 2 --hypothesis-profile=ci -q

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 JAX_PLATFORMS=cpu $(BIN)/mkdocs build --strict

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build site *.egg-info
