"""Solved examples in the fine-tuned planner's prompt: the nearest training question by
meaning, never from the question's own phrasing family in training, carried by the adapter
and shown by every backend's prompt, the RLHF data included."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agent.config import Settings
from agent.planner import Planner, examples as solved_examples
from agent.planner.examples import SolvedExamples, of_adapter
from agent.planner.prompt import question_of, render_tuned
from agent.registry import default_registry
from agent.training.data import draw
from agent.training.intents import all_intents
from agent.training.train import bank, rows


def _plan(metric: str, quantity: str) -> dict:
    return {"steps": [{"id": "s1", "tool": "curvature",
                       "args": {"metric": metric, "quantity": quantity}}], "final": "s1"}


ROWS = [
    {"family": "scalar#0", "question": "Ricci scalar of the Kerr metric",
     "plan": _plan("kerr", "ricci_scalar")},
    {"family": "scalar#1", "question": "What is the Kretschmann invariant of Schwarzschild?",
     "plan": _plan("schwarzschild", "kretschmann")},
    {"family": "pde#0", "question": "Solve the heat equation u_t = u_xx on a rod",
     "plan": {"steps": [{"id": "s1", "tool": "solve_pde", "args": {"problem": "heat"}}],
              "final": "s1"}},
    {"family": "lit#0", "question": "Who discovered the rotating black hole solution?",
     "plan": {"steps": [{"id": "s1", "tool": "search_literature",
                         "args": {"query": "Who discovered the rotating black hole solution?"}}],
              "final": "s1"}},
]


@pytest.fixture(scope="module")
def solved():
    return SolvedExamples(ROWS)


def test_the_nearest_example_is_the_one_closest_in_meaning(solved):
    assert solved.nearest("K = R_abcd R^abcd for a Schwarzschild black hole")[0] == ROWS[1]
    assert solved.nearest("diffusion equation on an interval, please solve")[0] == ROWS[2]
    assert solved.nearest("which physicist found the Kerr solution?")[0] == ROWS[3]
    two = solved.nearest("Kretschmann scalar of Schwarzschild", k=2)
    assert two[-1] == ROWS[1] and len(two) == 2          # nearest last, next to the question


def test_a_question_never_sees_its_own_phrasing_family(solved):
    question = "What is the Kretschmann invariant of Schwarzschild?"
    assert solved.nearest(question)[0]["family"] == "scalar#1"
    shown = solved.nearest(question, exclude="scalar#1")
    assert shown and shown[0]["family"] != "scalar#1"


def test_examples_travel_with_the_adapter_and_their_vectors_are_cached(solved, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv("GEODESIC_MODEL_CACHE", str(tmp_path / "cache"))
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    assert of_adapter(adapter) is None and of_adapter(None) is None
    solved.save(adapter)
    loaded = of_adapter(adapter)
    assert loaded.rows == ROWS
    np.testing.assert_allclose(loaded.vectors, solved.vectors, atol=1e-5)
    assert len(list((tmp_path / "cache" / "examples").glob("*.npy"))) == 1
    again = SolvedExamples.load(adapter / "examples.jsonl")      # from the cache
    np.testing.assert_array_equal(again.vectors, loaded.vectors)


def test_the_prompt_shows_the_example_before_the_question():
    text = render_tuned("Ricci scalar of RN", examples=[ROWS[0]])
    assert text == ("<start_of_turn>user\nSolved: Ricci scalar of the Kerr metric\nPlan: "
                    '{"steps":[{"id":"s1","tool":"curvature","args":{"metric":"kerr",'
                    '"quantity":"ricci_scalar"}}],"final":"s1"}\nQuestion: Ricci scalar of RN'
                    "<end_of_turn>\n<start_of_turn>model\n")
    assert question_of(text) == "Ricci scalar of RN"
    failed = render_tuned("Ricci scalar of RN", examples=[ROWS[0]], problems=["s1: bad"])
    assert question_of(failed) == "Ricci scalar of RN"
    assert render_tuned("q") == "<start_of_turn>user\nq<end_of_turn>\n<start_of_turn>model\n"


def test_training_prompts_show_an_example_of_another_family():
    examples = [e.record() for e in draw(all_intents(), seed=0, scale=0.2)
                if e.split == "train"][:300]
    solved = bank(examples)
    prompts = rows(examples, solved)
    by_question = {r["question"]: r for r in solved.rows}
    for e, row in zip(examples, prompts):
        shown = row["prompt"].split("Solved: ", 1)[1].split("\nPlan: ", 1)[0]
        assert by_question[shown]["family"] != e["family"]
        assert question_of(row["prompt"]) == e["question"].strip()
    same_tools = sum(
        [s["tool"] for s in by_question[r["prompt"].split("Solved: ", 1)[1].split(
            "\nPlan: ", 1)[0]]["plan"]["steps"]] == [s["tool"] for s in e["plan"]["steps"]]
        for e, r in zip(examples, prompts))
    assert same_tools / len(examples) > 0.8       # the example is mostly the right shape
    assert rows(examples[:3]) == rows(examples[:3], None)
    assert "Solved: " not in rows(examples[:3])[0]["prompt"]


def test_edit_training_prompts_show_the_question_s_shape_and_never_its_own_plan():
    from agent.planner.schema import canonical
    from agent.relevance import shaped_for
    examples = [e.record() for e in draw(all_intents(), seed=0, scale=0.2)
                if e.split == "train"][:150]
    solved = bank(examples)
    by_question = {r["question"]: r for r in solved.rows}
    nearest, edit = rows(examples, solved), rows(examples, solved, edit=True)
    copied = 0
    for e, near, row in zip(examples, nearest, edit):
        shown = by_question[row["prompt"].split("Solved: ", 1)[1].split("\nPlan: ", 1)[0]]
        plan = canonical(e["plan"], default_registry())
        assert shown["family"] != e["family"]
        if any(shaped_for(e["question"], r["plan"]) and r["plan"] != plan
               for r in solved.nearest(e["question"], k=128, exclude=e["family"])):
            assert shaped_for(e["question"], shown["plan"]) and shown["plan"] != plan
        assert row["completion"] == near["completion"]
        copied += near["completion"].strip() in near["prompt"]
    assert copied > 0                    # nearest alone: the answer itself is shown at times


class _Echo(Planner):
    """A planner whose 'model' writes one fixed plan: the prompt is what is under test."""
    name = "echo"

    def complete(self, text: str) -> str:
        return json.dumps(_plan("kerr", "ricci_scalar"))


def test_a_planner_whose_adapter_has_examples_shows_the_nearest(solved, tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    planner = _Echo(Settings(adapter=str(adapter)), default_registry())
    planner.propose("Kretschmann scalar of Schwarzschild")
    assert planner.last_prompt == render_tuned("Kretschmann scalar of Schwarzschild")
    solved.save(adapter)
    planner.propose("Kretschmann scalar of Schwarzschild")
    assert planner.last_prompt == render_tuned("Kretschmann scalar of Schwarzschild",
                                               examples=[ROWS[1]])
    assert solved_examples.of_adapter(adapter) is planner.solved_examples()



SHAPES = [
    {"family": "scalar#2", "question": "Ricci scalar of the Reissner-Nordstrom black hole",
     "plan": _plan("reissner_nordstrom", "ricci_scalar")},
    {"family": "lit#1", "question": "Who found the Reissner-Nordstrom black hole, and where is "
                                    "its horizon discussed?",
     "plan": {"steps": [{"id": "s1", "tool": "search_literature", "args": {
         "query": "Reissner-Nordstrom horizon"}}], "final": "s1"}},
    {"family": "horizon#0", "question": "Horizon radius of a black hole with f = 1 - 2M/r",
     "plan": {"steps": [{"id": "s1", "tool": "solve", "args": {
         "equations": ["1 - 2*M/r = 0"], "variables": ["r"]}}], "final": "s1"}},
    {"family": "photon#0", "question": "Photon sphere of Schwarzschild, f = 1 - 2M/r",
     "plan": {"steps": [
         {"id": "s1", "tool": "differentiate", "args": {"expression": "(1 - 2*M/r)/r^2",
                                                        "variable": "r"}},
         {"id": "s2", "tool": "solve", "args": {"equations": ["$s1 = 0"],
                                                "variables": ["r"]}}], "final": "s2"}},
]


@pytest.mark.parametrize("question, nearest, shown", [
    # nearest in wording: a literature search about the same hole; asked: its horizon (f = 0)
    ("Reissner-Nordstrom black hole, f = 1 - 2M/r + Q^2/r^2: where is its horizon?", 1, 2),
    # nearest: the horizon's solve; asked: the photon sphere (the extremum of f/r^2)
    ("Reissner-Nordstrom black hole, f = 1 - 2M/r + Q^2/r^2: at what radius can light orbit "
     "in a circle?", 2, 3),
    # the nearest has the steps asked for: it stays, another curvature quantity included (the
    # planner changes the quantity it is shown, and copies the spacetime)
    ("Kretschmann scalar of the Reissner-Nordstrom black hole", 0, 0),
    # a question about the literature may be shown a literature plan
    ("Who discovered the Reissner-Nordstrom black hole and its horizon?", 1, 1),
])
def test_the_example_shown_takes_the_steps_the_question_asks_for(question, nearest, shown):
    from agent.relevance import check_relevance
    solved = SolvedExamples(SHAPES)
    assert solved.nearest(question)[0] == SHAPES[nearest]
    assert solved.shown(question) == [SHAPES[shown]]
    if nearest != shown:     # the relevance check would send the nearest's shape back
        assert not any(c.passed for c in check_relevance(question, SHAPES[nearest]["plan"]))


def test_with_no_example_of_the_shape_the_nearest_is_shown():
    question = "Reissner-Nordstrom black hole, f = 1 - 2M/r + Q^2/r^2: where is its horizon?"
    assert SolvedExamples(SHAPES[:2]).shown(question) == SHAPES[1:2]
    two = SolvedExamples(SHAPES).shown(question, k=2)
    assert two[-1] == SHAPES[2] and len(two) == 2     # the one that fits last, by the question


def test_every_training_plan_takes_the_steps_of_its_own_question():
    from agent.relevance import shaped_for
    examples = [e.record() for e in draw(all_intents(), seed=0, scale=0.2)][:400]
    misfits = [e["question"] for e in examples if not shaped_for(e["question"], e["plan"])]
    assert not misfits


def test_a_replan_is_shown_the_next_example_of_the_shape():
    """The first plan copied its example's numbers and symbols (the deflection of a star of
    another radius): a replan sees the next example of the question's shape, and past the
    last, the last; an example of another shape never."""
    solve = {"id": "s1", "tool": "solve", "args": {"equations": ["1 - 2*M/r + Q^2/r^2 = 0"],
                                                   "variables": ["r"]}}
    horizon = {"family": "horizon#1", "question": "Where is the horizon of f = 1 - 2M/r + "
               "Q^2/r^2, Reissner-Nordstrom?", "plan": {"steps": [solve], "final": "s1"}}
    solved = SolvedExamples([*SHAPES, horizon])
    question = "Reissner-Nordstrom black hole, f = 1 - 2M/r + Q^2/r^2: where is its horizon?"
    first = solved.shown(question)
    assert first == [horizon]                      # the nearest of the shape
    assert solved.shown(question, replan=1) == [SHAPES[2]]
    assert solved.shown(question, replan=2) == [SHAPES[2]]
    assert solved.shown("Kretschmann scalar of the Reissner-Nordstrom black hole",
                        replan=1) == [SHAPES[0]]   # every curvature example fits


def test_the_planner_shows_a_replan_the_next_example(tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    rn = {**SHAPES[2], "family": "horizon#1", "question": "Horizon of f = 1 - 2M/r + Q^2/r^2"}
    SolvedExamples([*SHAPES, rn]).save(adapter)
    planner = _Echo(Settings(adapter=str(adapter)), default_registry())
    question = "Where is the horizon of the Schwarzschild black hole, f = 1 - 2M/r?"
    planner.propose(question)
    assert "Solved: " + SHAPES[2]["question"] in planner.last_prompt
    planner.propose(question, problems=["s1: the plan uses Q"], attempt=0)   # first replan
    assert "Solved: " + rn["question"] in planner.last_prompt


def test_a_question_that_writes_out_an_ode_to_integrate_is_shown_an_ode_solved():
    """Einstein-de Sitter's a'' = -1/(2 a^2): the nearest in wording is de Sitter's Hubble
    rate (a curvature step and a solve), which the planner copied."""
    from agent.relevance import shaped_for
    question = ("Einstein-de Sitter universe (H0 = 1): integrate a'' = -1/(2 a^2) from t = 0.2 "
                "to 2 with a(0.2) = 0.3^(2/3), a'(0.2) = (2/3) 1.5^(2/3) 0.2^(-1/3).")
    hubble = {"steps": [
        {"id": "s1", "tool": "curvature", "args": {
            "metric": "ds^2 = -dt^2 + exp(2*H*t)*(dx^2 + dy^2 + dz^2)", "quantity": "einstein",
            "component": "t,t"}},
        {"id": "s2", "tool": "solve", "args": {"equations": ["$s1 = Lambda"],
                                               "variables": ["H"]}}], "final": "s2"}
    numeric = {"steps": [{"id": "s1", "tool": "solve_pde", "args": {"spec": {
        "unknowns": ["y"], "variables": {"t": [0, 4]}, "equations": ["y' = -y + sin(t)"],
        "conditions": [{"kind": "initial", "value": "1"}]}}}], "final": "s1"}
    assert not shaped_for(question, hubble) and shaped_for(question, numeric)
    assert shaped_for("Hubble rate of de Sitter space in terms of Lambda", hubble)


def test_a_replan_of_a_question_with_a_line_element_is_shown_one_written_out():
    """The round 3-sphere's line element, planned as the catalogue's sphere (the 2-sphere):
    the replan's example writes its metric out, as the question does."""
    sphere = {"family": "sphere#0", "question": "Work out the Ricci scalar R of the 2-sphere "
              "of radius a, please.", "plan": _plan("sphere", "ricci_scalar")}
    written = {"family": "element#0", "question": "Given the line element ds^2 = a^2 (dtheta^2 "
               "+ sin^2 theta dphi^2), find the Ricci scalar",
               "plan": _plan("ds^2 = a^2 (dtheta^2 + sin^2 theta dphi^2)", "ricci_scalar")}
    squared = {"family": "element#1", "question": "metric: ds^2 = a^2(d\\theta^2 + "
               "\\sin^2\\theta\\, d\\phi^2) -- Ricci scalar please",
               "plan": _plan("ds^2 = a^2(d\\theta^2 + \\sin^2\\theta\\, d\\phi^2)",
                             "ricci_scalar")}
    solved = SolvedExamples([sphere, written, squared])
    question = ("Ricci scalar of the round 3-sphere ds^2 = a^2[d\\chi^2 + \\sin^2\\chi "
                "(d\\theta^2 + \\sin^2\\theta\\, d\\phi^2)]")
    again = [solved.shown(question, replan=n)[0] for n in (1, 2)]
    assert all(e in (written, squared) for e in again)
    assert solved.shown("Ricci scalar of a 2-sphere of radius a", replan=1)[0] != \
        solved.shown("Ricci scalar of a 2-sphere of radius a")[0]


def test_a_replan_of_a_written_out_equation_is_not_shown_a_library_problem():
    """Einstein-de Sitter's a'' = -1/(2 a^2), first shown a damped oscillator's spec, was
    shown the library's FLRW universe on its replan, and solved that instead."""
    spec = {"family": "ode#0", "question": "Integrate x'' + 0.2x' + 9x = 0 for 0<t<5 with "
            "x(0) = 1, x'(0) = -1.", "plan": {"steps": [{"id": "s1", "tool": "solve_pde", "args": {
                "spec": {"unknowns": ["x"], "variables": {"t": [0, 5]},
                         "equations": ["x'' + 0.2*x' + 9*x = 0"],
                         "conditions": [{"kind": "initial", "value": "1"},
                                        {"kind": "initial", "derivative": 1, "value": "-1"}]}}}],
                "final": "s1"}}
    library = {"family": "library#0", "question": "Solve the library problem for the scale "
               "factor of a flat universe with matter and a cosmological constant.",
               "plan": {"steps": [{"id": "s1", "tool": "solve_pde",
                                   "args": {"problem": "flrw_matter_lambda"}}], "final": "s1"}}
    question = ("Einstein-de Sitter universe (H0 = 1): integrate a'' = -1/(2 a^2) from t = 0.2 "
                "to 2 with a(0.2) = 0.3^(2/3), a'(0.2) = (2/3) 1.5^(2/3) 0.2^(-1/3).")
    solved = SolvedExamples([spec, library])
    assert solved.shown(question) == [spec]        # the nearest
    assert solved.shown(question, replan=1) == [spec]


def _steps(*steps: tuple[str, dict]) -> dict:
    return {"steps": [{"id": f"s{i}", "tool": tool, "args": args}
                      for i, (tool, args) in enumerate(steps, 1)], "final": f"s{len(steps)}"}


V = "(1 - 2*M/r)*(1 + L^2/r^2)"
EXTREMA = _steps(("differentiate", {"expression": V, "variable": "r"}),
                 ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]}))
ISCO = _steps(("differentiate", {"expression": V, "variable": "r"}),
              ("differentiate", {"expression": V, "variable": "r", "order": 2}),
              ("solve", {"equations": ["$s1 = 0", "$s2 = 0"], "variables": ["r", "L"]}))
AT_ISCO = _steps(*[(s["tool"], s["args"]) for s in ISCO["steps"]],
                 ("limit", {"expression": "sqrt(1 - 2*M/r)", "variable": "r",
                            "point": "$s3[0].r"}))
PHOTON = _steps(("differentiate", {"expression": "(1 - 2*M/r)/r^2", "variable": "r"}),
                ("solve", {"equations": ["$s1 = 0"], "variables": ["r"]}))
AT_PHOTON = _steps(*[(s["tool"], s["args"]) for s in PHOTON["steps"]],
                   ("limit", {"expression": "r/sqrt(1 - 2*M/r)", "variable": "r",
                              "point": "$s2[0]"}))
HORIZON = _steps(("solve", {"equations": ["1 - 2*M/r = 0"], "variables": ["r"]}))
KRETSCHMANN = _plan("schwarzschild", "kretschmann")
LITERATURE = _steps(("search_literature", {"query": "de Sitter space"}))


@pytest.mark.parametrize("question, fits, misfits", [
    # a slip of the keyboard in the word that says what is asked
    ("Given f = 1 - 2M/r, what is the horrizon radius?", [HORIZON], [KRETSCHMANN]),
    ("Find the srface gravity of f = 1 - 2M/r", [], [HORIZON]),
    # names written as subscripts: r_ISCO, r_ph, b_c
    ("Derive r_ISCO from the effective potential V = (1 - 2M/r)(1 + L^2/r^2)", [ISCO],
     [EXTREMA, AT_ISCO]),
    ("compute r_ph for f(r) = 1 - 2M/r, M = 3", [PHOTON], [HORIZON]),
    ("Derive b_c from the photon sphere of f = 1 - 2M/r", [AT_PHOTON], [PHOTON]),
    # a value where a radius is found: at the photon orbit, at the ISCO found first
    ("How slow do clocks of a hovering observer run, sqrt(1 - 2M/r), at the unstable photon "
     "orbit of Schwarzschild?", [AT_PHOTON], [PHOTON]),
    ("Locate the ISCO of Schwarzschild, then evaluate sqrt(1 - 2M/r) there", [AT_ISCO], [ISCO]),
    ("Where is the innermost stable circular orbit of Schwarzschild?", [ISCO], [AT_ISCO]),
])
def test_the_example_shown_takes_the_steps_the_question_asks_for(question, fits, misfits):
    from agent.relevance import shaped_for
    assert all(shaped_for(question, p) for p in fits)
    assert not any(shaped_for(question, p) for p in misfits)


def test_a_question_for_the_literature_is_shown_a_search_and_a_computation_a_computation():
    from agent.relevance import shaped_for
    hubble = _steps(("curvature", {"metric": "de_sitter", "quantity": "einstein",
                                   "component": "t,t"}),
                    ("solve", {"equations": ["$s1 = 3"], "variables": ["H"]}))
    for question in ("Explain de Sitter space to me", "How come an accelerated observer sees "
                     "a horizon?", "What is the Reissner-Nordstrom solution?"):
        assert shaped_for(question, LITERATURE) and not shaped_for(question, hubble), question
    # a follow-up that asks for a curvature quantity is computed, though it names no spacetime
    assert not shaped_for("and what about its square of the Weyl tensor?", LITERATURE)
    assert shaped_for("and what about its square of the Weyl tensor?",
                      _plan("kerr", "weyl_squared"))
    # "explain" with a computation in it may be computed
    assert shaped_for("Explain how to compute the ISCO of Schwarzschild, V = (1 - 2M/r)"
                      "(1 + L^2/r^2)", ISCO)


def test_a_parameter_asked_for_is_solved_for():
    from agent.relevance import shaped_for
    question = ("For ds^2 = -dt^2 + t^(2p)(dx^2 + dy^2 + dz^2) filled with dust, which exponent "
                "p solves the Einstein equations?")
    einstein = _steps(("curvature", {"metric": "ds^2 = -dt^2 + t^(2*p)*(dx^2 + dy^2 + dz^2)",
                                     "quantity": "einstein", "component": "t,t"}))
    solved = _steps(*[(s["tool"], s["args"]) for s in einstein["steps"]],
                    ("solve", {"equations": ["$s1 = 8*pi*t^(-3*p)"], "variables": ["p"]}))
    assert shaped_for(question, solved) and not shaped_for(question, einstein)


def test_an_initial_value_problem_with_no_interval_is_shown_one_solved_in_closed_form():
    """y'' + 4y = 0 with data at t = 0 and no interval: a grid needs an interval the question
    does not give, the closed form is what it asks for; with an interval, either."""
    from agent.relevance import shaped_for
    numeric = _steps(("solve_pde", {"spec": {
        "unknowns": ["y"], "variables": {"t": [0, 4]}, "equations": ["y'' + 4*y = 0"],
        "conditions": [{"kind": "initial", "value": "1"},
                       {"kind": "initial", "derivative": 1, "value": "0"}]}}))
    closed = _steps(("dsolve", {"equation": "y'' + 4*y = 0", "function": "y", "variable": "t",
                                "conditions": {"y(0)": "1", "y'(0)": "0"}}))
    question = "Which function y(t) obeys y'' + 4y = 0 with y(0) = 1 and y'(0) = 0?"
    assert shaped_for(question, closed) and not shaped_for(question, numeric)
    assert shaped_for(question.replace("?", " for 0 < t < 4?"), numeric)
