# Two commands do all set-up on a fresh machine with only Python 3.10+:
#   make demo   — the main job: the atlas of every family (tables and plots in atlas_out/)
#   make test   — the whole test suite (what CI runs)
#   make example — the worked example formula → UHAT → weights → sizes (succinct.demo)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo example test lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/succinct atlas

example: $(STAMP)
	$(BIN)/python -m succinct.demo

test: $(STAMP)
	$(BIN)/ruff check .
	JAX_PLATFORMS=cpu $(BIN)/python -m pytest -n 2 --hypothesis-profile=ci -q

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info
