"""Evaluate parsed SymPy expressions numerically, on NumPy arrays or PyTorch tensors.

A small tree walker instead of ``lambdify``: no generated source is executed, and the same
walk serves NumPy (classical solvers, exact solutions) and PyTorch (PINN residuals, where
derivatives of the unknowns come from automatic differentiation).

>>> import numpy as np, sympy as sp
>>> x, t = sp.symbols("x t", real=True)
>>> f = numpy_function(sp.exp(-t) * sp.sin(sp.pi * x), [x, t])
>>> float(f(np.array([[0.5, 0.0]]))[0])
1.0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import sympy as sp

from .errors import SpecError

_NAMES = ("sin cos tan sinh cosh tanh arcsin arccos arctan arcsinh arccosh arctanh exp log "
          "sqrt abs sign").split()
_SYMPY_TO_NAME = {
    sp.sin: "sin", sp.cos: "cos", sp.tan: "tan", sp.sinh: "sinh", sp.cosh: "cosh",
    sp.tanh: "tanh", sp.asin: "arcsin", sp.acos: "arccos", sp.atan: "arctan",
    sp.asinh: "arcsinh", sp.acosh: "arccosh", sp.atanh: "arctanh", sp.exp: "exp",
    sp.log: "log", sp.Abs: "abs", sp.sign: "sign",
}


def _torch_namespace():
    import torch
    names = {n: getattr(torch, {"abs": "abs"}.get(n, n)) for n in _NAMES}
    names["arcsin"], names["arccos"], names["arctan"] = torch.asin, torch.acos, torch.atan
    names["arcsinh"], names["arccosh"], names["arctanh"] = torch.asinh, torch.acosh, torch.atanh
    names["heaviside"] = lambda v: (v > 0).to(v.dtype) + 0.5 * (v == 0).to(v.dtype)
    names["erf"] = torch.erf
    names["lambertw"] = _torch_lambertw
    return SimpleNamespace(**names)


def _torch_lambertw(z):
    """Principal branch of Lambert W for real z >= -1/e, by Halley's iteration.

    PyTorch has no Lambert W; a residual only needs its values (a potential V(r*) of the
    tortoise coordinate), so a few Halley steps from a good start are enough.
    """
    import torch
    w = torch.where(z < 1, torch.log1p(z.clamp(min=-0.36)), torch.log(z.clamp(min=1)))
    w = torch.where(z > 3, w - torch.log(w.clamp(min=1e-300)), w)
    for _ in range(30):
        ew = torch.exp(w)
        f = w * ew - z
        w = w - f / (ew * (w + 1) - (w + 2) * f / (2 * w + 2))
    return w


def _numpy_namespace():
    from scipy.special import erf, lambertw
    names = {n: getattr(np, n) for n in _NAMES}
    names["heaviside"] = lambda v: np.heaviside(v, 0.5)
    names["erf"] = erf
    names["lambertw"] = lambda v: lambertw(v).real
    return SimpleNamespace(**names)


NUMPY = _numpy_namespace()


def evaluate(expr: sp.Expr, leaves: Mapping[sp.Basic, Any], ns: SimpleNamespace) -> Any:
    """Value of ``expr`` given values of its leaves (symbols, unknowns, derivatives)."""
    cache: dict[sp.Basic, Any] = {}

    def walk(e: sp.Basic) -> Any:
        if e in leaves:
            return leaves[e]
        if e in cache:
            return cache[e]
        if e.is_Number or e.is_NumberSymbol:
            value = _real(e)
        elif e.is_Add:
            value = _fold(walk, e.args, lambda a, b: a + b)
        elif e.is_Mul:
            value = _fold(walk, e.args, lambda a, b: a * b)
        elif e.is_Pow:
            base, exp = e.args
            if exp.is_Number and isinstance(walk(base), float):
                value = float(np.power(walk(base), float(exp)))   # sqrt(2): stays a float
            elif exp == _HALF:
                value = ns.sqrt(walk(base))
            elif exp.is_Integer:
                value = walk(base) ** int(exp)
            elif exp.is_Number:
                value = walk(base) ** float(exp)
            elif base == sp.E:
                value = ns.exp(walk(exp))
            else:
                value = walk(base) ** walk(exp)
        elif e.func in _SYMPY_TO_NAME:
            if e.func is sp.log and len(e.args) == 2:
                value = ns.log(walk(e.args[0])) / ns.log(walk(e.args[1]))
            elif isinstance(walk(e.args[0]), float):   # exp(2): torch functions need tensors
                value = float(getattr(NUMPY, _SYMPY_TO_NAME[e.func])(walk(e.args[0])))
            else:
                value = getattr(ns, _SYMPY_TO_NAME[e.func])(walk(e.args[0]))
        elif e.func is sp.Heaviside:
            value = ns.heaviside(walk(e.args[0]))
        elif e.func is sp.erf:
            value = ns.erf(walk(e.args[0]))
        elif e.func is sp.LambertW and len(e.args) == 1:
            value = ns.lambertw(walk(e.args[0]))
        elif isinstance(e, (sp.sec, sp.csc, sp.cot, sp.sech, sp.csch, sp.coth)):
            value = walk(e.rewrite(sp.cos if isinstance(e, (sp.sec, sp.csc, sp.cot))
                                   else sp.exp))
        else:
            raise SpecError(f"cannot evaluate {e} numerically (no value for {type(e).__name__})")
        cache[e] = value
        return value

    return walk(sp.sympify(expr))


_HALF = sp.Rational(1, 2)


def _real(e: sp.Expr) -> float:
    value = complex(e)
    if value.imag:
        raise SpecError(f"complex constant {e} is not supported numerically")
    return value.real


def _fold(walk: Callable, args: Sequence[sp.Basic], op: Callable) -> Any:
    value = walk(args[0])
    for a in args[1:]:
        value = op(value, walk(a))
    return value


def numpy_function(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> Callable[[np.ndarray],
                                                                              np.ndarray]:
    """``f(points)`` for an ``(n, d)`` array whose columns are ``variables``."""
    def f(points: np.ndarray) -> np.ndarray:
        points = np.atleast_2d(np.asarray(points, dtype=float))
        leaves = {v: points[:, i] for i, v in enumerate(variables)}
        value = evaluate(expr, leaves, NUMPY)
        return np.broadcast_to(np.asarray(value, dtype=float), (len(points),)).copy()
    return f


def torch_namespace() -> SimpleNamespace:
    """The PyTorch functions the walker uses (imported only when asked for)."""
    global _TORCH
    if _TORCH is None:
        _TORCH = _torch_namespace()
    return _TORCH


_TORCH: SimpleNamespace | None = None
