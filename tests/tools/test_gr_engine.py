"""The engine's machinery: exact field, budgets, errors, transformations, geodesics, LaTeX."""

import math

import numpy as np
import pytest
import sympy as sp

from tools.gr import GRTimeout, Metric, MetricError, UnsupportedExpression, catalog
from tools.gr.algebra import Field
from tools.gr.geodesic import integrate_geodesic

t, r, theta, phi, x = sp.symbols("t r theta phi x", real=True)
M, a = sp.symbols("M a", positive=True)


def test_field_decides_trig_and_root_identities_exactly():
    F = Field([r, theta])
    s, c = sp.sin(theta), sp.cos(theta)
    assert F.from_sympy(s**2 + c**2 - 1).is_zero()
    assert F.from_sympy(sp.sin(2 * theta) - 2 * s * c).is_zero()
    assert F.from_sympy(sp.tan(theta) * c - s).is_zero()
    assert F.from_sympy(sp.sqrt(2 * M * r)**2 - 2 * M * r).is_zero()
    assert F.from_sympy(1 / (1 + s) - (1 - s) / c**2).is_zero()       # rationalised denominator
    assert F.from_sympy(sp.cosh(r)**2 - sp.sinh(r)**2 - 1).is_zero()
    assert F.from_sympy(sp.exp(2 * r) * sp.exp(-r) - sp.exp(r)).is_zero()
    assert not F.from_sympy(s - c).is_zero()


def test_field_derivatives_match_sympy():
    r = sp.Symbol("r", positive=True)       # square roots are taken on the r > 0 branch
    F = Field([r, theta])
    f = sp.Function("f", real=True)
    exprs = [sp.sin(theta)**3 / (r**2 + a**2 * sp.cos(theta)**2), sp.sqrt(2 * M / r),
             sp.exp(-r / (2 * M)) * f(r)**2, sp.LambertW(r**2 / sp.E), f(sp.sqrt(r**2 + theta**2))]
    for e in exprs:
        for v in (r, theta):
            ours = F.to_sympy(F.from_sympy(e).diff(v))
            assert sp.simplify((ours - sp.diff(e, v)).doit()) == 0, (e, v)


def test_a_computation_past_its_budget_stops_with_a_clear_error():
    with pytest.raises(GRTimeout, match="Kretschmann scalar did not finish within its budget of 0.001 s"):
        catalog.kerr_newman().kretschmann(timeout=1e-3)


def test_unsupported_functions_and_bad_metrics_are_refused():
    odd = Metric(sp.diag(-1, sp.Abs(r)), [t, r])       # constructing it is fine
    with pytest.raises(UnsupportedExpression, match="Abs"):
        odd.ricci_scalar()
    with pytest.raises(MetricError, match="symmetric"):
        Metric(sp.Matrix([[-1, r], [0, 1]]), [t, r])
    with pytest.raises(MetricError, match="degenerate"):
        Metric(sp.Matrix([[1, 1], [1, 1]]), [t, r]).ricci_scalar()
    with pytest.raises(MetricError, match="shape"):
        Metric(sp.eye(3), [t, r])
    with pytest.raises(MetricError, match="close matches|Did you mean|unknown"):
        catalog.get("kerr_newmann_xyz")


def test_minkowski_in_spherical_coordinates_by_transformation():
    cart = catalog.minkowski()
    T, X, Y, Z = cart.coords
    sph = cart.transform((t, r, theta, phi), {T: t, X: r * sp.sin(theta) * sp.cos(phi),
                                               Y: r * sp.sin(theta) * sp.sin(phi), Z: r * sp.cos(theta)})
    assert sph.components == sp.diag(-1, 1, r**2, r**2 * sp.sin(theta)**2)


def test_schwarzschild_to_ingoing_eddington_finkelstein():
    """t = v - r - 2M log(r/2M - 1) gives -(1-2M/r) dv^2 + 2 dv dr + r^2 dOmega^2 (MTW Box 31.2)."""
    m = catalog.schwarzschild()
    T, R, TH, PH = m.coords
    Mm = m.params[0]
    v = sp.Symbol("v", real=True)
    ef = m.transform((v, R, TH, PH), {T: v - R - 2 * Mm * sp.log(R / (2 * Mm) - 1), R: R, TH: TH, PH: PH})
    expected = catalog.eddington_finkelstein()
    diff = (ef.components - expected.components.xreplace(
        {s: {c.name: c for c in ef.coords + ef.params}[s.name] for s in expected.components.free_symbols}))
    assert diff.applyfunc(sp.simplify) == sp.zeros(4, 4)


def test_circular_orbit_in_schwarzschild_keeps_its_radius_and_period():
    """At r = 10 M: dphi/dt = sqrt(M / r^3), u^t = 1/sqrt(1 - 3M/r) (Carroll sec. 5.4)."""
    m = catalog.schwarzschild()
    R = 10.0
    ut = 1 / math.sqrt(1 - 3 / R)
    uphi = ut * math.sqrt(1 / R**3)
    period = 2 * math.pi / math.sqrt(1 / R**3)              # coordinate time of one orbit
    sol = integrate_geodesic(m, [0, R, math.pi / 2, 0], [ut, 0, 0, uphi], (0, period / ut),
                             values={"M": 1.0}, dense_output=True)
    assert sol.success
    rs = sol.y[1]
    assert np.max(np.abs(rs - R)) < 1e-7
    assert abs(sol.y[3, -1] - 2 * math.pi) < 1e-6
    assert abs(sol.y[0, -1] - period) < 1e-6


def test_geodesic_equations_are_the_textbook_radial_equation():
    m = catalog.schwarzschild()
    eqs = m.geodesic_equations()
    tau = sp.Symbol("tau", real=True)
    Tf, Rf = (sp.Function(c.name, real=True)(tau) for c in m.coords[:2])
    Mm = m.params[0]
    # the t equation: t'' = -2 M / (r (r - 2M)) t' r'
    assert sp.simplify(eqs[0].rhs + 2 * Mm / (Rf * (Rf - 2 * Mm)) * Tf.diff(tau) * Rf.diff(tau)) == 0


def test_latex_lists_nonzero_components_once():
    text = catalog.schwarzschild().christoffel().latex()
    assert text.startswith("\\begin{aligned}")
    assert "\\Gamma^{r}_{t t}" in text and "\\Gamma^{r}_{r t}" not in text
    assert catalog.minkowski().riemann().latex() == "R = 0"


def test_line_element_round_trip_through_the_parser():
    m = Metric.from_line_element("ds^2 = -(1-2M/r) dt^2 + dr^2/(1-2M/r) + r^2 dOmega^2",
                                 params={"M": "positive"})
    assert [c.name for c in m.coords] == ["t", "r", "theta", "phi"]
    assert m.kretschmann() == 48 * M**2 / sp.Symbol("r", real=True)**6


def test_two_dimensional_and_three_dimensional_metrics():
    # 3D: the round 3-sphere is conformally flat (Cotton tensor zero), R = 6/a^2
    chi = sp.Symbol("chi", real=True)
    s3 = Metric(sp.diag(a**2, a**2 * sp.sin(chi)**2, a**2 * sp.sin(chi)**2 * sp.sin(theta)**2),
                [chi, theta, phi])
    assert s3.ricci_scalar() == 6 / a**2
    assert s3.is_conformally_flat()
    # the hyperbolic plane has R = -2
    y = sp.Symbol("y", positive=True)
    assert Metric(sp.diag(1 / y**2, 1 / y**2), [x, y]).ricci_scalar() == -2


def test_the_numeric_judge_tells_close_values_apart():
    from tools.gr.numeric import numerically_equal

    assert numerically_equal(M * (r - 2 * M) / r**3, M / r**2 - 2 * M**2 / r**3, [r, M])
    assert not numerically_equal(M / r**2, M / r**2 * (1 + sp.Rational(1, 10**15)), [r, M])
    assert not numerically_equal(sp.sin(theta)**2, 1 - sp.cos(theta), [theta])


def test_index_gymnastics_against_hand_values():
    m = catalog.schwarzschild()
    T, R = m.coords[:2]
    Mm = m.params[0]
    # Gamma_{r t t} = -(1/2) d_r g_tt = M / r^2 (first kind, by hand from g_tt = -(1 - 2M/r))
    first = m.lower_index(m.christoffel(), 0)
    assert first.indices == "ddd" and first["r", "t", "t"] == Mm / R**2
    # R^{ab} R_{ab} from raised Ricci equals the Kretschmann-free textbook value for RN
    rn = catalog.reissner_nordstrom()
    ricci = rn.ricci_tensor()
    up = rn.raise_index(rn.raise_index(ricci, 0), 1)
    total = sum(up.array[a, b] * ricci.array[a, b] for a in range(4) for b in range(4))
    Q, r = rn.params[1] if rn.params[1].name == "Q" else rn.params[0], rn.coords[1]
    assert sp.simplify(total - 4 * Q**4 / r**8) == 0          # (Q^2/r^4)^2 x 4
    # lowering R^a_{bcd} gives back R_{abcd}, whose components are textbook values
    lower = m.riemann(lower=True)
    assert m.lower_index(m.riemann(), 0).array == lower.array
    TH = m.coords[2]
    assert lower["theta", "phi", "theta", "phi"] == 2 * Mm * R * sp.sin(TH)**2    # frame value 2M/r^3 (MTW 31.4) x g_thth g_phph
    assert lower["theta", "phi", "phi", "theta"] == -2 * Mm * R * sp.sin(TH)**2
    assert lower["t", "r", "t", "r"] == -2 * Mm / R**3
    with pytest.raises(MetricError, match="already down"):
        m.lower_index(m.ricci_tensor(), 0)


def test_signature_is_lorentzian_or_riemannian():
    assert catalog.kerr().signature() == (-1, 1, 1, 1)
    assert catalog.sphere().signature() == (1, 1)


def test_in_vacuum_the_weyl_tensor_is_the_riemann_tensor():
    for name in ("schwarzschild", "kerr"):
        m = catalog.get(name)
        assert m.weyl().array == m.riemann(lower=True).array
