"""The metric catalogue: shapes, symmetry, signature, the registry, and an independent engine.

Structural checks need no curvature engine: every metric is evaluated numerically at a
point inside its chart (free functions replaced by concrete ones) and must have the
signature it claims.  The physics check uses einsteinpy (a second, independent engine that
simplifies with SymPy) on the metrics where it finishes in seconds; the expected Ricci
scalars are textbook values, not outputs of our engine.
"""

import math
import time

import numpy as np
import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

from tools.gr import catalog
from tools.gr.errors import MetricError

# A point inside the charts of the catalogue (r = 2.5 lies outside every horizon for these
# parameter values, inside the de Sitter horizon l = 3 and inside r < 1/sqrt(k) for k = 0.1);
# INSIDE moves it for the charts it misses.
POINT = {"t": 0.3, "r": 2.5, "theta": 1.1, "phi": 0.4, "x": 0.7, "y": -0.2, "z": 0.5,
         "u": 0.6, "v": 0.9, "T": 0.3, "X": 1.2, "chi": 0.8, "rho": 1.7,
         "M": 1.0, "a": 0.5, "Q": 0.3, "l": 3.0, "Lambda": 0.01, "n": 0.4, "g": 1.3,
         "R0": 5.0, "k": 0.1}
INSIDE = {"flrw_closed": {"r": 0.5}}                 # k = +1: 0 <= r < 1

# Concrete stand-ins for the catalogue's free functions.
FUNCTIONS = {"a": lambda t: 1 + t**2, "Phi": lambda r: r / 10, "b": lambda r: 1 / r,
             "m": lambda v: 1 + v / 10, "H": lambda u, x, y: u * (x**2 - y**2),
             "x_s": lambda t: t**2 / 2, "f": lambda s: sp.exp(-s**2)}


def numeric(expr, point=POINT) -> float:
    """expr with the free functions made concrete and every symbol given its value."""
    expr = sp.sympify(expr).replace(lambda e: isinstance(e, AppliedUndef),
                                    lambda e: FUNCTIONS[e.func.__name__](*e.args)).doit()
    value = complex(expr.subs({s: point[s.name] for s in expr.free_symbols}).evalf())
    assert abs(value.imag) < 1e-12, (expr, value)
    return value.real


def numeric_matrix(metric) -> np.ndarray:
    point = dict(POINT, **INSIDE.get(metric.name, {}))
    return np.array([[numeric(metric.components[i, j], point) for j in range(metric.dim)]
                     for i in range(metric.dim)])


ALL = catalog.names()


def test_names_are_sorted_canonical_and_complete():
    assert ALL == sorted(ALL)
    assert {"minkowski", "minkowski_spherical", "schwarzschild", "schwarzschild_isotropic",
            "eddington_finkelstein", "painleve_gullstrand", "kruskal_szekeres",
            "reissner_nordstrom", "kerr", "kerr_newman", "schwarzschild_de_sitter", "de_sitter",
            "anti_de_sitter", "flrw", "flrw_flat", "flrw_open", "flrw_closed", "einstein_static",
            "milne", "rindler", "goedel", "morris_thorne", "alcubierre", "vaidya", "pp_wave",
            "bertotti_robinson", "taub_nut", "sphere"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_each_metric_is_well_formed(name):
    m = catalog.get(name)
    assert m.name == name
    function = getattr(catalog, name)
    assert function().components == m.components
    n = len(m.coords)
    assert m.components.shape == (n, n)
    assert m.components == m.components.T
    assert all(c.is_real for c in m.coords)
    # every free symbol other than a coordinate is a declared parameter with assumptions
    assert m.components.free_symbols - set(m.coords) <= set(m.params)
    assert all(p.is_real for p in m.params)
    doc = function.__doc__
    assert "Source:" in doc and ">>>" in doc and "ds^2" in doc


@pytest.mark.parametrize("name", ALL)
def test_signature_at_a_point_in_the_chart(name):
    m = catalog.get(name)
    g = numeric_matrix(m)
    det = np.linalg.det(g)
    eigenvalues = np.linalg.eigvalsh(g)
    if name == "sphere":
        assert m.dim == 2 and det > 0 and (eigenvalues > 0).all()
    else:
        assert m.dim == 4
        assert det < 0, det
        assert (eigenvalues < 0).sum() == 1, eigenvalues            # (-,+,+,+)


def test_determinants_stated_in_the_docstrings():
    goedel = catalog.goedel()
    a, x = goedel.params[0], goedel.coords[1]
    assert sp.simplify(goedel.components.det() + a**8 * sp.exp(2 * x) / 2) == 0
    assert sp.simplify(catalog.alcubierre().components.det()) == -1
    assert sp.simplify(catalog.pp_wave().components.det()) == -1


@pytest.mark.parametrize("T, X", [(0.3, 1.2), (-0.5, 0.9), (0.8, 0.3), (0.1, -2.0)])
def test_kruskal_radius_solves_its_defining_relation(T, X):
    """(r/2M - 1) e^{r/2M} = X^2 - T^2; r > 2M outside (|X| > |T|), r < 2M inside."""
    m = catalog.kruskal_szekeres()
    point = dict(POINT, T=T, X=X, M=1.3)
    r = math.sqrt(numeric(m.components[2, 2], point))
    mass = point["M"]
    assert (r / (2 * mass) - 1) * math.exp(r / (2 * mass)) == pytest.approx(X**2 - T**2)
    assert (r > 2 * mass) == (abs(X) > abs(T))
    # the conformal factor is 32 M^3 e^{-r/2M} / r with that r
    assert numeric(m.components[1, 1], point) == pytest.approx(
        32 * mass**3 * math.exp(-r / (2 * mass)) / r)


def test_the_registry_understands_spellings_and_aliases():
    expected = {
        "Reissner–Nordström": "reissner_nordstrom", "RN": "reissner_nordstrom",
        "Schwarzschild": "schwarzschild", "schwarzschild_ef": "eddington_finkelstein",
        "ingoing Eddington-Finkelstein": "eddington_finkelstein",
        "kn": "kerr_newman", "Kerr-Newman": "kerr_newman", "dS": "de_sitter",
        "AdS": "anti_de_sitter", "anti-de Sitter space": "anti_de_sitter",
        "godel": "goedel", "Gödel": "goedel", "wormhole": "morris_thorne",
        "warp drive": "alcubierre", "kottler": "schwarzschild_de_sitter",
        "Schwarzschild–de Sitter": "schwarzschild_de_sitter", "PG": "painleve_gullstrand",
        "Painlevé-Gullstrand": "painleve_gullstrand", "KS": "kruskal_szekeres",
        "boyer_lindquist": "kerr", "kerr_bl": "kerr", "Kerr metric": "kerr",
        "brinkmann": "pp_wave", "pp-wave": "pp_wave", "nut": "taub_nut", "Taub-NUT": "taub_nut",
        "Bertotti-Robinson": "bertotti_robinson", "FRW": "flrw",
    }
    for spelling, name in expected.items():
        assert catalog.get(spelling).name == name, spelling


def test_keywords_go_to_the_function_or_fix_a_parameter():
    assert catalog.get("flrw", k=1).components == catalog.flrw_closed().components
    assert catalog.get("flrw", k=-1).name == "flrw_open"
    assert catalog.flrw().params[0].name == "k" and catalog.flrw_flat().params == ()
    slow = catalog.get("kerr", a=0)
    assert [p.name for p in slow.params] == ["M"]
    difference = slow.components - catalog.schwarzschild().components
    assert difference.applyfunc(sp.simplify) == sp.zeros(4, 4)
    assert catalog.get("schwarzschild", M=1).components[0, 0] == -1 + 2 / sp.Symbol("r", real=True)
    with pytest.raises(MetricError, match="k must be -1, 0 or \\+1"):
        catalog.get("flrw", k=2)
    with pytest.raises(MetricError, match="no parameter spin; its parameters are: M, a"):
        catalog.get("kerr", spin=0.5)
    with pytest.raises(MetricError, match="a number or a SymPy expression"):
        catalog.get("kerr", a="__import__('os')")


def test_unknown_names_fail_with_close_matches():
    with pytest.raises(MetricError, match="close matches: kerr_newman"):
        catalog.get("kerr_newmann")
    with pytest.raises(MetricError, match="close matches: .*schwarzschild"):
        catalog.get("Schwarzchild")
    with pytest.raises(ValueError, match="unknown metric"):           # MetricError is a ValueError
        catalog.get("kerr_newmann_xyz")
    # a line element is not a name: the caller falls back to the parser on MetricError
    with pytest.raises(MetricError, match="known metrics: alcubierre, "):
        catalog.get("ds^2 = -dt^2 + dx^2")
    with pytest.raises(MetricError, match="a catalogue name is a string"):
        catalog.get(3)


# --------------------------------------------------------------------------- second engine
# Ricci scalars from the literature, in signature (-,+,+,+) with MTW/Carroll signs.
# Goedel: R_ab = u_a u_b / a^2 with u_a u^a = -1 (8 pi rho = 1/a^2, Lambda = -1/(2a^2)), so
# R = -1/a^2 here; Goedel's own +1/a^2 is written in signature (+,-,-,-).
RICCI_SCALAR = {
    "minkowski_spherical": lambda p: 0,
    "schwarzschild": lambda p: 0,
    "schwarzschild_isotropic": lambda p: 0,
    "eddington_finkelstein": lambda p: 0,
    "painleve_gullstrand": lambda p: 0,
    "reissner_nordstrom": lambda p: 0,
    "schwarzschild_de_sitter": lambda p: 4 * p["Lambda"],
    "de_sitter": lambda p: 12 / p["l"]**2,
    "de_sitter_flat_slicing": lambda p: 12 / p["l"]**2,
    "anti_de_sitter": lambda p: -12 / p["l"]**2,
    "einstein_static": lambda p: 6 / p["R0"]**2,
    "bertotti_robinson": lambda p: 0,
    "goedel": lambda p: -1 / p["a"]**2,
    "rindler": lambda p: 0,
    "milne": lambda p: 0,
    "vaidya": lambda p: 0,
    "pp_wave": lambda p: 0,
    "sphere": lambda p: 2 / p["a"]**2,
}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", sorted(RICCI_SCALAR))
def test_einsteinpy_ricci_scalar_matches_the_literature(name):
    from einsteinpy.symbolic import MetricTensor, RicciScalar

    m = catalog.get(name)
    start = time.perf_counter()
    R = RicciScalar.from_metric(MetricTensor(sp.Array(m.components.tolist()), m.coords)).expr
    expected = RICCI_SCALAR[name]({s.name: s for s in m.params})
    assert sp.simplify(R - expected) == 0, (R, expected)
    assert time.perf_counter() - start < 60


@pytest.mark.timeout(300)
def test_einsteinpy_flrw_ricci_scalar():
    """R = 6 (a''/a + (a'^2 + k)/a^2) (Carroll ch. 8)."""
    from einsteinpy.symbolic import MetricTensor, RicciScalar

    m = catalog.flrw()
    t, k = m.coords[0], m.params[0]
    a = sp.Function("a", real=True)(t)
    R = RicciScalar.from_metric(MetricTensor(sp.Array(m.components.tolist()), m.coords)).expr
    assert sp.simplify(R - 6 * (a.diff(t, 2) / a + (a.diff(t)**2 + k) / a**2)) == 0
