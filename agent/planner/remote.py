"""A planner served over HTTP by any OpenAI-compatible server, first of all ``vllm serve``.

The base model has no chat template, so the default is the completions endpoint with the
rendered prompt; ``openai_chat = true`` sends it as one user message to chat completions
instead (for hosted chat models). Either way the output is constrained to the plan's JSON
schema: vLLM's ``structured_outputs`` on completions, ``response_format`` on chat.
"""

from __future__ import annotations

from . import Planner, cut_off
from .schema import plan_schema


class OpenAIPlanner(Planner):
    name = "openai"

    def __init__(self, settings, registry) -> None:
        super().__init__(settings, registry)
        from openai import OpenAI
        self.client = OpenAI(base_url=settings.openai_base_url, api_key=settings.openai_api_key,
                             timeout=settings.openai_timeout, max_retries=1)
        from ..model import resolve_adapter
        from ..serve import SERVED_NAME
        # ``geodesic serve-llm`` serves the base model, and the adapter as "planner"
        adapter = resolve_adapter(settings.adapter) is not None
        self.model = settings.model or ("planner" if adapter else SERVED_NAME)

    @property
    def tuned(self) -> bool:
        return self.model == "planner"

    def describe(self) -> str:
        return f"openai: {self.model} at {self.settings.openai_base_url}"

    def complete(self, text: str) -> str:
        schema = plan_schema(self.registry) if self.settings.constrained else None
        options = dict(model=self.model, max_tokens=self.settings.max_new_tokens,
                       temperature=self.temperature)
        if self.temperature > 0:                # seeded by the prompt: a run replays as it ran
            options["seed"] = self.seed(text)
        if self.settings.openai_chat:
            if schema is not None:
                options["response_format"] = {"type": "json_schema", "json_schema": {
                    "name": "plan", "schema": schema, "strict": True}}
            reply = self.client.chat.completions.create(
                messages=[{"role": "user", "content": text}], **options)
            choice = reply.choices[0]
            if choice.finish_reason == "length":
                raise cut_off(self.settings.max_new_tokens)
            return choice.message.content or ""
        if schema is not None:
            options["extra_body"] = {"structured_outputs": {"json": schema}}
        reply = self.client.completions.create(prompt=text, **options)
        if reply.choices[0].finish_reason == "length":
            raise cut_off(self.settings.max_new_tokens)
        return reply.choices[0].text
