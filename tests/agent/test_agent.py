"""The agent end to end through the real LangGraph graph, tools in worker processes, checks,
SQLite checkpoints. Plans come from ``run_plan`` or from a scripted planner (a test double
of the backend only: the prompt, parsing, repair, replanning and verification are real).
The planner models themselves are tested in test_planner.py."""

import asyncio
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import sympy as sp

from agent import Agent, Answer
from agent.config import Settings
from agent.planner import Planner
from agent.planner.prompt import plan_text, question_of
from tools.mathparse import parse_expr


def plan(*steps, final=None):
    steps = [{"id": f"s{i}", "tool": tool, "args": args}
             for i, (tool, args) in enumerate(steps, start=1)]
    return {"steps": steps, "final": final or steps[-1]["id"]}


def same(a: str, b: str) -> bool:
    return sp.simplify(parse_expr(a) - parse_expr(b)) == 0


@pytest.fixture
def settings(tmp_path):
    return Settings(checkpoints=str(tmp_path / "checkpoints.sqlite"), retrieve_k=0,
                    tool_timeout=120)


@pytest.fixture
def agent(settings):
    with Agent(settings) as agent:
        yield agent


class Scripted(Planner):
    """Answers each propose() with the next of ``replies`` and keeps the prompts it got."""

    def __init__(self, settings, registry, replies):
        super().__init__(settings, registry)
        self.replies, self.prompts = list(replies), []

    def complete(self, text):
        self.prompts.append(text)
        return self.replies.pop(0)

    def invalid(self, output):          # one reply per plan: no redraw of an invalid one
        return []


def scripted(agent, *replies):
    planner = Scripted(agent.settings, agent.registry,
                       [r if isinstance(r, str) else json.dumps(r) for r in replies])
    agent._planner = planner
    return planner


# ---------------------------------------------------------------------- GR and calculus
def test_gr_question_is_verified_against_the_textbook_value(agent):
    ans = agent.run_plan(plan(("curvature", {"metric": "schwarzschild",
                                             "quantity": "kretschmann"})),
                         question="Kretschmann scalar of Schwarzschild")
    assert isinstance(ans, Answer)
    assert ans.verified and ans.status == "verified" and ans.reason == ""
    assert ans.final.kind == "expr" and same(ans.final.value, "48*M**2/r**6")   # MTW (31.8)
    assert [c.passed for c in ans.checks] == [True, True] and ans.checks[0].step == "s1"
    assert ans.checks[1].name == "the plan answers the question asked"     # Kretschmann, yes
    assert "M^{2}" in ans.latex and "signature (-,+,+,+)" in ans.conventions
    assert ans.steps[0].tool == "curvature" and ans.steps[0].seconds >= 0
    assert "Verified." in ans.text and len(ans.trace_id) == 32


def test_composed_derivation_photon_sphere(agent):
    ans = agent.run_plan(plan(
        ("differentiate", {"expression": "(1 - 2*M/r)/r^2", "variable": "r"}),
        ("solve", {"equations": ["$s1 = 0"], "variables": ["r"],
                   "assumptions": {"M": "positive", "r": "positive"}})))
    assert ans.verified, ans.text
    assert ans.final.kind == "expr" and same(ans.final.value, "3*M")    # photon sphere r = 3M
    assert [c.step for c in ans.checks] == ["s1", "s2"]
    assert "$s1" not in json.dumps(ans.steps[1].args)          # the reference was resolved


def test_a_number_is_typed_as_a_number(agent):
    ans = agent.run_plan(plan(("integrate", {"expression": "exp(-x^2)", "variable": "x",
                                             "lower": "-oo", "upper": "oo"})))
    assert ans.verified and ans.final.kind == "number"
    assert ans.final.value == pytest.approx(np.sqrt(np.pi)) and ans.final.exact == "sqrt(pi)"


def test_a_wrong_claim_is_never_shown_as_verified(agent, monkeypatch):
    from tools.calculus import Differentiate
    from tools.base import ToolResult
    monkeypatch.setattr(Differentiate, "run",
                        lambda self, args: ToolResult(ok=True, value="3*r"))  # d/dr r^3 != 3r
    agent.runner.close()                       # the worker must not hold the real method
    agent.registry.get("differentiate").in_process = True
    try:
        ans = agent.run_plan(plan(("differentiate", {"expression": "r^3", "variable": "r"})))
    finally:
        agent.registry.get("differentiate").in_process = False
    assert not ans.verified and ans.status == "unverified"
    assert "check 'derivative matches a finite difference' failed" in ans.reason
    assert "NOT verified" in ans.text


# ---------------------------------------------------------------------- PDE
def test_pde_question_gives_a_callable_field_near_the_exact_solution(agent):
    spec = {"variables": {"x": [0, 1], "t": [0, 1]}, "time": "t",
            "equations": ["u_t = 0.4*u_xx"],
            "conditions": [{"kind": "dirichlet", "on": "boundary"},
                           {"kind": "initial", "value": "sin(pi*x)"}]}
    ans = agent.run_plan(plan(("solve_pde", {"spec": spec, "method": "classical"})))
    assert ans.verified, ans.text
    final = ans.final
    assert final.kind == "field" and final.variables == ["x", "t"]
    assert final.domain == {"x": (0.0, 1.0), "t": (0.0, 1.0)}
    points = np.random.default_rng(0).uniform([0, 0], [1, 1], size=(400, 2))
    exact = np.exp(-0.4 * np.pi**2 * points[:, 1]) * np.sin(np.pi * points[:, 0])
    error = np.linalg.norm(final(points) - exact) / np.linalg.norm(exact)
    assert error < 1e-2
    with pytest.raises(ValueError, match="2 columns"):
        final(np.zeros((3, 3)))
    assert ans.figures and ans.figures[0].endswith(".png")
    markdown = ans._repr_markdown_()
    assert "data:image/png;base64," in markdown and "**verified**" in markdown
    again = Answer.model_validate_json(ans.model_dump_json())     # plain data: round trip
    assert np.allclose(again.final(points[:5]), final(points[:5]))


# ---------------------------------------------------------------------- failures
def test_tool_timeout_is_an_unverified_answer_with_the_reason(tmp_path):
    settings = Settings(checkpoints=str(tmp_path / "c.sqlite"), retrieve_k=0, tool_timeout=1)
    with Agent(settings) as agent:
        ans = agent.run_plan(plan(("solve_pde", {"problem": "heat", "method": "pinn"})))
        assert not ans.verified and ans.status == "unverified"
        assert "ran out of time after 1 s" in ans.reason
        assert ans.steps[0].data.get("timeout") is True
        again = agent.run_plan(plan(("differentiate", {"expression": "x^2", "variable": "x"})))
        assert again.verified and again.final.value == "2*x"     # a fresh worker took over


def test_a_misspelt_plan_is_repaired_and_says_so(agent):
    ans = agent.run_plan(plan(("curvatur", {"metric": "kerr", "quantiy": "kretschman"})))
    assert ans.verified, ans.text
    assert ans.steps[0].tool == "curvature"
    assert ans.steps[0].args["quantity"] == "kretschmann"
    assert "Repairs:" in ans.text and "'curvatur' read as 'curvature'" in ans.text


def test_a_function_written_as_a_product_is_read_as_applied_and_says_so(agent):
    # the small planner writes "sin t" as "sin*t"; y'' + 4y = sin t, y(0) = y'(0) = 0 has
    # y = sin(t)/3 - sin(2t)/6 (undetermined coefficients)
    ans = agent.run_plan(plan(("dsolve", {"equation": "y'' + 4*y = sin*t", "function": "y",
                                          "variable": "t",
                                          "conditions": {"y(0)": "0", "y'(0)": "0"}})))
    assert ans.verified, ans.text
    assert ans.steps[0].args["equation"] == "y'' + 4*y = sin t"
    assert "'sin*t' read as 'sin t'" in ans.text
    assert same(ans.final.value.strip("[]"), "sin(t)/3 - sin(2*t)/6")


def test_a_remark_copied_after_a_line_element_is_left_out_and_said(agent):
    # the torus of tube radius b around a circle of radius c: R = 2 cos(theta)/(b (c + b cos))
    ans = agent.run_plan(plan(("curvature", {
        "metric": "ds^2 = b^2 dθ^2 + (c + b cos θ)^2 dφ^2 (tube radius b, c > b)",
        "quantity": "ricci_scalar"})))
    assert ans.verified, ans.text
    assert ans.steps[0].args["metric"] == "ds^2 = b^2 dθ^2 + (c + b cos θ)^2 dφ^2"
    assert "the remark '(tube radius b, c > b)' after the line element left out" in ans.text
    assert same(ans.final.value, "2*cos(theta)/(b*(c + b*cos(theta)))")


def test_a_parameter_the_question_does_not_give_is_left_out_and_said(agent):
    # Schwarzschild-de Sitter is an Einstein space, R_ab = Lambda g_ab, so R = 4 Lambda for
    # every M; a plan that sets Lambda = M computes another number
    ans = agent.run_plan(plan(("curvature", {"metric": "schwarzschild_de_sitter",
                                             "quantity": "ricci_scalar",
                                             "parameters": {"Lambda": "M"}})),
                         question="What's R for Schwarzschild–de Sitter with cosmological "
                                  "constant Λ?")
    assert ans.verified, ans.text
    assert "parameters" not in ans.steps[0].args
    assert "Lambda = M left out (the question gives Lambda no value)" in ans.text
    assert same(ans.final.value, "4*Lambda")
    # a question that gives the value keeps it
    kept = agent.run_plan(plan(("curvature", {"metric": "schwarzschild_de_sitter",
                                              "quantity": "ricci_scalar",
                                              "parameters": {"Lambda": "3"}})),
                          question="R of Schwarzschild–de Sitter with Λ = 3")
    assert kept.verified and float(kept.final.value) == 12


def test_boundary_data_the_question_writes_replace_the_plan_s_and_are_said(agent):
    # insulated ends planned as held at zero; with u_x = 0 at both ends the solution is
    # u = 1 + exp(-0.5 pi^2 t) cos(pi x) (separation of variables)
    question = ("A rod 0<=x<=1 with insulated ends (u_x = 0 at x = 0 and x = 1) obeys "
                "u_t = 0.5 u_xx. Initially u = 1 + cos(pi x). Temperature for 0 <= t <= 1?")
    spec = {"variables": {"x": [0, 1], "t": [0, 1]}, "equations": ["u_t = 0.5*u_xx"],
            "conditions": [{"kind": "dirichlet", "on": "x=0", "value": "0"},
                           {"kind": "dirichlet", "on": "x=1", "value": "0"},
                           {"kind": "initial", "value": "1 + cos(pi*x)"}]}
    ans = agent.run_plan(plan(("solve_pde", {"spec": spec, "method": "classical"})),
                         question=question)
    assert ans.verified, ans.text
    assert "the condition on x = 1 is the neumann datum u_x = 0 the question writes" in ans.text
    points = np.random.default_rng(1).uniform([0, 0], [1, 1], size=(400, 2))
    exact = 1 + np.exp(-0.5 * np.pi**2 * points[:, 1]) * np.cos(np.pi * points[:, 0])
    assert np.linalg.norm(ans.final(points) - exact) / np.linalg.norm(exact) < 1e-2


def test_a_two_point_problem_s_data_swapped_are_put_back(agent):
    # y'' + y = 0, y(0) = 0, y(pi/2) = 2 has y = 2 sin x; the plan swapped the two ends' values
    spec = {"unknowns": ["y"], "variables": {"x": [0, "pi/2"]}, "equations": ["y'' + y = 0"],
            "conditions": [{"kind": "dirichlet", "on": "x=0", "value": "2"},
                           {"kind": "dirichlet", "on": "x=pi/2", "value": "0"}]}
    ans = agent.run_plan(plan(("solve_pde", {"spec": spec})),
                         question="Boundary value problem $y''+y=0$, $y(0)=0$, $y(\\pi/2)=2$.")
    assert ans.verified, ans.text
    assert "the dirichlet datum y = 2 the question writes" in ans.text
    x = np.linspace(0, np.pi / 2, 50)[:, None]
    assert np.max(np.abs(ans.final(x) - 2 * np.sin(x[:, 0]))) < 1e-3


def test_an_index_into_a_single_value_is_refused_not_read_as_a_character(agent):
    # d/dr (r^2 - 2 M r) = 2r - 2M is one value; "$s1[1]" once took its second character
    ans = agent.run_plan(plan(("differentiate", {"expression": "r^2 - 2*M*r", "variable": "r"}),
                              ("limit", {"expression": "1/r", "variable": "r",
                                         "point": "$s1[1]"})))
    assert not ans.verified and ans.status != "verified"
    assert "the output is one value" in ans.steps[-1].error and "has no [1]" in ans.steps[-1].error


def test_a_plan_that_cannot_be_repaired_is_refused_cleanly(agent):
    ans = agent.run_plan(plan(("integrate_numerically", {"f": "x"})))
    assert ans.status == "refused" and not ans.verified and not ans.steps
    assert "unknown tool 'integrate_numerically'" in ans.reason
    ans = agent.run_plan(plan(("curvature", {"metric": "kerr"})))
    assert ans.status == "refused" and "quantity: Field required" in ans.reason
    ans = agent.run_plan({"steps": [{"id": "s1", "tool": "solve", "args": {}}], "final": "s9"})
    assert ans.status == "refused" and "s9" in ans.reason


def test_bad_arguments_are_fed_back_and_the_replan_runs(agent):
    planner = scripted(agent,
                       plan(("curvature", {"metric": "kerr", "quantity": "ricci_curvature"})),
                       plan(("curvature", {"metric": "kerr", "quantity": "ricci_flat"})))
    ans = agent.ask("Is Kerr a vacuum solution?")
    assert ans.verified and ans.final.kind == "bool" and ans.final.value is True
    assert len(planner.prompts) == 2
    assert "ricci_curvature" in planner.prompts[1] and "failed" in planner.prompts[1]


def test_a_failing_step_is_replanned_with_its_error(agent):
    planner = scripted(agent,
                       plan(("solve", {"equations": ["1 - 2*M/r = = 0"], "variables": ["r"]})),
                       plan(("solve", {"equations": ["1 - 2*M/r = 0"], "variables": ["r"]})))
    ans = agent.ask("Where is the Schwarzschild horizon?")
    assert ans.verified and same(ans.final.value, "2*M")
    assert "more than one '='" in planner.prompts[1]


def test_a_plan_for_another_quantity_is_sent_back_before_it_runs(agent):
    planner = scripted(agent,
                       plan(("curvature", {"metric": "reissner_nordstrom",
                                           "quantity": "ricci_scalar"})),
                       plan(("curvature", {"metric": "reissner_nordstrom",
                                           "quantity": "kretschmann"})))
    events = list(agent.stream("Kretschmann scalar of Reissner-Nordstrom"))
    ran = [e["args"]["quantity"] for e in events
           if e["event"] == "step" and e["status"] == "running"]
    assert ran == ["kretschmann"]                          # the first plan never ran
    assert "ricci_scalar" in planner.prompts[1]
    ans = events[-1]["answer"]
    assert ans.verified and same(ans.final.value, "48*M**2/r**6 - 96*M*Q**2/r**7 + 56*Q**4/r**8")


def test_the_last_plan_runs_whatever_the_relevance_check_says(tmp_path):
    settings = Settings(checkpoints=str(tmp_path / "c.sqlite"), retrieve_k=0, max_replans=0)
    with Agent(settings) as agent:
        scripted(agent, plan(("curvature", {"metric": "reissner_nordstrom",
                                             "quantity": "ricci_scalar"})))
        ans = agent.ask("Kretschmann scalar of Reissner-Nordstrom")
    assert not ans.verified and ans.final.exact == "0"     # R = 0: the Maxwell field is traceless
    assert "ricci_scalar" in ans.reason


def test_retries_are_bounded_and_garbage_is_refused(agent):
    planner = scripted(agent, "I think the answer is 42.", "{\"steps\": [", "no idea")
    ans = agent.ask("Kretschmann scalar of Kerr")
    assert ans.status == "refused"
    assert len(planner.prompts) == agent.settings.max_replans + 1 == 3
    assert "invalid plan" in ans.reason


def test_recursion_limit_ends_the_loop_with_an_answer(tmp_path):
    settings = Settings(checkpoints=str(tmp_path / "c.sqlite"), retrieve_k=0,
                        max_replans=10, recursion_limit=8)
    with Agent(settings) as agent:
        scripted(agent, *["not a plan"] * 11)
        ans = agent.ask("anything")
    assert not ans.verified and "recursion limit (8 steps)" in ans.reason


def test_bad_questions_get_clear_errors(agent):
    with pytest.raises(ValueError, match="empty"):
        agent.ask("   ")
    with pytest.raises(ValueError, match="too long"):
        agent.ask("x" * 20_001)


# ---------------------------------------------------------------------- streaming, async
def test_stream_reports_every_node_and_step(agent):
    events = list(agent.stream("photon sphere", plan=plan(
        ("differentiate", {"expression": "(1 - 2*M/r)/r^2", "variable": "r"}),
        ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]}))))
    nodes = [e["node"] for e in events if e["event"] == "node"]
    assert nodes == ["retrieve", "plan", "act", "verify", "respond"]
    steps = [(e["id"], e["status"]) for e in events if e["event"] == "step"]
    assert steps == [("s1", "running"), ("s1", "done"), ("s2", "running"), ("s2", "done")]
    assert events[-1]["event"] == "answer" and events[-1]["answer"].verified


def test_aask(agent):
    scripted(agent, plan(("differentiate", {"expression": "sin(x)", "variable": "x"})))
    ans = asyncio.run(agent.aask("d/dx sin x"))
    assert ans.verified and ans.final.value == "cos(x)"


def test_replans_reuse_cached_results(agent):
    scripted(agent,
             plan(("differentiate", {"expression": "x^5", "variable": "x"}),
                  ("solve", {"equations": ["$s1 = 0 = 1"], "variables": ["x"]})),
             plan(("differentiate", {"expression": "x^5", "variable": "x"}),
                  ("solve", {"equations": ["$s1 = 5"], "variables": ["x"]})))
    ans = agent.ask("where is the derivative of x^5 equal to 5?")
    assert ans.verified
    assert ans.steps[0].cached and not ans.steps[1].cached


# ---------------------------------------------------------------------- threads
FIRST_TURN = """
from agent import Agent, Settings
if __name__ == "__main__":
    with Agent(Settings(checkpoints={db!r}, retrieve_k=0)) as agent:
        ans = agent.run_plan({plan!r}, question="Kretschmann scalar of Kerr", thread_id="t1")
        print(ans.verified)
"""


def test_follow_up_after_a_restart_sees_the_earlier_turn(settings):
    first = plan(("curvature", {"metric": "kerr", "quantity": "kretschmann"}))
    code = FIRST_TURN.format(db=settings.checkpoints, plan=first)
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, timeout=600)
    assert out.stdout.strip().endswith("True"), out.stderr[-2000:]
    with Agent(settings) as agent:                     # a new process's view: from SQLite
        history = agent.history("t1")
        assert [h["question"] for h in history] == ["Kretschmann scalar of Kerr"]
        assert history[0]["plan"] == first and history[0]["verified"]
        planner = scripted(agent, plan(("curvature", {"metric": "reissner_nordstrom",
                                                      "quantity": "kretschmann"})))
        ans = agent.ask("now the same for Reissner-Nordstrom", thread_id="t1")
        prompt = planner.prompts[0]
        # the fine-tuned planner's chat turns: the earlier turn, then the follow-up
        assert ("<start_of_turn>user\nKretschmann scalar of Kerr<end_of_turn>\n"
                "<start_of_turn>model\n" + plan_text(first) + "<end_of_turn>\n") in prompt
        # ... (after the solved example nearest to it, when the adapter carries them)
        assert prompt.endswith("now the same for Reissner-Nordstrom<end_of_turn>\n"
                               "<start_of_turn>model\n")
        assert question_of(prompt) == "now the same for Reissner-Nordstrom"
        assert ans.verified and ans.thread_id == "t1"
        # RN: K = (48 M^2 r^2 - 96 M Q^2 r + 56 Q^4) / r^8
        assert same(ans.final.value, "(48*M**2*r**2 - 96*M*Q**2*r + 56*Q**4)/r**8")
        assert len(agent.history("t1")) == 2
        assert agent.history("another thread") == []


# ---------------------------------------------------------------------- per-question options
def test_a_question_can_cap_the_pinn_budget(agent):
    ans = agent.run_plan(plan(("solve_pde", {"problem": "heat", "method": "pinn"})),
                         pinn_seconds=2)
    step = ans.steps[0]
    assert step.ok and step.args["budget"] == {"seconds": 2.0}      # the operator's cap
    assert step.value["metrics"]["seconds"] < 30                    # default: minutes
    assert ans.final.kind == "field"


def test_bad_options_are_named(agent):
    with pytest.raises(ValueError, match="bad options: retrieve_k"):
        agent.ask("anything", retrieve_k=-1)
    with pytest.raises(ValueError, match="bad options: planner"):
        agent.ask("anything", planner="gpt-17")
    with pytest.raises(ValueError, match="bad options: temperature: Extra inputs"):
        agent.ask("anything", temperature=2)
