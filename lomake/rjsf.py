"""`lomake import-rjsf`: a react-jsonschema-form schema and uiSchema as one Lomake form file.

The uiSchema mirrors the schema's shape; each `ui:` key is written inline onto the
subschema it describes. What rjsf shows without a title (the property name) becomes the
title, since Lomake asks every field for one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from core.forms import META_KEY
from core.schema import Schema, iter_subschemas, json_type
from core.view.widgets import WIDGETS

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

#: rjsf widget names Lomake reads as one of its own.
_WIDGET_ALIASES = {"toggle": "checkbox", "updown": "text", "range": "text", "alt-datetime": "datetime",
                   "alt-date": "date-parts"}
#: Where rjsf keeps the schemas a property may be declared in, besides `properties`.
_BRANCHES = ("allOf", "anyOf", "oneOf")


def import_rjsf(sample: dict[str, Any], name: str, lang: str = "en") -> tuple[Schema, list[str]]:
    """The form file for an rjsf `{"schema", "uiSchema"}` pair, and notes on what was left out."""
    schema = copy.deepcopy(sample.get("schema") or {})
    notes: list[str] = []
    _inline(schema, sample.get("uiSchema") or {}, schema, notes, "")
    if not wraps_object(sample):
        schema = {"title": schema.get("title") or name, "type": "object", "properties": {"value": schema}}
        notes.append("the schema is not an object: it became the one field 'value'")
    schema.setdefault("title", name)
    schema.setdefault(META_KEY, {"languages": [lang]})  # the playground's samples are in English
    schema.setdefault("$schema", DRAFT_07)  # rjsf validates with ajv's draft-07 unless told otherwise
    _add_titles(schema)
    return schema, notes


def wraps_object(sample: dict[str, Any]) -> bool:
    """Whether the sample's schema is an object schema (otherwise the import wraps it as `value`)."""
    schema = sample.get("schema") or {}
    return json_type(schema) == "object" or "$ref" in schema or "allOf" in schema


def _inline(schema: Any, ui: Any, root: Schema, notes: list[str], at: str) -> None:
    if not isinstance(schema, dict) or not isinstance(ui, dict):
        return
    for key, value in ui.items():
        if key.startswith("ui:"):
            _set_ui(schema, key, value, notes, at)
        elif key == "items":
            items = schema.get("items")
            for i, item in enumerate(items if isinstance(items, list) else [items]):
                _inline(item, value[i] if isinstance(value, list) and i < len(value) else value, root, notes, at)
        elif key in ("additionalProperties", "additionalItems"):
            _inline(schema.get(key), value, root, notes, at)
        else:
            places = list(_declarations(schema, key, root))
            if not places:
                notes.append(f"uiSchema{at}/{key}: no such property; left out")
            for place in places:
                _inline(place, value, root, notes, f"{at}/{key}")


def _set_ui(schema: Schema, key: str, value: Any, notes: list[str], at: str) -> None:
    if key == "ui:widget":
        value = _WIDGET_ALIASES.get(value, value)
        if value not in WIDGETS:
            notes.append(f"uiSchema{at}/ui:widget: {value!r} is a custom React widget; left out")
            return
    schema[key] = value


def _declarations(schema: Schema, name: str, root: Schema) -> Iterator[Schema]:
    """Every subschema that declares property `name` directly under `schema`."""
    seen: set[int] = set()

    def visit(node: Any, depth: int) -> Iterator[Schema]:
        if not isinstance(node, dict) or id(node) in seen or depth > 8:
            return
        seen.add(id(node))
        if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
            target: Any = root
            for part in node["$ref"][2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
            yield from visit(target, depth + 1)
        prop = (node.get("properties") or {}).get(name)
        if isinstance(prop, dict):
            yield prop
        for key in _BRANCHES:
            for branch in node.get(key) or ():
                yield from visit(branch, depth + 1)
        for key in ("then", "else"):
            yield from visit(node.get(key), depth + 1)
        for dependency in (node.get("dependencies") or {}).values():
            yield from visit(dependency, depth + 1)

    yield from visit(schema, 0)


def _add_titles(schema: Any) -> None:
    """Give each untitled property the title rjsf would show: its name."""
    for sub, _ in list(iter_subschemas(schema)):
        for prop_name, prop in (sub.get("properties") or {}).items():
            if isinstance(prop, dict) and not prop.get("title") and "$ref" not in prop:
                prop["title"] = prop_name
            elif isinstance(prop, dict) and not prop.get("title") and _untitled_target(schema, prop["$ref"]):
                prop.setdefault("ui:title", prop_name)


def _untitled_target(root: Schema, ref: str) -> bool:
    if not ref.startswith("#/"):
        return False
    target: Any = root
    for part in ref[2:].split("/"):
        target = target.get(part) if isinstance(target, dict) else None
    return not (isinstance(target, dict) and target.get("title"))
