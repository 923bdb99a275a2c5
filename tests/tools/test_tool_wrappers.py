"""The GR and PDE tools, as a plan calls them: raw JSON arguments in, ToolResult out."""

from pathlib import Path

import numpy as np
import sympy as sp

from tools.gr.tool import Curvature
from tools.mathparse import parse_expr
from tools.pde.tool import SolvePDE


def test_curvature_tool_against_textbook_values():
    rn = Curvature()({"metric": "reissner_nordstrom", "quantity": "kretschmann"})
    M, Q, r = sp.symbols("M Q r", positive=True)
    textbook = 48 * M**2 / r**6 - 96 * M * Q**2 / r**7 + 56 * Q**4 / r**8   # e.g. Henry (2000)
    assert rn.ok and sp.simplify(parse_expr(rn.value, symbols={"M": M, "Q": Q, "r": r})
                                 - textbook) == 0
    assert "signature (-,+,+,+)" in rn.data["conventions"]

    gamma = Curvature()({"metric": "ds^2 = -(1-2M/r) dt^2 + dr^2/(1-2M/r) + r^2 dOmega^2",
                         "quantity": "christoffel"})
    assert gamma.ok and gamma.data["kind"] == "tensor"
    assert sp.simplify(parse_expr(gamma.value["r,t,t"], symbols={"M": M, "r": r})
                       - M * (r - 2 * M) / r**3) == 0                          # Carroll 5.53

    spin_free = Curvature()({"metric": "kerr", "quantity": "kretschmann",
                             "parameters": {"a": "0"}})
    assert spin_free.ok and spin_free.value == "48*M**2/r**6"


def test_curvature_tool_refuses_bad_arguments_cleanly():
    assert "quantity" in Curvature()({"metric": "kerr", "quantity": "torsion"}).error
    hostile = Curvature()({"metric": "__import__('os').system('id')", "quantity": "ricci"})
    assert not hostile.ok and hostile.error
    assert not Curvature()({"metric": "ds^2 = -dt^2 + dx^2", "quantity": "ricci",
                            "parameters": {"a": "0"}}).ok


def test_solve_pde_tool_writes_a_grid_that_matches_the_exact_solution(tmp_path):
    spec = {"equations": "u_t = 0.5*u_xx", "variables": {"x": [0, 1], "t": [0, 0.5]},
            "conditions": [{"kind": "dirichlet", "on": "boundary", "value": "0"},
                           {"kind": "initial", "value": "sin(pi*x)"}],
            "exact": "exp(-0.5*pi^2*t)*sin(pi*x)"}
    result = SolvePDE()({"spec": spec, "method": "classical"})
    assert result.ok, result.error
    assert result.value["error_estimate"] < 1e-5 and result.value["error_basis"]
    grid = np.load(result.data["samples"])
    x, t = np.meshgrid(grid["axis_x"], grid["axis_t"], indexing="ij")
    exact = np.exp(-0.5 * np.pi**2 * t) * np.sin(np.pi * x)
    assert np.max(np.abs(grid["values"] - exact)) < 1e-4
    assert Path(result.figures[0]).read_bytes()[:4] == b"\x89PNG"
    assert result.data["domain"] == {"x": [0, 1], "t": [0, 0.5]}


def test_an_interval_may_end_at_a_constant_written_as_text():
    # y'' + y = 0, y(0) = 0, y(pi/2) = 2 has the one solution y = 2 sin x
    spec = {"unknowns": ["y"], "equations": "y'' + y = 0", "variables": {"x": [0, "pi/2"]},
            "conditions": [{"kind": "dirichlet", "on": "x=0", "value": "0"},
                           {"kind": "dirichlet", "on": "x=pi/2", "value": "2"}]}
    result = SolvePDE()({"spec": spec, "method": "classical"})
    assert result.ok, result.error
    grid = np.load(result.data["samples"])
    assert grid["axis_x"][-1] == np.pi / 2
    assert np.max(np.abs(grid["values"] - 2 * np.sin(grid["axis_x"]))) < 1e-4
    assert "interval end" in SolvePDE()({"spec": {**spec, "variables": {"x": [0, "x"]}}}).error


def test_solve_pde_tool_refuses_bad_arguments_cleanly():
    both = SolvePDE()({"problem": "heat", "spec": {"equations": "u_t = u_xx"}})
    assert not both.ok and "either a library problem name or a spec" in both.error
    unknown = SolvePDE()({"problem": "navier_stokes_3d"})
    assert not unknown.ok and "navier_stokes_3d" in unknown.error
    bad = SolvePDE()({"spec": {"equations": "u_t = v_xx", "variables": {"x": [0, 1],
                                                                      "t": [0, 1]}}})
    assert not bad.ok and "v" in bad.error
