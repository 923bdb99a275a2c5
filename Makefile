# The two commands of the README: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: install run test bench clean

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

clean:
	rm -rf $(VENV) .pytest_cache
