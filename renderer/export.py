"""Submissions as an agency takes them out: the read API's JSON object (also each line of an NDJSON export) and
the rows of a CSV export. Pure: records in, text out; `web.exports` reads the storage page by page.

CSV, for a clerk opening it in Excel: one row per submission; first the submission's own columns
(`FIXED_COLUMNS`), then one column per JSON pointer of the answers, headed by the pointer. The columns are every
question of the form outside lists, in the form's order (answered or not), and every pointer the exported
answers have besides: a list's items flattened by index (`/lapset/0/nimi`, `/lapset/1/nimi`, as many items as
the longest list exported has, item by item), answers of an older version of the form after the form's own
(next to the question that holds them, if any). So `columns` needs a first pass over the answers; the header is
then known before the first row. One cell holds, rather than a column each: the options ticked in a group of
checkboxes (one per line), an answer the form takes as JSON, and an object's free-form entries (as JSON, in
the column `<object's pointer>/*`). A file is named by its file name. `true`/`false`, numbers as JSON writes
them, nothing for null or no answer.

Formula injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed
gets a `'` in front, so that no spreadsheet runs it; numbers (JSON numbers, never text) stay as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.forms import Form
from core.messages import text
from core.schema import canonical_json, escape, unescape
from core.view.fields import ATTACHMENT_PREFIX, FormView, walk
from renderer.receipt import page_title
from submission.storage import Attachment, Submission

#: Where the read API serves a submission, its attachments and its receipt (`server.py` names the same paths).
SUBMISSION_PATH = "/api/v1/submissions/{id}"
ATTACHMENT_PATH = "/api/v1/submissions/{id}/attachments/{attachment_id}"
RECEIPT_PATH = "/receipts/{token}.pdf"

#: A CSV's first columns: the submission's own facts.
FIXED_COLUMNS = ("id", "reference", "received_at", "form_version", "language")
#: What Excel needs to read a CSV as UTF-8.
BOM = "\ufeff"
#: A text cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Fields that hold others; every other kind holds one answer.
CONTAINERS = frozenset({"fieldset", "alternatives", "list", "pairs", "conditional"})
#: A choice between objects keeps each option's fields under `/@<n>`; the answers have no such level.
_PSEUDO = re.compile(r"/@\d+(?=/|$)")


def utc(moment: dt.datetime) -> str:
    """A time as the API gives it: ISO 8601 in UTC, with `Z`."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def submission_json(submission: Submission, attachments: Sequence[Attachment], base: str) -> dict[str, Any]:
    """The read API's submission; `base` is the public URL the links start with."""
    s = submission
    return {
        "id": s.id, "reference": s.reference, "form_id": s.form_id, "form_version": s.form_version,
        "received_at": utc(s.received_at), "language": s.language, "data": s.data, "data_sha256": s.data_sha256,
        "metadata": s.metadata,
        "attachments": [{"id": a.id, "name": a.name, "media_type": a.media_type, "size": a.size, "sha256": a.sha256,
                         "url": base + ATTACHMENT_PATH.format(id=s.id, attachment_id=a.id)} for a in attachments],
        "receipt_url": base + RECEIPT_PATH.format(token=s.receipt_token),
    }


def questions(view: FormView, data: Any) -> dict[str, str]:
    """The questions the answers in `data` were given to, by pointer, as `view` (the version of the form the
    submission was made on) asks them: an export then shows an old submission's questions as they were asked."""
    return {f.pointer: f.label for f in walk(view.fields) if f.pointer and f.label and _answered(data, f.pointer)}


def _answered(data: Any, at: str) -> bool:
    for part in at.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


def ndjson_line(value: Any) -> str:
    """One line of NDJSON: compact JSON, UTF-8 as is, and a line feed."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


@dataclass(frozen=True)
class Layout:
    """Where a form's questions are, as CSV columns need them: each field's kind and place in the form's order,
    by its pointer (a list's item template at `/-`, without a choice's `/@<n>` levels)."""

    kinds: dict[str, str] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)
    #: Each field's label, in the view's language (for column titles).
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, view: FormView) -> Layout:
        kinds: dict[str, str] = {}
        order: dict[str, int] = {}
        labels: dict[str, str] = {}
        for i, f in enumerate(walk(view.fields)):
            pointer = _PSEUDO.sub("", f.pointer)
            kinds.setdefault(pointer, f.kind)
            order.setdefault(pointer, i)
            if f.label:
                labels.setdefault(pointer, f.label)
        return cls(kinds, order, labels)

    def questions(self, within: str = "") -> list[str]:
        """The pointers of the form's questions outside lists and free-form entries; with `within`, a list item's
        template (`/lapset/-`), those of the item's own, at the template's place."""
        return [p for p, kind in self.kinds.items() if kind not in CONTAINERS and p.startswith(within + "/")
                and "/-" not in p[len(within):] and "/*" not in p[len(within):]]

    def item(self, template: str, index: int) -> str:
        """The template pointer of a list's item: its own, for a tuple's fixed items; else the list's `/-`."""
        own = f"{template}/{index}"
        return own if own in self.kinds else f"{template}/-"

    def place(self, template: str) -> float:
        """Where in the form's order a template pointer's answers go: its field's; for an answer the form no
        longer asks, right after the questions of the nearest field that holds it (after all, if none does)."""
        if template in self.order:
            return self.order[template]
        while template and template not in self.order:
            template = template.rsplit("/", 1)[0]
        inside = [i for p, i in self.order.items() if p == template or p.startswith(template + "/")]
        return max(inside, default=-1) + 0.5

    def parse(self, pointer: str) -> tuple[list[tuple[str, str, str, int]], str]:
        """The list items on the way to an answer's `pointer` (each as the list's template, the item's template,
        the item's pointer and its index), and the answer's template pointer."""
        items, template, at = [], "", ""
        for segment in pointer.split("/")[1:]:
            at = f"{at}/{segment}"
            if segment.isdigit() and (self.kinds.get(template) == "list" or template not in self.kinds):
                item = self.item(template, int(segment))
                items.append((template, item, at, int(segment)))
                template = item
            else:
                template = f"{template}/{segment}"
        return items, template

    def column_key(self, pointer: str) -> tuple[tuple[float, int, str], ...]:
        """Sorts columns in the form's order, a list's items one after another, each item's answers in order."""
        items, template = self.parse(pointer)
        return (*((self.place(lists), i, "") for lists, _, _, i in items), (self.place(template), -1, pointer))

    def title_path(self, pointer: str, sections: Mapping[str, str] | None = None) -> tuple[list[str], int]:
        """The titles from the outside in to the question of the answer at `pointer`: its section (the page,
        from `sections`, by top-level name), each group it is in, a list's item with its number (`Lapsi 2`),
        the question; and how many of them, from the end, a title needs at least (down to the innermost list
        item's). An answer the form has no question for (an older version's) is named by its pointer."""
        items, template = self.parse(pointer)
        numbers = {item: i + 1 for _, item, _, i in items}
        lists = {held for held, _, _, _ in items}
        top = unescape(template.split("/")[1]) if template else ""
        path: list[str] = [sections[top]] if sections and top in sections else []
        item, at = None, ""
        for segment in template.split("/")[1:]:
            at = f"{at}/{segment}"
            label = "" if at in lists else self.labels.get(at, "")
            if at in numbers:
                label = f"{label or self.labels.get(at.rsplit('/', 1)[0], '')} {numbers[at]}".strip()
                item = len(path) if label else item
            if label:
                path.append(label)
        if not (self.labels.get(template) or template in numbers):
            return [pointer], 1
        return path, 1 if item is None else len(path) - item

    def columns(self, pointers: Iterable[str]) -> list[str]:
        """The answer columns: the form's questions, `pointers` (what the answers have), and for every list item
        the answers have, all of the item's questions (so each item has the same columns), in order."""
        found = {*self.questions(), *pointers}
        items = {(item, at) for p in pointers for _, item, at, _ in self.parse(p)[0]}
        for item, at in items:
            found.update(at + q[len(item):] for q in self.questions(item))
        return sorted(found, key=self.column_key)


def answer_cells(layout: Layout, data: Any, files: Mapping[str, str]) -> dict[str, str]:
    """The answers' CSV cells by pointer (see the module's docstring); `files` names each attachment by id."""
    cells: dict[str, str] = {}

    def visit(value: Any, pointer: str, template: str) -> None:
        kind = layout.kinds.get(template)
        if kind == "checkboxes" and isinstance(value, list):
            cells[pointer] = safe("\n".join(_text(v, files) for v in value))
        elif kind == "json":
            cells[pointer] = safe(canonical_json(value))
        elif isinstance(value, dict):
            free = {}
            for key, inner in value.items():
                segment = escape(key) if "/" in key or "~" in key else key
                child = f"{template}/{segment}"
                if child not in layout.kinds and f"{template}/*" in layout.kinds:
                    free[key] = inner
                else:
                    visit(inner, f"{pointer}/{segment}", child)
            if free:
                cells[f"{pointer}/*"] = safe(canonical_json(free))
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                visit(inner, f"{pointer}/{i}", layout.item(template, i))
        else:
            cells[pointer] = _cell(value, files)

    visit(data, "", "")
    return cells


def _cell(value: Any, files: Mapping[str, str]) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return json.dumps(value)  # a number is never a formula
    return safe(_text(value, files))


def _text(value: Any, files: Mapping[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return files.get(value[len(ATTACHMENT_PREFIX):], value) if value.startswith(ATTACHMENT_PREFIX) else value
    return canonical_json(value)


def safe(cell: str) -> str:
    """A text cell no spreadsheet takes for a formula: `'` in front of one that starts like one."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def csv_header(columns: Sequence[str]) -> list[str]:
    return [*FIXED_COLUMNS, *(safe(c) for c in columns)]


def titled_header(layout: Layout, columns: Sequence[str], lang: str,
                  sections: Mapping[str, str] | None = None) -> list[str]:
    """The header with people's words for `csv_header`'s columns: the submission's own facts in `lang`, then
    each answer's question as `layout` (built from a view in `lang`) titles it; see `column_titles`."""
    fixed = [text(lang, key) for key in ("export_id", "reference", "export_received_at", "export_form_version",
                                         "language")]
    return [*fixed, *(safe(t) for t in column_titles(layout, columns, fixed, sections))]


def column_titles(layout: Layout, columns: Sequence[str], taken: Sequence[str] = (),
                  sections: Mapping[str, str] | None = None) -> list[str]:
    """Each column's question title, unambiguous: an answer in a list has its item's title and number in front
    (`Lapsi 2 / Nimi`); a title two columns share (or one of `taken` has) gets the title of its group, section
    or list item in front (`Hakija / Puhelin`), one level at a time as far as needed; titles still alike get
    their pointer after them (`Nimi (/a/nimi)`)."""
    found = [layout.title_path(c, sections) for c in columns]
    paths, depth = [path for path, _ in found], [least for _, least in found]

    def titled(i: int) -> str:
        return " / ".join(paths[i][-depth[i]:])

    while True:
        alike: dict[str, list[int]] = {}
        for i in range(len(columns)):
            alike.setdefault(titled(i), []).append(i)
        grow = [i for title, same in alike.items() for i in same
                if (len(same) > 1 or title in taken) and depth[i] < len(paths[i])]
        if not grow:
            break
        for i in grow:
            depth[i] += 1
    titles = [titled(i) for i in range(len(columns))]
    counts = Counter(titles)
    return [f"{t} ({c})" if counts[t] > 1 or t in taken else t for t, c in zip(titles, columns, strict=True)]


def page_sections(form: Form, lang: str) -> dict[str, str]:
    """The section of each top-level question for column titles: its page's title in `lang` (none on one page)."""
    if form.meta.one_page:
        return {}
    return {name: page_title(form, page, lang) for page in form.meta.pages for name in page.properties}


def csv_row(layout: Layout, columns: Sequence[str], submission: Submission,
            attachments: Sequence[Attachment]) -> list[str]:
    """One submission's row under `csv_header(columns)`."""
    s = submission
    cells = answer_cells(layout, s.data, {a.id: a.name for a in attachments})
    fixed = [safe(v) for v in (s.id, s.reference, utc(s.received_at), s.form_version, s.language)]
    return [*fixed, *(cells.get(c, "") for c in columns)]


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """Rows as CSV: comma-separated, quoted where needed, CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()
