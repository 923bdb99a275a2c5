"""The ``geodesic`` command line.

    geodesic catalog                                  list the metric catalogue
    geodesic curvature kerr -q kretschmann            a named quantity of a metric
    geodesic curvature "ds^2 = -dt^2 + a(t)^2 dx^2" -q ricci_scalar --json
    geodesic shell                                    an interactive session
    geodesic pde burgers --method classical --plot burgers.png
    geodesic pde heat --method pinn --seed 1 --json   a library problem, solved
    geodesic pde --list                               the problem library
    geodesic ingest notes/ paper.pdf                  add documents to the knowledge base
    geodesic search "ISCO of Kerr" --json             search it (reference notes included)
    geodesic sources                                  what the knowledge base holds
    geodesic forget paper.pdf                         remove a document from it
    geodesic ask "Kretschmann scalar of Kerr"         plan, compute, verify an answer
    geodesic ask "now the same for Reissner-Nordstrom" --thread t1 --json
    geodesic feedback rate TRACE -1 --correction "..."  rate an answer (+1 or -1)
    geodesic feedback list | stats | export --out prefs.jsonl
    geodesic serve-llm                                serve the planner with vLLM
    geodesic eval --tasks gr --out runs/gr            run eval suites (see evals/cli.py)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tools.gr import GRError, catalog
from tools.gr.quantities import QUANTITIES, as_json, as_text, compute, resolve_metric
from tools.mathparse import ParseError
from tools.pde.errors import PDEError
from tools.retrieval.errors import RetrievalError


def _curvature(args) -> int:
    metric = resolve_metric(args.metric)
    quantities = args.quantity or ["ricci_scalar", "kretschmann", "ricci_flat"]
    results = {q: compute(metric, q, timeout=args.timeout) for q in quantities}
    if args.json:
        print(json.dumps({"metric": metric.name or str(metric.line_element()),
                          "coords": [c.name for c in metric.coords],
                          "results": {q: as_json(r) for q, r in results.items()}}, indent=2))
    else:
        print(f"metric: {metric!r}")
        for r in results.values():
            print(as_text(r))
    return 0


def _pde(args) -> int:
    from tools.pde import library, solve
    if args.list or not args.problem:
        for name in library.names():
            print(f"{name:22s} {library.describe(name)}")
        return 0
    spec = library.get(args.problem)
    options = {"seed": args.seed} if args.method == "pinn" else {}
    sol = solve(spec, method=args.method, **options)
    summary = {"problem": args.problem, "method": sol.method,
               "error_estimate": sol.error_estimate,
               "metrics": {k: v for k, v in sol.metrics.items()
                           if isinstance(v, (int, float, str, bool))}}
    if args.plot:
        summary["plot"] = str(sol.plot(args.plot))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        estimate = "n/a" if sol.error_estimate is None else f"{sol.error_estimate:.2e}"
        print(f"{args.problem}: {sol.method} ({sol.metrics.get('solver', 'pinn')}), "
              f"error estimate {estimate} ({sol.metrics.get('error_basis', '')}), "
              f"{sol.metrics['seconds']:.2f} s")
        if args.plot:
            print(f"plot: {summary['plot']}")
    return 0


def _knowledge_base(args):
    from tools.retrieval import KnowledgeBase
    return KnowledgeBase(args.store)


def _ingest(args) -> int:
    with _knowledge_base(args) as kb:
        report = kb.ingest(args.paths, progress=not args.quiet)
    print(report.summary())
    for path, why in report.errors.items():
        print(f"skipped {path}: {why}", file=sys.stderr)
    return 0


def _search(args) -> int:
    with _knowledge_base(args) as kb:
        hits = kb.search(args.query, k=args.k, mode=args.mode, source=args.source,
                         corpus=args.corpus)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], indent=2))
        return 0
    for rank, h in enumerate(hits, start=1):
        text = " ".join(h.text.split())
        print(f"{rank}. {h.citation()}  [{h.score:.3f}]\n   {text[:240]}"
              f"{'...' if len(text) > 240 else ''}")
    if not hits:
        print("no hits")
    return 0


def _sources(args) -> int:
    with _knowledge_base(args) as kb:
        for entry in kb.sources():
            print(f"{entry['corpus']:9s} {entry['chunks']:4d} chunks  {entry['source']}"
                  f"  ({entry['title']})")
    return 0


def _forget(args) -> int:
    with _knowledge_base(args) as kb:
        removed = kb.delete(args.source)
    print(f"removed {removed} chunks of {args.source}" if removed
          else f"nothing stored under {args.source}")
    return 0 if removed else 1


def _ask(args) -> int:
    from .api import Agent
    overrides = {"planner": args.planner} if args.planner else {}
    with Agent(**overrides) as agent:
        answer = None
        for event in agent.stream(args.question, thread_id=args.thread):
            if event["event"] == "answer":
                answer = event["answer"]
            elif not args.quiet:
                print(_progress(event), file=sys.stderr, flush=True)
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print(answer.text)
        if answer.citations:
            print("Sources: " + "; ".join(answer.citations))
        print(f"(thread {answer.thread_id}, trace {answer.trace_id})")
    return 0 if answer.status != "refused" else 1


def _progress(event: dict) -> str:
    if event["event"] == "step":
        if event["status"] == "running":
            return f"  {event['id']}: {event['tool']} ..."
        outcome = "ok" if event["status"] == "done" else f"failed: {event['error']}"
        return f"  {event['id']}: {event['tool']} {outcome} ({event['seconds']:.2f} s)"
    node = event.get("node")
    if node == "plan":
        problems = event.get("problems") or []
        state = "; ".join(problems) if problems else "valid"
        return f"plan (attempt {event.get('attempt')}): {state}"
    if node == "verify":
        return "verify: " + ("passed" if event.get("verified") else
                             "; ".join(event.get("problems", [])))
    if node == "retrieve":
        return f"retrieve: {event.get('passages', 0)} passages"
    return str(node)


def _feedback(args) -> int:
    from .config import Settings
    from .feedback import FeedbackStore
    with FeedbackStore(Settings().feedback_path()) as store:
        if args.action == "rate":
            r = store.rate(args.trace_id, args.rating, correction=args.correction or "")
            print(f"rating {r.id}: {r.rating:+d} for {r.trace_id} ({r.question[:60]})")
        elif args.action == "list":
            for r in store.ratings()[-args.last:]:
                fix = f"  correction: {r.correction[:60]}" if r.correction else ""
                print(f"{r.id:5d} {r.rating:+d} {r.created[:19]} {r.trace_id[:12]} "
                      f"{r.question[:70]}{fix}")
        else:
            from .training.preferences import export
            prefs = export(store)
            if args.action == "stats":
                print(json.dumps(prefs.counts, indent=1))
            else:
                from dataclasses import asdict
                rows = [{"kind": "pair", **asdict(p)} for p in prefs.pairs]
                rows += [{"kind": "unpaired", **asdict(u)} for u in prefs.unpaired]
                text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
                if args.out:
                    Path(args.out).write_text(text)
                    print(f"{len(prefs.pairs)} pairs, {len(prefs.unpaired)} unpaired -> "
                          f"{args.out}", file=sys.stderr)
                else:
                    sys.stdout.write(text)
    return 0


def _serve_llm(args) -> int:
    from .config import Settings
    from .serve import VLLMServer
    settings = Settings(**({"vllm_port": args.port} if args.port else {}))
    server = VLLMServer(settings, checkpoint=args.checkpoint)
    print("starting: " + " ".join(server.command()), file=sys.stderr)
    return server.run_foreground()


def _catalog(args) -> int:
    for name in catalog.names():
        m = catalog.get(name)
        print(f"{name:28s} ({', '.join(c.name for c in m.coords)})")
    return 0


HELP = """Type a catalogue name (kerr, schwarzschild, flrw, ...) or a line element
(ds^2 = -(1-2M/r) dt^2 + dr^2/(1-2M/r) + r^2 dOmega^2) to choose a metric, then a
quantity: {quantities}.  'catalog' lists metrics, 'quit' leaves."""


def _shell(args) -> int:
    print("Geodesic GR shell. " + HELP.format(quantities=", ".join(QUANTITIES)))
    metric = None
    while True:
        try:
            line = input("geodesic> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line:
            continue
        if line in {"quit", "exit"}:
            return 0
        try:
            if line == "help":
                print(HELP.format(quantities=", ".join(QUANTITIES)))
            elif line == "catalog":
                print(", ".join(catalog.names()))
            elif line.replace("-", "_").replace(" ", "_").lower() in QUANTITIES:
                if metric is None:
                    print("choose a metric first (a catalogue name or a line element)")
                    continue
                print(as_text(compute(metric, line, timeout=args.timeout)))
            else:
                metric = resolve_metric(line)
                print(f"metric: {metric!r}")
        except (GRError, ParseError, KeyError, PDEError, RetrievalError) as exc:
            print(f"error: {exc}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="geodesic", description=__doc__.split("\n")[1])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("curvature", help="curvature of a catalogue metric or a line element")
    p.add_argument("metric", help='catalogue name (kerr) or line element ("ds^2 = ...")')
    p.add_argument("-q", "--quantity", action="append", choices=list(QUANTITIES),
                   help="quantity to compute (repeatable); default: ricci_scalar, kretschmann, ricci_flat")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per quantity (default 120)")
    p.set_defaults(func=_curvature)

    p = sub.add_parser("catalog", help="list the metric catalogue")
    p.set_defaults(func=_catalog)

    p = sub.add_parser("pde", help="solve a problem of the PDE library")
    p.add_argument("problem", nargs="?", help="library name (heat, burgers, ...)")
    p.add_argument("--method", choices=["auto", "classical", "pinn"], default="auto")
    p.add_argument("--seed", type=int, default=0, help="PINN seed")
    p.add_argument("--plot", help="write a PNG of the solution here")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--list", action="store_true", help="list the problems")
    p.set_defaults(func=_pde)

    store = dict(help="the embedded store's folder (default: $GEODESIC_HOME/qdrant; a "
                      "server through $GEODESIC_QDRANT_URL)")
    p = sub.add_parser("ingest", help="add files or folders to the knowledge base")
    p.add_argument("paths", nargs="+", help=".md, .txt, .tex, .pdf files or folders")
    p.add_argument("--store", **store)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_ingest)

    p = sub.add_parser("search", help="search the knowledge base")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="hits (default 5)")
    p.add_argument("--mode", choices=["hybrid", "dense", "sparse"], default="hybrid")
    p.add_argument("--source", help="only this source")
    p.add_argument("--corpus", choices=["reference", "user"], help="only this corpus")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of hits (source, title, section, text, score)")
    p.add_argument("--store", **store)
    p.set_defaults(func=_search)

    p = sub.add_parser("sources", help="list what the knowledge base holds")
    p.add_argument("--store", **store)
    p.set_defaults(func=_sources)

    p = sub.add_parser("forget", help="remove a source from the knowledge base")
    p.add_argument("source", help="a file path or a source as `geodesic sources` lists it")
    p.add_argument("--store", **store)
    p.set_defaults(func=_forget)

    p = sub.add_parser("ask", help="ask a question: plan, compute and verify an answer")
    p.add_argument("question")
    p.add_argument("--thread", help="conversation id: follow-ups see the earlier questions")
    p.add_argument("--json", action="store_true", help="print the Answer as JSON")
    p.add_argument("--planner", choices=["transformers", "openai"],
                   help="planner backend (default: the configuration's)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=_ask)

    p = sub.add_parser("feedback", help="rate answers; the ratings and the preference data")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("rate", help="rate an answer by its trace id")
    a.add_argument("trace_id")
    a.add_argument("rating", type=int, choices=[1, -1], help="1 (good) or -1 (bad)")
    a.add_argument("--correction", help="what the answer should have been: words or a plan")
    a = actions.add_parser("list", help="the latest ratings")
    a.add_argument("--last", type=int, default=20)
    actions.add_parser("stats", help="how much preference data the ratings give")
    a = actions.add_parser("export", help="the preference data as JSON lines")
    a.add_argument("--out", help="a file (default: standard output)")
    p.set_defaults(func=_feedback)

    p = sub.add_parser("serve-llm", help="serve the planner model with vLLM (OpenAI API)")
    p.add_argument("--port", type=int, help="port (default: the configuration's vllm_port)")
    p.add_argument("--checkpoint", type=Path,
                   help="a transformers checkpoint folder (default: the converted Gemma 3 270M)")
    p.set_defaults(func=_serve_llm)

    p = sub.add_parser("shell", help="interactive GR session")
    p.add_argument("--timeout", type=float, default=120.0)
    p.set_defaults(func=_shell)

    # commands of the packages built on the agent (`eval` from evals/, ...): they import
    # the agent, so the agent finds them through entry points instead of importing them
    from importlib.metadata import entry_points
    for command in sorted(entry_points(group="geodesic.commands"), key=lambda e: e.name):
        command.load()(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (GRError, ParseError, KeyError, PDEError, RetrievalError, ValueError,
            OSError) as exc:
        print(f"geodesic: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
