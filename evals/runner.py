"""Running a set of tasks: parallel workers, a time limit per task, resume after interruption.

    run_eval(load_tasks("gr"), Path("out"), mode="planner", workers=2, time_limit=300)

A run can stop early: ``stop`` sees the results so far after each task and returns a reason
to take no more (the gate's verdict on a candidate can be sure before its last task).

Each finished task is appended to ``DIR/results.jsonl`` at once, so an interrupted run loses
only the tasks in flight: started again on the same ``DIR`` it skips what is there. ``DIR/
run.json`` records what was run (mode, planner settings, task files); a different set-up on
the same ``DIR`` is refused rather than mixed in. At the end the report is written (see
:mod:`evals.report`). ``mode="oracle"`` runs each task's reference plan instead of asking the
planner: what fails there fails in the tools, not in the planning.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from agent.runner import spawn

from .report import write_atomic, write_report
from .tasks import Task


class EvalError(RuntimeError):
    """A run that cannot start or continue: the message says why."""


def run_eval(tasks: list[Task], out: Path, mode: str = "planner", workers: int = 1,
             time_limit: float = 600.0, settings: dict[str, Any] | None = None,
             label: str = "", source: str = "", progress: bool = True,
             identity: dict[str, Any] | None = None,
             stop: Callable[[list[dict]], str | None] | None = None) -> dict:
    """Run ``tasks`` into ``out`` and return the report (also written to ``out``).
    ``identity`` is what must match for a run to resume (default: ``settings``); a server
    started for the run, on a port of the day, leaves its URL out of it. ``stop`` (the
    results so far -> a reason, or None) ends the run early; the report says why in
    ``stopped``."""
    if mode not in ("planner", "oracle"):
        raise EvalError(f"mode is 'planner' or 'oracle', not {mode!r}")
    out.mkdir(parents=True, exist_ok=True)
    settings = dict(settings or {})
    run = {"mode": mode, "label": label or _label(mode, settings),
           "settings": settings if identity is None else identity, "tasks": source}
    _claim(out / "run.json", run)
    results_path = out / "results.jsonl"
    done = _read_results(results_path)
    if results_path.exists() and not results_path.read_bytes().endswith(b"\n"):
        with results_path.open("a") as f:      # a line cut off by an interruption ends here
            f.write("\n")
    todo = [t for t in tasks if t.id not in done]
    skipped = [t for t in todo if mode == "oracle" and t.plan is None]
    todo = [t for t in todo if t not in skipped]
    started = time.perf_counter()
    ids = {t.id for t in tasks}
    seen = [r for r in done.values() if r["id"] in ids]           # results so far, as they finished
    stopped = [stop(seen) if stop else None]
    if todo and not stopped[0]:
        _run(todo, results_path, mode, settings, max(1, min(workers, len(todo))), time_limit,
             progress, seen, stop, stopped)
    results = _read_results(results_path)
    ordered = [results[t.id] for t in tasks if t.id in results]
    return write_report(out, ordered, run | {"skipped": [t.id for t in skipped],
                                             "wall_seconds": time.perf_counter() - started,
                                             **({"stopped": stopped[0]} if stopped[0] else {})})


def _label(mode: str, settings: dict) -> str:
    if mode == "oracle":
        return "oracle (reference plans)"
    planner = settings.get("planner", "default planner")
    adapter = settings.get("adapter")
    model = settings.get("model")
    return planner + (f" {model}" if model else "") + \
        (f" + adapter {adapter}" if adapter not in (None, "auto") else "")


def _claim(path: Path, run: dict) -> None:
    """Record the set-up of the run in ``path``, or check it is the one recorded there."""
    if path.exists():
        before = json.loads(path.read_text())
        keys = ("mode", "settings", "tasks")
        if any(before.get(k) != run.get(k) for k in keys):
            raise EvalError(
                f"{path.parent} holds results of another run ({before.get('label')}, tasks "
                f"{before.get('tasks')!r}); give another --out or delete that folder")
        return
    write_atomic(path, json.dumps(run, indent=1))


def _read_results(path: Path) -> dict[str, dict]:
    """Results by task id; a line cut off by an interruption is ignored (it runs again)."""
    results: dict[str, dict] = {}
    if not path.exists():
        return results
    for line in path.read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "id" in record:
            results[record["id"]] = record
    return results


def _run(tasks: list[Task], results_path: Path, mode: str, settings: dict, workers: int,
         time_limit: float, progress: bool, seen: list[dict], stop, stopped: list) -> None:
    """Run ``tasks`` in ``workers`` processes; after each result ``stop`` (given ``seen``, the
    results so far) may set ``stopped[0]`` to a reason, and no further task starts."""
    from tqdm import tqdm
    pending: queue.Queue[Task] = queue.Queue()
    for task in tasks:
        pending.put(task)
    lock = threading.Lock()
    bar = tqdm(total=len(tasks), desc=f"eval ({mode})", unit="task", disable=not progress,
               file=sys.stderr)
    correct = [0]

    def record(result: dict) -> None:
        with lock, results_path.open("a") as f:
            f.write(json.dumps(result, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())
            correct[0] += bool(result.get("correct"))
            bar.update(1)
            bar.set_postfix(correct=correct[0])
            seen.append(result)
            if stop is not None and not stopped[0]:
                stopped[0] = stop(seen)

    def serve() -> None:
        worker: _Worker | None = None
        try:
            while not stopped[0]:
                try:
                    task = pending.get_nowait()
                except queue.Empty:
                    return
                if worker is None:
                    worker = _Worker(mode, settings)
                try:
                    result = worker.ask(task, time_limit)
                except _Lost as lost:
                    worker.stop()
                    worker = None
                    result = {"id": task.id, "suite": task.suite, "question": task.question,
                              "correct": False, "credit": 0.0, "verified": False,
                              "status": "error", "seconds": lost.seconds, "error": lost.why}
                record(result)
        finally:
            if worker is not None:
                worker.stop(graceful=True)

    threads = [threading.Thread(target=serve, daemon=True) for _ in range(workers)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.5)
    finally:
        bar.close()


class _Lost(Exception):
    """A task the worker did not answer: out of time, or the worker died or never started."""

    def __init__(self, why: str, seconds: float = 0.0) -> None:
        super().__init__(why)
        self.why, self.seconds = why, seconds


class _Worker:
    """An eval worker process (``python -m evals.worker``) in its own process group."""

    START_SECONDS = 900.0                 # loading the planner, compiling its grammar

    def __init__(self, mode: str, settings: dict) -> None:
        self.process, self.send, self.recv = spawn("evals.worker", stdout=subprocess.DEVNULL,
                                                   start_new_session=True)
        self.send.send({"mode": mode, "settings": settings})
        self.failed: str | None = None        # why it cannot answer: every task says so
        try:
            if not self.recv.poll(self.START_SECONDS):
                self.failed = f"the worker did not start in {self.START_SECONDS:g} s"
            else:
                self.recv.recv()
        except (EOFError, OSError):
            self.failed = f"the worker failed to start (exit code {self.process.wait(10)})"

    def ask(self, task: Task, time_limit: float) -> dict:
        """The task's result; :class:`_Lost` when the worker cannot give it."""
        if self.failed is not None:
            raise _Lost(self.failed)
        try:
            self.send.send(task.model_dump(mode="json"))
            if not self.recv.poll(time_limit):
                raise _Lost(f"time limit of {time_limit:g} s reached", round(time_limit, 3))
            return self.recv.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
            code = self.process.wait(10)
            raise _Lost(f"the worker process died (exit code {code})") from None

    def stop(self, graceful: bool = False) -> None:
        """Stop the worker: ``graceful`` lets it close its agent (and clean its scratch
        folder) for a few seconds first; otherwise, or after that, its group is killed."""
        if graceful:
            self.send.close()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait(10)
        self.send.close()
        self.recv.close()
