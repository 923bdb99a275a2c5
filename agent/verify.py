"""Verification: every tool result is checked independently before it is shown as verified.

* GR scalars (Ricci scalar, Kretschmann) and vacuum claims are recomputed at random points
  by a separate, purely numeric path: the metric's first and second derivatives are
  evaluated at the point, and Christoffel symbols, their derivatives, Riemann, Ricci and the
  invariants follow in floating point (no use of the exact engine).
* Calculus results are substituted back or compared numerically at random points (a
  derivative against a finite difference, an integral by differentiating it, a solution
  by substituting it, a simplification against its input).
* A PDE solution passes when its error estimate against an independent truth (exact or
  classical) is small enough and the residual was measured.

A check that cannot be made is reported as not run; it never counts as passed.

>>> check_step("differentiate", {"expression": "sin(x)^2", "variable": "x"},
...            {"ok": True, "value": "2*sin(x)*cos(x)"})[0].passed
True
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import sympy as sp
from pydantic import BaseModel
from sympy.core.function import AppliedUndef

from tools import calculus
from tools.mathparse import parse_expr

PDE_TOLERANCE = 1e-2          # an error estimate above this is not a verified solution


class Check(BaseModel):
    name: str
    passed: bool
    detail: str = ""
    step: str = ""                # the id of the plan step it checked


def check_step(tool: str, args: dict, result: dict) -> list[Check]:
    """The checks of one successful step (empty when the tool has none)."""
    if not result.get("ok"):
        return [Check(name=f"{tool} ran", passed=False, detail=result.get("error") or "")]
    checker = _CHECKERS.get(tool)
    if checker is None:
        return []
    try:
        return checker(args, result)
    except Exception as err:                     # noqa: BLE001 - a check that cannot run
        return [Check(name=f"{tool} check", passed=False,
                      detail=f"the check could not run: {type(err).__name__}: {err}")]


# ---------------------------------------------------------------------- helpers
def _points(exprs: list[sp.Expr], n: int = 3, seed: int = 7) -> list[dict]:
    """Random values in (0.5, 2.5) for every free symbol (positive: safe for sqrt and logs)."""
    free = sorted(set().union(*(e.free_symbols for e in exprs)), key=str)
    rng = random.Random(seed)
    return [{s: sp.Float(rng.uniform(0.5, 2.5)) for s in free} for _ in range(n)]


def _close(a: sp.Expr, b: sp.Expr, point: dict, tol: float = 1e-8) -> bool:
    x, y = complex(sp.N(a.subs(point), 30)), complex(sp.N(b.subs(point), 30))
    return abs(x - y) <= tol * max(1.0, abs(x), abs(y))


# ---------------------------------------------------------------------- calculus
# The tools' own argument models parse the inputs (the parsing is not what is checked).
def _differentiate(args: dict, result: dict) -> list[Check]:
    a = calculus.Differentiate.Args.model_validate(args)
    f, x, claimed = a.parse(a.expression), a.symbol(a.variable), a.parse(result["value"])
    order, ok = a.order, True
    for point in _points([f, claimed]):
        h = 1e-3
        at = lambda dx: complex(sp.N(f.subs({**point, x: point.get(x, 1) + dx}), 30))
        stencil = {1: [(-1, -0.5), (1, 0.5)], 2: [(-1, 1), (0, -2), (1, 1)]}.get(order)
        if stencil is None:
            return [Check(name="derivative matches a finite difference", passed=False,
                          detail=f"no finite-difference check for order {order}")]
        estimate = sum(c * at(k * h) for k, c in stencil) / h**order
        exact = complex(sp.N(claimed.subs(point), 30))
        ok &= abs(estimate - exact) <= 1e-4 * max(1.0, abs(exact))
    return [Check(name="derivative matches a finite difference", passed=bool(ok))]


def _solve(args: dict, result: dict) -> list[Check]:
    a = calculus.Solve.Args.model_validate(args)
    variables = [a.symbol(v) for v in a.variables]
    equations = [a.parse_equation(e) for e in a.equations]
    rows = result["value"]
    if not rows:
        return [Check(name="solutions satisfy the equations", passed=False,
                      detail="no solution was found")]
    if len(variables) == 1:
        rows = [{str(variables[0]): v} for v in rows]
    ok, checked = True, 0
    for row in rows:
        subs = {v: a.parse(row[str(v)]) for v in variables}
        for eq in equations:
            residual = eq.subs(subs)
            for point in _points([residual]):
                value = abs(complex(sp.N(residual.subs(point), 30)))
                if math.isfinite(value):          # a pole of the solution is skipped
                    ok &= value < 1e-8
                    checked += 1
    return [Check(name="solutions satisfy the equations", passed=bool(ok and checked),
                  detail=f"{len(rows)} solution(s) substituted back at {checked} points")]


def _same_function(name: str, a: sp.Expr, b: sp.Expr) -> list[Check]:
    ok = all(_close(a, b, p) for p in _points([a, b]))
    return [Check(name=name, passed=ok)]


def _simplify(args: dict, result: dict) -> list[Check]:
    a = calculus.Simplify.Args.model_validate(args)
    return _same_function("equal to the input at random points", a.parse(a.expression),
                          a.parse(result["value"]))


def _integrate(args: dict, result: dict) -> list[Check]:
    a = calculus.Integrate.Args.model_validate(args)
    f, x, claimed = a.parse(a.expression), a.symbol(a.variable), a.parse(result["value"])
    if a.lower is None:
        return _same_function("its derivative is the integrand", sp.diff(claimed, x), f)
    import mpmath
    lo, hi = a.parse(a.lower), a.parse(a.upper)
    ok = True
    for point in _points([f, lo, hi, claimed]):
        g = f.subs({k: v for k, v in point.items() if k != x})
        numeric = mpmath.quad(lambda t: complex(sp.N(g.subs(x, t), 20)),
                              [complex(sp.N(lo.subs(point))).real,
                               complex(sp.N(hi.subs(point))).real])
        exact = complex(sp.N(claimed.subs(point), 30))
        ok &= abs(complex(numeric) - exact) <= 1e-6 * max(1.0, abs(exact))
    return [Check(name="matches numerical quadrature", passed=bool(ok))]


def _limit(args: dict, result: dict) -> list[Check]:
    """The expression evaluated (in 40 digits) ever closer to the point approaches the claim."""
    a = calculus.Limit.Args.model_validate(args)
    f, x, x0, claimed = (a.parse(a.expression), a.symbol(a.variable), a.parse(a.point),
                         a.parse(result["value"]))
    name = "the expression approaches the limit numerically"
    if claimed.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return [Check(name=name, passed=False, detail="an infinite limit is not checked")]
    sides = {"+": [1], "-": [-1], "+-": [1, -1]}[a.direction]
    ok = True
    for point in _points([f, x0, claimed]):
        rest = {k: v for k, v in point.items() if k != x}
        target = complex(sp.N(claimed.subs(rest), 40))
        for side in sides:
            if x0 in (sp.oo, -sp.oo):
                near = [sp.Float(side * sp.sign(x0) * 10**k, 40) for k in (6, 8)]
            else:
                base = x0.subs(rest)
                near = [base + side * sp.Float(10**-k, 40) for k in (6, 8)]
            errors = [abs(complex(sp.N(f.subs({**rest, x: t}), 40)) - target) for t in near]
            ok &= errors[-1] <= 1e-5 * max(1.0, abs(target))
    return [Check(name=name, passed=bool(ok))]


def _series(args: dict, result: dict) -> list[Check]:
    """The remainder shrinks like h^order: from h = 1e-2 to 1e-3 it drops by 10^(order-1/2)
    or more (an expansion wrong in any kept term would not)."""
    a = calculus.Series.Args.model_validate(args)
    f, x, x0, claimed = (a.parse(a.expression), a.symbol(a.variable), a.parse(a.point),
                         a.parse(result["value"]))
    name = f"the remainder vanishes like (x - x0)^{a.order}"
    if x0.has(sp.oo, -sp.oo, sp.zoo):
        return [Check(name=name, passed=False, detail="a series at infinity is not checked")]
    ok = True
    for point in _points([f, x0, claimed]):
        rest = {k: v for k, v in point.items() if k != x}
        base = x0.subs(rest)
        remainder = [abs(complex(sp.N((f - claimed).subs({**rest, x: base + sp.Float(h, 60)}),
                                      60))) for h in ("1e-2", "1e-3")]
        if remainder[0] < 1e-40:
            continue                               # exact (a polynomial of low degree)
        ok &= remainder[1] / remainder[0] <= 10 ** -(a.order - 0.5)
    return [Check(name=name, passed=bool(ok))]


def _dsolve(args: dict, result: dict) -> list[Check]:
    from tools.pde.equations import Context
    context = Context([args["function"]], [args["variable"]], {})
    f, x = context.unknowns[0], context.variables[0]
    equation = context.equation(args["equation"])
    ok = True
    for text in result["value"]:
        solution = parse_expr(text, symbols={str(x): x})
        residual = sp.simplify(equation.subs(f, solution).doit())
        ok &= residual == 0 or all(abs(complex(sp.N(residual.subs(p)))) < 1e-8
                                   for p in _points([residual]))
    return [Check(name="the solution satisfies the ODE", passed=bool(ok))]


# ---------------------------------------------------------------------- GR
def numeric_curvature(metric, point: dict) -> dict[str, Any]:
    """Christoffel symbols, Riemann, Ricci, Einstein and (from 4 dimensions) Weyl tensors and
    their invariants at ``point`` by floating point, from the metric's first and second
    derivatives there (independent of the exact engine)."""
    x = list(metric.coords)
    n = len(x)
    g_sym = metric.components
    value = lambda e: float(sp.N(e.subs(point), 30))     # noqa: E731
    g = np.array([[value(g_sym[a, b]) for b in range(n)] for a in range(n)])
    dg = np.zeros((n, n, n))           # dg[c, a, b] = d_c g_ab
    d2g = np.zeros((n, n, n, n))       # d2g[c, d, a, b] = d_c d_d g_ab
    for a in range(n):
        for b in range(a, n):
            for c in range(n):
                first = sp.diff(g_sym[a, b], x[c])
                dg[c, a, b] = dg[c, b, a] = value(first)
                for d in range(c, n):
                    second = value(sp.diff(first, x[d]))
                    for (i, j) in ((c, d), (d, c)):
                        d2g[i, j, a, b] = d2g[i, j, b, a] = second
    gi = np.linalg.inv(g)
    dgi = -np.einsum("am,cmn,nd->cad", gi, dg, gi)     # d_c g^{ad}
    # Gamma^a_{bc} = 1/2 g^{ad} (d_b g_dc + d_c g_db - d_d g_bc)
    lower = 0.5 * (np.einsum("bdc->dbc", dg) + np.einsum("cdb->dbc", dg) - dg)   # [d, b, c]
    gamma = np.einsum("ad,dbc->abc", gi, lower)
    dlower = 0.5 * (np.einsum("ebdc->edbc", d2g) + np.einsum("ecdb->edbc", d2g)
                    - np.einsum("edbc->edbc", d2g))                               # [e, d, b, c]
    dgamma = np.einsum("ead,dbc->eabc", dgi, lower) + np.einsum("ad,edbc->eabc", gi, dlower)
    # R^a_{bcd} = d_c Gamma^a_{db} - d_d Gamma^a_{cb} + Gamma^a_{ce} Gamma^e_{db} - ...
    riemann = (np.einsum("cadb->abcd", dgamma) - np.einsum("dacb->abcd", dgamma)
               + np.einsum("ace,edb->abcd", gamma, gamma)
               - np.einsum("ade,ecb->abcd", gamma, gamma))
    ricci = np.einsum("abad->bd", riemann)
    scalar = float(np.einsum("bd,bd->", gi, ricci))
    r_lower = np.einsum("ae,ebcd->abcd", g, riemann)
    r_upper = np.einsum("ae,bf,cg,dh,efgh->abcd", gi, gi, gi, gi, r_lower)
    ricci_up = np.einsum("ac,bd,cd->ab", gi, gi, ricci)
    out = {"g": g, "christoffel": gamma, "riemann": riemann, "ricci": ricci,
           "ricci_scalar": scalar, "einstein": ricci - 0.5 * scalar * g,
           "weyl": np.zeros((n, n, n, n)),                      # C_abcd: none below 4 dimensions
           "kretschmann": float(np.einsum("abcd,abcd->", r_lower, r_upper)),
           "ricci_squared": float(np.einsum("ab,ab->", ricci, ricci_up)),
           # the sizes of the terms of the invariants: a claim is compared relative to them
           "sizes": {"ricci_scalar": float(np.einsum("bd,bd->", np.abs(gi), np.abs(ricci))),
                     "quadratic": float(np.einsum("abcd,abcd->", np.abs(r_lower),
                                                  np.abs(r_upper)))}}
    out["stress_energy"] = out["einstein"] / (8 * np.pi)                   # T = G/(8 pi)
    # a tensor that should vanish, beside the sum of the sizes of its terms: it vanishes when
    # every component is round-off next to its own terms, whatever the coordinates' scales
    ad, ag, agi, ig = np.abs(dgamma), np.abs(gamma), np.abs(gi), np.eye(n)
    riemann_terms = (np.einsum("cadb->abcd", ad) + np.einsum("dacb->abcd", ad)
                     + np.einsum("ace,edb->abcd", ag, ag) + np.einsum("ade,ecb->abcd", ag, ag))
    ricci_terms = np.einsum("abad->bd", riemann_terms)
    scalar_terms = float(np.einsum("bd,bd->", agi, ricci_terms))
    mixed, mixed_terms = np.einsum("ac,cb->ab", gi, ricci), np.einsum("ac,cb->ab", agi,
                                                                        ricci_terms)
    out["vanishing"] = {"riemann": (riemann, riemann_terms),
                        "einstein_space": (mixed - scalar / n * ig,
                                           mixed_terms + scalar_terms / n * ig)}
    if n >= 4:                                           # the Weyl tensor
        gr = (np.einsum("ac,bd->abcd", g, ricci) - np.einsum("ad,bc->abcd", g, ricci)
              - np.einsum("bc,ad->abcd", g, ricci) + np.einsum("bd,ac->abcd", g, ricci))
        gg = np.einsum("ac,bd->abcd", g, g) - np.einsum("ad,bc->abcd", g, g)
        weyl = r_lower - gr / (n - 2) + scalar * gg / ((n - 1) * (n - 2))
        out["weyl"] = weyl
        out["weyl_squared"] = float(np.einsum("abcd,abcd->", weyl, np.einsum(
            "ae,bf,cg,dh,efgh->abcd", gi, gi, gi, gi, weyl)))
        ag_ = np.abs(g)
        out["vanishing"]["weyl"] = (
            np.einsum("ae,ebcd->abcd", gi, weyl),        # C^a_bcd
            riemann_terms + (np.einsum("ac,bd->abcd", ig, ricci_terms)
                             + np.einsum("ad,bc->abcd", ig, ricci_terms)
                             + np.einsum("bc,ad->abcd", ag_, mixed_terms)
                             + np.einsum("bd,ac->abcd", ag_, mixed_terms)) / (n - 2)
            + scalar_terms * (np.einsum("ac,bd->abcd", ig, ag_)
                              + np.einsum("ad,bc->abcd", ig, ag_)) / ((n - 1) * (n - 2)))
    return {**out,
            # the size of the terms curvature is built from: round-off is relative to it
            # (a flat metric in curved coordinates has R = 0 out of terms of size 1/r^2)
            "scale": float(np.max(np.abs(dgamma)) + np.max(np.abs(gamma)) ** 2 + 1e-300)}


# invariants: the power of the numeric scale their round-off grows with
SCALARS = {"ricci_scalar": 1, "kretschmann": 2, "ricci_squared": 2, "weyl_squared": 2}
# yes/no claims: the numeric tensor that vanishes exactly when the claim holds, the check
CLAIMS = {"ricci_flat": ("ricci", "vacuum claim agrees with a numeric Ricci tensor"),
          "flat": ("riemann", "flat claim agrees with a numeric Riemann tensor"),
          "conformally_flat": ("weyl", "conformally flat claim agrees with a numeric Weyl "
                                       "tensor"),
          "einstein_space": ("einstein_space", "Einstein space claim agrees with a numeric "
                                               "trace-free Ricci tensor")}


def _curvature(args: dict, result: dict) -> list[Check]:
    from tools.gr.tool import Curvature
    a = Curvature.Args.model_validate(args)
    quantity = a.quantity
    if quantity in TENSORS:
        return _curvature_tensor(a, result)
    if quantity not in SCALARS and quantity not in CLAIMS:
        return []
    metric = a.resolve()
    if (quantity in ("weyl_squared", "conformally_flat") and len(metric.coords) < 4
            or quantity == "einstein_space" and len(metric.coords) < 3):
        return []      # below 4 dimensions the Weyl tensor vanishes (the Cotton tensor decides);
        # in 2 every metric has R_ab = (R/2) g_ab, an Einstein space only if R is constant
    names = {str(s): s for s in metric.components.free_symbols}
    claimed = None if quantity in CLAIMS else parse_expr(result["value"], symbols=names)
    # a free function (a(t), m(v), ...) becomes a concrete smooth one in both: the claim
    # must hold for every function, so it must hold for this one
    functions = {f.func.__name__ for f in metric.components.atoms(AppliedUndef)}
    if functions:
        metric = type(metric)(_concrete(metric.components), metric.coords)
        claimed = None if claimed is None else _concrete(claimed, functions)
    tensor, name = CLAIMS.get(quantity, (None, f"{quantity} agrees with an independent "
                                               f"numeric computation"))
    worst, used = 0.0, 0
    for point, numeric in _regular_points(metric, seed=11,
                                          finite=("riemann",) if tensor else (quantity,)):
        used += 1
        if tensor == "ricci":
            vanishes = np.max(np.abs(numeric["ricci"])) <= 1e-8 * numeric["scale"]
        elif tensor:
            value, terms = numeric["vanishing"][tensor]
            vanishes = bool(np.all(np.abs(value) <= 1e-9 * terms + 1e-300))
        if tensor:
            if vanishes != bool(result["value"]):
                return [Check(name=name, passed=False, detail=f"numeric {tensor} at {point}")]
            continue
        exact = float(sp.N(claimed.subs(point), 30))
        power = SCALARS[quantity]
        size = max(abs(exact), abs(numeric[quantity]),
                   numeric["sizes"]["ricci_scalar" if power == 1 else "quadratic"])
        # round-off grows with the scale of the terms (a flat metric in curved coordinates
        # has R = 0 out of terms of size 1/r^2): 1e-4 of 1e-8 of it is allowed as well
        error = abs(exact - numeric[quantity])
        worst = max(worst, error / (size + 1e-4 * numeric["scale"] ** power) if error else 0.0)
    if used == 0:
        return [Check(name=name, passed=False, detail="no regular point found to check at")]
    return [Check(name=name, passed=worst < 1e-8, detail="at 2 random points" if tensor
                  else f"relative difference {worst:.1e}")]


def _regular_points(metric, seed: int, finite: tuple[str, ...], wanted: int = 2,
                    tries: int = 8):
    """(point, numeric_curvature there) at up to ``wanted`` random points where the numeric
    computation works and the ``finite`` entries are finite: a horizon or pole is skipped."""
    rng = random.Random(seed)
    found = 0
    for _ in range(tries):
        if found == wanted:
            return
        point = {s: sp.Float(rng.uniform(0.3, 0.6) if str(s) in ("theta", "a") else
                             rng.uniform(3.0, 5.0)) for s in metric.components.free_symbols}
        try:
            numeric = numeric_curvature(metric, point)
        except (TypeError, ZeroDivisionError, np.linalg.LinAlgError):
            continue
        if all(np.all(np.isfinite(numeric[key])) for key in finite):
            found += 1
            yield point, numeric


TENSORS = {"christoffel": 3, "riemann": 4, "ricci": 2, "einstein": 2,     # quantity: indices
           "stress_energy": 2, "weyl": 4}


def _curvature_tensor(a, result: dict) -> list[Check]:
    """Every component of a claimed Christoffel, Riemann, Ricci, Einstein, stress-energy or
    Weyl tensor (those not listed are zero) against the numeric computation at two random
    regular points."""
    metric = a.resolve()
    coords = [str(c) for c in metric.coords]
    names = {str(s): s for s in metric.components.free_symbols | set(metric.coords)}
    functions = {f.func.__name__ for f in metric.components.atoms(AppliedUndef)}

    def read(key: str, text: str) -> tuple[tuple[int, ...], sp.Expr]:
        """The index of component ``key`` ('r,t,t') and its value, functions made concrete."""
        expr = parse_expr(text, symbols=names, functions=functions)
        return (tuple(coords.index(k) for k in key.split(",")),
                _concrete(expr, functions) if functions else expr)

    data = result.get("data") or {}
    claimed = dict(read(k, v) for k, v in (data.get("components", result["value"]) or {}).items())
    key = data.get("component")               # one component asked for: it is the answer
    answer = read(key, result["value"]) if key is not None else None
    if functions:
        metric = type(metric)(_concrete(metric.components), metric.coords)
    n = len(coords)
    name = f"every {a.quantity} component agrees with an independent numeric computation"
    worst, worst_answer, used = 0.0, 0.0, 0
    for point, everything in _regular_points(metric, seed=13, finite=(a.quantity,)):
        numeric = everything[a.quantity]
        scale = (float(np.max(np.abs(everything["christoffel"]))) if a.quantity == "christoffel"
                 else everything["scale"])
        exact = np.zeros([n] * TENSORS[a.quantity])
        for index, expr in claimed.items():
            value = float(sp.N(expr.subs(point), 30))
            exact[index] = value       # symmetric in the last two; Riemann, Weyl antisymmetric
            exact[index[:-2] + index[:-3:-1]] = -value if len(index) == 4 else value
        used += 1
        scale = max(scale, float(np.max(np.abs(numeric))), 1e-300)
        worst = max(worst, float(np.max(np.abs(exact - numeric))) / scale)
        if answer is not None:
            value = float(sp.N(answer[1].subs(point), 30))
            worst_answer = max(worst_answer, abs(value - numeric[answer[0]]) / scale)
    if used == 0:
        return [Check(name=name, passed=False, detail="no regular point found to check at")]
    checks = [Check(name=name, passed=worst < 1e-8,
                    detail=f"{len(claimed)} nonzero components, relative difference {worst:.1e}")]
    if answer is not None:
        checks.append(Check(name=f"component {key} agrees with the numeric tensor",
                            passed=worst_answer < 1e-8,
                            detail=f"relative difference {worst_answer:.1e}"))
    return checks


def _concrete(expr, names: set[str] | None = None):
    """``expr`` with each undefined function f(x, ...) replaced by 1.3 + 0.2 sin(0.7 x + ...)
    (positive and non-constant), derivatives then carried out."""
    def smooth(f):
        if names is not None and f.func.__name__ not in names:
            return f
        phase = sum((sp.Rational(7 + 2 * i, 10) * a for i, a in enumerate(f.args)), sp.S(0))
        return sp.Rational(13, 10) + sp.Rational(1, 5) * sp.sin(phase)
    out = expr.replace(lambda e: isinstance(e, AppliedUndef), smooth)
    return out.doit() if hasattr(out, "doit") else out


# ---------------------------------------------------------------------- PDE
def _solve_pde(args: dict, result: dict) -> list[Check]:
    value = result["value"]
    estimate, basis = value.get("error_estimate"), value.get("error_basis") or "none"
    checks = [Check(name="error estimate against an independent solution",
                    passed=estimate is not None and estimate <= PDE_TOLERANCE,
                    detail=f"{estimate:.2e} against the {basis}" if estimate is not None
                    else "no independent solution to compare with")]
    residual = value.get("metrics", {}).get("residual_rms")
    if residual is not None:
        checks.append(Check(name="residual on fresh collocation points",
                            passed=math.isfinite(residual), detail=f"rms {residual:.2e}"))
    return checks


_CHECKERS = {"differentiate": _differentiate, "solve": _solve, "simplify": _simplify,
             "integrate": _integrate, "dsolve": _dsolve, "limit": _limit, "series": _series,
             "curvature": _curvature,
             "solve_pde": _solve_pde}
