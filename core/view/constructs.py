"""Schemas written without the keywords the page reads, read for what they mean: a type implied by
other keywords, `allOf` parts merged into one question, and a `oneOf`/`anyOf` of plain values
answered in one control that validation holds to the union."""

from __future__ import annotations

import json
from typing import Any

from referencing._core import Resolver
from referencing.exceptions import Unresolvable

from core.messages import text
from core.schema import Schema, choices, deref, json_type, same_json
from core.view.fields import Field, Option

_STRING_KEYS = ("format", "pattern", "minLength", "maxLength", "contentMediaType", "contentEncoding")
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_SCALARS = ("string", "integer", "number", "null")


def implied(schema: Schema, resolver: Resolver[Any]) -> Schema:
    """`schema` as the page reads it: `allOf` parts that are not objects merged in (the property's own
    title and description first), and a missing `type` taken from the other keywords."""
    parts = schema.get("allOf")
    if isinstance(parts, list) and "properties" not in schema:
        merged: Schema = {k: v for k, v in schema.items() if k != "allOf"}
        try:
            found = [deref(p, resolver)[0] for p in parts if isinstance(p, dict)]
        except (Unresolvable, RecursionError):
            found = []
        objects = ["properties" in p or p.get("type") == "object" or "allOf" in p for p in found]
        if found and not any(objects):
            for part in found:
                merged = {**part, **merged} if "type" in merged else {**merged, **part}
            schema = {**merged, **{k: v for k, v in schema.items() if k != "allOf"}}
        elif "type" not in schema and any(objects) and all(
                o or "type" not in p for o, p in zip(objects, found, strict=True)):
            return {**schema, "type": "object"}  # an object's parts, and parts that say nothing of type
    if "type" in schema or "$ref" in schema or "enum" in schema or "const" in schema:
        return schema
    if any(k in schema for k in _STRING_KEYS):
        return {**schema, "type": "string"}
    if any(k in schema for k in _NUMBER_KEYS):
        return {**schema, "type": "number"}
    if "items" in schema or "prefixItems" in schema or "minItems" in schema:
        return {**schema, "type": "array"}
    excluded = excluded_values(schema)
    if excluded is not None and all(isinstance(v, str) for v in excluded):
        return {**schema, "type": "string"}
    return schema


def excluded_values(schema: Schema) -> list[Any] | None:
    """The values a `not: {enum: [...]}` (or `not: {const: ...}`) refuses."""
    refused = schema.get("not")
    if isinstance(refused, dict):
        if isinstance(refused.get("enum"), list):
            return list(refused["enum"])
        if "const" in refused:
            return [refused["const"]]
    return None


def not_message(base: dict[str, Any], schema: Schema, lang: str) -> tuple[tuple[str, str], ...]:
    """The refusal of a `not` that lists values: which ones are not accepted."""
    excluded = excluded_values(schema)
    if not excluded:
        return ()
    shown = text(lang, "or").join(f"”{v if isinstance(v, str) else json.dumps(v)}”" for v in excluded)
    return (("not", text(lang, "not_values", label=base["label"], values=shown)),)


def scalar_union(schema: Schema, resolver: Resolver[Any]) -> tuple[str, list[Any], bool] | None:
    """A `oneOf`/`anyOf` of plain values (a pattern or a sentinel `const`, an enum or a free value, a
    type or `null`): the answer's JSON type (`string`, `number`, `integer`, or `scalar` for numbers
    and strings both), the values it names, and whether `null` is one of them."""
    key = "oneOf" if isinstance(schema.get("oneOf"), list) else "anyOf" if isinstance(schema.get("anyOf"), list) else ""
    if not key or not schema[key] or "properties" in schema:
        return None
    kinds: set[str] = set()
    named: list[Any] = []
    for branch in schema[key]:
        try:
            branch = implied(deref(branch, resolver)[0], resolver) if isinstance(branch, dict) else None
        except (Unresolvable, RecursionError):
            return None
        if branch is None or any(k in branch for k in ("oneOf", "anyOf", "allOf", "properties", "items")):
            return None
        values = choices(branch) or ([(branch["const"], None)] if "const" in branch else [])
        kind = json_type(branch) or ("string" if not values else _kind_of([v for v, _ in values]))
        if kind not in _SCALARS:
            return None
        kinds.add(kind)
        named += [v for v, _ in values if v is not None]
    nullable = "null" in kinds
    kinds.discard("null")
    if not kinds:
        return None
    if kinds <= {"string"}:
        return "string", named, nullable
    if kinds <= {"integer"}:
        return "integer", named, nullable
    if kinds <= {"integer", "number"}:
        return "number", named, nullable
    return "scalar", named, nullable


def yes_no_union(schema: Schema, resolver: Resolver[Any], lang: str) -> list[tuple[Any, str | None]] | None:
    """A `oneOf`/`anyOf` of yes/no and named values (`{"type": "boolean"}` or a sentinel `const`): the
    values to choose from, "Yes" and "No" first; None unless a plain boolean is one of the options."""
    key = "oneOf" if isinstance(schema.get("oneOf"), list) else "anyOf" if isinstance(schema.get("anyOf"), list) else ""
    if not key or not schema[key] or "properties" in schema:
        return None
    values: list[tuple[Any, str | None]] = []
    for branch in schema[key]:
        try:
            branch = deref(branch, resolver)[0] if isinstance(branch, dict) else None
        except (Unresolvable, RecursionError):
            return None
        if branch is None or any(k in branch for k in ("oneOf", "anyOf", "allOf", "not", "if")):
            return None
        named = choices(branch) or ([(branch["const"], branch.get("title"))] if "const" in branch else None)
        if named is None and branch.get("type") == "boolean":
            named = [(True, text(lang, "yes")), (False, text(lang, "no"))]
        if named is None:
            return None
        values += [(v, t) for v, t in named if not any(same_json(v, w) for w, _ in values)]
    booleans = [(v, t) for v, t in values if isinstance(v, bool)]
    return [*booleans, *(e for e in values if not isinstance(e[0], bool))] if len(booleans) == 2 else None


def union_field(base: dict[str, Any], hints: list[str], union: tuple[str, list[Any], bool], lang: str) -> Field:
    """One text box for a union of plain values, offering the values the schema names."""
    kind, named, nullable = union
    shown = [v if isinstance(v, str) else json.dumps(v) for v in named]
    if shown:
        hints = [*hints, text(lang, "union_values", values=text(lang, "or").join(f"”{v}”" for v in shown))]
    options = tuple(Option(s, s, v) for s, v in zip(shown, named, strict=True))
    attrs = (("spellcheck", "false"), *((("list", base["id"] + "-examples"),) if options else ()))
    if kind in ("integer", "number") and not options:
        attrs = (("inputmode", "numeric" if kind == "integer" else "decimal"),)
    return Field("number" if kind in ("integer", "number") and not options else "text", json_type=kind,
                 hint=" ".join(hints), attrs=attrs, options=options, **{**base, "nullable": nullable})


def _kind_of(values: list[Any]) -> str | None:
    kinds = {"null" if v is None else "string" if isinstance(v, str) else "integer" if isinstance(v, int)
             and not isinstance(v, bool) else "number" if isinstance(v, float) else "other" for v in values}
    return kinds.pop() if len(kinds) == 1 else None
