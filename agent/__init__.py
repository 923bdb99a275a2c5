"""Geodesic's agent: ``from agent import Agent, Answer``.

The names load on first use, so ``import agent.plan`` (or the ``geodesic`` command's tool
subcommands) does not pay for LangGraph and the planner.
"""

__all__ = ["Agent", "Answer", "Final", "Settings"]


def __getattr__(name: str):
    if name == "Agent":
        from .api import Agent
        return Agent
    if name in ("Answer", "Final"):
        from . import answer
        return getattr(answer, name)
    if name == "Settings":
        from .config import Settings
        return Settings
    raise AttributeError(f"module 'agent' has no attribute {name!r}")
