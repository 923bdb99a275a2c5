"""Are two plans the same derivation written differently? The planner bench reports whole-plan
exact match (the JSON equal, key order aside) and, beside it, this looser match, which forgives
only differences of notation that cannot change any step's result:

* step ids (``s1``, ``s2``...) renamed consistently, references to them included;
* a number written another way: ``3.141592653589793`` for ``pi``, ``2*5`` for ``10``;
* an expression or equation written another way (``cosh(t)^2`` for ``cosh^2 t``; an equation
  with its sides swapped or negated), compared as SymPy expressions through the safe parser;
* a line element written another way (the same coordinates and components), a catalogue metric
  by an alias (``flat`` for ``minkowski``);
* the component of a symmetric tensor with its symmetric indices swapped: ``y,u`` for ``u,y``
  of the Ricci, Einstein or metric tensor, ``r,t,r`` for ``r,r,t`` of the Christoffel symbols
  (symmetric in their lower pair).

Everything else must be equal: the tools and their order, the argument names, assumptions,
variables, the index order of Riemann and Weyl components (antisymmetric pairs change sign).

>>> a = {"steps": [{"id": "s1", "tool": "curvature", "args": {"metric": "flat",
...     "quantity": "ricci", "component": "t,r"}}], "final": "s1"}
>>> b = {"steps": [{"id": "s2", "tool": "curvature", "args": {"metric": "minkowski",
...     "quantity": "ricci", "component": "r,t"}}], "final": "s2"}
>>> equivalent(a, b)
True
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp

from ..plan import REFERENCE

# quantity -> groups of index positions whose order does not matter
_SYMMETRIC: dict[str, tuple[tuple[int, ...], ...]] = {
    "metric": ((0, 1),), "inverse": ((0, 1),), "ricci": ((0, 1),), "einstein": ((0, 1),),
    "stress_energy": ((0, 1),), "christoffel": ((1, 2),)}


def equivalent(got: dict, expected: dict) -> bool:
    """Whether plan ``got`` (a plan's JSON) is ``expected`` up to notation (see the module)."""
    steps, want = got.get("steps", []), expected.get("steps", [])
    if len(steps) != len(want) or any(a.get("tool") != b.get("tool")
                                       for a, b in zip(steps, want)):
        return False
    rename = {a.get("id"): b.get("id") for a, b in zip(steps, want)}
    if rename.get(got.get("final"), got.get("final")) != expected.get("final"):
        return False
    return all(_same_args(a.get("tool"), _renamed(a.get("args", {}), rename), b.get("args", {}))
               for a, b in zip(steps, want))


def _renamed(value: Any, rename: dict) -> Any:
    if isinstance(value, dict):
        return {k: _renamed(v, rename) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, rename) for v in value]
    if isinstance(value, str) and "$" in value:
        return REFERENCE.sub(lambda m: f"${rename.get(m.group(1), m.group(1))}{m.group(2)}",
                             value)
    return value


def _same_args(tool: str, got: dict, want: dict) -> bool:
    if not isinstance(got, dict) or not isinstance(want, dict) or got.keys() != want.keys():
        return False
    for key, value in got.items():
        if key == "component" and tool == "curvature":
            if not _same_component(value, want[key], str(want.get("quantity"))):
                return False
        elif key == "metric" and tool == "curvature":
            if not _same_metric(value, want[key]):
                return False
        elif key == "assumptions":
            if value != want[key]:
                return False
        elif not _same_value(value, want[key]):
            return False
    return True


def _same_value(got: Any, want: Any) -> bool:
    if got == want and type(got) is type(want):
        return True
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(_same_value(v, want[k]) for k, v in got.items())
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(map(_same_value, got, want))
    if isinstance(got, bool) or isinstance(want, bool):
        return False
    if isinstance(got, (str, int, float)) and isinstance(want, (str, int, float)):
        return _same_text(str(got), str(want))
    return False


def _same_text(got: str, want: str) -> bool:
    """Two expressions, or two equations, equal as SymPy expressions. References to steps
    stay names (``$s1`` -> a symbol), so they must match exactly."""
    if got.count("=") != want.count("=") or got.count("=") > 1:
        return False
    try:
        a, b = _parse(got), _parse(want)
    except Exception:                   # noqa: BLE001 - not mathematics: the texts differ
        return False
    if "=" in got:                      # an equation: the same up to sides and sign
        return _zero(a - b) or _zero(a + b)
    return _zero(a - b)


def _parse(text: str) -> sp.Expr:
    from tools.mathparse import parse_expr
    text = REFERENCE.sub(lambda m: "REF" + re.sub(r"\W", "_", m.group(0)[1:]), text)
    if "=" in text:
        left, right = text.split("=")
        return parse_expr(left) - parse_expr(right)
    return parse_expr(text)


def _zero(expr: sp.Expr) -> bool:
    """``expr`` (a difference) is zero: exactly, or for numbers to 12 significant digits."""
    if expr == 0:
        return True
    if expr.is_number:
        terms = [abs(complex(sp.N(t))) for t in sp.Add.make_args(expr)]
        return abs(complex(sp.N(expr))) <= 1e-12 * max(1.0, *terms)
    return sp.simplify(expr) == 0


def _same_metric(got: Any, want: Any) -> bool:
    from tools.gr.catalog import canonical_name
    from tools.gr.errors import MetricError
    from tools.gr.metric import Metric
    if got == want:
        return True
    if not isinstance(got, str) or not isinstance(want, str):
        return False
    if "=" not in got or "=" not in want:          # a catalogue name on either side
        try:
            return canonical_name(got) == canonical_name(want)
        except MetricError:
            return False
    try:
        a, b = Metric.from_line_element(got), Metric.from_line_element(want)
    except Exception:                   # noqa: BLE001 - one does not parse: not the same
        return False
    return a.coords == b.coords and all(_zero(x - y) for x, y in zip(a.components, b.components))


def _same_component(got: Any, want: Any, quantity: str) -> bool:
    if got == want:
        return True
    if not isinstance(got, str) or not isinstance(want, str):
        return False
    return _canonical_component(got, quantity) == _canonical_component(want, quantity)


def _canonical_component(key: str, quantity: str) -> list[str]:
    """The index names, each symmetric group of positions sorted."""
    names = [n.strip() for n in key.split(",")]
    for group in _SYMMETRIC.get(quantity, ()):
        if max(group) < len(names):
            for i, name in zip(group, sorted(names[i] for i in group)):
                names[i] = name
    return names
