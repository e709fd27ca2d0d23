"""A compiled pre-check: whether answers are valid, told by jsonschema-rs in a fraction of the time.

Only the answer "valid" is trusted, and only because it is the same answer: the pre-check reads the
same schemas (the form's registry, consts as enums), under the same draft, with every format checked
by the very functions the plain-language validator uses (`format_checker`) and `pattern` matched as
ECMA-262 by `core.dialects.search`. Answers it refuses go through the plain-language path
(`submission.validate`), which finds what is wrong and words it; it alone decides what is refused.

Forms with `patternProperties` (whose names the Rust engine would match with its own regular
expressions), or whose schemas the Rust engine cannot read, have no pre-check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs
from jsonschema import FormatChecker

from core.dialects import draft_name, search
from core.schema import iter_subschemas

#: Whether an instance is valid; only True is an answer (False: ask the plain-language validator).
Precheck = Callable[[Any], bool]

_CLASSES = {
    "draft-04": jsonschema_rs.Draft4Validator, "draft-06": jsonschema_rs.Draft6Validator,
    "draft-07": jsonschema_rs.Draft7Validator, "2019-09": jsonschema_rs.Draft201909Validator,
    "2020-12": jsonschema_rs.Draft202012Validator,
}


class _Pattern:
    """`pattern` as ECMA-262, by the same function the plain-language validator uses."""

    def __init__(self, parent: Any, value: Any, schema_path: Any) -> None:
        self.pattern = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not search(self.pattern, instance):
            raise ValueError("no match")


def precheck(root: Any, uri: str, resources: list[tuple[str, Any]], checker: FormatChecker) -> Precheck | None:
    """The pre-check of the schema `root` at `uri` that reads `$ref`s from `resources`, its formats checked by
    `checker`; None where it could differ from the plain-language validator, or cannot be built."""
    if any("patternProperties" in sub for _, contents in resources for sub, _ in iter_subschemas(contents)):
        return None
    cls = _CLASSES[draft_name(root)]
    formats = {name: _format(checker, name) for name in checker.checkers}
    try:
        compiled = cls(root, formats=formats, validate_formats=True, registry=jsonschema_rs.Registry(resources),
                       base_uri=uri, keywords={"pattern": _Pattern}, offline=True)
    except Exception:  # noqa: BLE001 - whatever the Rust engine cannot read keeps to the plain-language path
        return None

    def valid(instance: Any) -> bool:
        try:
            return bool(compiled.is_valid(instance))
        except Exception:  # noqa: BLE001 - e.g. an integer wider than 64 bits: the plain-language path decides
            return False

    return valid


def _format(checker: FormatChecker, name: str) -> Callable[[str], bool]:
    return lambda value: checker.conforms(value, name)
