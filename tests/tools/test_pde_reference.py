"""Classical reference solvers, each result checked against an exact solution computed here."""

import time

import numpy as np
import pytest

from tools.pde import NotApplicable, PDESpec, SolverFailed
from tools.pde.library import burgers_cole_hopf
from tools.pde.reference import classical_method, solve_classical
from tools.pde.solution import relative_l2, sample_domain

PI = np.pi


def error(sol, exact, n=3000, seed=7):
    """Relative L2 error of ``sol`` against ``exact(*columns)`` on random domain points."""
    points = sample_domain(sol.spec, n, seed=seed)
    values = exact(*points.T)
    columns = values if isinstance(values, tuple) else (values,)
    truth = np.column_stack([np.broadcast_to(c, len(points)) for c in columns])
    return relative_l2(np.asarray(sol(points)).reshape(truth.shape), truth)


def heat(exact=True):
    return PDESpec(equations="u_t = 0.4*u_xx", variables={"x": (0, 1), "t": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": "sin(pi*x)"}],
                   exact="exp(-0.4*pi^2*t)*sin(pi*x)" if exact else None)


# ------------------------------------------------------------------------ method of lines
def test_heat_with_dirichlet_conditions():
    sol = solve_classical(heat())
    assert classical_method(sol.spec) == "method_of_lines"
    assert sol.metrics["integrator"] == "BDF" and sol.metrics["problem"] == "parabolic"
    assert error(sol, lambda x, t: np.exp(-0.4 * PI**2 * t) * np.sin(PI * x)) < 1e-6
    assert sol.metrics["l2re"] < 1e-6 and sol.metrics["error_basis"] == "exact solution"
    assert sol.error_estimate == sol.metrics["l2re"]
    assert np.allclose(sol(np.c_[np.linspace(0, 1, 9), np.zeros(9)]),
                       np.sin(PI * np.linspace(0, 1, 9)), atol=1e-12)


def test_wave_second_order_in_time():
    spec = PDESpec(equations="u_tt = u_xx", variables={"x": (0, 1), "t": (0, 2)},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": "sin(pi*x)"},
                               {"kind": "initial", "derivative": 1, "value": "0"}])
    sol = solve_classical(spec, error_estimate=False)
    assert sol.metrics["integrator"] == "DOP853"
    assert error(sol, lambda x, t: np.cos(PI * t) * np.sin(PI * x)) < 1e-5


def test_periodic_advection_with_time_first():
    spec = PDESpec(equations="u_t + u_x = 0", variables={"t": (0, 1), "x": (0, 1)},
                   conditions=[{"kind": "periodic", "on": "x"},
                               {"kind": "initial", "value": "sin(2*pi*x)"}])
    sol = solve_classical(spec, error_estimate=False)
    assert sol.metrics["grid"][0] == 1000                     # periodic: no duplicate node
    assert error(sol, lambda t, x: np.sin(2 * PI * (x - t))) < 1e-4
    t = np.linspace(0, 1, 5)
    assert np.allclose(sol(np.c_[t, np.zeros(5)]), sol(np.c_[t, np.ones(5)]), atol=1e-12)


def test_time_dependent_dirichlet_values_with_time_first():
    # u = x^2 + 2t solves u_t = u_xx, and central differences are exact on quadratics
    spec = PDESpec(equations="u_t = u_xx", variables={"t": (0, 1), "x": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "x=0", "value": "2*t"},
                               {"kind": "dirichlet", "on": "x=1", "value": "1 + 2*t"},
                               {"kind": "initial", "value": "x^2"}])
    sol = solve_classical(spec, resolution=100, error_estimate=False)
    assert error(sol, lambda t, x: x**2 + 2 * t) < 1e-7
    assert sol(np.array([[0.5, 1.0]])) == pytest.approx(2.0, abs=1e-12)


def test_neumann_heat():
    spec = PDESpec(equations="u_t = u_xx", variables={"x": (0, 1), "t": (0, 0.5)},
                   conditions=[{"kind": "neumann", "on": "boundary"},
                               {"kind": "initial", "value": "cos(pi*x)"}])
    sol = solve_classical(spec, error_estimate=False)
    assert error(sol, lambda x, t: np.exp(-PI**2 * t) * np.cos(PI * x)) < 1e-5


def test_robin_heat_with_time_dependent_value():
    # u = exp(-pi^2 t) (cos(pi x) + sin(pi x)/pi): u + du/dn is 0 at x=0, -2 exp(-pi^2 t) at x=1
    spec = PDESpec(equations="u_t = u_xx", variables={"x": (0, 1), "t": (0, 0.5)},
                   conditions=[{"kind": "robin", "on": "x=0", "value": "0"},
                               {"kind": "robin", "on": "x=1", "value": "-2*exp(-pi^2*t)"},
                               {"kind": "initial", "value": "cos(pi*x) + sin(pi*x)/pi"}])
    sol = solve_classical(spec, error_estimate=False)
    exact = lambda x, t: np.exp(-PI**2 * t) * (np.cos(PI * x) + np.sin(PI * x) / PI)  # noqa: E731
    assert error(sol, exact) < 1e-5


def test_nonlinear_fisher_travelling_wave():
    # Ablowitz-Zeppetella: u = (1 + exp(x/sqrt(6) - 5t/6))^-2 solves u_t = u_xx + u(1 - u)
    front = "(1 + exp(x/sqrt(6) - 5*t/6))^(-2)"
    spec = PDESpec(equations="u_t = u_xx + u*(1 - u)", variables={"x": (-10, 20), "t": (0, 3)},
                   conditions=[{"kind": "dirichlet", "on": "boundary", "value": front},
                               {"kind": "initial", "value": front}])
    sol = solve_classical(spec, resolution=1000, error_estimate=False)
    exact = lambda x, t: (1 + np.exp(x / np.sqrt(6) - 5 * t / 6)) ** -2  # noqa: E731
    assert error(sol, exact) < 1e-5


def test_two_unknowns_first_order_system():
    # u_t = v_x, v_t = u_x: a wave travelling right, u = -v = sin(2 pi (x - t))
    spec = PDESpec(equations=["u_t = v_x", "v_t = u_x"], unknowns=["u", "v"],
                   variables={"x": (0, 1), "t": (0, 0.5)},
                   conditions=[{"kind": "periodic", "on": "x", "unknown": "u"},
                               {"kind": "periodic", "on": "x", "unknown": "v"},
                               {"kind": "initial", "unknown": "u", "value": "sin(2*pi*x)"},
                               {"kind": "initial", "unknown": "v", "value": "-sin(2*pi*x)"}])
    sol = solve_classical(spec, error_estimate=False)
    wave = lambda x, t: np.sin(2 * PI * (x - t))  # noqa: E731
    assert error(sol, lambda x, t: (wave(x, t), -wave(x, t))) < 1e-4


def test_burgers_against_cole_hopf():
    nu = 0.01 / PI
    spec = PDESpec(equations="u_t + u*u_x = nu*u_xx", parameters={"nu": nu},
                   variables={"x": (-1, 1), "t": (0, 0.99)},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": "-sin(pi*x)"}])
    start = time.perf_counter()
    sol = solve_classical(spec)
    seconds = time.perf_counter() - start
    truth = error(sol, lambda x, t: burgers_cole_hopf(x, t, nu), n=4000)
    assert truth < 1e-3
    assert truth < sol.error_estimate < 10 * truth     # half-resolution difference
    assert seconds < 15


# ------------------------------------------------------------------------ finite differences
def test_poisson_2d():
    spec = PDESpec(equations="-(u_xx + u_yy) = 2*pi^2*sin(pi*x)*sin(pi*y)",
                   variables={"x": (0, 1), "y": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "boundary"}])
    sol = solve_classical(spec, error_estimate=False)
    assert classical_method(spec) == "finite_difference"
    assert error(sol, lambda x, y: np.sin(PI * x) * np.sin(PI * y)) < 2e-5


def test_bvp_1d_with_dirichlet_and_neumann_ends():
    # u = sin(pi x): u(0) = 0 and du/dn = u_x(1) = -pi
    spec = PDESpec(equations="u'' = -pi^2*sin(pi*x)", variables={"x": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "x=0"},
                               {"kind": "neumann", "on": "x=1", "value": "-pi"}])
    sol = solve_classical(spec, error_estimate=False)
    assert error(sol, lambda x: np.sin(PI * x)) < 1e-6


def test_bvp_1d_with_robin_end_and_variable_coefficient():
    # -u'' + x^2 u = f for u = sin(pi x); at x=0 u + du/dn = u - u' = -pi
    spec = PDESpec(equations="-u_xx + V(x)*u = (pi^2 + x^2)*sin(pi*x)",
                   parameters={"V": "x^2"}, variables={"x": (0, 1)},
                   conditions=[{"kind": "robin", "on": "x=0", "value": "-pi"},
                               {"kind": "dirichlet", "on": "x=1"}])
    sol = solve_classical(spec, error_estimate=False)
    assert error(sol, lambda x: np.sin(PI * x)) < 1e-6


def test_poisson_2d_with_neumann_faces():
    # u = exp(x) sin(pi y): du/dn = -sin(pi y) on x=0 and e sin(pi y) on x=1, u = 0 on y=0, 1
    spec = PDESpec(equations="-(u_xx + u_yy) = (pi^2 - 1)*exp(x)*sin(pi*y)",
                   variables={"x": (0, 1), "y": (0, 1)},
                   conditions=[{"kind": "neumann", "on": "x=0", "value": "-sin(pi*y)"},
                               {"kind": "neumann", "on": "x=1", "value": "exp(1)*sin(pi*y)"},
                               {"kind": "dirichlet", "on": "y=0"},
                               {"kind": "dirichlet", "on": "y=1"}])
    sol = solve_classical(spec, resolution=100, error_estimate=False)
    assert error(sol, lambda x, y: np.exp(x) * np.sin(PI * y)) < 2e-4


def test_periodic_bvp():
    spec = PDESpec(equations="-u_xx + u = (4*pi^2 + 1)*sin(2*pi*x) + 2", variables={"x": (0, 1)},
                   conditions=[{"kind": "periodic", "on": "x"}])
    sol = solve_classical(spec, error_estimate=False)
    assert sol.metrics["grid"] == [2000]
    assert error(sol, lambda x: np.sin(2 * PI * x) + 2) < 1e-6


def test_helmholtz_2d():
    # sin(3x + 4y) solves u_xx + u_yy + 25 u = 0; 25 is not a Dirichlet eigenvalue of the square
    spec = PDESpec(equations="u_xx + u_yy + k^2*u = 0", parameters={"k": 5},
                   variables={"x": (0, 1), "y": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "boundary", "value": "sin(3*x + 4*y)"}])
    sol = solve_classical(spec, error_estimate=False)
    assert error(sol, lambda x, y: np.sin(3 * x + 4 * y)) < 1e-3


def test_poisson_3d_on_a_small_grid():
    spec = PDESpec(equations="-(u_xx + u_yy + u_zz) = 3*pi^2*sin(pi*x)*sin(pi*y)*sin(pi*z)",
                   variables={"x": (0, 1), "y": (0, 1), "z": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "boundary"}])
    sol = solve_classical(spec, resolution=16, error_estimate=False)
    assert sol.metrics["grid"] == [17, 17, 17]
    assert error(sol, lambda x, y, z: np.sin(PI * x) * np.sin(PI * y) * np.sin(PI * z)) < 5e-3


# ------------------------------------------------------------------------ ODEs
def test_harmonic_oscillator():
    spec = PDESpec(equations="y'' + y = 0", unknowns="y", variables={"t": (0, 10)},
                   conditions=[{"kind": "initial", "value": 1},
                               {"kind": "initial", "derivative": 1, "value": 0}])
    sol = solve_classical(spec)
    assert classical_method(spec) == "ivp" and sol.metrics["integrator"] == "DOP853"
    truth = error(sol, lambda t: np.cos(t))
    assert truth < 1e-8
    assert sol.metrics["error_basis"] == "looser tolerance solve"
    assert truth < sol.error_estimate < 1e-4


def test_first_order_system_of_two_unknowns():
    spec = PDESpec(equations=["x' = -y", "y' = x"], unknowns=["x", "y"],
                   variables={"t": (0, 5)},
                   conditions=[{"kind": "initial", "unknown": "x", "value": 1},
                               {"kind": "initial", "unknown": "y", "value": 0}])
    sol = solve_classical(spec, error_estimate=False)
    assert error(sol, lambda t: (np.cos(t), np.sin(t))) < 1e-8


def test_space_ode_integrated_from_the_end_with_the_condition():
    # y' = -2 r y from y(1) = exp(-1), integrated down to r = 0: y = exp(-r^2)
    spec = PDESpec(equations="y' = -2*r*y", unknowns="y", variables={"r": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "r=1", "value": "exp(-1)"}])
    sol = solve_classical(spec, error_estimate=False)
    assert classical_method(spec) == "ivp"
    assert error(sol, lambda r: np.exp(-r**2)) < 1e-8


def test_stiff_ode_switches_to_an_implicit_integrator():
    # y' = -k (y - cos t), y(0) = 1: y = (k^2 cos t + k sin t)/(k^2 + 1) + exp(-k t)/(k^2 + 1)
    k = 1e5
    spec = PDESpec(equations="y' = -k*(y - cos(t))", unknowns="y", parameters={"k": k},
                   variables={"t": (0, 1)}, conditions=[{"kind": "initial", "value": 1}])
    sol = solve_classical(spec, error_estimate=False)
    assert sol.metrics["integrator"] == "Radau"          # DOP853 gave up: stiff
    exact = lambda t: (k**2 * np.cos(t) + k * np.sin(t) + np.exp(-k * t)) / (k**2 + 1)  # noqa: E731
    assert error(sol, exact) < 1e-7                     # Radau's dense output is cubic


def test_blow_up_says_where():
    spec = PDESpec(equations="y' = y^2", unknowns="y", variables={"t": (0, 2)},
                   conditions=[{"kind": "initial", "value": 1}])
    with pytest.raises(SolverFailed, match=r"blows up near t=(0\.99\d*|1) "):
        solve_classical(spec, error_estimate=False)


# ------------------------------------------------------------------------ error estimates
def test_half_resolution_estimate_tracks_the_true_error_of_heat():
    sol = solve_classical(heat(exact=False), resolution=200)
    truth = error(sol, lambda x, t: np.exp(-0.4 * PI**2 * t) * np.sin(PI * x))
    assert sol.metrics["error_basis"] == "half-resolution solve"
    assert "l2re" not in sol.metrics
    assert truth / 10 < sol.error_estimate < 10 * truth


def test_no_estimate_when_not_asked():
    sol = solve_classical(heat(exact=False), resolution=50, error_estimate=False)
    assert sol.error_estimate is None and sol.metrics["error_basis"].startswith("none")


# ------------------------------------------------------------------------ not applicable
BOX = {"x": (0, 1), "y": (0, 1)}
DIRICHLET = [{"kind": "dirichlet", "on": "boundary"}]


@pytest.mark.parametrize("spec, reason", [
    (dict(equations="-(u_xx + u_yy) = 1", variables=BOX, disk={"radius": 1},
          conditions=DIRICHLET), "not a disk"),
    (dict(equations="u_t = u_xx + u_yy", variables={**BOX, "t": (0, 1)},
          conditions=DIRICHLET + [{"kind": "initial", "value": "x*y"}]),
     "2 space dimensions"),
    (dict(equations="u_xx + u_yy = u^3", variables=BOX, conditions=DIRICHLET), "nonlinear"),
    (dict(equations="u*u_x = 0.1*u_xx", variables={"x": (0, 1)}, conditions=DIRICHLET),
     "nonlinear"),
    (dict(equations="u_t + u*u_x + u_xxx = 0", variables={"x": (0, 1), "t": (0, 1)},
          conditions=DIRICHLET + [{"kind": "initial", "value": "x"}]), "order 3 in space"),
    (dict(equations="u_tt = u_xxt", variables={"x": (0, 1), "t": (0, 1)},
          conditions=DIRICHLET + [{"kind": "initial", "value": "x"},
                                  {"kind": "initial", "derivative": 1, "value": "0"}]),
     "mixed derivative u_xxt"),
    (dict(equations=["u_xx = v", "v_xx = 1"], unknowns=["u", "v"], variables={"x": (0, 1)},
          conditions=DIRICHLET + [{"kind": "dirichlet", "on": "boundary", "unknown": "v"}]),
     "single unknown"),
    (dict(equations="u_xx + u_yy = 0", variables=BOX,
          conditions=[{"kind": "neumann", "on": "boundary"}]), "up to a constant"),
    (dict(equations=["u_t = u_xx + v", "v = u^2"], unknowns=["u", "v"],
          variables={"x": (0, 1), "t": (0, 1)},
          conditions=DIRICHLET + [{"kind": "initial", "value": "x"}]), "differential-algebraic"),
    (dict(equations="u_xxxx = 1", variables={"x": (0, 1)}, conditions=DIRICHLET),
     "order 4"),
    (dict(equations="y' = -y", unknowns="y", variables={"r": (0, 1)},
          conditions=[{"kind": "robin", "on": "r=0", "value": 1, "unknown": "y"}]),
     "y needs the value there"),
    (dict(equations=["x' + y' = 1", "x' + y' = x"], unknowns=["x", "y"],
          variables={"t": (0, 1)}, conditions=[{"kind": "initial", "unknown": "x", "value": 0},
                                               {"kind": "initial", "unknown": "y", "value": 0}]),
     "do not determine the highest t-derivatives"),
])
def test_unsupported_problems_say_why(spec, reason):
    spec = PDESpec(**spec)
    with pytest.raises(NotApplicable, match=reason):
        classical_method(spec)
    with pytest.raises(NotApplicable, match=reason):
        solve_classical(spec)
