"""Plan equivalence (the planner bench's "exact up to notation"): each forgiven difference is
one that cannot change a result, checked here against the tools themselves where it matters
(the swapped Ricci/Christoffel indices give the same component; a swapped Riemann pair does
not), and every other difference still counts."""

import json

import pytest
import sympy as sp

from agent.training.equivalence import equivalent
from agent.training.metrics import judge
from tools.gr.tool import Curvature


def _one(tool: str, **args) -> dict:
    return {"steps": [{"id": "s1", "tool": tool, "args": args}], "final": "s1"}


LINE = "ds^2 = -dt^2 + cosh(t)^2 (dx^2 + dy^2 + dz^2)"


@pytest.mark.parametrize("got, want", [
    (_one("curvature", metric="ds^2 = -dt^2 + cosh^2 t (dx^2 + dy^2 + dz^2)",
          quantity="ricci_squared"), _one("curvature", metric=LINE, quantity="ricci_squared")),
    (_one("curvature", metric="flat", quantity="ricci_scalar"),
     _one("curvature", metric="minkowski", quantity="ricci_scalar")),
    (_one("curvature", metric="schwarzschild", quantity="ricci", component="t,r"),
     _one("curvature", metric="schwarzschild", quantity="ricci", component="r,t")),
    (_one("curvature", metric="kerr", quantity="christoffel", component="r,theta,r"),
     _one("curvature", metric="kerr", quantity="christoffel", component="r,r,theta")),
    (_one("integrate", expression="1/sqrt(2*5/r - 1)", variable="r", lower="0", upper="2*5"),
     _one("integrate", expression="1/sqrt(10/r - 1)", variable="r", lower="0", upper="10")),
    (_one("solve_pde", spec={"variables": {"x": [0, 3.141592653589793]},
                             "equations": ["u'' = -1"]}),
     _one("solve_pde", spec={"variables": {"x": [0, "pi"]}, "equations": ["u'' = -1"]})),
    (_one("solve", equations=["r^2 - 2*M*r = 0"], variables=["r"]),
     _one("solve", equations=["2*M*r = r^2"], variables=["r"])),
])
def test_differences_of_notation_are_forgiven(got, want):
    assert equivalent(got, want)
    assert json.dumps(got, sort_keys=True) != json.dumps(want, sort_keys=True)


def test_step_ids_are_renamed_consistently_references_included():
    got = {"steps": [{"id": "s2", "tool": "differentiate", "args": {"expression": "1 - 2*M/r",
                                                                      "variable": "r"}},
                     {"id": "s1", "tool": "solve", "args": {"equations": ["$s2 = 0"],
                                                            "variables": ["r"]}}],
           "final": "s1"}
    want = {"steps": [{"id": "s1", "tool": "differentiate", "args": {"expression": "1 - 2*M/r",
                                                                       "variable": "r"}},
                      {"id": "s2", "tool": "solve", "args": {"equations": ["$s1 = 0"],
                                                             "variables": ["r"]}}],
            "final": "s2"}
    assert equivalent(got, want)
    assert not equivalent(got | {"final": "s2"}, want)          # the first step's output


@pytest.mark.parametrize("got, want", [
    (_one("curvature", metric="schwarzschild", quantity="riemann", component="t,r,t,r"),
     _one("curvature", metric="schwarzschild", quantity="riemann", component="t,r,r,t")),
    (_one("curvature", metric="minkowski_spherical", quantity="einstein_space"),
     _one("curvature", metric="minkowski", quantity="einstein_space")),
    (_one("curvature", metric="ds^2 = -dt^2 + t^2 dx^2", quantity="ricci_scalar"),
     _one("curvature", metric="ds^2 = -dt^2 + t dx^2", quantity="ricci_scalar")),
    (_one("curvature", metric="schwarzschild", quantity="ricci", component="t,r"),
     _one("curvature", metric="schwarzschild", quantity="einstein", component="t,r")),
    (_one("integrate", expression="1/sqrt(2*5/r - 1)", variable="r", lower="0", upper="2*5"),
     _one("integrate", expression="1/sqrt(2*5/r - 1)", variable="r", lower="0", upper="10.1")),
    (_one("integrate", expression="sin(theta)", variable="theta", assumptions={"r": "positive"}),
     _one("integrate", expression="sin(theta)", variable="theta")),
    (_one("dsolve", equation="y' + 2*y = sin(x)", function="y", variable="t"),
     _one("dsolve", equation="y' + 2*y = sin(x)", function="y", variable="x")),
    (_one("solve", equations=["1 - 2*M/r = 0"], variables=["r"]),
     _one("simplify", expression="1 - 2*M/r")),
    (_one("search_literature", query="Kerr metric"),
     _one("search_literature", query="Kerr solution")),
])
def test_every_other_difference_counts(got, want):
    assert not equivalent(got, want)


def _component(quantity: str, key: str) -> sp.Expr:
    args = Curvature.Args(metric="ds^2 = -e^{2A(r)}dt^2 + e^{2B(r)}dr^2 + r^2 d\\Omega^2",
                          quantity=quantity, component=key)
    return sp.sympify(Curvature().run(args).value)


def test_the_forgiven_index_swaps_are_the_tensors_own_symmetries():
    """Computed by the curvature tool on a general static metric: a forgiven swap gives the
    same component, the Riemann swap it refuses gives its negative."""
    assert _component("christoffel", "r,t,t") != 0
    assert _component("christoffel", "t,t,r") == _component("christoffel", "t,r,t") != 0
    assert _component("riemann", "t,r,t,r") == -_component("riemann", "t,r,r,t") != 0
    assert not equivalent(_one("curvature", metric="kerr", quantity="riemann",
                               component="t,r,t,r"),
                          _one("curvature", metric="kerr", quantity="riemann",
                               component="t,r,r,t"))


class _Fixed:
    """A planner that always answers with one text (judge only calls propose and registry)."""

    def __init__(self, text: str) -> None:
        from agent.registry import default_registry
        self.text, self.registry = text, default_registry()

    def propose(self, question: str, history=()) -> str:
        return self.text


def test_judge_reports_exact_and_equivalent_apart():
    example = {"id": "x", "question": "G_{yu}?", "plan": _one(
        "curvature", metric="schwarzschild", quantity="einstein", component="r,t")}
    swapped = json.dumps(_one("curvature", metric="schwarzschild", quantity="einstein",
                              component="t,r"))
    outcome = judge(_Fixed(swapped), example, len)
    assert (outcome.valid, outcome.tools_ok, outcome.exact, outcome.equivalent) == (
        True, True, False, True)
    outcome = judge(_Fixed(json.dumps(example["plan"])), example, len)
    assert outcome.exact and outcome.equivalent


def test_judge_through_the_graph_counts_the_plan_the_agent_would_run():
    from agent.config import Settings
    from agent.planner import Planner
    from agent.registry import default_registry
    from evals.bench.planner_bench import _flow

    class Replies(Planner):                 # the backend answers with the next reply
        def __init__(self, replies):
            super().__init__(Settings(), default_registry())
            self.replies, self.prompts = [json.dumps(r) for r in replies], []

        def complete(self, text):
            self.prompts.append(text)
            return self.replies.pop(0)

    want = _one("curvature", metric="reissner_nordstrom", quantity="kretschmann")
    example = {"id": "x", "question": "Kretschmann scalar of Reissner-Nordstrom", "plan": want}
    planner = Replies([_one("curvature", metric="reissner_nordstrom", quantity="ricci_scalar"),
                       want])
    outcome = judge(planner, example, len, _flow(planner))
    assert (outcome.valid, outcome.exact) == (True, False)            # the first draw
    assert outcome.checked["exact"] and outcome.checked["draws"] == 2  # sent back, asked again
    assert "ricci_scalar" in planner.prompts[1]

    planner = Replies([want])                                          # right the first time
    outcome = judge(planner, example, len, _flow(planner))
    assert outcome.exact and outcome.checked["exact"] and outcome.checked["draws"] == 1
