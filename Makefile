# The README's commands. `make demo` and `make test` bootstrap .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench docs clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,docs]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/phospholipid_library.py

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) benchmarks/ligands.py
	$(PY) benchmarks/surfaces.py
	$(PY) benchmarks/screen.py
	$(PY) benchmarks/md.py

docs: $(STAMP)
	$(PY) docs/gen_fragment_tables.py
	$(VENV)/bin/mkdocs build --strict

clean:
	rm -rf $(VENV) site build dist
