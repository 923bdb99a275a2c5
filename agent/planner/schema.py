"""The JSON schema a plan must match, built from the registry: each step is one of the tools,
with that tool's own argument schema, so a constrained decoder can only write plans whose
tool names exist and whose arguments have the right fields.

>>> from agent.registry import default_registry
>>> schema = plan_schema(default_registry())
>>> sorted(v["properties"]["tool"]["const"] for v in schema["properties"]["steps"]["items"]["anyOf"])[:3]
['curvature', 'differentiate', 'dsolve']
"""

from __future__ import annotations

import json

from tools.base import inline_refs

from ..plan import MAX_STEPS
from ..registry import Registry

STEP_ID = r"^s[0-9]{1,2}$"
# Plans are written as compact JSON, the form vLLM's grammar enforces when whitespace is not
# free (``disable_any_whitespace``): one form for both backends and for the training targets,
# and a fifth fewer tokens than ", " / ": ". Every argument has a typed schema (no free-form
# object, see ``untyped_objects``): inside an untyped object xgrammar writes its generic JSON
# rule, whose separators differ between its versions.
SEPARATORS = (",", ":")


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


# Left out of the grammar (pydantic still checks them when the plan is parsed): xgrammar turns
# a string with a length bound into a counted repetition of [^"\\], which refuses every
# escape, so no LaTeX line element (\frac, \sin) could be written.
_NOT_IN_GRAMMAR = ("$defs", "title", "minLength", "maxLength")


def _inline(schema: dict) -> dict:
    """``schema`` with its ``$defs`` references replaced by their definitions (one nested
    schema per tool then stands alone), and titles and string length bounds dropped."""
    return inline_refs(schema, drop=_NOT_IN_GRAMMAR)


def canonical(plan: dict, registry: Registry) -> dict:
    """``plan`` with its keys in the schema's order (the order a constrained decoder writes
    them in): steps then final; id, tool, args; each tool's arguments in its own order, and
    so on down (a PDE spec, its conditions). Values are untouched."""
    schemas = {t["name"]: _inline(t["args"]) for t in registry.schemas()}
    steps = [{"id": s["id"], "tool": s["tool"],
              "args": _ordered(s.get("args", {}), schemas.get(s["tool"], {}))}
             for s in plan["steps"]]
    return {"steps": steps, "final": plan["final"]}


def _ordered(value, schema: dict):
    """``value`` with the keys of its objects in the order of ``schema``'s properties."""
    for option in schema.get("anyOf", []):
        if isinstance(value, dict) and "properties" in option or \
                isinstance(value, list) and option.get("type") == "array":
            return _ordered(value, option)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        order = list(props)
        ranked = sorted(value, key=lambda k: order.index(k) if k in order else len(order))
        extra = schema.get("additionalProperties")
        return {k: _ordered(value[k], props.get(k, extra if isinstance(extra, dict) else {}))
                for k in ranked}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_ordered(v, schema["items"]) for v in value]
    return value


def untyped_objects(registry: Registry) -> list[str]:
    """Where the plan schema admits an object of any shape (``tool.argument.path``): there
    the grammar falls back on xgrammar's generic JSON rule (see ``SEPARATORS``)."""
    found = []

    def walk(node, where: str):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" not in node \
                    and not isinstance(node.get("additionalProperties"), dict):
                found.append(where)
            for key, child in node.items():
                walk(child, where if key in ("anyOf", "items", "properties",
                                             "additionalProperties") else f"{where}.{key}")
        elif isinstance(node, list):
            for child in node:
                walk(child, where)
    for tool in registry.schemas():
        walk(_inline(tool["args"]).get("properties", {}), tool["name"])
    return found


def write_plan(plan: dict) -> str:
    """``plan`` as the constrained decoder writes it (keys in the order given, characters as
    they are): compact JSON."""
    return json.dumps(plan, ensure_ascii=False, separators=SEPARATORS)


def compile_plan_grammar(compiler, registry: Registry):
    """The xgrammar grammar of the plan schema (keys in schema order, compact separators),
    from ``compiler``, an ``xgrammar.GrammarCompiler``."""
    return compiler.compile_json_schema(json.dumps(plan_schema(registry)), any_whitespace=False,
                                        separators=SEPARATORS)
