"""Conditions on the answers: a JSON Schema the answers so far must (or must not) match.

Each is compiled once, where the form is read (a conditional group of the view model, a page of a
long form), and kept with it: deciding whether it holds is one validation, with no cache to share.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema.protocols import Validator

from core.dialects import validator_class


@dataclass(frozen=True, slots=True)
class Condition:
    """A JSON Schema (as JSON text, keys sorted) that the answers must match (`expected` True) or must
    not match (False); compiled when made."""

    schema: str
    expected: bool = True
    validator: Validator = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "validator", validator_class({})(json.loads(self.schema)))  # 2020-12, ECMA-262

    @classmethod
    def of(cls, schema: Mapping[str, Any], expected: bool = True) -> Condition:
        return cls(json.dumps(schema, sort_keys=True), expected)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition holds for the answers given so far."""
        return self.validator.is_valid(answers) is self.expected

    def about(self) -> set[str]:
        """The properties the condition looks at."""
        schema = json.loads(self.schema)
        return set(schema.get("properties") or {}) | set(schema.get("required") or [])
