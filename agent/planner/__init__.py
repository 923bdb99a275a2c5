"""Planner backends behind one interface: a prompt goes in, the text of a plan comes out.

* ``transformers`` (the default): Gemma 3 270M in-process, plus a LoRA adapter (by default
  the planner registry's current version, followed while the server runs); output
  constrained to the plan's JSON schema by xgrammar.
* ``openai``: any OpenAI-compatible server, first of all ``vllm serve`` (see
  ``geodesic serve-llm``), with JSON-schema structured output.

The grammar makes every output a plan in form; one that still does not hold together (its
final step or a reference names no step) is drawn again, sampled with the next seed, up to
``DRAWS`` outputs in all. The planner never does mathematics and its output is never trusted:
the graph validates every plan (``Plan`` and ``Registry.check``) before anything runs.
"""

from __future__ import annotations

import hashlib
import threading

from ..config import Settings
from ..model import resolve_adapter
from ..plan import PlanError, parse_plan
from ..registry import Registry
from . import examples, prompt


DRAWS = 3                       # outputs drawn for one plan before an invalid one is returned


class Planner:
    """``propose`` renders the prompt and asks the backend to complete it."""

    name = "planner"

    def __init__(self, settings: Settings, registry: Registry) -> None:
        self.settings, self.registry = settings, registry
        self.last_prompt = self.last_output = ""
        self._call = threading.local()

    @property
    def temperature(self) -> float:
        """The sampling temperature of the plan being made: the setting, raised to
        ``replan_temperature`` for a replan (greedy decoding would write the failed plan
        again)."""
        return getattr(self._call, "temperature", self.settings.temperature)

    @property
    def tuned(self) -> bool:
        """Whether this planner runs a fine-tuned adapter, which takes the short prompt (with
        ``adapter = "auto"``: whether the registry's current version has one)."""
        return resolve_adapter(self.settings.adapter, self.settings.planner_registry) is not None

    @property
    def version(self) -> str:
        """The planner registry's version this planner serves ('' when it cannot say)."""
        return ""

    def solved_examples(self) -> examples.SolvedExamples | None:
        """The solved examples the adapter planning now was trained with (None: none)."""
        return examples.of_adapter(resolve_adapter(self.settings.adapter,
                                                   self.settings.planner_registry))

    def propose(self, question: str, *, passages=(), history=(), problems=(),
                attempt: int = 0) -> str:
        """The planner's text for ``question``; ``attempt`` (the replans made for it before
        this one) seeds a sampled replan, so that a replan sent back for the same problems
        is a new draw, and picks the solved example a replan is shown (the next of the
        question's shape)."""
        if self.tuned:
            bank = self.solved_examples()
            replan = attempt + 1 if problems else 0          # the graph's first replan is 0
            shown = bank.shown(question, replan=replan) if bank else ()
            text = prompt.render_tuned(question, history=history, problems=problems,
                                       examples=shown)
        else:
            text = prompt.render(question, self.registry, passages=passages, history=history,
                                 problems=problems, n_examples=self.settings.examples)
        self.last_prompt, self.last_output = text, ""
        sampled = max(self.settings.temperature, self.settings.replan_temperature)
        try:
            for draw in range(DRAWS):
                # the grammar makes every output a plan in form; a plan that still does not
                # hold together (its final step or a reference names no step) is drawn again
                self._call.draw = draw + DRAWS * attempt
                self._call.temperature = (sampled if problems or draw
                                          else self.settings.temperature)
                try:
                    self.last_output = self.complete(text)
                except PlanError:                  # cut off: the last draw's error stands
                    if draw == DRAWS - 1:
                        raise
                    continue
                if not self.invalid(self.last_output):
                    break
        finally:
            del self._call.temperature, self._call.draw
        return self.last_output

    def invalid(self, output: str) -> list[str]:
        """Why ``output`` is no plan the graph could run (after its repairs); empty if it is."""
        try:
            plan, _ = self.registry.repair(parse_plan(output))
        except (PlanError, ValueError) as err:
            return [str(err)]
        return self.registry.check(plan)

    def seed(self, text: str) -> int:
        """The sampling seed of the current draw for prompt ``text``."""
        return prompt_seed(text) + getattr(self._call, "draw", 0)

    def complete(self, text: str) -> str:          # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:
        return self.name


def prompt_seed(text: str) -> int:
    """The sampling seed of a prompt: a sampled replan replays as it ran, on either backend."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def cut_off(limit: int) -> PlanError:
    return PlanError(f"the plan was cut off at {limit} tokens (max_new_tokens) before it "
                     f"was complete")


def make_planner(settings: Settings, registry: Registry) -> Planner:
    if settings.planner == "openai":
        from .remote import OpenAIPlanner
        return OpenAIPlanner(settings, registry)
    from .local import TransformersPlanner
    return TransformersPlanner(settings, registry)
