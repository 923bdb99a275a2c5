r"""A library of differential-equation problems, each a :class:`PDESpec` with its truth.

Every problem is one small function below that returns a fresh spec; its docstring's first
line is the one-line description (:func:`describe`) and the rest gives the set-up and its
source. A spec carries ``exact`` strings when a closed form exists; otherwise a numeric
reference is attached with :meth:`PDESpec.with_reference`: a closed form SymPy cannot write
(Cole-Hopf quadrature for Burgers, Jacobi elliptic functions for the Schwarzschild orbit), a
tight ``solve_ivp`` integration (geodesic, TOV polytrope), an extrapolated characteristic
leapfrog (Regge-Wheeler), or, for Allen-Cahn only, the method of lines of
:mod:`tools.pde.reference` at a high resolution. The numeric ones are computed on first use
and cached. Where a problem follows one of DeepXDE's examples
(``examples/pinn_forward/``, DeepXDE 1.15), its parameters are that example's, since a
benchmark compares with DeepXDE's set-ups.

>>> from tools.pde import library
>>> spec = library.get("heat")
>>> spec.exact, spec.variables
(['exp(-a*pi^2*t)*sin(pi*x)'], {'x': (0.0, 1.0), 't': (0.0, 1.0)})
>>> library.describe("burgers")
'Viscous Burgers equation with a shock at x = 0 (DeepXDE Burgers.py).'
>>> "regge_wheeler" in library.names()
True
>>> library.get("heta")
Traceback (most recent call last):
...
tools.pde.library.UnknownProblem: no problem 'heta' in the library; close matches: heat

Keyword arguments of :func:`get` go to the problem's function, e.g. ``get("helmholtz", n=1)``
or ``get("tov_polytrope", rho_c=1e-8)``. Units are geometrized (G = c = 1) in the GR problems,
with M = 1 for the black hole, and M_sun = 1 for the polytropic star (a length of 1 is 1.477 km).
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
import re
from collections.abc import Callable

import numpy as np

from .errors import SpecError
from .spec import PDESpec

Reference = Callable[[np.ndarray], np.ndarray]


class UnknownProblem(SpecError, KeyError):
    """No problem of that name in the library; the message lists close matches."""

    def __str__(self) -> str:          # KeyError would print the message quoted
        return str(self.args[0]) if self.args else ""


# ================================================================== classical PDE benchmarks
def heat(a: float = 0.4) -> PDESpec:
    """Heat equation on a rod with cold ends, one decaying sine mode (DeepXDE heat.py).

    u_t = a u_xx, x in [0, 1], t in [0, 1], a = 0.4; u(0, t) = u(1, t) = 0,
    u(x, 0) = sin(pi x); exact u = exp(-a pi^2 t) sin(pi x).
    Source: DeepXDE examples/pinn_forward/heat.py (a = 0.4, L = 1, n = 1).
    """
    return PDESpec(name="heat", variables={"x": (0, 1), "t": (0, 1)},
                   equations="u_t = a*u_xx", parameters={"a": a},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": "sin(pi*x)"}],
                   exact="exp(-a*pi^2*t)*sin(pi*x)",
                   budget={"iterations": 7000})   # L-BFGS rounds enough for an L2RE of 1e-4


def wave(C: float = 10, A: float = 2) -> PDESpec:
    """1D wave equation, two standing modes at speed C = 10 (DeepXDE wave_1d.py; hard for PINNs).

    u_tt = C^2 u_xx, x in [0, 1], t in [0, 1], C = 10, A = 2; exact
    u = sin(pi x) cos(C pi t) + sin(A pi x) cos(A C pi t), with the Dirichlet data on both
    ends taken from it (zero for integer A), u(x, 0) from it and u_t(x, 0) = 0. Ten and
    twenty half-periods in time: a multi-scale problem for a PINN.
    Source: DeepXDE examples/pinn_forward/wave_1d.py, after Wang, Wang & Perdikaris,
    "On the eigenvector bias of Fourier feature networks", CMAME 384 (2021) 113938
    (arXiv:2012.10047).
    """
    return _standing_waves("wave", C, A)


def wave_slow(C: float = 1, A: float = 2) -> PDESpec:
    """The wave_1d set-up at speed C = 1 instead of 10: the easy variant of ``wave``.

    u_tt = C^2 u_xx with C = 1, A = 2, otherwise as :func:`wave`; exact
    u = sin(pi x) cos(pi t) + sin(2 pi x) cos(2 pi t).
    Source: DeepXDE examples/pinn_forward/wave_1d.py with C = 1.
    """
    return _standing_waves("wave_slow", C, A)


def _standing_waves(name: str, C: float, A: float) -> PDESpec:
    exact = "sin(pi*x)*cos(C*pi*t) + sin(A*pi*x)*cos(A*C*pi*t)"
    return PDESpec(name=name, variables={"x": (0, 1), "t": (0, 1)},
                   equations="u_tt = C^2*u_xx", parameters={"C": C, "A": A},
                   conditions=[{"kind": "dirichlet", "on": "boundary", "value": exact},
                               {"kind": "initial", "value": "sin(pi*x) + sin(A*pi*x)"},
                               {"kind": "initial", "derivative": 1, "value": "0"}],
                   exact=exact)


def advection(c: float = 1) -> PDESpec:
    """Periodic linear advection of a smooth bump, one full turn around the circle.

    u_t + c u_x = 0, x in [0, 1] periodic, t in [0, 1], c = 1;
    u(x, 0) = exp(2 cos(2 pi (x - 1/2)) - 2) (a von Mises bump, 1 at x = 1/2, 0.018 at the
    ends, all Fourier modes present); exact u = u(x - c t, 0), which at t = 1 is back where
    it started. Source: the textbook transport equation (e.g. LeVeque, Finite Volume Methods
    for Hyperbolic Problems, CUP 2002).
    """
    return PDESpec(name="advection", variables={"x": (0, 1), "t": (0, 1)},
                   equations="u_t + c*u_x = 0", parameters={"c": c},
                   conditions=[{"kind": "periodic", "on": "x"},
                               {"kind": "initial", "value": "exp(2*cos(2*pi*(x - 1/2)) - 2)"}],
                   exact="exp(2*cos(2*pi*(x - c*t - 1/2)) - 2)")


def burgers(nu: float = 0.01 / math.pi) -> PDESpec:
    """Viscous Burgers equation with a shock at x = 0 (DeepXDE Burgers.py).

    u_t + u u_x = nu u_xx, nu = 0.01/pi, x in [-1, 1], t in [0, 0.99]; u(-1, t) = u(1, t)
    = 0, u(x, 0) = -sin(pi x). The gradient at x = 0 peaks at |u_x| = 152.00516 at
    t = 1.6037/pi (Basdevant et al. 1986). Reference: the exact Cole-Hopf solution by
    quadrature, :func:`burgers_cole_hopf` (to about 1e-15; it matches DeepXDE's
    examples/dataset/Burgers.npz, 256 x 100 points, to 4e-11).
    Sources: DeepXDE examples/pinn_forward/Burgers.py; Raissi, Perdikaris & Karniadakis,
    J. Comput. Phys. 378 (2019) 686; Basdevant et al., "Spectral and finite difference
    solutions of the Burgers equation", Computers & Fluids 14 (1986) 23.
    """
    spec = PDESpec(name="burgers", variables={"x": (-1, 1), "t": (0, 0.99)},
                   equations="u_t + u*u_x = nu*u_xx", parameters={"nu": nu},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": "-sin(pi*x)"}],
                   budget={"iterations": 9000})   # the near-shock needs the L-BFGS rounds
    return spec.with_reference(
        lambda points: burgers_cole_hopf(points[:, 0], points[:, 1], nu)[:, None])


def burgers_cole_hopf(x, t, nu: float = 0.01 / math.pi) -> np.ndarray:
    """The exact solution of :func:`burgers` (u0 = -sin(pi x)) at ``x``, ``t`` (broadcast).

    Cole-Hopf: u = -2 nu (log phi)_x with phi_t = nu phi_xx, so for t > 0

        u = -int sin(pi (x - eta)) f(x - eta) G(eta) d eta / int f(x - eta) G(eta) d eta,
        f(y) = exp(-cos(pi y) / (2 pi nu)),  G(eta) = exp(-eta^2 / (4 nu t)).

    With eta = sqrt(4 nu t) z both integrals become trapezoid sums on a uniform z grid. The
    exponent -cos(pi y)/(2 pi nu) - z^2 spans +-1/(2 pi nu) (+-50 here), so the largest
    exponent of each x is subtracted before exp (log-sum-exp). The grid ends at
    |z| = sqrt(1/(pi nu) + 40), where the integrand is below e^-40 of its peak whatever x
    (|z| = 9 is not enough near the shock at late times: there the weight of f peaks near
    eta = +-1, z = +-8.9); its step, 0.025/sqrt(max(1, t)), resolves the narrowest peak
    (width about 1/sqrt(2 pi t + 2) in z) many times over: the sum is then exact to rounding.
    t = 0 returns the initial condition.
    """
    x, t = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(t, dtype=float))
    shape = x.shape
    x, t = x.ravel(), t.ravel()
    if np.any(t < 0) or not np.all(np.isfinite(x) & np.isfinite(t)):
        raise ValueError("burgers_cole_hopf needs finite x and t >= 0")
    u = -np.sin(np.pi * x)
    later = np.flatnonzero(t > 0)
    if later.size:
        reach = math.sqrt(1 / (math.pi * nu) + 40)
        step = 0.025 / math.sqrt(max(1.0, float(t[later].max())))
        z = np.linspace(-reach, reach, 2 * math.ceil(reach / step) + 1)
        rows = max(1, 2_000_000 // z.size)
        for start in range(0, later.size, rows):
            i = later[start:start + rows]
            y = x[i, None] - np.sqrt(4 * nu * t[i, None]) * z
            exponent = -np.cos(np.pi * y) / (2 * np.pi * nu) - z**2
            weight = np.exp(exponent - exponent.max(axis=1, keepdims=True))
            u[i] = -(np.sin(np.pi * y) * weight).sum(axis=1) / weight.sum(axis=1)
    return u.reshape(shape)


def allen_cahn(d: float = 0.001, rate: float = 5) -> PDESpec:
    """Allen-Cahn equation: sharp interfaces form from a smooth start (DeepXDE Allen_Cahn.py).

    u_t = d u_xx + rate (u - u^3), d = 0.001, rate = 5, x in [-1, 1], t in [0, 1];
    u(-1, t) = u(1, t) = -1, u(x, 0) = x^2 cos(pi x). Reference: numerical, the method of
    lines of :func:`tools.pde.reference.solve_classical` on 4000 intervals (dx = 5e-4),
    computed on first use (about 1 s) and cached. It converges at second order (1000 and
    2000 intervals differ from it by 2.0e-5 and 4.1e-6 in relative L2, so its own error is
    about 1.4e-6) and differs from DeepXDE's examples/dataset/Allen_Cahn.mat by 1.6e-4.
    Not independent of the classical solver that a benchmark measures: compare at a lower
    resolution.
    Source: DeepXDE examples/pinn_forward/Allen_Cahn.py (after arXiv:2111.02801, which it
    cites).
    """
    spec = PDESpec(name="allen_cahn", variables={"x": (-1, 1), "t": (0, 1)},
                   equations="u_t = d*u_xx + rate*(u - u^3)",
                   parameters={"d": d, "rate": rate},
                   conditions=[{"kind": "dirichlet", "on": "boundary", "value": "-1"},
                               {"kind": "initial", "value": "x^2*cos(pi*x)"}])
    return _classical_reference(spec, resolution=4000)


def reaction_diffusion(d: float = 1) -> PDESpec:
    """Diffusion with a decaying multi-frequency source (DeepXDE diffusion_reaction.py).

    u_t = d u_xx + R(x, t), d = 1, x in [-pi, pi], t in [0, 1],
    R = exp(-t) (3/2 sin 2x + 8/3 sin 3x + 15/4 sin 4x + 63/8 sin 8x); u(+-pi, t) = 0;
    exact u = exp(-t) (sin x + sin 2x / 2 + sin 3x / 3 + sin 4x / 4 + sin 8x / 8).
    For another d the source is R = exp(-t) sum_k (k d - 1/k) sin(kx) over k = 1, 2, 3, 4, 8,
    which keeps the same exact solution.
    Source: DeepXDE examples/pinn_forward/diffusion_reaction.py (d = 1).
    """
    source = ("exp(-t)*((d - 1)*sin(x) + (2*d - 1/2)*sin(2*x) + (3*d - 1/3)*sin(3*x)"
              " + (4*d - 1/4)*sin(4*x) + (8*d - 1/8)*sin(8*x))")
    exact = "exp(-t)*(sin(x) + sin(2*x)/2 + sin(3*x)/3 + sin(4*x)/4 + sin(8*x)/8)"
    return PDESpec(name="reaction_diffusion", variables={"x": (-math.pi, math.pi), "t": (0, 1)},
                   equations="u_t = d*u_xx + R(x, t)", parameters={"d": d, "R": source},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": exact.replace("exp(-t)*", "")}],
                   exact=exact)


def klein_gordon() -> PDESpec:
    """Nonlinear Klein-Gordon equation with exact x cos t (DeepXDE Klein_Gordon.py).

    u_tt + alpha u_xx + beta u + gamma u^k = -x cos t + x^2 cos^2 t, alpha = -1, beta = 0,
    gamma = 1, k = 2, x in [-1, 1], t in [0, 10]; Dirichlet data, u(x, 0) = x and
    u_t(x, 0) = 0 from the exact u = x cos t.
    Source: DeepXDE examples/pinn_forward/Klein_Gordon.py (its constants, read from the file:
    not the x cos(5 pi t) + (x t)^3 problem, which is :func:`klein_gordon_cubic`).
    """
    return PDESpec(name="klein_gordon", variables={"x": (-1, 1), "t": (0, 10)},
                   equations="u_tt + alpha*u_xx + beta*u + gamma*u^k = -x*cos(t) + x^2*cos(t)^2",
                   parameters={"alpha": -1, "beta": 0, "gamma": 1, "k": 2},
                   conditions=[{"kind": "dirichlet", "on": "boundary", "value": "x*cos(t)"},
                               {"kind": "initial", "value": "x"},
                               {"kind": "initial", "derivative": 1, "value": "0"}],
                   exact="x*cos(t)")


def klein_gordon_cubic() -> PDESpec:
    """Cubic Klein-Gordon equation with exact x cos(5 pi t) + (x t)^3 (Wang, Teng & Perdikaris).

    u_tt + alpha u_xx + beta u + gamma u^k = f(x, t), alpha = -1, beta = 0, gamma = 1,
    k = 3, x in [0, 1], t in [0, 1], f made from the exact u = x cos(5 pi t) + (x t)^3;
    Dirichlet data at x = 0 and x = 1, u(x, 0) = x, u_t(x, 0) = 0.
    Source: Wang, Teng & Perdikaris, "Understanding and mitigating gradient flow pathologies
    in physics-informed neural networks", SIAM J. Sci. Comput. 43 (2021) A3055.
    """
    exact = "x*cos(5*pi*t) + (x*t)^3"
    source = (f"-25*pi^2*x*cos(5*pi*t) + 6*x^3*t + alpha*6*x*t^3 + beta*({exact})"
              f" + gamma*({exact})^k")
    return PDESpec(name="klein_gordon_cubic", variables={"x": (0, 1), "t": (0, 1)},
                   equations="u_tt + alpha*u_xx + beta*u + gamma*u^k = f(x, t)",
                   parameters={"alpha": -1, "beta": 0, "gamma": 1, "k": 3, "f": source},
                   conditions=[{"kind": "dirichlet", "on": "boundary", "value": exact},
                               {"kind": "initial", "value": "x"},
                               {"kind": "initial", "derivative": 1, "value": "0"}],
                   exact=exact)


def poisson_1d() -> PDESpec:
    """1D Poisson equation -u'' = pi^2 sin(pi x) with zero ends (DeepXDE Poisson_Dirichlet_1d.py).

    x in [-1, 1], u(-1) = u(1) = 0; exact u = sin(pi x).
    Source: DeepXDE examples/pinn_forward/Poisson_Dirichlet_1d.py.
    """
    return PDESpec(name="poisson_1d", variables={"x": (-1, 1)},
                   equations="-u'' = pi^2*sin(pi*x)",
                   conditions=[{"kind": "dirichlet", "on": "boundary"}],
                   exact="sin(pi*x)")


def poisson_2d() -> PDESpec:
    """2D Poisson equation on the unit square, zero boundary, exact sin(pi x) sin(pi y).

    -(u_xx + u_yy) = 2 pi^2 sin(pi x) sin(pi y), (x, y) in [0, 1]^2, u = 0 on the boundary.
    Source: the standard manufactured solution (e.g. LeVeque, Finite Difference Methods for
    Ordinary and Partial Differential Equations, SIAM 2007); the bench runs it with
    DeepXDE's Poisson_Lshape.py network and schedule.
    """
    return PDESpec(name="poisson_2d", variables={"x": (0, 1), "y": (0, 1)},
                   equations="-(u_xx + u_yy) = f(x, y)",
                   parameters={"f": "2*pi^2*sin(pi*x)*sin(pi*y)"},
                   conditions=[{"kind": "dirichlet", "on": "boundary"}],
                   exact="sin(pi*x)*sin(pi*y)")


def poisson_disk() -> PDESpec:
    """2D Poisson equation on the unit disk with nonzero boundary data x y.

    -(u_xx + u_yy) = f with f = 2 pi sin(pi r^2/2) + pi^2 r^2 cos(pi r^2/2), r^2 = x^2 + y^2,
    on the disk x^2 + y^2 <= 1, u = x y on the circle; exact u = cos(pi r^2/2) + x y (the
    first term vanishes on the circle, the second is harmonic). Source: a manufactured
    solution (in 2D, Delta g(r^2) = 4 g' + 4 r^2 g''); DeepXDE's Laplace_disk.py is the
    polar-coordinate analogue.
    """
    r2 = "(x^2 + y^2)"
    return PDESpec(name="poisson_disk", variables={"x": (-1, 1), "y": (-1, 1)},
                   disk={"center": (0, 0), "radius": 1},
                   equations="-(u_xx + u_yy) = f(x, y)",
                   parameters={"f": f"2*pi*sin(pi*{r2}/2) + pi^2*{r2}*cos(pi*{r2}/2)"},
                   conditions=[{"kind": "dirichlet", "on": "boundary", "value": "x*y"}],
                   exact=f"cos(pi*{r2}/2) + x*y")


def laplace() -> PDESpec:
    """Laplace equation on the unit square with nonzero Dirichlet data on all four sides.

    u_xx + u_yy = 0 on [0, 1]^2; exact (harmonic) u = exp(pi (x - 1)) sin(pi y) + (x^2 - y^2)/2,
    whose values are the Dirichlet data on the whole boundary.
    Source: separation of variables (e.g. Strauss, Partial Differential Equations: An
    Introduction, Wiley 2008) plus the harmonic polynomial (x^2 - y^2)/2.
    """
    exact = "exp(pi*(x - 1))*sin(pi*y) + (x^2 - y^2)/2"
    return PDESpec(name="laplace", variables={"x": (0, 1), "y": (0, 1)},
                   equations="u_xx + u_yy = 0",
                   conditions=[{"kind": "dirichlet", "on": "boundary", "value": exact}],
                   exact=exact)


def helmholtz(n: int = 2) -> PDESpec:
    """2D Helmholtz equation, k0 = 2 pi n, n = 2, zero boundary (DeepXDE Helmholtz_Dirichlet_2d.py).

    -u_xx - u_yy - k0^2 u = k0^2 sin(k0 x) sin(k0 y), k0 = 2 pi n with DeepXDE's n = 2 (two
    wavelengths per side; n = 1 is the easy variant), on [0, 1]^2, u = 0 on the boundary;
    exact u = sin(k0 x) sin(k0 y).
    Source: DeepXDE examples/pinn_forward/Helmholtz_Dirichlet_2d.py.
    """
    if int(n) != n or n < 1:
        raise SpecError(f"n must be a positive integer (so that u = 0 on the boundary), not {n}")
    return PDESpec(name="helmholtz", variables={"x": (0, 1), "y": (0, 1)},
                   equations="-u_xx - u_yy - k0^2*u = k0^2*sin(k0*x)*sin(k0*y)",
                   parameters={"k0": f"2*pi*{int(n)}"},
                   conditions=[{"kind": "dirichlet", "on": "boundary"}],
                   exact="sin(k0*x)*sin(k0*y)")


def harmonic_oscillator(omega: float = 1) -> PDESpec:
    """Harmonic oscillator y'' + omega^2 y = 0 over one period.

    omega = 1, t in [0, 2 pi/omega], y(0) = 1, y'(0) = omega; exact y = cos(omega t) +
    sin(omega t). (The PINN doctest of :mod:`tools.pde.pinn` trains on it in seconds; two
    periods at omega = 2 need more iterations.)
    Source: any mechanics text (e.g. Taylor, Classical Mechanics, 2005, ch. 5).
    """
    if not omega > 0:
        raise SpecError(f"omega must be positive, not {omega}")
    return PDESpec(name="harmonic_oscillator", unknowns="y",
                   variables={"t": (0, 2 * math.pi / omega)},
                   equations="y'' + omega^2*y = 0", parameters={"omega": omega},
                   conditions=[{"kind": "initial", "value": "1"},
                               {"kind": "initial", "derivative": 1, "value": "omega"}],
                   exact="cos(omega*t) + sin(omega*t)")


# ================================================================== general relativity
def schwarzschild_orbit(M: float = 1, r_p: float = 10, r_a: float = 20) -> PDESpec:
    """Relativistic orbit equation for u = 1/r around a Schwarzschild mass: a precessing ellipse.

    u'' + u = M/L^2 + 3 M u^2 in phi, phi in [0, 6 pi] (a little over two radial periods),
    M = 1, periapsis r_p = 10 M, apoapsis r_a = 20 M; u(0) = 1/r_p, u'(0) = 0. With
    (u')^2 = 2M (u - u1)(u - u2)(u - u3), u1 = 1/r_a < u2 = 1/r_p < u3 = 1/(2M) - u1 - u2,
    the angular momentum is L^2 = 1/(u1 u2 + u3 (u1 + u2)) (= 400/23 here) and the exact
    solution is u = u1 + (u2 - u1) cd^2(gamma phi, k), gamma = sqrt(M (u3 - u1)/2),
    k^2 = (u2 - u1)/(u3 - u1) (Jacobi elliptic functions, attached as the reference). The
    periapsis returns after 4 K(k)/sqrt(2M (u3 - u1)) = 8.4854 radians: a precession of
    2.2022 per orbit (6 pi M^2/L^2 = 1.084 is the weak-field value).
    Sources: Chandrasekhar, The Mathematical Theory of Black Holes (OUP 1983), ch. 3;
    Misner, Thorne & Wheeler, Gravitation (Freeman 1973), ch. 25 and 40.
    """
    u1, u2, u3, L = _orbit_roots(M, r_p, r_a)
    spec = PDESpec(name="schwarzschild_orbit", unknowns="u", variables={"phi": (0, 6 * math.pi)},
                   time="phi", equations="u'' + u = M/L^2 + 3*M*u^2",
                   parameters={"M": M, "L": L},
                   conditions=[{"kind": "initial", "value": 1 / r_p},
                               {"kind": "initial", "derivative": 1, "value": "0"}])
    return spec.with_reference(lambda points: orbit_exact(points[:, 0], M, r_p, r_a)[:, None])


def _orbit_roots(M: float, r_p: float, r_a: float) -> tuple[float, float, float, float]:
    """The roots u1 < u2 < u3 of the orbit's cubic, and L; a bound orbit is checked for."""
    if not (M > 0 and r_a >= r_p > 0):
        raise SpecError(f"a bound orbit needs M > 0 and r_a >= r_p > 0, not M={M}, "
                        f"r_p={r_p}, r_a={r_a}")
    u1, u2 = 1 / r_a, 1 / r_p
    u3 = 1 / (2 * M) - u1 - u2
    if not u3 > u2:
        raise SpecError(f"no bound orbit between r = {r_p:g} and {r_a:g} around M = {M:g}: the "
                        f"periapsis is inside the unstable region (need 1/(2M) > 1/r_a + 2/r_p)")
    return u1, u2, u3, 1 / math.sqrt(u1 * u2 + u3 * (u1 + u2))


def orbit_exact(phi, M: float = 1, r_p: float = 10, r_a: float = 20) -> np.ndarray:
    """u = 1/r of the Schwarzschild orbit from periapsis r_p (phi = 0) to apoapsis r_a.

    u = u1 + (u2 - u1) cd^2(gamma phi | k^2) with the roots of :func:`schwarzschild_orbit`;
    cd = cn/dn, so u(0) = u2 = 1/r_p and u = u1 at gamma phi = K.
    """
    from scipy.special import ellipj
    u1, u2, u3, _ = _orbit_roots(M, r_p, r_a)
    gamma, m = math.sqrt(M * (u3 - u1) / 2), (u2 - u1) / (u3 - u1)
    _, cn, dn, _ = ellipj(gamma * np.asarray(phi, dtype=float), m)
    return u1 + (u2 - u1) * (cn / dn)**2


def orbit_period(M: float = 1, r_p: float = 10, r_a: float = 20) -> float:
    """Angle from periapsis to periapsis, 4 K(k)/sqrt(2M (u3 - u1)); minus 2 pi: the precession."""
    from scipy.special import ellipk
    u1, u2, u3, _ = _orbit_roots(M, r_p, r_a)
    return float(4 * ellipk((u2 - u1) / (u3 - u1)) / math.sqrt(2 * M * (u3 - u1)))


def schwarzschild_geodesic(M: float = 1, r_p: float = 10, r_a: float = 20) -> PDESpec:
    """Equatorial timelike geodesic of Schwarzschild in proper time: t, r, phi, second order.

    The full geodesic equations (theta = pi/2), tau in [0, 500] (one radial period is
    425.13 M):
        t''   = -2M/(r (r - 2M)) r' t'
        r''   = -M (r - 2M)/r^3 t'^2 + M/(r (r - 2M)) r'^2 + (r - 2M) phi'^2
        phi'' = -2/r r' phi'
    from periapsis r_p = 10 M with the orbit of :func:`schwarzschild_orbit` (apoapsis 20 M):
    t = phi = 0, r' = 0, t' = E/(1 - 2M/r_p), phi' = L/r_p^2, E^2 = (1 - 2M/r_p)(1 + L^2/r_p^2)
    (= 108/115). Checks: E = (1 - 2M/r) t', L = r^2 phi' and -(1 - 2M/r) t'^2 +
    r'^2/(1 - 2M/r) + r^2 phi'^2 = -1 are conserved, and 1/r against phi is the elliptic
    closed form of the orbit. Reference: DOP853 at rtol 1e-12.
    Source: Hartle, Gravity (2003), ch. 9; Carroll, Spacetime and Geometry (2004), sec. 5.4.
    """
    _, _, _, L = _orbit_roots(M, r_p, r_a)
    E = math.sqrt((1 - 2 * M / r_p) * (1 + L**2 / r_p**2))
    spec = PDESpec(
        name="schwarzschild_geodesic", unknowns=["t", "r", "phi"], variables={"tau": (0, 500)},
        time="tau", parameters={"M": M, "E": E, "L": L},
        equations=["t'' = -2*M/(r*(r - 2*M))*r'*t'",
                   "r'' = -M*(r - 2*M)/r^3*t'^2 + M/(r*(r - 2*M))*r'^2 + (r - 2*M)*phi'^2",
                   "phi'' = -2/r*r'*phi'"],
        conditions=[{"kind": "initial", "unknown": "t", "value": "0"},
                    {"kind": "initial", "unknown": "t", "derivative": 1,
                     "value": f"E/(1 - 2*M/{r_p!r})"},
                    {"kind": "initial", "unknown": "r", "value": r_p},
                    {"kind": "initial", "unknown": "r", "derivative": 1, "value": "0"},
                    {"kind": "initial", "unknown": "phi", "value": "0"},
                    {"kind": "initial", "unknown": "phi", "derivative": 1,
                     "value": f"L/{r_p!r}^2"}])

    def rhs(_tau, y):
        t_dot, r, r_dot, phi_dot = y[3], y[1], y[4], y[5]
        f = r * (r - 2 * M)
        return [t_dot, r_dot, phi_dot, -2 * M / f * r_dot * t_dot,
                -M * (r - 2 * M) / r**3 * t_dot**2 + M / f * r_dot**2 + (r - 2 * M) * phi_dot**2,
                -2 / r * r_dot * phi_dot]

    y0 = [0.0, r_p, 0.0, E / (1 - 2 * M / r_p), 0.0, L / r_p**2]
    return spec.with_reference(_ivp_reference(rhs, (0, 500), y0, rows=[0, 1, 2]))


def tov_polytrope(rho_c: float = 1.28e-3, K: float = 100, Gamma: float = 2, r0: float = 0.1,
                  r1: float = 9) -> PDESpec:
    """TOV equations of a polytropic neutron star, K = 100, Gamma = 2, rho_c = 1.28e-3 (M = 1.40).

    m' = 4 pi r^2 e, p' = -(e + p)(m + 4 pi r^3 p)/(r (r - 2m)), with e = rho + p/(Gamma - 1)
    and p = K rho^Gamma, in solar-mass geometrized units. r in [r0, r1] = [0.1, 9]: from near
    the centre, where the regular series give the dirichlet data at r = r0, p(r0) = p_c + p_2
    r0^2 with p_2 = -(2 pi/3)(e_c + p_c)(e_c + 3 p_c) and m(r0) = (4 pi/3) e_c r0^3 + (4 pi/5)
    e_2 r0^5 with e_2 = (de/dp) p_2 (both to relative O(r0^4)), to r = 9 inside
    the star: the surface p = 0 is at R = 9.5855 (M(R) = 1.40016), beyond which the
    equations are not those of a star, so the domain stops 6% short of it. The density is
    written (|p|/K)^(1/Gamma): the same inside the star, and finite for a trial solution (a
    PINN's) that strays below p = 0. Reference: DOP853
    at rtol 1e-12. For rho_c -> 0 the star is Newtonian: rho ~ rho_c sin(xi)/xi, r = a xi,
    a = sqrt(K/(2 pi)) (Lane-Emden n = 1), which the tests check.
    Sources: Tolman (1939), Oppenheimer & Volkoff (1939); the standard test star of
    Font et al., Phys. Rev. D 65 (2002) 084024 and the Einstein Toolkit (TOVSolver).
    """
    if not (rho_c > 0 and K > 0 and Gamma > 1 and 0 < r0 < r1):
        raise SpecError("the TOV polytrope needs rho_c > 0, K > 0, Gamma > 1 and 0 < r0 < r1")
    p_c = K * rho_c**Gamma
    e_c = rho_c + p_c / (Gamma - 1)
    p_2 = -2 * math.pi / 3 * (e_c + p_c) * (e_c + 3 * p_c)     # p = p_c + p_2 r^2 + O(r^4)
    e_2 = (rho_c / (Gamma * p_c) + 1 / (Gamma - 1)) * p_2     # e = e_c + e_2 r^2, de/dp p_2
    m0 = 4 * math.pi / 3 * e_c * r0**3 + 4 * math.pi / 5 * e_2 * r0**5
    p0 = p_c + p_2 * r0**2
    e = "((abs(p)/K)^(1/Gamma) + p/(Gamma - 1))"      # abs: see the docstring
    spec = PDESpec(name="tov_polytrope", unknowns=["m", "p"], variables={"r": (r0, r1)},
                   parameters={"K": K, "Gamma": Gamma},
                   equations=[f"m' = 4*pi*r^2*{e}",
                              f"p' = -({e} + p)*(m + 4*pi*r^3*p)/(r*(r - 2*m))"],
                   conditions=[{"kind": "dirichlet", "unknown": "m", "on": f"r={r0!r}",
                                "value": m0},
                               {"kind": "dirichlet", "unknown": "p", "on": f"r={r0!r}",
                                "value": p0}])

    def rhs(r, y):
        m, p = y
        e = (max(p, 0.0) / K)**(1 / Gamma) + p / (Gamma - 1)
        return [4 * math.pi * r**2 * e, -(e + p) * (m + 4 * math.pi * r**3 * p) / (r * (r - 2 * m))]

    def surface(_r, y):
        return y[1]

    def check(solution):
        if solution.status == 1 or solution.t[-1] < r1:
            raise SpecError(f"the star's surface (p = 0) is at r = {solution.t[-1]:.4g}, inside "
                            f"the domain ending at r1 = {r1:g}: choose a smaller r1")

    surface.terminal = True
    return spec.with_reference(_ivp_reference(
        rhs, (r0, r1), [m0, p0], rows=[0, 1], atol=[1e-14 * e_c * r1**3, 1e-14 * p_c],
        events=surface, check=check))


def tov_uniform(M: float = 2.5, R: float = 10, r0: float = 0.1) -> PDESpec:
    """TOV equations of a uniform-density star, M/R = 0.25, with Schwarzschild's exact interior.

    m' = 4 pi r^2 rho, p' = -(rho + p)(m + 4 pi r^3 p)/(r (r - 2m)), rho = 3M/(4 pi R^3)
    constant, r in [r0, R] = [0.1, 10] (the surface p = 0 is r = R), dirichlet data at r0
    (as numbers) from the exact m = (4 pi/3) rho r^3 and
    p = rho [sqrt(1 - 2M r^2/R^3) - sqrt(1 - 2M/R)] / [3 sqrt(1 - 2M/R) - sqrt(1 - 2M r^2/R^3)]
    (p_c = 0.261 rho here; a finite p_c needs M/R < 4/9).
    Source: K. Schwarzschild, Sitzungsber. Preuss. Akad. Wiss. (1916) 424; Misner, Thorne &
    Wheeler, Gravitation (Freeman 1973), ch. 23.
    """
    if not (0 < M < 4 / 9 * R and 0 < r0 < R):
        raise SpecError("a uniform star needs 0 < M < 4R/9 (finite central pressure) and "
                        "0 < r0 < R")
    inner, outer = "sqrt(1 - 2*M*r^2/R^3)", "sqrt(1 - 2*M/R)"
    m_exact, p_exact = "4*pi/3*rho*r^3", f"rho*({inner} - {outer})/(3*{outer} - {inner})"
    rho = 3 * M / (4 * math.pi * R**3)
    inside, surface = math.sqrt(1 - 2 * M * r0**2 / R**3), math.sqrt(1 - 2 * M / R)
    return PDESpec(name="tov_uniform", unknowns=["m", "p"], variables={"r": (r0, R)},
                   parameters={"M": M, "R": R, "rho": "3*M/(4*pi*R^3)"},
                   equations=["m' = 4*pi*r^2*rho",
                              "p' = -(rho + p)*(m + 4*pi*r^3*p)/(r*(r - 2*m))"],
                   conditions=[{"kind": "dirichlet", "unknown": "m", "on": f"r={r0!r}",
                                "value": 4 * math.pi / 3 * rho * r0**3},
                               {"kind": "dirichlet", "unknown": "p", "on": f"r={r0!r}",
                                "value": rho * (inside - surface) / (3 * surface - inside)}],
                   exact=[m_exact, p_exact])


def flrw_matter_lambda(Om: float = 0.3, OL: float = 0.7, H0: float = 1, t0: float = 0.1,
                       t1: float = 2) -> PDESpec:
    """Flat FLRW universe with matter and a cosmological constant: the scale factor a(t).

    a'' = H0^2 (-(Om/2) a^-2 + OL a) (the acceleration equation), Om = 0.3, OL = 0.7,
    H0 = 1 (t in units of 1/H0), t in [0.1, 2] (a = 1 today at t = 0.964); a(t0) and a'(t0)
    (as numbers) from the exact a = (Om/OL)^(1/3) sinh^(2/3)(3/2 sqrt(OL) H0 t) (Om + OL = 1).
    Source: e.g. Peacock, Cosmological Physics (CUP 1999); Weinberg, Cosmology (OUP 2008),
    ch. 1.
    """
    if not (Om > 0 and OL > 0 and H0 > 0 and 0 < t0 < t1):
        raise SpecError("need Om, OL, H0 > 0 and 0 < t0 < t1")
    if not math.isclose(Om + OL, 1, abs_tol=1e-12):
        raise SpecError(f"the exact solution is for a flat universe: Om + OL = 1, not {Om + OL}")
    w = 1.5 * math.sqrt(OL) * H0 * t0
    scale = (Om / OL)**(1 / 3)
    return PDESpec(name="flrw_matter_lambda", unknowns="a", variables={"t": (t0, t1)},
                   parameters={"Om": Om, "OL": OL, "H0": H0},
                   equations="a'' = H0^2*(-(Om/2)/a^2 + OL*a)",
                   conditions=[{"kind": "initial", "value": scale * math.sinh(w)**(2 / 3)},
                               {"kind": "initial", "derivative": 1,
                                "value": scale * math.sqrt(OL) * H0 * math.cosh(w)
                                / math.sinh(w)**(1 / 3)}],
                   exact="(Om/OL)^(1/3)*sinh(3/2*sqrt(OL)*H0*t)^(2/3)")


def regge_wheeler(M: float = 1, l: int = 2, s: int = 2, x0: float = 10,
                  sigma: float = 2) -> PDESpec:
    """Regge-Wheeler equation: a pulse scatters off a Schwarzschild black hole and rings down.

    psi_tt = psi_xx - V psi in the tortoise coordinate x = r* = r + 2M log(r/(2M) - 1),
    V = (1 - 2M/r)(l(l+1)/r^2 + 2M(1 - s^2)/r^3), r(x) = 2M (1 + W(exp(x/(2M) - 1)))
    (Lambert W), M = 1, l = 2, s = 2 (odd-parity gravitational waves; s = 0 is a scalar
    field), x in [-60, 140], t in [0, 100]; psi(x, 0) = exp(-(x - 10)^2/(2 sigma^2)),
    sigma = 2, psi_t(x, 0) = 0; psi = 0 at both ends.
    Causality (speed 1): the pulse, negligible outside [0, 20], reaches x = 140 only at
    t = 120, and x = -60 at t = 60, whose reflection gets no further than x = -20 by t = 100:
    on x >= -20 the solution is that of the unbounded line. An observer at x = 20 sees the
    scattered pulse from t = 40 and then the l = 2 ringdown, M omega = 0.37367 - 0.08896 i
    (a fit over t in [70, 100] gives 0.37363 - 0.08896 i; at x = 50 that window holds the
    early, overtone-laden part of the ringdown, and the fit is off by 3%).
    Reference: numerical and independent of :mod:`tools.pde.reference`, see
    :func:`regge_wheeler_leapfrog` (about 1e-9; 1.5 s on first use, then cached).
    Sources: Regge & Wheeler, Phys. Rev. 108 (1957) 1063; Chandrasekhar & Detweiler,
    Proc. R. Soc. A 344 (1975) 441; Leaver, Proc. R. Soc. A 402 (1985) 285.
    """
    spec = PDESpec(
        name="regge_wheeler", unknowns="psi", variables={"x": (-60, 140), "t": (0, 100)},
        parameters={"M": M, "l": l, "s": s, "x0": x0, "sigma": sigma,
                    "radius": "2*M*(1 + LambertW(exp(x/(2*M) - 1)))",
                    "V": "(1 - 2*M/radius(x, t))*(l*(l + 1)/radius(x, t)^2"
                         " + 2*M*(1 - s^2)/radius(x, t)^3)"},
        equations="psi_tt = psi_xx - V(x, t)*psi",
        conditions=[{"kind": "dirichlet", "on": "boundary"},
                    {"kind": "initial", "value": "exp(-(x - x0)^2/(2*sigma^2))"},
                    {"kind": "initial", "derivative": 1, "value": "0"}])
    key = tuple(float(v) for v in (M, l, s, x0, sigma))
    return spec.with_reference(
        lambda points: regge_wheeler_leapfrog(*key).ev(points[:, 0], points[:, 1])[:, None])


def regge_wheeler_potential(x, M: float = 1, l: int = 2, s: int = 2) -> np.ndarray:
    """V(r*) of :func:`regge_wheeler`, with r = 2M (1 + W(exp(r*/(2M) - 1))) (scipy's lambertw)."""
    from scipy.special import lambertw
    r = 2 * M * (1 + lambertw(np.exp(np.asarray(x, dtype=float) / (2 * M) - 1)).real)
    return (1 - 2 * M / r) * (l * (l + 1) / r**2 + 2 * M * (1 - s**2) / r**3)


@functools.lru_cache(maxsize=2)
def regge_wheeler_leapfrog(M: float = 1, l: float = 2, s: float = 2, x0: float = 10,
                           sigma: float = 2):
    """The solution of :func:`regge_wheeler` as a quintic spline in (x, t) (``.ev(x, t)``).

    Leapfrog on the characteristic grid dt = dx = h, where the free wave equation is solved
    exactly, with the potential averaged over the two outer time levels so that V >= 0 keeps
    it stable: psi_j^(n+1) (1 + h^2 V_j/2) = psi_(j+1)^n + psi_(j-1)^n - psi_j^(n-1)
    (1 + h^2 V_j/2); the first step is the same with psi^(-1) = psi^1 (psi_t = 0). The scheme
    is second order in h and even in h, so h = 0.025 and 0.0125 combine by Richardson
    extrapolation, (4 psi_(h/2) - psi_h)/3: about 1e-9 relative to the peak (checked against
    h = 0.0125 and 0.00625), then a quintic spline through the values every 0.05 in x and 0.1
    in t adds about 3e-9. Independent of :mod:`tools.pde.reference`, whose method of lines
    is one of the solvers a benchmark measures against this.
    """
    from scipy.interpolate import RectBivariateSpline
    (lo, hi), end, dx_out, dt_out = (-60.0, 140.0), 100.0, 0.05, 0.1

    def leapfrog(h):
        x = lo + h * np.arange(int(round((hi - lo) / h)) + 1)
        half = 1 + 0.5 * h**2 * regge_wheeler_potential(x[1:-1], M, l, s)
        every_x, every_t = int(round(dx_out / h)), int(round(dt_out / h))
        previous = np.exp(-(x - x0)**2 / (2 * sigma**2))
        previous[[0, -1]] = 0
        current = np.zeros_like(previous)
        current[1:-1] = 0.5 * (previous[2:] + previous[:-2]) / half
        kept = [previous[::every_x].copy()]
        for step in range(2, int(round(end / h)) + 1):
            following = np.zeros_like(current)
            following[1:-1] = (current[2:] + current[:-2]) / half - previous[1:-1]
            previous, current = current, following
            if step % every_t == 0:
                kept.append(current[::every_x].copy())
        return x[::every_x], np.array(kept).T

    x, coarse = leapfrog(0.025)
    _, fine = leapfrog(0.0125)
    t = dt_out * np.arange(coarse.shape[1])
    return RectBivariateSpline(x, t, (4 * fine - coarse) / 3, kx=5, ky=5)


# ================================================================== references
_CLASSICAL_CACHE: dict[str, object] = {}


def _classical_reference(spec: PDESpec, resolution: int) -> PDESpec:
    """Attach ``solve_classical(spec, resolution=...)`` as the reference, solved on first use.

    The solve is cached by the spec's content for the process, so later ``get`` calls share
    it. It runs on a copy without the reference (else its error estimate would call it).
    """
    key = f"{resolution}:{spec.model_dump_json()}"

    def reference(points: np.ndarray) -> np.ndarray:
        solution = _CLASSICAL_CACHE.get(key)
        if solution is None:
            from .reference import solve_classical
            plain = PDESpec.model_validate(spec.model_dump())
            solution = solve_classical(plain, resolution=resolution, error_estimate=False)
            _CLASSICAL_CACHE[key] = solution
        return np.asarray(solution(points), dtype=float).reshape(len(points), -1)

    return spec.with_reference(reference)


def _ivp_reference(rhs, span, y0, rows, atol=1e-13, events=None, check=None) -> Reference:
    """A dense DOP853 solution at rtol 1e-12, integrated on first use; columns ``rows``."""
    cache: dict = {}

    def reference(points: np.ndarray) -> np.ndarray:
        if "solution" not in cache:
            from scipy.integrate import solve_ivp
            solution = solve_ivp(rhs, span, y0, method="DOP853", rtol=1e-12, atol=atol,
                                 dense_output=True, events=events)
            if check is not None:
                check(solution)
            if not solution.success:
                raise SpecError(f"the reference integration failed: {solution.message}")
            cache["solution"] = solution
        return cache["solution"].sol(np.asarray(points, dtype=float)[:, 0])[rows].T

    return reference


# ================================================================== registry
_LIBRARY: dict[str, Callable[..., PDESpec]] = {f.__name__: f for f in (
    heat, wave, wave_slow, advection, burgers, allen_cahn, reaction_diffusion, klein_gordon,
    klein_gordon_cubic, poisson_1d, poisson_2d, poisson_disk, laplace, helmholtz,
    harmonic_oscillator, schwarzschild_orbit, schwarzschild_geodesic, tov_polytrope,
    tov_uniform, flrw_matter_lambda, regge_wheeler)}


def names() -> list[str]:
    """The problems of the library, sorted.

    >>> names()[:3]
    ['advection', 'allen_cahn', 'burgers']
    """
    return sorted(_LIBRARY)


def _key(name: str) -> str:
    if not isinstance(name, str):
        raise UnknownProblem(f"a problem name is a string, not {type(name).__name__}")
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _function(name: str) -> Callable[..., PDESpec]:
    key = _key(name)
    if key in _LIBRARY:
        return _LIBRARY[key]
    close = difflib.get_close_matches(key, names(), n=4, cutoff=0.5)
    hint = (f"close matches: {', '.join(close)}" if close
            else f"the problems are: {', '.join(names())}")
    raise UnknownProblem(f"no problem {name!r} in the library; {hint}")


def get(name: str, **options) -> PDESpec:
    """A fresh spec of the problem ``name`` (case, spaces and hyphens do not matter).

    ``options`` go to the problem's function (``get("helmholtz", n=1)``); the others raise
    a :class:`SpecError` naming the accepted ones.
    """
    function = _function(name)
    accepted = inspect.signature(function).parameters
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise SpecError(f"the problem {function.__name__} has no option {', '.join(unknown)}; "
                        f"its options are: {', '.join(accepted) or 'none'}")
    return function(**options)


def describe(name: str) -> str:
    """The one-line description of a problem (the first line of its function's docstring)."""
    return inspect.getdoc(_function(name)).splitlines()[0]


def descriptions() -> dict[str, str]:
    """Every problem's one-line description, by name."""
    return {name: describe(name) for name in names()}


def source(name: str) -> str:
    """The full docstring of a problem: set-up, truth and source."""
    return inspect.getdoc(_function(name))
