"""Named quantities of a metric, for the command line and the agent's tools.

>>> from tools.gr import catalog
>>> as_json(compute(catalog.schwarzschild(), "kretschmann"))["value"]
'48*M**2/r**6'
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .metric import Metric
from .tensor import Tensor

# name -> (title, method name)
QUANTITIES: dict[str, tuple[str, str]] = {
    "metric": ("metric", "components"),
    "inverse": ("inverse metric", "inverse"),
    "christoffel": ("Christoffel symbols", "christoffel"),
    "riemann": ("Riemann tensor", "riemann"),
    "ricci": ("Ricci tensor", "ricci_tensor"),
    "ricci_scalar": ("Ricci scalar", "ricci_scalar"),
    "einstein": ("Einstein tensor", "einstein_tensor"),
    "weyl": ("Weyl tensor", "weyl"),
    "kretschmann": ("Kretschmann scalar", "kretschmann"),
    "ricci_squared": ("Ricci-squared invariant", "ricci_squared"),
    "weyl_squared": ("Weyl-squared invariant", "weyl_squared"),
    "ricci_flat": ("Ricci-flat (vacuum)", "is_ricci_flat"),
    "flat": ("flat", "is_flat"),
    "conformally_flat": ("conformally flat", "is_conformally_flat"),
    "einstein_space": ("Einstein space", "is_einstein"),
    "stress_energy": ("stress-energy tensor T = G/(8 pi)", "stress_energy"),
    "geodesics": ("geodesic equations", "geodesic_equations"),
}


def compute(metric: Metric, quantity: str, timeout: float | None = None) -> tuple[str, Any]:
    """(title, value) of ``quantity`` for ``metric``; unknown names give a clear error."""
    key = quantity.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in QUANTITIES:
        raise KeyError(f"unknown quantity {quantity!r}; choose from {', '.join(QUANTITIES)}")
    title, attr = QUANTITIES[key]
    member = getattr(metric, attr)
    value = member(timeout=timeout) if callable(member) else member
    return title, value


def as_json(result: tuple[str, Any]) -> dict:
    """A JSON-serialisable record: SymPy values as strings, with LaTeX."""
    title, value = result
    if isinstance(value, Tensor):
        comps = {",".join(k): sp.sstr(v) for k, v in value.nonzero().items()}
        return {"title": title, "kind": "tensor", "indices": value.indices,
                "components": comps, "latex": value.latex()}
    if isinstance(value, bool):
        return {"title": title, "kind": "bool", "value": value}
    if isinstance(value, sp.MatrixBase):
        return {"title": title, "kind": "matrix", "value": sp.sstr(value.tolist()), "latex": sp.latex(value)}
    if isinstance(value, list):
        return {"title": title, "kind": "equations", "value": [sp.sstr(v) for v in value],
                "latex": " \\\\ ".join(sp.latex(v) for v in value)}
    return {"title": title, "kind": "expr", "value": sp.sstr(value), "latex": sp.latex(value)}


def as_text(result: tuple[str, Any]) -> str:
    """Readable text for a terminal."""
    title, value = result
    if isinstance(value, Tensor):
        rows = [f"  {value.symbol.lstrip(chr(92))}[{','.join(k)}] = {sp.sstr(v)}" for k, v in value.nonzero().items()]
        return f"{title}:\n" + ("\n".join(rows) if rows else "  all components vanish")
    if isinstance(value, list):
        return f"{title}:\n" + "\n".join(f"  {sp.sstr(v)}" for v in value)
    if isinstance(value, sp.MatrixBase):
        return f"{title}:\n  " + sp.sstr(value.tolist())
    return f"{title}: {sp.sstr(value) if not isinstance(value, bool) else ('yes' if value else 'no')}"


def resolve_metric(text: str) -> Metric:
    """A catalogue name (``kerr``) or a line element (``ds^2 = ...``)."""
    from . import catalog
    from .errors import MetricError

    try:
        return catalog.get(text)
    except MetricError:
        if "d" not in text:
            raise
    return Metric.from_line_element(text)


