"""Tools in worker processes: time and memory budgets, crashes, cache."""

import time

from pydantic import Field

from agent.registry import Registry, default_registry
from agent.runner import Runner
from tools.base import StrictArgs, Tool, ToolResult


class Sleep(Tool):
    name = "sleep"
    summary = "Sleep, then say how long."

    class Args(StrictArgs):
        seconds: float = Field(ge=0)

    def run(self, args):
        time.sleep(args.seconds)
        return ToolResult(ok=True, value=args.seconds)


class Hog(Tool):
    name = "hog"
    summary = "Allocate memory."

    class Args(StrictArgs):
        megabytes: int

    def run(self, args):
        block = bytearray(args.megabytes * 2**20)
        return ToolResult(ok=True, value=len(block))


def test_timeout_kills_the_worker_and_the_next_call_still_works():
    with Runner(Registry([Sleep()]), timeout=60) as runner:
        start = time.perf_counter()
        late = runner.run("sleep", {"seconds": 30}, timeout=2)
        assert time.perf_counter() - start < 20
        assert not late.ok and late.data["timeout"] and "ran out of time after 2 s" in late.error
        assert runner.run("sleep", {"seconds": 0}).value == 0


def test_memory_budget_is_a_clear_error_not_a_dead_agent():
    with Runner(Registry([Hog()]), memory_mb=1500) as runner:
        big = runner.run("hog", {"megabytes": 4000})
        assert not big.ok and "out of memory" in big.error
        assert runner.run("hog", {"megabytes": 10}).value == 10 * 2**20


def test_unknown_tools_bad_arguments_and_the_cache():
    with Runner(default_registry()) as runner:
        unknown = runner.run("curvatur", {})
        assert not unknown.ok and "did you mean 'curvature'" in unknown.error
        bad = runner.run("limit", {"expression": "x"})
        assert not bad.ok and "variable" in bad.error and "point" in bad.error
        first = runner.run("curvature", {"metric": "schwarzschild", "quantity": "kretschmann"})
        assert first.ok and first.value == "48*M**2/r**6" and "cached" not in first.data
        again = runner.run("curvature", {"quantity": "kretschmann", "metric": "schwarzschild"})
        assert again.data["cached"] and again.value == first.value
        assert not runner.run("limit", {"expression": "x"}).data.get("cached")  # failures rerun


def test_the_pde_tool_runs_inside_the_memory_budget():
    with Runner(default_registry()) as runner:
        result = runner.run("solve_pde", {"problem": "harmonic_oscillator", "plot": False})
        assert result.ok, result.error
        assert result.value["error_estimate"] < 1e-6
