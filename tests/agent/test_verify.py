"""Verification catches wrong results and passes right ones, by independent means."""

import sympy as sp

from agent.verify import check_step, numeric_curvature
from tools.mathparse import parse_expr
from tools.gr import catalog


def passed(tool, args, value):
    checks = check_step(tool, args, {"ok": True, "value": value})
    assert checks, "a check ran"
    return all(c.passed for c in checks)


def test_numeric_curvature_is_independent_and_agrees_with_the_engine():
    kerr = catalog.get("kerr")
    M, a, r, theta = sp.symbols("M a r theta", positive=True)
    point = {s: sp.Float({"M": 1.1, "a": 0.6, "r": 4.2, "theta": 0.9}.get(str(s), 0.0))
             for s in kerr.components.free_symbols}
    numeric = numeric_curvature(kerr, point)
    exact = float(kerr.kretschmann().subs(point))
    assert abs(numeric["kretschmann"] - exact) < 1e-12 * abs(exact)
    assert abs(numeric["ricci_scalar"]) < 1e-12
    sphere = numeric_curvature(catalog.get("sphere"),
                               {s: sp.Float(0.7 if str(s) == "theta" else 2.0)
                                for s in catalog.get("sphere").components.free_symbols})
    assert abs(sphere["ricci_scalar"] - 2 / 2.0**2) < 1e-12       # R = +2/a^2 (MTW signs)


def test_curvature_claims_right_and_wrong():
    assert passed("curvature", {"metric": "schwarzschild", "quantity": "kretschmann"},
                  "48*M**2/r**6")
    assert not passed("curvature", {"metric": "schwarzschild", "quantity": "kretschmann"},
                      "12*M**2/r**6")
    assert passed("curvature", {"metric": "kerr", "quantity": "ricci_flat"}, True)
    assert not passed("curvature", {"metric": "reissner_nordstrom", "quantity": "ricci_flat"},
                      True)
    flrw = catalog.get("flrw_flat")                # a free function a(t): checked concretely
    assert passed("curvature", {"metric": "flrw_flat", "quantity": "ricci_scalar"},
                  str(flrw.ricci_scalar()))
    assert not passed("curvature", {"metric": "flrw_flat", "quantity": "ricci_scalar"},
                      "6*Derivative(a(t), (t, 2))/a(t)")


def test_every_invariant_and_yes_no_claim_has_a_numeric_check():
    # textbook values: Schwarzschild C_abcd C^abcd = K = 48 M^2/r^6 (vacuum); RN R_ab R^ab =
    # 4 Q^4/r^8; closed FLRW is conformally flat, so C^2 = 0 (MTW 27; Carroll 5, 8)
    for args, right, wrong in [
            ({"metric": "schwarzschild", "quantity": "weyl_squared"}, "48*M**2/r**6",
             "48*M**2/r**5"),
            ({"metric": "reissner_nordstrom", "quantity": "ricci_squared"}, "4*Q**4/r**8",
             "2*Q**4/r**8"),
            ({"metric": "flrw_closed", "quantity": "weyl_squared"}, "0",
             "Derivative(a(t), t)**2/a(t)**4"),
            ({"metric": "schwarzschild", "quantity": "flat"}, False, True),
            ({"metric": "milne", "quantity": "flat"}, True, False),      # Minkowski inside
            ({"metric": "kerr", "quantity": "conformally_flat"}, False, True),
            ({"metric": "flrw_flat", "quantity": "conformally_flat"}, True, False),
            ({"metric": "schwarzschild_de_sitter", "quantity": "einstein_space"}, True, False),
            ({"metric": "reissner_nordstrom", "quantity": "einstein_space"}, False, True)]:
        assert passed("curvature", args, right), args
        assert not passed("curvature", args, wrong), args


def test_riemann_components_are_checked_with_their_antisymmetry():
    from tools.gr.tool import Curvature
    # Schwarzschild: R^t_rtr = 2M/(r^2 (r - 2M)) (Carroll 5.13 with signs of R^a_bcd)
    args = {"metric": "schwarzschild", "quantity": "riemann", "component": "t,r,t,r"}
    result = Curvature()(args).model_dump()
    M, r = sp.symbols("M r", positive=True)
    value = parse_expr(result["value"], symbols={"M": M, "r": r})
    assert sp.simplify(value - 2 * M / (r**2 * (r - 2 * M))) == 0
    assert all(c.passed for c in check_step("curvature", args, result))
    flipped = {**result, "value": "-2*M/(r**2*(r - 2*M))"}
    assert not all(c.passed for c in check_step("curvature", args, flipped))
    whole = {"metric": "schwarzschild", "quantity": "riemann"}
    result = Curvature()(whole).model_dump()
    assert check_step("curvature", whole, result)[0].passed
    one_sign = {k: v for k, v in result["value"].items() if k != "t,r,r,t"}
    one_sign["t,r,r,t"] = one_sign["t,r,t,r"]          # R^a_bcd = -R^a_bdc broken
    assert not check_step("curvature", whole, {**result, "value": one_sign})[0].passed


def test_calculus_claims_right_and_wrong():
    d = {"expression": "exp(-x^2)", "variable": "x"}
    assert passed("differentiate", d, "-2*x*exp(-x**2)")
    assert not passed("differentiate", d, "-x*exp(-x**2)")
    s = {"equations": ["r^2 - 2*M*r + Q^2 = 0"], "variables": ["r"],
         "assumptions": {"M": "positive", "Q": "positive"}}
    assert passed("solve", s, ["M - sqrt(M**2 - Q**2)", "M + sqrt(M**2 - Q**2)"])
    assert not passed("solve", s, ["M + sqrt(M**2 + Q**2)"])
    assert not passed("solve", s, [])
    assert passed("integrate", {"expression": "x*exp(x)", "variable": "x"}, "(x - 1)*exp(x)")
    assert not passed("integrate", {"expression": "x*exp(x)", "variable": "x"}, "x*exp(x)")
    assert passed("integrate", {"expression": "exp(-x^2)", "variable": "x", "lower": "0",
                                "upper": "oo"}, "sqrt(pi)/2")
    assert passed("simplify", {"expression": "sin(x)^2 + cos(x)^2"}, "1")
    assert not passed("simplify", {"expression": "sin(x)^2 + cos(x)^2"}, "2")
    ode = {"equation": "y'' + 4*y = 0", "function": "y", "variable": "t"}
    assert passed("dsolve", ode, ["cos(2*t)"])
    assert not passed("dsolve", ode, ["cos(t)"])


def test_failed_steps_and_unreadable_values_are_never_passed():
    failed = check_step("solve", {}, {"ok": False, "error": "timed out"})
    assert [c.passed for c in failed] == [False] and failed[0].detail == "timed out"
    garbled = check_step("differentiate", {"expression": "x^2", "variable": "x"},
                         {"ok": True, "value": "2*x +"})
    assert [c.passed for c in garbled] == [False] and "could not run" in garbled[0].detail
    pde = check_step("solve_pde", {}, {"ok": True, "value": {"error_estimate": 0.3,
                                                              "error_basis": "exact solution"}})
    assert not pde[0].passed


# ---------------------------------------------------------------------- tensors, limits, series
def test_tensor_components_are_checked_one_by_one():
    from tools.gr.tool import Curvature
    args = {"metric": "flrw_flat", "quantity": "einstein"}
    result = Curvature()(args).model_dump()
    assert check_step("curvature", args, result)[0].passed
    # FLRW: G_tt = 3 (a'/a)^2 (Carroll 8.44 with k = 0); a factor 2 wrong must fail
    wrong = {**result, "value": {**result["value"],
                                 "t,t": "6*Derivative(a(t), t)**2/a(t)**2"}}
    assert not check_step("curvature", args, wrong)[0].passed
    args = {"metric": "schwarzschild", "quantity": "christoffel"}
    result = Curvature()(args).model_dump()
    assert check_step("curvature", args, result)[0].passed
    missing = {**result, "value": {k: v for k, v in result["value"].items() if k != "r,t,t"}}
    assert not check_step("curvature", args, missing)[0].passed


def test_stress_energy_and_weyl_tensors_are_checked():
    from tools.gr.tool import Curvature
    # Reissner-Nordström: T_tt = Q^2 f/(8 pi r^4), f = 1 - 2M/r + Q^2/r^2 (the Maxwell field;
    # Carroll 5.6 with G = 1)
    args = {"metric": "reissner_nordstrom", "quantity": "stress_energy", "component": "t,t"}
    result = Curvature()(args).model_dump()
    M, Q, r = sp.symbols("M Q r", positive=True)
    value = parse_expr(result["value"], symbols={"M": M, "Q": Q, "r": r})
    assert sp.simplify(value - Q**2 * (1 - 2 * M / r + Q**2 / r**2) / (8 * sp.pi * r**4)) == 0
    assert all(c.passed for c in check_step("curvature", args, result))
    doubled = {**result, "value": str(2 * value)}                 # G_tt/(4 pi): wrong
    assert not all(c.passed for c in check_step("curvature", args, doubled))
    # Schwarzschild is vacuum, so its Weyl tensor is its Riemann tensor, C_trtr = -2M/r^3
    whole = {"metric": "schwarzschild", "quantity": "weyl"}
    result = Curvature()(whole).model_dump()
    assert sp.simplify(parse_expr(result["value"]["t,r,t,r"], symbols={"M": M, "r": r})
                       + 2 * M / r**3) == 0
    assert check_step("curvature", whole, result)[0].passed
    one_sign = {**result["value"], "t,r,r,t": result["value"]["t,r,t,r"]}  # C_abcd = -C_abdc
    assert not check_step("curvature", whole, {**result, "value": one_sign})[0].passed


def test_limits_and_series_are_checked_numerically():
    limit = {"expression": "(2*M/r**2)/2", "variable": "r", "point": "2*M"}
    assert check_step("limit", limit, {"ok": True, "value": "1/(4*M)"})[0].passed
    assert not check_step("limit", limit, {"ok": True, "value": "1/(2*M)"})[0].passed
    series = {"expression": "sqrt(1 - 2*M*x)", "variable": "x", "order": 3}
    assert check_step("series", series, {"ok": True, "value": "1 - M*x - M**2*x**2/2"})[0].passed
    assert not check_step("series", series, {"ok": True, "value": "1 - M*x - M**2*x**2"})[0].passed


def test_one_component_is_checked_in_either_order_of_symmetric_indices():
    from tools.gr.tool import Curvature
    M, r = sp.symbols("M r", positive=True)
    # Schwarzschild: Gamma^t_tr = Gamma^t_rt = M / (r (r - 2M)) (Carroll 5.14)
    for component in ("t,t,r", "t,r,t", "ttr"):
        args = {"metric": "schwarzschild", "quantity": "christoffel", "component": component}
        result = Curvature()(args).model_dump()
        value = parse_expr(result["value"], symbols={"M": M, "r": r})
        assert sp.simplify(value - M / (r * (r - 2 * M))) == 0
        assert all(c.passed for c in check_step("curvature", args, result))
        wrong = {**result, "value": "M/(r*(r + 2*M))"}
        assert not all(c.passed for c in check_step("curvature", args, wrong))
