"""Requirements stated as a choice: an object's `oneOf`/`anyOf` of `{"required": [...]}` (give a phone
number or an e-mail address). The page says so at each question concerned ("Give either X or Y"),
drops their "(optional)", and the first one carries the error when the choice is not met."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from core.messages import text
from core.schema import Schema, escape
from core.view.fields import Field

#: What a branch may hold besides `required` and still be a plain requirement.
_NOTES = {"required", "title", "description", "$comment"}
#: The kinds whose `required` only drops "(optional)" from the label.
_SCALAR_KINDS = {"text", "number", "date", "radios", "select", "textarea", "checkboxes", "file"}


def requirement_choices(schema: Schema) -> list[tuple[str, list[list[str]]]]:
    """Each `oneOf`/`anyOf` of `schema` made of requirements only: the keyword and each option's names."""
    found = []
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches and all(requirement_only(b) for b in branches):
            found.append((key, [[str(n) for n in b["required"]] for b in branches]))
    return found


def requirement_only(branch: Any) -> bool:
    return (isinstance(branch, dict) and isinstance(branch.get("required"), list) and bool(branch["required"])
            and set(branch) <= _NOTES)


def with_requirements(fields: Sequence[Field], schema: Schema, at: str, lang: str) -> list[Field]:
    """`fields` of the object at `at`, told of the object's requirement choices."""
    out = list(fields)
    for key, options in requirement_choices(schema):
        labels = {f.key: f.label for f in out}
        if not all(n in labels for option in options for n in option):
            continue  # a name with no question on this page: validation speaks of it as usual
        said = text(lang, "or").join(
            text(lang, "and").join(f"”{labels[n]}”" for n in option) for option in options)
        hint = text(lang, "give_one_of" if key == "oneOf" else "give_any_of", options=said)
        names = {n for option in options for n in option}
        first = options[0][0]
        for i, f in enumerate(out):
            if f.key not in names:
                continue
            messages = f.messages
            if f.key == first:
                messages += (("either_missing", text(lang, "give_one_of" if key == "oneOf" else "give_any_of",
                                                     options=said)),
                             ("either_both", text(lang, "give_only_one", options=said)))
            out[i] = replace(f, hint=" ".join(h for h in (f.hint, hint) if h), messages=messages,
                             required=f.required or f.kind in _SCALAR_KINDS)
    return out


def first_named(options: list[list[str]], at: str) -> str:
    """Where the error of an unmet requirement choice stands: the first question it names."""
    return f"{at}/{escape(options[0][0])}"
