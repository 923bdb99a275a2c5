"""Curvature from a metric, computed exactly in the differential field of :mod:`.algebra`.

Conventions (Misner, Thorne & Wheeler 1973, eqs. 8.44 and 8.51; Carroll 2004, eq. 3.113):

* Gamma^a_{bc} = g^{ad} Gamma_{dbc},  Gamma_{dbc} = (g_{db,c} + g_{dc,b} - g_{bc,d}) / 2
* R^a_{bcd} = d_c Gamma^a_{db} - d_d Gamma^a_{cb} + Gamma^a_{ce} Gamma^e_{db} - Gamma^a_{de} Gamma^e_{cb}
* R_{abcd}  = (g_{ad,bc} + g_{bc,ad} - g_{ac,bd} - g_{bd,ac}) / 2
              + Gamma_{ebc} Gamma^e_{ad} - Gamma_{ebd} Gamma^e_{ac}
* R_{bd} = R^a_{bad},  R = g^{bd} R_{bd},  G_{ab} = R_{ab} - R g_{ab} / 2

The all-lower Riemann tensor is formed from second derivatives of the metric rather than
derivatives of Christoffel symbols: metric components have small denominators, Christoffel
symbols large ones, so this is the cheap route.  Only the independent components
R_{(ab)(cd)} with a < b, c < d, (ab) <= (cd) are computed; the rest follow by symmetry.

Every loop calls :func:`.budget.check`, so a computation ends with :class:`.GRTimeout`
instead of hanging.
"""

from __future__ import annotations

from functools import cached_property
from itertools import combinations
from typing import Sequence

import sympy as sp

from .algebra import Element, Field
from .budget import check
from .errors import MetricError

Matrix = list[list[Element]]


def inverse(g: Matrix) -> Matrix:
    """Inverse of a square matrix over the field by Gauss-Jordan elimination."""
    n = len(g)
    f = g[0][0].field
    a = [list(row) + [f.one if i == j else f.zero for j in range(n)] for i, row in enumerate(g)]
    for col in range(n):
        check("inverse metric")
        pivot = next((r for r in range(col, n) if not a[r][col].is_zero()), None)
        if pivot is None:
            raise MetricError("the metric is degenerate (its determinant vanishes identically)")
        a[col], a[pivot] = a[pivot], a[col]
        p = a[col][col].inverse()
        a[col] = [x * p for x in a[col]]
        for r in range(n):
            if r != col and not a[r][col].is_zero():
                factor = a[r][col]
                a[r] = [x - factor * y for x, y in zip(a[r], a[col])]
    return [row[n:] for row in a]


def determinant(g: Matrix) -> Element:
    """Determinant by fraction-free expansion along rows with elimination."""
    n = len(g)
    f = g[0][0].field
    a = [list(row) for row in g]
    det = f.one
    for col in range(n):
        pivot = next((r for r in range(col, n) if not a[r][col].is_zero()), None)
        if pivot is None:
            return f.zero
        if pivot != col:
            a[col], a[pivot] = a[pivot], a[col]
            det = -det
        det = det * a[col][col]
        inv = a[col][col].inverse()
        for r in range(col + 1, n):
            if not a[r][col].is_zero():
                factor = a[r][col] * inv
                a[r] = [x - factor * y for x, y in zip(a[r], a[col])]
    return det


class Curvature:
    """All curvature of one metric, each piece computed once, on first use.

    ``g`` is a symmetric matrix of field elements over the coordinates ``coords``.
    """

    def __init__(self, field: Field, g: Matrix, coords: Sequence[sp.Symbol]):
        self.field = field
        self.g = g
        self.coords = tuple(coords)
        self.n = len(coords)
        self.pairs = list(combinations(range(self.n), 2))
        self._dg: dict[tuple[int, int, int], Element] = {}
        self._ddg: dict[tuple[int, int, int, int], Element] = {}

    # ---------------------------------------------------------------- derivatives
    def dg(self, a: int, b: int, c: int) -> Element:
        """g_{ab,c}"""
        key = (min(a, b), max(a, b), c)
        if key not in self._dg:
            self._dg[key] = self.g[a][b].diff(self.coords[c])
        return self._dg[key]

    def ddg(self, a: int, b: int, c: int, d: int) -> Element:
        """g_{ab,cd}"""
        key = (min(a, b), max(a, b), min(c, d), max(c, d))
        if key not in self._ddg:
            self._ddg[key] = self.dg(a, b, key[2]).diff(self.coords[key[3]])
        return self._ddg[key]

    # ---------------------------------------------------------------- connection
    @cached_property
    def ginv(self) -> Matrix:
        return inverse(self.g)

    @cached_property
    def christoffel_first(self) -> list[list[list[Element]]]:
        """Gamma_{abc} = (g_{ab,c} + g_{ac,b} - g_{bc,a}) / 2, symmetric in b, c."""
        n, f = self.n, self.field
        half = f.constant(sp.Rational(1, 2))
        out = [[[f.zero] * n for _ in range(n)] for _ in range(n)]
        for a in range(n):
            for b in range(n):
                for c in range(b, n):
                    check("Christoffel symbols")
                    value = (self.dg(a, b, c) + self.dg(a, c, b) - self.dg(b, c, a)) * half
                    out[a][b][c] = out[a][c][b] = value
        return out

    @cached_property
    def christoffel(self) -> list[list[list[Element]]]:
        """Gamma^a_{bc} = g^{ad} Gamma_{dbc}."""
        n, f = self.n, self.field
        first, ginv = self.christoffel_first, self.ginv
        out = [[[f.zero] * n for _ in range(n)] for _ in range(n)]
        for a in range(n):
            for b in range(n):
                for c in range(b, n):
                    check("Christoffel symbols")
                    value = f.zero
                    for d in range(n):
                        if not ginv[a][d].is_zero() and not first[d][b][c].is_zero():
                            value = value + ginv[a][d] * first[d][b][c]
                    out[a][b][c] = out[a][c][b] = value
        return out

    # ---------------------------------------------------------------- Riemann
    def _pair_components(self, component, what: str) -> dict[tuple[tuple[int, int], tuple[int, int]], Element]:
        """X_{abcd} with the Riemann symmetries, keyed by pairs (P, Q), P <= Q, P = (a<b), Q = (c<d)."""
        out = {}
        for i, (a, b) in enumerate(self.pairs):
            for c, d in self.pairs[i:]:
                check(what)
                out[(a, b), (c, d)] = component(a, b, c, d)
        return out

    @cached_property
    def riemann_pairs(self) -> dict[tuple[tuple[int, int], tuple[int, int]], Element]:
        """Independent R_{abcd}."""
        return self._pair_components(self._riemann_lower, "Riemann tensor")

    def _riemann_lower(self, a: int, b: int, c: int, d: int) -> Element:
        f = self.field
        half = f.constant(sp.Rational(1, 2))
        value = (self.ddg(a, d, b, c) + self.ddg(b, c, a, d)
                 - self.ddg(a, c, b, d) - self.ddg(b, d, a, c)) * half
        first, second = self.christoffel_first, self.christoffel
        for e in range(self.n):
            if not first[e][b][c].is_zero() and not second[e][a][d].is_zero():
                value = value + first[e][b][c] * second[e][a][d]
            if not first[e][b][d].is_zero() and not second[e][a][c].is_zero():
                value = value - first[e][b][d] * second[e][a][c]
        return value

    def riemann_lower(self, a: int, b: int, c: int, d: int) -> Element:
        """R_{abcd} from the independent components by the pair symmetries."""
        if a == b or c == d:
            return self.field.zero
        sign = 1
        if a > b:
            a, b, sign = b, a, -sign
        if c > d:
            c, d, sign = d, c, -sign
        p, q = (a, b), (c, d)
        value = self.riemann_pairs[(p, q) if p <= q else (q, p)]
        return value if sign > 0 else -value

    @cached_property
    def riemann_mixed(self) -> dict[tuple[int, int, int, int], Element]:
        """Nonzero R^a_{bcd} = g^{ae} R_{ebcd} for c < d (antisymmetric in c, d)."""
        n, ginv = self.n, self.ginv
        out = {}
        for a in range(n):
            for b in range(n):
                for c, d in self.pairs:
                    check("Riemann tensor")
                    value = self.field.zero
                    for e in range(n):
                        if not ginv[a][e].is_zero():
                            r = self.riemann_lower(e, b, c, d)
                            if not r.is_zero():
                                value = value + ginv[a][e] * r
                    if not value.is_zero():
                        out[a, b, c, d] = value
        return out

    # ---------------------------------------------------------------- contractions
    @cached_property
    def ricci(self) -> Matrix:
        """R_{bd} = g^{ac} R_{abcd}."""
        n, f, ginv = self.n, self.field, self.ginv
        out = [[f.zero] * n for _ in range(n)]
        for b in range(n):
            for d in range(b, n):
                check("Ricci tensor")
                value = f.zero
                for a in range(n):
                    for c in range(n):
                        if not ginv[a][c].is_zero():
                            r = self.riemann_lower(a, b, c, d)
                            if not r.is_zero():
                                value = value + ginv[a][c] * r
                out[b][d] = out[d][b] = value
        return out

    @cached_property
    def ricci_scalar(self) -> Element:
        return self.trace(self.ricci)

    def trace(self, t: Matrix) -> Element:
        """g^{ab} T_{ab}"""
        value = self.field.zero
        for a in range(self.n):
            for b in range(self.n):
                if not self.ginv[a][b].is_zero() and not t[a][b].is_zero():
                    value = value + self.ginv[a][b] * t[a][b]
        return value

    def raise_both(self, t: Matrix) -> Matrix:
        """T^{ab} = g^{ac} g^{bd} T_{cd}"""
        n, ginv = self.n, self.ginv
        half = [[_dot([ginv[a][c] for c in range(n)], [t[c][d] for c in range(n)])
                 for d in range(n)] for a in range(n)]
        return [[_dot(half[a], ginv[b]) for b in range(n)] for a in range(n)]

    def square(self, t: Matrix) -> Element:
        """T_{ab} T^{ab}"""
        up = self.raise_both(t)
        value = self.field.zero
        for a in range(self.n):
            for b in range(self.n):
                if not t[a][b].is_zero() and not up[a][b].is_zero():
                    value = value + t[a][b] * up[a][b]
        return value

    @cached_property
    def einstein(self) -> Matrix:
        """G_{ab} = R_{ab} - R g_{ab} / 2."""
        half_r = self.ricci_scalar * self.field.constant(sp.Rational(1, 2))
        return [[self.ricci[a][b] - half_r * self.g[a][b] for b in range(self.n)]
                for a in range(self.n)]

    # ---------------------------------------------------------------- invariants
    @cached_property
    def bivector_metric(self) -> Matrix:
        """G^{PQ} = g^{ac} g^{bd} - g^{ad} g^{bc} for pairs P = (a<b), Q = (c<d)."""
        ginv = self.ginv
        return [[ginv[a][c] * ginv[b][d] - ginv[a][d] * ginv[b][c] for c, d in self.pairs]
                for a, b in self.pairs]

    def _pair_matrix(self, lower) -> Matrix:
        return [[lower(a, b, c, d) for c, d in self.pairs] for a, b in self.pairs]

    def _full_square(self, lower) -> Element:
        """X_{abcd} X^{abcd} = 4 tr((G X)^2) with the bivector metric G."""
        x = self._pair_matrix(lower)
        gx = _matmul(self.bivector_metric, x)
        value = self.field.zero
        m = len(self.pairs)
        for p in range(m):
            check("curvature invariant")
            for q in range(m):
                if not gx[p][q].is_zero() and not gx[q][p].is_zero():
                    value = value + gx[p][q] * gx[q][p]
        return value * 4

    @cached_property
    def kretschmann(self) -> Element:
        """R_{abcd} R^{abcd}"""
        return self._full_square(self.riemann_lower)

    @cached_property
    def ricci_squared(self) -> Element:
        """R_{ab} R^{ab}"""
        return self.square(self.ricci)

    @cached_property
    def weyl_squared(self) -> Element:
        """C_{abcd} C^{abcd} = K - 4/(n-2) R_ab R^ab + 2/((n-1)(n-2)) R^2 (n >= 3)."""
        n = self.n
        if n < 3:
            return self.field.zero
        k = self.field.constant
        return (self.kretschmann - k(sp.Rational(4, n - 2)) * self.ricci_squared
                + k(sp.Rational(2, (n - 1) * (n - 2))) * self.ricci_scalar ** 2)

    def weyl_lower(self, a: int, b: int, c: int, d: int) -> Element:
        """C_{abcd}: the trace-free part of R_{abcd} (zero identically for n <= 3)."""
        n, g, ric, k = self.n, self.g, self.ricci, self.field.constant
        if n <= 3:
            return self.field.zero
        value = self.riemann_lower(a, b, c, d)
        value = value - k(sp.Rational(1, n - 2)) * (
            g[a][c] * ric[b][d] - g[a][d] * ric[b][c] - g[b][c] * ric[a][d] + g[b][d] * ric[a][c])
        return value + k(sp.Rational(1, (n - 1) * (n - 2))) * self.ricci_scalar * (
            g[a][c] * g[b][d] - g[a][d] * g[b][c])

    @cached_property
    def weyl_pairs(self) -> dict[tuple[tuple[int, int], tuple[int, int]], Element]:
        """Independent C_{abcd}."""
        return self._pair_components(self.weyl_lower, "Weyl tensor")

    @cached_property
    def cotton(self) -> dict[tuple[int, int, int], Element]:
        """Cotton tensor C_{abc} = nabla_c P_{ab} - nabla_b P_{ac} (the 3D conformal test),
        with the Schouten tensor P_{ab} = (R_{ab} - R g_{ab} / (2(n-1))) / (n-2)."""
        n, f, gam = self.n, self.field, self.christoffel
        k = f.constant
        schouten = [[(self.ricci[a][b] - self.ricci_scalar * self.g[a][b] * k(sp.Rational(1, 2 * (n - 1))))
                     * k(sp.Rational(1, n - 2)) for b in range(n)] for a in range(n)]

        def nabla(c, a, b):
            value = schouten[a][b].diff(self.coords[c])
            for e in range(n):
                value = value - gam[e][c][a] * schouten[e][b] - gam[e][c][b] * schouten[a][e]
            return value
        out = {}
        for a in range(n):
            for b, c in self.pairs:
                check("Cotton tensor")
                out[a, b, c] = nabla(c, a, b) - nabla(b, a, c)
        return out


def _dot(u: list[Element], v: list[Element]) -> Element:
    value = u[0].field.zero
    for x, y in zip(u, v):
        if not x.is_zero() and not y.is_zero():
            value = value + x * y
    return value


def _matmul(a: Matrix, b: Matrix) -> Matrix:
    cols = list(zip(*b))
    return [[_dot(row, list(col)) for col in cols] for row in a]
