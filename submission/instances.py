"""Valid instances of a JSON Schema, made deterministically from a seed: answers a person could type.

One generator for every made-up answer: an author's preview (web/preview.py) and the tests (the
government corpus, the page-accepts-what-the-API-accepts property test). It follows `$ref` with a
`referencing` resolver (a form's, so that references to shared parts resolve; by default one over
the document alone), folds `allOf`, takes one option of `oneOf`/`anyOf`, meets `if`/`then`/`else`,
and knows `enum`, `const`, the string formats of forms (an identifier's own right example, e.g. a
hetu), `pattern` (sampled from the expression, so `\\d` gives 0-9 as ECMA-262 means it), numeric
bounds in every draft's spelling, arrays, tuples and objects. A candidate is kept only when
`accepts` does (by default the schema's own draft validator, formats included).

The answers are those a page can carry: strings are printable, without surrounding spaces and never
empty, as typed; an optional checkbox is always answered (ticked or not) and an optional nullable
answer always given (null when blank); an optional group holding nothing a page could send (only
unticked boxes and blanks) is left out; optional fixed values, read-only answers and files (uploads,
never typed) are not given; no list repeats an item.

(hypothesis-jsonschema 0.23.1 fails with this project's Hypothesis 6.170: `'many' object has no
attribute 'more'`.)
"""

from __future__ import annotations

import copy
import random
import re
import string
from collections.abc import Callable, Iterator
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from jsonschema.protocols import Validator
from referencing import Registry
from referencing._core import Resolver
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012, specification_with

from core.dialects import DEFAULT_DIALECT, dialect, validator_class
from core.identifiers import IDENTIFIERS
from core.schema import choices

Schema = dict[str, Any]

WORD = string.ascii_letters + string.digits
#: Letters of free text: some beyond ASCII, as Finnish and Swedish answers have.
LETTERS = WORD + "äöåÄÖÅ"
MAX_DEPTH = 10
#: Below this depth optional answers are left out and lists kept short, so that recursive schemas end.
DEEP = 4


def draft_of(schema: Schema) -> str:
    """The draft a schema declares (any spelling of its `$schema` URI); 2020-12 when it declares none."""
    found = re.search(r"(draft-0\d|20\d\d-\d\d)", str(schema.get("$schema", "")))
    return found.group(1) if found else "2020-12"


def own_resolver(schema: Schema) -> Resolver[Any]:
    """A resolver over the document alone (its `$ref`s within it), under its own draft."""
    uri = "urn:lomake:instance"
    resource = specification_with(dialect(schema.get("$schema")) or DEFAULT_DIALECT,
                                  default=DRAFT202012).create_resource(schema)
    registry: Registry[Any] = Registry().with_resource(uri, resource)
    return registry.resolver(base_uri=uri)


def validator(schema: Schema, resolver: Resolver[Any] | None = None) -> Validator:
    """The schema's own draft's validator (ECMA-262 patterns), formats checked, `$ref`s read with `resolver`."""
    cls = validator_class(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER,  # type: ignore[call-arg]  # jsonschema's field for a Resolver
               _resolver=resolver or own_resolver(schema))


def instances(schema: Schema, count: int, seed: int = 10, tries: int = 400, *,
              resolver: Resolver[Any] | None = None, accepts: Callable[[Any], bool] | None = None) -> list[Any]:
    """Up to `count` distinct instances that `accepts` (by default the schema's validator) takes, the same
    ones for the same seed; `resolver` reads the `$ref`s (a form's: `form.resolver()`)."""
    resolver = resolver or own_resolver(schema)
    check = accepts or validator(schema, resolver).is_valid
    found: list[Any] = []
    for attempt in range(tries):
        rng = random.Random(seed * 100_003 + attempt)
        try:
            candidate = Generator(schema, rng, resolver).value(schema, 0, optional=0.6 if attempt % 2 else 0.2)
        except Unsatisfiable:
            continue
        if candidate not in found and check(candidate):
            found.append(candidate)
            if len(found) == count:
                break
    return found


class Unsatisfiable(Exception):
    """This candidate went where the generator cannot follow (it is dropped, not the form)."""


class Generator:
    def __init__(self, root: Schema, rng: random.Random, resolver: Resolver[Any]) -> None:
        self.root, self.rng, self.resolver = root, rng, resolver
        #: The resolver each subschema reached through a `$ref` is read with, by identity (kept alive here).
        self.bound: dict[int, tuple[Any, Resolver[Any]]] = {}

    def resolver_of(self, schema: Any) -> Resolver[Any]:
        bound = self.bound.get(id(schema))
        return bound[1] if bound else self.resolver

    def bind(self, schema: Any, resolver: Resolver[Any]) -> None:
        """Read `schema` and every subschema in it with `resolver` (that of the document it came from)."""
        stack = [schema]
        while stack:
            node = stack.pop()
            if isinstance(node, dict | list) and id(node) not in self.bound:
                self.bound[id(node)] = (node, resolver)
                stack.extend(node.values() if isinstance(node, dict) else node)

    def resolve(self, schema: Any) -> Any:
        for _ in range(20):
            if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
                return schema
            try:
                found = self.resolver_of(schema).lookup(schema["$ref"])
            except Unresolvable as error:
                raise Unsatisfiable(schema["$ref"]) from error
            self.bind(found.contents, found.resolver)
            if len(schema) > 1 and isinstance(found.contents, dict):
                schema = {**{k: v for k, v in schema.items() if k != "$ref"}, **found.contents}
                self.bound[id(schema)] = (schema, found.resolver)
            else:
                schema = found.contents
        raise Unsatisfiable("$ref loop")

    def merged(self, schema: Any) -> Schema:
        """`schema` with its `$ref` followed and its `allOf` folded in (conditionals kept aside)."""
        schema = self.resolve(schema)
        if schema is True or schema == {}:
            return {}
        if not isinstance(schema, dict):
            raise Unsatisfiable("false")
        out: Schema = {k: v for k, v in schema.items() if k not in ("allOf", "if", "then", "else")}
        conditions = [(schema["if"], schema.get("then"), schema.get("else"))] if "if" in schema else []
        for part in schema.get("allOf", []):
            sub = self.merged(part)
            conditions += sub.pop("x-conditions", [])
            for key, value in sub.items():
                out[key] = combine(key, out[key], value) if key in out else value
        if conditions or "x-conditions" in schema:
            out["x-conditions"] = [*schema.get("x-conditions", []), *conditions]
        return out

    def value(self, schema: Any, depth: int, optional: float) -> Any:
        schema = self.merged(schema)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                option = self.merged(self.rng.choice(schema.pop(key)))
                for k, v in option.items():
                    schema[k] = combine(k, schema[k], v) if k in schema else v
                return self.value(schema, depth, optional)
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        if "enum" in schema:
            return copy.deepcopy(self.rng.choice(schema["enum"]))
        kind = self.kind(schema)
        if depth > MAX_DEPTH and kind in ("object", "array"):
            raise Unsatisfiable("too deep")
        return getattr(self, kind)(schema, depth, 0.0 if depth > DEEP else optional)

    def kind(self, schema: Schema) -> str:
        types = schema.get("type")
        if isinstance(types, list):
            choices = [t for t in types if t != "null"] or types
            types = self.rng.choice(choices)
        if isinstance(types, str):
            return "number" if types == "integer" else types
        if "properties" in schema or "required" in schema:
            return "object"
        return "array" if "items" in schema else "string"

    def null(self, schema: Schema, depth: int, optional: float) -> None:
        return None

    def boolean(self, schema: Schema, depth: int, optional: float) -> bool:
        return self.rng.random() < 0.5

    def number(self, schema: Schema, depth: int, optional: float) -> int | float:
        low, high = bounds(schema)
        step = schema.get("multipleOf", 1)
        first, last = int(-(-low // step)), int(high // step)
        if first > last:
            raise Unsatisfiable("no number")
        n = self.rng.randint(first, min(last, first + 10_000))
        value = n * step
        if isinstance(step, float):
            value = round(value, 2)
        elif (self.field_type(schema) == "number" and "multipleOf" not in schema and n < last
              and self.rng.random() < 0.3):
            value += 0.5  # a decimal, as "3,5" is typed
        return int(value) if self.field_type(schema) == "integer" or float(value).is_integer() else value

    def field_type(self, schema: Schema) -> str:
        types = schema.get("type")
        return "integer" if types == "integer" or (isinstance(types, list) and "integer" in types) else "number"

    def string(self, schema: Schema, depth: int, optional: float) -> str:
        fmt = schema.get("format")
        low, high = max(1, schema.get("minLength", 1)), schema.get("maxLength", 24)
        for _ in range(30):
            if fmt in FORMATS:
                text = FORMATS[fmt](self.rng)
            elif fmt in IDENTIFIERS:  # a right one: their checksums are beyond a pattern
                text = IDENTIFIERS[fmt].example
            elif "pattern" in schema:
                text = sample_regex(schema["pattern"], self.rng)
            else:
                text = self.words(low, min(high, max(low, 12)))
            if low <= len(text) <= high and text == text.strip():
                return text
        raise Unsatisfiable("no string")

    def words(self, low: int, high: int) -> str:
        size = self.rng.randint(low, high)
        chars = [self.rng.choice(LETTERS) for _ in range(size)]
        for i in range(2, size - 2, 7):
            chars[i] = " "
        return "".join(chars)

    def array(self, schema: Schema, depth: int, optional: float) -> list[Any]:
        items = schema["prefixItems"] if "prefixItems" in schema else schema.get("items", {})
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 2), low + 2 if depth <= DEEP else low)
        size = self.rng.randint(low, max(low, high))
        if isinstance(items, list):
            return [self.value(s, depth + 1, optional) for s in items[:max(size, len(items))]]
        out: list[Any] = []
        for _ in range(size * 5):
            if len(out) == size:
                break
            item = self.value(items, depth + 1, optional)
            if item not in out:  # a page cannot give one choice twice
                out.append(item)
        options = [v for v, _ in choices(self.merged(items)) or ()]
        if options:  # ticked boxes come in the order of the options
            out.sort(key=lambda v: next((i for i, o in enumerate(options) if o == v), 0))
        return out

    def object(self, schema: Schema, depth: int, optional: float) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties", {})
        required = list(dict.fromkeys(schema.get("required", [])))
        out: dict[str, Any] = {}
        for name in [*required, *(n for n in properties if n not in required)]:
            if name not in required and self.never_sent(properties.get(name, {})):
                continue
            always = name in required or self.always_sent(properties.get(name, {}))
            if always or self.rng.random() < optional:
                value = self.value(properties.get(name, {}), depth + 1, optional)
                if name in required or not (isinstance(value, dict | list) and nothing(value)):
                    out[name] = value
        for condition, then, otherwise in schema.get("x-conditions", []):
            branch = then if self.holds(condition, out) else otherwise
            if branch is not None:
                out = self.apply(out, self.merged(branch), properties, depth, optional)
        return out

    def holds(self, schema: Any, value: Any) -> bool:
        """Whether `value` meets `schema` (its `$ref`s read where it stands), under the root's draft."""
        if not isinstance(schema, dict):
            return bool(schema)
        cls = validator_class(self.root)
        return bool(cls(schema, _resolver=self.resolver_of(schema)).is_valid(value))  # type: ignore[call-arg]

    def never_sent(self, schema: Any) -> bool:
        """A page never sends an optional fixed value, a read-only answer or a file (an upload, not typed)."""
        try:
            merged = self.merged(schema)
        except (Unsatisfiable, KeyError):
            return False
        return bool("const" in merged or merged.get("type") == "null" or merged.get("readOnly")
                    or "contentMediaType" in merged or merged.get("format") == "data-url")

    def always_sent(self, schema: Any) -> bool:
        """A page always sends a checkbox (ticked or not) and a nullable answer (null when left blank)."""
        try:
            merged = self.merged(schema)
        except (Unsatisfiable, KeyError):
            return False
        types = merged.get("type")
        return types == "boolean" or (isinstance(types, list) and "null" in types)

    def apply(self, out: dict[str, Any], branch: Schema, properties: dict[str, Any], depth: int,
              optional: float) -> dict[str, Any]:
        """Make `out` meet a conditional's branch: its required names given, its property rules kept."""
        for name in branch.get("required", []):
            if name not in out:
                out[name] = self.value(properties.get(name, {}), depth + 1, optional)
        for name, rule in branch.get("properties", {}).items():
            if name in out:
                rule = self.merged(rule)
                if rule == {"not": {}}:
                    del out[name]
                elif not self.holds(rule, out[name]):
                    out[name] = self.value({"allOf": [properties.get(name, {}), rule]}, depth + 1, optional)
        for name in branch.get("not", {}).get("required", []) if isinstance(branch.get("not"), dict) else []:
            out.pop(name, None)
        return out


def nothing(value: Any) -> bool:
    """An object or list holding no answer a page could send: only unticked boxes and blanks."""
    if isinstance(value, dict):
        return all(nothing(v) for v in value.values())
    if isinstance(value, list):
        return all(nothing(v) for v in value)
    return value is False or value is None


def combine(key: str, old: Any, new: Any) -> Any:
    """Two values of one keyword, both to hold (as `allOf` means)."""
    if key == "properties":
        return {n: {"allOf": [old[n], new[n]]} if n in old and n in new else old.get(n, new.get(n))
                for n in {**old, **new}}
    if key == "required":
        return list(dict.fromkeys([*old, *new]))
    if key == "enum":
        return [v for v in old if v in new] or new
    if key == "x-conditions":
        return [*old, *new]
    return new


def bounds(schema: Schema) -> tuple[float, float]:
    low, high = schema.get("minimum", 0), schema.get("maximum", max(schema.get("minimum", 0), 0) + 9_999)
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if exclusive_low is True:
        low += 1
    elif isinstance(exclusive_low, int | float) and not isinstance(exclusive_low, bool):
        low = max(low, exclusive_low + 1)
    if exclusive_high is True:
        high -= 1
    elif isinstance(exclusive_high, int | float) and not isinstance(exclusive_high, bool):
        high = min(high, exclusive_high - 1)
    return low, high


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1940, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


FORMATS: dict[str, Callable[[random.Random], str]] = {
    "date": _date,
    "date-time": lambda rng: f"{_date(rng)}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
    "email": lambda rng: f"{''.join(rng.choice(string.ascii_lowercase) for _ in range(6))}@example.com",
    "uri": lambda rng: f"https://example.com/{rng.randint(1, 999)}",
    "uuid": lambda rng: f"123e4567-e89b-42d3-a456-4266141740{rng.randint(0, 99):02d}",
}


def sample_regex(pattern: str, rng: random.Random) -> str:
    """A string `pattern` matches (searched, as JSON Schema means), from printable ASCII."""
    parsed = sre_parse.parse(pattern)
    return "".join(_emit(parsed, rng, {}))


def _emit(items: Any, rng: random.Random, groups: dict[int, str]) -> Iterator[str]:
    for op, arg in items:
        yield from _one(op, arg, rng, groups)


PRINTABLE = [chr(c) for c in range(0x21, 0x7F)]
CATEGORIES = {
    sre.CATEGORY_DIGIT: string.digits, sre.CATEGORY_WORD: WORD + "_", sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_DIGIT: string.ascii_letters, sre.CATEGORY_NOT_WORD: "-.,",
    sre.CATEGORY_NOT_SPACE: WORD,
}


def _one(op: Any, arg: Any, rng: random.Random, groups: dict[int, str]) -> Iterator[str]:
    if op is sre.LITERAL:
        yield chr(arg)
    elif op is sre.ANY:
        yield rng.choice(WORD)
    elif op is sre.IN:
        yield _choose_in(arg, rng)
    elif op is sre.NOT_LITERAL:
        yield rng.choice([c for c in WORD if ord(c) != arg])
    elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        low, high, body = arg
        for _ in range(rng.randint(low, min(high, low + rng.choice((0, 2, 12))))):
            yield from _emit(body, rng, groups)
    elif op is sre.SUBPATTERN:
        text = "".join(_emit(arg[-1], rng, groups))
        if arg[0] is not None:
            groups[arg[0]] = text
        yield text
    elif op is sre.BRANCH:
        yield from _emit(rng.choice(arg[1]), rng, groups)
    elif op is sre.GROUPREF:
        yield groups.get(arg, "")
    elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return
    else:
        raise Unsatisfiable(f"regex {op}")


def _choose_in(arg: Any, rng: random.Random) -> str:
    allowed: set[str] = set()
    negate = False
    for op, value in arg:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            allowed.add(chr(value))
        elif op is sre.RANGE:
            allowed |= {chr(c) for c in range(value[0], value[1] + 1) if c < 0x7F}
        elif op is sre.CATEGORY:
            allowed |= set(CATEGORIES.get(value, ""))
    pool = [c for c in WORD if c not in allowed] if negate else sorted(c for c in allowed if " " <= c <= "~")
    if not pool:
        raise Unsatisfiable("empty class")
    return rng.choice(pool)
