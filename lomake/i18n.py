"""Translations of the forms' own texts, with the gettext workflow through Babel.

`lomake i18n extract` collects every text a person sees from the form files and shared parts
into `schemas/locale/forms.pot`, and brings each `schemas/locale/<lang>.po` up to date;
translators edit those in Poedit or Weblate. At load the catalogs are read once, and a form
is shown in another language by translating a copy of its documents: the message id is the
text in the form's first language, so a text shared by many forms is translated once.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from lomake.schema import escape, iter_subschemas

#: The keys whose string values people read.
_TEXT_KEYS = ("title", "description", "ui:title", "ui:description", "ui:help")
Translations = Mapping[str, Mapping[str, str]]


def texts(document: Any) -> Iterator[tuple[str, str]]:
    """Every text a person sees in a schema document, with its JSON Pointer."""
    for sub, at in iter_subschemas(document):
        for key in _TEXT_KEYS:
            if isinstance(sub.get(key), str) and sub[key].strip():
                yield sub[key], f"{at}/{escape(key)}"
        for i, name in enumerate(sub.get("ui:enumNames") or ()):
            if isinstance(name, str):
                yield name, f"{at}/ui:enumNames/{i}"
        for rule, message in (sub.get("ui:messages") or {}).items():
            if isinstance(message, str):
                yield message, f"{at}/ui:messages/{escape(rule)}"
        submit = (sub.get("ui:submitButtonOptions") or {}).get("submitText")
        if isinstance(submit, str):
            yield submit, f"{at}/ui:submitButtonOptions/submitText"
    pages = (document.get("x-lomake") or {}).get("pages") if isinstance(document, dict) else None
    for i, page in enumerate(pages if isinstance(pages, list) else ()):
        if isinstance(page, dict) and isinstance(page.get("title"), str):
            yield page["title"], f"/x-lomake/pages/{i}/title"


def translate(document: Any, catalog: Mapping[str, str]) -> Any:
    """A copy of `document` with each text replaced by its translation (kept where there is none)."""
    translated = copy.deepcopy(document)
    for sub, _ in iter_subschemas(translated):
        for key in _TEXT_KEYS:
            if isinstance(sub.get(key), str):
                sub[key] = catalog.get(sub[key]) or sub[key]
        if isinstance(sub.get("ui:enumNames"), list):
            sub["ui:enumNames"] = [catalog.get(n) or n if isinstance(n, str) else n for n in sub["ui:enumNames"]]
        if isinstance(sub.get("ui:messages"), dict):
            sub["ui:messages"] = {k: _in(catalog, v) for k, v in sub["ui:messages"].items()}
        options = sub.get("ui:submitButtonOptions")
        if isinstance(options, dict) and isinstance(options.get("submitText"), str):
            sub["ui:submitButtonOptions"] = {**options, "submitText": _in(catalog, options["submitText"])}
    pages = (translated.get("x-lomake") or {}).get("pages") if isinstance(translated, dict) else None
    for page in pages if isinstance(pages, list) else ():
        if isinstance(page, dict):
            page["title"] = _in(catalog, page.get("title"))
    return translated


def _in(catalog: Mapping[str, str], value: Any) -> Any:
    return (catalog.get(value) or value) if isinstance(value, str) else value


def load_translations(schemas_dir: Path) -> dict[str, dict[str, str]]:
    """Every `<lang>.po` beside the forms, read once: language, then source text to translation."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted((schemas_dir / "locale").glob("*.po")):
        with path.open("rb") as file:
            catalog = read_po(file, locale=path.stem)
        found[path.stem] = {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}
    return found


def extract(documents: Mapping[str, Any], schemas_dir: Path, languages: set[str]) -> list[Path]:
    """Write `locale/forms.pot` from `documents` (by file name) and update or create each language's `.po`."""
    template = Catalog(project="Lomake forms", charset="utf-8")
    for name, document in sorted(documents.items()):
        for source, at in texts(document):
            template.add(source, locations=[(f"{name}#{at}", None)])  # type: ignore[list-item]
    locale = schemas_dir / "locale"
    locale.mkdir(parents=True, exist_ok=True)
    written = [locale / "forms.pot"]
    with written[0].open("wb") as file:
        write_po(file, template, omit_header=False, width=100)
    for lang in sorted(languages):
        path = locale / f"{lang}.po"
        if path.exists():
            with path.open("rb") as file:
                catalog = read_po(file, locale=lang)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=lang, project="Lomake forms", charset="utf-8")
            for message in template:
                if message.id:
                    catalog.add(message.id, locations=message.locations)
        with path.open("wb") as file:
            write_po(file, catalog, width=100, ignore_obsolete=True)
        written.append(path)
    return written
