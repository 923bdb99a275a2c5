"""Line elements ``ds^2 = ...`` to a coordinate tuple and a symmetric metric matrix.

Differentials (``dt``, ``dθ``, ``d\\theta``, ``\\mathrm{d}t``) are parsed as placeholder symbols;
a small recursive routine then reads the result as a quadratic form in the placeholders
without expanding the coefficients, so ``-(1-2M/r) dt^2`` keeps ``g_tt = 2M/r - 1``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from .errors import ParseError
from .lexer import tokenize
from .limits import Limits, check_text
from .parser import Parser, SymbolTable
from .vocabulary import RESERVED

Monomial = tuple[int, ...]              # sorted indices of the differentials in a term
Form = dict[Monomial, sp.Expr]          # a polynomial in the differentials
_LEFT_SIDES = [("diff", n) for n in ("s", "l", "ell", "sigma", "Sigma", "tau")]
Fail = Callable[[sp.Expr], ParseError]  # the error for a term that is not quadratic


@dataclass(frozen=True)
class LineElement:
    """A parsed line element: ``ds^2 = matrix[i, j] d(coords[i]) d(coords[j])``."""

    coords: tuple[sp.Symbol, ...]
    matrix: sp.Matrix = field(hash=False)         # g_ij, symmetric, n x n
    params: tuple[sp.Symbol, ...]                 # the other free symbols, sorted by name
    functions: tuple[sp.FunctionClass, ...]       # undefined functions used, sorted by name


def parse_line_element(text: str, coords: Sequence[str | sp.Symbol] | None = None,
                       symbols: SymbolTable | None = None, functions: Iterable[str] = (),
                       **limits: int) -> LineElement:
    """Parse ``ds^2 = ...`` (plain text, unicode or LaTeX) into coordinates and a metric.

    Cross terms split symmetrically: ``2 dv dr`` gives ``g_vr = g_rv = 1``.

    >>> le = parse_line_element("ds^2 = -(1-2M/r) dt^2 + dr^2/(1-2M/r) + r^2 dOmega^2")
    >>> le.coords
    (t, r, theta, phi)
    >>> le.matrix[0, 0], le.matrix[3, 3], le.params
    (2*M/r - 1, r**2*sin(theta)**2, (M,))
    """
    lim = Limits(**limits)
    check_text(text, lim)
    functions = tuple(functions)
    table = dict(symbols or {})
    table.update({c.name: c for c in coords or () if isinstance(c, sp.Symbol)})
    parser = Parser(text, table, functions, lim)
    start = _right_side(text, parser.known, lim)
    form = parser.parse(tokenize(text, start=start, differentials=True, known=parser.known,
                                 limits=lim))
    names = _coordinate_names(parser, coords)
    coordinates = tuple(parser.symbol(n) for n in names)
    matrix = _metric(text, form, [parser.differentials.get(n) for n in names])
    used = {c.name for c in coordinates}
    params = sorted((s for s in matrix.free_symbols if s.name not in used), key=lambda s: s.name)
    if (spaced := _fused_coordinates(text, params, used, symbols)) is not None:
        return parse_line_element(spaced, coords, symbols, functions, **limits)
    funcs = sorted({f.func for f in matrix.atoms(AppliedUndef)}, key=lambda f: f.__name__)
    return LineElement(coordinates, matrix, tuple(params), tuple(funcs))


def _fused_coordinates(text: str, params: list[sp.Symbol], coordinates: set[str],
                       symbols: SymbolTable | None) -> str | None:
    """A name of plain letters, one of them a coordinate (``Ht`` with t a coordinate), would
    make the metric silently independent of that coordinate (de Sitter read flat). Inside TeX
    braces (``e^{2Ht}``, ``\\frac{dr^2}{1-kr^2}``) juxtaposed letters are a product, as TeX
    typesets them: the text with those letters spaced apart is returned, to be read again.
    Elsewhere (``exp(2Ht)``, ``(1 + gx)``) the name is refused with both readings. A declared
    name or a word (``beta``) is left alone; None when there is nothing to respace."""
    letters = {c for c in coordinates if len(c) == 1}
    spaced = text
    for s in params:
        name = s.name
        if not (len(name) > 1 and name.isascii() and name.isalpha() and name not in RESERVED
                and name not in (symbols or {}) and letters & set(name)):
            continue
        word = re.compile(r"(?<![A-Za-z\\])" + name + r"(?![A-Za-z])")
        respaced = re.sub(r"\{[^{}]*\}", lambda m: word.sub(" ".join(name), m.group(0)), spaced)
        if respaced == spaced:
            raise ParseError(f"'{name}' reads as one name, but it holds the coordinate "
                             f"{', '.join(sorted(letters & set(name)))}: write "
                             f"'{' '.join(name)}' (or {'*'.join(name)}) for a product, or "
                             f"{name[0]}_{name[1:]} for a constant", text,
                             max(text.find(name), 0))
        spaced = respaced
    return spaced if spaced != text else None


def _right_side(text: str, known: frozenset[str], limits: Limits) -> int:
    """Where the right side starts: after a ``ds^2 =`` (or ``ds² =``, ``ds2=``, ...) if any."""
    equals = text.find("=")
    if equals < 0:
        return 0
    tokens = [t for t in tokenize(text, end=equals, differentials=True, known=known,
                                  limits=limits) if t.value not in ("{", "}", "")]
    shape = [(t.kind, t.value) for t in tokens]
    if shape not in ([("diff", "s2")], [("diff", "s2"), ("op", "^"), ("num", "2")]) and not (
            len(shape) == 3 and shape[0] in _LEFT_SIDES and shape[1:] == [("op", "^"),
                                                                         ("num", "2")]):
        raise ParseError("the left side of a line element must be ds^2 (or dl^2, dsigma^2)",
                         text, tokens[0].start if tokens else equals)
    return equals + 1


# The order physicists write charts in: time first, then radial, then angles.
CONVENTIONAL_ORDER = ("t", "T", "tau", "eta", "v", "u", "r", "R", "rho", "chi", "X",
                      "x", "y", "z", "theta", "phi", "psi")


def _coordinate_names(parser: Parser, coords: Sequence[str | sp.Symbol] | None) -> list[str]:
    """The coordinates' names: as given; else in conventional order when every name is a
    conventional one (Kerr's ``dt dphi`` term does not put phi second); else in order of
    their differentials' appearance."""
    if coords is None:
        names = list(parser.differentials)
        if all(n in CONVENTIONAL_ORDER for n in names):
            names.sort(key=CONVENTIONAL_ORDER.index)
        return names
    names = [c.name if isinstance(c, sp.Symbol) else str(c) for c in coords]
    if len(set(names)) != len(names):
        raise ParseError(f"coordinate names repeat: {', '.join(names)}")
    for name, position in parser.first_seen.items():
        if name not in names:
            raise ParseError(f"the differential d{name} is not one of the coordinates "
                             f"{', '.join(names)}", parser.text, position)
    return names


def _metric(text: str, expr: sp.Expr, placeholders: list[sp.Dummy | None]) -> sp.Matrix:
    """The symmetric matrix of the quadratic form ``expr`` in ``placeholders``."""
    index = {d: i for i, d in enumerate(placeholders) if d is not None}
    names = {d: sp.Symbol(d.name) for d in index}
    form = _quadratic(expr, index, lambda e: _not_quadratic(e, names, text))
    g = sp.zeros(len(placeholders))
    for monomial, coefficient in form.items():
        if coefficient == 0:
            continue
        if len(monomial) != 2:
            raise _not_quadratic(_term(coefficient, monomial, placeholders), names, text)
        i, j = monomial
        if i == j:
            g[i, i] += coefficient
        else:
            g[i, j] += coefficient / 2
            g[j, i] += coefficient / 2
    return g


def _quadratic(expr: sp.Expr, index: dict[sp.Dummy, int], fail: Fail) -> Form:
    """``expr`` as {monomial: coefficient}; degrees above 2 or non-polynomial uses fail."""
    if expr in index:
        return {(index[expr],): sp.Integer(1)}
    if not expr.has(*index):
        return {(): expr}
    if expr.is_Add:
        total: Form = {}
        for arg in expr.args:
            for monomial, c in _quadratic(arg, index, fail).items():
                total[monomial] = total[monomial] + c if monomial in total else c
        return total
    if expr.is_Mul:
        product: Form = {(): sp.Integer(1)}
        for arg in expr.args:
            product = _multiply(product, _quadratic(arg, index, fail), expr, fail)
        return product
    if expr.is_Pow and expr.exp == 2:
        base = _quadratic(expr.base, index, fail)
        return _multiply(base, base, expr, fail)
    raise fail(expr)


def _multiply(a: Form, b: Form, whole: sp.Expr, fail: Fail) -> Form:
    product: Form = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            monomial = tuple(sorted(ma + mb))
            if len(monomial) > 2:
                raise fail(whole)
            c = ca * cb
            product[monomial] = product[monomial] + c if monomial in product else c
    return product


def _term(coefficient: sp.Expr, monomial: Monomial, placeholders: list) -> sp.Expr:
    return sp.Mul(coefficient, *(placeholders[i] for i in monomial))


def _not_quadratic(expr: sp.Expr, names: dict[sp.Dummy, sp.Symbol], text: str) -> ParseError:
    shown = sp.sstr(expr.xreplace(names)).replace("**", "^")
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return ParseError(f"the term {shown} is not quadratic in the differentials (each term "
                      "must be a coefficient times two differentials, such as r^2 dtheta^2)",
                      text)
