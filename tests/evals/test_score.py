"""Every scorer with equivalent and non-equivalent forms, and hostile or broken task files.

Expected values here are textbook identities, not outputs of our tools."""

import json

import numpy as np
import pytest

from agent.answer import Final
from evals.score import equivalent, score, split_list, tree_distance
from evals.tasks import Task, TaskError, load_tasks


def expr(value, answer, **expect):
    return score({"kind": "expr", "value": value, **expect}, {"kind": "expr", "value": answer})


@pytest.mark.parametrize("value, answer, expect", [
    ("M*(r - 2*M)/r**3", "M/r**2 - 2*M**2/r**3", {}),                        # factored/expanded
    ("(x + 1)**3", "x**3 + 3*x**2 + 3*x + 1", {}),
    ("1", "sin(theta)**2 + cos(theta)**2", {}),                                # trig identities
    ("sin(2*x)", "2*sin(x)*cos(x)", {}),
    ("1/cos(x)**2", "1 + tan(x)**2", {}),
    ("cosh(x)**2 - sinh(x)**2", "1", {}),
    ("r", "sqrt(r**2)", {"assumptions": {"r": "positive"}}),                   # assumptions
    ("-r", "sqrt(r**2)", {"assumptions": {"r": "negative"}}),
    ("3*Derivative(a(t), t)**2/a(t)**2", "3*(Derivative(a(t), t)/a(t))**2",   # functions of t
     {"functions": ["a"]}),
    ("Derivative(a(t)**2, t)", "2*a(t)*Derivative(a(t), t)", {"functions": ["a"]}),
    ("-2*a(t)*Derivative(a(t), (t, 2)) - Derivative(a(t), t)**2",
     "-(2*a(t)*Derivative(a(t), t, t) + Derivative(a(t), t)**2)", {"functions": ["a"]}),
    ("exp(1)", "E", {}),                                                       # SymPy's E
    ("[M - sqrt(M**2 - a**2), M + sqrt(M**2 - a**2)]",                          # unordered roots
     "[M + sqrt(-a**2 + M**2), M - sqrt(M**2 - a**2)]", {}),
    ("log(x*y)", "log(x) + log(y)", {"assumptions": {"x": "positive", "y": "positive"}}),
    ("0.1*pi**2", "0.98696044010893586188/1", {}),                            # floats
])
def test_equivalent_forms_score_correct(value, answer, expect):
    result = expr(value, answer, **expect)
    assert result.correct, result.detail
    assert result.credit == 1.0


@pytest.mark.parametrize("value, answer, expect", [
    ("2/a**2", "-2/a**2", {}),                              # the sign convention of R
    ("48*M**2/r**6", "48*M**2/r**5", {}),
    ("sin(2*x)", "2*sin(x)", {}),
    ("r", "sqrt(r**2)", {}),                                # r real: |r| is not r
    ("3*Derivative(a(t), t)**2/a(t)**2", "3*Derivative(a(t), t)/a(t)", {"functions": ["a"]}),
    ("Derivative(a(t), (t, 2))", "Derivative(a(t), t)", {"functions": ["a"]}),
    ("[2*M]", "[2*M, -2*M]", {}),                           # an extra root is wrong
    ("[M - sqrt(M**2 - a**2), M + sqrt(M**2 - a**2)]", "[M + sqrt(M**2 - a**2), M]", {}),
    ("x + 1e-9", "x", {}),                                 # close is not equal
])
def test_different_forms_score_wrong(value, answer, expect):
    result = expr(value, answer, **expect)
    assert not result.correct
    assert 0.0 <= result.credit <= 0.6


def test_partial_credit_falls_with_the_distance():
    near = expr("48*M**2/r**6", "48*M**2/r**5").credit
    far = expr("48*M**2/r**6", "2*M/r").credit
    assert near > far >= 0.0
    assert tree_distance(("a", []), ("a", [])) == 0
    assert tree_distance(("Add", [("x", []), ("y", [])]), ("y", [])) == 2


def test_a_number_answer_scores_against_an_expression_and_a_number():
    final = Final.from_step("simplify", {"ok": True, "value": "6*sqrt(2)"})
    assert final.kind == "number"
    assert score({"kind": "expr", "value": "sqrt(72)"}, final).correct
    assert score({"kind": "number", "value": 8.485281374, "rel_tol": 1e-9}, final).correct
    assert not score({"kind": "number", "value": 8.49, "rel_tol": 1e-6}, final).correct
    assert score({"kind": "number", "value": 0, "abs_tol": 1e-12},
                 {"kind": "number", "value": 1e-15}).correct
    wrong = score({"kind": "number", "value": 6}, {"kind": "expr", "value": "6*M"})
    assert not wrong.correct and "symbols" in wrong.detail


def test_kinds_that_do_not_match_are_wrong_not_errors():
    assert not score({"kind": "expr", "value": "x"}, {"kind": "bool", "value": True}).correct
    assert not score({"kind": "bool", "value": True}, {"kind": "expr", "value": "1"}).correct
    assert score({"kind": "bool", "value": False}, {"kind": "bool", "value": False}).correct
    assert not score({"kind": "bool", "value": True}, {"kind": "bool", "value": False}).correct
    assert not score({"kind": "expr", "value": "x"}, None).correct


def test_text_needs_every_phrase_and_gives_a_share():
    expect = {"kind": "text", "must_include": ["Gibbons–Hawking", "1/(2 pi l)"]}
    assert score(expect, {"kind": "text", "value": "the gibbons-hawking\ntemperature "
                                                   "is 1/(2 pi   l)"}).correct
    half = score(expect, {"kind": "text", "value": "Gibbons-Hawking temperature"})
    assert not half.correct and half.credit == 0.5


def heat_field(tmp_path, diffusivity=0.1, shift=0.0):
    """A Final over x in [0, 1], t in [0, 1] holding exp(-D pi^2 t) sin(pi x) (+ shift),
    as solve_pde saves its solutions."""
    x, t = np.linspace(0, 1, 101), np.linspace(0, 1, 81)
    values = np.exp(-diffusivity * np.pi ** 2 * t)[None, :] * np.sin(np.pi * x)[:, None] + shift
    path = tmp_path / "u.npz"
    np.savez(path, axis_x=x, axis_t=t, values=values)
    return Final(kind="field", value={}, samples=str(path), variables=["x", "t"],
                 domain={"x": (0, 1), "t": (0, 1)}, unknowns=["u"])


def test_field_scores_the_relative_l2_error(tmp_path):
    expect = {"kind": "field", "exact": "exp(-0.1*pi**2*t)*sin(pi*x)", "variables": ["t", "x"],
              "domain": {"x": [0, 1], "t": [0, 1]}, "max_l2re": 1e-3}
    good = score(expect, heat_field(tmp_path))
    assert good.correct, good.detail
    wrong = score(expect, heat_field(tmp_path, diffusivity=0.2))
    assert not wrong.correct and "relative L2" in wrong.detail
    outside = dict(expect, domain={"x": [0, 2], "t": [0, 1]})
    assert not score(outside, heat_field(tmp_path)).correct
    assert not score(expect, {"kind": "expr", "value": "x"}).correct


def test_lists_split_at_top_level_commas_only():
    assert split_list("[f(x, y), 2]") == ["f(x, y)", "2"]
    assert split_list("x") is None


def test_equivalence_of_parsed_expressions_says_how():
    import sympy as sp
    x = sp.Symbol("x", real=True)
    assert equivalent(sp.sin(x) ** 2, 1 - sp.cos(x) ** 2)[1] == "exact"


# ------------------------------------------------------------------ task files
GOOD = {"id": "gr-1", "suite": "gr", "question": "Kretschmann scalar of Schwarzschild?",
        "expect": {"kind": "expr", "value": "48*M**2/r**6",
                   "assumptions": {"M": "positive", "r": "positive"}, "functions": []}}


def write(tmp_path, *rows):
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_a_file_in_the_design_format_loads(tmp_path):
    plan = {"steps": [{"id": "s1", "tool": "curvature",
                       "args": {"metric": "schwarzschild", "quantity": "kretschmann"}}],
            "final": "s1"}
    tasks = load_tasks(write(tmp_path, GOOD, dict(GOOD, id="gr-2", plan=plan), ""))
    assert [t.id for t in tasks] == ["gr-1", "gr-2"]
    assert tasks[1].plan.steps[0].tool == "curvature"


@pytest.mark.parametrize("row, message", [
    ("{not json", "line 1: not JSON"),
    ("[1, 2]", "a task is a JSON object"),
    (dict(GOOD, expect=dict(GOOD["expect"], value="__import__('os').system('rm -rf ~')")),
     "not a readable expression"),
    (dict(GOOD, expect=dict(GOOD["expect"], value="lambda: 1")), "not a readable"),
    (dict(GOOD, expect={"kind": "field", "exact": "exec('1')", "variables": ["x"],
                        "domain": {"x": [0, 1]}}), "not a readable expression"),
    (dict(GOOD, expect={"kind": "field", "exact": "sin(k*x)", "variables": ["x"],
                        "domain": {"x": [0, 1]}}), "uses k"),
    (dict(GOOD, expect={"kind": "field", "exact": "x", "variables": ["x"],
                        "domain": {"x": [1, 0]}}), "empty"),
    (dict(GOOD, expect=dict(GOOD["expect"], assumptions={"M": "posittive"})), "assumptions"),
    (dict(GOOD, expect=dict(GOOD["expect"], kind="matrix")), "expect"),
    (dict(GOOD, expect=dict(GOOD["expect"], tolerance=1)), "tolerance"),
    (dict(GOOD, answer="48"), "answer"),
    (dict(GOOD, question="   "), "blank"),
    (dict(GOOD, id="../../etc/passwd"), "id"),
])
def test_broken_and_hostile_tasks_are_refused_with_file_and_line(tmp_path, row, message):
    path = write(tmp_path, GOOD if isinstance(row, str) else dict(GOOD, id="ok"), row)
    with pytest.raises(TaskError) as err:
        load_tasks(path)
    assert f"{path}:2" in str(err.value) or "line 1" in message
    assert message.replace("line 1: ", "") in str(err.value)


def test_duplicate_ids_and_unknown_suites_are_refused(tmp_path):
    with pytest.raises(TaskError, match="already used"):
        load_tasks(write(tmp_path, GOOD, GOOD))
    with pytest.raises(TaskError, match="no task file or suite"):
        load_tasks("no-such-suite")


def test_the_shipped_suites_load_with_reference_plans():
    from evals.tasks import suite_names
    tasks = load_tasks("all")
    counts = {name: sum(t.suite == name for t in tasks) for name in suite_names()}
    assert counts["gr"] >= 60 and counts["pde"] >= 20 and counts["hybrid"] >= 10
    assert counts["retrieval"] >= 20
    assert all(t.plan is not None for t in tasks)
    assert all(t.source for t in tasks if t.suite != "retrieval")


def test_a_task_validates_its_plan():
    with pytest.raises(ValueError, match="not a step"):
        Task.model_validate(dict(GOOD, plan={"steps": [{"id": "s1", "tool": "t"}],
                                             "final": "s2"}))


def test_the_exact_check_budget_puts_an_outer_timer_back():
    """pytest-timeout (or any caller) arms SIGALRM too: a score in between must not disarm it."""
    import signal
    from evals.score import _deadline
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        with _deadline(5.0):
            pass
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < left <= 30.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired
