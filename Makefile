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
	$(VENV)/bin/ligandlab campaign run examples/phospholipid-screen.yaml

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
	$(PY) benchmarks/lattice.py
	$(PY) benchmarks/campaign.py

docs: $(STAMP)
	$(PY) docs/gen_fragment_tables.py
	$(PY) docs/gen_spec_reference.py
	$(VENV)/bin/mkdocs build --strict

clean:
	rm -rf $(VENV) site build dist
