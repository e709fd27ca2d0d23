"""JSON Schema drafts and their validators: each form is validated under its own draft's rules,
with regular expressions in the ECMA-262 dialect that JSON Schema specifies.

`$schema` is read leniently: `http://` or `https://`, with or without the trailing `#`, so that
a schema published as `https://json-schema.org/draft-07/schema` is draft-07; none means 2020-12.
Python's `re` differs from ECMA-262 (`\\d` matches any Unicode digit; `\\p{L}` is an error), so
`pattern`, `patternProperties`, `additionalProperties` (which skips names a pattern matches) and
the `regex` format use `regress`, an ECMA-262 engine.

Formats are checked by the form's own draft; one that only a later draft defines (draft-04 has no
`date`, `time`, `uuid` or `duration`) is checked as 2020-12 does, since the page asks for it so.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs
import regress
from jsonschema import (
    Draft4Validator,
    Draft6Validator,
    Draft7Validator,
    Draft201909Validator,
    Draft202012Validator,
    validators,
)
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

if TYPE_CHECKING:
    # What `jsonschema.validators.create` makes (the drafts' classes): a `Validator` that can also `descend`.
    from jsonschema.validators import _Validator as Created

#: The drafts Lomake serves, by `$schema` without scheme and trailing `#` or `/`: name and validator.
_DRAFTS: dict[str, tuple[str, type[Validator]]] = {
    "json-schema.org/draft-04/schema": ("draft-04", Draft4Validator),
    "json-schema.org/draft-06/schema": ("draft-06", Draft6Validator),
    "json-schema.org/draft-07/schema": ("draft-07", Draft7Validator),
    "json-schema.org/draft/2019-09/schema": ("2019-09", Draft201909Validator),
    "json-schema.org/draft/2020-12/schema": ("2020-12", Draft202012Validator),
}
DEFAULT_DIALECT = str(Draft202012Validator.META_SCHEMA["$id"])


def _key(uri: str) -> str:
    return uri.strip().split("://", 1)[-1].rstrip("#").rstrip("/")


def dialect(uri: Any) -> str | None:
    """The canonical `$schema` URI (as jsonschema and referencing know it) for a form's `$schema`;
    2020-12's when there is none, None for a draft Lomake does not serve."""
    if uri is None:
        return DEFAULT_DIALECT
    if not isinstance(uri, str) or _key(uri) not in _DRAFTS:
        return None
    meta = _DRAFTS[_key(uri)][1].META_SCHEMA
    return str(meta.get("$id") or meta.get("id"))


def draft_name(schema: Any) -> str:
    """The name of the draft (`draft-07`) a schema is validated under: its `$schema`'s, else 2020-12."""
    canonical = dialect(schema.get("$schema") if isinstance(schema, dict) else None) or DEFAULT_DIALECT
    return _DRAFTS[_key(canonical)][0]


def draft_names() -> str:
    """The drafts served, for messages: `draft-04, draft-06, …`."""
    return ", ".join(name for name, _ in _DRAFTS.values())


def id_keyword(canonical: str) -> str:
    """The keyword that names a schema's own URI in a draft: `id` in draft-04, `$id` after."""
    return "id" if _key(canonical) == "json-schema.org/draft-04/schema" else "$id"


def validator_class(schema: Any) -> type[Validator]:
    """The validator for a schema's draft (2020-12 when unknown), with ECMA-262 regular expressions."""
    canonical = dialect(schema.get("$schema") if isinstance(schema, dict) else None) or DEFAULT_DIALECT
    return _ECMA[_DRAFTS[_key(canonical)][1]]


@functools.lru_cache(maxsize=4096)
def ecma_regex(pattern: str) -> regress.Regex:
    """`pattern` compiled as ECMA-262, in Unicode mode (`\\p{L}`) when it is valid there; raises
    `ValueError` with the engine's reason when it is valid in neither mode."""
    try:
        return regress.Regex(pattern, "u")
    except regress.RegressError:
        try:
            return regress.Regex(pattern)
        except regress.RegressError as exc:
            raise ValueError(str(exc)) from None


def search(pattern: str, value: str) -> bool:
    """Whether `pattern` matches anywhere in `value` (JSON Schema patterns are not anchored)."""
    return ecma_regex(pattern).find(value) is not None


def pattern_problem(pattern: Any) -> str | None:
    """Why `pattern` is not an ECMA-262 regular expression, or None when it is one."""
    if not isinstance(pattern, str):
        return None
    try:
        ecma_regex(pattern)
    except ValueError as exc:
        return str(exc) or "not a regular expression"
    return None


def _pattern(validator: Validator, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Created, patterns: dict[str, Any], instance: Any,
                        schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if search(pattern, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


def _additional_properties(validator: Created, extra: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    declared = schema.get("properties") or {}
    patterns = list(schema.get("patternProperties") or {})
    extras = [n for n in instance if n not in declared and not any(search(p, n) for p in patterns)]
    if validator.is_type(extra, "object"):
        for name in extras:
            yield from validator.descend(instance[name], extra, path=name)
    elif extra is False and extras:
        listed = ", ".join(repr(n) for n in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")


def _ecma(cls: type[Validator]) -> type[Validator]:
    checker = type(cls.FORMAT_CHECKER)(formats=())
    checker.checkers = {**Draft202012Validator.FORMAT_CHECKER.checkers, **cls.FORMAT_CHECKER.checkers}
    checker.checks("regex", raises=ValueError)(lambda value: not isinstance(value, str) or bool(ecma_regex(value)))
    keywords = {"pattern": _pattern, "patternProperties": _pattern_properties,
                "additionalProperties": _additional_properties}
    extended: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]  # untyped in the stubs
        cls, keywords, format_checker=checker)
    extended.evolve = _evolve  # type: ignore[method-assign]  # on purpose: see `_evolve`
    return extended


def _evolve(self: Validator, **changes: Any) -> Validator:
    """jsonschema's `evolve`, which switches class where a subschema names its `$schema` (a shared part's
    root, say): here to that draft's ECMA-262 class, never back to Python's `re`."""
    schema = changes.setdefault("schema", self.schema)
    plain = validators.validator_for(schema, default=type(self))
    for name, alias in _init_fields(type(self)):
        if alias not in changes:
            changes[alias] = getattr(self, name)
    return _ECMA.get(plain, plain)(**changes)


@functools.cache
def _init_fields(cls: type[Validator]) -> tuple[tuple[str, str], ...]:
    fields = attrs.fields(cls)  # type: ignore[arg-type]  # the drafts' classes are attrs classes; the stubs say less
    return tuple((each.name, each.alias) for each in fields if each.init)


_ECMA: dict[type[Validator], type[Validator]] = {cls: _ecma(cls) for _, cls in _DRAFTS.values()}
