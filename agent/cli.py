"""The ``geodesic`` command line.

    geodesic catalog                                  list the metric catalogue
    geodesic curvature kerr -q kretschmann            a named quantity of a metric
    geodesic curvature "ds^2 = -dt^2 + a(t)^2 dx^2" -q ricci_scalar --json
    geodesic shell                                    an interactive session
    geodesic pde burgers --method classical --plot burgers.png
    geodesic pde heat --method pinn --seed 1 --json   a library problem, solved
    geodesic pde --list                               the problem library
"""

from __future__ import annotations

import argparse
import json
import sys

from tools.gr import GRError, catalog
from tools.gr.quantities import QUANTITIES, as_json, as_text, compute, resolve_metric
from tools.mathparse import ParseError
from tools.pde.errors import PDEError


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
        except (GRError, ParseError, KeyError, PDEError) as exc:
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

    p = sub.add_parser("shell", help="interactive GR session")
    p.add_argument("--timeout", type=float, default=120.0)
    p.set_defaults(func=_shell)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (GRError, ParseError, KeyError, PDEError) as exc:
        print(f"geodesic: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
