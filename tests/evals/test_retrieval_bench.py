"""The retrieval benchmark runs end to end and meets its recall target."""

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_retrieval_bench_hybrid_recall_at_5_is_at_least_0_9(tmp_path):
    out = subprocess.run([sys.executable, "evals/bench/retrieval_bench.py"], capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    modes = summary["modes"]
    assert summary["queries"] >= 40 and set(modes) == {"dense", "sparse", "hybrid", "bm25_peer"}
    assert modes["hybrid"]["recall_at_k"] >= 0.9
    assert 0 < modes["hybrid"]["mrr"] <= 1 and modes["hybrid"]["p50_ms"] > 0
