"""Answers as chat messages, the live progress of a turn, and the chat page's configuration
(LaTeX delimiters, tool calls as collapsible messages), without a browser."""

import gradio as gr
import pytest

from agent import Agent
from agent.answer import Answer, Final, StepRecord
from agent.config import Settings
from agent.verify import Check
from ui.chat import Progress, build_chat
from ui.messages import LATEX_DELIMITERS, answer_markdown, turn_messages, user_message
from ui.metrics import Metrics

PLAN = {"steps": [{"id": "s1", "tool": "curvature",
                   "args": {"metric": "schwarzschild", "quantity": "kretschmann"}}],
        "final": "s1"}


def kretschmann(verified=True, figures=()):
    step = StepRecord(id="s1", tool="curvature", args=PLAN["steps"][0]["args"], ok=True,
                      value="48*M**2/r**6", latex="\\frac{48 M^{2}}{r^{6}}", seconds=0.25)
    check = Check(name="kretschmann agrees with an independent numeric computation",
                  passed=verified, detail="relative difference 1e-19", step="s1")
    return Answer(question="K of Schwarzschild", final=Final(kind="expr", value="48*M**2/r**6"),
                  verified=verified, status="verified" if verified else "unverified",
                  reason="" if verified else "s1: check 'kretschmann agrees' failed ($s1)",
                  checks=[check], steps=[step], plan=PLAN, latex=step.latex,
                  figures=list(figures), citations=["MTW (31.8)"],
                  conventions="signature (-,+,+,+)", trace_id="f" * 32, thread_id="t")


def test_a_verified_answer_lists_its_checks_and_renders_its_latex():
    text = answer_markdown(kretschmann())
    assert text.startswith("✅ **Verified**: 1 independent check(s) passed")
    assert "- ✓ kretschmann agrees with an independent numeric computation (s1)" in text
    assert "$$\\frac{48 M^{2}}{r^{6}}$$" in text
    assert "**Sources**\n- MTW (31.8)" in text and f"trace {'f' * 32}" in text


def test_an_unverified_answer_warns_and_quotes_the_reason_verbatim():
    text = answer_markdown(kretschmann(verified=False))
    assert text.startswith("⚠️ **Not verified**")
    # the reason is quoted verbatim, its "$s1" an entity that Gradio's LaTeX search skips
    assert ("<pre><code>s1: check &#x27;kretschmann agrees&#x27; failed (&#36;s1)</code></pre>"
            in text)
    assert "Failed checks:\n- ✗ kretschmann agrees" in text
    assert "$" not in text.replace("$$\\frac{48 M^{2}}{r^{6}}$$", "")
    refused = Answer(question="q", final=Final(kind="text", value="No valid plan"),
                     verified=False, status="refused", reason="invalid plan: no JSON",
                     trace_id="e" * 32)
    assert answer_markdown(refused).startswith("⛔ **No answer**\n\n<pre><code>invalid plan")


def test_a_field_answer_uses_inline_latex():
    final = Final(kind="field", value={"method": "classical", "solver": "method_of_lines",
                                       "error_estimate": 1.47e-7,
                                       "error_basis": "exact solution"},
                  variables=["x", "t"], unknowns=["u"], domain={"x": (0, 1), "t": (0, 2)})
    ans = Answer(question="heat", final=final, verified=True, status="verified",
                 trace_id="d" * 32)
    assert ("A numerical solution $u(x, t)$ on $x \\in [0, 1]$, $t \\in [0, 2]$, by classical "
            "(method_of_lines); relative $L^2$ error estimate $1.47 \\times 10^{-7}$ against "
            "the exact solution.") in answer_markdown(ans)


def test_a_turn_is_plan_tool_calls_answer_and_figures(tmp_path):
    png = tmp_path / "solution.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    messages = turn_messages(kretschmann(figures=[str(png), str(tmp_path / "gone.png")]))
    plan, step, answer, figure = messages                   # a missing figure is left out
    assert plan["metadata"] == {"title": "📝 Plan", "status": "done"}
    assert step["metadata"] == {"title": "🔧 s1 · curvature", "status": "done",
                                "duration": 0.25, "log": "ok"}
    assert "&quot;metric&quot;: &quot;schwarzschild&quot;" in step["content"]
    assert "48*M**2/r**6" in step["content"]
    assert "✓ kretschmann agrees" in step["content"]
    assert "metadata" not in answer and answer["content"].startswith("✅")
    assert figure["content"] == {"path": str(png), "alt_text": "solution.png"}


def test_a_question_keeps_its_latex_and_its_products():
    assert user_message("K = R_{abcd} R^{abcd} = $R_{abcd}R^{abcd}$ for 2*M/r")["content"] == \
        "K = R_{abcd} R^{abcd} = $R_{abcd}R^{abcd}$ for 2\\*M/r"


def test_progress_shows_what_is_done_and_what_runs_now():
    live = Progress(retrieving=False, pinn_seconds=60, tool_timeout=300)
    assert [m["metadata"]["status"] for m in live.messages()] == ["pending"]
    assert live.messages()[-1]["metadata"]["title"] == "📝 Planning"
    live.update({"event": "node", "node": "retrieve", "passages": 0})      # retrieval is off
    live.update({"event": "node", "node": "plan", "attempt": 1, "plan": PLAN, "problems": []})
    live.update({"event": "step", "status": "running", "id": "s1", "tool": "solve_pde"})
    pending = live.messages()[-1]["metadata"]
    assert pending["title"] == "🔧 s1 · solve_pde" and pending["status"] == "pending"
    assert pending["log"].endswith("s of at most 60 s")                   # the PINN budget
    live.update({"event": "step", "status": "failed", "id": "s1", "tool": "solve_pde",
                 "seconds": 61.0, "error": "solve_pde ran out of time after 60 s"})
    done = [m["metadata"] for m in live.messages()[:-1]]
    assert [d["title"] for d in done] == ["📝 Plan (attempt 1)", "🔧 s1 · solve_pde"]
    assert done[1] == {"title": "🔧 s1 · solve_pde", "status": "done", "duration": 61.0,
                       "log": "failed"}


@pytest.fixture
def page(tmp_path):
    settings = Settings(checkpoints=str(tmp_path / "c.sqlite"), retrieve_k=0,
                        feedback=str(tmp_path / "f.sqlite"))
    with Agent(settings) as agent:
        yield build_chat(agent, Metrics())


def test_the_chat_renders_both_latex_delimiters_and_rates_answers(page):
    assert page.analytics_enabled is False             # no telemetry, no version check
    chatbot = next(b for b in page.blocks.values() if isinstance(b, gr.Chatbot))
    assert chatbot.latex_delimiters == LATEX_DELIMITERS
    assert {"left": "$", "right": "$", "display": False} in chatbot.latex_delimiters
    assert {"left": "$$", "right": "$$", "display": True} in chatbot.latex_delimiters
    assert chatbot.feedback_options == ["Like", "Dislike"]
    labels = {getattr(b, "label", None) for b in page.blocks.values()}
    assert {"Planner backend", "PINN budget (s)", "Search the knowledge base",
            "Add to the knowledge base", "Correction (optional)"} <= labels
