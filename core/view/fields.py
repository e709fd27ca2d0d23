"""The view model: the fields a form shows, and how its repeating parts become items on the page.

Built by `core.view.build` from the schema; read by the templates, by coercion of the posted
body (`submission.coerce`) and by the answers on the receipt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from core.conditions import Condition
from core.schema import same_json

ITEM = re.compile(r"/\d+(?=/|$)")


#: The components a question can be, each made by the view builder (`core.view.build`, `scalars`, `constructs`).
#: Code that acts by kind `match`es on it, ending in `assert_never` (mypy then names every place a new kind must
#: be handled), or keeps a table by kind (`submission.coerce.READERS`), held complete by tests/core/test_kinds.py.
Kind = Literal[
    "text", "textarea", "number", "date", "checkbox", "declaration", "fixed", "file", "radios", "select",
    "checkboxes", "fieldset", "alternatives", "list", "pairs", "conditional", "hidden", "json",
]
KINDS: tuple[Kind, ...] = get_args(Kind)


#: How answers refer to an uploaded file: `attachment:<id>`.
ATTACHMENT_PREFIX = "attachment:"


@dataclass(frozen=True, slots=True)
class Option:
    """One radio, checkbox or select option: the string sent, the label shown, the JSON value meant."""

    value: str
    label: str
    data: Any


@dataclass(frozen=True, slots=True)
class Field:
    """One question on the page.

    `kind` picks the component: text, textarea, number, date, checkbox, declaration, fixed, file, radios,
    select, checkboxes, fieldset, alternatives (a choice between objects), list (an array's
    items, added and removed by buttons), pairs (an object's free-form entries), conditional
    (questions that apply only when a condition holds), hidden or json.
    `pointer` is where the answer goes in the JSON instance, and also the control's `name`
    unless `control` names it.
    """

    kind: Kind
    key: str
    pointer: str
    id: str
    label: str
    hint: str = ""
    required: bool = False
    json_type: str = "string"
    options: tuple[Option, ...] = ()
    children: tuple[Field, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()
    rows: int = 5
    messages: tuple[tuple[str, str], ...] = ()
    #: The schema allows `null`: an empty answer is then `null`, not absent.
    nullable: bool = False
    #: The control's name when it is not the pointer (the rows of a "pairs" field).
    control: str = ""
    #: A list's `minItems`: how many items a new page shows.
    min_items: int = 0
    #: The string's `format`, when it is one the page treats specially (identifiers, dates).
    format: str = ""
    #: A tuple's fixed first items (`prefixItems`, or draft-07 `items` as a list), before any added ones.
    prefix: tuple[Field, ...] = ()
    #: A file field's largest accepted file, in bytes.
    max_bytes: int = 0
    #: A conditional group's condition: what the object's answers must (or must not) match for the group's
    #: questions to apply.
    condition: Condition | None = None
    #: A list inside an optional group: a new page shows none of its items until the person adds one,
    #: so that the group stays unanswered (and absent) when left alone.
    starts_empty: bool = False
    #: A "json" field's reason: the schema construct the page has no control for (`lomake check` names it).
    construct: str = ""
    #: The input's width in characters, fitted to the answer (a postal code 5, an identity code 11); 0: full.
    width: int = 0
    #: A text area's `maxLength`: said once under it, counted down with JavaScript.
    max_chars: int = 0
    #: When the object requires this question though its schema does not always: a condition whose branch only
    #: adds `required` (the permit's existing permits, once the activity is a change). A page of a long form
    #: settles it from the answers of other pages, so that the label does not say "(optional)" of a must.
    required_when: tuple[Condition, ...] = ()

    @property
    def name(self) -> str:
        return self.control or self.pointer

    @property
    def optional(self) -> bool:
        """Says "(optional)" in the label: not required and not a yes/no checkbox."""
        return not self.required and self.kind not in ("checkbox", "fieldset", "hidden")

    def message(self, code: str) -> str | None:
        return dict(self.messages).get(code)


@dataclass(frozen=True, slots=True)
class FormView:
    """The whole form page: its heading, lead text, fields and submit button."""

    form_id: str
    lang: str
    title: str
    description: str
    submit_label: str
    fields: tuple[Field, ...]
    index: dict[str, Field] = field(default_factory=dict)
    #: Where the read-only answers are (not inside lists or choices): the server's to fill, never the client's.
    read_only: tuple[str, ...] = ()
    #: Where identifiers are (not inside lists or choices), by pointer: normalised before validation.
    identifiers: tuple[tuple[str, str], ...] = ()
    #: The agency's privacy notice, when the form asks for personal data, and the pointer of the top-level
    #: question it is linked from (`core.forms.FormMeta.personal_data`).
    privacy_url: str = ""
    personal_from: str = ""
    #: The agency's accessibility statement (`/accessibility/<agency>`), when its file has one.
    statement_url: str = ""

    def field_at(self, pointer: str) -> Field | None:
        """The field holding `pointer`, or the nearest enclosing one (a list's items are read by
        its item template, `/-` for the index; an object's free-form entries belong to its
        "pairs" field, indexed as the object's pointer plus `/*`)."""
        while pointer:
            found = self.index.get(pointer) or self.index.get(ITEM.sub("/-", pointer))
            if found is not None:
                return found
            pointer = pointer.rsplit("/", 1)[0]
            found = self.index.get(pointer + "/*")
            if found is not None:
                return found
        return self.index.get("")  # a form whose root is a choice between objects: that choice


def html_id(pointer: str) -> str:
    """A valid, unique HTML id for a field: `f-` and the pointer with other characters escaped."""
    return "f" + "".join(c if c.isascii() and c.isalnum() else f"-{ord(c):x}-" if c != "/" else "_" for c in pointer)


def walk(fields: Sequence[Field]) -> Iterator[Field]:
    """Every field, depth first, in page order."""
    for f in fields:
        yield f
        yield from walk(f.prefix + f.children)


def pair_rows(f: Field, values: Mapping[str, Sequence[str]]) -> list[tuple[Field, Field]]:
    """The rows a "pairs" field shows: one per entry sent (or given) and one blank for a new entry."""
    count = 0
    while f"{f.name}[{count}][key]" in values:
        count += 1
    key, value = f.children
    return [
        (replace(key, control=f"{f.name}[{i}][key]", id=f"{f.id}-{i}-key"),
         replace(value, control=f"{f.name}[{i}][value]", id=f"{f.id}-{i}-value"))
        for i in range(count + 1)
    ]


def chosen_branch(f: Field, value: Any) -> int:
    """Which option of an "alternatives" field an answer belongs to: the one whose questions it fits best,
    first by the answers none of its choices holds (a tag `country: "MEX"` is not the option fixing "CAN"),
    then by the answers it has no question for, then by the most answered."""
    answers = value if isinstance(value, dict) else {}

    def fit(k: int) -> tuple[int, int, int]:
        own = {c.key: c for c in f.children[k].children}
        contradicted = sum(1 for key, answer in answers.items() if key in own and own[key].kind != "checkboxes"
                           and own[key].options and not any(same_json(o.data, answer) for o in own[key].options))
        return (contradicted, len(answers.keys() - own.keys()), -len(answers.keys() & own.keys()))

    return min(range(len(f.children)), key=fit) if f.children else 0


def list_items(f: Field, values: Mapping[str, Sequence[str]]) -> list[Field]:
    """The items a "list" field shows: as many as were sent (or given); on a new page, a required
    list shows `minItems` (at least one) and an optional one starts with its "Add" button alone."""
    if not f.children:
        return []  # a tuple that takes no more items
    sent = (values.get(f"{f.name}[count]") or [""])[0]
    start = len(f.prefix)
    count = int(sent) if sent.isdigit() else max(f.min_items - start, 0 if start else 1) if (
        f.required and not f.starts_empty) else 0
    return [item_at(f, start + i) for i in range(min(count, 500))]


def item_at(f: Field, i: int) -> Field:
    """A list's item template made the item at index `i`: its pointers, names and ids."""
    template = f.children[0]
    return replace(_moved(template, template.pointer, f"{f.pointer}/{i}"), key=str(i),
                   label=f"{template.label} {i + 1}")


def emptied(f: Field) -> Field:
    """A field of an optional group: its lists (outside list items) start with no item."""
    if f.kind == "list":
        return replace(f, starts_empty=True, prefix=tuple(emptied(c) for c in f.prefix))
    return replace(f, children=tuple(emptied(c) for c in f.children))


def moved_to(field: Field, pointer: str) -> Field:
    """A field of a list's item template (pointer with `/-`) placed at `pointer`, an item's real place."""
    return _moved(field, field.pointer, pointer)


def _moved(field: Field, old: str, new: str) -> Field:
    pointer = new + field.pointer[len(old):]
    return replace(field, pointer=pointer, id=html_id(pointer), attrs=_lists_to(field, html_id(pointer)),
                   children=tuple(_moved(c, old, new) for c in field.children),
                   prefix=tuple(_moved(c, old, new) for c in field.prefix))


def _lists_to(field: Field, new_id: str) -> tuple[tuple[str, str], ...]:
    """The field's attributes with its `list` (the id of its own datalist, `<id>-examples`) following its new id."""
    return tuple((k, new_id + v[len(field.id):]) if k == "list" and v.startswith(field.id) else (k, v)
                 for k, v in field.attrs)


def renamed(field: Field, suffix: str) -> Field:
    """`field` with controls and ids of its own: the name gets `suffix`, the pointer stays."""
    control = field.name + suffix
    return replace(field, control=control, id=html_id(control), attrs=_lists_to(field, html_id(control)),
                   children=tuple(renamed(c, suffix) for c in field.children),
                   prefix=tuple(renamed(c, suffix) for c in field.prefix))
