"""``Agent``: the Python API.

    from agent import Agent
    agent = Agent()                          # embedded defaults; Agent(Settings(...)) otherwise
    ans = agent.ask("Kretschmann scalar of Kerr")
    ans.final.value, ans.verified, ans.checks
    for event in agent.stream("Is de Sitter Ricci-flat?"): ...
    agent.run_plan({"steps": [...], "final": "s1"})     # no language model, same checks
    agent.ask("Solve the heat equation ...", retrieve_k=0, pinn_seconds=60)   # per question
    agent.rate(ans.trace_id, -1, correction="...")      # feedback, kept for training

Conversations live in a SQLite checkpoint file: ``ask(..., thread_id="t1")`` after a restart
continues thread t1 with its earlier questions and plans. Every answer is also recorded in
the feedback store (``agent.feedback``), where it can be rated by its trace id and its thread
shown again. The planner and the knowledge base are loaded on first use, so ``run_plan``
never loads a language model.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.errors import GraphRecursionError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tools.base import describe_errors

from .answer import Answer
from .config import PlannerBackend, Settings
from .feedback import FeedbackStore, Rating
from .graph import GIVEN_PLAN, Flow, assemble, fresh_input
from .plan import Plan
from .registry import default_registry
from .runner import Runner


class Options(BaseModel):
    """Settings one question may override (``None``: the agent's own)."""
    model_config = ConfigDict(extra="forbid")
    planner: PlannerBackend | None = None
    retrieve_k: int | None = Field(None, ge=0, le=20)
    pinn_seconds: float | None = Field(None, gt=0)


class Agent:
    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or Settings(**overrides)
        if settings is not None and overrides:
            self.settings = settings.model_copy(update=overrides)
        self._kb = None
        self._planner = None
        self._other_planners: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.registry = default_registry(_LazyKnowledgeBase(self))
        self.runner = Runner(self.registry, timeout=self.settings.tool_timeout,
                             memory_mb=self.settings.tool_memory_mb)
        path = self.settings.checkpoint_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self.checkpointer = SqliteSaver(self._db)
        self.feedback = FeedbackStore(self.settings.feedback_path())
        self.graph = Flow(self.settings, self.registry, self.runner, self.planner,
                          self.knowledge_base).build(self.checkpointer)

    # ------------------------------------------------------------------ parts, loaded lazily
    def planner(self, backend: str | None = None):
        """The planner of the configured backend, or of ``backend`` (a question's option)."""
        from .planner import make_planner
        with self._lock:
            if backend is not None and backend != self.settings.planner:
                if backend not in self._other_planners:
                    other = self.settings.model_copy(update={"planner": backend})
                    self._other_planners[backend] = make_planner(other, self.registry)
                return self._other_planners[backend]
            if self._planner is None:
                self._planner = make_planner(self.settings, self.registry)
            return self._planner

    def knowledge_base(self):
        with self._lock:
            if self._kb is None:
                from tools.retrieval import KnowledgeBase
                s = self.settings
                self._kb = KnowledgeBase(s.qdrant_path or None, url=s.qdrant_url or None,
                                         api_key=s.qdrant_api_key or None)
            return self._kb

    # ------------------------------------------------------------------ asking
    def ask(self, question: str, thread_id: str | None = None, **options: Any) -> Answer:
        """Plan, run and verify an answer to ``question`` (in conversation ``thread_id``).
        ``options`` override settings for this question: ``planner``, ``retrieve_k``,
        ``pinn_seconds``."""
        return _answer(self.stream(question, thread_id=thread_id, **options))

    async def aask(self, question: str, thread_id: str | None = None, **options: Any
                   ) -> Answer:
        return await asyncio.to_thread(lambda: self.ask(question, thread_id, **options))

    def run_plan(self, plan: Plan | dict, question: str = "", thread_id: str | None = None,
                 **options: Any) -> Answer:
        """Run a given plan through the same graph (act, verify, respond), without the LLM.
        An invalid plan is repaired when one fix is plausible, else refused."""
        if isinstance(plan, Plan):
            plan = plan.model_dump()
        return _answer(self.stream(question or GIVEN_PLAN, thread_id=thread_id,
                                   plan=plan, **options))

    def rate(self, trace_id: str, rating: int, correction: str = "") -> Rating:
        """Rate an answer this agent gave (+1 good, -1 bad), with an optional correction;
        stored with the answer's trace for training (see ``agent.feedback``)."""
        return self.feedback.rate(trace_id, rating, correction)

    def stream(self, question: str, thread_id: str | None = None,
               plan: dict | None = None, **options: Any) -> Iterator[dict]:
        """Events as the graph runs: ``{"event": "node", "node": ...}`` after each node,
        ``{"event": "step", "status": "running"|"done"|"failed", ...}`` around each tool
        call, and last ``{"event": "answer", "answer": Answer}``."""
        if not isinstance(question, str) or not question.strip():
            raise ValueError("the question is empty")
        if len(question) > 20_000:
            raise ValueError(f"the question is too long ({len(question)} characters; "
                             f"at most 20000)")
        try:
            chosen = Options.model_validate(options).model_dump(exclude_none=True)
        except ValidationError as err:
            raise ValueError(f"bad options: {describe_errors(err)}") from None
        thread_id = thread_id or uuid.uuid4().hex
        trace_id = uuid.uuid4().hex
        config = {"configurable": {"thread_id": thread_id},
                  "recursion_limit": self.settings.recursion_limit}
        state = fresh_input(question, trace_id, plan, chosen)
        try:
            for mode, payload in self.graph.stream(state, config,
                                                   stream_mode=["updates", "custom"]):
                if mode == "custom":
                    yield payload
                    continue
                for node, update in payload.items():
                    yield {"event": "node", "node": node, **_summary(node, update or {})}
        except GraphRecursionError:
            snapshot = self.graph.get_state(config).values
            snapshot["problems"] = snapshot.get("problems", []) + [
                f"stopped after the recursion limit ({self.settings.recursion_limit} steps)"]
            answer = _with_thread(assemble(snapshot), thread_id)
        else:
            snapshot = self.graph.get_state(config).values
            answer = _with_thread(Answer.model_validate(snapshot["answer"]), thread_id)
        self._record(answer, snapshot, chosen.get("planner"))
        yield {"event": "answer", "answer": answer}

    def _record(self, answer: Answer, state: dict, backend: str | None) -> None:
        """Keep the answer in the feedback store, with the planner that planned it."""
        planner = ""
        if state.get("given_plan") is None:
            backend = backend or self.settings.planner
            made = (self._planner if backend == self.settings.planner
                    else self._other_planners.get(backend))
            planner = made.describe() if made is not None else f"{backend} (not loaded)"
        self.feedback.record(answer, planner=planner,
                             planner_output=state.get("planner_output") or "")

    def history(self, thread_id: str) -> list[dict]:
        """The earlier turns of a thread: question, plan, final value, verified, trace id."""
        config = {"configurable": {"thread_id": thread_id}}
        return list(self.graph.get_state(config).values.get("history", []))

    def close(self) -> None:
        self.runner.close()
        if self._kb is not None:
            self._kb.close()
        self.feedback.close()
        self._db.close()

    def __enter__(self) -> Agent:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _LazyKnowledgeBase:
    """Opens the agent's knowledge base when the literature tool first searches."""

    def __init__(self, agent: Agent) -> None:
        self._agent = agent

    def __getattr__(self, name: str):
        return getattr(self._agent.knowledge_base(), name)


def _answer(events: Iterator[dict]) -> Answer:
    """The answer at the end of a stream of events."""
    return [e["answer"] for e in events if e["event"] == "answer"][-1]


def _with_thread(answer: Answer, thread_id: str) -> Answer:
    answer.thread_id = thread_id
    return answer


def _summary(node: str, update: dict) -> dict:
    if node == "retrieve":
        return {"passages": len(update.get("passages", []))}
    if node == "plan":
        return {"attempt": update.get("attempts"), "plan": update.get("plan"),
                "problems": update.get("problems", [])}
    if node == "act":
        return {"steps": [{k: s[k] for k in ("id", "tool", "ok", "seconds")}
                          for s in update.get("steps", [])]}
    if node == "verify":
        return {"verified": update.get("verified"), "problems": update.get("problems", []),
                "checks": [{k: c[k] for k in ("step", "name", "passed")}
                           for c in update.get("checks", [])]}
    return {}

