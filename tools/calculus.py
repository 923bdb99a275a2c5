"""Generic calculus tools, so a plan can compose derivations no single tool covers
(a horizon is ``solve`` of g^rr = 0; an ISCO is ``solve`` of V' = V'' = 0; a surface gravity
is a ``limit``).

Every expression arrives as text and goes through the safe parser; symbols are real unless
``assumptions`` says more (``{"M": "positive"}``). Results travel as SymPy strings (which
the safe parser reads back) with their LaTeX.

>>> Solve()({"equations": ["r^2 - 2*M*r + a^2 = 0"], "variables": ["r"],
...          "assumptions": {"M": "positive", "a": "positive"}}).value
['M - sqrt(M - a)*sqrt(M + a)', 'M + sqrt(M - a)*sqrt(M + a)']
>>> Differentiate()({"expression": "1 - 2*M/r", "variable": "r"}).value
'2*M/r**2'
>>> Limit()({"expression": "sin(x)/x", "variable": "x", "point": "0"}).value
'1'
"""

from __future__ import annotations

from typing import Literal

import sympy as sp
from pydantic import Field

from tools.base import StrictArgs, Tool, ToolResult
from tools.mathparse import parse_expr

Assumption = Literal["positive", "negative", "nonnegative", "nonzero", "real", "integer"]
Text = Field(min_length=1, max_length=4000)


class _Args(StrictArgs):
    assumptions: dict[str, Assumption] = Field(default_factory=dict)

    def symbols(self) -> dict[str, sp.Symbol]:
        return {name: sp.Symbol(name, **{kind: True}) for name, kind in self.assumptions.items()}

    def parse(self, text: str) -> sp.Expr:
        return parse_expr(text, symbols=self.symbols())

    def symbol(self, name: str) -> sp.Symbol:
        found = self.symbols().get(name)
        if found is None:
            found = parse_expr(name)
            if not isinstance(found, sp.Symbol):
                raise ValueError(f"{name!r} is not a variable name")
        return found

    def parse_equation(self, text: str) -> sp.Expr:
        """``lhs = rhs`` as ``lhs - rhs``; an expression alone means ``expression = 0``."""
        if text.count("=") > 1:
            raise ValueError(f"more than one '=' in {text[:60]!r}")
        if "=" in text:
            lhs, rhs = text.split("=")
            return self.parse(lhs) - self.parse(rhs)
        return self.parse(text)


class _OfVariable(_Args):
    """An expression and the variable an operation acts on."""
    expression: str = Text
    variable: str


def _result(expr: sp.Basic) -> ToolResult:
    return ToolResult(ok=True, value=str(expr), latex=sp.latex(expr))


class Differentiate(Tool):
    name = "differentiate"
    summary = "d^n/dx^n of an expression."

    class Args(_OfVariable):
        order: int = Field(default=1, ge=1, le=10)

    def run(self, args: Args) -> ToolResult:
        return _result(sp.diff(args.parse(args.expression), args.symbol(args.variable),
                               args.order))


class Simplify(Tool):
    name = "simplify"
    summary = "Simplify an expression (also: factor, expand, cancel, trigsimp)."

    class Args(_Args):
        expression: str = Text
        method: Literal["simplify", "factor", "expand", "cancel", "trigsimp"] = "simplify"

    def run(self, args: Args) -> ToolResult:
        return _result(getattr(sp, args.method)(args.parse(args.expression)))


class Solve(Tool):
    name = "solve"
    summary = ("Solve equations ('lhs = rhs', or an expression = 0) for variables; "
               "solutions respect the assumptions (e.g. r positive).")

    class Args(_Args):
        equations: list[str] = Field(min_length=1, max_length=10)
        variables: list[str] = Field(min_length=1, max_length=10)

    def run(self, args: Args) -> ToolResult:
        variables = [args.symbol(v) for v in args.variables]
        equations = [args.parse_equation(e) for e in args.equations]
        found = sp.solve(equations, variables, dict=True)
        if len(variables) == 1:
            values = sorted((s[variables[0]] for s in found), key=sp.default_sort_key)
            return ToolResult(ok=True, value=[str(v) for v in values],
                              latex=", ".join(sp.latex(v) for v in values),
                              data={"count": len(values)})
        rows = [{str(k): str(v) for k, v in s.items()} for s in found]
        return ToolResult(ok=True, value=rows, data={"count": len(rows)},
                          latex="; ".join(", ".join(f"{sp.latex(k)} = {sp.latex(v)}"
                                                    for k, v in s.items()) for s in found))


class Series(Tool):
    name = "series"
    summary = "Taylor/Laurent series of an expression about a point, to a given order."

    class Args(_OfVariable):
        point: str = "0"
        order: int = Field(default=6, ge=1, le=20)

    def run(self, args: Args) -> ToolResult:
        x = args.symbol(args.variable)
        series = sp.series(args.parse(args.expression), x, args.parse(args.point), args.order)
        return ToolResult(ok=True, value=str(series.removeO()), latex=sp.latex(series))


class Limit(Tool):
    name = "limit"
    summary = "Limit of an expression as a variable tends to a point ('oo' for infinity)."

    class Args(_OfVariable):
        point: str
        direction: Literal["+", "-", "+-"] = "+-"

    def run(self, args: Args) -> ToolResult:
        return _result(sp.limit(args.parse(args.expression), args.symbol(args.variable),
                                args.parse(args.point), args.direction))


class Integrate(Tool):
    name = "integrate"
    summary = "Indefinite integral, or definite between lower and upper ('oo' allowed)."

    class Args(_OfVariable):
        lower: str | None = None
        upper: str | None = None

    def run(self, args: Args) -> ToolResult:
        x = args.symbol(args.variable)
        if (args.lower is None) != (args.upper is None):
            raise ValueError("give both lower and upper, or neither")
        limits = x if args.lower is None else (x, args.parse(args.lower), args.parse(args.upper))
        result = sp.integrate(args.parse(args.expression), limits)
        if result.has(sp.Integral):
            raise ValueError("no closed form found")
        return _result(result)


class DSolve(Tool):
    name = "dsolve"
    summary = ("Solve an ODE for function(variable), e.g. \"y'' + y = 0\", optionally with "
               "initial conditions {\"y(0)\": \"1\", \"y'(0)\": \"0\"}.")

    class Args(_Args):
        equation: str = Text
        function: str = Field(pattern=r"^[A-Za-z]\w{0,20}$")
        variable: str = Field(pattern=r"^[A-Za-z]\w{0,20}$")
        conditions: dict[str, str] = Field(default_factory=dict, max_length=10)

    def run(self, args: Args) -> ToolResult:
        from tools.pde.equations import Context
        context = Context([args.function], [args.variable], {})
        f, x = context.unknowns[0], context.variables[0]
        ics = {}
        for key, value in args.conditions.items():
            head, _, rest = key.partition("(")
            order = len(head) - len(head.rstrip("'"))
            if head.rstrip("'") != args.function or not rest.endswith(")"):
                raise ValueError(f"a condition is written like {args.function}(0) or "
                                 f"{args.function}'(0), not {key!r}")
            at = args.parse(rest[:-1])
            target = f.diff(x, order).subs(x, at) if order else f.subs(x, at)
            ics[target] = args.parse(value)
        solution = sp.dsolve(context.equation(args.equation), f, ics=ics or None)
        solutions = solution if isinstance(solution, list) else [solution]
        return ToolResult(ok=True, value=[str(s.rhs) for s in solutions],
                          latex=", ".join(sp.latex(s) for s in solutions))


CALCULUS_TOOLS: list[type[Tool]] = [Differentiate, Simplify, Solve, Series, Limit, Integrate,
                                    DSolve]
