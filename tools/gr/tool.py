"""``curvature``: the agent's tool over the GR engine and the metric catalogue.

>>> result = Curvature()({"metric": "schwarzschild", "quantity": "kretschmann"})
>>> result.ok, result.value, result.latex
(True, '48*M**2/r**6', '\\\\frac{48 M^{2}}{r^{6}}')
>>> Curvature()({"metric": "kerr", "quantity": "ricci_flat"}).value
True
>>> Curvature()({"metric": "schwarzschild", "quantity": "christoffel", "component": "r,t,t"}).value
'M*(-2*M + r)/r**3'
>>> Curvature()({"metric": "schwarzschild", "quantity": "christoffel", "component": "t,r,t"}).value
'M/(r*(-2*M + r))'
"""

from __future__ import annotations

import re
from typing import Literal

import sympy as sp

from pydantic import Field, field_validator

from tools.base import StrictArgs, Tool, ToolResult
from tools.mathparse import parse_expr

from . import catalog
from .errors import MetricError
from .metric import CONVENTIONS
from .quantities import QUANTITIES, as_json, compute, resolve_metric

Quantity = Literal[tuple(QUANTITIES)]  # type: ignore[valid-type]


class Curvature(Tool):
    name = "curvature"
    summary = ("A curvature quantity (christoffel, riemann, ricci, ricci_scalar, einstein, "
               "weyl, kretschmann, invariants, ricci_flat, flat, conformally_flat, "
               "stress_energy, geodesics, ...) of a catalogue metric by name (schwarzschild, "
               "kerr, reissner_nordstrom, flrw, ...) or of a line element 'ds^2 = ...'.")

    class Args(StrictArgs):
        metric: str = Field(min_length=1, max_length=4000)
        quantity: Quantity
        parameters: dict[str, str] = Field(default_factory=dict, max_length=10,
                                           description="catalogue parameter values, e.g. a: 0")
        component: str | None = Field(
            default=None, max_length=200,
            description="one component of a tensor by coordinate names, e.g. 't,t' or 'r,t,t'")
        timeout: float = Field(default=120.0, gt=0, le=3600)

        @field_validator("metric")
        @classmethod
        def _a_known_metric(cls, text: str) -> str:
            """An unknown catalogue name fails here, with its close matches, not when the
            tool runs: a planner's output naming one is drawn again (``Planner.propose``).
            Anything that reads as a line element is parsed when the tool runs. (Not in the
            decoding grammar: xgrammar's string patterns admit no backslash, and LaTeX line
            elements need them.)"""
            if "=" in text or text.lstrip(" -").startswith("d"):
                return text
            catalog.canonical_name(text)
            return text

        def resolve(self):
            """The metric: a catalogue name (with parameter values) or a line element."""
            if not self.parameters:
                return resolve_metric(self.metric)
            try:
                return catalog.get(self.metric, **{k: parse_expr(v)
                                                   for k, v in self.parameters.items()})
            except MetricError as err:
                raise MetricError(f"parameters need a catalogue metric: {err}") from None

    def run(self, args: Args) -> ToolResult:
        metric = args.resolve()
        computed = compute(metric, args.quantity, timeout=args.timeout)
        record = as_json(computed)
        value = record.get("value", record.get("components"))
        coords = [str(c) for c in metric.coords]
        data = {"kind": record["kind"], "title": record["title"],
                "metric": metric.name or args.metric, "coordinates": coords,
                "conventions": CONVENTIONS}
        latex = record.get("latex")
        if args.component is not None:
            if record["kind"] != "tensor":
                raise ValueError(f"component {args.component!r} asked of {record['title']}, "
                                 f"which is not a tensor")
            key = component_key(args.component, coords, len(record["indices"]))
            data.update(kind="expr", component=key, components=value)
            # from the full array: the listed components hold one order of symmetric indices
            component = computed[1].array[tuple(coords.index(k) for k in key.split(","))]
            value, latex = sp.sstr(component), sp.latex(component)
        return ToolResult(ok=True, value=value, latex=latex, data=data)


def component_key(text: str, coords: list[str], rank: int) -> str:
    """The key of one component, ``'r,t,t'``, from coordinate names or indices written
    ``r,t,t``, ``r t t``, ``rtt`` (one-letter names) or ``1,0,0``.

    >>> component_key("t t", ["t", "r", "theta", "phi"], 2), component_key("100", ["t", "r"], 3)
    ('t,t', 'r,t,t')
    """
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if len(parts) == 1 and len(parts[0]) == rank:
        parts = list(parts[0])
    names = [coords[int(p)] if p.isdigit() and int(p) < len(coords) else p for p in parts]
    if len(names) != rank or any(n not in coords for n in names):
        raise ValueError(f"component {text!r} is not {rank} of the coordinates "
                         f"{', '.join(coords)} (write e.g. {','.join(coords[:1] * rank)!r})")
    return ",".join(names)
