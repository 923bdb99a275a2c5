"""One eval worker: an ``Agent`` of its own, answering and scoring tasks sent over a pipe.

Started by :mod:`evals.runner` as ``python -m evals.worker FD_IN FD_OUT`` in a session of
its own, so that a task past its time limit is stopped by killing the worker's process group
(its tool workers included) without touching the other workers. The first message is the
configuration ``{"mode": "planner"|"oracle", "settings": {...}}``; each later one is a task
(a dict); each reply is that task's result record.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .score import Score, score
from .tasks import Task


def answer_task(agent, task: Task, mode: str) -> dict[str, Any]:
    """Answer ``task`` (with its reference plan in oracle mode) and score the answer."""
    record: dict[str, Any] = {"id": task.id, "suite": task.suite, "question": task.question}
    start = time.perf_counter()
    try:
        if mode == "oracle":
            answer = agent.run_plan(task.plan, question=task.question)
        else:
            answer = agent.ask(task.question)
    except Exception as err:                        # noqa: BLE001 - recorded, run goes on
        record.update(correct=False, credit=0.0, verified=False, status="error",
                      seconds=round(time.perf_counter() - start, 3),
                      error=f"{type(err).__name__}: {err}",
                      trace=traceback.format_exc(limit=4))
        return record
    seconds = time.perf_counter() - start
    result: Score = score(task.expect, answer.final, answer.text)
    failed = [s for s in answer.steps if not s.ok]
    record.update(
        correct=result.correct, credit=round(result.credit, 4), detail=result.detail,
        verified=answer.verified, status=answer.status, seconds=round(seconds, 3),
        error=(answer.reason or None) if answer.status == "refused" else
        (failed[-1].error if failed and not answer.verified else None),
        reason=answer.reason, final={"kind": answer.final.kind,
                                     "value": _short(answer.final.exact or answer.final.value)},
        plan=answer.plan, tools=[s.tool for s in answer.steps],
        checks=[{"name": c.name, "passed": c.passed} for c in answer.checks])
    return record


def _short(value: Any, limit: int = 2000) -> Any:
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + " ..."
    if isinstance(value, (dict, list)):
        text = str(value)
        return text if len(text) <= limit else text[:limit] + " ..."
    return value


def _serve(conn_in: Connection, conn_out: Connection) -> None:
    from agent import Agent
    from agent.config import Settings
    config = conn_in.recv()
    with tempfile.TemporaryDirectory(prefix="geodesic-eval-") as scratch:
        settings = Settings(**{"checkpoints": str(Path(scratch) / "checkpoints.sqlite"),
                               "feedback": str(Path(scratch) / "feedback.sqlite"),
                               **config.get("settings", {})})
        with Agent(settings) as agent:
            conn_out.send({"ready": True})
            while True:
                try:
                    data = conn_in.recv()
                except (EOFError, KeyboardInterrupt):
                    return
                conn_out.send(answer_task(agent, Task.model_validate(data), config["mode"]))


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1]), writable=False),
           Connection(int(sys.argv[2]), readable=False))
