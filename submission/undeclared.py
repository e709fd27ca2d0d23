"""Answers the form does not ask for: properties its schema does not describe, wherever they are.

The record holds only what the form asks. An object's property is described if a schema that
applies to the object names it in `properties`, matches it with `patternProperties`, or takes
any property (`additionalProperties` or `unevaluatedProperties` that is not `false`). The schemas
that apply are the object's own and, in place, its `$ref`, `allOf`, `then`/`else` and
`dependentSchemas` (of the properties present), and of a `oneOf`/`anyOf` the options the object
fits (those that describe all its properties; if none does, the one that leaves out fewest).
An object whose schemas describe no property at all (`{"type": "object"}`, or `{}`) is a
free-form answer and takes anything.
"""

from __future__ import annotations

from typing import Any

from referencing._core import Resolver
from referencing.exceptions import Unresolvable

from core.dialects import search
from core.schema import Schema, deref, escape

Located = tuple[Schema, Resolver[Any]]
#: Deeper than this the instance is not walked (the API refuses bodies nested deeper long before).
_MAX_DEPTH = 100
#: The most schemas that apply in place to one value (a guard against schemas that include themselves).
_MAX_APPLIED = 200


#: What applies to an object at the root, and the names it describes, by the object's property names (see `Shapes`).
Shape = tuple[list[Located], set[str] | None]
#: The most property-name sets `Shapes` keeps for one form.
MAX_SHAPES = 256


class Shapes(dict[frozenset[str], Shape]):
    """What applies to a root object depends only on its property names (which `dependentSchemas` apply, which
    options of a `oneOf`/`anyOf` fit): kept for one schema, for the next object with the same names."""


def undeclared(schema: Schema, resolver: Resolver[Any], instance: Any, shapes: Shapes | None = None) -> list[str]:
    """The JSON Pointers of every property in `instance` that `schema` does not describe; `shapes` keeps the
    root's work for the next instance of the same schema."""
    found: list[str] = []
    _walk([(schema, resolver)], instance, "", found, 0, shapes)
    return found


def _walk(schemas: list[Located], instance: Any, at: str, found: list[str], depth: int,
          shapes: Shapes | None = None) -> None:
    if depth > _MAX_DEPTH or not isinstance(instance, dict | list):
        return
    if shapes is not None and isinstance(instance, dict):
        names = frozenset(instance)
        shape = shapes.get(names)
        if shape is None:
            shape = (applied := _applied(schemas, instance)), _known(applied, instance)
            if len(shapes) < MAX_SHAPES:
                shapes[names] = shape
        applied, known = shape
        _walk_object(applied, known, instance, at, found, depth)
        return
    applied = _applied(schemas, instance)
    if isinstance(instance, list):
        for i, item in enumerate(instance):
            if isinstance(item, dict | list):
                _walk([s for located in applied for s in _item_schemas(located, i)], item, f"{at}/{i}", found,
                      depth + 1)
        return
    _walk_object(applied, _known(applied, instance), instance, at, found, depth)


def _walk_object(applied: list[Located], known: set[str] | None, instance: dict[str, Any], at: str,
                 found: list[str], depth: int) -> None:
    for name, value in instance.items():
        if known is not None and name not in known:
            found.append(f"{at}/{escape(name)}")
        elif isinstance(value, dict | list):
            _walk([s for located in applied for s in _property_schemas(located, name)], value,
                  f"{at}/{escape(name)}", found, depth + 1)


def _applied(schemas: list[Located], instance: Any) -> list[Located]:
    """Every schema that applies in place to `instance`, `$ref`s followed."""
    out: list[Located] = []
    stack = list(reversed(schemas))
    while stack and len(out) < _MAX_APPLIED:
        schema, resolver = stack.pop()
        if not isinstance(schema, dict):
            continue
        try:
            schema, resolver = deref(schema, resolver)
        except (Unresolvable, RecursionError):
            continue
        out.append((schema, resolver))
        parts = [*_list(schema.get("allOf")), *(schema[k] for k in ("then", "else") if k in schema)]
        if isinstance(instance, dict):  # `dependencies` with a schema is draft 7's `dependentSchemas`
            parts += [sub for key in ("dependentSchemas", "dependencies")
                      for name, sub in _dict(schema.get(key)).items() if name in instance and isinstance(sub, dict)]
        for key in ("oneOf", "anyOf"):
            parts += _fitting([(b, resolver) for b in _list(schema.get(key))], instance)
        stack.extend((part, resolver) for part in reversed(parts))
    return out


def _fitting(branches: list[Located], instance: Any) -> list[Schema]:
    """The options of a choice that describe every property of `instance`; else the one that leaves out fewest."""
    if not isinstance(instance, dict):
        return [b for b, _ in branches]
    branches = [b for b in branches if _may_be_object(b)]
    if not branches:
        return []
    left_out = []
    for branch in branches:
        known = _known(_applied([branch], instance), instance)
        left_out.append(0 if known is None else sum(name not in known for name in instance))
    if 0 in left_out:
        return [b for (b, _), n in zip(branches, left_out, strict=True) if n == 0]
    return [branches[left_out.index(min(left_out))][0]]


def _may_be_object(located: Located) -> bool:
    try:
        schema = deref(*located)[0] if isinstance(located[0], dict) else located[0]
    except (Unresolvable, RecursionError):
        return True
    declared = schema.get("type") if isinstance(schema, dict) else None
    return declared is None or declared == "object" or isinstance(declared, list) and "object" in declared


def _known(applied: list[Located], instance: dict[str, Any]) -> set[str] | None:
    """The property names of `instance` that the applied schemas describe; None if they take any."""
    names: set[str] = set()
    declares = False
    for schema, _ in applied:
        for key in ("additionalProperties", "unevaluatedProperties"):
            if key in schema and schema[key] is not False:
                return None
        declares = declares or any(k in schema for k in ("properties", "patternProperties", "additionalProperties",
                                                         "unevaluatedProperties"))
        names |= set(_dict(schema.get("properties")))
        if schema.get("patternProperties"):
            names |= {n for n in instance if _matches(schema, n)}
    return names if declares else None


def _property_schemas(located: Located, name: str) -> list[Located]:
    schema, resolver = located
    found = [(sub, resolver) for pattern, sub in _dict(schema.get("patternProperties")).items()
             if _search(pattern, name)]
    if name in _dict(schema.get("properties")):
        found.append((schema["properties"][name], resolver))
    extra = schema.get("additionalProperties")
    if not found and isinstance(extra, dict):
        found.append((extra, resolver))
    return found


def _item_schemas(located: Located, index: int) -> list[Located]:
    schema, resolver = located
    prefix, items = schema.get("prefixItems"), schema.get("items")
    if isinstance(items, list):  # draft 7 and before: a list of items is the prefix
        prefix, items = items, schema.get("additionalItems")
    if isinstance(prefix, list) and index < len(prefix):
        return [(prefix[index], resolver)]
    return [(items, resolver)] if isinstance(items, dict) else []


def _matches(schema: Schema, name: str) -> bool:
    return any(_search(pattern, name) for pattern in _dict(schema.get("patternProperties")))


def _search(pattern: str, name: str) -> bool:
    """ECMA-262, as the validator matches `patternProperties`."""
    try:
        return search(pattern, name)
    except (ValueError, TypeError):
        return False


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
