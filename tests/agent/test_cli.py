"""The ``geodesic`` command line, run as a user runs it: a subprocess."""

import json
import os
import subprocess
import sys

import pytest

from agent import Answer


def geodesic(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_curvature_of_a_catalogue_metric_as_json():
    out = geodesic("curvature", "schwarzschild", "-q", "kretschmann", "-q", "ricci_flat", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["coords"] == ["t", "r", "theta", "phi"]
    assert data["results"]["kretschmann"]["value"] == "48*M**2/r**6"      # textbook value
    assert data["results"]["ricci_flat"]["value"] is True


def test_curvature_of_a_line_element():
    out = geodesic("curvature", "ds^2 = a^2 (dtheta^2 + sin^2 theta dphi^2)", "-q", "ricci_scalar")
    assert out.returncode == 0, out.stderr
    assert "Ricci scalar: 2/a**2" in out.stdout


def test_bad_input_is_a_clear_error_not_a_traceback():
    out = geodesic("curvature", "ds^2 = -dt^2 + __import__('os') dx^2", "-q", "ricci_scalar")
    assert out.returncode == 2
    assert "error" in out.stderr and "Traceback" not in out.stderr


def test_interactive_shell():
    out = geodesic("shell", stdin="kerr\nricci_flat\nnot a quantity ((\nquit\n")
    assert out.returncode == 0, out.stderr
    assert "Ricci-flat (vacuum): yes" in out.stdout
    assert "error:" in out.stdout


def test_pde_library_problem_solved_classically_as_json(tmp_path):
    png = tmp_path / "burgers.png"
    out = geodesic("pde", "burgers", "--method", "classical", "--json", "--plot", str(png))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["method"] == "classical" and data["metrics"]["solver"] == "method_of_lines"
    assert data["metrics"]["error_basis"] == "reference solution"   # Cole-Hopf
    assert data["error_estimate"] < 2e-3
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_pde_list_and_unknown_problem():
    out = geodesic("pde", "--list")
    assert out.returncode == 0 and "burgers" in out.stdout and "regge_wheeler" in out.stdout
    out = geodesic("pde", "burger")
    assert out.returncode == 2 and "burgers" in out.stderr and "Traceback" not in out.stderr


def test_ask_refuses_an_empty_question_cleanly():
    out = geodesic("ask", "  ")
    assert out.returncode == 2
    assert "geodesic: error: the question is empty" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.slow
def test_ask_with_the_planner_in_a_thread_across_processes(tmp_path):
    """The real in-process planner (Gemma 3 270M with the project's adapter): whatever it plans, the
    answer is well-formed and honest, progress is streamed, and the thread persists."""
    env = {**os.environ, "GEODESIC_CHECKPOINTS": str(tmp_path / "c.sqlite")}
    answers = []
    for question in ("Is the Kerr metric Ricci-flat?", "now the same for Reissner-Nordstrom"):
        out = subprocess.run([sys.executable, "-m", "agent.cli", "ask", question, "--json",
                              "--thread", "cli-thread"], capture_output=True, text=True,
                             timeout=900, env=env)
        assert out.returncode in (0, 1), out.stderr[-3000:]
        assert "plan (attempt 1)" in out.stderr and "Traceback" not in out.stderr
        answer = Answer.model_validate_json(out.stdout)
        assert answer.thread_id == "cli-thread"
        assert answer.verified == (answer.status == "verified")
        if answer.verified:
            assert answer.checks and all(c.passed for c in answer.checks)
        else:
            assert answer.reason
        answers.append(answer)
    from agent import Agent
    from agent.config import Settings
    with Agent(Settings(checkpoints=env["GEODESIC_CHECKPOINTS"])) as agent:
        history = agent.history("cli-thread")
    assert [h["question"] for h in history] == ["Is the Kerr metric Ricci-flat?",
                                                "now the same for Reissner-Nordstrom"]
    assert [h["trace_id"] for h in history] == [a.trace_id for a in answers]
