"""Instance in, answers out: every question with its answer as text, grouped as the form groups them, for the
receipt, its confirmation page and the review."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, assert_never

from core.formats import clock_shown, date_shown, moment_shown, number_shown
from core.identifiers import IDENTIFIERS
from core.messages import text
from core.schema import same_json
from core.timezone import HELSINKI
from core.view.fields import Field, chosen_branch, item_at


@dataclass(frozen=True, slots=True)
class Answer:
    """A question and its answer as shown; a heading row opens a group (a nested object)."""

    label: str
    value: str = ""
    heading: bool = False
    #: The id of the question's control on its page, for a link that changes the answer.
    target: str = ""

    @property
    def lines(self) -> list[str]:
        """The answer's lines, each shown as a line of its own (one long block is slow to lay out in a PDF)."""
        return self.value.split("\n")


@dataclass(frozen=True, slots=True)
class Group:
    """Answers under one heading, in the form's order: a page, a nested object or one item of a list.
    Answers that follow a nested group belong to this group, not to the nested one."""

    label: str
    items: tuple[Answer | Group, ...] = ()
    #: The form marks this part not public (a page with `"public": false`).
    non_public: bool = False
    #: Where the person changes these answers (a page, on the review).
    url: str = ""

    @property
    def runs(self) -> list[tuple[Answer, ...] | Group]:
        """The items with consecutive answers put together: one list of answers between nested groups."""
        runs: list[tuple[Answer, ...] | Group] = []
        for item in self.items:
            if isinstance(item, Group):
                runs.append(item)
            elif runs and isinstance(runs[-1], tuple):
                runs[-1] = (*runs[-1], item)
            else:
                runs.append((item,))
        return runs


def answer_tree(fields: Sequence[Field], instance: Mapping[str, Any], lang: str,
                files: Mapping[str, str] | None = None) -> tuple[Answer | Group, ...]:
    """Every question of `fields` in page order with the answer given (or "Not answered"), nested objects and
    list items as groups. `files` names each attachment reference (`attachment:<id>`) as the person knows it."""
    return tuple(_named(item, files or {}) for item in _items(fields, instance, lang))


def answers(fields: Sequence[Field], instance: Mapping[str, Any], lang: str,
            files: Mapping[str, str] | None = None) -> list[Answer]:
    """The tree as one list, each group as a heading row before its answers."""
    return list(_flat(answer_tree(fields, instance, lang, files)))


def _flat(items: Sequence[Answer | Group]) -> Iterator[Answer]:
    for item in items:
        if isinstance(item, Group):
            yield Answer(item.label, heading=True)
            yield from _flat(item.items)
        else:
            yield item


def _named(item: Answer | Group, files: Mapping[str, str]) -> Answer | Group:
    if isinstance(item, Group):
        return Group(item.label, tuple(_named(i, files) for i in item.items), item.non_public, item.url)
    return Answer(item.label, "\n".join(files.get(line, line) for line in item.lines), item.heading, item.target)


def _items(fields: Sequence[Field], instance: Mapping[str, Any], lang: str) -> Iterator[Answer | Group]:
    for f in fields:
        yield from _field_items(f, instance.get(f.key) if f.pointer else instance, instance, lang)


def _field_items(f: Field, value: Any, instance: Mapping[str, Any], lang: str) -> Iterator[Answer | Group]:
    """The answers of one question: `value` its answer (a choice at the root: the whole answer), `instance` the
    object holding it."""
    match f.kind:
        case "hidden":
            return
        case "conditional":  # a group inside the group (conditions in a chain) decides for its own questions
            yield from _items([c for c in f.children if c.kind == "conditional" or c.key in instance], instance, lang)
            return
        case "alternatives" if isinstance(value, dict):
            branch = f.children[chosen_branch(f, value)]
            yield Answer(f.label, branch.label)
            yield from _items(branch.children, value, lang)
            return
        case "list" if isinstance(value, list) and value:
            yield from _list_items(f, value, lang)
            return
        case "fieldset":
            yield Group(f.label, tuple(_items(f.children, value if isinstance(value, dict) else {}, lang)))
            return
        case ("text" | "textarea" | "number" | "date" | "checkbox" | "declaration" | "fixed" | "file" | "radios"
              | "select" | "checkboxes" | "alternatives" | "list" | "pairs" | "json"):
            pass  # an answer on a line of its own (a choice or list not answered as one: as it was given)
        case _:
            assert_never(f.kind)
    yield Answer(f.label, text(lang, "not_answered") if f.key not in instance else show(f, value, lang), target=f.id)


def _list_items(f: Field, items: list[Any], lang: str) -> Iterator[Answer | Group]:
    fields = [f.prefix[i] if i < len(f.prefix) else item_at(f, i) for i in range(len(items))
              if i < len(f.prefix) or f.children]
    if not any(each.kind == "fieldset" for each in fields):
        yield Answer(f.label, "\n".join(show(each, v, lang) for each, v in zip(fields, items, strict=False)),
                     target=f.id)
        return
    yield Group(f.label, tuple(Group(each.label, tuple(_items(each.children, item if isinstance(item, dict) else {},
                                                                lang)))
                               for each, item in zip(fields, items, strict=False)))


def show(f: Field, value: Any, lang: str) -> str:
    """One answer as a person reads it: option labels, yes or no, d.M.yyyy in every language, times in
    Finnish time, numbers with the language's separators."""
    match f.kind:
        case "file":
            return "\n".join(str(v) for v in (value if isinstance(value, list) else [value]))
        case "radios" | "select" | "checkboxes":
            wanted = value if f.kind == "checkboxes" and isinstance(value, list) else [value]
            return "\n".join(next((o.label for o in f.options if same_json(o.data, v)), str(v)) for v in wanted)
        case "json" if isinstance(value, int | float) and not isinstance(value, bool):
            return json.dumps(value)  # a number written as JSON stays as written
        case ("text" | "textarea" | "number" | "date" | "checkbox" | "declaration" | "fixed" | "fieldset" | "json"
              | "alternatives" | "list" | "pairs" | "conditional" | "hidden"):
            return _value_shown(f, value, lang)
        case _:
            assert_never(f.kind)


def _value_shown(f: Field, value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return text(lang, "yes" if value else "no")
    if isinstance(value, str):
        return _text_shown(f, value, lang)
    if isinstance(value, int | float):
        return number_shown(value, lang)
    return json.dumps(value, ensure_ascii=False, indent=2)


def _text_shown(f: Field, value: str, lang: str) -> str:
    try:
        if f.kind == "date" or ("type", "date") in f.attrs:
            return date_shown(dt.date.fromisoformat(value))
        if f.json_type == "date-time":
            moment = dt.datetime.fromisoformat(value)
            return moment_shown(moment, lang, seconds=bool(moment.second or moment.microsecond))
        if f.json_type == "time":
            return _time_shown(value, lang)
    except ValueError:
        return value
    identifier = IDENTIFIERS.get(f.format)
    return identifier.shown(value) if identifier is not None else value


def _time_shown(value: str, lang: str) -> str:
    """A time of day (`14:30:00+02:00`) as the clock showed it in Finland: as written when its offset is
    Finnish (winter or summer time), turned into today's Finnish time otherwise (`12:30:00Z`)."""
    clock = dt.time.fromisoformat(value.replace("Z", "+00:00"))
    offset = clock.utcoffset()
    if offset is not None and offset not in (dt.timedelta(hours=2), dt.timedelta(hours=3)):
        moment = dt.datetime.combine(dt.datetime.now(HELSINKI).date(), clock.replace(tzinfo=None)) - offset
        clock = moment.replace(tzinfo=dt.UTC).astimezone(HELSINKI).time()
    return clock_shown(clock, lang, seconds=bool(clock.second or clock.microsecond))
