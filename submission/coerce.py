"""Body in, typed JSON out: the posted form fields read by the form's view model.

Empty answers are absent (never `""`), numbers and booleans are typed, dates are ISO 8601.
What cannot be read is kept as typed (so the page shows it again) and reported as an `Issue`.
`form_values` is the inverse: a JSON instance as the strings a form would post. Each kind of
question has its reader (`READERS`) and its writer (`WRITERS`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote_to_bytes

from core.schema import json_fault, same_json
from core.timezone import HELSINKI
from core.view.fields import (
    ATTACHMENT_PREFIX,
    ITEM,
    Field,
    Kind,
    chosen_branch,
    item_at,
    list_items,
    moved_to,
    pair_rows,
    walk,
)

#: Posted form data: each control name with every value sent for it.
FormData = Mapping[str, Sequence[str]]

_MONTHS = {
    name: number
    for number, names in enumerate([
        ("tammikuu", "tammi", "januari", "january", "jan"), ("helmikuu", "helmi", "februari", "february", "feb"),
        ("maaliskuu", "maalis", "mars", "march", "mar"), ("huhtikuu", "huhti", "april", "apr"),
        ("toukokuu", "touko", "maj", "may"), ("kesäkuu", "kesä", "juni", "june", "jun"),
        ("heinäkuu", "heinä", "juli", "july", "jul"), ("elokuu", "elo", "augusti", "august", "aug"),
        ("syyskuu", "syys", "september", "sep", "sept"), ("lokakuu", "loka", "oktober", "october", "okt", "oct"),
        ("marraskuu", "marras", "november", "nov"), ("joulukuu", "joulu", "december", "dec"),
    ], start=1)
    for name in names
}
#: What a JSON answer that could not be read parses to.
_UNREAD = object()
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True)
class Issue:
    """A problem found in an answer: where, which rule (a JSON Schema keyword or our own), details.

    Two codes are notes rather than problems: `option` says which option of a choice between
    objects the person picked, so that validation speaks of that option's questions; `shown_empty`
    marks a list shown with no item, sent as `[]` where the schema (perhaps a condition) requires it.
    """

    pointer: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


def apply_action(data: dict[str, list[str]], action: str, fields: Sequence[Field]) -> dict[str, list[str]]:
    """The form data after an add or remove button of a list: `add /pointer`, `remove /pointer/3`;
    or of a file uploaded earlier: `remove-file /pointer <id>`."""
    verb, _, target = action.partition(" ")
    if verb == "remove-file":
        name, _, dropped = target.rpartition(" ")
        return {**data, f"{name}[kept]": [i for i in data.get(f"{name}[kept]", []) if i != dropped]}
    row = re.fullmatch(r"(.*)\[(\d+)\]", target)
    if verb == "remove" and row and _placed_field(fields, row.group(1), "pairs"):
        return _without_row(data, row.group(1), int(row.group(2)))
    pairs = _placed_field(fields, target, "pairs")
    if pairs is not None:  # adding a row: the page always ends with a blank one, so showing it again adds it
        return {**data, **{f"{target}[{len(pair_rows(pairs, data)) - 1}][key]": [""]}}
    added = _placed_field(fields, target, "list") if verb == "add" else None
    if added is not None:
        count = len(list_items(added, data))
        return {**data, f"{target}[count]": [str(count + 1)]}
    parent, _, index = target.rpartition("/")
    removed = _placed_field(fields, parent, "list") if verb == "remove" and index.isdigit() else None
    if removed is not None:
        count, gone = len(list_items(removed, data)), int(index)
        kept: dict[str, list[str]] = {}
        for name, values in data.items():
            at = _item_index(name, parent)
            if at is None:
                kept[name] = values
            elif at > gone:
                kept[f"{parent}/{at - 1}{name[len(f'{parent}/{at}'):]}"] = values
            elif at < gone:
                kept[name] = values
        kept[f"{parent}[count]"] = [str(max(count - 1, 0))]
        return kept
    return data


def _placed_field(fields: Sequence[Field], name: str, kind: Kind) -> Field | None:
    """The list or "pairs" field whose control is `name`, at any depth: inside list items the
    view model holds a template (`/a/-/b`), made the field of item `/a/3/b` here."""
    found = [f for f in walk(fields) if f.kind == kind]
    exact = next((f for f in found if f.name == name), None)
    if exact is not None:
        return exact
    template = ITEM.sub("/-", name)
    return next((moved_to(f, name) for f in found if not f.control and ITEM.sub("/-", f.pointer) == template), None)


def _without_row(data: dict[str, list[str]], name: str, gone: int) -> dict[str, list[str]]:
    kept: dict[str, list[str]] = {}
    for key, values in data.items():
        match = re.fullmatch(re.escape(name) + r"\[(\d+)\](\[(key|value)\].*)", key)
        if match is None:
            kept[key] = values
        elif int(match.group(1)) != gone:
            at = int(match.group(1))
            kept[f"{name}[{at - 1 if at > gone else at}]{match.group(2)}"] = values
    return kept


def _item_index(name: str, parent: str) -> int | None:
    match = re.match(re.escape(parent) + r"/(\d+)(?=[/\[]|$)", name)
    return int(match.group(1)) if match else None


def parse_form(body: bytes, max_fields: int = 5000) -> dict[str, list[str]]:
    """An `application/x-www-form-urlencoded` body as each name's values, in order.

    Raises ValueError for a body that is not UTF-8 or has more than `max_fields` fields.
    """
    data: dict[str, list[str]] = {}
    pairs = body.split(b"&")
    if len(pairs) > max_fields:
        raise ValueError(f"more than {max_fields} fields")
    for pair in pairs:
        if pair:
            name, _, value = pair.partition(b"=")
            data.setdefault(_unquote(name), []).append(_unquote(value))
    return data


def _unquote(raw: bytes) -> str:
    # Control names are JSON Pointers ("/a/b", dates "/a[day]"): keep them on the fast path.
    raw = raw.replace(b"+", b" ").replace(b"%2F", b"/").replace(b"%5B", b"[").replace(b"%5D", b"]")
    return raw.decode() if b"%" not in raw else unquote_to_bytes(raw).decode()


def coerce(fields: Sequence[Field], data: FormData,
           base: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[Issue]]:
    """The JSON instance the posted `data` means, and what could not be read.

    `base` holds answers given elsewhere (other pages of the form): conditions may rest on them,
    and they are not part of what is returned."""
    issues: list[Issue] = []
    instance: dict[str, Any] = dict(base or {})
    for f in fields:
        _coerce(f, data, instance, issues)
    return {k: v for k, v in instance.items() if not base or k not in base}, issues


def _first(data: FormData, name: str) -> str:
    values = data.get(name) or ()
    return values[0] if values else ""


def _coerce(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    """Read the answer to `f` from the posted `data` into `out` (under `f.key`), noting what could not be read."""
    READERS[f.kind](f, data, out, issues)


#: Reads one kind of question's answer from the posted data into its object, noting problems in the list.
Reader = Callable[[Field, FormData, dict[str, Any], list[Issue]], None]


def _fieldset(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    fields: dict[str, Any] = {}
    for child in f.children:
        _coerce(child, data, fields, issues)
    if f.required or _given(f.children, fields):
        out[f.key] = fields


def _checkbox(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    out[f.key] = _first(data, f.name) == "true"


def _declaration(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    if _first(data, f.name) == "true":
        out[f.key] = True


def _choice(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    raw = _first(data, f.name)
    if raw:
        out[f.key] = _option_data(f, raw, issues)


def _checkboxes(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    chosen = [_option_data(f, v, issues) for v in data.get(f.name) or () if v]
    if chosen or f.required:  # a required list of choices may be empty, unless `minItems` says otherwise
        out[f.key] = chosen


def _file(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    kept = [f"{ATTACHMENT_PREFIX}{i}" for i in data.get(f"{f.name}[kept]") or () if i]
    if kept:
        out[f.key] = kept if f.json_type == "array" else kept[-1]


def _fixed(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    if f.required and f.options:  # never read from the page: the schema says what it is
        out[f.key] = f.options[0].data


def _hidden(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    if f.options:  # an option's tag: fixed too
        _fixed(f, data, out, issues)
        return
    raw = _first(data, f.name).strip()
    if raw:
        out[f.key] = _scalar(f, raw, issues)


def _conditional(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    if f.condition is None or f.condition.holds(out):  # answers to questions that do not apply are dropped
        for child in f.children:
            _coerce(child, data, out, issues)


def _alternatives(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    option = _first(data, f"{f.name}[option]")
    if option.isdigit() and int(option) < len(f.children):
        issues.append(Issue(f.pointer, "option", {"n": int(option)}))  # not a problem: which option was picked
        inner: dict[str, Any] = {}
        for child in f.children[int(option)].children:
            _coerce(child, data, inner, issues)
        if f.pointer:
            out[f.key] = inner
        else:  # the form's root is the choice: the answers are the option's
            out.update(inner)
    elif option:
        issues.append(Issue(f.pointer, "choice"))
    elif not f.pointer:  # the form's root is the choice: nothing is answered until an option is picked
        issues.append(Issue(f.pointer, "required"))


def _list(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    items: list[Any] = []
    for position in f.prefix:
        answer: dict[str, Any] = {}
        _coerce(position, data, answer, issues)
        items.append(answer.get(position.key))
    while items and items[-1] is None and not f.children:
        items.pop()
    for item in list_items(f, data):
        answer = {}
        _coerce(item, data, answer, issues)
        if item.kind == "fieldset":  # an object item stays until removed: its questions get asked
            items.append(answer.get(item.key, {}))
        elif item.kind == "list":  # so does a list item, even with no items of its own
            items.append(answer.get(item.key, []))
        elif answer.get(item.key) is not None:
            items.append(answer[item.key])
    given = any(_answer_given(p, v) for p, v in zip(f.prefix, items, strict=False))  # not an unticked box
    if f.required or given or any(i is not None for i in items[len(f.prefix):]):
        out[f.key] = items
    elif not f.prefix and _first(data, f"{f.name}[count]") == "0":  # `[]` if a condition requires the list
        issues.append(Issue(f.pointer, "shown_empty"))


def _pairs(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    for key_field, value_field in pair_rows(f, data)[:-1]:
        name = _first(data, key_field.name).strip()
        row: dict[str, Any] = {}
        _coerce(value_field, data, row, issues)
        if name:
            out[name] = row.get("value")
        elif _first(data, value_field.name).strip():
            issues.append(Issue(f.pointer, "pair_key"))


def _date_field(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    value = _date(f, data, issues)
    if value is not None:
        out[f.key] = value
    elif f.nullable:
        out[f.key] = None


def _textarea(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    text = _first(data, f.name).replace("\r\n", "\n").replace("\r", "\n")
    if text.strip():
        out[f.key] = text
    elif f.nullable:
        out[f.key] = None


def _json(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    raw = _first(data, f.name)
    if not raw.strip():
        return
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        parsed = _UNREAD
    if parsed is _UNREAD or json_fault(parsed):
        out[f.key] = raw
        issues.append(Issue(f.pointer, "json"))
    else:
        out[f.key] = parsed


def _text(f: Field, data: FormData, out: dict[str, Any], issues: list[Issue]) -> None:
    raw = _first(data, f.name).strip()
    if raw:
        out[f.key] = _scalar(f, raw, issues)
    elif f.nullable:
        out[f.key] = None


#: The reader of each kind of question (`tests/core/test_kinds.py` checks that every kind has one).
READERS: dict[Kind, Reader] = {
    "text": _text, "number": _text, "textarea": _textarea, "date": _date_field, "json": _json,
    "checkbox": _checkbox, "declaration": _declaration, "radios": _choice, "select": _choice,
    "checkboxes": _checkboxes, "file": _file, "fixed": _fixed, "hidden": _hidden, "fieldset": _fieldset,
    "alternatives": _alternatives, "list": _list, "pairs": _pairs, "conditional": _conditional,
}


def _given(fields: Sequence[Field], answers: Mapping[str, Any]) -> bool:
    """Whether the person answered anything in an optional group: an unticked checkbox, a fixed
    value, an empty list or a blank item the page showed by itself is no answer."""
    for f in fields:
        if f.kind == "conditional":
            if _given(f.children, answers):
                return True
        elif f.kind == "pairs":
            if set(answers) - {c.key for c in fields}:
                return True
        elif f.key in answers and _answer_given(f, answers[f.key]):
            return True
    return False


def _answer_given(f: Field, value: Any) -> bool:
    if f.kind in ("fixed", "hidden") or value is None or value == [] or (f.kind == "checkbox" and value is False):
        return False
    if f.kind == "fieldset" and isinstance(value, dict):
        return _given(f.children, value)
    if f.kind == "list" and isinstance(value, list):
        return any(_answer_given(item, v) for item, v in zip(
            [*f.prefix, *list(f.children[:1]) * (len(value) - len(f.prefix))], value, strict=False))
    return True


def _option_data(f: Field, raw: str, issues: list[Issue]) -> Any:
    for option in f.options:
        if option.value == raw:
            return option.data
    issues.append(Issue(f.pointer, "choice"))
    return raw


def _scalar(f: Field, raw: str, issues: list[Issue]) -> Any:
    if f.json_type == "integer":
        digits = _SPACES.sub("", raw).replace("\u2212", "-")
        if re.fullmatch(r"[+-]?\d+", digits):
            return int(digits)
        issues.append(Issue(f.pointer, "integer"))
    elif f.json_type == "number":
        digits = _SPACES.sub("", raw).replace("\u2212", "-").replace(",", ".")
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", digits):
            number = float(digits)
            return int(number) if number.is_integer() and "." not in digits and "e" not in digits.lower() else number
        issues.append(Issue(f.pointer, "number"))
    elif f.json_type == "scalar":  # a union of numbers and strings: a number when it reads as one
        digits = _SPACES.sub("", raw).replace("\u2212", "-").replace(",", ".")
        if re.fullmatch(r"[+-]?\d+", digits):
            return int(digits)
        if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", digits):
            return float(digits)
    elif f.json_type == "boolean" and raw in ("true", "false"):
        return raw == "true"
    elif f.json_type == "time":
        if re.fullmatch(r"\d{1,2}[:.]\d{2}([:.]\d{2})?", raw):
            parts = re.split(r"[:.]", raw) + ["00"]
            offset = dt.datetime.now(HELSINKI).strftime("%z")
            return f"{int(parts[0]):02d}:{parts[1]}:{parts[2]}{offset[:3]}:{offset[3:]}"
        return raw  # already with an offset, or validation says how to write it
    elif f.json_type == "date-time":
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            return raw  # validation says how to write it
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=HELSINKI)
        return _iso(moment.astimezone(dt.UTC)).replace("+00:00", "Z")
    return raw


def _iso(moment: dt.datetime) -> str:
    """ISO 8601 to the precision the moment has: seconds, milliseconds or microseconds."""
    spec = "seconds" if not moment.microsecond else "milliseconds" if not moment.microsecond % 1000 else "auto"
    return moment.isoformat(timespec=spec)


def _date(f: Field, data: FormData, issues: list[Issue]) -> str | None:
    parts = {p: _first(data, f"{f.name}[{p}]").strip() for p in ("day", "month", "year")}
    if not any(parts.values()):
        return None
    missing = [p for p, v in parts.items() if not v]
    month = parts["month"].lower().rstrip(".")
    month_number = _MONTHS.get(month) or (int(month) if month.isdigit() else None)
    raw = f"{parts['year']}-{parts['month']}-{parts['day']}"
    if missing:
        issues.append(Issue(f.pointer, "date_missing_part", {"part": missing[0]}))
        return raw
    try:
        if not (parts["day"].isdigit() and month_number and re.fullmatch(r"\d{4}", parts["year"])):
            raise ValueError
        return dt.date(int(parts["year"]), month_number, int(parts["day"])).isoformat()
    except ValueError:
        issues.append(Issue(f.pointer, "date_real"))
        return raw


def form_values(fields: Sequence[Field], instance: Mapping[str, Any]) -> dict[str, list[str]]:
    """The strings a form would post for `instance`: the inverse of `coerce`."""
    values: dict[str, list[str]] = {}
    declared = {f.key for f in fields} | {c.key for f in fields if f.kind == "conditional" for c in f.children}
    for f in fields:
        if f.kind == "conditional":
            values.update(form_values(f.children, instance))
        elif f.kind == "pairs":
            extra = [(k, v) for k, v in instance.items() if k not in declared]
            for i, (name, value) in enumerate(extra):
                key_field, value_field = f.children
                values[f"{f.name}[{i}][key]"] = [name]
                row = form_values([replace(value_field, control=f"{f.name}[{i}][value]")], {"value": value})
                values[f"{f.name}[{i}][value]"] = row.get(f"{f.name}[{i}][value]", [""])
        elif f.kind == "alternatives" and not f.pointer:  # the form's root is the choice
            _values(f, instance, values)
        elif f.key in instance:
            _values(f, instance[f.key], values)
    return values


def _values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    """Put the strings a form would post for `value`, the answer to `f`, into `out`."""
    WRITERS[f.kind](f, value, out)


#: Writes one kind of question's answer as the strings a form would post.
Writer = Callable[[Field, Any, dict[str, list[str]]], None]


def _nothing(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    """A fixed value: nothing on the page to fill."""


def _hidden_values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    if not f.options:  # else an option's tag: nothing on the page to fill
        _plain(f, value, out)


def _file_values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    refs = value if isinstance(value, list) else [value]
    out[f"{f.name}[kept]"] = [r[len(ATTACHMENT_PREFIX):] for r in refs if str(r).startswith(ATTACHMENT_PREFIX)]


def _fieldset_values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        out.update(form_values(f.children, value))
    else:
        _plain(f, value, out)


def _alternatives_values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    if not isinstance(value, dict):
        _plain(f, value, out)
        return
    k = chosen_branch(f, value)
    out[f"{f.name}[option]"] = [str(k)]
    out.update(form_values(f.children[k].children, value))


def _list_values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    if not isinstance(value, list):
        _plain(f, value, out)
        return
    out[f"{f.name}[count]"] = [str(max(len(value) - len(f.prefix), 0))]
    for i, item in enumerate(value):
        item_field = f.prefix[i] if i < len(f.prefix) else item_at(f, i) if f.children else None
        if item_field is not None:
            out.update(form_values([item_field], {item_field.key: item}))


def _ticked(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    if value is True:
        out[f.name] = ["true"]


def _chosen(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    wanted = value if f.kind == "checkboxes" and isinstance(value, list) else [value]
    out[f.name] = [o.value for v in wanted for o in f.options if same_json(o.data, v)]


def _date_values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    if value is None and f.nullable:
        return  # an empty answer
    if not isinstance(value, str):
        _plain(f, value, out)
        return
    try:
        day = dt.date.fromisoformat(value)
        out.update({f"{f.name}[day]": [str(day.day)], f"{f.name}[month]": [str(day.month)],
                    f"{f.name}[year]": [str(day.year)]})
    except ValueError:
        year, _, rest = value.partition("-")
        month, _, day_part = rest.partition("-")
        out.update({f"{f.name}[day]": [day_part], f"{f.name}[month]": [month], f"{f.name}[year]": [year]})


def _json_values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    out[f.name] = [json.dumps(value, ensure_ascii=False, indent=2)]


def _text_values(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    if not (value is None and f.nullable):  # else an empty answer
        _plain(f, value, out)


def _plain(f: Field, value: Any, out: dict[str, list[str]]) -> None:
    """A value in one control: a time as Finnish time, a moment as local time, yes or no, else as written."""
    if f.json_type == "time" and isinstance(value, str):
        match = re.fullmatch(r"(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?", value)
        if match and match.group(3):
            today = dt.datetime.now(HELSINKI).date().isoformat()
            moment = dt.datetime.fromisoformat(f"{today}T{match.group(1)}{match.group(3).replace('Z', '+00:00')}")
            out[f.name] = [moment.astimezone(HELSINKI).strftime("%H:%M:%S")]
        else:
            out[f.name] = [value]
    elif f.json_type == "date-time" and isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
            local = moment.astimezone(HELSINKI).replace(tzinfo=None) if moment.tzinfo else moment
            out[f.name] = [_iso(local)]
        except ValueError:
            out[f.name] = [value]
    elif isinstance(value, bool):
        out[f.name] = ["true" if value else "false"]
    else:
        out[f.name] = [str(value)]


#: The writer of each kind of question (`tests/core/test_kinds.py` checks that every kind has one).
WRITERS: dict[Kind, Writer] = {
    "text": _text_values, "number": _text_values, "textarea": _text_values, "date": _date_values,
    "json": _json_values, "checkbox": _ticked, "declaration": _ticked, "radios": _chosen, "select": _chosen,
    "checkboxes": _chosen, "file": _file_values, "fixed": _nothing, "hidden": _hidden_values,
    "fieldset": _fieldset_values, "alternatives": _alternatives_values, "list": _list_values, "pairs": _plain,
    "conditional": _plain,
}
