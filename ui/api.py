"""The HTTP API: the agent's answers as JSON, beside the chat page.

    POST /solve-symbolic    a GR or calculus tool call, or a plan of them (no language model)
    POST /solve-numerical   a PDE or ODE problem as a PDESpec (no language model)
    POST /solve-hybrid      a question in words, planned by the agent (GR, calculus, PDEs)
    POST /ask               the same inside a conversation (``thread_id``), as the chat does
    POST /feedback          rate an answer by its trace id (+1 or -1, an optional correction)
    GET  /health            liveness, no token needed
    GET  /metrics           Prometheus metrics
    GET  /docs, /openapi.json

Every answer is the ``Answer`` as JSON: ``final``, ``verified``, ``status``, ``reason``,
``checks``, ``steps``, ``latex``, ``figures`` (paths on the server), ``citations``,
``trace_id``. Requests that cannot be computed as written get a 422 saying why: a body that
does not validate (pydantic's list of errors), a plan refused before it ran, or input the safe
parser or the PDE checks could not read (a sentence, with the answer). The structured routes
never call the language model; the safe parser reads every expression, nothing is evaluated.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic import model_validator

from agent.answer import Answer
from agent.api import Agent, Options
from agent.feedback import MAX_CORRECTION, FeedbackError, UnknownTrace
from agent.plan import Plan
from agent.registry import default_registry
from tools.pde.spec import PDESpec

from .metrics import CONTENT_TYPE, Metrics

NUMERICAL = ("solve_pde",)
QUOTING = ("search_literature",)
SYMBOLIC = tuple(n for n in default_registry().names() if n not in NUMERICAL + QUOTING)
MAX_QUESTION = 20_000

SymbolicTool = Literal[SYMBOLIC]                                    # type: ignore[valid-type]
ThreadId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,128}$",
                                description="a conversation id; follow-ups see earlier turns")]


class SymbolicRequest(BaseModel):
    """One tool call (``tool`` and ``args``) or a whole ``plan`` of GR and calculus tools."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"tool": "curvature", "args": {"metric": "schwarzschild", "quantity": "kretschmann"}},
        {"plan": {"steps": [
            {"id": "s1", "tool": "differentiate",
             "args": {"expression": "(1 - 2*M/r)/r^2", "variable": "r"}},
            {"id": "s2", "tool": "solve", "args": {"equations": ["$s1 = 0"],
                                                   "variables": ["r"]}}], "final": "s2"},
         "question": "photon sphere of Schwarzschild"}]})
    tool: SymbolicTool | None = None
    args: dict[str, Any] = Field(default_factory=dict)
    plan: Plan | None = None
    question: str = Field("", max_length=MAX_QUESTION, description=(
        "the question the plan answers, if any: the plan is then also checked to answer it"))
    thread_id: ThreadId | None = None

    @model_validator(mode="after")
    def _one_request(self) -> SymbolicRequest:
        if (self.tool is None) == (self.plan is None):
            raise ValueError("give either a tool with its args, or a plan, not both")
        if self.plan is not None:
            for step in self.plan.steps:
                if step.tool in NUMERICAL + QUOTING:
                    raise ValueError(f"step {step.id} calls {step.tool}, which is not a GR or "
                                     f"calculus tool; PDE problems go to /solve-numerical")
        return self

    def as_plan(self) -> dict:
        if self.plan is not None:
            return self.plan.model_dump()
        return {"steps": [{"id": "s1", "tool": self.tool, "args": self.args}], "final": "s1"}


class NumericalRequest(BaseModel):
    """A PDE or ODE problem (see ``tools.pde.PDESpec``) and how to solve it."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "spec": {"equations": ["u_t = 0.4*u_xx"], "variables": {"x": [0, 1], "t": [0, 1]},
                 "conditions": [{"kind": "dirichlet", "on": "boundary"},
                                {"kind": "initial", "value": "sin(pi*x)"}],
                 "exact": ["exp(-0.4*pi^2*t)*sin(pi*x)"]},
        "method": "classical"}]})
    spec: PDESpec
    method: Literal["auto", "pinn", "classical"] = "auto"
    seed: int = Field(0, ge=0, le=2**31 - 1)
    question: str = Field("", max_length=MAX_QUESTION, description=(
        "the question the plan answers, if any: the plan is then also checked to answer it"))
    thread_id: ThreadId | None = None

    @field_validator("spec", mode="wrap")
    @classmethod
    def _readable(cls, value, handler):
        try:
            return handler(value)
        except (ValidationError, ValueError):
            raise
        except Exception as err:         # noqa: BLE001 - odd input deep in SymPy: the caller's
            raise ValueError(f"the spec cannot be read: {type(err).__name__}: {err}") from None


class HybridRequest(Options):
    """A question in words; the agent plans it (``planner``, ``retrieve_k`` and
    ``pinn_seconds`` override the server's settings for this question)."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": "Where is the photon sphere of Schwarzschild?"}]})
    question: str = Field(min_length=1, max_length=MAX_QUESTION)


class AskRequest(HybridRequest):
    thread_id: ThreadId | None = None


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trace_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="the answer's trace_id")
    rating: Literal[1, -1] = Field(description="+1 good, -1 bad")
    correction: str = Field("", max_length=MAX_CORRECTION,
                            description="what the answer should have been, in your words")

    @field_validator("rating", mode="before")
    @classmethod
    def _not_a_boolean(cls, value):
        if isinstance(value, bool):                   # JSON true would pass as 1
            raise ValueError("a rating is 1 or -1, not a boolean")
        return value


class FeedbackReceipt(BaseModel):
    id: int
    trace_id: str
    rating: Literal[1, -1]
    correction: str
    created: str


class Health(BaseModel):
    status: Literal["ok"]
    planner: str


class Unanswerable(BaseModel):
    detail: str
    answer: Answer | None = None


ANSWER_ERRORS = {422: {"model": Unanswerable, "description": "the request cannot be computed "
                       "as written (also pydantic's list of validation errors)"}}


def api_router(agent: Agent, metrics: Metrics, dependencies: list) -> APIRouter:
    """The routes, bound to one agent; ``dependencies`` guard all but ``/health``."""
    router = APIRouter()

    @router.get("/health", response_model=Health, tags=["service"])
    def health() -> Health:
        return Health(status="ok", planner=agent.settings.planner)

    @router.get("/metrics", tags=["service"], dependencies=dependencies,
                response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
    def prometheus() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    @router.post("/solve-symbolic", tags=["solve"], dependencies=dependencies,
                 response_model=Answer, responses=ANSWER_ERRORS)
    def solve_symbolic(request: SymbolicRequest):
        """A GR or calculus tool call, or a plan of them, run and verified without the LLM."""
        answer = agent.run_plan(request.as_plan(), question=request.question,
                                thread_id=request.thread_id)
        return _structured(answer, metrics)

    @router.post("/solve-numerical", tags=["solve"], dependencies=dependencies,
                 response_model=Answer, responses=ANSWER_ERRORS)
    def solve_numerical(request: NumericalRequest):
        """A PDE or ODE problem solved (PINN or classical) and checked, without the LLM."""
        spec = request.spec.model_dump(mode="json", exclude_defaults=True)
        plan = {"steps": [{"id": "s1", "tool": "solve_pde", "args": {
            "spec": spec, "method": request.method, "seed": request.seed}}], "final": "s1"}
        answer = agent.run_plan(plan, question=request.question,
                                thread_id=request.thread_id)
        return _structured(answer, metrics)

    @router.post("/solve-hybrid", tags=["ask"], dependencies=dependencies,
                 response_model=Answer, responses=ANSWER_ERRORS)
    def solve_hybrid(request: HybridRequest):
        """A question in words, planned by the agent, on its own (no conversation)."""
        return _asked(agent, metrics, request, thread_id=None)

    @router.post("/ask", tags=["ask"], dependencies=dependencies,
                 response_model=Answer, responses=ANSWER_ERRORS)
    def ask(request: AskRequest):
        """A question in words inside conversation ``thread_id`` (new when absent)."""
        return _asked(agent, metrics, request, thread_id=request.thread_id)

    @router.post("/feedback", tags=["feedback"], dependencies=dependencies,
                 response_model=FeedbackReceipt,
                 responses={404: {"description": "no answer with this trace id"}})
    def feedback(request: FeedbackRequest) -> FeedbackReceipt:
        """Rate an answer (+1 or -1) with an optional correction, for training the planner."""
        try:
            row = agent.rate(request.trace_id, request.rating, request.correction)
        except UnknownTrace as err:
            raise HTTPException(404, str(err)) from None
        except FeedbackError as err:
            raise HTTPException(422, str(err)) from None
        metrics.rating(row.rating)
        return FeedbackReceipt(**row.model_dump(include=set(FeedbackReceipt.model_fields)))

    return router


def _structured(answer: Answer, metrics: Metrics):
    """A structured request's answer: 422 when the request was at fault (a plan refused
    before running, input the tools could not read), else the answer."""
    metrics.answer(answer.status)
    unreadable = [s for s in answer.steps if not s.ok and s.data.get("bad_input")]
    if answer.status == "refused" or unreadable:
        detail = unreadable[0].error if unreadable else answer.reason
        return JSONResponse(status_code=422, content=Unanswerable(
            detail=detail or "the request cannot be computed", answer=answer
        ).model_dump(mode="json"))
    return answer


def _asked(agent: Agent, metrics: Metrics, request: HybridRequest, thread_id: str | None):
    options = request.model_dump(include=set(Options.model_fields), exclude_none=True)
    try:
        answer = agent.ask(request.question, thread_id=thread_id, **options)
    except ValueError as err:                         # an empty question, say
        raise HTTPException(422, str(err)) from None
    metrics.answer(answer.status)
    return answer
