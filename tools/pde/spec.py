"""``PDESpec``: a differential-equation problem as data a planner can fill in from prose.

>>> spec = PDESpec(equations="u_t = 0.4*u_xx", variables={"x": (0, 1), "t": (0, 1)},
...                conditions=[{"kind": "dirichlet", "on": "boundary"},
...                            {"kind": "initial", "value": "sin(pi*x)"}],
...                exact="exp(-0.4*pi^2*t)*sin(pi*x)")
>>> spec.space, spec.time
(['x'], 't')
>>> PDESpec(equations="u'' = -u", variables={"x": (0, "pi/2")},
...         conditions=[{"kind": "dirichlet", "on": "boundary"}]).variables["x"]
(0.0, 1.5707963267948966)
>>> spec.residuals
[Derivative(u(x, t), t) - 2*Derivative(u(x, t), (x, 2))/5]

Conventions: ``neumann`` prescribes the derivative along the *outward* normal, ``robin`` is
``alpha*u + beta*du/dn = value``, ``initial`` with ``derivative=1`` prescribes ``u_t`` at the
first time. Sides are written ``x=0``, ``y=1`` or ``boundary`` (all of the space boundary).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
import sympy as sp
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, WithJsonSchema,
                      field_validator, model_validator)

from .equations import Context, derivative_orders, excerpt
from .errors import SpecError

ConditionKind = Literal["dirichlet", "neumann", "robin", "periodic", "initial"]


def _end(value):
    """An interval end: a number, or a constant written as text (``"pi"``, ``"pi/2"``,
    ``"2*pi"``), so an interval [0, π] need not be copied as sixteen digits."""
    if not isinstance(value, str):
        return value
    from tools.mathparse import ParseError, parse_expr
    try:
        number = parse_expr(value)
    except ParseError as err:
        raise SpecError(f"the interval end {excerpt(value)}: {err}") from None
    if not (number.is_number and number.is_real):
        raise SpecError(f"an interval end is a number or a constant such as pi/2, not "
                        f"{excerpt(value)}")
    return float(number)


End = Annotated[float, BeforeValidator(_end), WithJsonSchema(
    {"anyOf": [{"type": "number"}, {"type": "string"}]})]


class Disk(BaseModel):
    """A disk in the plane of the two space variables."""

    model_config = ConfigDict(extra="forbid")
    center: tuple[float, float] = (0.0, 0.0)
    radius: float = Field(gt=0)


class Condition(BaseModel):
    """One boundary or initial condition."""

    model_config = ConfigDict(extra="forbid")
    kind: ConditionKind
    on: str = Field("", description="'x=0', 'y=1', 'boundary'; a variable name for periodic; "
                                    "the first time for initial (the default)")
    value: str | float = Field("0", description="expression in the variables and parameters")
    unknown: str | None = Field(None, description="which unknown; the first by default")
    derivative: int = Field(0, ge=0, le=3, description="initial: order of the time derivative")
    alpha: float = Field(1.0, description="robin: coefficient of u")
    beta: float = Field(1.0, description="robin: coefficient of du/dn")


class Budget(BaseModel):
    """How much work a solver may spend; the PINN stops at whichever comes first."""

    model_config = ConfigDict(extra="forbid")
    iterations: int | None = Field(None, gt=0, description="PINN optimiser iterations, Adam "
                                                           "and L-BFGS together")
    seconds: float | None = Field(None, gt=0, description="wall-clock seconds")


@dataclass(frozen=True)
class Side:
    """Where a condition holds: ``variable = at``, or the whole boundary when variable is None."""

    variable: sp.Symbol | None
    at: float | None = None

    def __str__(self) -> str:
        return "boundary" if self.variable is None else f"{self.variable}={self.at:g}"


@dataclass(frozen=True)
class ParsedCondition:
    kind: str
    unknown: int
    side: Side
    value: sp.Expr
    derivative: int
    alpha: float
    beta: float


class PDESpec(BaseModel):
    """A PDE or ODE problem: unknowns, variables with intervals, equations, conditions."""

    model_config = ConfigDict(extra="forbid")
    name: str = ""
    unknowns: list[str] = Field(default_factory=lambda: ["u"], min_length=1)
    variables: dict[str, tuple[End, End]] = Field(
        description="name -> (low, high), in the order of a solution's input columns; an end "
                    "may be a constant such as 'pi'")
    time: str | None = Field(None, description="the time variable; 't' by default if present")
    disk: Disk | None = Field(None, description="the space domain is this disk, not a box")
    equations: list[str] = Field(min_length=1)
    conditions: list[Condition] = Field(default_factory=list)
    parameters: dict[str, float | str] = Field(default_factory=dict)
    exact: list[str] | None = Field(None, description="exact solution, one per unknown")
    budget: Budget = Field(default_factory=Budget)

    _context: Context = PrivateAttr()
    _residuals: list[sp.Expr] = PrivateAttr()
    _conditions: list[ParsedCondition] = PrivateAttr()
    _exact: list[sp.Expr] | None = PrivateAttr(None)
    _reference: Callable[[np.ndarray], np.ndarray] | None = PrivateAttr(None)

    @field_validator("equations", "exact", "unknowns", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value

    @field_validator("variables")
    @classmethod
    def _intervals(cls, value: dict[str, tuple[float, float]]):
        if not 1 <= len(value) <= 4:
            raise SpecError(f"a problem has 1 to 4 variables (up to 3 of space and time), "
                            f"not {len(value)}")
        for name, (lo, hi) in value.items():
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise SpecError(f"the interval of {name} must be finite with low < high, "
                                f"not ({lo}, {hi})")
        return value

    @model_validator(mode="after")
    def _parse(self) -> PDESpec:
        if self.time is None and "t" in self.variables:
            self.time = "t"
        if self.time is not None and self.time not in self.variables:
            raise SpecError(f"the time variable {excerpt(self.time)} is not among the variables "
                            f"{', '.join(self.variables)}")
        if len(self.space) > 3:
            raise SpecError("at most 3 space dimensions are supported")
        if self.disk is not None and len(self.space) != 2:
            raise SpecError("a disk needs exactly two space variables")
        context = Context(self.unknowns, self.variables, self.parameters, self.time)
        self._context = context
        self._residuals = [context.equation(e) for e in self.equations]
        if len(self._residuals) != len(self.unknowns):
            raise SpecError(f"{len(self.equations)} equation(s) for {len(self.unknowns)} "
                            f"unknown(s) ({', '.join(self.unknowns)}): they must be as many")
        self._conditions = [self._condition(c) for c in self.conditions]
        if self.exact is not None:
            if len(self.exact) != len(self.unknowns):
                raise SpecError(f"give one exact solution per unknown ({len(self.unknowns)})")
            self._exact = [context.parse(str(e), what=f"exact solution {excerpt(e)}",
                                         unknowns_allowed=False) for e in self.exact]
        self._check_orders()
        return self

    # ------------------------------------------------------------------ views
    @property
    def space(self) -> list[str]:
        """The space variables, in spec order."""
        return [v for v in self.variables if v != self.time]

    @property
    def symbols(self) -> list[sp.Symbol]:
        """The variables as SymPy symbols, in spec order (the columns of solution points)."""
        return self._context.variables

    @property
    def functions(self) -> list[sp.Expr]:
        """The unknowns as applied functions ``u(x, t)``."""
        return self._context.unknowns

    @property
    def residuals(self) -> list[sp.Expr]:
        """Each equation as ``lhs - rhs``, with parameters substituted."""
        return list(self._residuals)

    @property
    def parsed_conditions(self) -> list[ParsedCondition]:
        return list(self._conditions)

    @property
    def exact_expressions(self) -> list[sp.Expr] | None:
        return None if self._exact is None else list(self._exact)

    @property
    def has_reference(self) -> bool:
        """Whether an exact or reference solution comes with the spec."""
        return self._exact is not None or self._reference is not None

    def symbol(self, name: str) -> sp.Symbol:
        return self.symbols[list(self.variables).index(name)]

    def order(self, variable: str, unknown: int | None = None) -> int:
        """Highest derivative order in ``variable`` over the equations (for one unknown)."""
        var = self.symbol(variable)
        funcs = self.functions if unknown is None else [self.functions[unknown]]
        return max(derivative_orders(r, f, var) for r in self._residuals for f in funcs)

    def with_reference(self, reference: Callable[[np.ndarray], np.ndarray]) -> PDESpec:
        """Attach a numeric reference solution: ``(n, d)`` points to ``(n, unknowns)``."""
        self._reference = reference
        return self

    def reference_values(self, points: np.ndarray) -> np.ndarray | None:
        """The exact or reference solution at ``points`` (columns in spec order), or None."""
        points = np.atleast_2d(np.asarray(points, dtype=float))
        if self._reference is not None:
            return np.asarray(self._reference(points), dtype=float).reshape(len(points), -1)
        if self._exact is None:
            return None
        from .evaluate import numpy_function
        columns = [numpy_function(e, self.symbols)(points) for e in self._exact]
        return np.column_stack([np.broadcast_to(c, (len(points),)) for c in columns])

    # ------------------------------------------------------------------ validation
    def _condition(self, c: Condition) -> ParsedCondition:
        unknown = c.unknown or self.unknowns[0]
        if unknown not in self.unknowns:
            raise SpecError(f"condition on {excerpt(unknown)}, which is not an unknown "
                            f"({', '.join(self.unknowns)})")
        where = c.on.strip()
        if c.kind == "initial":
            if self.time is None:
                raise SpecError("an initial condition needs a time variable; name it with "
                                "time=... or call the variable t")
            side = self._side(where or f"{self.time}={self.variables[self.time][0]}", c)
            if side.variable != self.symbol(self.time) or side.at != self.variables[self.time][0]:
                raise SpecError(f"an initial condition holds at the first time "
                                f"{self.time}={self.variables[self.time][0]:g}, not at {where}")
        elif c.kind == "periodic":
            if where not in self.space:
                raise SpecError(f"a periodic condition names a space variable "
                                f"({', '.join(self.space)}), not {excerpt(where)}")
            if self.disk is not None:
                raise SpecError("a periodic condition needs a box, not a disk")
            side = Side(self.symbol(where))
        else:
            side = self._side(where or "boundary", c)
            if side.variable is not None and str(side.variable) == self.time:
                raise SpecError(f"a {c.kind} condition at {where} is on time; use kind="
                                f"'initial' for the first time")
        what = f"the value of the {c.kind} condition on {excerpt(where or 'boundary')}"
        value = self._context.parse(str(c.value), what=what, unknowns_allowed=False)
        if c.kind == "robin" and c.beta == 0:
            raise SpecError("a robin condition with beta = 0 is a dirichlet condition")
        return ParsedCondition(c.kind, self.unknowns.index(unknown), side, value,
                               c.derivative, c.alpha, c.beta)

    def _side(self, where: str, c: Condition) -> Side:
        if where == "boundary":
            return Side(None)
        name, sep, at_text = where.partition("=")
        name, at_text = name.strip(), at_text.strip()
        if not sep or name not in self.variables:
            raise SpecError(f"cannot read the side {excerpt(where)} of a {c.kind} condition: write "
                            f"'x=0', 'boundary' ... with a variable among "
                            f"{', '.join(self.variables)}")
        try:
            at = float(self._context.parse(at_text, what=f"side {excerpt(where)}",
                                           unknowns_allowed=False))
        except TypeError:
            raise SpecError(f"the side {excerpt(where)} must be a number") from None
        if self.disk is not None and name != self.time:
            raise SpecError(f"on a disk, conditions hold on 'boundary', not on {excerpt(where)}")
        lo, hi = self.variables[name]
        if not (math.isclose(at, lo, abs_tol=1e-12) or math.isclose(at, hi, abs_tol=1e-12)):
            raise SpecError(f"the condition side {excerpt(where)} is not an end of {name}'s interval "
                            f"[{lo:g}, {hi:g}]")
        return Side(self.symbol(name), lo if math.isclose(at, lo, abs_tol=1e-12) else hi)

    def _check_orders(self) -> None:
        conds = self._conditions
        for k, name in enumerate(self.unknowns):
            mine = [c for c in conds if c.unknown == k]
            if self.time is not None:
                order = self.order(self.time, k)
                given = sorted(c.derivative for c in mine if c.kind == "initial")
                needed = list(range(order))
                if given != needed and order > 0:
                    want = ", ".join(_initial_name(name, self.time, d) for d in needed)
                    raise SpecError(f"{name} is of order {order} in {self.time}: it needs "
                                    f"initial conditions for {want}, got "
                                    f"{', '.join(_initial_name(name, self.time, d) for d in given) or 'none'}")
                if order == 0 and given:
                    raise SpecError(f"{name} has no {self.time}-derivative, so it takes no "
                                    f"initial condition")
            for var in self.space:
                order = self.order(var, k)
                if order == 0:
                    continue
                if any(c.kind == "periodic" and str(c.side.variable) == var for c in mine):
                    continue
                sides = {c.side.at for c in mine if c.kind not in ("initial", "periodic")
                         and (c.side.variable is None or str(c.side.variable) == var)}
                if any(c.side.variable is None for c in mine if c.kind != "initial"):
                    sides |= set(self.variables[var])
                if not sides:
                    raise SpecError(f"missing condition: {name} has derivatives in {var} but no "
                                    f"boundary condition at {var}={self.variables[var][0]:g} or "
                                    f"{var}={self.variables[var][1]:g}")
                if order >= 2 and len(sides) < 2:
                    hint = (f"; for an initial-value problem in {var}, set time={var!r}"
                            if len(self.variables) == 1 else "")
                    raise SpecError(f"missing condition: {name} is of order {order} in {var}, "
                                    f"so it needs conditions at both {var}="
                                    f"{self.variables[var][0]:g} and {var}="
                                    f"{self.variables[var][1]:g} (or a periodic condition)"
                                    f"{hint}")


def _initial_name(unknown: str, time: str, derivative: int) -> str:
    return unknown + ("_" + time * derivative if derivative else "")
