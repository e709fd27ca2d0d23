"""Long forms page by page: which pages apply, in what order, and what each page asks.

A form's `x-lomake` block may share its top-level properties out into pages (`pages`) and
the review page (`review`); a form without pages has one (`ONE_PAGE`), and a review only if
it names `review` properties. A page may carry a condition, a JSON Schema that the answers so
far must match; when they do not, the page is skipped and its answers are not sent.
Everything here is pure: form metadata and answers in, pages and views out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.forms import FormMeta, PageMeta
from core.view.fields import Field, FormView, Option

REVIEW = "review"


@dataclass(frozen=True)
class Step:
    """Where a page stands in the journey: "Vaihe 2/5", and the pages before and after it."""

    number: int
    count: int
    previous: str | None
    following: str


def applies(page: PageMeta, answers: Mapping[str, Any]) -> bool:
    """Whether `page` is asked, given the answers so far."""
    return page.applies(answers)


def pages_asked(meta: FormMeta, answers: Mapping[str, Any]) -> list[PageMeta]:
    """The pages that apply to these answers, in order."""
    return [page for page in meta.pages if applies(page, answers)]


def reviewed(meta: FormMeta) -> bool:
    """Whether the answers are reviewed before sending: always with pages; on a one-page form if it
    names `review` properties. Without a review, the one page sends the form."""
    return not meta.one_page or bool(meta.review)


def step(meta: FormMeta, page_id: str, answers: Mapping[str, Any]) -> Step:
    """Where `page_id` (or the review) stands: its number counts every declared page, asked or not, so the
    total never changes as answers make a page apply; the pages before and after are among those asked."""
    declared = [page.id for page in meta.pages] + ([REVIEW] if reviewed(meta) else [])
    ids = [page.id for page in pages_asked(meta, answers)] + ([REVIEW] if reviewed(meta) else [])
    at = ids.index(page_id) if page_id in ids else 0
    number = declared.index(ids[at]) + 1 if ids else 1
    return Step(number, len(declared), ids[at - 1] if at > 0 else None, ids[min(at + 1, len(ids) - 1)])


#: A section's status on the task list (GOV.UK "task list"): message keys.
DONE, STARTED, NOT_STARTED, NOT_APPLICABLE = "task_done", "task_started", "task_not_started", "task_not_applicable"


def task_status(page: PageMeta, answers: Mapping[str, Any], done: Sequence[str]) -> str:
    """A page's status: passed, answered in part, not started, or not asked with these answers."""
    if not applies(page, answers):
        return NOT_APPLICABLE
    if page.id in done:
        return DONE
    return STARTED if any(name in answers for name in page.properties) else NOT_STARTED


def task_listed(meta: FormMeta) -> bool:
    """Whether the form's pages link to a task list rather than say the step."""
    return not meta.one_page and len(meta.pages) >= meta.task_list_from


def first_unfinished(meta: FormMeta, answers: Mapping[str, Any], done: Sequence[str]) -> str:
    """The first page asked that was not yet passed, or the review when all were."""
    return next((page.id for page in pages_asked(meta, answers) if page.id not in done), REVIEW)


def page_of(meta: FormMeta, pointer: str) -> str:
    """The page (or the review) that asks the answer at `pointer`."""
    name = page_name(pointer)
    return next((page.id for page in meta.pages if name in page.properties), REVIEW)


def sent_answers(meta: FormMeta, view: FormView, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that go out: those of skipped pages, and of questions whose condition no longer
    holds (it may rest on another page's answer, changed since), are left behind."""
    skipped = {name for page in meta.pages if not applies(page, answers) for name in page.properties}
    asked = {f.key for f in view.fields if f.kind != "conditional"} | _keys(view.fields, answers, only_holding=True)
    unasked = _keys(view.fields, answers, only_holding=False) - asked
    return {k: v for k, v in answers.items() if k not in skipped and k not in unasked}


def _keys(fields: Sequence[Field], answers: Mapping[str, Any], only_holding: bool) -> set[str]:
    """The keys conditional groups (and the groups inside them) ask: all, or only those whose condition holds."""
    found: set[str] = set()
    for f in fields:
        if f.kind != "conditional" or (only_holding and f.condition is not None and not f.condition.holds(answers)):
            continue
        found |= {c.key for c in f.children if c.kind != "conditional"} | _keys(f.children, answers, only_holding)
    return found


def page_view(view: FormView, properties: Sequence[str], answers: Mapping[str, Any]) -> FormView:
    """The part of the form one page asks: its own properties, in the form's order.

    A group of conditional questions on this page whose condition rests only on answers given on
    other pages is settled here: shown as plain questions if it holds, left out if not.
    """
    asked = set(properties)
    others = {k: v for k, v in answers.items() if k not in asked}
    fields = _settled(view.fields, asked, others)
    return replace(view, fields=tuple(fields),
                   read_only=tuple(p for p in view.read_only if page_name(p) in asked),
                   identifiers=tuple(i for i in view.identifiers if page_name(i[0]) in asked))


def _settled(fields: Sequence[Field], asked: set[str], others: Mapping[str, Any]) -> list[Field]:
    """The asked ones of `fields`, each conditional group resting only on `others` settled, follow-ups inside a
    settled group too (the complaint's power of attorney, asked on its attachments page)."""
    kept: list[Field] = []
    for f in fields:
        if f.kind != "conditional":
            if f.key in asked:
                kept.append(_required_by_others(f, asked, others))
            continue
        children = _asked_of(f.children, asked)
        if not children:
            continue
        rests = f.condition.about() if f.condition is not None else set()
        if f.condition is not None and rests and not rests & asked:  # (a condition on nothing named stays asked)
            if f.condition.holds(others):
                kept += _settled(children, asked, others)
            continue
        kept.append(replace(f, children=children))
    return kept


def _required_by_others(f: Field, asked: set[str], others: Mapping[str, Any]) -> Field:
    """`f`, required when a condition resting only on other pages' answers requires it and holds."""
    settled = [c for c in f.required_when if c.about() and not c.about() & asked]
    return replace(f, required=True) if any(c.holds(others) for c in settled) else f


def _asked_of(fields: Sequence[Field], asked: set[str]) -> tuple[Field, ...]:
    """The fields of a conditional group that a page asks; a follow-up group inside it keeps its asked ones."""
    kept = []
    for f in fields:
        if f.kind == "conditional":
            inner = _asked_of(f.children, asked)
            if inner:
                kept.append(replace(f, children=inner))
        elif f.key in asked:
            kept.append(f)
    return tuple(kept)


def page_name(pointer: str) -> str:
    """The top-level property an answer's pointer falls under."""
    return pointer.split("/")[1].replace("~1", "/").replace("~0", "~") if pointer.count("/") else ""


def merged(answers: Mapping[str, Any], properties: Sequence[str], page_answers: Mapping[str, Any]) -> dict[str, Any]:
    """The draft's answers with one page's answers put in place of what that page had."""
    kept = {k: v for k, v in answers.items() if k not in properties}
    return {**kept, **{k: v for k, v in page_answers.items() if k in properties}}


def with_locked(answers: dict[str, Any], prefilled: Mapping[str, Any], locked: Sequence[str]) -> dict[str, Any]:
    """The answers with every locked prefilled value put back, whatever was sent instead."""
    for pointer in locked:
        if pointer not in prefilled:
            continue
        parts = pointer.split("/")[1:]
        holder: Any = answers
        for part in parts[:-1]:
            name = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(holder.get(name), dict):
                holder[name] = {}
            holder = holder[name]
        holder[parts[-1].replace("~1", "/").replace("~0", "~")] = prefilled[pointer]
    return answers


def prefilled_pointers(value: Any, at: str = "") -> dict[str, Any]:
    """Each answer in a prefilled instance by its pointer (objects are opened, lists kept whole)."""
    if isinstance(value, dict) and value:
        found: dict[str, Any] = {}
        for key, inner in value.items():
            found.update(prefilled_pointers(inner, f"{at}/{key.replace('~', '~0').replace('/', '~1')}"))
        return found
    return {at: value} if at else {}


def marked(fields: Sequence[Field], prefilled: Mapping[str, Any], locked: Sequence[str], note: str,
           locked_note: str, shown: Any) -> tuple[Field, ...]:
    """The fields with prefilled answers marked in their hint; locked ones shown as text, not asked.

    `shown(field, value)` gives a value as a person reads it."""
    out = []
    for f in fields:
        children = marked(f.children, prefilled, locked, note, locked_note, shown) if f.children else f.children
        if f.pointer in locked and f.pointer in prefilled and f.kind not in ("fieldset", "list", "conditional"):
            value = prefilled[f.pointer]
            f = replace(f, kind="fixed", hint=locked_note,  # no input hints: nothing is asked
                        options=(Option(str(value), shown(f, value), value),))
        elif f.pointer in prefilled and f.kind not in ("fieldset", "conditional"):
            f = replace(f, hint=_joined(note, f.hint))
        out.append(replace(f, children=children))
    return tuple(out)


def _joined(note: str, hint: str) -> str:
    return f"{note} {hint}".strip()

