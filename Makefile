# The two commands of the README: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: install run test bench bench-sage clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	# torch first: a bare requirement would pull several GB of CUDA wheels.
	$(PIP) install torch==2.13.0

$(STAMP): $(PY) pyproject.toml
	$(PIP) install -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/geodesic shell

test: install
	HF_HUB_OFFLINE=1 $(PY) -m pytest

bench: install
	$(PY) evals/bench/gr_bench.py

# SageManifolds as a third peer, in an environment of its own (passagemath pins its own stack).
SAGE_VENV := .venv-sage
$(SAGE_VENV)/bin/python:
	$(PYTHON) -m venv $(SAGE_VENV)
	$(SAGE_VENV)/bin/pip install passagemath-symbolics passagemath-maxima

bench-sage: install $(SAGE_VENV)/bin/python
	$(PY) evals/bench/gr_bench.py --sage-python $(SAGE_VENV)/bin/python

clean:
	rm -rf $(VENV) $(SAGE_VENV) .pytest_cache
