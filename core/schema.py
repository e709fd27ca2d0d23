"""Reading JSON Schema as a form: following `$ref`s, merging `allOf`, naming types and choices.

Pure helpers shared by the view model, the defaults and `lomake check`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from referencing._core import Resolver
from referencing.jsonschema import DRAFT202012, specification_with

Schema = dict[str, Any]

#: Keywords whose value is one subschema, a list of them, or a map of them.
_ONE = ("additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
        "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
#: Annotations a `$ref`'s siblings may set over the schema it points to.
_OVERLAY = ("title", "description", "default", "examples", "readOnly", "writeOnly", "deprecated")


def escape(segment: str) -> str:
    """One JSON Pointer segment (RFC 6901)."""
    return segment.replace("~", "~0").replace("/", "~1")


def unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def value_at(instance: Any, at: str) -> Any:
    """The value at a JSON Pointer into an instance (objects only), or None where there is none."""
    value = instance
    for part in at.split("/")[1:]:
        if not isinstance(value, Mapping):
            return None
        value = value.get(unescape(part))
    return value


def pointer(parts: Iterator[str | int] | list[str | int] | tuple[str | int, ...]) -> str:
    return "".join("/" + escape(str(p)) for p in parts)


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text: the stored and hashed form."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


#: Deepest nesting of arrays and objects an answer may have: more than any form's, far less than Python's stack.
MAX_JSON_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_fault(value: Any, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """What makes a parsed JSON value unfit to keep: `"depth"` (nested deeper than `max_depth`) or
    `"encoding"` (a lone surrogate such as `"\\ud800"`: text in no encoding); None if it is fit.

    Walks without recursion, so that no nesting can exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return "encoding"
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                return "depth"
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def iter_subschemas(schema: Any, at: str = "") -> Iterator[tuple[Schema, str]]:
    """Every subschema of `schema` in the same document, with its JSON Pointer, itself first."""
    if not isinstance(schema, dict):
        return
    yield schema, at
    for key in _ONE:
        yield from iter_subschemas(schema.get(key), f"{at}/{escape(key)}")
    for key in _LIST:
        for i, sub in enumerate(schema.get(key) or () if isinstance(schema.get(key), list) else ()):
            yield from iter_subschemas(sub, f"{at}/{key}/{i}")
    items = schema.get("items")
    if isinstance(items, list):
        for i, sub in enumerate(items):
            yield from iter_subschemas(sub, f"{at}/items/{i}")
    else:
        yield from iter_subschemas(items, f"{at}/items")
    for key in (*_MAP, "dependencies"):
        mapping = schema.get(key)
        if isinstance(mapping, dict):
            for name, sub in mapping.items():
                yield from iter_subschemas(sub, f"{at}/{escape(key)}/{escape(name)}")


def deref(schema: Schema, resolver: Resolver) -> tuple[Schema, Resolver]:
    """Follow `schema`'s `$ref`s; annotations beside a `$ref` win over the target's."""
    if "$id" in schema and isinstance(schema["$id"], str):
        resource = specification_with(schema.get("$schema", ""), default=DRAFT202012).create_resource(schema)
        resolver = resolver.in_subresource(resource)
    for _ in range(32):
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema, resolver
        resolved = resolver.lookup(ref)
        overlay = {k: v for k, v in schema.items() if k in _OVERLAY or k.startswith("ui:")}
        schema, resolver = {**resolved.contents, **overlay}, resolved.resolver
    raise RecursionError(f"$ref chain too long at {schema.get('$ref')}")


@dataclass(frozen=True)
class ObjectShape:
    """An object's properties (each with the resolver to read it with) and required names."""

    properties: dict[str, tuple[Schema, Resolver]]
    required: frozenset[str]


def object_shape(schema: Schema, resolver: Resolver) -> ObjectShape:
    """The properties of `schema` and of everything in its `allOf`, merged in order."""
    properties: dict[str, tuple[Schema, Resolver]] = {}
    required: set[str] = set(schema.get("required") or ())
    for name, sub in (schema.get("properties") or {}).items():
        properties[name] = (sub, resolver)
    for part in schema.get("allOf") or ():
        shape = object_shape(*deref(part, resolver))
        for name, (sub, sub_resolver) in shape.properties.items():
            if name in properties:
                first, first_resolver = properties[name]
                properties[name] = (merge(deref(first, first_resolver)[0], deref(sub, sub_resolver)[0]), first_resolver)
            else:
                properties[name] = (sub, sub_resolver)
        required |= shape.required
    return ObjectShape(properties, frozenset(required))


def merge(a: Schema, b: Schema) -> Schema:
    """What two schemas that must both hold mean for a field: types and enums intersected, the rest
    of `b` over `a`, both kept under `allOf` so that validation still sees each exactly."""
    merged = {**a, **b, "allOf": [a, b]}
    types_a, types_b = _types(a), _types(b)
    if types_a is not None and types_b is not None:
        both = [t for t in types_a if t in types_b or (t == "integer" and "number" in types_b)]
        merged["type"] = both[0] if len(both) == 1 else both
    for key in ("title", "description"):
        if key in a:
            merged[key] = a[key]
    return merged


def _types(schema: Schema) -> list[str] | None:
    declared = schema.get("type")
    return [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else None


def json_type(schema: Schema) -> str | None:
    """The one JSON type a field holds (nullable types count as their non-null type), if known."""
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), "null" if declared else None)
    if isinstance(declared, str):
        return declared
    if "properties" in schema or "allOf" in schema and all(
        isinstance(p, dict) and ("properties" in p or "$ref" in p) for p in schema["allOf"]
    ):
        return "object"
    if "items" in schema:
        return "array"
    values = choices(schema)
    if values:
        kinds = {_type_of(v) for v, _ in values}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    names: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return names[type(value)]


def choices(schema: Schema) -> list[tuple[Any, str | None]] | None:
    """The options of an `enum` or of a `oneOf`/`anyOf` of `const`s, each with its title if any."""
    if isinstance(schema.get("enum"), list):
        names = schema.get("ui:enumNames") or (schema.get("ui:options") or {}).get("enumNames") or []
        return [(v, names[i] if i < len(names) else None) for i, v in enumerate(schema["enum"])]
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches and all(
            isinstance(b, dict) and ("const" in b or _single_enum(b)) for b in branches
        ):
            return [(b["const"] if "const" in b else b["enum"][0], b.get("title")) for b in branches]
    return None


def _single_enum(branch: Schema) -> bool:
    return isinstance(branch.get("enum"), list) and len(branch["enum"]) == 1


def same_json(a: Any, b: Any) -> bool:
    """Equality as JSON means it: `1` equals `1.0` but not `true`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


_ANNOTATIONS = ("title", "description", "$comment", "examples", "deprecated")


def consts_as_enums(document: Any) -> Any:
    """A copy of `document` where each `oneOf`/`anyOf` of plain `const`s is the `enum` it means.

    Same verdicts, less work: a `oneOf` of N consts descends N times and builds an error for
    each branch that fails; an `enum` is one membership test. A `oneOf` whose consts are not
    all distinct (as JSON) is left alone, since no value can match exactly one of its twins.
    """
    document = copy.deepcopy(document)
    for schema, _ in list(iter_subschemas(document)):
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key)
            if not isinstance(branches, list) or not branches or not all(
                isinstance(b, dict) and "const" in b and all(k == "const" or k in _ANNOTATIONS or k.startswith("ui:")
                                                              for k in b)
                for b in branches
            ):
                continue
            values = [b["const"] for b in branches]
            distinct = all(not same_json(a, b) for i, a in enumerate(values) for b in values[i + 1:])
            if key == "anyOf" or distinct:
                del schema[key]
                schema.setdefault("allOf", []).append({"enum": values})
    return document


def effective_default(schema: Schema) -> Any:
    """A subschema's `default`; a list shorter than `minItems` is filled up with its items' own default,
    as the page starts such a list with `minItems` items."""
    default = schema.get("default")
    items = schema.get("items")
    minimum = schema.get("minItems")
    if isinstance(default, list) and isinstance(items, dict) and "default" in items and isinstance(minimum, int):
        return default + [copy.deepcopy(items["default"]) for _ in range(minimum - len(default))]
    return default


#: A pointer that passes through a list's items or a choice's options: not one place in every answer.
VARIABLE_PLACE = re.compile(r"/(-|@\d+|\?\d+)(/|$)")


def places(at: str, instance: Any) -> list[str]:
    """The answers' own pointers for a field's pointer: each list item for `-`, nothing for a choice's `@k`."""
    found = [("", instance)]
    for part in at.split("/")[1:]:
        if re.fullmatch(r"@\d+", part):
            continue
        if part == "-":
            found = [(f"{p}/{i}", item) for p, value in found if isinstance(value, list)
                     for i, item in enumerate(value)]
        else:
            key = unescape(part)
            found = [(f"{p}/{part}", value.get(key)) for p, value in found if isinstance(value, dict) and key in value]
    return [p for p, _ in found]


def holder_of(instance: Any, at: str) -> tuple[dict[str, Any] | None, str]:
    """The object that holds the answer at JSON Pointer `at` (None if there is none), and the answer's key."""
    holder: Any = instance
    *parents, key = [unescape(p) for p in at.split("/")[1:]]
    for part in parents:
        if isinstance(holder, list):
            holder = holder[int(part)] if part.isdigit() and int(part) < len(holder) else None
        else:
            holder = holder.get(part) if isinstance(holder, dict) else None
    return (holder if isinstance(holder, dict) else None), key


#: Subschemas that state conditions or constraints rather than declare fields: no titles needed.
CONDITIONS = re.compile(r"/(if|not|contains|propertyNames|then|else|dependentSchemas|dependencies)(/|$)")


def humanise(name: str) -> str:
    """The label a property without a title is shown with: its name as words, in sentence case
    (`dateOfBirth` → "Date of birth", `postal_code` → "Postal code", `addressLine2` → "Address line 2";
    acronyms such as `SSN` kept)."""
    words = [w for part in re.split(r"[\s_.\-]+", name) for run in re.findall(r"[^\W\d_]+|\d+", part)
             for w in _camel_words(run)]
    if not words:
        return name
    shown = [w if len(w) > 1 and w.isupper() else w.lower() for w in words]
    shown[0] = shown[0][:1].upper() + shown[0][1:]
    return " ".join(shown)


def _camel_words(run: str) -> list[str]:
    """`addressLine` → address, Line; `HTMLParser` → HTML, Parser."""
    words, start = [], 0
    for i in range(1, len(run)):
        before, here, after = run[i - 1], run[i], run[i + 1:i + 2]
        if here.isupper() and (before.islower() or (before.isupper() and after.islower())):
            words.append(run[start:i])
            start = i
    return [*words, run[start:]]


def titled(schema: Any) -> bool:
    return isinstance(schema, dict) and bool(schema.get("title") or schema.get("ui:title"))


def option_places(document: Any) -> set[str]:
    """The pointers of the schemas that are options of a `oneOf`/`anyOf` (and of those a local `$ref` of an
    option reaches), where a `const` property is the tag that choosing the option sets."""
    found: set[str] = set()
    for sub, at in iter_subschemas(document):
        for key in ("oneOf", "anyOf"):
            for i, branch in enumerate(sub.get(key) or () if isinstance(sub.get(key), list) else ()):
                found.add(f"{at}/{key}/{i}")
                ref = branch.get("$ref") if isinstance(branch, dict) else None
                if isinstance(ref, str) and ref.startswith("#/"):
                    found.add(ref[1:])
    return found


def is_tag(schema: Schema) -> bool:
    """A `const` (or one-value `enum`) that tells an option from the others (not a declaration to tick,
    not read-only text)."""
    return ("const" in schema and schema["const"] is not True or _single_enum(schema)) and not schema.get("readOnly")


def local_target(document: Any, schema: Schema) -> Schema | None:
    """`schema` with its `$ref`s inside the same document followed; None for another document's or a broken one."""
    for _ in range(32):
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema
        if ref != "#" and not ref.startswith("#/"):
            return None
        target: Any = document
        for part in ref[2:].split("/") if ref != "#" else ():
            target = target.get(unescape(part)) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return None
        schema = {**target, **{k: v for k, v in schema.items() if k in _OVERLAY or k.startswith("ui:")}}
    return None


def untitled(document: Any, follow: Callable[[Schema], Schema | None] | None = None
             ) -> Iterator[tuple[str, Schema, str]]:
    """The properties shown with a humanised name for a label: no `title` of their own nor of their
    `$ref`'s target (`follow` reaches it: by default only inside the document); each with its schema
    and pointer. Hidden fields, conditions and the tags of options need no label."""
    options = option_places(document)
    for sub, at in iter_subschemas(document):
        properties = sub.get("properties")
        if CONDITIONS.search(at) or not isinstance(properties, dict):
            continue
        for name, prop in properties.items():
            if not isinstance(prop, dict) or titled(prop) or prop.get("ui:widget") == "hidden":
                continue
            target = follow(prop) if follow is not None else local_target(document, prop)
            if target is None or titled(target) or target.get("ui:widget") == "hidden" or (
                    at in options and is_tag(target)):
                continue
            yield name, prop, f"{at}/properties/{escape(name)}"
