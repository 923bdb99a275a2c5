"""PDE text to SymPy: derivative notations on top of the safe parser.

An unknown ``u`` of the variables ``x, t`` is the applied function ``u(x, t)``. Derivatives may
be written as subscripts (``u_t``, ``u_xx``, ``u_xy``), as primes when there is one variable
(``u''``, ``y'(t)``), in Leibniz notation (``dy/dt``, ``d^2y/dt^2``, ``\\frac{dy}{dt}``,
``∂u/∂t``, ``\\partial^2 u/\\partial x^2``) or as ``Derivative(u, x, 2)`` /
``diff(u, x, 2)``. Parameters are
numbers or expressions substituted before anything else; a parameter may be a function of
the variables, written ``f(x, y)`` in an equation.

>>> import sympy as sp
>>> ctx = Context(["u"], ["x", "t"], {"a": "0.1"})
>>> ctx.equation("u_t = a*u_xx")
Derivative(u(x, t), t) - Derivative(u(x, t), (x, 2))/10
>>> Context(["y"], ["t"], {}).equation("y'' + y = 0")
y(t) + Derivative(y(t), (t, 2))
>>> Context(["y"], ["t"], {}).equation("dy/dt = -2 t y")
2*t*y(t) + Derivative(y(t), t)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping

import sympy as sp
from sympy.core.function import AppliedUndef

from tools.mathparse import ParseError, parse_expr

from .errors import SpecError

MAX_SUBSCRIPT_ORDER = 4


_D = r"(?:\\partial|∂|d)"                           # d, ∂ or \\partial


def _leibniz(text: str, unknowns: str, variables: str) -> str:
    """``dy/dt``, ``d^2 y/dt^2``, ``\\frac{d^2y}{dt^2}``, ``∂u/∂x`` (of a known unknown and
    variable, orders alike) as ``Derivative(y, t, 2)``; anything else is left to the parser.

    >>> _leibniz(r"d^2y/dt^2 + \\frac{dy}{dt} = ∂y/∂t", "y", "t")
    ' Derivative(y, t, 2)  +  Derivative(y, t, 1)  =  Derivative(y, t, 1) '
    """
    order = r"(?:\^\{?(\d)\}?)?"
    fraction = (rf"\\frac\{{\s*{_D}{order}\s*({unknowns})\s*\}}"
                rf"\{{\s*{_D}\s*({variables}){order}\s*\}}")
    quotient = (rf"(?<![A-Za-z_]){_D}{order}\s*({unknowns})\s*/\s*{_D}\s*({variables})"
                rf"(?![A-Za-z0-9_]){order}")

    def derivative(m: re.Match) -> str:
        top, name, var, bottom = m.groups()
        if (top or "1") != (bottom or "1"):
            raise SpecError(f"{excerpt(m.group())}: the orders above and below differ")
        return f" Derivative({name}, {var}, {top or 1}) "

    if not unknowns or not variables:
        return text
    return re.sub(quotient, derivative, re.sub(fraction, derivative, text))


_NABLA_SQUARED = r"(?:\\nabla|∇)\s*(?:\^\s*\{?\s*2\s*\}?|²)"


def _laplacian(text: str, unknowns: str, space: list[str]) -> str:
    """``∇²u``, ``\\nabla^2 u``, ``\\nabla^{2} u`` (of a known unknown) as the sum of its
    second derivatives in the Cartesian space variables ``space``.

    >>> _laplacian(r"\\nabla^2 u = -f", "u", ["x", "y"])
    ' (Derivative(u, x, 2) + Derivative(u, y, 2))  = -f'
    """
    if not unknowns or not space:
        return text
    return re.sub(rf"{_NABLA_SQUARED}\s*(?:\(\s*({unknowns})\s*\)|({unknowns})(?![\w(]))",
                  lambda m: " (" + " + ".join(f"Derivative({m.group(1) or m.group(2)}, {v}, 2)"
                                              for v in space) + ") ", text)


class Context:
    """The names of one problem: unknowns, variables and parameters, as SymPy objects."""

    def __init__(self, unknowns: Iterable[str], variables: Iterable[str],
                 parameters: Mapping[str, float | str], time: str | None = None) -> None:
        self.variables = [sp.Symbol(v, real=True) for v in variables]
        self.time = time if time is not None else ("t" if "t" in variables else None)
        self.unknown_names = list(unknowns)
        self.unknowns = [sp.Function(u)(*self.variables) for u in self.unknown_names]
        self.symbols: dict[str, sp.Basic] = {str(v): v for v in self.variables}
        for name, applied in zip(self.unknown_names, self.unknowns):
            self.symbols[name] = applied
            self.symbols.update(_subscript_names(name, applied, self.variables))
        self.parameters: dict[str, sp.Expr] = {}
        self.parameter_functions: dict[str, sp.Expr] = {}
        for name, value in parameters.items():
            if name in self.symbols:
                raise SpecError(f"the parameter {excerpt(name)} has the name of a variable or unknown")
            expr = self.parse(str(value), what=f"parameter {excerpt(name)}", unknowns_allowed=False)
            if expr.free_symbols & set(self.variables):
                self.parameter_functions[name] = expr
            else:
                self.parameters[name] = expr

    # ------------------------------------------------------------------ parsing
    def parse(self, text: str, what: str, unknowns_allowed: bool = True) -> sp.Expr:
        """Parse one side of an equation or a condition's value; names must all be known."""
        text = self._plain_notation(text)
        symbols = dict(self.symbols)
        for name, value in self.parameters.items():
            symbols[name] = value
        try:
            expr = parse_expr(text, symbols=symbols, functions=self.parameter_functions.keys())
        except ParseError as err:
            raise SpecError(f"{what}: {err}") from None
        expr = self._apply_parameter_functions(expr)
        unknown = sorted(str(s) for s in expr.free_symbols - set(self.variables))
        if unknown:
            hint = "; derivatives are written u_x, u_xx, u_t or Derivative(u, x, 2)"
            raise SpecError(f"{what}: unknown name{'s' * (len(unknown) > 1)} "
                            f"{', '.join(unknown)} (variables: {_names(self.variables)}, "
                            f"unknowns: {', '.join(self.unknown_names)}){hint}")
        stray = {f for f in expr.atoms(AppliedUndef) if f not in self.unknowns}
        if stray:
            raise SpecError(f"{what}: {', '.join(map(str, stray))} is not an unknown of the "
                            f"problem; write the unknown without arguments, as "
                            f"{self.unknown_names[0]}")
        if not unknowns_allowed and expr.atoms(AppliedUndef):
            raise SpecError(f"{what} may not contain the unknowns")
        for d in expr.atoms(sp.Derivative):
            if d.expr not in self.unknowns:
                raise SpecError(f"{what}: only unknowns may be differentiated, not {d.expr}")
        return expr

    def equation(self, text: str) -> sp.Expr:
        """``lhs = rhs`` (or an expression meaning ``= 0``) as the residual ``lhs - rhs``."""
        sides = text.split("=")
        what = f"equation {excerpt(text)}"
        if len(sides) > 2:
            raise SpecError(f"{what} has more than one '='")
        lhs = self.parse(sides[0], what=what)
        rhs = self.parse(sides[1], what=what) if len(sides) == 2 else 0
        residual = lhs - rhs
        if not residual.atoms(AppliedUndef):
            raise SpecError(f"{what} does not contain the unknown "
                            f"{' or '.join(self.unknown_names)}")
        return residual

    def _plain_notation(self, text: str) -> str:
        """Rewrite ``u(x, t)`` as ``u``, and primes ``u''``, Leibniz quotients ``du/dx`` and
        the Laplacian ``∇²u`` as derivatives, before parsing."""
        names = "|".join(re.escape(u) for u in self.unknown_names)
        args = r"\s*,\s*".join(re.escape(str(v)) for v in self.variables)
        text = re.sub(rf"(?<![A-Za-z0-9_])((?:{names})(?:_\w+)?)\s*\(\s*{args}\s*\)", r"\1",
                      text)
        text = _laplacian(text, names, [str(v) for v in self.variables if str(v) != self.time])
        text = _leibniz(text, names, "|".join(re.escape(str(v)) for v in self.variables))
        if len(self.variables) == 1:
            var = str(self.variables[0])
            text = re.sub(rf"(?<![A-Za-z_])({names})('+)(\s*\(\s*{re.escape(var)}\s*\))?",
                          lambda m: f"Derivative({m.group(1)}, {var}, {len(m.group(2))})", text)
        return text

    def _apply_parameter_functions(self, expr: sp.Expr) -> sp.Expr:
        for name, body in self.parameter_functions.items():
            def value(*args, body=body, name=name):
                own = [v for v in self.variables if v in body.free_symbols]   # V(x) in (x, t)
                for params in (self.variables, own):
                    if len(args) == len(params):
                        return body.subs(dict(zip(params, args)), simultaneous=True)
                raise SpecError(f"the parameter function {name} takes {len(own)} argument(s) "
                                f"({_names(own)}) or all the variables ({_names(self.variables)})")
            expr = expr.replace(lambda e, name=name: isinstance(e, AppliedUndef)
                                and e.func.__name__ == name, lambda e, value=value: value(*e.args))
        return expr


def derivative_orders(expr: sp.Expr, unknown: sp.Expr, variable: sp.Symbol) -> int:
    """The highest order of ``d/d variable`` applied to ``unknown`` in ``expr`` (0 if none)."""
    orders = [dict(d.variable_count).get(variable, 0)
              for d in expr.atoms(sp.Derivative) if d.expr == unknown]
    if not orders and expr.has(unknown):
        return 0
    return max(orders, default=0)


def _subscript_names(name: str, applied: sp.Expr, variables: list[sp.Symbol]) -> dict:
    """``u_x``, ``u_xx``, ``u_xt`` ... for the one-letter variables, up to order 4."""
    letters = [v for v in variables if len(str(v)) == 1]
    table = {}
    for order in range(1, MAX_SUBSCRIPT_ORDER + 1):
        for combo in itertools.product(letters, repeat=order):
            counts = [(v, combo.count(v)) for v in variables if v in combo]
            table[f"{name}_{''.join(map(str, combo))}"] = sp.Derivative(applied, *counts)
    return table


def excerpt(text: str, limit: int = 60) -> str:
    """``text`` quoted for an error message, shortened in the middle when long."""
    text = str(text)
    if len(text) > limit:
        text = f"{text[:limit // 2]}...{text[-limit // 2:]} ({len(text):,} characters)"
    return repr(text)


def _names(symbols: Iterable[sp.Symbol]) -> str:
    return ", ".join(map(str, symbols))
