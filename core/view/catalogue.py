"""The catalogue of forms: every form as an entry in one language, searched, filtered and grouped by agency
and category. Pure: forms in, entries and groups out; the page (`web.pages.index`) and the API
(`web.api.api_forms`) show the same entries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from core.forms import Form
from core.messages import has_text, text
from core.view.build import form_view
from core.view.fields import Field

#: Whether a form asks for files: some are required, all are optional, or it asks for none.
Attachments = Literal["required", "optional", "none"]
#: The longest one-line description, in characters, before it is cut at a word with "…".
LINE = 160
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")


@dataclass(frozen=True)
class Entry:
    """One form as the catalogue shows it in `lang` (the form's own first language when it lacks `lang`)."""

    id: str
    lang: str
    title: str
    description: str
    languages: tuple[str, ...]
    agency: str
    agency_name: str
    category: str
    category_name: str
    version: str
    #: Whether the answers can be saved and the form continued later (every form keeps drafts).
    drafts: bool
    attachments: Attachments
    #: The texts searched, normalised (`fold`): titles and descriptions in every language the form has.
    words: str

    @property
    def path(self) -> str:
        return f"/forms/{self.id}?lang={self.lang}"


@dataclass(frozen=True)
class Group:
    """The entries of one agency and category, in title order."""

    agency: str
    agency_name: str
    category: str
    category_name: str
    entries: tuple[Entry, ...]


def fold(words: str) -> str:
    """Text as the search compares it: case and accents gone ("Rättelse" is "rattelse"), spaces single."""
    decomposed = unicodedata.normalize("NFKD", words.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", bare).split())


def matches(entry: Entry, query: str) -> bool:
    """Whether every word of `query` is in the entry's titles or descriptions, ignoring case and accents."""
    return all(word in entry.words for word in fold(query).split())


def one_line(description: str) -> str:
    """A description's first sentence, cut at a word when longer than `LINE`."""
    first = _SENTENCE_END.split(" ".join(description.split()), maxsplit=1)[0]
    if len(first) <= LINE:
        return first
    return first[:LINE].rsplit(" ", 1)[0].rstrip(",;:–-") + "…"


def category_name(category: str, lang: str) -> str:
    """The category in words (the interface's `category_<id>`), else its id as written."""
    key = f"category_{category}"
    return text(lang, key) if category and has_text(key) else category


def in_form_language(form: Form, source: str, lang: str) -> str:
    """One of the form's texts in `lang`, from its catalogs; as written when there is no translation."""
    catalog = form.translations.get(lang) if lang != form.languages[0] else None
    return (catalog or {}).get(source) or source


def entry(form: Form, lang: str) -> Entry:
    """The form as the catalogue shows it in `lang`."""
    shown = form.shown_language(lang)
    category = form.meta.category or ""
    description = str(form.root.get("description") or "")
    texts = [t for code in form.languages for t in (form.title_in(code), in_form_language(form, description, code))]
    return Entry(
        id=form.id, lang=shown, title=form.title_in(shown),
        description=one_line(in_form_language(form, description, shown)),
        languages=form.languages, agency=form.agency.id, agency_name=form.agency.display_name(lang),
        category=category, category_name=category_name(category, lang), version=form.version, drafts=True,
        attachments=form.derived(attachments), words=fold(" ".join(texts)),
    )


def attachments(form: Form) -> Attachments:
    """Whether the form asks for files, and whether any of them must be given."""
    return _files(form_view(form, form.languages[0]).fields, True)


def _files(fields: Sequence[Field], required: bool) -> Attachments:
    found: Attachments = "none"
    for f in fields:
        needed = required and f.required and (f.kind != "list" or f.min_items > 0)
        if f.kind == "file":
            found = "required" if needed else found if found == "required" else "optional"
        inner = _files(f.prefix + f.children, needed and f.kind not in ("alternatives", "conditional"))
        if inner == "required" or (inner == "optional" and found == "none"):
            found = inner
        if found == "required":
            return found
    return found


def select(entries: Iterable[Entry], query: str = "", agency: str = "", category: str = "") -> list[Entry]:
    """The entries the search and the filters let through, in agency, category and title order."""
    chosen = [e for e in entries if (not agency or e.agency == agency) and (not category or e.category == category)
              and matches(e, query)]
    return sorted(chosen, key=lambda e: (fold(e.agency_name), fold(e.category_name), fold(e.title), e.id))


def groups(entries: Sequence[Entry]) -> list[Group]:
    """Entries (in `select`'s order) under their agency and category."""
    found: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        found.setdefault((e.agency, e.category), []).append(e)
    return [Group(agency, items[0].agency_name, category, items[0].category_name, tuple(items))
            for (agency, category), items in found.items()]


def choices(entries: Iterable[Entry]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The agencies and the categories to filter by, as (id, name) in name order."""
    listed = list(entries)
    agencies = {e.agency: e.agency_name for e in listed}
    categories = {e.category: e.category_name for e in listed if e.category}
    return ([(k, v) for k, v in sorted(agencies.items(), key=lambda p: fold(p[1]))],
            [(k, v) for k, v in sorted(categories.items(), key=lambda p: fold(p[1]))])
