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
import json

from ..plan import MAX_STEPS
from ..registry import Registry

STEP_ID = r"^s[0-9]{1,2}$"
# Plans are written as compact JSON, the form vLLM's grammar enforces when whitespace is not
# free (``disable_any_whitespace``): one form for both backends and for the training targets,
# and a fifth fewer tokens than ", " / ": ".
SEPARATORS = (",", ":")
# Arguments that are free-form objects in the schema. Inside their values xgrammar 0.2.8
# writes its generic JSON rule, which separates items with ", " (keys still with ":").
FREE_FORM = {("solve_pde", "spec")}


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


def free_form_args(registry: Registry) -> set[tuple[str, str]]:
    """(tool, argument) pairs whose schema admits any object (see ``FREE_FORM``)."""
    found = set()
    for tool in registry.schemas():
        for arg, schema in tool["args"]["properties"].items():
            options = schema.get("anyOf", [schema])
            if any(o.get("type") == "object" and "properties" not in o
                   and not isinstance(o.get("additionalProperties"), dict) for o in options):
                found.add((tool["name"], arg))
    return found


def write_plan(plan: dict) -> str:
    """``plan`` as the constrained decoder writes it (keys in the order given, characters as
    they are): compact JSON, with the generic rule's ", " between items nested inside a
    free-form argument."""
    def compact(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=SEPARATORS)

    def generic(value) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{compact(k)}:{generic(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(generic(v) for v in value) + "]"
        return compact(value)

    def free(value) -> str:                            # its own keys are the schema's level
        if not isinstance(value, dict):
            return generic(value)
        return "{" + ",".join(f"{compact(k)}:{generic(v)}" for k, v in value.items()) + "}"

    def step(s: dict) -> str:
        parts = []
        for key, value in s.items():
            if key == "args" and isinstance(value, dict):
                value = "{" + ",".join(
                    f"{compact(a)}:" + (free(v) if (s.get("tool"), a) in FREE_FORM else compact(v))
                    for a, v in value.items()) + "}"
                parts.append(f'"args":{value}')
            else:
                parts.append(f"{compact(key)}:{compact(value)}")
        return "{" + ",".join(parts) + "}"

    parts = []
    for key, value in plan.items():
        if key == "steps" and isinstance(value, list):
            parts.append('"steps":[' + ",".join(step(s) for s in value) + "]")
        else:
            parts.append(f"{compact(key)}:{compact(value)}")
    return "{" + ",".join(parts) + "}"


def compile_plan_grammar(compiler, registry: Registry):
    """The xgrammar grammar of the plan schema (keys in schema order, compact separators),
    from ``compiler``, an ``xgrammar.GrammarCompiler``."""
    return compiler.compile_json_schema(json.dumps(plan_schema(registry)), any_whitespace=False,
                                        separators=SEPARATORS)
