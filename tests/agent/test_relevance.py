"""The plan-question check: silent or satisfied on every correct plan we have (the eval
suites' reference plans, the training generator's plans), and it catches the slips a small
planner makes -- each of them computes something right, but not what was asked."""

import json
import random
from pathlib import Path

import pytest
import sympy as sp

from agent.relevance import amend, check_relevance, components, settle_count, spacetimes
from agent.training.data import draw
from tools.mathparse import parse_expr
from agent.training.intents import all_intents

from .test_agent import plan, scripted

SUITES = Path(__file__).resolve().parents[2] / "evals" / "suites"
PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


CURVATURE = "curvature"


def verdict(question, p):
    checks = check_relevance(question, p)
    return None if not checks else checks[0].passed


def test_every_reference_plan_of_the_eval_suites_passes():
    spoke = 0
    for suite in SUITES.glob("*.jsonl"):
        for line in suite.read_text().splitlines():
            task = json.loads(line)
            if task.get("plan"):
                result = verdict(task["question"], task["plan"])
                assert result is not False, (task["id"], check_relevance(task["question"],
                                                                         task["plan"]))
                spoke += result is True
    assert spoke >= 100                  # it reads most questions, not just a few


def test_every_worked_example_of_the_prompt_passes():
    examples = [json.loads(line) for line in PROMPTS.joinpath("examples.jsonl").read_text()
                .splitlines() if line.strip()]
    assert len(examples) >= 5
    for e in examples:
        assert verdict(e["question"], e["plan"]) is not False, (e["question"], e["plan"])


@pytest.mark.parametrize("question, parameters", [
    ("Kretschmann scalar of Kerr with zero spin", {"a": "0"}),
    ("Ricci scalar of a non-rotating Kerr black hole", {"a": "0"}),
    ("Kretschmann scalar of an uncharged Kerr-Newman hole", {"Q": "0"}),
    ("Ricci scalar of Schwarzschild-de Sitter without a cosmological constant",
     {"Lambda": "0"}),
])
def test_a_parameter_set_in_words_may_be_set_in_the_plan(question, parameters):
    metric = ("schwarzschild_de_sitter" if "Sitter" in question
              else "kerr_newman" if "Newman" in question else "kerr")
    quantity = "kretschmann" if "Kretschmann" in question else "ricci_scalar"
    assert verdict(question, plan((CURVATURE, {"metric": metric, "quantity": quantity,
                                               "parameters": parameters}))) is True
    # and a parameter the words leave free may not
    other = {"a": "Q", "Q": "a", "Lambda": "M"}[next(iter(parameters))]
    assert verdict(question, plan((CURVATURE, {"metric": metric, "quantity": quantity,
                                               "parameters": {other: "0"}}))) is False


def test_every_plan_the_training_generator_writes_passes():
    examples = draw(all_intents(), seed=5, scale=0.3)
    assert len(examples) > 1000
    for e in examples:
        assert verdict(e.question, e.plan) is not False, (e.question, e.plan)


# a heat flux into the rod through x = 0 written as the plan's neumann value; the outward flux
# there is -u_x = -2
# the radiation era (rho ∝ a^-4) planned with the density of another fluid: t^(9p/2), w = 1/2
RADIATION_AS_W_HALF = (
    "Radiation era: flat FLRW with a ~ t^p and rho ~ a^-4. Get p from G_tt = 8 pi rho.",
    plan((CURVATURE, {"metric": "ds^2 = -dt^2 + t^(2*p)*(dx^2 + dy^2 + dz^2)",
                      "quantity": "einstein", "component": "t,t"}),
         ("differentiate", {"expression": "log($s1*t^(3*p*(1 + (1/2))))", "variable": "t"}),
         ("solve", {"equations": ["$s2 = 0"], "variables": ["p"]})))
HEAT_FLUX = ("Heat u_t = u_xx on 0<x<1, 0<t<1 with u_x(0,t) = 2, u(1,t) = 0 and u(x,0) = 0.",
             plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 1]},
                                          "equations": ["u_t = u_xx"],
                                          "conditions": [
                                              {"kind": "neumann", "on": "x=0", "value": "2"},
                                              {"kind": "dirichlet", "on": "x=1", "value": "0"},
                                              {"kind": "initial", "value": "0"}]}})))

ISCO_CLOCKS = ("A static observer hovers at the ISCO radius of a Schwarzschild hole. What is "
               "the gravitational redshift factor sqrt(-g_tt) of clocks there?")
NARIAI = ("Schwarzschild–de Sitter, $f = 1 - 2M/r - \\Lambda r^2/3$: for what $\\Lambda$ do "
          "the black-hole and cosmological horizons merge?")

SLIPS = [
    # (question, wrong plan, what the message says)
    # a yes/no question after a colon, "satisfy": Painlevé–Gullstrand is Schwarzschild in
    # other coordinates, Ricci-flat but not conformally flat (C^2 = 48 M^2/r^6), so the wrong
    # claim answers "no", verified by its own numeric check (a tuned planner's eval draw)
    ("Painlevé–Gullstrand metric: does it satisfy the vacuum Einstein equations?",
     plan((CURVATURE, {"metric": "painleve_gullstrand", "quantity": "conformally_flat"})),
     "vacuum solution"),
    ("Kretschmann scalar of Kerr?",
     plan((CURVATURE, {"metric": "kerr", "quantity": "ricci_scalar"})), "Kretschmann"),
    ("Is the Kerr metric Ricci-flat?",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "ricci_flat"})), "kerr"),
    # the 5D black hole (K = 72 mu^2/r^8) is not the catalogue's 4D one (K = 48 M^2/r^6)
    ("Kretschmann scalar of the 5-dimensional Schwarzschild-Tangherlini black hole, f = 1 - "
     "μ/r^2", plan((CURVATURE, {"metric": "schwarzschild", "quantity": "kretschmann"})),
     "schwarzschild"),
    # the value at a point is not the field: K(r = 2M) = 3/(4 M^4), not 48 M^2/r^6
    ("What is the Kretschmann scalar of Schwarzschild at r = 2M?",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "kretschmann"})), "no limit"),
    # A = 4 pi r_h^2 = 16 pi M^2, not pi r_h^2 (that is the entropy A/4)
    ("Area of the event horizon of a Schwarzschild black hole?",
     plan(("solve", {"equations": ["1 - 2*M/r = 0"], "variables": ["r"]}),
          ("simplify", {"expression": "pi*($s1[0])^2"})), "horizon area"),
    # the article is no scale factor: FLRW's free a(t) is not the a = t^(2/3) written out
    ("Scalar curvature of a matter-dominated universe, ds^2 = -dt^2 + t^(4/3) (dx^2 + dy^2 + "
     "dz^2)", plan((CURVATURE, {"metric": "flrw_flat", "quantity": "ricci_scalar"})),
     "leaves a free"),
    # an integral between the radii asked for, not from 3 to 3 (which is 0)
    ("How far, in proper radial distance, is it from r = 3 to r = 5 outside a Schwarzschild "
     "hole with M = 1?",
     plan(("integrate", {"expression": "1/sqrt(1 - 2*1/r)", "variable": "r", "lower": "3",
                         "upper": "3"})), "r = 5"),
    # Omega^2 = -Gamma^r_tt/Gamma^r_phiphi = M/r^3, not one symbol over itself (-1)
    ("Use the Christoffel symbols of Schwarzschild to get the angular velocity $\\Omega^2 = "
     "(d\\phi/dt)^2$ of a circular equatorial geodesic.",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "christoffel",
                       "component": "r,t,t"}),
          (CURVATURE, {"metric": "schwarzschild", "quantity": "christoffel",
                       "component": "r,t,t"}),
          ("limit", {"expression": "-($s1)/($s2)", "variable": "theta", "point": "pi/2"})),
     "s2 repeats s1"),
    # where the horizons merge (Lambda = 1/(9 M^2)) is no rate at which one moves with Lambda
    (NARIAI, plan(("differentiate", {"expression": "1 - 2*M/r - Lambda*r^2/3",
                                     "variable": "Lambda"}),
                  ("differentiate", {"expression": "1 - 2*M/r - Lambda*r^2/3", "variable": "r"}),
                  ("limit", {"expression": "-($s1)/($s2)", "variable": "Lambda", "point": "0"})),
     "no rate of change in Lambda"),
    # in Kruskal's (T, X) the invariant is a function of T^2 - X^2, not 48 M^2/r^6
    ("Kretschmann scalar of Schwarzschild written in Kruskal–Szekeres coordinates (T, X)",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "kretschmann"})),
     "schwarzschild"),
    # a 1D problem is not solved on a rectangle
    ("Solve the library's 1D Poisson problem -u'' = pi^2 sin(pi x) on [-1, 1] with zero ends.",
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "y": [0, 2]},
                                  "equations": ["u_xx + u_yy = pi^2*sin(pi*x)*sin(2*pi*y)"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"}]}})), "1D"),
    # ... and not the horizon alone (2 for M = 1, where the distance is 3.05)
    ("Proper radial distance from the horizon r = 2 to r = 3 of a Schwarzschild hole with "
     "M = 1", plan(("solve", {"equations": ["1 - 2*1/r = 0"], "variables": ["r"]})),
     "uses 3 nowhere"),
    # the answer is a value of the question's coordinate rho, not of an r it never has
    ("ds^2 = -(1 - 2M/ρ) dt^2 + dρ^2/(1 - 2M/ρ) + ρ^2 dΩ^2: at what ρ does g_tt vanish?",
     plan(("solve", {"equations": ["1 - M/(2*M/r) = 0"], "variables": ["r"]})),
     "solves for r"),
    ("what's Γ^t_tr for Schwarzschild",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "christoffel",
                       "component": "r,t,t"})), "christoffel t,t,r"),
    (r"Ricci scalar of the round 3-sphere ds^2 = a^2[d\chi^2 + \sin^2\chi (d\theta^2 + "
     r"\sin^2\theta\, d\phi^2)]",
     plan((CURVATURE, {"metric": "ds^2 = a^2 (dtheta^2 + sin^2 theta dphi^2)",
                       "quantity": "ricci_scalar"})), "dchi"),
    ("Surface gravity of the outer horizon of Reissner–Nordström",
     plan(("solve", {"equations": ["1 - 2*M/r + Q^2/r^2 = 0"], "variables": ["r"]})),
     "surface gravity"),
    ("where are the horizons of a Kerr black hole (Boyer–Lindquist r)?",
     plan(("solve", {"equations": ["r^2 - 2*M*r + a^2 + Q^2 = 0"], "variables": ["r"]})),
     "uses Q"),
    ("Where is the horizon of an extremal RN black hole, Q = M?",
     plan(("solve", {"equations": ["1 - 2*M/r + Q^2/r^2 = 0"], "variables": ["r"]})),
     "gives Q a value"),
    ("Set a = 0 in Kerr–Newman and give the Einstein tensor component G_tt",
     plan((CURVATURE, {"metric": "kerr_newman", "quantity": "einstein", "component": "t,t"})),
     "sets a"),
    ("photon sphere radius for a Reissner–Nordström black hole with M = 1 and Q = 0.6",
     plan(("differentiate", {"expression": "(1 - 2*1/r + 0.8^2/r^2)/r^2", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]})), "0.8"),
    ("Radius of the marginally bound circular orbit (E = 1) around a Schwarzschild black hole",
     plan(("differentiate", {"expression": "(1 - 2*M/r)*(1 + L^2/r^2)", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0"], "variables": ["L"]}),
          ("differentiate", {"expression": "($s2[0])^2", "variable": "r"}),
          ("solve", {"equations": ["$s3 = 0"], "variables": ["r"]})), "V = 1"),
    ("Einstein tensor G_rr of open FLRW (k = -1)",    # the committed planner's, verified
     plan(("differentiate", {"expression": "(1 - 2*M/r + r^2/L^2)/r^2", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]})),
     "component einstein r,r; the plan computes no curvature"),
    ("Expand the redshift factor 1/sqrt(1 - 2 M u) in u = 1/r to second order",  # a slip
     plan(("limit", {"expression": "1/sqrt(1 - 2*M*u)", "variable": "u", "point": "1/r"})),
     "series tool"),
    # the slips below were all shown as verified by the 2-epoch adapter with solved examples
    ("Kretschmann scalar of Kerr?",
     plan((CURVATURE, {"metric": "kerr", "quantity": "kretschmann", "parameters": {"a": "1"}})),
     "sets a = 1"),
    ("Ricci scalar of the FLRW metric with spatial curvature k",
     plan((CURVATURE, {"metric": "flrw_open", "quantity": "ricci_scalar"})), "flrw_open"),
    (r"Ricci scalar of the round 3-sphere ds^2 = a^2[d\chi^2 + \sin^2\chi (d\theta^2 + "
     r"\sin^2\theta\, d\phi^2)]",
     plan((CURVATURE, {"metric": "sphere", "quantity": "ricci_scalar"})), "with sphere"),
    ("Surface redshift z of a 1.4 solar-mass neutron star of radius 12 km: find its "
     "Schwarzschild radius first, then z = 1/sqrt(1 - r_s/R) - 1.",
     plan(("limit", {"expression": "1/sqrt(1 - r_s/R) - 1", "variable": "r", "point": "12"})),
     "limit in r of an expression without r"),
    ("Small cosmological constant: by how much does the Schwarzschild-de Sitter black-hole "
     "horizon move, d r_h/d Lambda at Lambda = 0?",
     plan((CURVATURE, {"metric": "schwarzschild_de_sitter", "quantity": "ricci_scalar",
                       "parameters": {"Lambda": "0"}})), "solves f(r) = 0"),
    ("A rod 0<=x<=1 with insulated ends obeys u_t = 0.5 u_xx. Initially u = 1 + cos(pi x). "
     "Temperature for 0 <= t <= 1?",
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 1]},
                                  "equations": ["u_t = 0.5*u_xx"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"},
                                                 {"kind": "initial",
                                                  "value": "1 + cos(pi*x)"}]}})),
     "neumann condition"),
    ("radius of the marginally bound circular orbit (E = 1) around a Schwarzschild black hole",
     plan(("differentiate", {"expression": "(1 - 2*1/r)*(1 + L^2/r^2)", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0", "(1 - 2*1/r)*(1 + L^2/r^2) = 1"],
                     "variables": ["r", "L"]})), "none of M"),
    ("Euler equation x^2 y'' - 2y = 0 with y(1) = 0, y'(1) = 3.",
     plan(("dsolve", {"equation": "x^2*y'' - 2*x*y' + 2*y = 0", "function": "y",
                      "variable": "x", "conditions": {"y(1)": "0", "y'(1)": "3"}})),
     "the question's equation x^2 y'' - 2y = 0"),
    ("Solve the library's 1D Poisson problem -u'' = pi^2 sin(pi x) on [-1, 1] with zero ends.",
     plan(("solve_pde", {"spec": {"variables": {"x": [-1, 1]},
                                  "equations": ["u'' = pi^2*sin(pi*x)"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"}]}})), "-u'' = pi^2"),
    ("Ricci scalar of the Ellis wormhole ds^2 = -dt^2 + dl^2 + (l^2 + b^2) dΩ^2",
     plan((CURVATURE, {"metric": "morris_thorne", "quantity": "ricci_scalar"})),
     "leaves Phi, b free"),
    ("Use the Christoffel symbols of Schwarzschild to get the angular velocity $\\Omega^2 = "
     "(d\\phi/dt)^2$ of a circular equatorial geodesic.",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "christoffel"})),
     "only on the way to its answer"),
    ("Einstein-de Sitter universe (H0 = 1): integrate a'' = -1/(2 a^2) from t = 0.2 to 2 "
     "with a(0.2) = 0.3^(2/3), a'(0.2) = (2/3) 1.5^(2/3) 0.2^(-1/3).",
     plan((CURVATURE, {"metric": "ds^2 = -dt^2 + exp(2*H*t)*(dx^2 + dy^2 + dz^2)",
                       "quantity": "einstein", "component": "t,t"}),
          ("solve", {"equations": ["$s1 = 3"], "variables": ["H"]})),
     "solves no differential equation"),
    # shown an example of the right shape, the tuned planner answered with a component of the
    # means, and with the library's FLRW universe of matter and Lambda: both ran and verified
    ("Use the Christoffel symbols of Schwarzschild to get the angular velocity $\\Omega^2 = "
     "(d\\phi/dt)^2$ of a circular equatorial geodesic.",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "christoffel",
                       "component": "phi,theta,phi"})), "only on the way to its answer"),
    ("Einstein-de Sitter universe (H0 = 1): integrate a'' = -1/(2 a^2) from t = 0.2 to 2 "
     "with a(0.2) = 0.3^(2/3), a'(0.2) = (2/3) 1.5^(2/3) 0.2^(-1/3).",
     plan(("solve_pde", {"problem": "flrw_matter_lambda"})),
     "is not the plan's a'' = H0^2*(-(Om/2)/a^2 + OL*a)"),
    ("Surface gravity of a Kerr hole with M = 1, a = 0.6, from kappa = (r_+ - r_-)/(2(r_+^2 "
     "+ a^2)).",                                  # Kerr-Newman's horizon with Q = a
     plan(("solve", {"equations": ["r^2 - 2*1*r + 0.6^2 + 0.6^2 = 0"], "variables": ["r"]}),
          ("differentiate", {"expression": "r^2 - 2*1*r + 0.6^2 + 0.6^2", "variable": "r"}),
          ("limit", {"expression": "$s2/(2*(r^2 + 0.6^2))", "variable": "r",
                     "point": "$s1[1]"})), "zeros of r**2 - 2*r + 9/25"),
    ("Heat equation u_t = u_xx on 0<x<pi, 0<t<1, u = 0 at both ends and u(x,0) = sin x + "
     "0.5 sin 3x. Find u(x,t).",                  # the sum garbled into one sine
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 3.141592653589793], "t": [0, 1]},
                                  "equations": ["u_t = u_xx"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"},
                                                 {"kind": "initial",
                                                  "value": "sin(x + 3*x)"}]}})),
     "initial data u(x,0) = sin x + 0.5 sin 3x"),
    (r"Solve $u_t = u_{xx} - u$ for $0<x<1$, $0<t<0.5$, with $u=0$ at $x=0,1$ and "
     r"$u(x,0)=\sin\pi x$.",                      # a value no end has
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 0.5]},
                                  "equations": ["u_t = u_xx - u"],
                                  "conditions": [{"kind": "dirichlet", "on": "x=0",
                                                  "value": "-1"},
                                                 {"kind": "dirichlet", "on": "x=1",
                                                  "value": "0"},
                                                 {"kind": "initial", "value": "sin(pi*x)"}]}})),
     "boundary data u = 0 on x = 0"),
    (r"Steady temperature in the unit square: $\nabla^2 u = 0$, $u=0$ on the bottom and both "
     r"sides, $u(x,1)=\sin\pi x$ on the top.",   # the top's data garbled
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "y": [0, 1]},
                                  "equations": ["u_xx + u_yy = 0"],
                                  "conditions": [{"kind": "dirichlet", "on": "y=1",
                                                  "value": "sin(x)"},
                                                 {"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"}]}})),
     "boundary data u = \\sin\\pi x on y = 1"),
    ("Heat flow u_t = u_xx on 0<x<1, 0<t<0.2, with u = 0 on the whole boundary and "
     "u(x,0) = x(1 - x).",                        # an insulated end for a held one
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 0.2]},
                                  "equations": ["u_t = u_xx"],
                                  "conditions": [{"kind": "dirichlet", "on": "x=0",
                                                  "value": "0"},
                                                 {"kind": "neumann", "on": "x=1",
                                                  "value": "0"},
                                                 {"kind": "initial", "value": "x*(1 - x)"}]}})),
     "boundary data u = 0 on the boundary"),
    (*RADIATION_AS_W_HALF, "rho ∝ a^-4"),
    ("Kretschmann scalar of Reissner–Nordström",   # evaluated where nobody asked
     plan((CURVATURE, {"metric": "reissner_nordstrom", "quantity": "kretschmann"}),
          ("limit", {"expression": "$s1", "variable": "r", "point": "Q"})),
     "asks for no value at a point"),
    ("A string fixed at x=0 and x=1 obeys u_tt = 4 u_xx. It starts at rest in the shape "
     "sin(pi x). Give u(x,t) for 0<=t<=1.",
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 1]},
                                  "equations": ["u_tt = 4*u_xx"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"},
                                                 {"kind": "initial", "value": "sin(pi*x)"},
                                                 {"kind": "initial", "derivative": 1,
                                                  "value": "1"}]}})), "starts from rest"),
    ("A mass on a spring, y'' + 9y = 0, is released from rest at y = 2. Find y(t).",
     plan(("dsolve", {"equation": "y'' + 9*y = 0", "function": "y", "variable": "t",
                      "conditions": {"y(0)": "2", "y'(0)": "1"}})), "initial velocity is 1"),
    ("Surface gravity κ of a Kerr black hole",     # Delta with an extra r^2, differentiated
     plan(("differentiate", {"expression": "r^2 - 2*M*r + a^2 + r^2", "variable": "r"}),
          ("limit", {"expression": "$s1/(2*(r^2 + a^2))", "variable": "r", "point": "2*M"})),
     "the plan differentiates r^2 - 2*M*r + a^2 + r^2"),
    ("A rod 0<=x<=1 with insulated ends (u_x = 0 at x = 0 and x = 1) obeys u_t = 0.5 u_xx. "
     "Initially u = 1 + cos(pi x). Temperature for 0 <= t <= 1?",   # one end held instead
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 1]},
                                  "equations": ["u_t = 0.5*u_xx"],
                                  "conditions": [{"kind": "neumann", "on": "x=0", "value": "0"},
                                                 {"kind": "dirichlet", "on": "x=1",
                                                  "value": "0"},
                                                 {"kind": "initial",
                                                  "value": "1 + cos(pi*x)"}]}})),
     "u_x = 0 on x = 1 is not the plan's neumann condition"),
    (*HEAT_FLUX, "u_x = 2 on x = 0"),
    (r"Steady temperature in the unit square: $\nabla^2 u = 0$, $u=0$ on the bottom and both "
     r"sides, $u(x,1)=\sin\pi x$ on the top.",   # a heat problem in x and t instead
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 0.1]},
                                  "equations": ["u_t = 0.1*u_xx"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"},
                                                 {"kind": "initial", "value": "sin(pi*x)"}]}})),
     "equation \\nabla^2 u = 0 is not the plan's"),
    ("photon sphere radius for Schwarzschild-de Sitter, f(r) = 1 - 2M/r - Λ r^2/3",
     plan(("differentiate", {"expression": "(1 - 2*M/r - Λ/r^2/3)/r^2", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]})), "gives the function"),
    # the component asked for, then an invented fluid solved for an exponent (was shown as
    # verified once the stress-energy tensor had a numeric check)
    ("T_tt (energy density) implied by flat FLRW through G = 8πT",
     plan((CURVATURE, {"metric": "ds^2 = -dt^2 + t^(2*p)*(dx^2 + dy^2 + dz^2)",
                       "quantity": "stress_energy", "component": "t,t"}),
          ("differentiate", {"expression": "log($s1*t^(3*p*(1 + (1/2))))", "variable": "t"}),
          ("solve", {"equations": ["$s2 = 0"], "variables": ["p"]})),
     "solves for p, which the question does not mention"),
    # a two-point problem solved on another interval (shown as verified: the solve was
    # accurate, for y(5) = 2)
    ("Boundary value problem $y''+y=0$, $y(0)=0$, $y(\\pi/2)=2$.",
     plan(("solve_pde", {"spec": {"unknowns": ["y"], "variables": {"x": [0, 5]},
                                  "equations": ["y'' + y = 0"],
                                  "conditions": [{"kind": "dirichlet", "on": "x=0", "value": "0"},
                                                 {"kind": "dirichlet", "on": "x=5",
                                                  "value": "2"}]}})),
     "y = 2 on x = \\pi/2 is at no end of the plan's interval of x"),
    # a question the tools compute, sent to the literature (the answer was only quoted)
    ("Is the Reissner–Nordström solution a vacuum solution?",
     plan(("search_literature", {"query": "Reissner-Nordström vacuum solution"})),
     "only quotes the literature"),
    # the line element the question writes, copied with a slip, or swapped for a catalogue
    # metric (Kasner with t = tau^3: the power of dz^2 is -2)
    (r"Kretschmann scalar of ds^2 = -9\tau^4 d\tau^2 + \tau^4(dx^2 + dy^2) + \tau^{-2} dz^2 "
     r"(Kasner (2/3, 2/3, -1/3) with t = \tau^3)",
     plan((CURVATURE, {"metric": r"ds^2 = -9\tau^4 d\tau^2 + \tau^4(dx^2 + dy^2) + "
                                 r"\tau^2 dz^2", "quantity": "kretschmann"})), "g_zz differs"),
    ("consider the spacetime ds^2 = (l^2/z^2) (-dt^2 + dx^2 + dy^2 + dz^2). What is its "
     "Kretschmann scalar?",
     plan((CURVATURE, {"metric": "ds^2 = -dt^2 + dx^2 + dy^2 + dz^2",
                       "quantity": "kretschmann"})), "g_tt differs"),
    ("Is ds^2 = -(1 - 2M/r + Q^2/r^2) dt^2 + dr^2/(1 - 2M/r + Q^2/r^2) + r^2 dΩ^2 a vacuum "
     "solution?",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "ricci_flat"})),
     "not the plan's schwarzschild"),
    # the photon sphere's radius for the redshift from there (z = 1/sqrt(1 - 2/3) - 1 = 0.732),
    # a horizon-like root for the ISCO energy (sqrt(8/9), Bardeen, Press & Teukolsky 1972)
    ("Light emitted by a static source at r = 3M in Schwarzschild: what redshift z is seen at "
     "infinity?", plan(("differentiate", {"expression": "(1 - 2*M/r)/r^2", "variable": "r"}),
                       ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]})),
     "gravitational redshift"),
    ("Energy per unit rest mass E = -u_t of a particle at the Schwarzschild ISCO (numerical "
     "value)", plan(("solve", {"equations": ["1 - 2*M/r + u^2/r^2 = 0"], "variables": ["r"]}),
                    ("simplify", {"expression": "$s1[1]"})), "finds the ISCO"),
    ("Expand the redshift factor 1/sqrt(1 - 2 M u) in u = 1/r to second order",
     plan(("series", {"expression": "1/sqrt(1 - 2*M*u)", "variable": "u", "point": "1/r",
                      "order": 2})), "defines u = 1/r"),
    # zero boundary data said in words
    ("Solve the 1D Poisson problem -u'' = pi^2 sin(pi x) on [-1, 1] with zero ends.",
     plan(("solve_pde", {"spec": {"variables": {"x": [-1, 1]},
                                  "equations": ["-u'' = pi^2*sin(pi*x)"],
                                  "conditions": [{"kind": "dirichlet", "on": "x=-1",
                                                  "value": "pi^2"},
                                                 {"kind": "dirichlet", "on": "x=1",
                                                  "value": "pi^2"}]}})),
     "u = 0 on the boundary"),
    # a question that works through the Christoffel symbols (Omega^2 = -Gamma^r_tt /
    # Gamma^r_phiphi = M/r^3) answered with a free-fall integral that computes none
    ("Use the Christoffel symbols of Schwarzschild to get the angular velocity $\\Omega^2 = "
     "(d\\phi/dt)^2$ of a circular equatorial geodesic.",
     plan(("integrate", {"expression": "1/sqrt(2*M/r - 2*M/A)", "variable": "r",
                         "lower": "0", "upper": "A"})), "works through the Christoffel symbols"),
    # a question's measurement left out: the ISCO of a 10 solar-mass hole planned with
    # GM_sun/c^2 alone is that of a one solar-mass hole (6 x 1.476625 km, not 88.6 km)
    ("ISCO radius in km for a 10 solar-mass Schwarzschild black hole (take GM_sun/c^2 = "
     "1.476625 km).",
     plan(("differentiate", {"expression": "(1 - 2*1.476625/r)*(1 + L^2/r^2)", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0"], "variables": ["L"],
                     "assumptions": {"r": "positive", "L": "positive"}}),
          ("differentiate", {"expression": "($s2[0])^2", "variable": "r"}),
          ("solve", {"equations": ["$s3 = 0"], "variables": ["r"],
                     "assumptions": {"r": "positive"}})), "gives 10 (with units)"),
    # an expansion asked in u = 1/r, planned as a series of 1/r in r (which is 1/r)
    ("Expand the redshift factor 1/sqrt(1 - 2 M u) in u = 1/r to second order",
     plan(("series", {"expression": "1/r", "variable": "r", "point": "0", "order": 3})),
     "an expansion in u; the plan expands in r"),
    # where the photon orbits are, answered with the impact parameter r/sqrt(f) at one of them
    ("Find the radii of circular photon orbits of Reissner-Nordström (critical points of "
     "f(r)/r^2, f = 1 - 2M/r + Q^2/r^2)",
     plan(("differentiate", {"expression": "(1 - 2*M/r + Q^2/r^2)/r^2", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0"], "variables": ["r"],
                     "assumptions": {"M": "positive", "Q": "positive", "r": "positive"}}),
          ("limit", {"expression": "r/sqrt(1 - 2*M/r + Q^2/r^2)", "variable": "r",
                     "point": "$s2[1]"})), "asks where (a radius)"),
    # where the horizon is in isotropic coordinates, answered with the surface gravity 1/(4M)
    ("In isotropic coordinates, ds^2 = -((1-M/(2ρ))/(1+M/(2ρ)))^2 dt^2 + (1+M/(2ρ))^4 (dρ^2 + "
     "ρ^2 dΩ^2), at what ρ is the horizon?",
     plan(("solve", {"equations": ["1 - 2*M/r = 0"], "variables": ["r"],
                     "assumptions": {"M": "positive", "r": "positive"}}),
          ("differentiate", {"expression": "1 - 2*M/r", "variable": "r"}),
          ("limit", {"expression": "$s2/(2)", "variable": "r", "point": "$s1[0]"})),
     "asks where (a radius)"),
    # from rest at the origin: y(0) = 0 as well as y'(0) = 0 (y = t sin(t)/2 at resonance; a
    # sampled plan started at y(0) = 1, and its solution satisfied the ODE)
    ("An undamped oscillator driven at resonance, y'' + y = cos t, starting from rest at the "
     "origin. Find y(t).",
     plan(("dsolve", {"equation": "y'' + y = cos t", "function": "y", "variable": "t",
                      "conditions": {"y(0)": "1", "y'(0)": "0"}})),
     "starts at the origin; the plan's initial position is 1"),
    # the library problem the question names, not another one of the library
    ("Integrate the harmonic oscillator from the library over one period.",
     plan(("solve_pde", {"problem": "heat"})), "names the library problem harmonic_oscillator"),
    # the horizons of Schwarzschild-de Sitter merge at 9 Lambda M^2 = 1 (Nariai); a planner
    # shown a capture-radius example found the photon sphere and b_c there instead, every
    # step right, and it was verified
    (NARIAI,
     plan(("differentiate", {"expression": "(1 - 2*M/r - Lambda*r^2/3)/r^2", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0"], "variables": ["r"],
                     "assumptions": {"M": "positive", "Lambda": "positive", "r": "positive"}}),
          ("limit", {"expression": "r/sqrt(1 - 2*M/r - Lambda*r^2/3)", "variable": "r",
                     "point": "$s2[0]"})),
     "finds the photon sphere"),
    # the ISCO of Schwarzschild is at 6M (sqrt(-g_tt) = sqrt(2/3) there); a planner shown a
    # redshift example at r = 2.5M evaluated there
    (ISCO_CLOCKS, plan(("limit", {"expression": "sqrt(1 - 2*M/r)", "variable": "r",
                                  "point": "2.5*M"})), "a value at the ISCO"),
    # R after a line element is its Ricci scalar (BTZ: -6/l^2, not R_ab R^ab = 12/l^4)
    ("BTZ black hole ds^2 = -(r^2/l^2 - M) dt^2 + dr^2/(r^2/l^2 - M) + r^2 dφ^2: what is R?",
     plan((CURVATURE, {"metric": "ds^2 = -(r^2/l^2 - M) dt^2 + dr^2/(r^2/l^2 - M) + r^2 dφ^2",
                       "quantity": "ricci_squared"})), "Ricci scalar"),
]


@pytest.mark.parametrize("question, wrong, said", SLIPS, ids=[s[2] for s in SLIPS])
def test_a_slip_is_caught_and_named(question, wrong, said):
    (check,) = check_relevance(question, wrong)
    assert not check.passed and said.lower() in check.detail.lower(), check.detail


@pytest.mark.parametrize("question, metric, quantity", [
    # prose after the line element, a misspelt angle, LaTeX against plain text, a catalogue
    # metric that is the one written
    ("is ds² = -(1 - k/r^2) dt^2 + dr^2/(1 - k/r^2) + r^2 (dtheta^2 + sin^2 thheta dphi^2) "
     "Weyl-flat (C_abcd = 0)?",
     "ds^2 = -(1 - k/r^2) dt^2 + dr^2/(1 - k/r^2) + r^2 (dtheta^2 + sin^2 theta dphi^2)",
     "conformally_flat"),
    (r"Ricci scalar of $ds^2 = \frac{dx^2 + dy^2}{y^2}$, the hyperbolic plane",
     "ds^2 = (dx^2 + dy^2)/y^2", "ricci_scalar"),
    ("Is ds^2 = -(1 - 2M/r) dt^2 + dr^2/(1 - 2M/r) + r^2 dΩ^2 a vacuum solution?",
     "schwarzschild", "ricci_flat"),
])
def test_the_line_element_the_question_writes_passes(question, metric, quantity):
    assert verdict(question, plan((CURVATURE, {"metric": metric, "quantity": quantity}))) \
        is not False


def test_a_point_the_question_expands_about_is_not_read_as_a_definition():
    def series(point):
        return plan(("series", {"expression": "sin(x)", "variable": "x", "point": point,
                                "order": 3}))
    assert verdict("Taylor expand sin(x) about x = a to third order", series("a")) is True
    assert verdict("Expand sin(x) around the point x = pi/2", series("pi/2")) is True
    assert verdict("Expand sin(x) in x = y/2 to third order", series("y/2")) is False


@pytest.mark.parametrize("question", [
    "Who computed the Kretschmann scalar of Kerr first?",
    "Which paper shows that the Kerr metric is Ricci-flat?",
    "What does the Kretschmann scalar tell us about the Schwarzschild singularity?",
])
def test_a_question_about_the_literature_may_be_searched(question):
    assert verdict(question, plan(("search_literature", {"query": question}))) is None


def test_a_catalogue_alias_is_the_spacetime_it_names():
    kottler = plan((CURVATURE, {"metric": "kottler", "quantity": "einstein_space"}))
    assert verdict("Is the Kottler (Schwarzschild-de Sitter) metric an Einstein space?",
                   kottler) is True


def test_the_values_of_the_answer_are_counted_against_the_question():
    """Once the plan has run: one value asked for and several given, or all asked for and
    one picked out of several."""
    horizons = plan(("solve", {"equations": ["r^2 - 2*M*r + a^2 = 0"], "variables": ["r"]}))
    roots = {"s1": ["M - sqrt(M**2 - a**2)", "M + sqrt(M**2 - a**2)"]}
    (check,) = check_relevance("where's the outer horizon of a Kerr BH", horizons, roots)
    assert not check.passed and "asks for one value" in check.detail
    assert check_relevance("where are the horizons of a Kerr black hole?", horizons,
                           roots)[0].passed
    outer = plan(("solve", {"equations": ["1 - 2*M/r + Q^2/r^2 = 0"], "variables": ["r"]}),
                 ("simplify", {"expression": "$s1[1]"}))
    values = {"s1": ["M - sqrt(M**2 - Q**2)", "M + sqrt(M**2 - Q**2)"],
              "s2": "M + sqrt(M**2 - Q**2)"}
    (check,) = check_relevance("Inner and outer horizon radii of the RN black hole?", outer,
                               values)
    assert not check.passed and "keeps one of 2" in check.detail
    assert check_relevance("Where is the outer horizon of the RN black hole?", outer,
                           values)[0].passed


def test_a_radius_asked_for_is_not_given_in_terms_of_an_orbits_angular_momentum():
    """Light's circular orbit is the extremum of f/r^2 (r = 3M for Schwarzschild); with a
    massive particle's L^2/r^2 added its radii depend on an L the question never gives."""
    question = ("At what radius can light travel on a circular orbit around a Schwarzschild "
                "black hole of mass M?")
    wrong = plan(("differentiate", {"expression": "(1 - 2*M/r + L^2/r^2)/r^2",
                                    "variable": "r"}),
                 ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]}))
    roots = {"s2": ["3*M/2 - sqrt(-8*L**2 + 9*M**2)/2", "3*M/2 + sqrt(-8*L**2 + 9*M**2)/2"]}
    (check,) = check_relevance(question, wrong, roots)
    assert not check.passed and "angular momentum L" in check.detail
    right = plan(("differentiate", {"expression": "(1 - 2*M/r)/r^2", "variable": "r"}),
                 ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]}))
    assert check_relevance(question, right, {"s2": ["3*M"]})[0].passed
    # the ISCO solved for r and L together names L as a key, not in the radius
    isco = plan(("solve", {"equations": ["$s1 = 0"], "variables": ["r", "L"]}))
    assert "angular momentum L" not in " ".join(c.detail for c in check_relevance(
        "Where is the ISCO of Schwarzschild?", isco, {"s1": [{"L": "2*sqrt(3)*M", "r": "6*M"}]}))
    # the circular orbits at a given angular momentum are functions of it
    given = "Where are the circular orbits of angular momentum L around a Schwarzschild hole?"
    assert "angular momentum L" not in " ".join(
        c.detail for c in check_relevance(given, wrong, roots))


def test_components_and_spacetimes_are_read_from_the_question():
    assert components(r"R^t_{rtr} and \Gamma^\phi_{\theta\phi}, not R_{ab}R^{ab}") == [
        ("riemann", ["t", "r", "t", "r"]), ("christoffel", ["phi", "theta", "phi"])]
    assert spacetimes("Schwarzschild–de Sitter, not Schwarzschild") == [
        {"schwarzschild_de_sitter"}, {"schwarzschild", "schwarzschild_isotropic",
                                      "eddington_finkelstein", "painleve_gullstrand",
                                      "kruskal_szekeres"}]
    assert spacetimes("the 5D Tangherlini black hole") == [set()]     # not in the catalogue
    assert spacetimes("the five-dimensional Schwarzschild-Tangherlini hole") == [set()]


def test_a_plan_for_another_question_is_replanned_and_never_shown_verified(tmp_path):
    from agent import Agent
    with Agent(checkpoints=str(tmp_path / "c.sqlite"), feedback=str(tmp_path / "f.sqlite"),
               retrieve_k=0, tool_timeout=120) as agent:
        question = "Kretschmann scalar of the Reissner-Nordstrom black hole"
        scripted(agent, SLIPS[0][1], plan((CURVATURE, {"metric": "reissner_nordstrom",
                                                      "quantity": "kretschmann"})))
        answer = agent.ask(question)
        # Carroll (5.?) / MTW: K = 48 M^2/r^6 - 96 M Q^2/r^7 + 56 Q^4/r^8 for RN
        from tools.mathparse import parse_expr
        import sympy as sp
        expected = parse_expr("48*M^2/r^6 - 96*M*Q^2/r^7 + 56*Q^4/r^8")
        assert answer.verified and sp.simplify(parse_expr(answer.final.value) - expected) == 0
        assert "asks for the Kretschmann scalar" in answer.tried[0]["problems"][-1]
        scripted(agent, SLIPS[0][1], SLIPS[0][1], SLIPS[0][1])     # never the right plan
        again = agent.ask(question)
        assert not again.verified and "asks for the Kretschmann scalar" in again.reason


WEYL_AT_HORIZON = plan((CURVATURE, {"metric": "schwarzschild", "quantity": "weyl_squared"}),
                       ("limit", {"expression": "$s1", "variable": "r", "point": "2*M"}))


@pytest.mark.parametrize("question, wrong, changed", [
    ("Weyl-squared invariant C_{abcd}C^{abcd} for Schwarzschild", WEYL_AT_HORIZON,
     "s2 (the limit r -> 2*M) left out"),
    ("Set a = 0 in Kerr–Newman and give the Einstein tensor component G_tt",
     plan((CURVATURE, {"metric": "kerr_newman", "quantity": "einstein",
                       "parameters": {"a": "0"}})), "the component t,t"),
    # the tensor the index notation names: R^φ_rφr has four indices, Riemann's (a held-out
    # phrasing the planner answered with Ricci's R_φr)
    ("Find R^φ_rφr for the closed Friedmann universe",
     plan((CURVATURE, {"metric": "flrw_closed", "quantity": "ricci", "component": "phi,r"})),
     "ricci read as riemann phi,r,phi,r"),
    # plain Schwarzschild is asked of in its own t, r: Kruskal's chart has no t or r
    ("what's Γ^t_tr for Schwarzschild",
     plan((CURVATURE, {"metric": "kruskal_szekeres", "quantity": "christoffel",
                       "component": "t,t,r"})), "kruskal_szekeres read as schwarzschild"),
    ("Is Taub–NUT a vacuum spacetime?",
     plan((CURVATURE, {"metric": "taub_nut", "quantity": "ricci_flat",
                       "parameters": {"a": "positive"}})), "a = positive left out"),
    ("Ricci scalar of the FLRW metric with spatial curvature k",
     plan((CURVATURE, {"metric": "flrw_open", "quantity": "ricci_scalar"})),
     "flrw_open read as flrw"),
    ("Is the Kerr metric Ricci-flat?",
     plan((CURVATURE, {"metric": "schwarzschild", "quantity": "ricci_flat"})),
     "schwarzschild read as kerr"),
    # Kerr's Delta = r^2 - 2Mr + a^2 (Boyer & Lindquist 1967), written with a stray r^2;
    # the same function differentiated for kappa = Delta'(r_+)/(2(r_+^2 + a^2)) follows it
    ("Surface gravity of a Kerr hole with M = 1, a = 0.6, from kappa = (r_+ - r_-)/"
     "(2(r_+^2 + a^2)).",
     plan(("solve", {"equations": ["r^2 - 2*1*r + 0.6^2 + 0.6^2 = 0"], "variables": ["r"]}),
          ("differentiate", {"expression": "r^2 - 2*1*r + 0.6^2 + 0.6^2", "variable": "r"}),
          ("limit", {"expression": "$s2/(2*(r^2 + 0.6^2))", "variable": "r",
                     "point": "$s1[1]"})),
     "r^2 - 2*1*r + 0.6^2 + 0.6^2 read as r^2 - 2*1*r + 0.6^2, kerr's"),
    # Kerr-Newman's Delta = r^2 - 2Mr + a^2 + Q^2 (Newman et al. 1965) written without the
    # charge, which the question does not set to zero
    ("Horizon radii of the Kerr–Newman black hole",
     plan(("solve", {"equations": ["r^2 - 2*M*r + a^2 = 0"], "variables": ["r"],
                     "assumptions": {"M": "positive", "a": "positive", "Q": "positive",
                                     "r": "positive"}})),
     "r^2 - 2*M*r + a^2 read as r^2 - 2*M*r + a^2 + Q^2, kerr-newman's"),
    # the density of the question's fluid (radiation, rho ∝ a^-4 ∝ t^(-4p)) written as that
    # of another (w = 1/2)
    (*RADIATION_AS_W_HALF, "t^(3*p*(1 + (1/2))) read as t^(4*p)"),
    # the square the question states, planned over half of it (x^3 - 3xy^2 is harmonic: the
    # solver's error estimate passed on y in [0, 1], and the answer was verified)
    ("Find the harmonic function on the square -1<x<1, -1<y<1 whose boundary values are "
     "x^3 - 3 x y^2.",
     plan(("solve_pde", {"spec": {"variables": {"x": [-1, 1], "y": [0, 1]},
                                  "equations": ["u_xx + u_yy = 0"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "x^3 - 3*x*y^2"}]}})),
     "y in [0, 1] read as the question's -1 < y < 1"),
    # the sides of the square named in words: u = 0 on the bottom, not another mode there
    # (u = sinh(pi y) sin(pi x)/sinh(pi) needs u(x, 0) = 0; a sampled plan put sin(2 pi x)
    # on the bottom, and the solver's error estimate passed)
    (r"Steady temperature in the unit square: $\nabla^2 u = 0$, $u=0$ on the bottom and both "
     r"sides, $u(x,1)=\sin\pi x$ on the top.",
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "y": [0, 1]},
                                  "equations": ["u_xx + u_yy = 0"],
                                  "conditions": [{"kind": "dirichlet", "on": "x=0", "value": "0"},
                                                 {"kind": "dirichlet", "on": "x=1", "value": "0"},
                                                 {"kind": "dirichlet", "on": "y=0",
                                                  "value": "sin(2*pi*x)"},
                                                 {"kind": "dirichlet", "on": "y=1",
                                                  "value": "sin(pi*x)"}]}})),
     "the condition on y = 0 is the dirichlet datum u = 0"),
    # the line element the question writes, copied with a slip (Kasner with t = tau^3: the
    # power of dz^2 is -2), or a catalogue family in its place (Morris-Thorne leaves Phi(r)
    # free; the Ellis wormhole has none, and R = -2 b^2/(l^2 + b^2)^2)
    (r"Kretschmann scalar of ds^2 = -9\tau^4 d\tau^2 + \tau^4(dx^2 + dy^2) + \tau^{-2} dz^2 "
     r"(Kasner (2/3, 2/3, -1/3) with t = \tau^3)",
     plan((CURVATURE, {"metric": r"ds^2 = -9\tau^4 d\tau^2 + \tau^4(dx^2 + dy^2) + "
                                 r"\tau^2 dz^2", "quantity": "kretschmann"})), "g_zz differs"),
    ("Ricci scalar of the Ellis wormhole ds^2 = -dt^2 + dl^2 + (l^2 + b^2) dΩ^2",
     plan((CURVATURE, {"metric": "morris_thorne", "quantity": "ricci_scalar"})),
     "it leaves Phi free"),
    ("G_tt of the Gödel metric",                        # the name written with its umlaut
     plan((CURVATURE, {"metric": "minkowski", "quantity": "einstein", "component": "t,t"})),
     "minkowski read as goedel"),
    ("diffusion u_t = 0.1u_xx, x in [0,1], t in [0,0.2], u(0,t) = 0 and u_x(1,t) = 0, "
     "u(x,0) = sin(pi x/2)",                              # the two ends swapped
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 0.2]},
                                  "equations": ["u_t = 0.1*u_xx"],
                                  "conditions": [{"kind": "neumann", "on": "x=0", "value": "0"},
                                                 {"kind": "dirichlet", "on": "x=1",
                                                  "value": "0"},
                                                 {"kind": "initial",
                                                  "value": "sin(pi*x/2)"}]}})),
     "the condition on x = 1 is the neumann datum u_x = 0"),
    (*HEAT_FLUX, "the condition on x = 0 is the neumann datum u_x = 2"),
    # the equation the question writes, copied with a slip or so that it does not read:
    # Euler-Cauchy x^2 y'' = 2y has y = x^2 - 1/x with y(1) = 0, y'(1) = 3
    ("Euler equation x^2 y'' - 2y = 0 with y(1) = 0, y'(1) = 3.",
     plan(("dsolve", {"equation": "x^2*y'' - 2*x*y' + 2*y = 0", "function": "y",
                      "variable": "x", "conditions": {"y(1)": "0", "y'(1)": "3"}})),
     "read as the question's x^2 y'' - 2y = 0"),
    # the function the question gives, copied with a slip (Λ/r^2/3 for Λ r^2/3); the SdS
    # photon sphere is at r = 3M whatever Λ (Stuchlík & Hledík 1999)
    ("photon sphere radius for Schwarzschild-de Sitter, f(r) = 1 - 2M/r - Λ r^2/3",
     plan(("differentiate", {"expression": "(1 - 2*M/r - Λ/r^2/3)/r^2", "variable": "r"}),
          ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]})),
     "the function 1 - 2*M/r - Λ/r^2/3 read as the question's -Lambda*r^2/3 - 2*M/r + 1"),
    # a curvature question of a named spacetime quoted from the literature: computed
    # (Reissner-Nordström has R_ab = 8 pi T_ab of its Maxwell field, not zero)
    ("Is the Reissner–Nordström solution a vacuum solution?",
     plan(("search_literature", {"query": "Reissner-Nordström vacuum solution"})),
     "replaced by the curvature tool: ricci_flat of reissner_nordstrom"),
    # an end held at zero in words: the dirichlet datum u = 0 there (the other end insulated)
    ("Heat flow u_t = u_xx on 0<x<1 for 0<t<0.4 with the end x=0 insulated (u_x = 0) and the "
     "end x=1 held at zero; initial temperature cos(pi x / 2).",
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 0.4]},
                                  "equations": ["u_t = u_xx"],
                                  "conditions": [{"kind": "neumann", "on": "boundary",
                                                  "value": "0"},
                                                 {"kind": "initial",
                                                  "value": "cos(pi*x/2)"}]}})),
     "the condition on x = 1 is the dirichlet datum u = 0"),
    # zero ends said in words against a nonzero end (-u'' = pi^2 sin(pi x) with
    # u(-1) = u(1) = 0 has u = sin(pi x))
    ("Solve the library's 1D Poisson problem -u'' = pi^2 sin(pi x) on [-1, 1] with zero ends.",
     plan(("solve_pde", {"spec": {"variables": {"x": [-1, 1]},
                                  "equations": ["-u'' = pi^2 sin(pi x)"],
                                  "conditions": [{"kind": "dirichlet", "on": "x=-1",
                                                  "value": "0"},
                                                 {"kind": "dirichlet", "on": "x=1",
                                                  "value": "pi"}]}})),
     "the conditions on the boundary are the datum u = 0"),
    # an interval stated without its variable's name, planned as another: a string of length
    # pi solved on [0, 3] (a tuned planner's held-out draw) is another string, and its modes
    # sin(3x) no longer vanish at the end; "on [0, pi]" says the same
    ("Vibrating damped string of length pi: u_tt + 0.5u_t = u_xx with both ends clamped, "
     "initial displacement 0 and initial velocity sin 3x. Compute the motion up to t = 2.",
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 3], "t": [0, 2]},
                                  "equations": ["u_tt + 0.5*u_t = u_xx"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"},
                                                 {"kind": "initial", "value": "0"},
                                                 {"kind": "initial", "derivative": 1,
                                                  "value": "sin(3*x)"}]}})),
     "x in [0, 3] read as the question's 0 < x < 3.14159"),
    ("A guitar-like string on [0, pi] satisfies $u_{tt} = 9u_{xx}$ and is released from rest "
     "in the shape sin(4x); the ends do not move. What is u(x,t) on $0 \\le t \\le 2$",
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 9], "t": [0, 2]},
                                  "equations": ["u_tt = 9*u_xx"],
                                  "conditions": [{"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"},
                                                 {"kind": "initial", "value": "sin(4*x)"},
                                                 {"kind": "initial", "derivative": 1,
                                                  "value": "0"}]}})),
     "x in [0, 9] read as the question's 0 < x < 3.14159"),
])
def test_a_slip_the_question_settles_is_amended_into_a_plan_that_passes(question, wrong,
                                                                         changed):
    assert verdict(question, wrong) is False
    amended, notes = amend(question, wrong)
    assert any(changed in n for n in notes), notes
    assert verdict(question, amended) is not False


@pytest.mark.parametrize("question, p", [
    ("Weyl-squared invariant of Schwarzschild at the horizon", WEYL_AT_HORIZON),
    ("Kretschmann scalar of the Schwarzschild case of Kerr",      # a = 0 is what it means
     plan((CURVATURE, {"metric": "kerr", "quantity": "kretschmann",
                       "parameters": {"a": "0"}}))),
    ("Ricci scalar of de Sitter space in flat slicing",
     plan((CURVATURE, {"metric": "de_sitter", "quantity": "ricci_scalar"}))),
    ("Kretschmann scalar of Kerr with zero spin",              # a = 0 set in words
     plan((CURVATURE, {"metric": "kerr", "quantity": "kretschmann",
                       "parameters": {"a": "0"}}))),
    ("Kretschmann scalar of Kerr for a small spin",
     plan((CURVATURE, {"metric": "kerr", "quantity": "kretschmann",
                       "parameters": {"a": "0.1"}}))),
    # a question about the literature, or about two things, is searched as planned
    ("Who first showed that Reissner–Nordström is not a vacuum solution?",
     plan(("search_literature", {"query": "Reissner-Nordström not vacuum first"}))),
    # the Laplacian reads over the plan's variables, which here are wrong (t for y): the
    # planner's to mend, not the amendment's
    (r"Steady temperature in the unit square: $\nabla^2 u = 0$, $u=0$ on the bottom",
     plan(("solve_pde", {"spec": {"variables": {"x": [0, 1], "t": [0, 0.1]},
                                  "equations": ["u_t = 0.1*u_xx"],
                                  "conditions": [{"kind": "initial", "value": "0"},
                                                 {"kind": "dirichlet", "on": "boundary",
                                                  "value": "0"}]}}))),
])
def test_what_the_question_may_mean_is_not_amended(question, p):
    assert amend(question, p) == (p, [])


def test_a_constant_the_question_sets_is_a_parameter_of_the_spec():
    # the Nagumo front 1/(1 + exp((x - c t)/sqrt(2))) moves at c = sqrt(2)(1/2 - a)
    question = ("Nagumo u_t = u_xx + u(1-u)(u-0.25) on -10<x<10 for 0<t<4, u(x,0) = "
                "1/(1 + exp(x/sqrt(2))), ends following 1/(1+exp((x - c t)/sqrt(2))) with "
                "c = sqrt(2)(1/2 - 0.25). Find u.")
    spec = {"variables": {"x": [-10, 10], "t": [0, 4]},
            "equations": ["u_t = u_xx + u*(1 - u)*(u - 0.25)"],
            "conditions": [{"kind": "dirichlet", "on": "boundary",
                            "value": "1/(1 + exp((x - c t)/sqrt(2)))"},
                           {"kind": "initial", "value": "1/(1 + exp(x/sqrt(2)))"}]}
    amended, notes = amend(question, plan(("solve_pde", {"spec": spec})))
    assert notes == ["s1: c = sqrt(2)/4, as the question sets it"]
    parameters = amended["steps"][0]["args"]["spec"]["parameters"]
    assert sp.simplify(parse_expr(parameters["c"]) - sp.sqrt(2) * (sp.Rational(1, 2)
                                                                  - sp.Rational(1, 4))) == 0
    from tools.pde.spec import PDESpec
    PDESpec.model_validate(amended["steps"][0]["args"]["spec"])      # the tool reads it
    # a name the spec defines itself, or one the question does not set, is left alone
    own = {**spec, "parameters": {"c": "0.3"}}
    assert amend(question, plan(("solve_pde", {"spec": own})))[1] == []
    assert amend(question.replace("c = ", "speed "), plan(("solve_pde", {"spec": spec})))[1] \
        == []


def test_an_ode_with_point_data_and_no_interval_is_solved_in_closed_form():
    from tools.calculus import DSolve
    question = "critically damped: y'' + 4y' + 4y = 0, y(0)=1, y'(0)=0"
    numeric = plan(("solve_pde", {"spec": {"unknowns": ["y"], "variables": {"t": [0, 0.0]},
                                           "equations": ["y'' + 4*y' + 4*y = 0"],
                                           "conditions": [{"kind": "initial", "value": "1"}]}}))
    amended, notes = amend(question, numeric)
    (step,) = amended["steps"]
    assert step["tool"] == "dsolve" and "closed form" in notes[0]
    assert step["args"]["conditions"] == {"y(0)": "1", "y'(0)": "0"}
    (solution,) = DSolve()(step["args"]).value
    t = sp.Symbol("t", real=True)   # double root -2: y = (1 + 2t) e^{-2t} (Boyce & DiPrima 3.4)
    assert sp.simplify(parse_expr(solution, symbols={"t": t}) - (1 + 2 * t) * sp.exp(-2 * t)) == 0
    # an interval, or numbers asked for: the solver's field is the answer wanted (over the
    # interval the question states)
    for asked, interval in ((question + " on 0 < t < 5", [0, 5]),
                            (question + ", numerically", [0, 0.0]),
                            (question + " for t in [0, 3]", [0, 3])):
        amended, notes = amend(asked, numeric)
        assert not any("closed form" in n for n in notes), notes
        assert amended["steps"][0]["args"]["spec"]["variables"]["t"] == interval


def test_the_initial_data_of_an_ode_are_those_the_question_writes():
    """The planner ran y(1) = 0 and y'(1) = 2 together into one datum and started at t = 0:
    the question's data, at its point, make the solve y = 2 sin(t - 1)."""
    import numpy as np

    from tools.pde.tool import SolvePDE
    question = "Integrate y'' = -y from t = 1 to 4 with y(1) = 0, y'(1) = 2."
    merged = plan(("solve_pde", {"spec": {
        "unknowns": ["y"], "variables": {"t": [0, 4]}, "equations": ["y'' = -y"],
        "conditions": [{"kind": "initial", "derivative": 1, "value": "0 2"}]}}))
    amended, notes = amend(question, merged)
    spec = amended["steps"][0]["args"]["spec"]
    assert spec["variables"] == {"t": [1, 4]} and "initial data" in notes[0], notes
    result = SolvePDE()({"spec": spec, "method": "classical"})
    assert result.ok, result.error
    grid = np.load(result.data["samples"])
    assert np.max(np.abs(grid["values"] - 2 * np.sin(grid["axis_t"] - 1))) < 1e-4
    # the question's own data are left as they are; data at two points bound an interval
    assert amend(question, amended)[1] == []
    two_points = "Solve y'' = -y on 0 < t < 2 with y(0) = 0, y(2) = 1."
    assert not any("initial data" in n for n in amend(two_points, merged)[1])


def test_zero_data_said_in_words_leave_room_for_the_side_they_except():
    square = plan(("solve_pde", {"spec": {
        "variables": {"x": [0, 1], "y": [0, 1]}, "equations": ["u_xx + u_yy = 0"],
        "conditions": [{"kind": "dirichlet", "on": "boundary", "value": "0"},
                       {"kind": "dirichlet", "on": "y=1", "value": "sin(pi*x)"}]}}))
    laplace = "Laplace u_xx + u_yy = 0 on the unit square with zero boundary values"
    assert verdict(laplace + " except u(x,1) = sin(pi x)", square) is not False
    assert verdict(laplace, square) is False


def test_an_equation_that_does_not_read_is_the_one_the_question_writes():
    question = ("Poisson problem on the rectangle 0<x<2, 0<y<1: u_xx + u_yy = -(5 pi^2/4) "
                "sin(pi x/2) sin(pi y), u = 0 on the whole boundary.")
    unbalanced = plan(("solve_pde", {"spec": {
        "variables": {"x": [0, 2], "y": [0, 1]},
        "equations": ["u_xx + u_yy = -(5*pi^2/4*sin(pi*x/2)*sin(pi*y)"],
        "conditions": [{"kind": "dirichlet", "on": "boundary", "value": "0"}]}}))
    amended, notes = amend(question, unbalanced)
    assert notes[0].endswith("(it does not read)"), notes
    assert amended["steps"][0]["args"]["spec"]["equations"] == [
        "u_xx + u_yy = -(5 pi^2/4) sin(pi x/2) sin(pi y)"]
    assert verdict(question, amended) is not False


# Kerr's horizons r_± = M ± sqrt(M^2 - a^2) (Boyer & Lindquist 1967), as sympy's solve gives them
KERR_ROOTS = ["M - sqrt(M - a)*sqrt(M + a)", "M + sqrt(M - a)*sqrt(M + a)"]
KERR_SOLVE = ("solve", {"equations": ["r^2 - 2*M*r + a^2 = 0"], "variables": ["r"]})


@pytest.mark.parametrize("question, index", [("where's the outer horizon of a Kerr BH", 1),
                                             ("Kerr: give r_- in Boyer-Lindquist r", 0)])
def test_the_horizon_asked_for_is_picked_out_of_the_roots(question, index):
    settled, notes = settle_count(question, plan(KERR_SOLVE), {"s1": KERR_ROOTS})
    assert settled["final"] == "s2" and settled["steps"][-1] == {
        "id": "s2", "tool": "simplify", "args": {"expression": f"$s1[{index}]"}}, notes
    assert ("largest" if index else "smallest") in notes[0]


def test_all_the_roots_asked_for_are_all_given():
    question = "Find the radii of circular photon orbits of Reissner-Nordström"
    picked = plan(("solve", {"equations": ["r^2 - 3*M*r + 2*Q^2 = 0"], "variables": ["r"]}),
                  ("simplify", {"expression": "$s1[1]"}))
    roots = ["3*M/2 - sqrt(9*M**2 - 8*Q**2)/2", "3*M/2 + sqrt(9*M**2 - 8*Q**2)/2"]
    settled, notes = settle_count(question, picked, {"s1": roots, "s2": roots[1]})
    assert settled == {"steps": picked["steps"][:1], "final": "s1"} and "all of them" in notes[0]


def test_a_count_the_question_does_not_settle_is_left_alone():
    outputs = {"s1": KERR_ROOTS}
    # one value asked, but neither outer nor inner named; or the right count already
    assert settle_count("Kerr: where is the event horizon?", plan(KERR_SOLVE),
                        outputs)[1] == []
    assert settle_count("where are the horizons of a Kerr black hole?", plan(KERR_SOLVE),
                        outputs)[1] == []
    # roots that are complex where a hole has two horizons (a > M) are not ranked
    assert settle_count("the outer horizon of Kerr", plan(KERR_SOLVE),
                        {"s1": ["M - sqrt(a - M)", "M + sqrt(a - M)"]})[1] == []


def test_a_count_is_settled_without_asking_the_planner_again(tmp_path):
    from agent import Agent
    with Agent(checkpoints=str(tmp_path / "c.sqlite"), feedback=str(tmp_path / "f.sqlite"),
               retrieve_k=0, tool_timeout=120) as agent:
        planner = scripted(agent, plan(KERR_SOLVE))              # one reply, and only one
        answer = agent.ask("where's the outer horizon of a Kerr BH")
        assert answer.verified, answer.reason
        assert sp.simplify(parse_expr(answer.final.value)
                           - parse_expr("M + sqrt(M^2 - a^2)")) == 0
        assert "one value" in answer.tried[0]["problems"][-1]
        assert len(planner.prompts) == 1


def test_the_outer_horizon_asked_for_is_the_root_a_later_step_takes():
    """Surface gravity of RN's outer horizon, evaluated at r_- = M - sqrt(M^2 - Q^2) (a sampled
    plan did, and the check passed it): a problem after the run, and the settled plan takes
    r_+; kappa_+ = sqrt(M^2 - Q^2)/r_+^2 (Carroll, eq. 6.100 with r_+)."""
    question = "Surface gravity of the outer horizon of Reissner–Nordström"
    f = "1 - 2*M/r + Q^2/r^2"
    at = plan(("solve", {"equations": [f"{f} = 0"], "variables": ["r"]}),
              ("differentiate", {"expression": f, "variable": "r"}),
              ("limit", {"expression": "$s2/2", "variable": "r", "point": "$s1[0]"}))
    roots = ["M - sqrt(M**2 - Q**2)", "M + sqrt(M**2 - Q**2)"]
    outputs = {"s1": roots, "s2": "2*M/r**2 - 2*Q**2/r**3", "s3": "kappa_-"}
    problems = [c for c in check_relevance(question, at, outputs) if not c.passed]
    assert problems and "outer horizon; s3 takes s1[0]" in problems[0].detail
    settled, notes = settle_count(question, at, outputs)
    assert settled["steps"][2]["args"]["point"] == "$s1[1]" and "s1[1]" in notes[0]
    assert settled["steps"][:2] == at["steps"][:2]
    outputs["s3"] = "kappa_+"
    assert all(c.passed for c in check_relevance(question, settled, outputs))
    # the inner horizon asked for and taken: nothing to settle; no horizon named: the black
    # hole's surface gravity is its event horizon's, r_+
    assert settle_count(question.replace("outer", "inner"), at, outputs)[1] == []
    assert settle_count("Surface gravity of Reissner–Nordström", at, outputs)[0] == settled


def test_a_black_holes_surface_gravity_is_its_event_horizons():
    """Kerr with M = 1, a = 0.6 from kappa = (r_+ - r_-)/(2(r_+^2 + a^2)): the formula names
    both roots, no horizon is named in words, and a sampled plan evaluated Delta'/(2(r^2 + a^2))
    at r_- = 0.2 (-2, verified); the black hole's surface gravity is the event horizon's,
    r_+ = 1.8: (1.8 - 0.2)/(2(1.8^2 + 0.36)) = 2/9."""
    question = ("Surface gravity of a Kerr hole with M = 1, a = 0.6, from kappa = (r_+ - r_-)/"
                "(2(r_+^2 + a^2)).")
    at = plan(("solve", {"equations": ["r^2 - 2*1*r + 0.6^2 = 0"], "variables": ["r"],
                         "assumptions": {"r": "positive"}}),
              ("differentiate", {"expression": "r^2 - 2*1*r + 0.6^2", "variable": "r"}),
              ("limit", {"expression": "$s2/(2*(r^2 + 0.6^2))", "variable": "r",
                         "point": "$s1[0]"}))
    outputs = {"s1": ["0.2", "1.8"], "s2": "2*r - 2", "s3": "-2"}
    assert verdict(question, at) is not False                   # before the run: no roots
    assert not check_relevance(question, at, outputs)[0].passed
    settled, notes = settle_count(question, at, outputs)
    assert settled["steps"][2]["args"]["point"] == "$s1[1]", notes
    r = float(outputs["s1"][1])
    assert abs((2 * r - 2) / (2 * (r ** 2 + 0.36)) - 2 / 9) < 1e-12
    # the inner horizon named, or Schwarzschild-de Sitter (largest root: cosmological): as is
    assert settle_count(question.replace("Surface gravity", "Surface gravity of the inner "
                                         "horizon"), at, outputs)[1] == []
    sds = "Surface gravity of Schwarzschild-de Sitter with M = 1, Lambda = 0.01"
    assert settle_count(sds, at, outputs)[1] == []


@pytest.mark.parametrize("question", [
    "Horizon radii of an uncharged Kerr–Newman black hole",
    "Horizons of Kerr–Newman with Q = 0",
    "Horizon radii of the Kerr–Newman black hole, charge q, spin a"])
def test_a_charge_the_question_sets_or_renames_may_be_left_out_of_delta(question):
    """Kerr's Delta for a Kerr-Newman hole the question makes uncharged, or whose charge it
    calls by another name, is not amended (the names cannot be told apart)."""
    delta = "r^2 - 2*M*r + q^2 + a^2" if "charge q" in question else "r^2 - 2*M*r + a^2"
    kerr = plan(("solve", {"equations": [f"{delta} = 0"], "variables": ["r"],
                           "assumptions": {"r": "positive"}}))
    assert amend(question, kerr) == (kerr, [])
    assert verdict(question, kerr) is not False


def test_a_radius_solved_for_is_positive(tmp_path):
    """V'(r) = 0 and V''(r) = 0 of (1 - 2M/r)(1 + L^2/r^2) solved for r with nothing assumed
    of r keep r = 0 beside the ISCO (a sampled plan answered [0, 6M], and verified): the
    final solve for a radius assumes r positive, and the answer is r = 6M (Bardeen, Press &
    Teukolsky 1972) without asking the planner again."""
    from agent import Agent
    question = ("Derive the innermost stable circular orbit of a Schwarzschild black hole from "
                "the timelike effective potential (1 - 2M/r)(1 + L^2/r^2).")
    isco = plan(("differentiate", {"expression": "(1 - 2*M/r)*(1 + L^2/r^2)", "variable": "r"}),
                ("solve", {"equations": ["$s1 = 0"], "variables": ["L"],
                           "assumptions": {"M": "positive", "r": "positive",
                                           "L": "positive"}}),
                ("differentiate", {"expression": "($s2[0])^2", "variable": "r"}),
                ("solve", {"equations": ["$s3 = 0"], "variables": ["r"],
                           "assumptions": {"M": "positive"}}))
    amended, notes = amend(question, isco)
    assert notes == ["s4: r assumed positive (a radius)"]
    assert amended["steps"][3]["args"]["assumptions"] == {"M": "positive", "r": "positive"}
    with Agent(checkpoints=str(tmp_path / "c.sqlite"), feedback=str(tmp_path / "f.sqlite"),
               retrieve_k=0, tool_timeout=120) as agent:
        planner = scripted(agent, isco)
        answer = agent.ask(question)
        assert answer.verified, answer.reason
        assert sp.simplify(parse_expr(answer.final.value) - parse_expr("6*M")) == 0
        assert len(planner.prompts) == 1


def test_the_fluid_the_question_states_gives_its_exponent(tmp_path):
    """The radiation era planned with another fluid's density (t^(9p/2), w = 1/2) answered
    p = 4/9; amended to the question's rho ∝ a^-4 the answer is a ∝ t^(1/2) (Weinberg
    2008, sec. 1.5: a ∝ t^(2/(3(1 + w))), w = 1/3), without asking the planner again."""
    from agent import Agent
    question, wrong = RADIATION_AS_W_HALF
    with Agent(checkpoints=str(tmp_path / "c.sqlite"), feedback=str(tmp_path / "f.sqlite"),
               retrieve_k=0, tool_timeout=120) as agent:
        planner = scripted(agent, wrong)
        answer = agent.ask(question)
        assert answer.verified, answer.reason
        values = parse_expr(str(answer.final.value))
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        assert len(values) == 1 and abs(float(values[0]) - 0.5) < 1e-12
        assert len(planner.prompts) == 1


@pytest.mark.parametrize("question, problem", [
    ("Pressure profile of a uniform-density star with M = 2.5, R = 10 (library problem "
     "tov_uniform): integrate the TOV equations.", "tov_uniform"),
    ("Heat problem from the library with alpha = 0.5", "heat")])
def test_a_library_problem_with_constants_in_the_question_is_left_as_it_is(question, problem):
    """A solve_pde step that names a library problem has no spec: the constants the question
    sets (M = 2.5) are the library's own, and amending them raised KeyError('spec')."""
    library = plan(("solve_pde", {"problem": problem}))
    assert amend(question, library) == (library, [])


@pytest.mark.parametrize("question", [
    "Where is the photon sphere of f = 1 - 2M/r + Q^2/r^2?",
    "At what radius can liight orbit in a circle around a Schwarzschild black hole?",
    "How big does the black hole shhadow look, in terms of b_c, for Reissner–Nordström?",
    "Compute r_ph for $f(r) = 1 - \\frac{2M}{r}$ with M = 10.",
    "Extrema of the null effective potential f(r)/r^2 of Reissner-Nordström: where are they?",
])
def test_a_question_about_light_may_find_the_photon_sphere(question):
    photon = plan(("differentiate", {"expression": "(1 - 2*M/r + Q^2/r^2)/r^2",
                                     "variable": "r"}),
                  ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]}))
    assert not any("photon sphere (the extremum" in c.detail
                   for c in check_relevance(question, photon))


def test_a_value_at_the_isco_is_taken_where_the_isco_is():
    at_6m = plan(("limit", {"expression": "sqrt(1 - 2*M/r)", "variable": "r", "point": "6*M"}))
    assert all(c.passed for c in check_relevance(ISCO_CLOCKS, at_6m))
    found = plan(("differentiate", {"expression": "(1 - 2*M/r)*(1 + L^2/r^2)", "variable": "r"}),
                 ("differentiate", {"expression": "(1 - 2*M/r)*(1 + L^2/r^2)", "variable": "r",
                                    "order": 2}),
                 ("solve", {"equations": ["$s1 = 0", "$s2 = 0"], "variables": ["r", "L"]}),
                 ("limit", {"expression": "sqrt(1 - 2*M/r)", "variable": "r",
                            "point": "$s3[0].r"}))
    assert all(c.passed for c in check_relevance(ISCO_CLOCKS, found))


def test_the_example_for_a_question_has_its_steps_and_no_photon_sphere_it_does_not_ask():
    from agent.relevance import shaped_for
    capture = plan(("differentiate", {"expression": "(1 - 2*M/r - Lambda*r^2/3)/r^2",
                                      "variable": "r"}),
                   ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]}),
                   ("limit", {"expression": "r/sqrt(1 - 2*M/r - Lambda*r^2/3)", "variable": "r",
                              "point": "$s2[0]"}))
    merger = plan(("differentiate", {"expression": "1 - 2*M/r - Lambda*r^2/3", "variable": "r"}),
                  ("solve", {"equations": ["1 - 2*M/r - Lambda*r^2/3 = 0", "$s1 = 0"],
                             "variables": ["r", "Lambda"]}))
    curvature = plan((CURVATURE, {"metric": "schwarzschild_de_sitter",
                                  "quantity": "kretschmann"}))
    assert [shaped_for(NARIAI, p) for p in (capture, merger, curvature)] == [False, True, False]
    assert shaped_for("Capture radius b_c of light for f = 1 - 2M/r - Lambda r^2/3", capture)
    at_2_5 = plan(("limit", {"expression": "sqrt(1 - 2*M/r)", "variable": "r",
                             "point": "2.5*M"}))
    assert not shaped_for(ISCO_CLOCKS, at_2_5)
