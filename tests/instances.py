"""Valid instances of a form, made up: a small random generator for the JSON Schema constructs
the sample forms and the rjsf corpus use; what it makes is kept only when the form's own
validator accepts it.

The page has two limits the generator respects, since no page could say otherwise: an unticked
checkbox is `false` (so booleans are always given), and an optional object or list left empty is
absent (so those are either left out or given something).
"""

from __future__ import annotations

import random
import re
import string
import warnings
from typing import Any

from referencing._core import Resolver
from referencing.exceptions import Unresolvable

from lomake.schema import Schema, choices, deref, json_type, object_shape

#: Strings tried first for a `pattern` (what happens to match it), so that runs repeat.
CANDIDATES = ["00100", "12345", "040 1234567", "+358401234567", "FI-00100", "AB123", "abc", "Abc", "A", "1",
              "2024-01-31", "12:30", "1234567-8", "010190-123A", "maija@example.fi", "https://example.fi"]
WORDS = ["Etanoli", "Oy Yhtiö Ab", "Kauppakatu 5", "Åsa", "Jyväskylä", "x", "42 kpl"]
FORMATS = {"date": lambda r: f"{r.randint(1950, 2030)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
           "email": lambda r: f"{r.choice(['maija', 'e.virtanen'])}@example.fi",
           "uri": lambda r: f"https://example.fi/{r.randint(1, 99)}",
           "date-time": lambda r: f"2024-0{r.randint(1, 9)}-1{r.randint(0, 9)}T1{r.randint(0, 9)}:30:00Z"}


class Generator:
    """Random instances of one schema; `depth` bounds recursion."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def value(self, schema: Any, resolver: Resolver[Any], depth: int = 0) -> Any:
        if not isinstance(schema, dict):
            return "x"
        try:
            schema, resolver = deref(schema, resolver)
        except (Unresolvable, RecursionError):
            return None
        r = self.random
        if "const" in schema:
            return schema["const"]
        values = choices(schema)
        if values and json_type(schema) not in ("object", "array"):
            return r.choice(values)[0]
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                branch, branch_resolver = deref(r.choice(schema[key]), resolver)
                rest = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
                if json_type(branch) in ("object", None) and json_type(rest) in ("object", None) and (
                        "properties" in branch or "properties" in rest):
                    merged = {**rest, **branch, "properties": {**(rest.get("properties") or {}),
                                                               **(branch.get("properties") or {})},
                              "required": [*(rest.get("required") or ()), *(branch.get("required") or ())]}
                    return self.object(merged, branch_resolver, depth)
                return self.value(branch, branch_resolver, depth)
        kind = json_type(schema)
        if kind == "object":
            return self.object(schema, resolver, depth)
        if kind == "array":
            return self.array(schema, resolver, depth)
        if kind == "boolean":
            return r.random() < 0.5
        if kind in ("integer", "number"):
            low = schema.get("minimum", schema.get("exclusiveMinimum", -5))
            high = schema.get("maximum", schema.get("exclusiveMaximum", low + 1000))
            n = r.randint(int(low) + 1, max(int(low) + 1, int(high) - 1))
            return n if kind == "integer" or r.random() < 0.5 else n + 0.25
        if kind == "null":
            return None
        return self.string(schema)

    def string(self, schema: Schema) -> str:
        r = self.random
        examples = [e for e in schema.get("examples") or () if isinstance(e, str)]
        if "pattern" in schema:
            if examples:
                return r.choice(examples)
            fitting = [c for c in CANDIDATES if re.search(schema["pattern"], c)]
            if fitting:
                return r.choice(fitting)
            from hypothesis import strategies

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                made: str = strategies.from_regex(schema["pattern"], fullmatch=True).filter(
                    lambda s: s == s.strip() and s.isascii() and s.isprintable()).example()
            return made
        if schema.get("format") in FORMATS:
            return str(FORMATS[schema["format"]](r))
        word = r.choice(WORDS)
        low, high = int(schema.get("minLength", 1)), int(schema.get("maxLength", 40))
        while len(word) < low:
            word += " " + r.choice(string.ascii_lowercase) * 3
        return word[:high].strip() or "x" * max(low, 1)

    def object(self, schema: Schema, resolver: Resolver[Any], depth: int) -> dict[str, Any]:
        shape = object_shape(schema, resolver)
        out: dict[str, Any] = {}
        for name, (sub, sub_resolver) in shape.properties.items():
            try:
                target = deref(sub, sub_resolver)[0]
            except (Unresolvable, RecursionError):
                continue
            if target.get("readOnly") or "contentMediaType" in target or target.get("format") == "data-url" or (
                    ("const" in target or target.get("type") == "null") and name not in shape.required):
                continue  # read-only, a file (sent as an upload), or an optional fixed value (never sent)
            boolean = json_type(target) == "boolean" and choices(target) is None
            if name in shape.required or boolean or (depth < 4 and self.random.random() < 0.6):
                value = self.value(sub, sub_resolver, depth + 1)
                if name not in shape.required and isinstance(value, dict | list) and nothing(value):
                    continue  # an optional group left empty (or all unticked) is no answer on a page
                out[name] = value
        return out

    def array(self, schema: Schema, resolver: Resolver[Any], depth: int) -> list[Any]:
        items = schema.get("items")
        if "prefixItems" in schema or isinstance(items, list) or not isinstance(items, dict):
            return []
        low = int(schema.get("minItems", 0))
        high = min(int(schema.get("maxItems", low + 3)), low + 3 if depth < 4 else low)
        made = [self.value(items, resolver, depth + 1) for _ in range(self.random.randint(low, max(low, high)))]
        try:
            options = [v for v, _ in choices(deref(items, resolver)[0]) or ()]
        except (Unresolvable, RecursionError):
            options = []
        if options:  # ticked boxes are sent in the page's order
            made.sort(key=lambda v: next((i for i, o in enumerate(options) if o == v), 0))
        if schema.get("uniqueItems"):
            unique: list[Any] = []
            for item in made:
                if item not in unique:
                    unique.append(item)
            made = unique
        return made


def nothing(value: Any) -> bool:
    """An object or list holding no answer a page could send: only unticked boxes and empties."""
    if isinstance(value, dict):
        return all(nothing(v) for v in value.values())
    if isinstance(value, list):
        return all(nothing(v) for v in value)
    return value is False or value is None
