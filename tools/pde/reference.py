"""Classical solvers for a ``PDESpec``: ODE integration, method of lines, finite differences.

:func:`classical_method` picks the method from the shape of the problem, or says why none
applies (:class:`NotApplicable`); :func:`solve_classical` runs it.

``ivp``
    One variable: time, or a space variable whose conditions all hold at one end (a TOV
    star integrated outward from ``r0``). The system is reduced to first order and integrated
    with ``scipy.integrate.solve_ivp`` (DOP853 at ``rtol=1e-10``; Radau, then LSODA, when it
    fails or the problem is stiff).
``method_of_lines``
    One space variable and time, order 1 or 2 in time and up to 2 in space, linear or not:
    second-order central differences on a uniform grid, integrated in time by ``solve_ivp``.
``finite_difference``
    No time, one to three space variables on a box, one unknown, an equation linear in it:
    a sparse system of second-order central differences, solved by ``spsolve``.

Conventions, shared by the last two: ``neumann`` prescribes ``du/dn`` along the *outward*
normal (``-u_x`` at the low end of ``x``, ``+u_x`` at the high end) and ``robin`` is
``alpha*u + beta*du/dn = g``; both are imposed through a ghost node ``u_ghost = u_inner +
2h (g - alpha*u_end)/beta`` (neumann: ``alpha = 0, beta = 1``), the central difference of
``du/dn`` at the end node. Dirichlet nodes carry the prescribed value and no equation.

>>> from tools.pde import PDESpec
>>> spec = PDESpec(equations="u'' = -pi^2*sin(pi*x)", variables={"x": (0, 1)},
...                conditions=[{"kind": "dirichlet", "on": "boundary"}], exact="sin(pi*x)")
>>> classical_method(spec)
'finite_difference'
>>> sol = solve_classical(spec)
>>> sol.metrics["error_basis"], sol.metrics["l2re"] < 1e-6
('exact solution', True)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from time import perf_counter

import numpy as np
import scipy.sparse as sparse
import sympy as sp
from scipy.integrate import solve_ivp
from scipy.sparse.linalg import spsolve
from sympy.core.function import AppliedUndef

from .errors import NotApplicable, SolverFailed, SpecError
from .evaluate import NUMPY, evaluate
from .solution import Solution, relative_l2, sample_domain
from .spec import ParsedCondition, PDESpec

MOL_RESOLUTION = {"parabolic": 2000, "hyperbolic": 1000}
"""Space intervals of the method of lines: an implicit step costs about as much on a fine
grid as on a coarse one, an explicit step is limited by h, so hyperbolic grids are coarser."""
MAX_TIME_INTERVALS = 1000
"""The method-of-lines solution is kept at min(resolution, this) + 1 equally spaced times and
interpolated between them (cubic); raise ``resolution`` for long runs of fast dynamics."""
FD_RESOLUTION = {1: 2000, 2: 256, 3: 24}
"""Intervals per space variable of the finite-difference solver, by dimension (a direct
sparse solve: 0.3 s in 2D and 3D on one core; 32 in 3D takes 2 s, 40 ten)."""
_PERMUTATION = "MMD_AT_PLUS_A"
"""SuperLU's column ordering: minimum degree on A^T + A suits the (structurally symmetric)
stencils, 2 to 4 times faster than the default COLAMD in 3D."""
IVP_RTOL = 1e-10
MOL_RTOL = 1e-8
EVALUATION_LIMIT = {"ivp": 30_000, "method_of_lines": 300_000}
"""Right-hand-side evaluations after which an integration counts as stiff (or stuck at a
singularity) and the next integrator is tried. Explicit steps of the method of lines are
limited by h/c: a wave at speed 10 on 1000 intervals already takes 50,000 evaluations."""

Evaluator = Callable[[np.ndarray], np.ndarray]


# ---------------------------------------------------------------------- public API
def classical_method(spec: PDESpec) -> str:
    """``"ivp"``, ``"method_of_lines"`` or ``"finite_difference"``; NotApplicable says why none.

    >>> from tools.pde import PDESpec
    >>> classical_method(PDESpec(equations="u_t = u_xx", variables={"x": (0, 1), "y": (0, 1),
    ...     "t": (0, 1)}, conditions=[{"kind": "dirichlet", "on": "boundary"},
    ...     {"kind": "initial", "value": "sin(pi*x)*sin(pi*y)"}]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tools.pde.errors.NotApplicable: time-dependent problems in 2 space dimensions are beyond ...
    """
    return _plan(spec).method


def solve_classical(spec: PDESpec, *, resolution: int | None = None,
                    error_estimate: bool = True) -> Solution:
    """Solve ``spec`` with :func:`classical_method`'s method.

    ``resolution``: space intervals per variable (method of lines, finite differences; the
    defaults are ``MOL_RESOLUTION`` and ``FD_RESOLUTION``); ignored by ``ivp``, which is
    controlled by its tolerance. The error estimate is the relative L2 error against the
    spec's exact or reference solution when it has one (``metrics["l2re"]``), else, with
    ``error_estimate=True``, the relative L2 difference from a second solve at half the
    resolution (``ivp``: a 1000 times looser tolerance), which overestimates the error.
    """
    plan = _plan(spec)
    if resolution is not None and resolution < 4:
        raise ValueError(f"resolution must be at least 4 intervals, not {resolution}")
    solver = _SOLVERS[plan.method]
    start = perf_counter()
    evaluator, metrics = solver(plan, resolution, coarse=False)
    metrics = {"solver": plan.method, **metrics, "seconds": perf_counter() - start}
    solution = Solution(spec, "classical", evaluator, metrics=metrics)
    if spec.has_reference:
        points = sample_domain(spec, 4000, seed=12345)
        l2re = relative_l2(evaluator(points), spec.reference_values(points))
        metrics.update(l2re=l2re, error_basis="exact solution" if spec.exact
                       else "reference solution")
        solution.error_estimate = l2re
    elif error_estimate:
        start = perf_counter()
        check, _ = solver(plan, resolution, coarse=True)
        points = sample_domain(spec, 4000, seed=12345)
        solution.error_estimate = relative_l2(check(points), evaluator(points))
        metrics.update(error_basis="looser tolerance solve" if plan.method == "ivp"
                       else "half-resolution solve", estimate_seconds=perf_counter() - start)
    else:
        metrics["error_basis"] = "none (error_estimate=False)"
    return solution


# ---------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class _Leaf:
    """An unknown or one of its derivatives: derivative orders per variable, in spec order."""

    unknown: int
    orders: tuple[int, ...]


class _System:
    """The residuals with every unknown and derivative replaced by a plain symbol.

    ``u(x, t)`` and ``Derivative(u(x, t), (x, 2))`` become symbols, so that differentiating
    with respect to them or setting them to zero is plain algebra (``subs`` on a derivative
    would also rewrite the higher derivatives that contain it).
    """

    def __init__(self, spec: PDESpec) -> None:
        self.spec = spec
        self.symbols: dict[_Leaf, sp.Dummy] = {}
        replace = {}
        for residual in spec.residuals:
            for leaf in residual.atoms(AppliedUndef) | residual.atoms(sp.Derivative):
                replace[leaf] = self.symbol(self._leaf(leaf))
        # xreplace works top-down: a whole derivative is replaced before its u(x, t)
        self.residuals = [r.xreplace(replace) for r in spec.residuals]
        self.present = dict(self.symbols)

    def _leaf(self, expr: sp.Expr) -> _Leaf:
        counts = dict(expr.variable_count) if isinstance(expr, sp.Derivative) else {}
        function = expr.expr if isinstance(expr, sp.Derivative) else expr
        orders = tuple(int(counts.get(v, 0)) for v in self.spec.symbols)
        return _Leaf(self.spec.functions.index(function), orders)

    def symbol(self, leaf: _Leaf) -> sp.Dummy:
        if leaf not in self.symbols:
            self.symbols[leaf] = sp.Dummy(self.name(leaf))
        return self.symbols[leaf]

    def name(self, leaf: _Leaf) -> str:
        letters = "".join(v * n for v, n in zip(self.spec.variables, leaf.orders))
        return self.spec.unknowns[leaf.unknown] + (f"_{letters}" if letters else "")

    def show(self, expr: sp.Expr) -> str:
        """``expr`` with the leaf symbols printed as ``u_xx``."""
        return str(expr.xreplace({s: sp.Symbol(self.name(leaf))
                                  for leaf, s in self.symbols.items()}))


@dataclass
class _Split:
    """``residual_i = sum_k A[i][k] * H_k + b[i]``, linear in the highest derivatives ``H``."""

    highest: list[sp.Dummy]
    A: list[list[sp.Expr]]
    b: list[sp.Expr]
    orders: list[int]          # each unknown's order in the evolution variable

    @property
    def expressions(self) -> list[sp.Expr]:
        return self.b + [c for row in self.A for c in row]


@dataclass(frozen=True)
class _End:
    """The condition at one end of a space interval for one unknown.

    kind: ``dirichlet`` (u = value), ``flux`` (alpha*u + beta*du/dn = value; neumann is
    alpha = 0, beta = 1), ``periodic``, or ``free`` (no condition: the derivatives there are
    one-sided, as at the outflow end of an advection problem).
    """

    kind: str
    value: sp.Expr = sp.Integer(0)
    alpha: float = 0.0
    beta: float = 1.0


@dataclass
class _Plan:
    method: str
    spec: PDESpec
    system: _System
    split: _Split | None = None                        # ivp, method of lines
    ends: list[list[tuple[_End, _End]]] | None = None  # [unknown][space variable] -> (low, high)
    coefficients: dict[_Leaf, sp.Expr] | None = None   # finite differences: sum c*leaf + rest
    rest: sp.Expr | None = None


def _plan(spec: PDESpec) -> _Plan:
    if spec.disk is not None:
        raise NotApplicable("the classical solvers need a box of intervals, not a disk; "
                            "use the PINN")
    system = _System(spec)
    if len(spec.variables) == 1 and (spec.time is not None or _one_ended(spec)):
        plan = _Plan("ivp", spec, system, split=_split_highest(system, list(spec.variables)[0]))
        _ivp_start(plan)                    # every unknown has its starting values
        return plan
    if spec.time is None:
        return _check_finite_difference(_Plan("finite_difference", spec, system))
    if len(spec.space) == 1:
        return _check_method_of_lines(_Plan("method_of_lines", spec, system))
    raise NotApplicable(f"time-dependent problems in {len(spec.space)} space dimensions are "
                        f"beyond the classical solvers (the method of lines here is "
                        f"one-dimensional); use the PINN")


def _one_ended(spec: PDESpec) -> bool:
    """Whether all conditions of a one-variable problem hold at the same end."""
    ends = {c.side.at if c.side.variable is not None else "both"
            for c in spec.parsed_conditions}
    return len(ends) == 1 and "both" not in ends and None not in ends


def _split_highest(system: _System, variable: str) -> _Split:
    """Write the equations as linear in each unknown's highest derivative in ``variable``."""
    spec = system.spec
    position = list(spec.variables).index(variable)
    orders, highest = [], []
    for k, name in enumerate(spec.unknowns):
        order = spec.order(variable, k)
        if order == 0:
            raise NotApplicable(f"{name} has no {variable}-derivative: an algebraic constraint "
                                f"(a differential-algebraic system), which the classical "
                                f"solvers do not integrate")
        orders.append(order)
        highest.append(system.symbol(_Leaf(k, tuple(order if i == position else 0
                                                    for i in range(len(spec.variables))))))
    A, b = [], []
    for i, residual in enumerate(system.residuals):
        row = [residual.diff(h) for h in highest]
        if any(c.has(*highest) for c in row):
            raise NotApplicable(f"equation {i + 1} is nonlinear in the highest "
                                f"{variable}-derivatives ({', '.join(map(system.show, highest))}),"
                                f" so it cannot be solved for them")
        if all(c == 0 for c in row):
            raise NotApplicable(f"equation {i + 1} contains none of the highest "
                                f"{variable}-derivatives: a constraint (a differential-algebraic "
                                f"system), which the classical solvers do not integrate")
        A.append(row)
        b.append(residual.xreplace({h: 0 for h in highest}))
    if len(A) > 1 and _singular(A):
        raise NotApplicable(f"the equations do not determine the highest {variable}-derivatives "
                            f"({', '.join(map(system.show, highest))}): the matrix of their "
                            f"coefficients is singular (a differential-algebraic system)")
    return _Split(highest, A, b, orders)


def _singular(A: list[list[sp.Expr]], trials: int = 3) -> bool:
    """Whether the matrix is singular at random values of its symbols, every time."""
    symbols = sorted(set().union(*(c.free_symbols for row in A for c in row)), key=str)
    rng = np.random.default_rng(0)
    for _ in range(trials):
        leaves = dict(zip(symbols, rng.uniform(0.5, 1.5, len(symbols))))
        with np.errstate(all="ignore"):
            M = np.array([[float(evaluate(c, leaves, NUMPY)) for c in row] for row in A])
        if not np.all(np.isfinite(M)):
            continue
        scale = np.prod(np.linalg.norm(M, axis=1))
        if abs(np.linalg.det(M)) > 1e-12 * scale:
            return False
    return True


def _check_method_of_lines(plan: _Plan) -> _Plan:
    spec, system = plan.spec, plan.system
    x, t = spec.space[0], spec.time
    ix, it = list(spec.variables).index(x), list(spec.variables).index(t)
    for leaf in system.present:
        name = system.name(leaf)
        if leaf.orders[ix] and leaf.orders[it]:
            raise NotApplicable(f"the mixed derivative {name} is beyond the method of lines "
                                f"here; use the PINN")
        if leaf.orders[ix] > 2:
            raise NotApplicable(f"{name} is of order {leaf.orders[ix]} in space; the method of "
                                f"lines here has second-order stencils (up to order 2); use "
                                f"the PINN")
        if leaf.orders[it] > 2:
            raise NotApplicable(f"{name} is of order {leaf.orders[it]} in time; the method of "
                                f"lines takes orders 1 and 2")
    ends = [_ends(spec, k, x) for k in range(len(spec.unknowns))]
    periodic = {e[0].kind == "periodic" for e in ends}
    if len(periodic) > 1:
        if any(e[0].kind not in ("periodic", "free") or e[1].kind != e[0].kind for e in ends):
            raise NotApplicable(f"some unknowns are periodic in {x} and others not; the method "
                                f"of lines needs one grid for all")
        ends = [(_End("periodic"), _End("periodic"))] * len(ends)
    plan.ends = [[e] for e in ends]
    plan.split = _split_highest(system, t)
    return plan


def _check_finite_difference(plan: _Plan) -> _Plan:
    spec, system = plan.spec, plan.system
    if len(spec.unknowns) > 1:
        raise NotApplicable(f"finite differences here take a single unknown, not "
                            f"{len(spec.unknowns)} ({', '.join(spec.unknowns)}); use the PINN")
    for leaf in system.present:
        if max(leaf.orders) > 2 or sum(leaf.orders) > 2:
            raise NotApplicable(f"{system.name(leaf)} is of order {sum(leaf.orders)}; the "
                                f"finite differences here have second-order stencils (up to "
                                f"order 2); use the PINN")
    ends = [_ends(spec, 0, v) for v in spec.variables]
    for leaf in system.present:
        mixed = [i for i, o in enumerate(leaf.orders) if o]
        if len(mixed) > 1 and any(e.kind == "flux" for i in mixed for e in ends[i]):
            raise NotApplicable(f"the mixed derivative {system.name(leaf)} with a neumann or "
                                f"robin condition is beyond the finite differences here")
    residual = system.residuals[0]
    leaves = list(system.present.values())
    coefficients = {}
    for leaf, symbol in system.present.items():
        c = residual.diff(symbol)
        if c.has(*leaves):
            raise NotApplicable(f"the equation is nonlinear in {spec.unknowns[0]} (the "
                                f"coefficient of {system.name(leaf)} is {system.show(c)}); the "
                                f"finite differences here solve linear problems only; use the "
                                f"PINN")
        coefficients[leaf] = c
    zeroth = coefficients.get(_Leaf(0, (0,) * len(spec.variables)), sp.Integer(0))
    anchored = any(e.kind == "dirichlet" or (e.kind == "flux" and e.alpha != 0)
                   for pair in ends for e in pair)
    if not anchored and zeroth == 0:
        raise NotApplicable("with only neumann or periodic conditions and no u term, the "
                            "solution is determined only up to a constant; fix it with a "
                            "dirichlet condition somewhere")
    plan.ends = [ends]
    plan.coefficients = coefficients
    plan.rest = residual.xreplace({s: 0 for s in leaves})
    return plan


def _ends(spec: PDESpec, unknown: int, variable: str) -> tuple[_End, _End]:
    """The conditions of one unknown at the low and high ends of ``variable``.

    A condition on one side (``x=0``) takes precedence over one on the whole boundary.
    """
    symbol, name = spec.symbol(variable), spec.unknowns[unknown]
    mine = [c for c in spec.parsed_conditions if c.unknown == unknown and c.kind != "initial"]
    if any(c.kind == "periodic" and c.side.variable == symbol for c in mine):
        return _End("periodic"), _End("periodic")
    ends = []
    for at in spec.variables[variable]:
        specific = [c for c in mine if c.kind != "periodic" and c.side.variable == symbol
                    and c.side.at == at]
        chosen = specific or [c for c in mine if c.side.variable is None]
        if len(chosen) > 1:
            raise NotApplicable(f"{len(chosen)} conditions on {name} at {variable}={at:g} "
                                f"({', '.join(c.kind for c in chosen)}); the classical solvers "
                                f"take one condition per side")
        ends.append(_end(chosen[0]) if chosen else _End("free"))
    return ends[0], ends[1]


def _end(c: ParsedCondition) -> _End:
    if c.kind == "dirichlet":
        return _End("dirichlet", c.value)
    if c.kind == "neumann":
        return _End("flux", c.value, 0.0, 1.0)
    return _End("flux", c.value, c.alpha, c.beta)


# ---------------------------------------------------------------------- numerics
def _value(expr: sp.Expr, leaves: dict, shape: tuple[int, ...]) -> np.ndarray:
    """``expr`` evaluated with ``leaves``, broadcast to ``shape``."""
    return np.broadcast_to(np.asarray(evaluate(expr, leaves, NUMPY), dtype=float), shape)


def _static(exprs: list[sp.Expr], fixed: dict) -> dict:
    """Values of the largest subexpressions of ``exprs`` that depend on ``fixed`` only.

    Passed to ``evaluate`` with the other leaves, they end its walk early: an integrator
    evaluates the right-hand side thousands of times, and numbers like ``25*pi**2`` or a
    potential ``V(x)`` would otherwise be recomputed (slowly, through SymPy) every time.
    """
    values: dict = dict(fixed)
    known = set(fixed)

    def visit(e: sp.Basic) -> None:
        if e in values or e.is_Symbol:
            return
        if e.free_symbols <= known:
            try:
                with np.errstate(all="ignore"):
                    values[e] = evaluate(e, fixed, NUMPY)
                return
            except (SpecError, TypeError, ValueError):
                pass
        for a in e.args:
            visit(a)

    for e in exprs:
        visit(sp.sympify(e))
    return values


def _solve_highest(split: _Split, leaves: dict, shape: tuple[int, ...]) -> np.ndarray:
    """The highest derivatives ``H`` from ``A H = -b``, at each point: shape + (unknowns,)."""
    if len(split.b) == 1:
        b, a = _value(split.b[0], leaves, shape), _value(split.A[0][0], leaves, shape)
        return (-b / a)[..., None]
    b = np.stack([_value(e, leaves, shape) for e in split.b], axis=-1)
    A = np.stack([np.stack([_value(e, leaves, shape) for e in row], axis=-1)
                  for row in split.A], axis=-2)
    return np.linalg.solve(A, -b[..., None])[..., 0]


def _check_start(rhs: Callable, start: float, y0: np.ndarray, variable: str) -> None:
    """NotApplicable unless the equations give finite highest derivatives at the start."""
    try:
        with np.errstate(all="ignore"):
            finite = np.all(np.isfinite(rhs(start, y0)))
    except np.linalg.LinAlgError:
        finite = False
    if not finite:
        raise NotApplicable(f"the equations do not determine the highest derivatives at "
                            f"{variable}={start:g} (a coefficient vanishes or is singular there, "
                            f"or it is a differential-algebraic system)")


class _Exhausted(Exception):
    """An integration that needs too many evaluations: stiff, or stuck at a singularity."""


def _integrate(rhs: Callable, span: tuple[float, float], y0: np.ndarray,
               methods: list[tuple[str, dict]], variable: str, limit: int, **options):
    """``solve_ivp`` with the first of ``methods`` that succeeds; SolverFailed says where.

    Each method may evaluate ``rhs`` ``limit`` times (an explicit method on a stiff problem,
    or any method creeping up to a singularity, would go on for minutes). Two
    methods stopping at the same place, or a state grown beyond ``1e12`` times its start,
    mean a singularity: the rest are not tried.
    """
    direction = np.sign(span[1] - span[0])
    bound = 1e12 * max(1.0, float(np.max(np.abs(y0), initial=0.0)))
    reasons, stops = [], []
    for method, extra in methods:
        calls, furthest, largest = 0, span[0], 0.0

        def counted(s, y):
            nonlocal calls, furthest, largest
            calls += 1
            if calls > limit:
                raise _Exhausted
            if direction * (s - furthest) > 0:
                furthest = s
            largest = max(largest, float(np.max(np.abs(y), initial=0.0)))
            return rhs(s, y)

        try:
            with np.errstate(all="ignore"):
                sol = solve_ivp(counted, span, y0, method=method, **extra, **options)
        except _Exhausted:
            sol = None
            reasons.append(f"{method}: more than {limit:,} evaluations")
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError) as err:
            sol = None
            reasons.append(f"{method}: {err}")
        if sol is not None and sol.success and np.all(np.isfinite(sol.y)):
            return sol, method
        if sol is not None:
            reasons.append(f"{method}: {sol.message}" if not sol.success
                           else f"{method}: non-finite values")
        if not largest <= bound:
            raise SolverFailed(f"the solution blows up near {variable}={furthest:.6g} (it "
                               f"reached {largest:.3g}), before {variable}={span[1]:g}; "
                               f"{'; '.join(reasons)}")
        same = any(abs(furthest - s) <= 1e-6 * abs(span[1] - span[0]) for s in stops)
        stops.append(furthest)
        if same:
            break
    reached = max(stops, key=lambda s: direction * s)
    raise SolverFailed(f"the integration stopped near {variable}={reached:.6g}, before "
                       f"{variable}={span[1]:g} ({'; '.join(reasons)}): a singularity of the "
                       f"solution there, or a problem too stiff")


# ---------------------------------------------------------------------- ivp
def _ivp(plan: _Plan, resolution: int | None, coarse: bool) -> tuple[Evaluator, dict]:
    """An ODE system in one variable ``s``, reduced to first order.

    The state holds ``u_k, u_k', ..., u_k^(m_k - 1)`` for each unknown; the highest
    derivatives come from ``A H = -b`` (the equations are linear in them). Starts at the
    first time, or at the end of a space interval where the conditions hold (dirichlet gives
    ``u``, neumann ``du/dn``, i.e. ``-u'`` at the low end and ``u'`` at the high end).
    """
    spec, system, split = plan.spec, plan.system, plan.split
    variable, s = list(spec.variables)[0], spec.symbols[0]
    (start, stop), layout, y0 = _ivp_start(plan)
    states = [system.symbol(_Leaf(k, (d,))) for k, d in layout]
    static = _static(split.expressions, {})

    def rhs(s_value, y):
        leaves = {**static, s: s_value, **dict(zip(states, y))}
        highest = _solve_highest(split, leaves, ())
        return np.array([y[i + 1] if d + 1 < split.orders[k] else highest[k]
                         for i, (k, d) in enumerate(layout)])

    _check_start(rhs, start, y0, variable)
    rtol = IVP_RTOL * (1000 if coarse else 1)
    atol = rtol * 1e-2 * max(1.0, float(np.max(np.abs(y0))))
    methods = [("DOP853", {}), ("Radau", {}), ("LSODA", {})]
    sol, method = _integrate(rhs, (start, stop), y0, methods, variable,
                             EVALUATION_LIMIT["ivp"], rtol=rtol, atol=atol, dense_output=True)
    rows = [i for i, (k, d) in enumerate(layout) if d == 0]

    def evaluator(points: np.ndarray) -> np.ndarray:
        return sol.sol(np.asarray(points, dtype=float)[:, 0])[rows].T

    return evaluator, {"integrator": method, "steps": len(sol.t), "rhs_evaluations": sol.nfev,
                       "rtol": rtol}


def _ivp_start(plan: _Plan) -> tuple[tuple[float, float], list[tuple[int, int]], np.ndarray]:
    """The span (from the end with the conditions), the state layout ``(unknown, order)`` and
    the starting state."""
    spec, orders = plan.spec, plan.split.orders
    lo, hi = list(spec.variables.values())[0]
    if spec.time is None and spec.parsed_conditions[0].side.at == hi:
        lo, hi = hi, lo
    layout = [(k, d) for k, m in enumerate(orders) for d in range(m)]
    return (lo, hi), layout, np.array([_ivp_initial(spec, k, d, lo) for k, d in layout])


def _ivp_initial(spec: PDESpec, unknown: int, derivative: int, start: float) -> float:
    """The value of ``u_k^(d)`` at the start, from an initial, dirichlet or neumann condition."""
    variable, name = list(spec.variables)[0], spec.unknowns[unknown]
    at = {s: start for s in spec.symbols}
    for c in spec.parsed_conditions:
        if c.unknown != unknown:
            continue
        if c.kind == "initial" and c.derivative == derivative:
            return float(_value(c.value, at, ()))
        if c.kind == "dirichlet" and derivative == 0:
            return float(_value(c.value, at, ()))
        if c.kind == "neumann" and derivative == 1:
            outward = -1.0 if start == spec.variables[variable][0] else 1.0
            return outward * float(_value(c.value, at, ()))
    what = "the value" if derivative == 0 else f"derivative {derivative}"
    raise NotApplicable(f"to integrate from {variable}={start:g}, {name} needs {what} there "
                        f"(dirichlet for the value, neumann for the first derivative)")


# ---------------------------------------------------------------------- stencils
@dataclass
class _Stencil:
    """Second-order central differences on a uniform grid, with the conditions folded in.

    ``d1 @ u`` and ``d2 @ u`` approximate ``u_x`` and ``u_xx``; at a flux end add
    ``w1[end] * g`` and ``w2[end] * g`` to the end node (``g`` the condition's value), from
    the ghost node ``u_ghost = u_inner + 2h (g - alpha*u_end)/beta``. A free end uses the
    quadratic extrapolation ``u_ghost = 3u_end - 3u_inner + u_inner2`` (one-sided second-order
    ``u_x``). Dirichlet end nodes have zero rows: their value is given, not solved for.
    """

    nodes: np.ndarray
    h: float
    periodic: bool
    d1: sparse.csr_matrix
    d2: sparse.csr_matrix
    w1: tuple[float, float]
    w2: tuple[float, float]
    ends: tuple[_End, _End]
    free: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        """``free``: the nodes whose values are unknowns (all but dirichlet ends)."""
        self.free = np.ones(len(self.nodes), dtype=bool)
        for node, end in zip((0, -1), self.ends):
            self.free[node] &= end.kind != "dirichlet"


def _stencil(lo: float, hi: float, intervals: int, ends: tuple[_End, _End]) -> _Stencil:
    periodic = ends[0].kind == "periodic"
    n = intervals if periodic else intervals + 1
    h = (hi - lo) / intervals
    d1, d2 = sparse.lil_matrix((n, n)), sparse.lil_matrix((n, n))
    for i in range(n):
        for offset in (-1, 1):
            j = (i + offset) % n if periodic else i + offset
            if 0 <= j < n:
                d1[i, j] += offset / (2 * h)
                d2[i, j] += 1 / h**2
        d2[i, i] -= 2 / h**2
    w1, w2 = [0.0, 0.0], [0.0, 0.0]
    if not periodic:
        for side, (node, inner, inner2, sign) in enumerate(((0, 1, 2, -1),
                                                            (n - 1, n - 2, n - 3, 1))):
            end = ends[side]
            d1[node, :], d2[node, :] = 0, 0
            if end.kind == "dirichlet":
                continue
            if end.kind == "flux":
                ghost = {inner: 1.0, node: -2 * h * end.alpha / end.beta}
                w1[side], w2[side] = sign / end.beta, 2 / (h * end.beta)
            else:
                ghost = {node: 3.0, inner: -3.0, inner2: 1.0}
            # u_x = sign (ghost - inner) / 2h, u_xx = (ghost - 2 end + inner) / h^2
            for j, c in ghost.items():
                d1[node, j] += sign * c / (2 * h)
                d2[node, j] += c / h**2
            d1[node, inner] -= sign / (2 * h)
            d2[node, inner] += 1 / h**2
            d2[node, node] -= 2 / h**2
    return _Stencil(lo + h * np.arange(n), h, periodic, d1.tocsr(), d2.tocsr(),
                    (w1[0], w1[1]), (w2[0], w2[1]), ends)


# ---------------------------------------------------------------------- grids
@dataclass
class _Grid:
    """Values on a uniform tensor grid, interpolated by local cubic Lagrange polynomials.

    Each point uses the 4 nearest nodes per axis (4^d in all; one-sided near a non-periodic
    end, wrapping around a periodic one): error O(h^4), below the O(h^2) of the stencils.
    Axis ``a`` reads column ``columns[a]`` of the points (spec order), its nodes are
    ``lows[a] + steps[a] * i``; ``values`` has shape ``(n_1, ..., n_d, unknowns)``.
    """

    columns: list[int]
    lows: list[float]
    steps: list[float]
    periodic: list[bool]
    values: np.ndarray

    def __call__(self, points: np.ndarray) -> np.ndarray:
        points = np.atleast_2d(np.asarray(points, dtype=float))
        stencils = [self._weights(points[:, c], a) for a, c in enumerate(self.columns)]
        out = np.zeros((len(points), self.values.shape[-1]))
        for corner in itertools.product(range(4), repeat=len(self.columns)):
            index = tuple(s[0][:, j] for s, j in zip(stencils, corner))
            weight = np.prod([s[1][:, j] for s, j in zip(stencils, corner)], axis=0)
            out += weight[:, None] * self.values[index]
        return out

    def _weights(self, coordinate: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
        n = self.values.shape[axis]
        s = (coordinate - self.lows[axis]) / self.steps[axis]
        first = np.floor(s).astype(int) - 1
        if not self.periodic[axis]:
            first = np.clip(first, 0, n - 4)
        r = s - first                   # position among the 4 nodes: in [1, 2) inside the grid
        weights = np.stack([np.prod([(r - m) / (j - m) for m in range(4) if m != j], axis=0)
                            for j in range(4)], axis=1)
        index = first[:, None] + np.arange(4)
        return (index % n if self.periodic[axis] else index), weights


# ---------------------------------------------------------------------- method of lines
def _method_of_lines(plan: _Plan, resolution: int | None,
                     coarse: bool) -> tuple[Evaluator, dict]:
    """Central differences in ``x``, ``solve_ivp`` in ``t``.

    The state holds, for each unknown, ``u`` (and ``u_t`` when of order 2 in time) at the
    nodes that are not dirichlet ends; dirichlet nodes take their (possibly time-dependent)
    value. Integrator: a problem first order in time with second space derivatives is
    parabolic, with eigenvalues ~ -4D/h^2 that make an explicit method crawl, so it gets BDF
    (implicit, with a banded finite-difference Jacobian); otherwise (advection, waves,
    Klein-Gordon) the eigenvalues are ~ +-i c/h, an explicit step of order h is accurate
    anyway and an implicit BDF would damp the waves, so it gets DOP853 (BDF if that turns out
    stiff).
    """
    spec, system, split = plan.spec, plan.system, plan.split
    names = list(spec.variables)
    x_name = spec.space[0]
    ix, it = names.index(x_name), names.index(spec.time)
    x, t = spec.symbols[ix], spec.symbols[it]
    parabolic = all(m == 1 for m in split.orders) and any(
        lf.orders[ix] == 2 for lf in system.present)
    regime = "parabolic" if parabolic else "hyperbolic"
    intervals = _intervals(resolution or MOL_RESOLUTION[regime], coarse)
    (lo, hi), (t0, t1) = spec.variables[x_name], spec.variables[spec.time]
    stencils = [_stencil(lo, hi, intervals, ends[0]) for ends in plan.ends]
    nodes = stencils[0].nodes
    n = len(nodes)

    def leaf(k: int, space: int, time: int) -> sp.Dummy:
        orders = [0] * len(names)
        orders[ix], orders[it] = space, time
        return system.symbol(_Leaf(k, tuple(orders)))

    blocks, offset = [], 0                      # (unknown, time order, slice of the state)
    for k, m in enumerate(split.orders):
        size = int(stencils[k].free.sum())
        for d in range(m):
            blocks.append((k, d, slice(offset, offset + size)))
            offset += size
    symbols = {(k, d): (leaf(k, 0, d), leaf(k, 1, 0), leaf(k, 2, 0)) for k, d, _ in blocks}
    highest = {(k, d): d + 1 == split.orders[k] for k, d, _ in blocks}

    static = _static(split.expressions, {x: nodes})
    at_ends = [[_static([e.value], {x: at}) for at, e in zip((lo, hi), st.ends)]
               for st in stencils]

    def end_values(k: int, kind: str, t_value) -> list[tuple[int, int, np.ndarray]]:
        """(side, node, g(t)) of the conditions of ``kind`` at the ends of unknown k."""
        return [(side, (0, -1)[side], _value(e.value, {**at_ends[k][side], t: t_value},
                                              np.shape(t_value)))
                for side, e in enumerate(stencils[k].ends) if e.kind == kind]

    def full(k: int, part: np.ndarray, t_value) -> np.ndarray:
        """The unknown on all nodes (dirichlet ends filled in), from its free part."""
        st = stencils[k]
        u = np.zeros((n,) + np.shape(t_value))
        u[st.free] = part
        for _, node, g in end_values(k, "dirichlet", t_value):
            u[node] = g
        return u

    def rhs(t_value, y):
        leaves = {**static, t: t_value}
        for k, d, part in blocks:
            st = stencils[k]
            u_symbol, ux_symbol, uxx_symbol = symbols[k, d]
            if d > 0:
                leaves[u_symbol] = _scatter(st.free, y[part])
                continue
            u = leaves[u_symbol] = full(k, y[part], t_value)
            ux, uxx = st.d1 @ u, st.d2 @ u
            for side, node, g in end_values(k, "flux", t_value):
                ux[node] += st.w1[side] * g
                uxx[node] += st.w2[side] * g
            leaves[ux_symbol], leaves[uxx_symbol] = ux, uxx
        top = _solve_highest(split, leaves, (n,))
        dy = np.empty_like(y)
        for k, d, part in blocks:
            rate = top[:, k] if highest[k, d] else leaves[symbols[k, d + 1][0]]
            dy[part] = rate[stencils[k].free]
        return dy

    y0 = np.concatenate([_initial(spec, k, d, t, nodes, stencils[k].free) for k, d, _ in blocks])
    _check_start(rhs, t0, y0, spec.time)
    atol = MOL_RTOL * 1e-2 * max(1.0, float(np.max(np.abs(y0), initial=0.0)))
    jacobian = _sparse_jacobian(rhs, _sparsity(stencils, blocks, n), atol / MOL_RTOL)
    bdf = ("BDF", {"jac": jacobian})
    methods = [bdf] if parabolic else [("DOP853", {}), bdf]
    times = np.linspace(t0, t1, min(intervals, MAX_TIME_INTERVALS) + 1)
    sol, method = _integrate(rhs, (t0, t1), y0, methods, spec.time,
                             EVALUATION_LIMIT["method_of_lines"], rtol=MOL_RTOL, atol=atol,
                             t_eval=times)
    values = np.stack([full(k, sol.y[part], times) for k, d, part in blocks if d == 0], axis=-1)
    grid = _Grid([ix, it], [lo, t0], [stencils[0].h, times[1] - times[0]],
                 [stencils[0].periodic, False], values)
    return grid, {"integrator": method, "problem": regime, "grid": [n, len(times)],
                  "rhs_evaluations": int(sol.nfev)}


def _intervals(resolution: int, coarse: bool) -> int:
    """The grid's intervals: half for the error-estimate solve, and never fewer than 4."""
    return max(4, resolution // 2 if coarse else resolution)


def _scatter(mask: np.ndarray, part: np.ndarray) -> np.ndarray:
    out = np.zeros(len(mask))
    out[mask] = part
    return out


def _initial(spec: PDESpec, unknown: int, derivative: int, t: sp.Symbol, nodes: np.ndarray,
             free: np.ndarray) -> np.ndarray:
    """``d^derivative u / dt^derivative`` at the first time on the free nodes."""
    c = next(c for c in spec.parsed_conditions if c.kind == "initial"
             and c.unknown == unknown and c.derivative == derivative)
    x = spec.symbol(spec.space[0])
    return _value(c.value, {x: nodes, t: spec.variables[spec.time][0]}, nodes.shape)[free]


def _sparsity(stencils: list[_Stencil], blocks: list[tuple], n: int) -> sparse.csr_matrix:
    """Jacobian pattern: every state value couples to all within two nodes (wrapping if
    periodic), across unknowns and time orders."""
    rows, cols = [], []
    for offset in range(-2, 3):
        i = np.arange(n)
        j = (i + offset) % n if stencils[0].periodic else i + offset
        keep = (j >= 0) & (j < n)
        rows.append(i[keep])
        cols.append(j[keep])
    near = sparse.csr_matrix((np.ones(sum(map(len, rows))),
                              (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    pattern = sparse.kron(np.ones((len(blocks), len(blocks))), near).tocsr()
    index = np.concatenate([b * n + np.flatnonzero(stencils[k].free)
                            for b, (k, _, _) in enumerate(blocks)])
    return pattern[index][:, index]


def _sparse_jacobian(rhs: Callable, pattern: sparse.spmatrix, scale: float) -> Callable:
    """``jac(t, y)`` by forward differences on a known sparsity pattern.

    Columns that share no row form one group, perturbed together (greedy colouring: about
    5 groups per unknown and time order for the 5-node couplings). The step is
    ``sqrt(eps) * max(|y_j|, scale)``: SciPy's own ``jac_sparsity`` differences, whose step
    follows ``|y_j|``, lose accuracy where the solution crosses zero and then make BDF refactor
    its matrix hundreds of times (heat with neumann ends, cos(pi x): 15x slower).
    """
    pattern = sparse.csc_matrix(pattern, dtype=float)
    rows, cols = pattern.nonzero()
    groups = _colour(pattern)

    def jac(t, y):
        f0 = rhs(t, y)
        step = 1.49e-8 * np.maximum(np.abs(y), scale)
        step = (y + step) - y
        change = np.empty((groups.max() + 1, len(y)))
        for g in range(len(change)):
            change[g] = rhs(t, y + np.where(groups == g, step, 0.0)) - f0
        return sparse.csc_matrix((change[groups[cols], rows] / step[cols], (rows, cols)),
                                 shape=pattern.shape)

    return jac


def _colour(pattern: sparse.csc_matrix) -> np.ndarray:
    """A group per column such that columns of a group share no row (greedy)."""
    conflicts = (pattern.T @ pattern).tocsr()
    colours = np.full(pattern.shape[1], -1)
    for c in range(pattern.shape[1]):
        used = set(colours[conflicts.indices[conflicts.indptr[c]:conflicts.indptr[c + 1]]])
        colours[c] = next(k for k in itertools.count() if k not in used)
    return colours


# ---------------------------------------------------------------------- finite differences
def _finite_difference(plan: _Plan, resolution: int | None,
                       coarse: bool) -> tuple[Evaluator, dict]:
    """``sum_leaf c_leaf(x) * leaf + rest(x) = 0`` on a tensor grid, as one sparse system.

    A leaf ``d^|o| u / dx^o`` is the Kronecker product of the 1D stencils of each variable
    (identity for order 0); flux conditions add their sources on their faces; dirichlet rows
    are replaced by ``u = g``.
    """
    spec, ends = plan.spec, plan.ends[0]
    names = list(spec.variables)
    dim = len(names)
    intervals = _intervals(resolution or FD_RESOLUTION[dim], coarse)
    stencils = [_stencil(*spec.variables[v], intervals, ends[i]) for i, v in enumerate(names)]
    shape = tuple(len(st.nodes) for st in stencils)
    size = math.prod(shape)
    mesh = [m.ravel() for m in np.meshgrid(*[st.nodes for st in stencils], indexing="ij")]
    position = [p.ravel() for p in np.indices(shape)]
    at = dict(zip(spec.symbols, mesh))

    def faces(i: int, kind: str):
        """(side, mask, g on the face) of the conditions of ``kind`` on variable i."""
        for side, end in enumerate(stencils[i].ends):
            if end.kind == kind:
                mask = position[i] == (0 if side == 0 else shape[i] - 1)
                face = {s: m[mask] for s, m in at.items()}
                yield side, mask, _value(end.value, face, (int(mask.sum()),))

    matrix = sparse.csr_matrix((size, size))
    rhs = -np.array(_value(plan.rest, at, (size,)))
    for leaf, coefficient in plan.coefficients.items():
        c = _value(coefficient, at, (size,))
        factors = [{0: sparse.identity(len(st.nodes)), 1: st.d1, 2: st.d2}[o]
                   for st, o in zip(stencils, leaf.orders)]
        operator = factors[0]
        for f in factors[1:]:
            operator = sparse.kron(operator, f)
        matrix = matrix + sparse.diags(c) @ operator
        if sum(o > 0 for o in leaf.orders) == 1:
            i = next(i for i, o in enumerate(leaf.orders) if o)
            weights = stencils[i].w1 if leaf.orders[i] == 1 else stencils[i].w2
            for side, mask, g in faces(i, "flux"):
                rhs[mask] -= c[mask] * weights[side] * g
    fixed = np.zeros(size, dtype=bool)
    for i in range(dim):
        for _, mask, g in faces(i, "dirichlet"):
            fixed |= mask
            rhs[mask] = g
    # dirichlet values are known: move them to the right-hand side, solve for the rest
    free = ~fixed
    matrix = matrix.tocsr()
    u = np.where(fixed, rhs, 0.0)
    rhs = rhs[free] - matrix[free][:, fixed] @ u[fixed]
    with np.errstate(all="ignore"):
        u[free] = spsolve(matrix[free][:, free].tocsc(), rhs, permc_spec=_PERMUTATION)
    if not np.all(np.isfinite(u)):
        raise SolverFailed("the finite-difference system is singular or the solution is not "
                           "finite (an eigenvalue of the operator, or a singular coefficient?)")
    grid = _Grid(list(range(dim)), [st.nodes[0] for st in stencils], [st.h for st in stencils],
                 [st.periodic for st in stencils], u.reshape(shape)[..., None])
    return grid, {"grid": list(shape), "unknowns": size}


_SOLVERS = {"ivp": _ivp, "method_of_lines": _method_of_lines,
            "finite_difference": _finite_difference}
