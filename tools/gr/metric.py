"""The metric: coordinates, components and parameters, and everything computed from them.

>>> from tools.gr import Metric
>>> m = Metric.from_line_element("ds^2 = -(1-2*M/r) dt^2 + dr^2/(1-2*M/r) + r^2 dOmega^2")
>>> m.coords
(t, r, theta, phi)
>>> m.kretschmann()
48*M**2/r**6
>>> m.christoffel()["r", "t", "t"]
M*(-2*M + r)/r**3
>>> m.is_ricci_flat()
True

Results are SymPy objects in a canonical form: numerator and denominator factored over the
integers, computed exactly (see :mod:`tools.gr.algebra`), never by an open-ended
``simplify``.  Every method takes ``timeout=`` seconds (default
:data:`tools.gr.budget.DEFAULT_SECONDS`) and raises :class:`tools.gr.errors.GRTimeout`
when it runs out.  Conventions: signature (-,+,+,+), Misner-Thorne-Wheeler signs (see
:mod:`tools.gr.curvature`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Mapping, Sequence

import sympy as sp

from .algebra import Element, Field
from .budget import check, time_budget
from .curvature import Curvature, determinant
from .errors import MetricError
from .tensor import Tensor

CONVENTIONS = ("signature (-,+,+,+); R^a_{bcd} = d_c Gamma^a_{db} - d_d Gamma^a_{cb} + "
               "Gamma^a_{ce} Gamma^e_{db} - Gamma^a_{de} Gamma^e_{cb}; R_{bd} = R^a_{bad}; "
               "G = c = 1 (Misner-Thorne-Wheeler, Carroll)")


class Metric:
    """A metric g_{ab} on a coordinate chart.

    ``components`` is a symmetric n x n SymPy matrix in the coordinates ``coords``; every
    other free symbol is a parameter.  ``params`` may name them explicitly (with their
    assumptions); ``name`` and ``description`` are for display.
    """

    def __init__(self, components, coords: Sequence[sp.Symbol], *, name: str = "",
                 params: Sequence[sp.Symbol] = (), description: str = ""):
        g = sp.Matrix(components)
        coords = tuple(coords)
        n = len(coords)
        if n < 2:
            raise MetricError(f"a metric needs at least 2 coordinates, got {n}")
        if g.shape != (n, n):
            raise MetricError(f"the metric has shape {g.shape} but there are {n} coordinates "
                              f"({', '.join(map(str, coords))})")
        if not all(isinstance(c, sp.Symbol) for c in coords):
            raise MetricError(f"coordinates must be symbols, got {coords}")
        if len({c.name for c in coords}) != n:
            raise MetricError(f"coordinate names repeat: {', '.join(c.name for c in coords)}")
        self.components = sp.ImmutableMatrix(g)
        self.coords = coords
        self.dim = n
        self.name = name
        self.description = description
        named = {p.name: p for p in params}
        free = sorted((s for s in g.free_symbols if s not in coords), key=lambda s: s.name)
        self.params = tuple(named.get(s.name, s) for s in free) + tuple(
            p for p in params if p.name not in {s.name for s in free})
        asymmetric = [(coords[i].name, coords[j].name) for i in range(n) for j in range(i + 1, n)
                      if g[i, j] != g[j, i] and self._elements[i][j] != self._elements[j][i]]
        if asymmetric:
            raise MetricError("the metric must be symmetric; these components differ from their "
                              f"transposes: {', '.join(f'g_{a}{b}' for a, b in asymmetric)}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_line_element(cls, text: str, coords: Sequence[str | sp.Symbol] | None = None, *,
                          params: Mapping[str, str] | None = None, name: str = "") -> "Metric":
        """Parse ``ds^2 = ...`` (plain text, unicode or LaTeX) through the safe parser.

        ``params`` gives assumptions by name, e.g. ``{"M": "positive"}``.
        """
        from tools.mathparse import parse_line_element

        symbols = _assumed_symbols(params)
        le = parse_line_element(text, coords=coords, symbols=symbols or None)
        return cls(le.matrix, le.coords, name=name, params=tuple(symbols.values()))

    @classmethod
    def from_matrix(cls, rows, coords: Sequence[str | sp.Symbol], *,
                    params: Mapping[str, str] | None = None, name: str = "") -> "Metric":
        """Build from a matrix given as nested lists of strings (parsed safely) or SymPy."""
        from tools.mathparse import parse_matrix

        symbols = _assumed_symbols(params)
        coords = tuple(sp.Symbol(c, real=True) if isinstance(c, str) else c for c in coords)
        for c in coords:
            symbols.setdefault(c.name, c)
        g = rows if isinstance(rows, sp.MatrixBase) else parse_matrix(rows, symbols=symbols)
        return cls(g, coords, name=name, params=tuple(symbols.values()))

    # ------------------------------------------------------------------ exact engine
    @cached_property
    def _field(self) -> Field:
        return Field(self.coords)

    @cached_property
    def _elements(self) -> list[list[Element]]:
        f = self._field
        return [[f.from_sympy(self.components[i, j]) for j in range(self.dim)]
                for i in range(self.dim)]

    @cached_property
    def _curvature(self) -> Curvature:
        return Curvature(self._field, self._elements, self.coords)

    def _sympy(self, value: Element) -> sp.Expr:
        return self._field.to_sympy(value)

    def _run(self, what: str, timeout: float | None, compute):
        with time_budget(timeout, what):
            return compute()

    # ------------------------------------------------------------------ basics
    def line_element(self) -> sp.Expr:
        """ds^2 with differentials written as symbols ``dt``, ``dr``, ..."""
        d = [sp.Symbol("d" + c.name) for c in self.coords]
        return sum((self.components[i, j] * d[i] * d[j]
                    for i in range(self.dim) for j in range(self.dim)), sp.Integer(0))

    def latex(self) -> str:
        return "ds^2 = " + sp.latex(self.line_element())

    def inverse(self, timeout: float | None = None) -> sp.Matrix:
        """g^{ab}"""
        c = self._curvature
        return self._run("inverse metric", timeout, lambda: sp.Matrix(
            self.dim, self.dim, lambda i, j: self._sympy(c.ginv[i][j])))

    def determinant(self, timeout: float | None = None) -> sp.Expr:
        return self._run("metric determinant", timeout,
                         lambda: self._sympy(determinant(self._elements)))

    # ------------------------------------------------------------------ tensors
    def _tensor(self, name, symbol, indices, entries, symmetries=()) -> Tensor:
        n = self.dim
        array = sp.MutableDenseNDimArray.zeros(*([n] * len(indices)))
        # shared components (symmetries) are converted once; the element is kept alive in the
        # cache so that its id cannot be reused by a later temporary
        cache: dict[int, tuple[Element, sp.Expr]] = {}
        for idx, value in entries:
            check(name)
            if value.is_zero():
                continue
            if id(value) not in cache:
                cache[id(value)] = (value, self._sympy(value))
            array[idx] = cache[id(value)][1]
        return Tensor(name, symbol, indices, self.coords, array, symmetries)

    def christoffel(self, timeout: float | None = None) -> Tensor:
        r"""Christoffel symbols of the second kind, Gamma^a_{bc} (symmetric in b, c)."""
        def compute():
            gam = self._curvature.christoffel
            n = self.dim
            return self._tensor("Christoffel symbols", r"\Gamma", "udd",
                                (((a, b, c), gam[a][b][c]) for a in range(n) for b in range(n)
                                 for c in range(n)), symmetries=[(1, 2)])
        return self._run("Christoffel symbols", timeout, compute)

    def riemann(self, timeout: float | None = None, lower: bool = False) -> Tensor:
        """Riemann tensor R^a_{bcd} (``lower=True``: R_{abcd})."""
        n = self.dim

        def compute():
            c = self._curvature
            if lower:
                entries = ((idx, c.riemann_lower(*idx)) for idx in _indices(n, 4))
                return self._tensor("Riemann tensor", "R", "dddd", entries)
            mixed = c.riemann_mixed
            entries = []
            for (a, b, p, q), value in mixed.items():
                entries += [((a, b, p, q), value), ((a, b, q, p), -value)]
            return self._tensor("Riemann tensor", "R", "uddd", entries)
        return self._run("Riemann tensor", timeout, compute)

    def _symmetric(self, name, symbol, matrix_of) -> Tensor:
        n = self.dim
        m = matrix_of()
        return self._tensor(name, symbol, "dd", (((a, b), m[a][b]) for a in range(n) for b in range(n)),
                            symmetries=[(0, 1)])

    def ricci_tensor(self, timeout: float | None = None) -> Tensor:
        """Ricci tensor R_{ab} = R^c_{acb}."""
        return self._run("Ricci tensor", timeout,
                         lambda: self._symmetric("Ricci tensor", "R", lambda: self._curvature.ricci))

    def ricci_scalar(self, timeout: float | None = None) -> sp.Expr:
        """Ricci scalar R = g^{ab} R_{ab}."""
        return self._run("Ricci scalar", timeout, lambda: self._sympy(self._curvature.ricci_scalar))

    def einstein_tensor(self, timeout: float | None = None) -> Tensor:
        """Einstein tensor G_{ab} = R_{ab} - R g_{ab} / 2."""
        return self._run("Einstein tensor", timeout,
                         lambda: self._symmetric("Einstein tensor", "G", lambda: self._curvature.einstein))

    def weyl(self, timeout: float | None = None) -> Tensor:
        """Weyl tensor C_{abcd} (identically zero for dimension <= 3)."""
        n = self.dim

        def compute():
            c = self._curvature
            pairs = c.weyl_pairs if n > 3 else {}
            entries = []
            for ((a, b), (p, q)), value in pairs.items():
                for (i, j), (k, l), s in (((a, b), (p, q), 1), ((b, a), (p, q), -1),
                                          ((a, b), (q, p), -1), ((b, a), (q, p), 1)):
                    entries += [((i, j, k, l), value if s > 0 else -value),
                                ((k, l, i, j), value if s > 0 else -value)]
            return self._tensor("Weyl tensor", "C", "dddd", entries)
        return self._run("Weyl tensor", timeout, compute)

    def lower_index(self, tensor: Tensor, position: int, timeout: float | None = None) -> Tensor:
        """Lower index ``position`` of ``tensor``: T_..a.. = g_{ab} T_..^b.."""
        return self._move_index(tensor, position, "d", timeout)

    def raise_index(self, tensor: Tensor, position: int, timeout: float | None = None) -> Tensor:
        """Raise index ``position`` of ``tensor``: T_..^a.. = g^{ab} T_..b.."""
        return self._move_index(tensor, position, "u", timeout)

    def _move_index(self, tensor: Tensor, position: int, to: str, timeout) -> Tensor:
        if tensor.coords != self.coords:
            raise MetricError("the tensor lives on another chart than this metric")
        if not 0 <= position < tensor.rank:
            raise MetricError(f"{tensor.name} has indices 0..{tensor.rank - 1}, not {position}")
        if tensor.indices[position] == to:
            word = "down" if to == "d" else "up"
            raise MetricError(f"index {position} of {tensor.name} is already {word}")

        def compute():
            f, c = self._field, self._curvature
            mover = c.g if to == "d" else c.ginv
            values = {idx: f.from_sympy(tensor.array[idx])
                      for idx in _indices(self.dim, tensor.rank) if tensor.array[idx] != 0}
            entries = []
            for idx in _indices(self.dim, tensor.rank):
                check(tensor.name)
                value = f.zero
                for k in range(self.dim):
                    source = idx[:position] + (k,) + idx[position + 1:]
                    if source in values and not mover[idx[position]][k].is_zero():
                        value = value + mover[idx[position]][k] * values[source]
                entries.append((idx, value))
            indices = tensor.indices[:position] + to + tensor.indices[position + 1:]
            return self._tensor(tensor.name, tensor.symbol, indices, entries)
        return self._run(f"index move on the {tensor.name}", timeout, compute)

    def signature(self, seed: int = 0) -> tuple[int, ...]:
        """Signs of the metric's eigenvalues at a sample point of the chart, e.g. (-1, 1, 1, 1)."""
        import numpy as np

        from .numeric import evaluate, explicit_functions, sample_point

        point = sample_point(self.coords + self.params, seed)
        functions = explicit_functions(sp.Add(*self.components))
        g = np.array([[float(evaluate(self.components[i, j], point, functions))
                       for j in range(self.dim)] for i in range(self.dim)])
        return tuple(int(v) for v in np.sign(np.linalg.eigvalsh(g)))

    # ------------------------------------------------------------------ scalars
    def kretschmann(self, timeout: float | None = None) -> sp.Expr:
        """Kretschmann scalar R_{abcd} R^{abcd}."""
        return self._run("Kretschmann scalar", timeout, lambda: self._sympy(self._curvature.kretschmann))

    def ricci_squared(self, timeout: float | None = None) -> sp.Expr:
        """R_{ab} R^{ab}."""
        return self._run("Ricci-squared invariant", timeout,
                         lambda: self._sympy(self._curvature.ricci_squared))

    def weyl_squared(self, timeout: float | None = None) -> sp.Expr:
        """C_{abcd} C^{abcd}."""
        return self._run("Weyl-squared invariant", timeout,
                         lambda: self._sympy(self._curvature.weyl_squared))

    def invariants(self, timeout: float | None = None) -> dict[str, sp.Expr]:
        """The Ricci scalar, Ricci squared, Kretschmann and Weyl squared scalars."""
        with time_budget(timeout, "curvature invariants"):
            return {"ricci_scalar": self.ricci_scalar(), "ricci_squared": self.ricci_squared(),
                    "kretschmann": self.kretschmann(), "weyl_squared": self.weyl_squared()}

    # ------------------------------------------------------------------ tests
    def is_ricci_flat(self, timeout: float | None = None) -> bool:
        """True when R_{ab} = 0 identically (a vacuum solution without Lambda)."""
        return self._run("Ricci-flatness test", timeout, lambda: all(
            v.is_zero() for row in self._curvature.ricci for v in row))

    def is_flat(self, timeout: float | None = None) -> bool:
        """True when R_{abcd} = 0 identically."""
        return self._run("flatness test", timeout, lambda: all(
            v.is_zero() for v in self._curvature.riemann_pairs.values()))

    def is_einstein(self, timeout: float | None = None) -> bool:
        """True when R_{ab} = (R/n) g_{ab} with constant R (vacuum with a cosmological constant)."""
        def compute():
            c = self._curvature
            scalar = c.ricci_scalar
            if any(not scalar.diff(x).is_zero() for x in self.coords):
                return False
            k = scalar * self._field.constant(sp.Rational(1, self.dim))
            return all(c.ricci[a][b] == k * c.g[a][b] for a in range(self.dim) for b in range(self.dim))
        return self._run("Einstein-space test", timeout, compute)

    def is_conformally_flat(self, timeout: float | None = None) -> bool:
        """Weyl tensor zero (n >= 4), Cotton tensor zero (n = 3); always true for n = 2."""
        def compute():
            c = self._curvature
            if self.dim == 2:
                return True
            if self.dim == 3:
                return all(v.is_zero() for v in c.cotton.values())
            return all(v.is_zero() for v in c.weyl_pairs.values())
        return self._run("conformal-flatness test", timeout, compute)

    # ------------------------------------------------------------------ matter
    def stress_energy(self, timeout: float | None = None, cosmological_constant=0) -> Tensor:
        """T_{ab} = (G_{ab} + Lambda g_{ab}) / (8 pi) in units G = c = 1."""
        def compute():
            c, f = self._curvature, self._field
            lam = f.from_sympy(sp.sympify(cosmological_constant))
            k = f.from_sympy(1 / (8 * sp.pi))
            t = [[(c.einstein[a][b] + lam * c.g[a][b]) * k for b in range(self.dim)]
                 for a in range(self.dim)]
            n = self.dim
            return self._tensor("stress-energy tensor", "T", "dd",
                                (((a, b), t[a][b]) for a in range(n) for b in range(n)), [(0, 1)])
        return self._run("stress-energy tensor", timeout, compute)

    def energy_conditions(self, timeout: float | None = None, cosmological_constant=0):
        """Null, weak, strong and dominant energy conditions of T = G/(8 pi).

        See :func:`tools.gr.matter.energy_conditions`.
        """
        from .matter import energy_conditions

        return energy_conditions(self, timeout=timeout, cosmological_constant=cosmological_constant)

    # ------------------------------------------------------------------ geodesics
    def geodesic_equations(self, parameter: sp.Symbol | str = "tau", timeout: float | None = None):
        """d^2 x^a/dtau^2 + Gamma^a_{bc} dx^b/dtau dx^c/dtau = 0, one sp.Eq per coordinate."""
        from .geodesic import geodesic_equations

        return geodesic_equations(self, parameter, timeout=timeout)

    # ------------------------------------------------------------------ coordinates
    def transform(self, new_coords: Sequence[sp.Symbol], old_in_new: Mapping[sp.Symbol, sp.Expr],
                  timeout: float | None = None, name: str = "") -> "Metric":
        """The same metric in new coordinates: g'_{ab} = (dx^c/dx'^a)(dx^d/dx'^b) g_{cd}.

        ``old_in_new`` gives every old coordinate as an expression in the new ones.
        """
        from .coordinates import transform

        return transform(self, new_coords, old_in_new, timeout=timeout, name=name)

    def __repr__(self) -> str:
        label = f"{self.name}: " if self.name else ""
        return f"<Metric {label}ds^2 = {sp.sstr(self.line_element())}>"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"


def _indices(n: int, rank: int):
    from itertools import product
    return product(range(n), repeat=rank)


_ASSUMPTIONS = {"positive", "negative", "nonnegative", "nonpositive", "real", "integer", "nonzero"}


def _assumed_symbols(params: Mapping[str, str] | None) -> dict[str, sp.Symbol]:
    out = {}
    for name, assumption in (params or {}).items():
        if assumption not in _ASSUMPTIONS:
            raise MetricError(f"unknown assumption {assumption!r} for {name}; "
                              f"use one of {', '.join(sorted(_ASSUMPTIONS))}")
        out[name] = sp.Symbol(name, **{assumption: True})
    return out
