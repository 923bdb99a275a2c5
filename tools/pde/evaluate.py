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

from collections.abc import Callable, Iterable, Mapping, Sequence
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
    return Program([expr], leaves, ns)(leaves)[0]


class Program:
    """Expressions compiled once into straight-line steps over ``ns``, then run many times.

    Built from the SymPy trees (shared subexpressions computed once, constant subexpressions
    folded to floats), so a PINN's residual, evaluated thousands of times, walks no SymPy
    objects while it trains.

    >>> x = sp.Symbol("x")
    >>> program = Program([sp.sin(x)**2 + sp.sqrt(2), sp.exp(-x)], [x], NUMPY)
    >>> [round(float(v), 6) for v in program({x: 0.0})]
    [1.414214, 1.0]
    """

    def __init__(self, exprs: Sequence[sp.Expr], leaves: Iterable[sp.Basic],
                 ns: SimpleNamespace) -> None:
        self._ns, self._leafset = ns, set(leaves)
        self._slots: dict[sp.Basic, int] = {}
        self._template: list[Any] = []
        self._constant: list[bool] = []
        self._leaves: list[tuple[sp.Basic, int]] = []
        self._steps: list[tuple[int, Callable, tuple[int, ...]]] = []
        self._outputs = [self._node(sp.sympify(e)) for e in exprs]

    def __call__(self, leaves: Mapping[sp.Basic, Any]) -> list[Any]:
        values = self._template.copy()
        for leaf, slot in self._leaves:
            values[slot] = leaves[leaf]
        for slot, fn, args in self._steps:
            values[slot] = fn(*[values[a] for a in args])
        return [values[s] for s in self._outputs]

    # ------------------------------------------------------------------ compiling
    def _new(self, value: Any = None, constant: bool = False) -> int:
        self._template.append(value)
        self._constant.append(constant)
        return len(self._template) - 1

    def _apply(self, make: Callable[[SimpleNamespace], Callable], args: list[int]) -> int:
        """A step ``make(ns)(*args)``; folded to a float now when every argument is one."""
        if all(self._constant[a] for a in args):
            value = make(NUMPY)(*[self._template[a] for a in args])
            return self._new(_real(complex(value)), constant=True)
        slot = self._new()
        self._steps.append((slot, make(self._ns), tuple(args)))
        return slot

    def _node(self, e: sp.Basic) -> int:
        if e in self._slots:
            return self._slots[e]
        if e in self._leafset:
            slot = self._new()
            self._leaves.append((e, slot))
        elif e.is_Number or e.is_NumberSymbol:
            slot = self._new(_real(e), constant=True)
        elif e.is_Add:
            slot = self._apply(lambda ns: _sum, [self._node(a) for a in e.args])
        elif e.is_Mul:
            slot = self._apply(lambda ns: _product, [self._node(a) for a in e.args])
        elif e.is_Pow:
            slot = self._power(*e.args)
        elif e.func in _SYMPY_TO_NAME and not (e.func is sp.log and len(e.args) == 2):
            name = _SYMPY_TO_NAME[e.func]
            slot = self._apply(lambda ns: _scalar_safe(getattr(ns, name), name),
                               [self._node(e.args[0])])
        elif e.func is sp.log:
            slot = self._apply(lambda ns: lambda a, b: ns.log(a) / ns.log(b),
                               [self._node(a) for a in e.args])
        elif e.func is sp.Heaviside:
            slot = self._apply(lambda ns: ns.heaviside, [self._node(e.args[0])])
        elif e.func is sp.erf:
            slot = self._apply(lambda ns: ns.erf, [self._node(e.args[0])])
        elif e.func is sp.LambertW and len(e.args) == 1:
            slot = self._apply(lambda ns: ns.lambertw, [self._node(e.args[0])])
        elif isinstance(e, (sp.sec, sp.csc, sp.cot, sp.sech, sp.csch, sp.coth)):
            slot = self._node(e.rewrite(sp.cos if isinstance(e, (sp.sec, sp.csc, sp.cot))
                                        else sp.exp))
        else:
            raise SpecError(f"cannot evaluate {e} numerically (no value for {type(e).__name__})")
        self._slots[e] = slot
        return slot

    def _power(self, base: sp.Expr, exp: sp.Expr) -> int:
        if exp == _HALF:
            return self._apply(lambda ns: _scalar_safe(ns.sqrt, "sqrt"), [self._node(base)])
        if exp.is_Integer:
            n = int(exp)
            return self._apply(lambda ns: lambda b: b**n, [self._node(base)])
        if exp.is_Number:
            p = float(exp)
            return self._apply(lambda ns: lambda b: b**p, [self._node(base)])
        if base == sp.E:
            return self._apply(lambda ns: _scalar_safe(ns.exp, "exp"), [self._node(exp)])
        return self._apply(lambda ns: lambda b, p: b**p, [self._node(base), self._node(exp)])


_HALF = sp.Rational(1, 2)


def _sum(*args: Any) -> Any:
    value = args[0]
    for a in args[1:]:
        value = value + a
    return value


def _product(*args: Any) -> Any:
    value = args[0]
    for a in args[1:]:
        value = value * a
    return value


def _scalar_safe(fn: Callable, name: str) -> Callable:
    """``fn`` for arrays and tensors, NumPy's for a plain float (torch wants tensors)."""
    scalar = getattr(NUMPY, name)
    return lambda v: float(scalar(v)) if isinstance(v, float) else fn(v)


def _real(e: sp.Expr | complex) -> float:
    value = complex(e)
    if value.imag:
        raise SpecError(f"complex constant {e} is not supported numerically")
    return value.real


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
