"""The form inventory: one row of facts per form, worked out from its files alone (use comes from storage).

What it knows of a form: who owns it (agency, unit, category), which version it is (the content hash of the
form and every part it reaches, and the `version` label), how complete its languages are (texts without a
translation, counted as `lomake i18n extract` collects them), what it asks (questions, required ones,
attachments, pages, identifiers), its records metadata (publicity, retention) and its accessibility audit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from core.forms import BASE_URI, Form, in_language
from core.i18n import texts
from core.identifiers import IDENTIFIERS
from core.view.build import form_view
from core.view.catalogue import category_name
from core.view.fields import Field

#: The languages an inventory reports on, in this order.
LANGUAGES = ("fi", "sv", "en")
#: Fields that only hold or show others, or nothing a person answers: not questions.
_NOT_ASKED = frozenset({"fieldset", "list", "conditional", "hidden", "fixed"})
#: Where a field's answer is asked only in some cases: under a condition, in one option of a choice, in a list.
_SOMETIMES = frozenset({"conditional", "alternatives", "list", "pairs"})


@dataclass(frozen=True)
class Audit:
    """A stored accessibility audit of a form (axe-core and the Nu checker, `lomake audit`): of which version,
    when, and how many problems it found."""

    form_hash: str
    audited_at: dt.datetime
    problems: int


@dataclass(frozen=True)
class InventoryRow:
    """One form in the inventory."""

    form_id: str
    agency: str
    agency_names: Mapping[str, str]
    owner: str
    category: str
    #: The form's title and description in each of `LANGUAGES` it has them in (translated), else absent.
    titles: Mapping[str, str]
    descriptions: Mapping[str, str]
    version: str
    hash: str
    changed: dt.date | None
    languages: tuple[str, ...]
    #: How many of the form's texts (its own and its parts') have no translation, per language it declares.
    untranslated: Mapping[str, int]
    texts: int
    questions: int
    required: int
    #: The labels of the file questions, in the form's order, and whether any must be answered.
    attachments: tuple[str, ...]
    attachments_required: bool
    pages: int
    #: The identifier formats the form asks for (`fi-hetu`, `fi-business-id`, ...), in `IDENTIFIERS`' order.
    identifiers: tuple[str, ...]
    publicity: str | None
    retention_days: int | None
    audit: Audit | None
    #: The form's catalogs for its other languages: source text to translation.
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def title_in(self, lang: str) -> tuple[str, str]:
        """The form's title in `lang`, else in the first language it has one in (else its id), and that language."""
        if lang in self.titles:
            return self.titles[lang], lang
        first = self.languages[0] if self.languages else lang
        return next(iter(self.titles.items()), (self.form_id, first))

    def category_in(self, lang: str) -> str:
        """The category in words (as the catalogue names it), else its id as written."""
        return category_name(self.category, lang)

    def attachments_in(self, lang: str) -> tuple[str, ...]:
        """The attachments' labels in `lang` (translated where the form's catalog has them)."""
        catalog = self.translations.get(lang) or {}
        return tuple(catalog.get(label) or label for label in self.attachments)

    @property
    def short_hash(self) -> str:
        return self.hash[:12]

    @property
    def complete_languages(self) -> tuple[str, ...]:
        """The declared languages every text of the form is translated into."""
        return tuple(lang for lang in self.languages if self.untranslated.get(lang) == 0)

    def translated_share(self, lang: str) -> float | None:
        """The share of the texts translated into `lang`; None if the form does not offer it."""
        if lang not in self.untranslated:
            return None
        return 1 - self.untranslated[lang] / self.texts if self.texts else 1.0

    @property
    def audit_state(self) -> str:
        """What is known of the form's accessibility: `not_audited`, `not_audited_since` (changed since),
        `no_problems` or `problems` (of its current version)."""
        if self.audit is None:
            return "not_audited"
        if self.audit.form_hash != self.hash:
            return "not_audited_since"
        return "problems" if self.audit.problems else "no_problems"

    @property
    def accessibility(self) -> str:
        """The audit in stable English words (the CSV, ptv.json): "not audited", "not audited since changed", or
        what it found and when."""
        if self.audit is None:
            return "not audited"
        if self.audit_state == "not_audited_since":
            return "not audited since changed"
        found = "no problems found" if not self.audit.problems else f"{self.audit.problems} problems"
        return f"{found} ({self.audit.audited_at.date().isoformat()})"


def inventory_row(form: Form, changed: dt.date | None = None, audit: Audit | None = None) -> InventoryRow:
    """The inventory's row of `form`; `changed` is when its files last changed, `audit` its latest audit
    (stored by `lomake audit`), if any."""
    asked = list(_asked(form))
    questions = [(f, always) for f, always, _ in asked if f.kind not in _NOT_ASKED]
    files = [(within or f.label, always and f.required) for f, always, within in asked if f.kind == "file"]
    sources = form_texts(form)
    meta, retention = form.meta, form.agency.retention
    return InventoryRow(
        form_id=form.id, agency=form.agency.id, agency_names={str(k): v for k, v in form.agency.name.items()},
        owner=meta.owner or "", category=meta.category or "", titles=_translated(form, form.title),
        descriptions=_translated(form, str(form.root.get("description") or "")),
        version=meta.version, hash=form.hash, changed=changed, languages=form.languages,
        untranslated={lang: _untranslated(form, lang, sources) for lang in form.languages}, texts=len(sources),
        questions=len(questions), required=sum(1 for f, always in questions if always and f.required),
        attachments=tuple(dict.fromkeys(label for label, _ in files)),
        attachments_required=any(must for _, must in files), pages=len(meta.pages),
        identifiers=tuple(name for name in IDENTIFIERS if name in {f.format for f, _, _ in asked}),
        publicity=meta.publicity, retention_days=meta.retention_days or (retention.days if retention else None),
        audit=audit, translations=form.translations,
    )


def _asked(form: Form) -> Iterator[tuple[Field, bool, str]]:
    """Every field of the form, depth first, whether it is asked in every case, and the label of the list it is
    in (if any). A top-level question on a page with an `if` is asked only sometimes."""
    sometimes = {name for page in form.meta.pages if page.condition is not None for name in page.properties}
    for f in form_view(form, form.languages[0]).fields:
        yield from _walk(f, f.key not in sometimes, "")


def _walk(f: Field, always: bool, within: str) -> Iterator[tuple[Field, bool, str]]:
    """`f` and the fields in it; below a condition, a choice, a list or an optional group, only sometimes."""
    yield f, always, within
    inner = always and f.kind not in _SOMETIMES and (f.required or f.kind != "fieldset")
    if f.kind == "list":
        inner, within = always and f.required, within or f.label  # a required list has at least one item
    for child in f.prefix + f.children:
        yield from _walk(child, inner, within)


def form_texts(form: Form) -> list[str]:
    """Every text of the form file and the parts it reaches, once each, as `lomake i18n extract` collects them."""
    documents = [form.document, *(form.registry[BASE_URI + part].contents for part in form.parts)]
    return list(dict.fromkeys(text for document in documents for text, _ in texts(document)))


def _untranslated(form: Form, lang: str, sources: Sequence[str]) -> int:
    if lang == form.languages[0]:
        return 0
    catalog = form.translations.get(lang) or {}
    return sum(1 for source in sources if not catalog.get(source))


def _translated(form: Form, source: str) -> dict[str, str]:
    """`source` in each language of the inventory the form offers and has a translation of it for."""
    found = {form.languages[0]: source} if source else {}
    for lang in form.languages[1:]:
        if (translation := (form.translations.get(lang) or {}).get(source)) and lang in LANGUAGES:
            found[lang] = translation
    return {lang: found[lang] for lang in LANGUAGES if lang in found}


def short_description(description: str, limit: int = 150) -> str:
    """A description's first sentence, at most `limit` characters (cut at a word, with an ellipsis)."""
    first = re.split(r"(?<=[.!?])\s", description.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def agency_name(row: InventoryRow, lang: str) -> str:
    return in_language(row.agency_names, lang)
