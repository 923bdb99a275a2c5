"""The flow of one question as a LangGraph state machine:

    retrieve -> plan -> act -> verify -> respond
                 ^  |             |
                 +--+-------------+   replan: an invalid plan, a failed step or check
                                      (bounded by ``max_replans``)

A plan that plainly does not compute what the question asks (``agent.relevance``: another
spacetime, a dropped condition, a value the question gives left unused) is sent back before
it runs, while replans remain: its result could not verify, and a PDE solve can take minutes.
The last plan runs whatever the check says, so the answer shows what it computed.

State is plain JSON (strings, numbers, lists, dicts): SymPy values travel as strings and
arrays as file paths, so the SQLite checkpointer can store every step and a conversation
survives a restart. ``history`` accumulates the thread's earlier questions and plans; the
planner sees it, which is how "now the same for Reissner-Nordstrom" finds its context.
``options`` are this question's overrides of three settings (the planner backend,
``retrieve_k`` and ``pinn_seconds``), kept in the state so that a run replays as it ran.
Steps report progress through LangGraph's custom stream as they start and finish.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Annotated, Any, TypedDict

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph

from .answer import Answer, Final, StepRecord
from .config import Settings
from .plan import Plan, PlanError, parse_plan, resolve
from .registry import Registry
from .relevance import amend, check_relevance, settle_count
from .runner import Runner
from .verify import Check, check_step

HISTORY_SHOWN = 3              # earlier turns of the thread the planner sees
GIVEN_PLAN = "(a given plan)"  # the question of a plan run without one
UNCHECKED_TOOLS = {"search_literature"}     # passages, not claims: no check expected


class State(TypedDict, total=False):
    question: str
    trace_id: str
    options: dict                  # planner, retrieve_k, pinn_seconds for this question only
    given_plan: dict | None        # run_plan: this plan instead of the planner's
    passages: list[dict]
    planner_output: str            # the planner's raw text for the latest plan
    plan: dict | None              # the latest valid plan
    notes: list[str]               # repairs made to plans
    problems: list[str]            # why the latest plan or its run failed
    attempts: int                  # plans made for this question
    tried: list[dict]              # the earlier plans for it that failed, and why
    best: dict                     # the attempt that got furthest, should none verify
    steps: list[dict]              # StepRecord of every step that ran
    checks: list[dict]
    verified: bool
    answer: dict
    history: Annotated[list[dict], operator.add]


def fresh_input(question: str, trace_id: str, plan: dict | None = None,
                options: dict | None = None) -> State:
    """A new question in a thread: per-question fields reset, the history kept."""
    return State(question=question, trace_id=trace_id, options=dict(options or {}),
                 given_plan=plan, passages=[], planner_output="", plan=None, notes=[],
                 problems=[], attempts=0, tried=[], best={}, steps=[], checks=[],
                 verified=False, answer={})


class Flow:
    """The nodes and edges; the tools, the planner and the knowledge base come in ready."""

    def __init__(self, settings: Settings, registry: Registry, runner: Runner,
                 planner: Callable[[], Any], knowledge_base: Callable[[], Any]) -> None:
        self.settings, self.registry, self.runner = settings, registry, runner
        self._planner, self._knowledge_base = planner, knowledge_base

    def setting(self, state: State, name: str) -> Any:
        """A setting as this question sees it: its override in ``options``, else the agent's."""
        return (state.get("options") or {}).get(name, getattr(self.settings, name))

    def build(self, checkpointer=None):
        graph = StateGraph(State)
        for name in ("retrieve", "plan", "act", "verify", "respond"):
            graph.add_node(name, getattr(self, name))
        graph.add_edge(START, "retrieve")
        graph.add_edge("retrieve", "plan")
        graph.add_conditional_edges("plan", self.after_plan, ["act", "plan", "respond"])
        graph.add_edge("act", "verify")
        graph.add_conditional_edges("verify", self.after_verify, ["plan", "respond"])
        graph.add_edge("respond", END)
        return graph.compile(checkpointer=checkpointer)

    # ------------------------------------------------------------------ nodes
    def retrieve(self, state: State) -> dict:
        k = self.setting(state, "retrieve_k")
        if k == 0 or state.get("given_plan"):
            return {"passages": []}
        try:
            hits = self._knowledge_base().search(state["question"], k=k)
        except Exception as err:                 # noqa: BLE001 - retrieval is a help, not a must
            return {"passages": [], "notes": [f"retrieval failed: {err}"]}
        return {"passages": [{"title": h.title, "section": h.section, "text": h.text,
                              "source": h.source, "citation": h.citation()} for h in hits]}

    def plan(self, state: State) -> dict:
        attempts = state.get("attempts", 0) + 1
        update: dict[str, Any] = {"attempts": attempts, "plan": None, "steps": [], "checks": []}
        if attempts > 1:                         # a replan: keep what failed, for training
            update["tried"] = state.get("tried", []) + [{
                "output": state.get("planner_output", ""), "plan": state.get("plan"),
                "problems": state.get("problems", [])}]
        settled = self._settle(state) if attempts > 1 else None
        try:
            if state.get("given_plan") is not None:
                plan, update["planner_output"] = (Plan.model_validate(state["given_plan"]),
                                                  "")
            elif settled is not None:            # the last plan, its count settled: no replan
                plan, update["planner_output"] = settled[0], ""
            else:
                history = state.get("history", [])[-HISTORY_SHOWN:]
                text = self._planner(self.setting(state, "planner")).propose(
                    state["question"], passages=state.get("passages", []), history=history,
                    problems=state.get("problems", []),
                    attempt=max(0, attempts - 2))       # replans before this one
                update["planner_output"] = text
                plan = parse_plan(text)
        except (PlanError, ValueError) as err:
            update["problems"] = [f"invalid plan: {err}"]
            return update
        except Exception as err:                 # noqa: BLE001 - a planner failure is reported
            update["problems"] = [f"the planner failed: {type(err).__name__}: {err}"]
            update["attempts"] = self.settings.max_replans + 1       # retrying will not help
            return update
        plan, repaired = self.registry.repair(plan)
        notes = (settled[1] if settled is not None else []) + repaired
        if state["question"] != GIVEN_PLAN:
            amended, put_right = amend(state["question"], plan.model_dump(exclude_none=True))
            if put_right:
                plan, notes = Plan.model_validate(amended), notes + put_right
        problems = self.registry.check(plan)
        if not problems and state["question"] != GIVEN_PLAN and self._may_replan(
                {**state, **update}):
            problems = [f"{c.name}: no ({c.detail})" for c in check_relevance(
                state["question"], plan.model_dump(exclude_none=True)) if not c.passed]
        update["notes"] = state.get("notes", []) + notes
        update["problems"] = problems
        if not problems:
            update["plan"] = plan.model_dump()
        return update

    def _settle(self, state: State) -> tuple[Plan, list[str]] | None:
        """The plan that just ran with the count of its answer settled by the question (all
        the radii asked for and one kept; the outer horizon asked for and both given), or
        None when the question cannot settle what failed."""
        if state.get("given_plan") is not None or not state.get("plan"):
            return None
        outputs = {r["id"]: r.get("value") for r in state.get("steps", []) if r.get("ok")}
        settled, notes = settle_count(state["question"], state["plan"], outputs)
        if not notes:
            return None
        try:
            return Plan.model_validate(settled), notes
        except ValueError:
            return None

    def act(self, state: State) -> dict:
        plan = Plan.model_validate(state["plan"])
        write = get_stream_writer()
        outputs: dict[str, Any] = {}
        records = []
        pinn_seconds = self.setting(state, "pinn_seconds")
        for step in plan.steps:
            try:
                args = resolve(step.args, outputs)
            except PlanError as err:
                records.append(StepRecord(id=step.id, tool=step.tool, args=step.args, ok=False,
                                          error=str(err)).model_dump())
                break
            if step.tool == "solve_pde" and pinn_seconds:      # the operator's cap
                args = {**args, "budget": {"seconds": pinn_seconds}}
            write({"event": "step", "status": "running", "id": step.id, "tool": step.tool,
                   "args": args})
            result = self.runner.run(step.tool, args, timeout=self.settings.tool_timeout)
            record = StepRecord(id=step.id, tool=step.tool, args=args, ok=result.ok,
                                value=result.value, latex=result.latex, error=result.error,
                                seconds=result.seconds, figures=result.figures,
                                data=result.data, cached=bool(result.data.get("cached")))
            records.append(record.model_dump(mode="json"))
            write({"event": "step", "status": "done" if result.ok else "failed",
                   "id": step.id, "tool": step.tool, "seconds": round(result.seconds, 3),
                   "value": _short(result.value), "error": result.error})
            if not result.ok:
                break
            outputs[step.id] = result.value
        return {"steps": records}

    def verify(self, state: State) -> dict:
        plan = Plan.model_validate(state["plan"])
        checks, problems = [], []
        for record in state["steps"]:
            found = check_step(record["tool"], record["args"], record)
            for check in found:
                check.step = record["id"]
            checks += found
            if not record["ok"]:
                problems.append(f"{record['id']} ({record['tool']}): {record['error']}")
            elif not found and record["tool"] not in UNCHECKED_TOOLS:
                problems.append(f"{record['id']}: no independent check applies to "
                                f"{record['tool']}, so its result is not verified")
            problems += [f"{record['id']}: check '{c.name}' failed"
                         + (f" ({c.detail})" if c.detail else "")
                         for c in found if not c.passed and record["ok"]]
        if len(state["steps"]) < len(plan.steps) and all(r["ok"] for r in state["steps"]):
            problems.append("not every step ran")
        if not problems and not checks:
            problems.append("no independent check applies to these steps (passages are "
                            "quoted, not verified)")
        relevance = [] if state["question"] == GIVEN_PLAN else \
            check_relevance(state["question"], state["plan"],
                            {r["id"]: r.get("value") for r in state["steps"] if r["ok"]})
        for check in relevance:                   # the plan for the question asked?
            check.step = "plan"                  # (it ties the plan to the question; it
            checks.append(check)                 # verifies no mathematics of its own)
            if not check.passed:
                problems.append(f"{check.name}: no ({check.detail})")
        verified = not problems
        update = {"checks": [c.model_dump() for c in checks], "problems": problems,
                  "verified": verified}
        attempt = {"plan": state["plan"], "steps": state["steps"], "checks": update["checks"],
                   "problems": problems}
        if not verified and _progress(attempt) > _progress(state.get("best") or {}):
            update["best"] = attempt
        return update

    def respond(self, state: State) -> dict:
        answer = assemble(state)
        turn = {"question": state["question"], "plan": state.get("plan"),
                "final": _short(answer.final.value), "verified": answer.verified,
                "trace_id": answer.trace_id}
        return {"answer": answer.model_dump(mode="json"), "history": [turn]}

    # ------------------------------------------------------------------ edges
    def _may_replan(self, state: State) -> bool:
        return (state.get("given_plan") is None
                and state.get("attempts", 0) <= self.settings.max_replans)

    def after_plan(self, state: State) -> str:
        if state.get("plan") is not None:
            return "act"
        return "plan" if self._may_replan(state) else "respond"

    def after_verify(self, state: State) -> str:
        if state.get("verified"):
            return "respond"
        hopeless = all("no independent check applies" in p for p in state.get("problems", []))
        return "plan" if self._may_replan(state) and not hopeless else "respond"


# ---------------------------------------------------------------------- the Answer
def _progress(attempt: dict) -> tuple:
    """How far an attempt got: every step ran, then how many checks passed."""
    if not attempt.get("plan"):
        return (-1, 0)
    ran = bool(attempt["steps"]) and all(r["ok"] for r in attempt["steps"])
    return (int(ran), sum(c["passed"] for c in attempt["checks"]))


def assemble(state: State) -> Answer:
    """The Answer from the final state of a question: the last attempt, or, when it did not
    verify and an earlier attempt got further (a replan that fared worse), that one."""
    best = state.get("best") or {}
    if not state.get("verified") and _progress(best) > _progress(
            {"plan": state.get("plan"), "steps": state.get("steps", []),
             "checks": state.get("checks", [])}):
        state = {**state, **best}
    steps = [StepRecord.model_validate(r) for r in state.get("steps", [])]
    checks = [Check.model_validate(c) for c in state.get("checks", [])]
    plan = state.get("plan")
    problems = state.get("problems", [])
    citations = [p["citation"] for p in state.get("passages", [])]
    for s in steps:
        citations += s.data.get("citations", [])
    common = dict(question=state["question"], trace_id=state["trace_id"], plan=plan,
                  tried=state.get("tried", []),
                  steps=steps, checks=checks, citations=list(dict.fromkeys(citations)),
                  figures=[f for s in steps for f in s.figures])
    if plan is None:
        common["citations"] = []                 # nothing was derived: nothing to cite
        reason = "; ".join(problems) or "no plan"
        return Answer(final=Final(kind="text", value=f"No valid plan: {reason}"),
                      verified=False, status="refused", reason=reason,
                      text=f"I could not make a valid plan for this question ({reason}).",
                      **common)
    by_id = {s.id: s for s in steps}
    last = by_id.get(plan["final"])
    if last is not None and last.ok:
        final = Final.from_step(last.tool, last.model_dump())
        latex = last.latex or ""
    else:
        failed = next((s for s in steps if not s.ok), None)
        final = Final(kind="text", value=failed.error if failed else "the final step did not run")
        latex = ""
    verified = bool(state.get("verified"))
    reason = "" if verified else "; ".join(problems) or "not verified"
    conventions = next((s.data["conventions"] for s in steps if "conventions" in s.data), "")
    return Answer(final=final, verified=verified, reason=reason, latex=latex,
                  status="verified" if verified else "unverified", conventions=conventions,
                  text=_derivation(final, steps, checks, verified, reason, conventions,
                                   state.get("notes", [])), **common)


def _derivation(final: Final, steps: list[StepRecord], checks: list[Check], verified: bool,
                reason: str, conventions: str, notes: list[str]) -> str:
    lines = []
    for s in steps:
        args = ", ".join(f"{k}={_short(v, 60)!r}" for k, v in s.args.items())
        outcome = _short(s.value, 200) if s.ok else f"failed: {s.error}"
        cached = ", cached" if s.cached else ""
        lines.append(f"{s.id}. {s.tool}({args}) -> {outcome}  [{s.seconds:.2f} s{cached}]")
        for c in checks:
            if c.step == s.id:
                mark = "passed" if c.passed else "FAILED"
                lines.append(f"    check {mark}: {c.name}" + (f" ({c.detail})" if c.detail else ""))
    head = f"Answer ({final.kind}): {_short(final.value, 400)}"
    verdict = "Verified." if verified else f"NOT verified: {reason}"
    parts = [head, verdict, "Derivation:", *lines]
    if notes:
        parts.append("Repairs: " + "; ".join(notes))
    if conventions:
        parts.append(f"Conventions: {conventions}")
    return "\n".join(parts)


def _short(value: Any, limit: int = 300) -> Any:
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    return text if len(text) <= limit else text[:limit - 3] + "..."
