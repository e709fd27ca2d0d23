"""Translations with the gettext workflow through Babel: the forms' own texts and the interface's.

`lomake i18n extract` collects every text a person sees from the form files and shared parts
into `schemas/locale/forms.pot`, and brings each `schemas/locale/<lang>.po` up to date;
translators edit those in Poedit or Weblate. At load the catalogs are read once, and a form
is shown in another language by translating a copy of its documents: the message id is the
text in the form's first language, so a text shared by many forms is translated once.

`lomake i18n interface` does the same for the interface strings of `core/messages.py` (page
furniture, error messages, receipt texts), in catalogs inside the package: `core/locale/
messages.pot` and `<lang>.po`, with the key as msgctxt and the Finnish text as msgid;
`core.messages` reads them once, on first use.
"""

from __future__ import annotations

import ast
import copy
import io
import tokenize
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from core.schema import escape, humanise, iter_subschemas, untitled

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
    for name, _, at in untitled(document):
        yield humanise(name), at  # the label a field without a title is shown with
    pages = (document.get("x-lomake") or {}).get("pages") if isinstance(document, dict) else None
    for i, page in enumerate(pages if isinstance(pages, list) else ()):
        if isinstance(page, dict) and isinstance(page.get("title"), str):
            yield page["title"], f"/x-lomake/pages/{i}/title"
    rules = (document.get("x-lomake") or {}).get("rules") if isinstance(document, dict) else None
    for i, rule in enumerate(rules if isinstance(rules, list) else ()):
        if isinstance(rule, dict) and isinstance(rule.get("message"), str):
            yield rule["message"], f"/x-lomake/rules/{i}/message"  # translated when told (submission.validate)
    deadline = (document.get("x-lomake") or {}).get("deadline") if isinstance(document, dict) else None
    if isinstance(deadline, str):
        yield deadline, "/x-lomake/deadline"
    handling = (document.get("x-lomake") or {}).get("handling_time") if isinstance(document, dict) else None
    if isinstance(handling, str):
        yield handling, "/x-lomake/handling_time"
    yield from _start_texts(document)


def _start_texts(document: Any) -> Iterator[tuple[str, str]]:
    """The texts of a form's start page (`x-lomake.start`)."""
    start = (document.get("x-lomake") or {}).get("start") if isinstance(document, dict) else None
    if not isinstance(start, dict):
        return
    for key in ("lead", "takes"):
        if isinstance(start.get(key), str):
            yield start[key], f"/x-lomake/start/{key}"
    needs = start.get("you_need")
    for i, need in enumerate(needs if isinstance(needs, list) else ()):
        if isinstance(need, str):
            yield need, f"/x-lomake/start/you_need/{i}"


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
    return _labelled(translated, catalog)


def translate_labels(document: Any, catalog: Mapping[str, str]) -> Any:
    """A copy of `document` where each field without a title has the catalog's translation of its
    humanised name as its title (a form's own language can name its untitled fields this way)."""
    return _labelled(copy.deepcopy(document), catalog)


def _labelled(document: Any, catalog: Mapping[str, str]) -> Any:
    for name, prop, _ in list(untitled(document)):
        label = catalog.get(humanise(name))
        if label:
            prop["title"] = label
    return document


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
    _write(written[0], template, omit_header=False, width=100)
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
        _write(path, catalog, width=100, ignore_obsolete=True)
        written.append(path)
    return written


#: The interface's catalogs, inside the package so that an installed Lomake has them.
INTERFACE_LOCALE = Path(__file__).with_name("locale")
_INTERFACE = "Lomake interface"
_INTERFACE_HEADER = """\
# {kind} of Lomake's interface texts: page furniture, error messages, receipt texts.
# Source language Finnish: msgctxt is the key in core/messages.py, msgid its Finnish text.
# Keep the {{placeholders}}. `lomake i18n interface` updates this file from core/messages.py;
# until an entry has a translation that is not fuzzy, the page shows it in Finnish.
#"""


class Progress(NamedTuple):
    """How far one language's catalog is translated."""

    path: Path
    untranslated: list[str]  # keys
    fuzzy: list[str]  # keys
    total: int


def interface_notes(source: str, name: str = "_MESSAGES") -> dict[str, str]:
    """Notes for translators: the comment lines above each key of the dict `name` in `source`,
    which hold for the keys below them up to the next comment."""
    comments = {token.start[0]: token.string.lstrip("#").strip()
                for token in tokenize.generate_tokens(io.StringIO(source).readline) if token.type == tokenize.COMMENT}
    notes: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Assign | ast.AnnAssign) or not isinstance(node.value, ast.Dict):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(target, ast.Name) and target.id == name for target in targets):
            note, after = "", node.value.lineno
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    above = [comments[line] for line in range(after, key.lineno) if line in comments]
                    note = " ".join(above) or note
                    notes[key.value] = note
                after = (value.end_lineno or value.lineno) + 1
    return notes


def update_interface(messages: Mapping[str, str], locale: Path, languages: Iterable[str],
                     notes: Mapping[str, str] | None = None) -> list[Progress]:
    """Write `locale/messages.pot` from `messages` (key to Finnish text) and update or create each
    language's `.po`; a changed Finnish text keeps its old translation as a fuzzy suggestion."""
    template = Catalog(project=_INTERFACE, charset="utf-8", header_comment=_INTERFACE_HEADER.format(kind="Template"))
    for key, finnish in messages.items():
        note = (notes or {}).get(key)
        template.add(finnish, context=key, auto_comments=[note] if note else ())
    locale.mkdir(parents=True, exist_ok=True)
    pot = locale / "messages.pot"
    if pot.exists():  # an unchanged template keeps its date, so the catalogs change only when the texts do
        with pot.open("rb") as file:
            before = read_po(file)
        if _entries(before) == _entries(template):
            template.creation_date = before.creation_date
    _write(pot, template, omit_header=False, width=100)
    progress = []
    for lang in sorted(set(languages)):
        path = locale / f"{lang}.po"
        if path.exists():
            with path.open("rb") as file:
                catalog = read_po(file, locale=lang)
        else:
            catalog = Catalog(locale=lang, project=_INTERFACE, charset="utf-8",
                              header_comment=_INTERFACE_HEADER.format(kind="Translations"))
        catalog.update(template)
        _write(path, catalog, width=100, ignore_obsolete=True, include_previous=True)
        entries = [m for m in catalog if m.id]
        progress.append(Progress(path, [str(m.context) for m in entries if not m.string],
                                 [str(m.context) for m in entries if m.string and m.fuzzy], len(entries)))
    return progress


def _write(path: Path, catalog: Catalog, **options: Any) -> None:
    """Write a catalog without Babel's `Generated-By` header, so that a new Babel changes no file."""
    out = io.BytesIO()
    write_po(out, catalog, **options)
    path.write_bytes(b"".join(line for line in out.getvalue().splitlines(keepends=True)
                              if not line.startswith(b'"Generated-By: ')))


def _entries(catalog: Catalog) -> list[tuple[Any, ...]]:
    return [(m.context, m.id, m.auto_comments) for m in catalog if m.id]
