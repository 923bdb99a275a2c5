"""Running tools: in a worker process with a time and memory budget, results cached.

SymPy's ``simplify`` can hang and a PDE can eat memory; neither may take the agent with it.
A tool runs in a long-lived worker process (started once, so imports are paid once) with
its address space capped; past its time budget the worker is killed and replaced, and the
step's result says why. Tools marked ``in_process`` (the literature search, which holds the
knowledge base open) run in the caller. Successful results are cached by (tool, arguments),
so a replan does not recompute what already worked.

>>> from agent.registry import default_registry
>>> with Runner(default_registry(), timeout=60) as runner:
...     first = runner.run("differentiate", {"expression": "r^3", "variable": "r"})
...     again = runner.run("differentiate", {"variable": "r", "expression": "r^3"})
>>> first.value, again.data["cached"]
('3*r**2', True)
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from collections import OrderedDict
from typing import Any

from tools.base import Tool, ToolResult

from .registry import Registry


class Runner:
    def __init__(self, registry: Registry, timeout: float = 300.0, memory_mb: int = 8192,
                 cache_size: int = 256) -> None:
        self.registry, self.timeout, self.memory_mb = registry, timeout, memory_mb
        self._cache: OrderedDict[str, dict] = OrderedDict()
        self._cache_size = cache_size
        self._worker: _Worker | None = None
        self._lock = threading.Lock()          # one tool call at a time per worker
        self._cache_lock = threading.Lock()    # callers on several threads share the cache

    def run(self, tool: str, args: dict[str, Any], timeout: float | None = None) -> ToolResult:
        try:
            key = json.dumps([tool, args], sort_keys=True, default=str)
        except (TypeError, ValueError):
            key = None
        with self._cache_lock:
            hit = self._cache.get(key) if key is not None else None
            if hit is not None:
                self._cache.move_to_end(key)
        if hit is not None:
            cached = ToolResult.model_validate(hit)
            cached.data = {**cached.data, "cached": True}
            return cached
        try:
            instance = self.registry.get(tool)
        except KeyError as err:
            return ToolResult(ok=False, error=str(err.args[0]))
        if getattr(instance, "in_process", False):
            result = instance(args)
        else:
            with self._lock:
                result = self._in_worker(instance, args, timeout or self.timeout)
        if result.ok and key is not None:
            with self._cache_lock:
                self._cache[key] = result.model_dump()
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return result

    def _in_worker(self, tool: Tool, args: dict, timeout: float) -> ToolResult:
        if self._worker is None or not self._worker.alive():
            self._worker = _Worker(self.memory_mb)
        cls = type(tool)
        outcome = self._worker.call(cls.__module__, cls.__qualname__, args, timeout)
        if outcome is None:                                   # out of time: kill, replace
            self._worker.kill()
            self._worker = None
            return ToolResult(ok=False, seconds=timeout, data={"timeout": True},
                              error=f"{tool.name} ran out of time after {timeout:g} s")
        if isinstance(outcome, str):
            self._worker = None
            return ToolResult(ok=False, error=f"{tool.name}: {outcome}")
        return ToolResult.model_validate(outcome)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def spawn(module: str, *args: str, **popen) -> tuple[subprocess.Popen, Connection, Connection]:
    """Start ``python -m module FD_IN FD_OUT *args`` and return it with the connection that
    sends to it and the one that receives from it. Its stdout stays free for libraries that
    print; ``popen`` options go to ``subprocess.Popen``."""
    to_child_r, to_child_w = os.pipe()
    from_child_r, from_child_w = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", module, str(to_child_r), str(from_child_w), *args],
        pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, **popen)
    os.close(to_child_r)
    os.close(from_child_w)
    return process, Connection(to_child_w, readable=False), Connection(from_child_r,
                                                                       writable=False)


class _Worker:
    """One worker process serving tool calls over a pair of pipes.

    It is started as ``python -m agent.runner FD_IN FD_OUT MEMORY_MB`` rather than through
    multiprocessing's spawn, which would re-import the caller's ``__main__`` (a script
    without an ``if __name__ == "__main__"`` guard would then run twice)."""

    def __init__(self, memory_mb: int) -> None:
        self.process, self.send_conn, self.recv_conn = spawn("agent.runner", str(memory_mb))

    def alive(self) -> bool:
        return self.process.poll() is None

    def call(self, module: str, qualname: str, args: dict, timeout: float) -> dict | str | None:
        """The result as a dict, a message if the worker died, or None past ``timeout``."""
        try:
            self.send_conn.send((module, qualname, args))
            if not self.recv_conn.poll(timeout):
                return None
            return self.recv_conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
            code = self.process.wait(5)
            return f"the worker process died (exit code {code}; out of memory?)"

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.send_conn.close()
        self.recv_conn.close()


def _serve(conn_in: Connection, conn_out: Connection, memory_mb: int) -> None:
    """The worker's loop: build the tool, run it, send back its result."""
    import resource
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    tools: dict[tuple[str, str], Tool] = {}
    while True:
        try:
            module, qualname, args = conn_in.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            key = (module, qualname)
            if key not in tools:
                cls: Any = importlib.import_module(module)
                for part in qualname.split("."):
                    cls = getattr(cls, part)
                tools[key] = cls()
            result = tools[key](args)
        except MemoryError:
            result = ToolResult(ok=False, error=f"out of memory (budget {memory_mb} MB)")
        except Exception as err:                      # noqa: BLE001 - reported to the caller
            result = ToolResult(ok=False, error=f"{type(err).__name__}: {err}")
        conn_out.send(result.model_dump())


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1]), writable=False),
           Connection(int(sys.argv[2]), readable=False), int(sys.argv[3]))
