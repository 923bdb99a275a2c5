r"""A catalogue of exact spacetimes: one plain function per metric, with its source.

>>> from tools.gr import catalog
>>> catalog.get("Reissner–Nordström").name
'reissner_nordstrom'
>>> catalog.get("flrw", k=1).components[1, 1]
a(t)**2/(1 - r**2)
>>> "kerr" in catalog.names()
True

Conventions (see :data:`tools.gr.metric.CONVENTIONS`): geometrized units G = c = 1,
signature (-,+,+,+), Misner-Thorne-Wheeler / Carroll curvature signs, so the round
2-sphere of radius a has R = +2/a^2 and de Sitter space has R = +12/l^2.  Coordinates are
real symbols; the parameters carry their assumptions (M, a, Q, l, n, g, R0 positive;
Lambda and the curvature index k real); free functions (a(t), m(v), H(u, x, y), ...) are
real undefined SymPy functions.  Every docstring gives the line element, the chart and
its range, the parameters and the source; the curvature facts it states are textbook
values that the tests check with two independent engines.

:func:`get` finds a metric by name: case, accents, hyphens and spaces do not matter, common
aliases (``"rn"``, ``"ads"``, ``"godel"``, ``"warp drive"``, ...) are understood, and
keyword arguments either go to the function (``get("flrw", k=-1)``) or give a parameter a
value (``get("kerr", a=0)``).
"""

from __future__ import annotations

import difflib
import inspect
import re
import unicodedata
from numbers import Number

import sympy as sp

from .errors import MetricError
from .metric import Metric

# Coordinates (real) and parameters (with their assumptions), shared by the functions below.
t, r, theta, phi = sp.symbols("t r theta phi", real=True)
x, y, z = sp.symbols("x y z", real=True)
u, v = sp.symbols("u v", real=True)
T, X = sp.symbols("T X", real=True)
chi, rho = sp.symbols("chi rho", real=True)

M = sp.Symbol("M", positive=True)            # mass
a = sp.Symbol("a", positive=True)            # spin a = J/M; Goedel scale; sphere radius
Q = sp.Symbol("Q", positive=True)            # charge (geometrized Gaussian units)
l = sp.Symbol("l", positive=True)            # (anti-)de Sitter radius
Lambda = sp.Symbol("Lambda", real=True)      # cosmological constant
n = sp.Symbol("n", positive=True)            # NUT parameter
g = sp.Symbol("g", positive=True)            # Rindler proper acceleration
R0 = sp.Symbol("R0", positive=True)          # radius of the Einstein static universe
curvature_index = sp.Symbol("k", real=True)  # FLRW curvature index, when left symbolic


def _round_sphere(radius_squared) -> list:
    """The two diagonal entries of radius^2 dOmega^2 = radius^2 (dtheta^2 + sin^2 theta dphi^2)."""
    return [radius_squared, radius_squared * sp.sin(theta)**2]


def _static_spherical(f, name: str, params, description: str) -> Metric:
    """-f dt^2 + dr^2 / f + r^2 dOmega^2 in (t, r, theta, phi)."""
    return Metric(sp.diag(-f, 1 / f, *_round_sphere(r**2)), (t, r, theta, phi), name=name,
                  params=params, description=description)


# ---------------------------------------------------------------------------- flat space
def minkowski() -> Metric:
    r"""Minkowski spacetime in Cartesian coordinates.

    ds^2 = -dt^2 + dx^2 + dy^2 + dz^2,  t, x, y, z \in (-\infty, \infty).

    No parameters.  Flat: the Riemann tensor vanishes.

    Source: Carroll, Spacetime and Geometry (2004), ch. 1; Misner, Thorne & Wheeler,
    Gravitation (1973), ch. 2.

    >>> minkowski().coords
    (t, x, y, z)
    """
    return Metric(sp.diag(-1, 1, 1, 1), (t, x, y, z), name="minkowski",
                  description="Minkowski spacetime, Cartesian coordinates")


def minkowski_spherical() -> Metric:
    r"""Minkowski spacetime in spherical polar coordinates.

    ds^2 = -dt^2 + dr^2 + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    t \in (-\infty, \infty), r > 0, \theta \in (0, \pi), \phi \in [0, 2\pi).

    No parameters.  Flat; the chart is singular on the axis \theta = 0, \pi and at r = 0.

    Source: Carroll, Spacetime and Geometry (2004), ch. 1 and ch. 2.

    >>> minkowski_spherical().components[3, 3]
    r**2*sin(theta)**2
    """
    return Metric(sp.diag(-1, 1, *_round_sphere(r**2)), (t, r, theta, phi),
                  name="minkowski_spherical",
                  description="Minkowski spacetime, spherical coordinates")


def minkowski_cylindrical() -> Metric:
    r"""Minkowski spacetime in cylindrical coordinates.

    ds^2 = -dt^2 + d\rho^2 + \rho^2 d\phi^2 + dz^2,
    t, z \in (-\infty, \infty), \rho > 0, \phi \in [0, 2\pi).

    No parameters.  Flat.

    Source: Carroll, Spacetime and Geometry (2004), ch. 2.

    >>> minkowski_cylindrical().coords
    (t, rho, phi, z)
    """
    return Metric(sp.diag(-1, 1, rho**2, 1), (t, rho, phi, z), name="minkowski_cylindrical",
                  description="Minkowski spacetime, cylindrical coordinates")


# ---------------------------------------------------------------------------- Schwarzschild
def schwarzschild() -> Metric:
    r"""Schwarzschild spacetime in Schwarzschild coordinates.

    ds^2 = -(1 - 2M/r) dt^2 + dr^2 / (1 - 2M/r) + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    t \in (-\infty, \infty), r > 2M (exterior; for 0 < r < 2M, t is spacelike),
    \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameter: M > 0, the mass.  Vacuum (Ricci-flat); Kretschmann scalar
    R_{abcd} R^{abcd} = 48 M^2 / r^6; horizon at r = 2M, curvature singularity at r = 0.

    Source: K. Schwarzschild, Sitzungsber. Preuss. Akad. Wiss. (1916) 189; Carroll, Spacetime
    and Geometry (2004), ch. 5; Misner, Thorne & Wheeler, Gravitation (1973), ch. 31.

    >>> schwarzschild().coords
    (t, r, theta, phi)
    >>> schwarzschild().params
    (M,)
    """
    return _static_spherical(1 - 2 * M / r, "schwarzschild", (M,),
                             "Schwarzschild spacetime, Schwarzschild coordinates")


def schwarzschild_isotropic() -> Metric:
    r"""Schwarzschild spacetime in isotropic coordinates.

    ds^2 = -\left(\frac{1 - M/2\rho}{1 + M/2\rho}\right)^2 dt^2
           + (1 + M/2\rho)^4 (d\rho^2 + \rho^2 d\theta^2 + \rho^2 \sin^2\theta\, d\phi^2),
    t \in (-\infty, \infty), \rho > M/2 (one exterior; \rho < M/2 is the other exterior,
    \rho = M/2 the bifurcation sphere), \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameter: M > 0, the mass.  The areal radius is r = \rho (1 + M/2\rho)^2.  Vacuum
    (Ricci-flat), Kretschmann 48 M^2 / r^6 with that r.  The spatial metric is conformally
    flat.

    Source: A. S. Eddington, The Mathematical Theory of Relativity (1923); Weinberg,
    Gravitation and Cosmology (1972), ch. 8.

    >>> schwarzschild_isotropic().coords
    (t, rho, theta, phi)
    """
    psi = 1 + M / (2 * rho)
    lapse = (1 - M / (2 * rho)) / psi
    return Metric(sp.diag(-lapse**2, psi**4, *_round_sphere(psi**4 * rho**2)),
                  (t, rho, theta, phi), name="schwarzschild_isotropic", params=(M,),
                  description="Schwarzschild spacetime, isotropic coordinates")


def eddington_finkelstein() -> Metric:
    r"""Schwarzschild spacetime in ingoing Eddington-Finkelstein coordinates.

    ds^2 = -(1 - 2M/r) dv^2 + 2 dv\, dr + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    v \in (-\infty, \infty), r > 0, \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameter: M > 0, the mass.  v = t + r + 2M \ln|r/2M - 1| is the advanced (ingoing null)
    time; the chart is regular across the future horizon r = 2M and covers the exterior
    and the black-hole interior.  Vacuum; Kretschmann 48 M^2 / r^6.

    Source: A. S. Eddington, Nature 113 (1924) 192; D. Finkelstein, Phys. Rev. 110 (1958)
    965; Carroll, Spacetime and Geometry (2004), sec. 5.7; Misner, Thorne & Wheeler,
    Gravitation (1973), ch. 31.

    >>> eddington_finkelstein().coords
    (v, r, theta, phi)
    >>> eddington_finkelstein().components[0, 1]
    1
    """
    f = 1 - 2 * M / r
    components = sp.Matrix([[-f, 1, 0, 0], [1, 0, 0, 0], [0, 0, r**2, 0],
                            [0, 0, 0, r**2 * sp.sin(theta)**2]])
    return Metric(components, (v, r, theta, phi), name="eddington_finkelstein", params=(M,),
                  description="Schwarzschild spacetime, ingoing Eddington-Finkelstein coordinates")


def painleve_gullstrand() -> Metric:
    r"""Schwarzschild spacetime in (ingoing) Painleve-Gullstrand coordinates.

    ds^2 = -(1 - 2M/r) dt^2 + 2\sqrt{2M/r}\, dt\, dr + dr^2
           + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2)
         = -dt^2 + (dr + \sqrt{2M/r}\, dt)^2 + r^2 d\Omega^2,
    t \in (-\infty, \infty), r > 0, \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameter: M > 0, the mass.  t is the proper time of observers falling in radially from
    rest at infinity (dr/dt = -\sqrt{2M/r}); the slices t = const are flat, and the chart is
    regular across the future horizon r = 2M.  Vacuum; Kretschmann 48 M^2 / r^6.

    Source: P. Painleve, C. R. Acad. Sci. 173 (1921) 677; A. Gullstrand, Ark. Mat. Astron.
    Fys. 16 (1922) 1; K. Martel & E. Poisson, Am. J. Phys. 69 (2001) 476.

    >>> painleve_gullstrand().components[0, 1]
    sqrt(2)*sqrt(M)/sqrt(r)
    """
    f = 1 - 2 * M / r
    shift = sp.sqrt(2 * M) / sp.sqrt(r)
    components = sp.Matrix([[-f, shift, 0, 0], [shift, 1, 0, 0], [0, 0, r**2, 0],
                            [0, 0, 0, r**2 * sp.sin(theta)**2]])
    return Metric(components, (t, r, theta, phi), name="painleve_gullstrand", params=(M,),
                  description="Schwarzschild spacetime, Painleve-Gullstrand coordinates")


def kruskal_szekeres() -> Metric:
    r"""Schwarzschild spacetime (maximally extended) in Kruskal-Szekeres coordinates.

    ds^2 = \frac{32 M^3}{r} e^{-r/2M} (-dT^2 + dX^2) + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    where r(T, X) is fixed by (r/2M - 1) e^{r/2M} = X^2 - T^2, that is
    r = 2M [1 + W((X^2 - T^2)/e)] with W the principal branch of the Lambert W function.
    T, X with T^2 - X^2 < 1 (the singularity r = 0 is the hyperbola T^2 - X^2 = 1),
    \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameter: M > 0, the mass.  Horizons at T = \pm X (r = 2M); X > |T| is the exterior
    covered by Schwarzschild coordinates (t = 4M artanh(T/X)).  Vacuum; Kretschmann
    48 M^2 / r^6 with r(T, X) above.

    Source: M. D. Kruskal, Phys. Rev. 119 (1960) 1743; G. Szekeres, Publ. Math. Debrecen 7
    (1960) 285; Carroll, Spacetime and Geometry (2004), sec. 5.7; Misner, Thorne & Wheeler,
    Gravitation (1973), ch. 31.

    >>> kruskal_szekeres().coords
    (T, X, theta, phi)
    >>> kruskal_szekeres().components[2, 2]
    4*M**2*(LambertW((-T**2 + X**2)*exp(-1)) + 1)**2
    """
    areal = 2 * M * (1 + sp.LambertW((X**2 - T**2) / sp.E))
    conformal = 32 * M**3 / areal * sp.exp(-areal / (2 * M))
    return Metric(sp.diag(-conformal, conformal, *_round_sphere(areal**2)),
                  (T, X, theta, phi), name="kruskal_szekeres", params=(M,),
                  description="Schwarzschild spacetime, Kruskal-Szekeres coordinates")


# ---------------------------------------------------------------------------- charge and spin
def reissner_nordstrom() -> Metric:
    r"""Reissner-Nordstrom spacetime: a charged, static, spherical black hole.

    ds^2 = -f dt^2 + dr^2 / f + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    f = 1 - 2M/r + Q^2/r^2,
    t \in (-\infty, \infty), r > r_+ = M + \sqrt{M^2 - Q^2}, \theta \in (0, \pi),
    \phi \in [0, 2\pi).

    Parameters: M > 0 the mass, Q > 0 the charge (geometrized Gaussian units, Q \le M for a
    black hole).  Electrovacuum: R = 0 (the Maxwell stress tensor is traceless),
    R_{\theta\theta} = Q^2/r^2, Kretschmann (48 M^2 r^2 - 96 M Q^2 r + 56 Q^4) / r^8.

    Source: H. Reissner, Ann. Phys. 50 (1916) 106; G. Nordstrom, Proc. Kon. Ned. Akad. Wet.
    20 (1918) 1238; Carroll, Spacetime and Geometry (2004), sec. 6.5.

    >>> reissner_nordstrom().params
    (M, Q)
    """
    return _static_spherical(1 - 2 * M / r + Q**2 / r**2, "reissner_nordstrom", (M, Q),
                             "Reissner-Nordstrom spacetime (charged black hole)")


def kerr() -> Metric:
    r"""Kerr spacetime (rotating black hole) in Boyer-Lindquist coordinates.

    ds^2 = -(1 - 2Mr/\Sigma) dt^2 - \frac{4 M a r \sin^2\theta}{\Sigma} dt\, d\phi
           + \frac{\Sigma}{\Delta} dr^2 + \Sigma\, d\theta^2
           + \left(r^2 + a^2 + \frac{2 M a^2 r \sin^2\theta}{\Sigma}\right) \sin^2\theta\, d\phi^2,
    \Sigma = r^2 + a^2 \cos^2\theta, \Delta = r^2 - 2Mr + a^2,
    t \in (-\infty, \infty), r > r_+ = M + \sqrt{M^2 - a^2}, \theta \in (0, \pi),
    \phi \in [0, 2\pi).

    Parameters: M > 0 the mass, a > 0 the angular momentum per unit mass (a \le M for a black
    hole; a \to 0 gives Schwarzschild).  Vacuum (Ricci-flat); Kretschmann
    48 M^2 (r^6 - 15 a^2 r^4 \cos^2\theta + 15 a^4 r^2 \cos^4\theta - a^6 \cos^6\theta) / \Sigma^6;
    ergosphere out to r = M + \sqrt{M^2 - a^2 \cos^2\theta}.

    Source: R. P. Kerr, Phys. Rev. Lett. 11 (1963) 237; R. H. Boyer & R. W. Lindquist,
    J. Math. Phys. 8 (1967) 265; Misner, Thorne & Wheeler, Gravitation (1973), Box 33.2;
    Carroll, Spacetime and Geometry (2004), sec. 6.6.

    >>> kerr().params
    (M, a)
    >>> kerr().components[0, 3]
    -2*M*a*r*sin(theta)**2/(a**2*cos(theta)**2 + r**2)
    """
    sigma = r**2 + a**2 * sp.cos(theta)**2
    delta = r**2 - 2 * M * r + a**2
    s2 = sp.sin(theta)**2
    g_tphi = -2 * M * a * r * s2 / sigma
    components = sp.Matrix([
        [-(1 - 2 * M * r / sigma), 0, 0, g_tphi],
        [0, sigma / delta, 0, 0],
        [0, 0, sigma, 0],
        [g_tphi, 0, 0, (r**2 + a**2 + 2 * M * a**2 * r * s2 / sigma) * s2]])
    return Metric(components, (t, r, theta, phi), name="kerr", params=(M, a),
                  description="Kerr spacetime (rotating black hole), Boyer-Lindquist coordinates")


def kerr_newman() -> Metric:
    r"""Kerr-Newman spacetime (charged, rotating black hole) in Boyer-Lindquist coordinates.

    ds^2 = -\left(1 - \frac{2Mr - Q^2}{\Sigma}\right) dt^2
           - \frac{2 a \sin^2\theta\, (2Mr - Q^2)}{\Sigma} dt\, d\phi
           + \frac{\Sigma}{\Delta} dr^2 + \Sigma\, d\theta^2
           + \frac{(r^2 + a^2)^2 - a^2 \Delta \sin^2\theta}{\Sigma} \sin^2\theta\, d\phi^2,
    \Sigma = r^2 + a^2 \cos^2\theta, \Delta = r^2 - 2Mr + a^2 + Q^2,
    t \in (-\infty, \infty), r > r_+ = M + \sqrt{M^2 - a^2 - Q^2}, \theta \in (0, \pi),
    \phi \in [0, 2\pi).

    Parameters: M > 0 the mass, a > 0 the angular momentum per unit mass, Q > 0 the charge
    (a^2 + Q^2 \le M^2 for a black hole).  Electrovacuum: R = 0 but R_{ab} \ne 0; Q \to 0 gives
    Kerr, a \to 0 gives Reissner-Nordstrom.

    Source: E. T. Newman et al., J. Math. Phys. 6 (1965) 918; Misner, Thorne & Wheeler,
    Gravitation (1973), Box 33.2.

    >>> kerr_newman().params
    (M, Q, a)
    """
    sigma = r**2 + a**2 * sp.cos(theta)**2
    delta = r**2 - 2 * M * r + a**2 + Q**2
    s2 = sp.sin(theta)**2
    g_tphi = -a * s2 * (2 * M * r - Q**2) / sigma
    components = sp.Matrix([
        [-(1 - (2 * M * r - Q**2) / sigma), 0, 0, g_tphi],
        [0, sigma / delta, 0, 0],
        [0, 0, sigma, 0],
        [g_tphi, 0, 0, ((r**2 + a**2)**2 - a**2 * delta * s2) * s2 / sigma]])
    return Metric(components, (t, r, theta, phi), name="kerr_newman", params=(M, a, Q),
                  description="Kerr-Newman spacetime (charged rotating black hole), "
                              "Boyer-Lindquist coordinates")


# ---------------------------------------------------------------------------- Lambda
def schwarzschild_de_sitter() -> Metric:
    r"""Schwarzschild-de Sitter (Kottler) spacetime: a black hole with a cosmological constant.

    ds^2 = -f dt^2 + dr^2 / f + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    f = 1 - 2M/r - \Lambda r^2 / 3,
    t \in (-\infty, \infty), r between the black-hole and cosmological horizons (the two
    positive roots of f when 0 < 9 \Lambda M^2 < 1), \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameters: M > 0 the mass, \Lambda real the cosmological constant (\Lambda < 0 gives
    Schwarzschild-anti-de Sitter).  Einstein space: R_{ab} = \Lambda g_{ab}, R = 4\Lambda.

    Source: F. Kottler, Ann. Phys. 56 (1918) 401; Griffiths & Podolsky, Exact Space-Times in
    Einstein's General Relativity (2009).

    >>> schwarzschild_de_sitter().params
    (Lambda, M)
    """
    return _static_spherical(1 - 2 * M / r - Lambda * r**2 / 3, "schwarzschild_de_sitter",
                             (M, Lambda), "Schwarzschild-de Sitter (Kottler) spacetime")


def de_sitter() -> Metric:
    r"""de Sitter spacetime in static coordinates (the static patch).

    ds^2 = -(1 - r^2/l^2) dt^2 + dr^2 / (1 - r^2/l^2) + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    t \in (-\infty, \infty), 0 < r < l (cosmological horizon at r = l), \theta \in (0, \pi),
    \phi \in [0, 2\pi).

    Parameter: l > 0 the de Sitter radius, \Lambda = 3/l^2.  Maximally symmetric with
    positive curvature: R_{ab} = (3/l^2) g_{ab}, R = +12/l^2, Kretschmann 24/l^4; conformally
    flat.

    Source: W. de Sitter, Mon. Not. R. Astron. Soc. 78 (1917) 3; Hawking & Ellis, The Large
    Scale Structure of Space-Time (1973), sec. 5.2; Griffiths & Podolsky, Exact Space-Times
    (2009), ch. 4.

    >>> de_sitter().components[0, 0]
    -1 + r**2/l**2
    """
    return _static_spherical(1 - r**2 / l**2, "de_sitter", (l,),
                             "de Sitter spacetime, static patch")


def anti_de_sitter() -> Metric:
    r"""Anti-de Sitter spacetime in global static coordinates.

    ds^2 = -(1 + r^2/l^2) dt^2 + dr^2 / (1 + r^2/l^2) + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    t \in (-\infty, \infty) (the universal cover), r > 0, \theta \in (0, \pi),
    \phi \in [0, 2\pi).

    Parameter: l > 0 the AdS radius, \Lambda = -3/l^2.  Maximally symmetric with negative
    curvature: R_{ab} = -(3/l^2) g_{ab}, R = -12/l^2, Kretschmann 24/l^4.

    Source: Hawking & Ellis, The Large Scale Structure of Space-Time (1973), sec. 5.2;
    Griffiths & Podolsky, Exact Space-Times (2009), ch. 5.

    >>> anti_de_sitter().components[1, 1]
    1/(1 + r**2/l**2)
    """
    return _static_spherical(1 + r**2 / l**2, "anti_de_sitter", (l,),
                             "anti-de Sitter spacetime, global static coordinates")


def de_sitter_flat_slicing() -> Metric:
    r"""de Sitter spacetime in flat (Poincare, steady-state) slicing.

    ds^2 = -dt^2 + e^{2t/l} (dx^2 + dy^2 + dz^2),  t, x, y, z \in (-\infty, \infty).

    Parameter: l > 0 the de Sitter radius (Hubble rate H = 1/l).  Covers half of de Sitter
    space (the region inside the future of a point on past infinity); the k = 0 FLRW
    universe with a(t) = e^{t/l}.  R = +12/l^2.

    Source: Hawking & Ellis, The Large Scale Structure of Space-Time (1973), sec. 5.2.

    >>> de_sitter_flat_slicing().components[1, 1]
    exp(2*t/l)
    """
    scale = sp.exp(2 * t / l)
    return Metric(sp.diag(-1, scale, scale, scale), (t, x, y, z), name="de_sitter_flat_slicing",
                  params=(l,), description="de Sitter spacetime, flat slicing")


# ---------------------------------------------------------------------------- cosmology
_FLRW_NAMES = {0: "flrw_flat", -1: "flrw_open", 1: "flrw_closed"}


def flrw(k=None) -> Metric:
    r"""Friedmann-Lemaitre-Robertson-Walker universe with scale factor a(t).

    ds^2 = -dt^2 + a(t)^2 \left(\frac{dr^2}{1 - k r^2} + r^2 d\theta^2
           + r^2 \sin^2\theta\, d\phi^2\right),
    t in the range where a(t) > 0, r \ge 0 (r < 1 when k = +1), \theta \in (0, \pi),
    \phi \in [0, 2\pi).

    Parameters: a(t) a free real function (the scale factor); k the spatial curvature index:
    -1 (open), 0 (flat), +1 (closed), or None for the real symbol k.  Conformally flat.
    Friedmann equations (perfect fluid, T = G/8\pi): 8\pi\rho = 3(\dot a^2 + k)/a^2,
    8\pi p = -(2\ddot a/a + (\dot a^2 + k)/a^2); R = 6(\ddot a/a + (\dot a^2 + k)/a^2).

    Source: Carroll, Spacetime and Geometry (2004), ch. 8; Misner, Thorne & Wheeler,
    Gravitation (1973), ch. 27; Hawking & Ellis (1973), sec. 5.3.

    >>> flrw().params
    (k,)
    >>> flrw(0).components[1, 1]
    a(t)**2
    """
    if k is None:
        index, name = curvature_index, "flrw"
    elif isinstance(k, sp.Symbol):
        index, name = k, "flrw"
    elif k in _FLRW_NAMES:
        index, name = sp.Integer(k), _FLRW_NAMES[k]
    else:
        raise MetricError(f"the FLRW curvature index k must be -1, 0 or +1 (or left symbolic), "
                          f"not {k!r}; rescale r to bring any other curvature to these")
    scale = sp.Function("a", real=True)(t)**2
    components = sp.diag(-1, scale / (1 - index * r**2), *_round_sphere(scale * r**2))
    return Metric(components, (t, r, theta, phi), name=name,
                  params=(index,) if isinstance(index, sp.Symbol) else (),
                  description=f"FLRW universe, curvature index k = {index}")


def flrw_flat() -> Metric:
    r"""Spatially flat FLRW universe: :func:`flrw` with k = 0.

    ds^2 = -dt^2 + a(t)^2 (dr^2 + r^2 d\theta^2 + r^2 \sin^2\theta\, d\phi^2).
    Source: as :func:`flrw`.

    >>> flrw_flat().name
    'flrw_flat'
    """
    return flrw(0)


def flrw_open() -> Metric:
    r"""Open FLRW universe: :func:`flrw` with k = -1 (hyperbolic spatial sections).

    ds^2 = -dt^2 + a(t)^2 (dr^2 / (1 + r^2) + r^2 d\Omega^2).  Source: as :func:`flrw`.

    >>> flrw_open().components[1, 1]
    a(t)**2/(r**2 + 1)
    """
    return flrw(-1)


def flrw_closed() -> Metric:
    r"""Closed FLRW universe: :func:`flrw` with k = +1 (3-sphere spatial sections, r < 1).

    ds^2 = -dt^2 + a(t)^2 (dr^2 / (1 - r^2) + r^2 d\Omega^2).  Source: as :func:`flrw`.

    >>> flrw_closed().components[1, 1]
    a(t)**2/(1 - r**2)
    """
    return flrw(1)


def einstein_static() -> Metric:
    r"""Einstein's static universe.

    ds^2 = -dt^2 + dr^2 / (1 - r^2/R_0^2) + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    t \in (-\infty, \infty), 0 \le r < R_0 (with r = R_0 \sin\chi this chart covers one
    hemisphere of the spatial 3-sphere), \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameter: R_0 > 0 the radius of the spatial 3-sphere.  Dust with a cosmological
    constant: \Lambda = 1/R_0^2, 8\pi\rho = 2/R_0^2, p = 0; R = 6/R_0^2.

    Source: A. Einstein, Sitzungsber. Preuss. Akad. Wiss. (1917) 142; Hawking & Ellis,
    The Large Scale Structure of Space-Time (1973), sec. 5.3.

    >>> einstein_static().params
    (R0,)
    """
    return Metric(sp.diag(-1, 1 / (1 - r**2 / R0**2), *_round_sphere(r**2)),
                  (t, r, theta, phi), name="einstein_static", params=(R0,),
                  description="Einstein static universe")


def milne() -> Metric:
    r"""Milne universe: the interior of a future light cone of Minkowski space.

    ds^2 = -dt^2 + t^2 (d\chi^2 + \sinh^2\chi\, (d\theta^2 + \sin^2\theta\, d\phi^2)),
    t > 0, \chi > 0, \theta \in (0, \pi), \phi \in [0, 2\pi).

    No parameters.  Flat (Riemann = 0): the empty k = -1 FLRW universe with a(t) = t;
    Minkowski time and radius are t \cosh\chi and t \sinh\chi.

    Source: E. A. Milne, Relativity, Gravitation and World-Structure (1935); Misner, Thorne &
    Wheeler, Gravitation (1973), ch. 27.

    >>> milne().coords
    (t, chi, theta, phi)
    """
    return Metric(sp.diag(-1, t**2, *_round_sphere(t**2 * sp.sinh(chi)**2)),
                  (t, chi, theta, phi), name="milne", description="Milne universe")


def rindler() -> Metric:
    r"""Rindler wedge: Minkowski space seen by uniformly accelerated observers.

    ds^2 = -(g x)^2 dt^2 + dx^2 + dy^2 + dz^2,
    t, y, z \in (-\infty, \infty), x > 0 (Rindler horizon at x = 0).

    Parameter: g > 0, the proper acceleration of the observer at x = 1/g, whose proper time
    is t.  Flat (Riemann = 0).

    Source: W. Rindler, Am. J. Phys. 34 (1966) 1174; Misner, Thorne & Wheeler, Gravitation
    (1973), ch. 6.

    >>> rindler().components[0, 0]
    -g**2*x**2
    """
    return Metric(sp.diag(-(g * x)**2, 1, 1, 1), (t, x, y, z), name="rindler", params=(g,),
                  description="Rindler wedge (uniformly accelerated frame)")


def goedel() -> Metric:
    r"""Goedel's rotating universe.

    ds^2 = a^2 \left[-(dt + e^x dz)^2 + dx^2 + dy^2 + \tfrac12 e^{2x} dz^2\right]
         = a^2 \left[-dt^2 - 2 e^x dt\, dz + dx^2 + dy^2 - \tfrac12 e^{2x} dz^2\right],
    t, x, y, z \in (-\infty, \infty).

    Parameter: a > 0, the length scale.  det g = -a^8 e^{2x} / 2.  Homogeneous; dust with a
    negative cosmological constant: R_{ab} = u_a u_b / a^2 with u = a^{-1} \partial_t, so
    8\pi\rho = 1/a^2, \Lambda = -1/(2a^2), and with signature (-,+,+,+) the Ricci scalar is
    R = -1/a^2 (Goedel's R = +1/a^2 is in signature (+,-,-,-)); Kretschmann 3/a^4.  It has
    closed timelike curves through every point.

    Source: K. Goedel, Rev. Mod. Phys. 21 (1949) 447; Hawking & Ellis, The Large Scale
    Structure of Space-Time (1973), sec. 5.7.

    >>> goedel().components[0, 3]
    -a**2*exp(x)
    """
    e = sp.exp(x)
    components = a**2 * sp.Matrix([[-1, 0, 0, -e], [0, 1, 0, 0], [0, 0, 1, 0],
                                   [-e, 0, 0, -e**2 / 2]])
    return Metric(components, (t, x, y, z), name="goedel", params=(a,),
                  description="Goedel rotating universe")


# ---------------------------------------------------------------------------- exotic matter
def morris_thorne() -> Metric:
    r"""Morris-Thorne traversable wormhole.

    ds^2 = -e^{2\Phi(r)} dt^2 + \frac{dr^2}{1 - b(r)/r} + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    t \in (-\infty, \infty), r \ge b_0 on each of the two sheets (throat at r = b_0 = b(b_0)),
    \theta \in (0, \pi), \phi \in [0, 2\pi).

    Free functions: \Phi(r) the redshift function, b(r) the shape function.  With T = G/8\pi
    in the static orthonormal frame: \rho = b'/(8\pi r^2),
    p_r = -b/(8\pi r^3) + (1 - b/r) \Phi'/(4\pi r); the flare-out condition at the throat
    forces \rho + p_r < 0 there (the null energy condition fails).

    Source: M. S. Morris & K. S. Thorne, Am. J. Phys. 56 (1988) 395.

    >>> morris_thorne().components[0, 0]
    -exp(2*Phi(r))
    """
    redshift = sp.Function("Phi", real=True)(r)
    shape = sp.Function("b", real=True)(r)
    return Metric(sp.diag(-sp.exp(2 * redshift), 1 / (1 - shape / r), *_round_sphere(r**2)),
                  (t, r, theta, phi), name="morris_thorne",
                  description="Morris-Thorne traversable wormhole")


def alcubierre() -> Metric:
    r"""Alcubierre warp drive.

    ds^2 = -dt^2 + (dx - v_s(t) f(r_s) dt)^2 + dy^2 + dz^2,
    v_s = dx_s/dt,  r_s = \sqrt{(x - x_s(t))^2 + y^2 + z^2},
    t, x, y, z \in (-\infty, \infty).

    Free functions: x_s(t) the trajectory of the bubble centre, f the bubble profile (f = 1
    inside the bubble, f \to 0 far away; Alcubierre's choice is
    [\tanh\sigma(r_s + R) - \tanh\sigma(r_s - R)] / (2 \tanh\sigma R)).  det g = -1.  Eulerian
    observers see the negative energy density
    -v_s^2 (y^2 + z^2) f'(r_s)^2 / (32\pi r_s^2).

    Source: M. Alcubierre, Class. Quantum Grav. 11 (1994) L73.

    >>> alcubierre().coords
    (t, x, y, z)
    """
    centre = sp.Function("x_s", real=True)(t)
    speed = sp.Derivative(centre, t)
    profile = sp.Function("f", real=True)(sp.sqrt((x - centre)**2 + y**2 + z**2))
    shift = speed * profile
    components = sp.Matrix([[-1 + shift**2, -shift, 0, 0], [-shift, 1, 0, 0],
                            [0, 0, 1, 0], [0, 0, 0, 1]])
    return Metric(components, (t, x, y, z), name="alcubierre",
                  description="Alcubierre warp drive")


def vaidya() -> Metric:
    r"""Ingoing Vaidya spacetime: spherical null dust falling in (its outgoing twin, in
    retarded time u, is Vaidya's radiating star).

    ds^2 = -(1 - 2m(v)/r) dv^2 + 2 dv\, dr + r^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    v \in (-\infty, \infty) advanced time, r > 0, \theta \in (0, \pi), \phi \in [0, 2\pi).

    Free function: m(v) the mass function (constant m gives Schwarzschild in ingoing
    Eddington-Finkelstein coordinates).  Null dust: the only nonzero Ricci component is
    R_{vv} = 2 m'(v)/r^2, so T_{vv} = m'(v)/(4\pi r^2) and the energy conditions hold iff
    m'(v) \ge 0.

    Source: P. C. Vaidya, Proc. Indian Acad. Sci. A33 (1951) 264; Griffiths & Podolsky,
    Exact Space-Times (2009).

    >>> vaidya().components[0, 0]
    -1 + 2*m(v)/r
    """
    f = 1 - 2 * sp.Function("m", real=True)(v) / r
    components = sp.Matrix([[-f, 1, 0, 0], [1, 0, 0, 0], [0, 0, r**2, 0],
                            [0, 0, 0, r**2 * sp.sin(theta)**2]])
    return Metric(components, (v, r, theta, phi), name="vaidya",
                  description="ingoing Vaidya spacetime (null dust)")


def pp_wave() -> Metric:
    r"""Plane-fronted gravitational wave with parallel rays (pp-wave), Brinkmann coordinates.

    ds^2 = H(u, x, y) du^2 + 2 du\, dv + dx^2 + dy^2,
    u, v, x, y \in (-\infty, \infty); u is the null phase (retarded time), v the affine
    parameter along the rays.

    Free function: H(u, x, y), the wave profile.  det g = -1 (Lorentzian for any H).  The only
    nonzero Ricci component is R_{uu} = -(H_{xx} + H_{yy})/2: vacuum iff H is harmonic in
    (x, y) (e.g. a plane wave H = A(u)(x^2 - y^2)); R = 0 always.

    Source: H. W. Brinkmann, Math. Ann. 94 (1925) 119; J. Ehlers & W. Kundt, in Gravitation:
    an Introduction to Current Research, ed. L. Witten (1962); Griffiths & Podolsky, Exact
    Space-Times (2009).

    >>> pp_wave().coords
    (u, v, x, y)
    """
    profile = sp.Function("H", real=True)(u, x, y)
    components = sp.Matrix([[profile, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    return Metric(components, (u, v, x, y), name="pp_wave",
                  description="pp-wave, Brinkmann coordinates")


def bertotti_robinson() -> Metric:
    r"""Bertotti-Robinson spacetime: AdS_2 x S^2 with a uniform electromagnetic field.

    ds^2 = -\frac{r^2}{Q^2} dt^2 + \frac{Q^2}{r^2} dr^2 + Q^2 (d\theta^2 + \sin^2\theta\, d\phi^2),
    t \in (-\infty, \infty), r > 0 (Poincare patch of AdS_2), \theta \in (0, \pi),
    \phi \in [0, 2\pi).

    Parameter: Q > 0, the common radius of AdS_2 and S^2 (the field strength is 1/Q).
    Electrovacuum, conformally flat: R = 0 (AdS_2 contributes -2/Q^2, S^2 +2/Q^2),
    Kretschmann 8/Q^4.  It is the near-horizon geometry of extreme Reissner-Nordstrom.

    Source: B. Bertotti, Phys. Rev. 116 (1959) 1331; I. Robinson, Bull. Acad. Polon. Sci. 7
    (1959) 351; Griffiths & Podolsky, Exact Space-Times (2009).

    >>> bertotti_robinson().components[2, 2]
    Q**2
    """
    return Metric(sp.diag(-r**2 / Q**2, Q**2 / r**2, *_round_sphere(Q**2)),
                  (t, r, theta, phi), name="bertotti_robinson", params=(Q,),
                  description="Bertotti-Robinson spacetime (AdS2 x S2)")


def taub_nut() -> Metric:
    r"""Taub-NUT spacetime (NUT region), with the Misner string along both axes.

    ds^2 = -f (dt + 2n\cos\theta\, d\phi)^2 + dr^2 / f
           + (r^2 + n^2)(d\theta^2 + \sin^2\theta\, d\phi^2),
    f = (r^2 - 2Mr - n^2) / (r^2 + n^2),
    t \in (-\infty, \infty) (periodic with period 8\pi n in Misner's interpretation),
    r > r_+ = M + \sqrt{M^2 + n^2}, \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameters: M > 0 the mass, n > 0 the NUT (gravomagnetic) parameter; n \to 0 gives
    Schwarzschild.  Vacuum (Ricci-flat); no curvature singularity at r = 0.

    Source: A. H. Taub, Ann. Math. 53 (1951) 472; E. Newman, L. Tamburino & T. Unti,
    J. Math. Phys. 4 (1963) 915; Hawking & Ellis, The Large Scale Structure of Space-Time
    (1973), sec. 5.8; Griffiths & Podolsky, Exact Space-Times (2009), ch. 12.

    >>> taub_nut().params
    (M, n)
    """
    f = (r**2 - 2 * M * r - n**2) / (r**2 + n**2)
    c = sp.cos(theta)
    components = sp.Matrix([
        [-f, 0, 0, -2 * n * c * f],
        [0, 1 / f, 0, 0],
        [0, 0, r**2 + n**2, 0],
        [-2 * n * c * f, 0, 0, -4 * n**2 * c**2 * f + (r**2 + n**2) * sp.sin(theta)**2]])
    return Metric(components, (t, r, theta, phi), name="taub_nut", params=(M, n),
                  description="Taub-NUT spacetime")


# ---------------------------------------------------------------------------- 2D
def sphere() -> Metric:
    r"""The round 2-sphere of radius a (Riemannian, signature (+,+)).

    ds^2 = a^2 (d\theta^2 + \sin^2\theta\, d\phi^2),  \theta \in (0, \pi), \phi \in [0, 2\pi).

    Parameter: a > 0, the radius.  Gaussian curvature 1/a^2, so R = +2/a^2 in these sign
    conventions: the check that a curvature engine's signs are those of MTW and Carroll.

    Source: Carroll, Spacetime and Geometry (2004), ch. 3.

    >>> sphere().coords
    (theta, phi)
    """
    return Metric(sp.diag(*_round_sphere(a**2)), (theta, phi), name="sphere", params=(a,),
                  description="round 2-sphere of radius a")


# ---------------------------------------------------------------------------- registry
_CATALOG = {f.__name__: f for f in (
    minkowski, minkowski_spherical, minkowski_cylindrical,
    schwarzschild, schwarzschild_isotropic, eddington_finkelstein, painleve_gullstrand,
    kruskal_szekeres, reissner_nordstrom, kerr, kerr_newman,
    schwarzschild_de_sitter, de_sitter, anti_de_sitter, de_sitter_flat_slicing,
    flrw, flrw_flat, flrw_open, flrw_closed, einstein_static, milne, rindler, goedel,
    morris_thorne, alcubierre, vaidya, pp_wave, bertotti_robinson, taub_nut, sphere)}

_ALIASES = {
    "flat": "minkowski", "minkowski_cartesian": "minkowski",
    "minkowski_polar": "minkowski_spherical",
    "isotropic_schwarzschild": "schwarzschild_isotropic",
    "schwarzschild_ef": "eddington_finkelstein", "ef": "eddington_finkelstein",
    "ingoing_eddington_finkelstein": "eddington_finkelstein",
    "schwarzschild_eddington_finkelstein": "eddington_finkelstein",
    "pg": "painleve_gullstrand", "gullstrand_painleve": "painleve_gullstrand",
    "schwarzschild_pg": "painleve_gullstrand",
    "ks": "kruskal_szekeres", "kruskal": "kruskal_szekeres",
    "schwarzschild_kruskal": "kruskal_szekeres",
    "rn": "reissner_nordstrom", "nordstrom_reissner": "reissner_nordstrom",
    "boyer_lindquist": "kerr", "kerr_bl": "kerr", "kerr_boyer_lindquist": "kerr",
    "kn": "kerr_newman",
    "kottler": "schwarzschild_de_sitter", "sds": "schwarzschild_de_sitter",
    "ds": "de_sitter", "desitter": "de_sitter", "de_sitter_static": "de_sitter",
    "ads": "anti_de_sitter", "antidesitter": "anti_de_sitter", "ads4": "anti_de_sitter",
    "de_sitter_flat": "de_sitter_flat_slicing", "de_sitter_poincare": "de_sitter_flat_slicing",
    "de_sitter_planar": "de_sitter_flat_slicing",
    "frw": "flrw", "rw": "flrw", "robertson_walker": "flrw",
    "friedmann_lemaitre_robertson_walker": "flrw", "friedmann": "flrw",
    "einstein_universe": "einstein_static", "einstein_static_universe": "einstein_static",
    "godel": "goedel", "goedel_universe": "goedel",
    "wormhole": "morris_thorne", "traversable_wormhole": "morris_thorne",
    "warp_drive": "alcubierre", "warp": "alcubierre", "alcubierre_warp_drive": "alcubierre",
    "pp": "pp_wave", "ppwave": "pp_wave", "brinkmann": "pp_wave",
    "plane_fronted_wave": "pp_wave",
    "br": "bertotti_robinson", "robinson_bertotti": "bertotti_robinson",
    "nut": "taub_nut", "taubnut": "taub_nut",
    "two_sphere": "sphere", "2_sphere": "sphere", "s2": "sphere", "round_sphere": "sphere",
}

_SUFFIXES = ("_metric", "_spacetime", "_space_time", "_space", "_solution", "_geometry")


def names() -> list[str]:
    """The canonical names of the catalogue, sorted.

    >>> names()[:3]
    ['alcubierre', 'anti_de_sitter', 'bertotti_robinson']
    """
    return sorted(_CATALOG)


def _normalise(name: str) -> str:
    """Lower case, accents dropped, runs of spaces/hyphens/dashes/dots as one underscore."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if text.startswith("the_"):
        text = text[4:]
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text


def canonical_name(name: str) -> str:
    """The catalogue name that ``name`` (any spelling or alias) stands for.

    >>> canonical_name("Gödel")
    'goedel'
    >>> canonical_name("anti-de Sitter space")
    'anti_de_sitter'
    """
    if not isinstance(name, str):
        raise MetricError(f"a catalogue name is a string, not {type(name).__name__}")
    key = _normalise(name)
    key = _ALIASES.get(key, key)
    if key in _CATALOG:
        return key
    candidates = sorted(set(_CATALOG) | set(_ALIASES))
    close = difflib.get_close_matches(key, candidates, n=5, cutoff=0.6)
    close = list(dict.fromkeys(_ALIASES.get(c, c) for c in close))
    hint = (f"close matches: {', '.join(close)}" if close
            else f"known metrics: {', '.join(names())}")
    raise MetricError(f"unknown metric {name!r} in the catalogue; {hint}")


def get(name: str, **params) -> Metric:
    """The catalogue metric called ``name`` (any spelling or alias; see :func:`canonical_name`).

    A keyword that the metric's function takes is passed to it (``get("flrw", k=1)``); any
    other keyword names a parameter of the metric and substitutes a value for it
    (``get("kerr", a=0)``), given as a number or a SymPy expression.

    >>> get("Schwarzschild").name
    'schwarzschild'
    >>> get("kerr", a=0).params
    (M,)
    >>> get("flrw", k=-1).name
    'flrw_open'
    """
    key = canonical_name(name)
    function = _CATALOG[key]
    accepted = inspect.signature(function).parameters
    metric = function(**{p: value for p, value in params.items() if p in accepted})
    values = {p: value for p, value in params.items() if p not in accepted}
    if not values:
        return metric
    symbols = {s.name: s for s in metric.params}
    unknown = sorted(set(values) - set(symbols))
    if unknown:
        options = sorted(set(symbols) | set(accepted))
        raise MetricError(f"the {key} metric has no parameter {', '.join(unknown)}; "
                          f"its parameters are: {', '.join(options) or 'none'}")
    substitution = {}
    for p, value in values.items():
        if isinstance(value, str) or not isinstance(value, (Number, sp.Basic)):
            raise MetricError(f"give {p} a number or a SymPy expression, not {value!r}")
        substitution[symbols[p]] = sp.sympify(value, strict=True)
    fixed = ", ".join(f"{p} = {sp.sstr(v)}" for p, v in substitution.items())
    return Metric(metric.components.subs(substitution), metric.coords, name=metric.name,
                  params=[s for s in metric.params if s not in substitution],
                  description=f"{metric.description} with {fixed}")
