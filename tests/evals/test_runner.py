"""The eval runner end to end: real workers, real tools, reports, resume, time limits, CLI."""

import json
import subprocess
import sys

import pytest

from evals.report import compare, load_report
from evals.runner import EvalError, run_eval
from evals.tasks import load_tasks


def plan(tool, **args):
    return {"steps": [{"id": "s1", "tool": tool, "args": args}], "final": "s1"}


TASKS = [
    # Kretschmann of Schwarzschild 48 M^2/r^6 (Carroll 5.95)
    {"id": "k", "suite": "gr", "question": "Kretschmann scalar of Schwarzschild?",
     "expect": {"kind": "expr", "value": "48*M**2/r**6",
                "assumptions": {"M": "positive", "r": "positive"}},
     "plan": plan("curvature", metric="schwarzschild", quantity="kretschmann")},
    # a wrong expectation (de Sitter has R = +12/l^2): the tools say verified, so the report
    # must count it verified-and-wrong
    {"id": "sign", "suite": "gr", "question": "Ricci scalar of de Sitter",
     "expect": {"kind": "expr", "value": "-12/l**2"},
     "plan": plan("curvature", metric="de_sitter", quantity="ricci_scalar")},
    {"id": "flat", "suite": "gr", "question": "Is Kerr Ricci-flat?",
     "expect": {"kind": "bool", "value": True},
     "plan": plan("curvature", metric="kerr", quantity="ricci_flat")},
    # heat equation: exp(-0.4 pi^2 t) sin(pi x) by separation of variables
    {"id": "heat", "suite": "pde", "question": "u_t = 0.4 u_xx, u(x,0) = sin(pi x)",
     "expect": {"kind": "field", "exact": "exp(-0.4*pi**2*t)*sin(pi*x)",
                "variables": ["x", "t"], "domain": {"x": [0, 1], "t": [0, 1]},
                "max_l2re": 1e-3},
     "plan": plan("solve_pde", spec={
         "variables": {"x": [0, 1], "t": [0, 1]}, "time": "t", "equations": ["u_t = 0.4*u_xx"],
         "conditions": [{"kind": "dirichlet", "on": "boundary"},
                        {"kind": "initial", "value": "sin(pi*x)"}]})},
    {"id": "noplan", "suite": "gr", "question": "R of a 2-sphere",
     "expect": {"kind": "expr", "value": "2/a**2"}},
]


@pytest.fixture
def task_file(tmp_path):
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in TASKS) + "\n")
    return path


def test_oracle_run_writes_the_report_and_counts_verified_wrong(task_file, tmp_path):
    out = tmp_path / "run"
    report = run_eval(load_tasks(task_file), out, mode="oracle", workers=2, progress=False,
                      source=str(task_file))
    assert report["n_tasks"] == 4 and report["skipped"] == ["noplan"]
    assert report["n_correct"] == 3 and report["accuracy"] == 0.75
    assert report["verified_wrong"] == 1
    assert report["suites"]["gr"] == {**report["suites"]["gr"], "n": 3, "correct": 2}
    assert report["suites"]["pde"]["correct"] == 1
    tasks = {t["id"]: t for t in report["tasks"]}
    assert set(tasks["k"]) >= {"id", "correct", "verified", "seconds", "error"}
    assert tasks["sign"]["verified"] and not tasks["sign"]["correct"]
    assert 0 < tasks["sign"]["credit"] < 0.6                 # one sign from right
    on_disk = load_report(out)
    assert on_disk["n_correct"] == 3
    for name in ("report.md", "accuracy.png", "seconds.png", "results.jsonl"):
        assert (out / name).stat().st_size > 0
    assert "VERIFIED BUT WRONG" in (out / "report.md").read_text()


def test_an_interrupted_run_resumes_and_a_different_run_is_refused(task_file, tmp_path):
    out = tmp_path / "run"
    tasks = load_tasks(task_file)
    run_eval(tasks[:1], out, mode="oracle", progress=False, source="x")
    with (out / "results.jsonl").open("a") as f:
        f.write('{"id": "flat", "suite": "gr", "corr')             # cut off mid-line
    first = (out / "results.jsonl").read_text().splitlines()[0]
    report = run_eval(tasks[:3], out, mode="oracle", progress=False, source="x")
    assert [t["id"] for t in report["tasks"]] == ["k", "sign", "flat"]
    lines = (out / "results.jsonl").read_text().splitlines()
    assert lines[0] == first                                     # k was not run again
    assert sum('"id": "flat"' in line and line.endswith("}") for line in lines) == 1
    with pytest.raises(EvalError, match="another run"):
        run_eval(tasks[:3], out, mode="planner", progress=False, source="x")


def test_a_run_stops_when_its_rule_says_and_resumes_without_it(task_file, tmp_path):
    by_id = {t.id: t for t in load_tasks(task_file)}
    tasks = [by_id["sign"], by_id["k"], by_id["flat"]]      # the verified-but-wrong one first

    def stop(results):
        lies = [r["id"] for r in results if r["verified"] and not r["correct"]]
        return f"{lies[0]} is verified but wrong" if lies else None
    out = tmp_path / "run"
    report = run_eval(tasks, out, mode="oracle", progress=False, stop=stop)
    assert report["stopped"] == "sign is verified but wrong"
    assert [t["id"] for t in report["tasks"]] == ["sign"] and report["n_tasks"] == 1
    assert "Stopped early: sign is verified but wrong" in (out / "report.md").read_text()
    again = run_eval(tasks, out, mode="oracle", progress=False, stop=stop)   # still decided
    assert again["stopped"] and len((out / "results.jsonl").read_text().splitlines()) == 1
    whole = run_eval(tasks, out, mode="oracle", progress=False)
    assert "stopped" not in whole and [t["id"] for t in whole["tasks"]] == ["sign", "k", "flat"]
    assert whole["n_correct"] == 2


def test_a_task_past_its_time_limit_is_an_error_and_the_run_goes_on(tmp_path):
    slow = {"id": "slow", "suite": "pde", "question": "train a PINN",
            "expect": {"kind": "field", "exact": "exp(-0.4*pi**2*t)*sin(pi*x)",
                       "variables": ["x", "t"], "domain": {"x": [0, 1], "t": [0, 1]}},
            "plan": plan("solve_pde", problem="heat", method="pinn")}
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(slow) + "\n" + json.dumps(TASKS[0]) + "\n")
    report = run_eval(load_tasks(path), tmp_path / "run", mode="oracle", time_limit=20,
                      progress=False)
    tasks = {t["id"]: t for t in report["tasks"]}
    assert tasks["slow"]["status"] == "error" and "time limit" in tasks["slow"]["error"]
    assert tasks["k"]["correct"]                                # a fresh worker took over


def test_the_command_line_runs_and_compares(task_file, tmp_path):
    geodesic = [sys.executable, "-m", "agent.cli"]
    out = tmp_path / "cli"
    done = subprocess.run([*geodesic, "eval", "--tasks", str(task_file), "--planner", "oracle",
                           "--ids", "k,flat", "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "2/2" in done.stdout and (out / "report.json").exists()
    bad = subprocess.run([*geodesic, "eval", "--tasks", str(tmp_path / "nope.jsonl"),
                          "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert bad.returncode == 2 and "no task file or suite" in bad.stderr
    compared = subprocess.run([*geodesic, "eval", "compare", str(out), str(out)],
                              capture_output=True, text=True, timeout=600)
    assert compared.returncode == 0 and "+0.0 pt" in compared.stdout


def test_compare_names_the_tasks_that_changed():
    def report(label, correct):
        tasks = [{"id": i, "suite": "gr", "correct": c} for i, c in correct.items()]
        n = len(tasks)
        k = sum(correct.values())
        return {"label": label, "n_tasks": n, "n_correct": k, "accuracy": k / n,
                "verified_wrong": 0, "tasks": tasks,
                "suites": {"gr": {"n": n, "correct": k, "accuracy": k / n}}}
    text = compare(report("base", {"a": True, "b": False, "c": False}),
                   report("tuned", {"a": True, "b": True, "c": False}))
    assert "correct only in B (1): b" in text and "+33.3 pt" in text


@pytest.mark.slow
def test_the_language_model_planner_is_scored_like_any_other(task_file, tmp_path):
    """One task through the real in-process planner (the base model, no replans): whatever
    it plans, the result is scored and recorded like the oracle's. Kerr is a vacuum
    solution (Kerr 1963), so the answer is correct exactly when it is a yes."""
    report = run_eval(load_tasks(task_file)[2:3], tmp_path / "run", mode="planner",
                      settings={"max_replans": 0, "adapter": "none"}, progress=False)
    task = report["tasks"][0]
    assert task["id"] == "flat" and task["status"] in ("verified", "unverified", "refused")
    assert task["correct"] == (task["final"] == {"kind": "bool", "value": True})
    assert report["verified_wrong"] == int(task["verified"] and not task["correct"])
    assert task["seconds"] > 0 and (tmp_path / "run" / "report.md").exists()
