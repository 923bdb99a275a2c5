"""``Answer``: what a question comes back as, assembled from the records of the steps that ran.

``final`` is typed (``expr``, ``bool``, ``number``, ``field``, ``text``); ``verified`` is true
only when every step ran and every check of every step passed, and at least one check ran;
``checks`` say which ran and how they came out. An ``Answer`` is plain data (it round-trips
through JSON) and renders in Jupyter with its LaTeX and figures.

>>> final = Final.from_step("differentiate", {"ok": True, "value": "3*r**2"})
>>> final.kind, final.value
('expr', '3*r**2')
>>> Final.from_step("simplify", {"ok": True, "value": "3*sqrt(3)"}).value
5.196152422706632
"""

from __future__ import annotations

import base64
import json
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .verify import Check

Kind = Literal["expr", "bool", "number", "field", "text"]


class Final(BaseModel):
    """The answer's value. ``expr``: a SymPy-parsable string; ``number``: a float (its exact
    form in ``exact``); ``field``: a numeric solution, callable on an (n, d) array of points
    ordered as ``variables``, inside ``domain``; ``text``: prose or a listing."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    kind: Kind
    value: Any
    exact: str | None = None
    variables: list[str] = Field(default_factory=list)
    domain: dict[str, tuple[float, float]] = Field(default_factory=dict)
    unknowns: list[str] = Field(default_factory=list)
    samples: str | None = None          # field: the .npz grid the callable interpolates

    @classmethod
    def from_step(cls, tool: str, result: dict) -> Final:
        """The typed value of one step's result."""
        value, data = result.get("value"), result.get("data") or {}
        if tool == "solve_pde":
            return cls(kind="field", value=value, samples=data["samples"],
                       variables=data["variables"], unknowns=data.get("unknowns", []),
                       domain={k: tuple(v) for k, v in data["domain"].items()})
        if isinstance(value, bool):
            return cls(kind="bool", value=value)
        if tool == "solve" and isinstance(value, list) and len(value) == 1 \
                and isinstance(value[0], str):
            value = value[0]                          # one root: the expression itself
        if isinstance(value, str) and tool != "search_literature" and \
                data.get("kind", "expr") == "expr":
            number = _number(value)
            if number is not None:
                return cls(kind="number", value=number, exact=value)
            return cls(kind="expr", value=value)
        if tool == "search_literature":
            return cls(kind="text", value="\n\n".join(
                f"{h['title']} — {h['section']}: {h['text']}" for h in value or []))
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return cls(kind="expr", value="[" + ", ".join(value) + "]")
        return cls(kind="text", value=value if isinstance(value, str) else
                   json.dumps(value, indent=1, default=str))

    # ------------------------------------------------------------------ fields
    def __call__(self, points) -> np.ndarray:
        """The field at ``points`` (shape (n, d), columns ordered as ``variables``), linearly
        interpolated on the solver's grid; points outside ``domain`` are an error."""
        if self.kind != "field":
            raise TypeError(f"a {self.kind} answer is not callable; only a field is")
        points = np.atleast_2d(np.asarray(points, dtype=float))
        if points.shape[1] != len(self.variables):
            raise ValueError(f"points need {len(self.variables)} columns "
                             f"({', '.join(self.variables)}), got {points.shape[1]}")
        return self._interpolator(points)

    @cached_property
    def _interpolator(self):
        from scipy.interpolate import RegularGridInterpolator
        with np.load(self.samples) as grid:
            axes = [grid[f"axis_{v}"] for v in self.variables]
            values = grid["values"]
        return RegularGridInterpolator(axes, values, bounds_error=True)


class StepRecord(BaseModel):
    """One tool call as it ran: arguments with references resolved, and its result."""
    id: str
    tool: str
    args: dict[str, Any]
    ok: bool
    value: Any = None
    latex: str | None = None
    error: str | None = None
    seconds: float = 0.0
    figures: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
    cached: bool = False


class Answer(BaseModel):
    question: str
    final: Final
    verified: bool
    status: Literal["verified", "unverified", "refused"]
    reason: str = ""                     # why it is not verified (empty when it is)
    checks: list[Check] = Field(default_factory=list)
    steps: list[StepRecord] = Field(default_factory=list)
    plan: dict | None = None
    tried: list[dict] = Field(default_factory=list)   # earlier plans that failed: output, plan, problems
    text: str = ""
    latex: str = ""
    figures: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    conventions: str = ""
    trace_id: str
    thread_id: str = ""

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        badge = "**verified**" if self.verified else f"**{self.status}**: {self.reason}"
        parts = [f"{badge}", f"$$ {self.latex} $$" if self.latex else f"`{self.final.value}`"]
        parts += [f"- {'✓' if c.passed else '✗'} {c.name} {c.detail}" for c in self.checks]
        for figure in self.figures:
            path = Path(figure)
            if path.suffix == ".png" and path.is_file():
                data = base64.b64encode(path.read_bytes()).decode()
                parts.append(f"![{path.name}](data:image/png;base64,{data})")
        if self.citations:
            parts.append("Sources: " + "; ".join(self.citations))
        return "\n\n".join(parts)

    def _repr_latex_(self) -> str | None:
        return f"$$ {self.latex} $$" if self.latex else None


def _number(text: str) -> float | None:
    """The value of an expression without symbols (``3*sqrt(3)``), else None."""
    from tools.mathparse import ParseError, parse_expr
    try:
        expr = parse_expr(text)
    except (ParseError, ValueError, TypeError):
        return None
    if expr.free_symbols or not expr.is_number or expr.is_real is False:
        return None
    try:
        return float(expr)
    except (TypeError, ValueError):
        return None
