"""The chat page (Gradio): ask in words, watch the agent work, read a verified answer, rate it.

* Each turn streams the agent's work as collapsible messages (Gradio message metadata: a
  title, a spinner while pending, the duration when done): the knowledge-base search, the
  plan, each tool call. A running tool shows how long it has run, against the PINN budget
  when it trains one, so long jobs are visibly alive.
* The answer comes with a badge: verified with the checks that passed, or a warning saying
  why not; its value in LaTeX (KaTeX, ``$...$`` and ``$$...$$``), the derivation, the
  citations, and figures inline (a PDE's solution, error map and loss curve).
* 👍 / 👎 store a rating of that answer, with the correction typed in the box if any
  ("Send correction" adds one afterwards), in the feedback store, keyed by the trace id.
* Settings for the next questions: the planner backend, the PINN budget, retrieval on/off.
* Documents uploaded here are copied to ``$GEODESIC_HOME/uploads`` and ingested into the
  knowledge base. Conversations are kept in the feedback store: the page reopens the
  browser's last thread, and any earlier one can be picked again after a restart.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")      # no telemetry, no network

import json
import queue
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import get_args

import gradio as gr

from agent.api import Agent
from agent.config import PlannerBackend
from agent.feedback import FeedbackError
from tools.base import geodesic_home

from .messages import (LATEX_DELIMITERS, code_block, prose, thought, turn_messages,
                       user_message)
from .metrics import Metrics

EXAMPLES = [
    "Ricci scalar of de Sitter space",
    "Is the Kerr metric Ricci-flat?",
    "Kretschmann scalar of the Schwarzschild metric",
    "Numerically solve the 1D heat problem u_t = 0.4*u_xx (0<x<1, t<1), u vanishing at both "
    "ends, initial profile sin(pi*x).",
]
UPLOAD_TYPES = [".md", ".txt", ".tex", ".pdf"]
TICK = 1.0                      # seconds between progress updates of a running step


def uploads_dir() -> Path:
    return geodesic_home() / "uploads"


def build_chat(agent: Agent, metrics: Metrics) -> gr.Blocks:
    """The chat page for ``agent``; mount it with ``gr.mount_gradio_app`` (see ui.server)."""
    settings = agent.settings
    default_k = settings.retrieve_k or 4

    with gr.Blocks(title="Geodesic", fill_height=True, analytics_enabled=False) as page:
        thread = gr.BrowserState(None, storage_key="geodesic-thread",
                                 # the value is a thread id, not a secret; a fixed key keeps
                                 # it readable after the server restarts
                                 secret="geodesic-thread-id")
        history = gr.State([])            # the messages shown, in our own form
        traces = gr.State({})             # message index -> trace id of its answer
        last_rating = gr.State(None)      # id of the latest stored rating

        gr.Markdown("## Geodesic\nGeneral relativity and PDEs, computed by exact tools and "
                    "checked before you see them.")
        with gr.Row():
            with gr.Column(scale=4):
                chatbot = gr.Chatbot(label="Geodesic", elem_id="chat", height=620,
                                     latex_delimiters=LATEX_DELIMITERS, layout="panel",
                                     feedback_options=["Like", "Dislike"],
                                     buttons=["copy"])
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask about a metric, a curvature invariant, "
                                     "an orbit, a PDE...", show_label=False, scale=5,
                                     elem_id="question", max_length=20_000)
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                gr.Examples(EXAMPLES, inputs=[box], label="Examples")
                with gr.Row():
                    correction = gr.Textbox(label="Correction (optional)", scale=5,
                                            elem_id="correction", placeholder="What should "
                                            "the answer have been? Stored with your 👍/👎.")
                    send_correction = gr.Button("Send correction", scale=1)
                feedback_note = gr.Markdown(elem_id="feedback-note")
            with gr.Column(scale=1, min_width=260):
                new_chat = gr.Button("New conversation")
                conversations = gr.Dropdown(label="Earlier conversations", choices=[],
                                            interactive=True, elem_id="conversations")
                with gr.Accordion("Settings", open=False):
                    planner = gr.Dropdown(list(get_args(PlannerBackend)), value=settings.planner,
                                          label="Planner backend", elem_id="planner",
                                          info="transformers: in-process; openai: a served "
                                               "model (geodesic serve-llm)")
                    pinn = gr.Number(value=settings.pinn_seconds or 0, minimum=0,
                                     maximum=3600, label="PINN budget (s)",
                                     info="0: the solver's own iteration budget")
                    retrieval = gr.Checkbox(value=settings.retrieve_k > 0,
                                            label="Search the knowledge base")
                with gr.Accordion("Documents", open=False):
                    upload = gr.File(label="Add to the knowledge base", file_count="multiple",
                                     file_types=UPLOAD_TYPES, elem_id="upload")
                    upload_note = gr.Markdown()

        # ------------------------------------------------------------------ asking
        def respond(question, shown, known, thread_id, backend, budget, search):
            question = (question or "").strip()
            if not question:
                yield question, shown, shown, known, gr.skip()
                return
            thread_id = thread_id or uuid.uuid4().hex
            shown = [*shown, user_message(question)]
            options = {"planner": backend, "retrieve_k": default_k if search else 0,
                       "pinn_seconds": float(budget) if budget else None}
            events: queue.Queue = queue.Queue()
            threading.Thread(target=_ask, args=(agent, question, thread_id, options, events),
                             daemon=True).start()
            live = Progress(retrieving=bool(search), pinn_seconds=options["pinn_seconds"],
                            tool_timeout=settings.tool_timeout)
            yield "", shown, shown + live.messages(), known, thread_id
            while True:
                try:
                    event = events.get(timeout=TICK)
                except queue.Empty:
                    yield "", shown, shown + live.messages(), known, thread_id
                    continue
                if event["event"] == "answer":
                    answer = event["answer"]
                    break
                if event["event"] == "error":
                    shown = [*shown, thought("⚠️ The question could not be asked",
                                             event["message"], log="error")]
                    yield "", shown, shown, known, thread_id
                    return
                live.update(event)
                yield "", shown, shown + live.messages(), known, thread_id
            metrics.answer(answer.status)
            first = len(shown)
            shown = [*shown, *turn_messages(answer)]
            known = {**known, **{str(i): answer.trace_id for i in range(first, len(shown))}}
            yield "", shown, shown, known, thread_id

        ask_outputs = [box, history, chatbot, traces, thread]
        ask_inputs = [box, history, traces, thread, planner, pinn, retrieval]
        for trigger in (box.submit, send.click):
            trigger(respond, ask_inputs, ask_outputs).then(
                lambda: gr.update(choices=_conversation_choices(agent)), None, conversations)

        # ------------------------------------------------------------------ feedback
        def rate(known, text, data: gr.LikeData):
            index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
            trace_id = known.get(str(index))
            if trace_id is None:
                return "Only answers can be rated.", gr.skip(), gr.skip()
            if data.liked is True or data.liked == "Like":
                rating = 1
            elif data.liked is False or data.liked == "Dislike":
                rating = -1
            else:
                return "Rating withdrawn in the page; stored ratings are kept.", None, \
                    gr.skip()
            try:
                row = agent.rate(trace_id, rating, text or "")
            except FeedbackError as err:
                return f"Not stored: {err}", gr.skip(), gr.skip()
            metrics.rating(rating)
            note = "👍" if rating > 0 else "👎"
            with_text = " with your correction" if row.correction else ""
            return f"{note} stored as feedback #{row.id}{with_text}. Thank you.", row.id, ""

        chatbot.like(rate, [traces, correction], [feedback_note, last_rating, correction])

        def correct(rating_id, text):
            if not (text or "").strip():
                return "Write the correction first.", gr.skip()
            if rating_id is None:
                return "Rate an answer first (👍 or 👎); the correction is stored with it.", \
                    gr.skip()
            try:
                row = agent.feedback.correct(rating_id, text)
            except FeedbackError as err:
                return f"Not stored: {err}", gr.skip()
            return f"Correction stored with feedback #{row.id}.", ""

        send_correction.click(correct, [last_rating, correction], [feedback_note, correction])

        # ------------------------------------------------------------------ conversations
        def reopen(thread_id):
            thread_id = thread_id or uuid.uuid4().hex
            shown, known = _conversation(agent, thread_id)
            return (thread_id, shown, shown, known,
                    gr.update(choices=_conversation_choices(agent), value=None))

        reopen_outputs = [thread, history, chatbot, traces, conversations]
        page.load(reopen, [thread], reopen_outputs)
        conversations.input(reopen, [conversations], reopen_outputs)
        new_chat.click(lambda: reopen(None), None, reopen_outputs)

        # ------------------------------------------------------------------ documents
        def ingest(files):
            if not files:
                return gr.skip()
            try:
                return _ingest(agent, [Path(f) for f in files])
            except Exception as err:          # noqa: BLE001 - shown, never a traceback
                return f"Not ingested: {err}"

        upload.upload(ingest, [upload], [upload_note])
    return page


class Progress:
    """The live messages of a turn from the agent's events: what is done, and what is
    running now (pending, with its elapsed time)."""

    def __init__(self, retrieving: bool, pinn_seconds: float | None, tool_timeout: float):
        self.retrieving, self.pinn_seconds = retrieving, pinn_seconds
        self.tool_timeout = tool_timeout
        self.done: list[dict] = []
        self.current = "🔎 Searching the knowledge base" if retrieving else "📝 Planning"
        self.detail = ""
        self.since = time.monotonic()

    def _now(self, title: str, detail: str = "") -> None:
        self.current, self.detail, self.since = title, detail, time.monotonic()

    def update(self, event: dict) -> None:
        if event["event"] == "step":
            title = f"🔧 {event['id']} · {event['tool']}"
            if event["status"] == "running":
                limit = self.tool_timeout
                if event["tool"] == "solve_pde" and self.pinn_seconds:
                    limit = min(limit, self.pinn_seconds)
                self._now(title, f"of at most {limit:g} s")
            else:
                outcome = "ok" if event["status"] == "done" else "failed"
                body = str(event.get("value")) if event["status"] == "done" else \
                    str(event.get("error"))
                self.done.append(thought(title, code_block(body),
                                         duration=event.get("seconds"), log=outcome))
                self._now("🔍 Checking the results")
            return
        node, took = event.get("node"), time.monotonic() - self.since
        if node == "retrieve" and self.retrieving:
            self.done.append(thought("🔎 Knowledge base", f"{event.get('passages', 0)} "
                                     f"passages found", duration=took))
            self._now("📝 Planning")
        elif node == "plan":
            problems = event.get("problems") or []
            body = "\n".join(f"- {prose(p)}" for p in problems) if problems else \
                code_block(json.dumps(event.get("plan"), indent=1))
            self.done.append(thought(f"📝 Plan (attempt {event.get('attempt')})", body,
                                     duration=took, log="rejected" if problems else "valid"))
            self._now("📝 Planning again" if problems else "🔧 Running the plan")
        elif node == "verify":
            self._now("✍️ Writing the answer" if event.get("verified") else
                      "📝 A check failed: planning again")

    def messages(self) -> list[dict]:
        elapsed = time.monotonic() - self.since
        log = f"{elapsed:.0f} s" + (f" {self.detail}" if self.detail else "")
        return [*self.done, thought(self.current, "working...", status="pending", log=log)]


def _ask(agent: Agent, question: str, thread_id: str, options: dict,
         events: queue.Queue) -> None:
    """Run the agent on a thread of its own, so that the page can tick while it works."""
    try:
        for event in agent.stream(question, thread_id=thread_id, **options):
            events.put(event)
    except Exception as err:                  # noqa: BLE001 - shown, never a traceback
        events.put({"event": "error", "message": f"{type(err).__name__}: {err}"})


def _conversation(agent: Agent, thread_id: str) -> tuple[list[dict], dict]:
    """A thread's messages and trace map, rebuilt from the recorded answers."""
    shown: list[dict] = []
    known: dict[str, str] = {}
    for answer in agent.feedback.answers(thread_id):
        shown.append(user_message(answer.question))
        first = len(shown)
        shown += turn_messages(answer)
        known.update({str(i): answer.trace_id for i in range(first, len(shown))})
    return shown, known


def _conversation_choices(agent: Agent) -> list[tuple[str, str]]:
    return [(f"{c.title[:60]} ({c.answers})", c.thread_id)
            for c in agent.feedback.conversations()]


def _ingest(agent: Agent, files: list[Path]) -> str:
    """Copy uploads into ``uploads_dir()`` and ingest them into the agent's knowledge base."""
    from tools.retrieval import KnowledgeBase
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for f in files:
        target = folder / Path(f.name).name
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(f, tmp)
        tmp.replace(target)
        kept.append(target)
    s = agent.settings
    with KnowledgeBase(s.qdrant_path or None, url=s.qdrant_url or None,
                       api_key=s.qdrant_api_key or None, reference=False,
                       allowed_roots=[folder]) as kb:
        report = kb.ingest(kept, progress=False)
    skipped = "".join(f"\n- skipped {Path(p).name}: {why}" for p, why in report.errors.items())
    return f"Knowledge base: {report.summary()}.{skipped}"
