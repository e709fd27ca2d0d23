"""Ask only once: an answer asked again is filled in with the earlier one (`x-lomake` `same_as`).

While the later answer is unanswered (and its page not yet passed), its page and the review show the
earlier answer in it, with a hint saying where it came from; it stays the person's to change. An earlier
answer counts only while its question applies (a principal's name, once the person acts for themselves,
does not). Pure: form metadata, the view and answers in, answers and fields out.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from core.forms import FormMeta
from core.schema import unescape, value_at
from core.view.fields import Field, FormView
from submission.journey import page_of


def filled_in(meta: FormMeta, view: FormView, answers: Mapping[str, Any],
              done: Sequence[str] = ()) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers with each `same_as` answer still unanswered filled in with its earlier answer, and the pointer
    each filled-in answer came from. `view` is the whole form's: it says whether the earlier question applies."""
    filled: dict[str, Any] = copy.deepcopy(dict(answers))
    came: dict[str, str] = {}
    for same in meta.same_as:
        value = answer_at(answers, same.source)
        if value is None or answer_at(filled, same.answer) is not None or page_of(meta, same.answer) in done:
            continue
        if asked(view.fields, answers, same.source):
            _put(filled, same.answer, value)
            came[same.answer] = same.source
    return filled, came


def answer_at(answers: Mapping[str, Any], pointer: str) -> Any:
    """The answer at a JSON Pointer, or None when there is none (an empty text is none)."""
    value = value_at(answers, pointer)
    return None if value == "" else value


def _put(answers: dict[str, Any], pointer: str, value: Any) -> None:
    parts = [unescape(p) for p in pointer.split("/")[1:]]
    holder = answers
    for name in parts[:-1]:
        if not isinstance(holder.get(name), dict):
            holder[name] = {}
        holder = holder[name]
    holder[parts[-1]] = copy.deepcopy(value)


def asked(fields: Sequence[Field], answers: Any, pointer: str) -> bool:
    """Whether the question at `pointer` is among `fields` and applies to the answers (the conditions of the
    groups it is in hold, each for its own object's answers)."""
    for f in fields:
        if f.kind == "conditional":
            if _inside(f, pointer):
                holds = f.condition is None or f.condition.holds(answers if isinstance(answers, Mapping) else {})
                return holds and asked(f.children, answers, pointer)
        elif f.pointer == pointer:
            return True
        elif pointer.startswith(f.pointer + "/") and f.kind == "fieldset":
            inner = answers.get(f.key) if isinstance(answers, Mapping) else None
            return asked(f.children, inner or {}, pointer)
    return False


def _inside(group: Field, pointer: str) -> bool:
    return any(c.pointer == pointer or pointer.startswith(c.pointer + "/") or (c.kind == "conditional" and
               _inside(c, pointer)) for c in group.children)


def noted(fields: Sequence[Field], came: Mapping[str, str], note: Callable[[str], str]) -> tuple[Field, ...]:
    """The fields with each filled-in one's hint starting with `note(pointer it came from)`."""
    out = []
    for f in fields:
        children = noted(f.children, came, note) if f.children else f.children
        hint = f"{note(came[f.pointer])} {f.hint}".strip() if f.pointer in came else f.hint
        out.append(replace(f, children=children, hint=hint))
    return tuple(out)


def source_label(view: FormView, pointer: str) -> str:
    """The earlier question as a person knows it: its label, after its group's (`Päämies: Nimi`)."""
    f = view.field_at(pointer)
    if f is None:
        return pointer
    group = view.field_at(pointer.rsplit("/", 1)[0]) if pointer.count("/") > 1 else None
    return f"{group.label}: {f.label}" if group is not None and group.label and group is not f else f.label
