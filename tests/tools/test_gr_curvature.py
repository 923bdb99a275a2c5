"""Curvature of catalogue metrics against textbook values.

Each expected value is written here from the literature, not from our engine; equality is
checked twice: exactly (the engine's canonical form) and numerically at random points
(independent of the engine's algebra).
"""

import sympy as sp
import pytest

from tools.gr import Metric, catalog
from tools.gr.numeric import numerically_equal

t, r, theta, phi = sp.symbols("t r theta phi", real=True)
M, a, Q, l = sp.symbols("M a Q l", positive=True)
c = sp.cos(theta)


def same(ours, expected, metric):
    """Exact equality in the engine's field and numeric equality outside it."""
    field = metric._field
    assert field.from_sympy(ours) == field.from_sympy(expected), (ours, expected)
    assert numerically_equal(ours, expected, metric.coords + metric.params)


def test_schwarzschild_kretschmann_christoffel_and_vacuum():
    m = catalog.schwarzschild()
    M_, r_ = m.params[0], m.coords[1]
    assert m.kretschmann() == 48 * M_**2 / r_**6          # MTW eq. (31.9) region; Carroll (5.?)
    assert m.is_ricci_flat() and not m.is_flat()
    gamma = m.christoffel()
    same(gamma["r", "t", "t"], M_ * (r_ - 2 * M_) / r_**3, m)      # Carroll (5.21)
    same(gamma["t", "t", "r"], M_ / (r_ * (r_ - 2 * M_)), m)
    same(gamma["theta", "phi", "phi"], -sp.sin(m.coords[2]) * sp.cos(m.coords[2]), m)
    same(gamma["phi", "theta", "phi"], sp.cos(m.coords[2]) / sp.sin(m.coords[2]), m)
    assert gamma["r", "theta", "phi"] == 0


def test_kerr_is_ricci_flat_with_the_closed_form_kretschmann():
    m = catalog.kerr()
    names = {s.name: s for s in m.coords + m.params}
    M_, a_, r_, th = names["M"], names["a"], names["r"], names["theta"]
    x = sp.cos(th)
    expected = 48 * M_**2 * (r_**6 - 15 * a_**2 * r_**4 * x**2 + 15 * a_**4 * r_**2 * x**4
                             - a_**6 * x**6) / (r_**2 + a_**2 * x**2)**6
    assert m.is_ricci_flat()
    same(m.kretschmann(), expected, m)
    # the a -> 0 limit is Schwarzschild
    assert sp.simplify(m.kretschmann().subs(a_, 0) - 48 * M_**2 / r_**6) == 0


def test_reissner_nordstrom_traceless_but_not_vacuum():
    m = catalog.reissner_nordstrom()
    names = {s.name: s for s in m.coords + m.params}
    M_, Q_, r_, th = names["M"], names["Q"], names["r"], names["theta"]
    assert m.ricci_scalar() == 0                      # Maxwell stress-energy is traceless
    assert not m.is_ricci_flat()
    ricci = m.ricci_tensor()
    same(ricci["theta", "theta"], Q_**2 / r_**2, m)
    # Kretschmann of Reissner-Nordstrom: (48 M^2 r^2 - 96 M Q^2 r + 56 Q^4) / r^8
    same(m.kretschmann(), (48 * M_**2 * r_**2 - 96 * M_ * Q_**2 * r_ + 56 * Q_**4) / r_**8, m)
    # Electromagnetic energy density Q^2 / (8 pi r^4) for a static observer
    T = m.stress_energy()
    f = 1 - 2 * M_ / r_ + Q_**2 / r_**2
    same(T["t", "t"] / f, Q_**2 / (8 * sp.pi * r_**4), m)


def test_de_sitter_and_anti_de_sitter_scalar_curvature():
    ds, ads = catalog.de_sitter(), catalog.anti_de_sitter()
    l_ = ds.params[0]
    assert ds.ricci_scalar() == 12 / l_**2
    assert ads.ricci_scalar() == -12 / ads.params[0]**2
    assert ds.is_einstein() and ads.is_einstein()
    assert ds.is_conformally_flat() and not ds.is_flat()
    # maximally symmetric: K = R^2 / 6 in four dimensions
    assert ds.kretschmann() == 24 / l_**4


def test_flrw_gives_the_friedmann_equations_and_is_conformally_flat():
    m = catalog.flrw()
    names = {s.name: s for s in m.coords + m.params}
    t_, r_, k = names["t"], names["r"], names["k"]
    a_ = sp.Function("a", real=True)(t_)
    ad, add = a_.diff(t_), a_.diff(t_, 2)
    G = m.einstein_tensor()
    # 8 pi rho = G_tt = 3 (adot^2 + k) / a^2  (first Friedmann equation)
    same(G["t", "t"], 3 * (ad**2 + k) / a_**2, m)
    # 8 pi p = G^r_r = -(2 addot/a + (adot^2 + k)/a^2)  (second Friedmann equation)
    same(G["r", "r"] / m.components[1, 1], -(2 * add / a_ + (ad**2 + k) / a_**2), m)
    same(m.ricci_scalar(), 6 * (add / a_ + (ad**2 + k) / a_**2), m)
    assert m.is_conformally_flat()
    assert m.weyl().is_zero()


def test_round_sphere_has_positive_curvature():
    assert catalog.sphere().ricci_scalar() == 2 / catalog.sphere().params[0]**2


@pytest.mark.parametrize("name", ["schwarzschild_isotropic", "eddington_finkelstein",
                                  "painleve_gullstrand", "kruskal_szekeres"])
def test_schwarzschild_in_other_charts_is_the_same_spacetime(name):
    """Vacuum, and the Kretschmann scalar is 48 M^2 / r^6 with r the areal radius."""
    m = catalog.get(name)
    assert m.is_ricci_flat()
    areal_radius = sp.sqrt(m.components[3, 3] / sp.sin(m.coords[2])**2)
    mass = next(p for p in m.params if p.name == "M")
    assert numerically_equal(m.kretschmann(), 48 * mass**2 / areal_radius**6, m.coords + m.params)


@pytest.mark.parametrize("name", ["kerr_newman", "taub_nut", "bertotti_robinson",
                                  "schwarzschild_de_sitter"])
def test_known_ricci_structure(name):
    m = catalog.get(name)
    p = {s.name: s for s in m.params}
    if name == "taub_nut":
        assert m.is_ricci_flat()
    if name == "schwarzschild_de_sitter":
        assert m.is_einstein() and m.ricci_scalar() == 4 * p["Lambda"]
    if name == "bertotti_robinson":
        assert m.ricci_scalar() == 0 and m.is_conformally_flat()
        assert m.kretschmann() == 8 / p["Q"]**4
    if name == "kerr_newman":
        assert m.ricci_scalar() == 0 and not m.is_ricci_flat()


@pytest.mark.parametrize("name", ["minkowski", "minkowski_spherical", "rindler", "milne"])
def test_flat_spacetimes(name):
    assert catalog.get(name).is_flat()


def test_vaidya_is_null_dust():
    m = catalog.vaidya()
    v, r_ = m.coords[0], m.coords[1]
    mass = sp.Function("m", real=True)(v)
    ricci = m.ricci_tensor()
    same(ricci["v", "v"], 2 * mass.diff(v) / r_**2, m)    # R_vv = 2 m'(v) / r^2
    assert set(ricci.nonzero()) == {("v", "v")}


def test_pp_wave_ricci_is_minus_half_the_transverse_laplacian():
    m = catalog.pp_wave()
    u, v, x, y = m.coords
    H = sp.Function("H", real=True)(u, x, y)
    ricci = m.ricci_tensor()
    same(ricci["u", "u"], -(H.diff(x, 2) + H.diff(y, 2)) / 2, m)
    assert set(ricci.nonzero()) == {("u", "u")}


def test_goedel_is_dust_with_cosmological_constant():
    """R_ab = u_a u_b / a^2 (Hawking & Ellis sec. 5.7); R_ab is unchanged by g -> -g but R
    flips sign, so in (-,+,+,+) R = -1/a^2 (Goedel's +1/a^2 is for (+,-,-,-)).
    Weyl: Petrov type D with C^2 = 4/(3 a^4), hence K = C^2 + 2 R_ab R^ab - R^2/3 = 3/a^4."""
    m = catalog.goedel()
    a_ = m.params[0]
    assert m.ricci_scalar() == -1 / a_**2
    assert m.ricci_squared() == 1 / a_**4
    assert m.weyl_squared() == sp.Rational(4, 3) / a_**4
    assert m.kretschmann() == 3 / a_**4


def test_morris_thorne_wormhole_violates_the_null_energy_condition():
    """Morris & Thorne (1988) eqs. (14): rho = b'/(8 pi r^2), p_r = -b/(8 pi r^3) + ..."""
    m = catalog.morris_thorne()
    r_ = m.coords[1]
    b0 = sp.Symbol("b0", positive=True)
    b, Phi = sp.Function("b", real=True), sp.Function("Phi", real=True)
    ec = m.energy_conditions()
    same(ec.density, b(r_).diff(r_) / (8 * sp.pi * r_**2), m)
    same(ec.pressures[0], -b(r_) / (8 * sp.pi * r_**3)
         + (1 - b(r_) / r_) * Phi(r_).diff(r_) / (4 * sp.pi * r_), m)
    # the Ellis-like throat b = b0^2 / r with zero redshift function
    ellis = Metric(m.components.subs({b(r_): b0**2 / r_, Phi(r_): 0}).doit(), m.coords)
    conditions = ellis.energy_conditions()
    assert sp.simplify(conditions.density + conditions.pressures[0] + b0**2 / (4 * sp.pi * r_**4)) == 0
    assert conditions.holds["null"] is False and conditions.holds["weak"] is False


def test_alcubierre_eulerian_energy_density_is_negative():
    """Alcubierre (1994) eq. (19): T^{ab} n_a n_b = -v^2 (y^2 + z^2) f'(r_s)^2 / (32 pi r_s^2)."""
    m = catalog.alcubierre()
    t_, x, y, z = m.coords
    xs = sp.Function("x_s", real=True)(t_)
    f = sp.Function("f", real=True)
    rs = sp.sqrt((x - xs)**2 + y**2 + z**2)
    T = sp.Matrix(m.stress_energy().array.tolist())
    ginv = m.inverse()
    t_up_tt = (ginv * T * ginv)[0, 0]           # n_a = (-1, 0, 0, 0): lapse one
    rho = sp.Symbol("rho")
    fprime = sp.Subs(sp.Derivative(f(rho), rho), rho, rs)
    expected = -xs.diff(t_)**2 * (y**2 + z**2) * fprime**2 / (32 * sp.pi * rs**2)
    assert numerically_equal(t_up_tt, expected, m.coords + m.params)


def test_vacuum_satisfies_every_energy_condition_and_dust_too():
    assert all(catalog.schwarzschild().energy_conditions().holds.values())
    m = catalog.vaidya()
    point = {"v": 0.3, "r": 3.0, "theta": 1.0, "phi": 0.2}
    increasing = Metric(m.components.subs(sp.Function("m", real=True)(m.coords[0]),
                                          1 + m.coords[0] / 4), m.coords)
    assert increasing.energy_conditions().at(point) == {
        "null": True, "weak": True, "strong": True, "dominant": True}
    decreasing = Metric(m.components.subs(sp.Function("m", real=True)(m.coords[0]),
                                          1 - m.coords[0] / 4), m.coords)
    assert decreasing.energy_conditions().at(point)["null"] is False
