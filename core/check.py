"""`lomake check`: the JSON Schema meta-schema and Lomake's own rules for form files.

Errors stop a form from being served; warnings (fields without a title, constructs not supported yet) do not.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import validators
from jsonschema.exceptions import best_match
from pydantic import ValidationError
from referencing._core import Resolver
from referencing.exceptions import Unresolvable

from core.crawl import Crawl, file_uri, read_json
from core.dialects import dialect, draft_names, pattern_problem, validator_class
from core.forms import META_KEY, Agency, FormMeta, FormProblem, document_resolver, model_problems
from core.i18n import texts
from core.schema import (
    Schema,
    canonical_json,
    deref,
    effective_default,
    escape,
    humanise,
    iter_subschemas,
    json_type,
    object_shape,
    pointer,
    unescape,
    untitled,
)
from core.view.widgets import WIDGETS

#: The `ui:` keys Lomake reads (docs/form-files.md has a row for each).
READ_UI_KEYS = frozenset({
    "ui:widget", "ui:help", "ui:title", "ui:description", "ui:order", "ui:autocomplete", "ui:options",
    "ui:enumNames", "ui:submitButtonOptions", "ui:messages", "ui:readonly", "ui:disabled", "ui:inputType", "ui:rows",
})
#: The rjsf uiSchema vocabulary, plus Lomake's `ui:messages`: the keys not read are accepted and ignored.
KNOWN_UI_KEYS = READ_UI_KEYS | frozenset({
    "ui:placeholder", "ui:autofocus", "ui:classNames", "ui:style", "ui:emptyValue", "ui:enumDisabled", "ui:field",
    "ui:hideError", "ui:label", "ui:filePreview", "ui:globalOptions", "ui:duplicateKeySuffixSeparator",
    "ui:rootFieldId", "ui:fieldReplacesAnyOrOneOf", "ui:enableMarkdownInDescription", "ui:enableMarkdownInHelp",
    "ui:className", "ui:layoutGrid", "ui:enableOptionalDataFieldForType", "ui:row", "ui:col",
})
#: The `ui:widget`s the view builder knows (`core.view.widgets`).
KNOWN_WIDGETS = frozenset(WIDGETS)


def check_part(path: Path, root: Path) -> list[FormProblem]:
    """A shared part obeys the rules of every schema file; it need not be a whole form."""
    document, problems = read_json(path, str(path))
    if document is None:
        return problems
    crawl = Crawl(root)
    crawl.add(file_uri(root, path), path, document)
    crawl.check_refs()
    found = crawl.problems + [
        problem for uri, (part, doc) in crawl.documents.items()
        for problem in check_document(str(part), doc, crawl, uri)
    ]
    return problems + found


#: What a shared part was found to have, by its address, content and the languages it was checked for: the
#: forms of one catalog share parts, which need checking once (`check_form`'s `parts_checked`).
PartChecks = dict[tuple[str, str, tuple[str, ...]], list[FormProblem]]


def check_form(
    form_id: str, shown: str, document: Any, crawl: Crawl, agencies: Mapping[str, Agency],
    translations: Mapping[str, Mapping[str, str]], parts_checked: PartChecks | None = None,
) -> tuple[FormMeta | None, Agency | None, list[FormProblem]]:
    """Lomake's rules for one form file and the parts it reaches; a part already in `parts_checked` (the same
    file with the same content, for the same languages) is not checked again."""
    if not isinstance(document, dict):
        return None, None, [FormProblem(shown, "", "a form file must be a JSON object")]
    problems: list[FormProblem] = []
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", form_id):
        problems.append(FormProblem(shown, "", "the file name (the form id) may use only a-z, 0-9, - and _"))
    meta: FormMeta | None = None
    try:
        meta = FormMeta.model_validate(document.get(META_KEY) or {})
    except ValidationError as exc:
        problems += model_problems(shown, "/" + META_KEY, exc)
    agency = None
    if meta is not None:
        agency = agencies.get(meta.agency or "lomake")
        if agency is None:
            problems.append(FormProblem(shown, f"/{META_KEY}/agency", f"no agency {meta.agency!r} in agencies/"))
    try:
        problems += _root_problems(form_id, shown, document, crawl, meta)
    except (AttributeError, TypeError):  # a keyword not of its shape (`"allOf": 5`): the meta-schema's to report
        if not meta_problems(shown, document):
            raise
    form_uri = next(iter(crawl.documents))
    languages = meta.languages if meta is not None else ()
    for uri, (path, doc) in crawl.documents.items():
        if uri == form_uri:
            problems += _document_problems(shown, doc, crawl, uri, languages, translations)
            continue
        key = (uri, canonical_json(doc), languages)
        if parts_checked is None or key not in parts_checked:
            found = _document_problems(str(path), doc, crawl, uri, languages, translations)
            if parts_checked is None:
                problems += found
                continue
            parts_checked[key] = found
        problems += parts_checked[key]
    return meta, agency, problems


def _document_problems(where: str, doc: Any, crawl: Crawl, uri: str, languages: tuple[str, ...],
                       translations: Mapping[str, Mapping[str, str]]) -> list[FormProblem]:
    """One file's problems as part of a form in `languages`: its rules, missing translations, and answers
    still required after an answer that says they do not apply."""
    problems = check_document(where, doc, crawl, uri, languages)
    for lang in languages[1:]:
        catalog = translations.get(lang, {})
        problems += [FormProblem(where, at, f"no {lang} translation for {source!r} (locale/{lang}.po)",
                                 warning=True) for source, at in texts(doc) if source not in catalog]
    catalogs = [{}, *(translations.get(lang, {}) for lang in languages[1:])]
    return problems + [FormProblem(where, at, message, warning=True) for at, message in _still_required(doc, catalogs)]


def _root_problems(form_id: str, shown: str, document: Schema, crawl: Crawl,
                   meta: FormMeta | None) -> list[FormProblem]:
    """The rules for the schema the form asks: an object, with a title, its pages and rules about its answers."""
    problems: list[FormProblem] = []
    form_uri = next(iter(crawl.documents))
    root = form_root(document, crawl, form_uri)
    if json_type(root) != "object":
        problems.append(FormProblem(shown, "", 'a form must be an object schema ("type": "object")'))
    if meta is not None and (meta.pages or meta.review):
        problems += [FormProblem(shown, at, message) for at, message in _page_problems(meta, root)]
    if meta is not None and meta.rules and form_uri not in crawl.unreadable:
        resolver = document_resolver(crawl.registry.crawl(), form_uri)
        problems += [FormProblem(shown, at, message) for at, message in _rule_problems(meta, root, resolver)]
    if meta is not None and meta.same_as and form_uri not in crawl.unreadable:
        resolver = document_resolver(crawl.registry.crawl(), form_uri)
        problems += [FormProblem(shown, at, message) for at, message in _same_as_problems(meta, root, resolver)]
    if not (root.get("title") or root.get("ui:title")):
        problems.append(FormProblem(shown, "/title", f"the form has no title: its heading is {humanise(form_id)!r}, "
                                    "made from the file name; add a title", warning=True))
    return problems


def form_root(document: Schema, crawl: Crawl, uri: str) -> Schema:
    """The schema the form asks: the file's own, or what a root `$ref` points to."""
    if "$ref" not in document or uri in crawl.unreadable:
        return document
    try:
        return deref(document, document_resolver(crawl.registry.crawl(), uri))[0]
    except (Unresolvable, RecursionError):
        return document  # reported as an unresolvable $ref


def _rule_problems(meta: FormMeta, root: Schema, resolver: Resolver[Any]) -> Iterator[tuple[str, str]]:
    """Each rule compares two answers the form asks, both dates or both numbers, in the same list item."""
    for i, rule in enumerate(meta.rules):
        keyword, other = rule.comparison
        kinds = []
        for key, at in (("field", rule.field), (keyword, other)):
            kind = _comparable_kind(_schema_at(root, resolver, at))
            where = f"/{META_KEY}/rules/{i}/{key}"
            if kind is None:
                yield where, f"{at} is no answer of the form that is a date or a number"
            kinds.append(kind)
        if None not in kinds and kinds[0] != kinds[1]:
            yield f"/{META_KEY}/rules/{i}", f"a rule compares two dates or two numbers: {rule.field} is a " \
                f"{kinds[0]}, {other} a {kinds[1]}"
        lists = [p for p, part in enumerate(other.split("/")) if part == "-"]
        if lists and rule.field.split("/")[: lists[-1] + 1] != other.split("/")[: lists[-1] + 1]:
            yield f"/{META_KEY}/rules/{i}/{keyword}", f"{other} is in a list: compare it only with an answer of " \
                "the same list item"


def _schema_at(root: Schema, resolver: Resolver[Any], at: str) -> Schema | None:
    """The schema of the answer at JSON Pointer `at` (`-` for any list item), if the form asks it."""
    schema = root
    for part in at.split("/")[1:]:
        try:
            schema, resolver = deref(schema, resolver)
        except (Unresolvable, RecursionError):
            return None
        if part == "-":
            items = schema.get("items")
            if not isinstance(items, dict):
                return None
            schema = items
            continue
        found = dict(object_shape(schema, resolver).properties)
        for branch, at_resolver in _branches(schema, resolver):
            found.update({k: (v, at_resolver) for k, v in (branch.get("properties") or {}).items()})
        if unescape(part) not in found:
            return None
        schema, resolver = found[unescape(part)]
    try:
        return deref(schema, resolver)[0]
    except (Unresolvable, RecursionError):
        return None


def _branches(schema: Schema, resolver: Resolver[Any]) -> Iterator[tuple[Schema, Resolver[Any]]]:
    """The conditional branches (`then`, `else`, `dependentSchemas`) of `schema` and of its `allOf` parts: where
    questions that apply only sometimes are declared (the acting part's principal)."""
    parts: list[tuple[Any, Resolver[Any]]] = [(schema, resolver)]
    for part in schema.get("allOf") or ():
        try:
            parts.append(deref(part, resolver))
        except (Unresolvable, RecursionError):
            continue
    for part, at in parts:
        if not isinstance(part, dict):
            continue
        for branch in (part.get("then"), part.get("else"), *(part.get("dependentSchemas") or {}).values()):
            if isinstance(branch, dict):
                yield branch, at


#: The types an answer filled in from another (`same_as`) may have: one control's value.
_SCALARS = ("string", "integer", "number", "boolean")


def _same_as_problems(meta: FormMeta, root: Schema, resolver: Resolver[Any]) -> Iterator[tuple[str, str]]:
    """Each `same_as` fills an answer the form asks with one of the same kind asked on an earlier page."""
    for i, same in enumerate(meta.same_as):
        kinds = []
        for key, at in (("answer", same.answer), ("from", same.source)):
            schema = None if "/-" in at else _schema_at(root, resolver, at)
            kind = None if schema is None or json_type(schema) not in (*_SCALARS, None) else (
                f"{json_type(schema) or 'string'}" + (f" ({schema['format']})" if schema.get("format") else ""))
            if kind is None:
                yield f"/{META_KEY}/same_as/{i}/{key}", f"{at} is not a question the form asks (one answer, not a " \
                    "group or a list item)"
            kinds.append(kind)
        if None not in kinds and kinds[0] != kinds[1]:
            yield f"/{META_KEY}/same_as/{i}", f"same_as fills an answer with one of its kind: {same.answer} is a " \
                f"{kinds[0]}, {same.source} a {kinds[1]}"
        elif None not in kinds and _page_index(meta, same.source) >= _page_index(meta, same.answer):
            yield f"/{META_KEY}/same_as/{i}/from", f"{same.source} is not asked on a page before {same.answer}'s: " \
                "an answer is filled in from one given earlier"


def _page_index(meta: FormMeta, at: str) -> int:
    """The place of the page asking the answer at `at`: the review last; without pages, the one page first."""
    name = unescape(at.split("/")[1])
    pages = [page.properties for page in meta.pages]
    return next((i for i, names in enumerate(pages) if name in names), len(pages) if name in meta.review else 0)


def _comparable_kind(schema: Schema | None) -> str | None:
    if schema is None:
        return None
    kind = json_type(schema)
    if kind in ("integer", "number"):
        return "number"
    return "date" if kind in ("string", None) and schema.get("format") == "date" else None


def _declared(document: Schema) -> list[str]:
    """The form's top-level property names: its own, and those its root's `then`/`else` and its `allOf`
    parts (with their own `then`/`else`) add."""
    parts = [document, *(sub for sub in document.get("allOf") or () if isinstance(sub, dict))]
    declared: list[str] = []
    for part in parts:
        declared += list((part.get("properties") or {}).keys())
        for key in ("then", "else"):
            declared += list(((part.get(key) or {}).get("properties") or {}).keys())
    return declared


def _page_problems(meta: FormMeta, document: Schema) -> Iterator[tuple[str, str]]:
    """Pages must share out the form's top-level properties: each on exactly one page (or the review).
    A form without pages asks on its one page whatever is not in the review."""
    declared = _declared(document)
    seen: dict[str, str] = {}
    places = [(f"/{META_KEY}/pages/{i}", page.properties) for i, page in enumerate(meta.pages)]
    ids = [page.id for page in meta.pages]
    for i, page_id in enumerate(ids):
        if page_id in ids[:i] or page_id == "review":
            yield f"/{META_KEY}/pages/{i}/id", f"page id {page_id!r} is used twice or reserved"
    for at, names in [*places, (f"/{META_KEY}/review", meta.review)]:
        for j, name in enumerate(names):
            if name not in declared:
                yield f"{at}/properties/{j}" if "pages" in at else f"{at}/{j}", f"the form has no property {name!r}"
            elif name in seen:
                yield f"{at}/properties/{j}" if "pages" in at else f"{at}/{j}", f"{name!r} is already on {seen[name]}"
            seen.setdefault(name, at)
    for name in dict.fromkeys(declared) if meta.pages else ():  # without pages, the rest is on the one page
        if name not in seen:
            yield f"/{META_KEY}/pages", f"property {name!r} is on no page: add it to a page or to review"


def check_document(shown: str, document: Any, crawl: Crawl, uri: str,
                   languages: tuple[str, ...] = ()) -> list[FormProblem]:
    """The rules every schema file obeys, form or shared part: every problem, not just the first."""
    if not isinstance(document, dict):
        return [FormProblem(shown, "", "a schema file must be a JSON object")]
    meta = meta_problems(shown, document)
    problems = _dialect_problems(shown, document) + meta + [
        FormProblem(shown, place, message)
        for sub, at in iter_subschemas(document) for place, message in _regex_problems(sub, at)
    ]
    for sub, at in iter_subschemas(document):  # with meta-schema errors too: the `ui:` keys are Lomake's own
        problems += [FormProblem(shown, p, m) for p, m in _ui_problems(sub, at)]
    if meta or uri in crawl.unreadable:  # the rest reads the schema as valid JSON Schema
        return problems or [FormProblem(shown, "", "not valid JSON Schema: a keyword does not have its shape")]
    cls = validator_class(crawl.registry.contents(uri))
    root = cls(crawl.registry.contents(uri), registry=crawl.registry.crawl())
    resolver = document_resolver(crawl.registry.crawl(), uri)
    for sub, at in iter_subschemas(document):
        problems += [FormProblem(shown, p, m, warning=True) for p, m in _unsupported(sub, at)]
        problems += [FormProblem(shown, p, m, warning=True) for p, m in _empty_objects(sub, at)]
        if "default" in sub and not any(problem.pointer == at + "/$ref" for problem in crawl.problems):
            error = best_match(root.evolve(schema=sub).iter_errors(effective_default(sub)))
            if error is not None:
                problems.append(FormProblem(shown, f"{at}/default", f"the default is not valid: {error.message}"))
    problems += [FormProblem(shown, p, m, warning=True) for p, m in _title_problems(document, resolver, languages)]
    return problems


def _dialect_problems(shown: str, document: Schema) -> list[FormProblem]:
    """Its `$schema` names a draft Lomake serves."""
    if dialect(document.get("$schema")) is not None:
        return []
    return [FormProblem(shown, "/$schema", f"unknown JSON Schema draft {document.get('$schema')!r}; "
                        f"use one of {draft_names()} (checked here as 2020-12)")]


def meta_problems(shown: str, document: Schema) -> list[FormProblem]:
    """Every error under its draft's meta-schema (2020-12's when the draft is unknown), each at its place."""
    if meta_valid(document):
        return []
    cls = validator_class({"$schema": dialect(document.get("$schema"))})
    meta = validators.validator_for(cls.META_SCHEMA)(cls.META_SCHEMA)
    errors = sorted(meta.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [FormProblem(shown, pointer(list(err.absolute_path)), f"not valid JSON Schema: {_short(err.message)}")
            for err in errors]


def meta_valid(document: Schema) -> bool:
    """Whether a document of a known draft passes its meta-schema, by jsonschema-rs: a thousandth of the time
    the walk that names every error takes, which only a failing document needs. False when it cannot tell."""
    canonical = dialect(document.get("$schema"))
    if canonical is None:
        return False
    try:
        return jsonschema_rs.meta.is_valid(document if "$schema" in document else {**document, "$schema": canonical})
    except (ValueError, jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError):
        return False


def _short(message: str, most: int = 300) -> str:
    return message if len(message) <= most else message[:most] + "…"


def _regex_problems(sub: Schema, at: str) -> Iterator[tuple[str, str]]:
    """`pattern` and `patternProperties` are ECMA-262 regular expressions, as JSON Schema says."""
    found = pattern_problem(sub.get("pattern"))
    if found is not None:
        yield f"{at}/pattern", f"the pattern is not an ECMA-262 regular expression: {found}"
    names = sub.get("patternProperties")
    for name in names if isinstance(names, dict) else ():
        found = pattern_problem(name)
        if found is not None:
            yield (f"{at}/patternProperties/{escape(name)}",
                   f"the property name pattern is not an ECMA-262 regular expression: {found}")


def _ui_problems(sub: Schema, at: str) -> Iterator[tuple[str, str]]:
    for key in sub:
        if key.startswith("ui:") and key not in KNOWN_UI_KEYS:
            close = difflib.get_close_matches(key, KNOWN_UI_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield f"{at}/{escape(key)}", f"unknown key {key!r}{hint}"
    widget = sub.get("ui:widget")
    if widget is not None and (not isinstance(widget, str) or widget not in KNOWN_WIDGETS):
        yield f"{at}/ui:widget", f"unknown widget {widget!r}; known: {', '.join(sorted(KNOWN_WIDGETS))}"
    order = sub.get("ui:order")
    if order is not None:
        names = set(sub["properties"]) if isinstance(sub.get("properties"), dict) else set()
        if not isinstance(order, list) or not all(isinstance(n, str) for n in order):
            yield f"{at}/ui:order", "ui:order must be a list of property names"
        else:
            for i, name in enumerate(order):
                if name != "*" and names and name not in names:
                    yield f"{at}/ui:order/{i}", f"ui:order names {name!r}, which is not a property here"
    messages = sub.get("ui:messages")
    if messages is not None and not (
        isinstance(messages, dict) and all(isinstance(v, str) for v in messages.values())
    ):
        yield f"{at}/ui:messages", "ui:messages maps a JSON Schema keyword to the message people see"


def _title_problems(document: Schema, resolver: Any, languages: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """Each field without a title: shown with its humanised name, which the catalogs can translate."""
    def follow(prop: Schema) -> Schema | None:
        try:
            return deref(prop, resolver)[0]
        except (Unresolvable, RecursionError):
            return None  # reported as an unresolvable $ref

    catalogs = " or ".join(f"schemas/locale/{lang}.po" for lang in languages) or "schemas/locale/<lang>.po"
    extract = f"lomake i18n extract --lang {languages[0]}" if languages else "lomake i18n extract"
    for name, _, at in untitled(document, follow):
        label = humanise(name)
        yield at, (f"the field {name!r} has no title: it is shown as {label!r}; add a title, or translate "
                   f"the text {label!r} in {catalogs} (`{extract}` puts it there)")


def _empty_objects(sub: Schema, at: str) -> Iterator[tuple[str, str]]:
    """Objects with nothing to ask: the page leaves them out (or, when required, sends `{}`)."""
    for name, prop in (sub.get("properties") or {}).items():
        if isinstance(prop, dict) and prop.get("type") == "object" and prop.get("properties") == {} and not any(
                k in prop for k in ("patternProperties", "oneOf", "anyOf", "allOf", "if", "$ref")) and (
                prop.get("additionalProperties") in (None, False)):
            yield (f"{at}/properties/{escape(name)}",
                   f"the object {name!r} has no properties: nothing to ask, so the page leaves it out")


def _unsupported(sub: Schema, at: str) -> Iterator[tuple[str, str]]:
    later = "is not supported yet; it is shown as a JSON text field"  # fields: see raw_json_warnings
    for key in ("then", "else"):
        if isinstance(sub.get(key), dict) and any(
            isinstance(b, dict) and ("properties" in b or b.get("type") == "object")
            for s, _ in iter_subschemas(sub[key]) for k in ("oneOf", "anyOf") for b in s.get(k) or ()
        ):
            yield f"{at}/{key}", f"a choice that only a condition adds {later}"


#: Words that say an answer does not apply ("ei", "inte", "no", ...), in Finnish, Swedish and English.
NEGATIONS = frozenset({"ei", "eikä", "inte", "ej", "ingen", "inget", "inga", "no", "not", "none", "never"})


def _stems(title: str) -> set[str]:
    """The first five letters of each word of five or more that is not a negation."""
    return {word[:5] for word in re.findall(r"\w+", title.casefold()) if len(word) >= 5 and word not in NEGATIONS}


def _not_applying(prop: Schema) -> list[str]:
    """The titles of a question's answers that say something does not apply: a yes/no box titled with a
    negation, or an option of a choice whose title has one."""
    def negative(title: Any) -> bool:
        return isinstance(title, str) and bool(NEGATIONS & set(re.findall(r"\w+", title.casefold())))

    if prop.get("type") == "boolean":
        return [prop["title"]] if negative(prop.get("title")) else []
    return [o["title"] for o in prop.get("oneOf") or prop.get("anyOf") or ()
            if isinstance(o, dict) and "const" in o and negative(o.get("title"))]


def _still_required(document: Schema, catalogs: list[Mapping[str, str]]) -> Iterator[tuple[str, str]]:
    """A required answer about what an answer of the same object says does not apply ("Toiminnassa ei käytetä
    vettä" beside a required "Vedenkulutus"): told when a word of the two titles begins alike, in a language."""
    for sub, at in iter_subschemas(document):
        props, required = sub.get("properties"), sub.get("required")
        if not isinstance(props, dict) or not isinstance(required, list):
            continue
        for name, prop in props.items():
            asked = "" if not isinstance(prop, dict) or prop.get("type") == "boolean" else prop.get("title", "")
            for said in _not_applying(prop) if isinstance(prop, dict) else ():
                for i, other in enumerate(required):
                    title = (props.get(other) or {}).get("title") if isinstance(props.get(other), dict) else None
                    if other == name or not isinstance(title, str):
                        continue
                    if any((_stems(c.get(said, said)) - _stems(c.get(asked, asked))) & _stems(c.get(title, title))
                           for c in catalogs):  # the words of the question itself ("water") say nothing
                        yield f"{at}/required/{i}", (
                            f"{title!r} stays required when {prop.get('title', name)!r} is answered {said!r}, "
                            "which says it does not apply: require it only when it applies (if/then)")
