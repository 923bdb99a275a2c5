"""The planner's prompt, rendered from the templates and worked examples in ``prompts/``.

A general model gets ``planner.j2``: the tool catalogue, retrieved notes and the worked
examples closest in wording to the question (most similar last, next to the question), so
a small model sees the pattern it needs right before it writes. The fine-tuned planner gets
``tuned.j2``: only the conversation in Gemma's chat turns, the question last, because it has
learnt the tools, and, when its adapter carries solved examples (``examples.py``), the one
nearest to the question with its plan; its plans are written as :func:`plan_text` writes
them in training.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import jinja2

from ..registry import Registry
from .schema import write_plan

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"the", "a", "an", "of", "is", "what", "for", "with", "and", "to", "in", "on", "at",
         "by", "metric", "does", "do", "me", "please", "compute", "find", "give"}


@lru_cache(maxsize=4)
def template(name: str = "planner.j2") -> jinja2.Template:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             autoescape=False)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False}    # keys in the schema's order
    env.filters["plan_json"] = plan_text
    return env.from_string((PROMPTS / name).read_text())


@lru_cache(maxsize=4)
def examples(name: str = "examples.jsonl") -> tuple[dict, ...]:
    lines = (PROMPTS / name).read_text().splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower())) - _STOP


def closest_examples(question: str, k: int) -> list[dict]:
    """The ``k`` examples sharing most words with ``question``, most similar last."""
    words = _words(question)
    scored = [(len(words & _words(e["question"])) / (1 + len(_words(e["question"]))), i)
              for i, e in enumerate(examples())]
    chosen = sorted(scored, reverse=True)[:k]
    return [examples()[i] for _, i in sorted(chosen)]


def render(question: str, registry: Registry, *, passages=(), history=(), problems=(),
           n_examples: int = 6) -> str:
    return template().render(
        tools=registry.render(), question=question.strip(), passages=list(passages),
        examples=closest_examples(question, n_examples) if n_examples else [],
        history=[h for h in history if h.get("plan")], problems=list(problems))


def plan_text(plan: dict) -> str:
    """A plan as the fine-tuned planner writes it: as the constrained decoder does (compact
    JSON, see ``schema.write_plan``), characters as they are, not \\u escapes."""
    return write_plan(plan)


def render_tuned(question: str, *, history=(), problems=(), examples=()) -> str:
    """The fine-tuned planner's prompt (its training prompts are rendered here too), with
    the last earlier turn of the conversation and the solved ``examples`` (``{"question",
    "plan"}``), as in training."""
    return template("tuned.j2").render(
        question=question.strip(), history=[h for h in history if h.get("plan")][-1:],
        problems=list(problems), examples=list(examples))


def question_of(prompt: str) -> str:
    """The question of a prompt made by :func:`render_tuned` (the last user turn, without the
    note on a failed plan); a prompt of another form is returned as it is."""
    turns = prompt.split("<start_of_turn>user\n")
    last = turns[-1].split("<end_of_turn>")[0] if len(turns) > 1 else prompt
    if last.startswith("Solved: ") and "\nQuestion: " in last:
        last = last.rsplit("\nQuestion: ", 1)[1]
    return last.split("\n(A plan for this failed:")[0].strip()
