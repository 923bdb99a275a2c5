"""The JSON schema a plan must match, built from the registry: each step is one of the tools,
with that tool's own argument schema, so a constrained decoder can only write plans whose
tool names exist and whose arguments have the right fields.

>>> from agent.registry import default_registry
>>> schema = plan_schema(default_registry())
>>> sorted(v["properties"]["tool"]["const"] for v in schema["properties"]["steps"]["items"]["anyOf"])[:3]
['curvature', 'differentiate', 'dsolve']
"""

from __future__ import annotations

import copy

from ..plan import MAX_STEPS
from ..registry import Registry

STEP_ID = r"^s[0-9]{1,2}$"


def plan_schema(registry: Registry, typed: bool = True) -> dict:
    """``typed``: each tool's arguments follow its schema; otherwise ``args`` is any object
    (for servers whose grammar engine cannot take the full schemas)."""
    variants = []
    for tool in registry.schemas():
        args = _inline(tool["args"]) if typed else {"type": "object"}
        variants.append({"type": "object",
                         "properties": {"id": {"type": "string", "pattern": STEP_ID},
                                        "tool": {"const": tool["name"]},
                                        "args": args},
                         "required": ["id", "tool", "args"], "additionalProperties": False})
    return {"type": "object",
            "properties": {"steps": {"type": "array", "minItems": 1, "maxItems": MAX_STEPS,
                                     "items": {"anyOf": variants}},
                           "final": {"type": "string", "pattern": STEP_ID}},
            "required": ["steps", "final"], "additionalProperties": False}


def _inline(schema: dict) -> dict:
    """``schema`` with its ``$defs`` references replaced by their definitions (one nested
    schema per tool then stands alone), and titles dropped."""
    defs = schema.get("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]))
            return {k: walk(v) for k, v in node.items() if k not in ("$defs", "title")}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node
    return walk(schema)


def canonical(plan: dict, registry: Registry) -> dict:
    """``plan`` with its keys in the schema's order (the order a constrained decoder writes
    them in): steps then final; id, tool, args; each tool's arguments in its own order.
    Values are untouched, and free-form objects (a PDE spec) keep their order."""
    orders = {t["name"]: list(t["args"]["properties"]) for t in registry.schemas()}

    def args(tool: str, given: dict) -> dict:
        order = orders.get(tool, [])
        ranked = sorted(given, key=lambda k: order.index(k) if k in order else len(order))
        return {k: given[k] for k in ranked}
    steps = [{"id": s["id"], "tool": s["tool"], "args": args(s["tool"], s.get("args", {}))}
             for s in plan["steps"]]
    return {"steps": steps, "final": plan["final"]}
