"""``curvature``: the agent's tool over the GR engine and the metric catalogue.

>>> result = Curvature()({"metric": "schwarzschild", "quantity": "kretschmann"})
>>> result.ok, result.value, result.latex
(True, '48*M**2/r**6', '\\\\frac{48 M^{2}}{r^{6}}')
>>> Curvature()({"metric": "kerr", "quantity": "ricci_flat"}).value
True
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

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
        timeout: float = Field(default=120.0, gt=0, le=3600)

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
        record = as_json(compute(metric, args.quantity, timeout=args.timeout))
        value = record.get("value", record.get("components"))
        return ToolResult(ok=True, value=value, latex=record.get("latex"),
                          data={"kind": record["kind"], "title": record["title"],
                                "metric": metric.name or args.metric,
                                "coordinates": [str(c) for c in metric.coords],
                                "conventions": CONVENTIONS})
