r"""An ``Answer`` as chat messages (Gradio's message dicts): what the user reads.

A turn is the question, then one collapsible message per thing the agent did (the plan,
each tool call with its duration and outcome), then the answer: a badge saying whether it
was verified (listing the checks) or why not, the value in LaTeX, the derivation, the
conventions and the citations, then its figures inline. The same rendering serves a live
answer and a conversation reopened after a restart, so both look alike.

LaTeX is written between ``$$ ... $$`` (display) or ``$ ... $`` (inline), the delimiters
the chat is configured with (``LATEX_DELIMITERS``); KaTeX renders it in the page. Gradio finds
LaTeX by looking for a delimiter anywhere in a message's source, Markdown code blocks
included, so text that is not LaTeX but may hold a ``$`` (plans refer to steps as ``$s1``)
is written as HTML ``<pre><code>`` or ``<code>`` with the ``$`` as an entity: the source
then holds no delimiter, and KaTeX leaves ``pre`` and ``code`` alone in the page.

>>> from agent.answer import Answer, Final
>>> ans = Answer(question="q", final=Final(kind="expr", value="48*M**2/r**6"), verified=True,
...              status="verified", latex="\\frac{48 M^{2}}{r^{6}}", trace_id="t" * 32)
>>> answer_markdown(ans).splitlines()[0]
'✅ **Verified** (no checks listed)'
>>> "$$\\frac{48 M^{2}}{r^{6}}$$" in answer_markdown(ans)
True
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from agent.answer import Answer, StepRecord

LATEX_DELIMITERS = [{"left": "$$", "right": "$$", "display": True},
                    {"left": "$", "right": "$", "display": False}]
MATH = re.compile(r"(\$\$.+?\$\$|\$[^$]+?\$)", re.S)
SHOWN = 1500                    # characters of a value or argument shown in a tool call


def user_message(question: str) -> dict:
    """The question as typed: its ``$...$`` rendered, a ``*`` outside them a product (not
    Markdown emphasis)."""
    parts = MATH.split(question)
    return {"role": "user", "content": "".join(
        part if MATH.fullmatch(part) else part.replace("*", "\\*") for part in parts)}


def turn_messages(answer: Answer) -> list[dict]:
    """The assistant's side of a turn: the plan, the tool calls, the answer, its figures."""
    messages = []
    if answer.plan is not None:
        messages.append(thought("📝 Plan", code_block(json.dumps(answer.plan, indent=1))))
    for step in answer.steps:
        messages.append(step_message(step, answer))
    messages.append({"role": "assistant", "content": answer_markdown(answer)})
    for figure in answer.figures:
        if Path(figure).is_file():
            messages.append({"role": "assistant",
                             "content": {"path": figure, "alt_text": Path(figure).name}})
    return messages


def thought(title: str, content: str, *, status: str = "done", duration: float | None = None,
            log: str | None = None) -> dict:
    """A collapsible message (Gradio's message metadata): a spinner while ``pending``."""
    metadata: dict[str, Any] = {"title": title, "status": status}
    if duration is not None:
        metadata["duration"] = round(float(duration), 2)
    if log:
        metadata["log"] = log
    return {"role": "assistant", "content": content, "metadata": metadata}


def step_message(step: StepRecord, answer: Answer) -> dict:
    """One tool call: its arguments, its result or error, and the checks of its result."""
    arguments = json.dumps(step.args, indent=1, default=str)
    parts = ["Arguments:", code_block(_shorten(arguments))]
    if step.ok:
        value = step.value if isinstance(step.value, str) else \
            json.dumps(step.value, indent=1, default=str)
        parts += ["Result:", code_block(_shorten(value))]
    else:
        parts += ["Error:", code_block(_shorten(step.error or "failed"))]
    checks = [c for c in answer.checks if c.step == step.id]
    parts += [f"- {'✓' if c.passed else '✗'} {prose(c.name)}"
              + (f" — {prose(c.detail)}" if c.detail else "") for c in checks]
    outcome = ("cached" if step.cached else "ok") if step.ok else "failed"
    return thought(f"🔧 {step.id} · {step.tool}", "\n\n".join(parts), duration=step.seconds,
                   log=outcome)


def answer_markdown(answer: Answer) -> str:
    """The answer itself: badge and checks, value, derivation, conventions, citations."""
    lines = [_badge(answer), "", _value(answer), ""]
    if answer.text:
        lines += ["<details><summary>Derivation</summary>", "", code_block(answer.text), "",
                  "</details>", ""]
    if answer.conventions:
        lines += [f"*Conventions:* {prose(answer.conventions)}", ""]
    if answer.citations:
        lines += ["**Sources**", *[f"- {prose(c)}" for c in answer.citations], ""]
    lines.append(f"<sub>trace {answer.trace_id}</sub>")
    return "\n".join(lines)


def _badge(answer: Answer) -> str:
    if answer.verified:
        if not answer.checks:
            return "✅ **Verified** (no checks listed)"
        passed = "\n".join(f"- ✓ {prose(c.name)}" + (f" ({c.step})" if c.step else "")
                           for c in answer.checks)
        return f"✅ **Verified**: {len(answer.checks)} independent check(s) passed\n\n{passed}"
    if answer.status == "refused":
        return f"⛔ **No answer**\n\n{code_block(answer.reason)}"
    failed = [c for c in answer.checks if not c.passed and not c.name.endswith(" ran")]
    listed = "\n".join(f"- ✗ {prose(c.name)}" for c in failed)
    return (f"⚠️ **Not verified**\n\n{code_block(answer.reason)}"
            + (f"\n\nFailed checks:\n{listed}" if listed else ""))


def _value(answer: Answer) -> str:
    final = answer.final
    if final.kind == "bool":
        return f"**{'Yes' if final.value else 'No'}**"
    if final.kind == "field":
        info = final.value if isinstance(final.value, dict) else {}
        estimate = info.get("error_estimate")
        error = "n/a" if estimate is None else f"${_scientific(estimate)}$"
        unknowns = ", ".join(_symbol(u) for u in final.unknowns) or "u"
        variables = ", ".join(_symbol(v) for v in final.variables)
        domain = ", ".join(f"${_symbol(v)} \\in [{lo:g}, {hi:g}]$"
                           for v, (lo, hi) in final.domain.items())
        return (f"A numerical solution ${unknowns}({variables})$ on {domain}, by "
                f"{info.get('method', '?')} ({info.get('solver', '?')}); relative $L^2$ "
                f"error estimate {error} against the {info.get('error_basis') or 'reference'}.")
    if answer.latex:
        number = f" \\approx {final.value:.10g}" if final.kind == "number" else ""
        return f"$${answer.latex.strip()}{number}$$"
    if final.kind == "text" and _final_tool(answer) == "search_literature":
        return str(final.value)                 # quoted passages: Markdown with their LaTeX
    if not answer.verified and any(not s.ok and s.error == final.value for s in answer.steps):
        return ""                               # the error, already shown with the badge
    return code_block(str(final.value))


def _final_tool(answer: Answer) -> str | None:
    final = (answer.plan or {}).get("final")
    return next((s.tool for s in answer.steps if s.id == final), None)


def _symbol(name: str) -> str:
    r"""A variable's name in LaTeX: ``x`` as is, ``r_star`` upright.

    >>> _symbol("x"), _symbol("r_star")
    ('x', '\\mathrm{r\\_star}')
    """
    return name if len(name) == 1 else "\\mathrm{" + name.replace("_", "\\_") + "}"


def _scientific(x: float) -> str:
    r"""``1.47 \times 10^{-7}`` for 1.47e-07."""
    mantissa, _, exponent = f"{x:.2e}".partition("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def code_block(text: str) -> str:
    """Text shown verbatim, never read as Markdown or LaTeX.

    >>> code_block('{"equations": ["$s1 = 0"]}')
    '<pre><code>{&quot;equations&quot;: [&quot;&#36;s1 = 0&quot;]}</code></pre>'
    """
    return f"<pre><code>{_escape(text)}</code></pre>"


def prose(text: str) -> str:
    """A line of tool output in running text: as code when it holds a ``$``."""
    return f"<code>{_escape(text)}</code>" if "$" in text else html.escape(text, quote=False)


def _escape(text: str) -> str:
    return html.escape(text).replace("$", "&#36;")


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + " ..."
