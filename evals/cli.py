"""``geodesic eval``: run task suites and compare reports.

    geodesic eval --tasks gr --out runs/gr                    the default planner on one suite
    geodesic eval --tasks all --planner oracle --out runs/oracle   reference plans: tool errors
    geodesic eval --tasks my_tasks.jsonl --planner vllm --workers 4 --out runs/v
    geodesic eval compare runs/oracle runs/default            accuracy side by side

``--tasks`` takes a .jsonl file, a folder, a shipped suite (gr, pde, hybrid, retrieval), ``all``
or several joined by commas. ``--planner``: ``default`` (the configuration's), ``transformers``
(in-process), ``openai`` (the configured OpenAI-compatible server), ``vllm`` (starts
``geodesic serve-llm`` for the run) or ``oracle``. Interrupted runs resume on the same --out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .report import compare, load_report
from .runner import EvalError, run_eval
from .tasks import TaskError, load_tasks


def register(sub) -> None:
    """Add ``eval`` to the ``geodesic`` command line (entry point ``geodesic.commands``)."""
    p = sub.add_parser("eval", help="run eval task suites; `eval compare A B` compares runs",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("compare", nargs="*", metavar="compare A B",
                   help="compare two report folders instead of running")
    p.add_argument("--tasks", default="all", help="task file, folder, suite name or 'all'")
    p.add_argument("--planner", default="default",
                   choices=["default", "transformers", "openai", "vllm", "oracle"])
    p.add_argument("--model", help="planner checkpoint folder (transformers) or served name")
    p.add_argument("--adapter", help="LoRA adapter folder; 'none' for the base model")
    p.add_argument("--base-url", help="OpenAI-compatible server URL (--planner openai)")
    p.add_argument("--out", type=Path, help="folder for results and the report")
    p.add_argument("--workers", type=int, default=1, help="tasks in parallel (default 1)")
    p.add_argument("--time-limit", type=float, default=600.0,
                   help="seconds per task before it counts as an error (default 600)")
    p.add_argument("--ids", help="only these task ids (comma-separated)")
    p.add_argument("--limit", type=int, help="only the first N tasks")
    p.add_argument("--sample", type=int,
                   help="about N tasks spread evenly over each suite, in proportion to its size")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=main)


def main(args) -> int:
    if args.compare:
        if len(args.compare) != 3 or args.compare[0] != "compare":
            print("geodesic eval: error: use `geodesic eval compare A B` or "
                  "`geodesic eval --tasks ... --out DIR`", file=sys.stderr)
            return 2
        print(compare(load_report(Path(args.compare[1])), load_report(Path(args.compare[2]))),
              end="")
        return 0
    if args.out is None:
        print("geodesic eval: error: --out DIR is required", file=sys.stderr)
        return 2
    try:
        tasks = load_tasks(args.tasks)
    except TaskError as err:
        print(f"geodesic eval: error: {err}", file=sys.stderr)
        return 2
    if args.ids:
        wanted = {i.strip() for i in args.ids.split(",")}
        tasks = [t for t in tasks if t.id in wanted]
    tasks = tasks[:args.limit] if args.limit else tasks
    tasks = sample(tasks, args.sample) if args.sample else tasks
    settings: dict = {}
    if args.planner in ("transformers", "openai"):
        settings["planner"] = args.planner
    if args.model:
        settings["model"] = args.model
    if args.adapter:
        settings["adapter"] = args.adapter
    if args.base_url:
        settings["openai_base_url"] = args.base_url
    mode = "oracle" if args.planner == "oracle" else "planner"
    try:
        if args.planner == "vllm":
            return _with_vllm(args, tasks, settings)
        report = run_eval(tasks, args.out, mode=mode, workers=args.workers,
                          time_limit=args.time_limit, settings=settings, source=args.tasks,
                          progress=not args.quiet)
    except EvalError as err:
        print(f"geodesic eval: error: {err}", file=sys.stderr)
        return 2
    _summary(report, args.out)
    return 0


def sample(tasks: list, n: int) -> list:
    """About ``n`` tasks: from each suite its share of ``n``, evenly spaced, the first included.

    >>> from types import SimpleNamespace as T
    >>> [t.id for t in sample([T(id=i, suite="a" if i < 8 else "b") for i in range(12)], 6)]
    [0, 2, 4, 6, 8, 10]
    """
    suites: dict[str, list] = {}
    for task in tasks:
        suites.setdefault(task.suite, []).append(task)
    chosen = set()
    for members in suites.values():
        k = min(len(members), max(1, round(n * len(members) / len(tasks))))
        chosen |= {id(members[round(i * len(members) / k)]) for i in range(k)}
    return [t for t in tasks if id(t) in chosen]


def _with_vllm(args, tasks, settings: dict) -> int:
    from agent.config import Settings
    from agent.serve import VLLMServer, free_port
    port = free_port()
    base = Settings(**settings)
    server = VLLMServer(base.model_copy(update={"vllm_port": port}),
                        log=args.out / "vllm.log")
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"starting vLLM on port {port} (log: {args.out / 'vllm.log'})", file=sys.stderr)
    with server:
        served = settings | {"planner": "openai", "openai_base_url": server.url}
        report = run_eval(tasks, args.out, workers=args.workers, time_limit=args.time_limit,
                          settings=served, source=args.tasks, progress=not args.quiet,
                          label="vllm " + (settings.get("model") or "planner"),
                          identity=settings | {"served_by": "vllm"})
    _summary(report, args.out)
    return 0


def _summary(report: dict, out: Path) -> None:
    for name, s in report["suites"].items():
        print(f"{name:12s} {s['correct']:4d}/{s['n']:<4d} {100 * s['accuracy']:5.1f} %  "
              f"verified-wrong {s['verified_wrong']}")
    print(f"{'all':12s} {report['n_correct']:4d}/{report['n_tasks']:<4d} "
          f"{100 * report['accuracy']:5.1f} %  verified-wrong {report['verified_wrong']}")
    print(f"report: {out / 'report.md'}")
