"""The PINN on small CPU budgets, each result checked against an exact solution."""

import numpy as np
import pytest

from tools.pde import PDESpec, SolverFailed
from tools.pde.pinn import PINNConfig, solve_pinn

FAST = PINNConfig(width=20, num_domain=600, adam_iterations=500, lbfgs_iterations=500,
                  rar_rounds=1, rar_points=50, progress=False)

HEAT = PDESpec(equations="u_t = 0.4*u_xx", variables={"x": (0, 1), "t": (0, 1)},
               conditions=[{"kind": "dirichlet", "on": "boundary"},
                           {"kind": "initial", "value": "sin(pi*x)"}],
               exact="exp(-0.4*pi^2*t)*sin(pi*x)")


def test_heat_with_hard_constraints_meets_its_conditions_exactly():
    sol = solve_pinn(HEAT, FAST)
    assert sol.metrics["hard_constraints"] == [True]
    assert sol.metrics["l2re"] < 5e-4
    t = np.linspace(0, 1, 11)
    assert np.max(np.abs(sol(np.c_[np.zeros(11), t]))) < 1e-12          # u(0, t) = 0
    x = np.linspace(0, 1, 11)
    assert np.allclose(sol(np.c_[x, np.zeros(11)]), np.sin(np.pi * x), atol=1e-12)
    assert sol.metrics["device"] == "cpu" and sol.metrics["threads"] == 1
    assert sol.loss_history[-1][1] < sol.loss_history[0][1]


def test_wave_with_two_initial_conditions():
    spec = PDESpec(equations="u_tt = u_xx", variables={"x": (0, 1), "t": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": "sin(pi*x)"},
                               {"kind": "initial", "derivative": 1, "value": "0"}],
                   exact="sin(pi*x)*cos(pi*t)")
    sol = solve_pinn(spec, FAST)
    assert sol.metrics["l2re"] < 2e-3


def test_periodic_advection_is_exactly_periodic_through_fourier_features():
    spec = PDESpec(equations="u_t + u_x = 0", variables={"t": (0, 1), "x": (0, 1)},
                   conditions=[{"kind": "periodic", "on": "x"},
                               {"kind": "initial", "value": "sin(2*pi*x)"}],
                   exact="sin(2*pi*(x - t))")
    sol = solve_pinn(spec, FAST)
    t = np.linspace(0, 1, 7)
    assert np.allclose(sol(np.c_[t, np.zeros(7)]), sol(np.c_[t, np.ones(7)]), atol=1e-12)
    assert sol.metrics["l2re"] < 3e-2


def test_soft_robin_and_dirichlet_conditions_in_one_dimension():
    # u'' = 0, u(0) = 1, u + u' = 3 at x = 1: u = 1 + x
    spec = PDESpec(equations="u'' = 0", variables={"x": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "x=0", "value": "1"},
                               {"kind": "robin", "on": "x=1", "value": "3"}],
                   exact="1 + x")
    sol = solve_pinn(spec, FAST)
    assert sol.metrics["l2re"] < 1e-3


def test_soft_neumann_conditions():
    spec = PDESpec(equations="u_t = u_xx", variables={"x": (0, 1), "t": (0, 0.5)},
                   conditions=[{"kind": "neumann", "on": "x=0"},
                               {"kind": "neumann", "on": "x=1"},
                               {"kind": "initial", "value": "cos(pi*x)"}],
                   exact="exp(-pi^2*t)*cos(pi*x)")
    sol = solve_pinn(spec, FAST)
    assert sol.metrics["l2re"] < 5e-3


def test_ode_system_and_poisson_on_a_disk():
    ode = PDESpec(unknowns=["p", "q"], equations=["p_t = -q", "q_t = p"],
                  variables={"t": (0, 6)},
                  conditions=[{"kind": "initial", "unknown": "p", "value": "1"},
                              {"kind": "initial", "unknown": "q", "value": "0"}],
                  exact=["cos(t)", "sin(t)"])
    sol = solve_pinn(ode, FAST)
    assert sol(np.array([[0.0]])).tolist() == [[1.0, 0.0]]
    assert sol.metrics["l2re"] < 1e-3

    disk = PDESpec(equations="-(u_xx + u_yy) = 4", variables={"x": (-1, 1), "y": (-1, 1)},
                   disk={"radius": 1}, conditions=[{"kind": "dirichlet", "on": "boundary"}],
                   exact="1 - x^2 - y^2")
    sol = solve_pinn(disk, FAST)
    assert sol.metrics["l2re"] < 1e-3


def test_incompatible_corner_data_fall_back_to_soft_conditions():
    # u(x, 0) = 1 but u = 0 on the boundary: no g can meet both at the corners
    spec = PDESpec(equations="u_t = u_xx", variables={"x": (0, 1), "t": (0, 0.1)},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": "1"}])
    sol = solve_pinn(spec, FAST, adam_iterations=50, lbfgs_iterations=20)
    assert sol.metrics["hard_constraints"] == [False]


def test_nan_loss_is_retried_then_reported():
    spec = PDESpec(equations="u_t = u_xx + log(u - 10)", variables={"x": (0, 1), "t": (0, 1)},
                   conditions=[{"kind": "dirichlet", "on": "boundary"},
                               {"kind": "initial", "value": "sin(pi*x)"}])
    with pytest.raises(SolverFailed, match="diverged on every attempt \\(2\\)"):
        solve_pinn(spec, FAST, adam_iterations=20, lbfgs_iterations=10, retries=1)


def test_budget_iterations_and_plot(tmp_path):
    spec = PDESpec(**{**HEAT.model_dump(), "budget": {"iterations": 40}})
    sol = solve_pinn(spec, FAST, lbfgs_iterations=10, rar_rounds=0)
    assert sol.metrics["iterations"] < 100         # 40 Adam steps, not the 500 of FAST
    png = sol.plot(tmp_path / "heat.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_exact_solution_the_error_estimate_is_the_distance_to_the_classical_one():
    from tools.pde import solve
    spec = PDESpec(**{**HEAT.model_dump(), "exact": None})
    sol = solve(spec, method="pinn", width=20, num_domain=600, adam_iterations=300,
                lbfgs_iterations=300, rar_rounds=0, progress=False)
    points = sol.sample_points(4000, seed=7)
    truth = HEAT.reference_values(points)[:, 0]
    true_error = np.linalg.norm(sol(points) - truth) / np.linalg.norm(truth)
    assert sol.metrics["error_basis"].startswith("classical solution (method_of_lines")
    assert 0.8 < sol.error_estimate / true_error < 1.25    # the classical error is ~1e-7
