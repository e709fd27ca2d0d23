"""Form files: loading a folder of JSON Schema forms into a catalog, with their agencies.

A form is `schemas/<form_id>.json`; shared parts live in `schemas/common/` and are reached
by relative `$ref`s; agencies are `schemas/agencies/<agency_id>.json`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urldefrag, urljoin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator
from referencing import Registry, Resource
from referencing._core import Resolver
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012, UnknownDialect, specification_with

from lomake.dialects import DEFAULT_DIALECT, dialect, id_keyword
from lomake.i18n import load_translations, translate, translate_labels
from lomake.schema import Schema, canonical_json, deref, escape, humanise, iter_subschemas, object_shape

#: The base URI every file below the schemas folder is known by, so relative `$ref`s resolve.
BASE_URI = "https://lomake.invalid/schemas/"
META_KEY = "x-lomake"
Language = Literal["fi", "sv", "en"]
#: The id of the one page a form without `pages` is filled in on. Page ids in form files cannot
#: start with `_`, so it never names a page of the file.
ONE_PAGE = "_form"
ThemeKey = Literal["brand", "brand-dark", "text", "muted", "border", "error", "success", "focus", "bg", "panel-bg"]


Texts = dict[Language, Annotated[str, StringConstraints(min_length=1)]]


def in_language(texts: Mapping[Any, str], lang: str) -> str:
    """`texts` in `lang`, else Finnish, else any; empty when there are none."""
    return texts.get(lang) or texts.get("fi") or next(iter(texts.values()), "")


class Office(BaseModel):
    """The agency's registry office (kirjaamo), where a matter is added to or withdrawn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Texts
    street: Annotated[str, StringConstraints(min_length=1)]
    #: Postal code and town, e.g. `PL 100, 00521 Helsinki` is `street` + `postal_code` + `town`.
    postal_code: Annotated[str, StringConstraints(pattern=r"^\d{5}$")]
    town: Texts
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ]{5,20}$")]
    hours: Texts = Field(default_factory=dict)


class AccessibilityStatement(BaseModel):
    """The agency's accessibility statement (Act 306/2019): dates, how it was assessed, what is still wrong."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prepared: dt.date
    updated: dt.date
    #: How the service was assessed, beyond the automated checks the tests run.
    assessment: Texts = Field(default_factory=dict)
    known_problems: tuple[Texts, ...] = ()
    #: The id of the form that takes accessibility feedback (the sample is `saavutettavuuspalaute`).
    feedback_form: str | None = None

    @model_validator(mode="after")
    def _updated_after_prepared(self) -> AccessibilityStatement:
        if self.updated < self.prepared:
            raise ValueError("updated cannot be before prepared")
        return self


class Agency(BaseModel):
    """A receiving authority: its names and the pattern of its reference numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: dict[Language, str]
    #: `{seq}` is a counter per agency and year, `{year}` the year of arrival, e.g. `LVV/{seq}/{year}`.
    reference: str = "{seq}/{year}"
    #: The agency's look: colours for the style sheet's custom properties (`brand` is `--lomake-brand`).
    theme: dict[ThemeKey, Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]] = Field(default_factory=dict)
    #: The registry office the confirmation and the receipt point to.
    office: Office | None = None
    #: The agency's own word for the number a matter gets ("asianumero", "diarienummer", "case number").
    case_number_word: Texts = Field(default_factory=dict)
    #: The privacy notice (GDPR Art. 13) per language, linked from forms that ask for personal data.
    privacy_notice: dict[Language, Annotated[str, StringConstraints(pattern=r"^https://\S+$")]] = Field(
        default_factory=dict)
    accessibility: AccessibilityStatement | None = None

    def style_sheet(self) -> str:
        """The agency's theme as CSS custom properties."""
        return ":root {\n" + "".join(f"  --lomake-{k}: {v};\n" for k, v in sorted(self.theme.items())) + "}\n"

    @field_validator("reference")
    @classmethod
    def _reference_has_seq_and_year(cls, value: str) -> str:
        if "{seq" not in value or "{year" not in value:
            raise ValueError("the reference pattern needs both {seq} and {year}")
        value.format(seq=1, year=2026)
        return value

    def display_name(self, lang: str) -> str:
        return self.name.get(lang) or next(iter(self.name.values()))  # type: ignore[call-overload]


DEFAULT_AGENCY = Agency(
    id="lomake", name={"fi": "Lomake-palvelu", "sv": "Lomake-tjänsten", "en": "Lomake service"},
    reference="LOMAKE/{seq}/{year}",
)


class PageMeta(BaseModel):
    """One page of a long form: its title and the top-level properties it asks, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: Annotated[str, StringConstraints(min_length=1)]
    properties: tuple[str, ...] = Field(min_length=1)
    #: A JSON Schema the answers so far must match for the page to be asked; it is skipped otherwise.
    condition: dict[str, Any] | None = Field(default=None, alias="if")
    #: False for a part that is not public (the neighbours of a permit application): its answers are marked
    #: "not public" on the review, the confirmation and the receipt.
    public: bool = True


class StartMeta(BaseModel):
    """A long form's start page: what it is for, what to have at hand and how long it takes
    (translated like the form's other texts)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lead: Annotated[str, StringConstraints(min_length=1)]
    you_need: tuple[Annotated[str, StringConstraints(min_length=1)], ...] = ()
    takes: str | None = None


#: How a rule compares its field's answer with the other answer: strictly, or allowing the same value.
COMPARISONS = {"before": "<", "after": ">", "at_most": "<=", "at_least": ">="}
_Pointer = Annotated[str, StringConstraints(pattern=r"^(/[^/]+)+$")]


class Rule(BaseModel):
    """A comparison between two answers (dates or numbers), told at `field` when it does not hold:
    `{"field": "/paattyi", "after": "/alkoi", "message": "..."}`. Skipped while either is unanswered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: _Pointer
    before: _Pointer | None = None
    after: _Pointer | None = None
    at_most: _Pointer | None = None
    at_least: _Pointer | None = None
    #: What to do, in the form's first language (translated like the form's other texts).
    message: Annotated[str, StringConstraints(min_length=1)]

    @model_validator(mode="after")
    def _one_comparison(self) -> Rule:
        given = [k for k in COMPARISONS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a rule compares with exactly one of {', '.join(COMPARISONS)}; it gives {len(given)}")
        return self

    @property
    def comparison(self) -> tuple[str, str]:
        """The comparison's keyword and the other answer's pointer."""
        return next((k, str(getattr(self, k))) for k in COMPARISONS if getattr(self, k) is not None)


class FormMeta(BaseModel):
    """The form's own `x-lomake` block: who owns it, which version it is, and how it is filled in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agency: str | None = None
    category: str | None = None
    version: str = "1"
    languages: tuple[Language, ...] = Field(default=("fi",), min_length=1)
    #: Pages in order; with none, the form is one page. With pages, every top-level property is on
    #: exactly one page or in `review`.
    pages: tuple[PageMeta, ...] = ()
    #: Top-level properties asked on the review page, after the answers: the declaration.
    review: tuple[str, ...] = ()
    #: How many days a draft is kept after it was last saved.
    draft_days: int = Field(default=7, ge=1, le=365)
    #: The matter's own deadline in days, where the law sets one (a rectification request: 14 days from
    #: being told of the decision); the saved page warns when a draft is kept longer than that.
    deadline_days: int | None = Field(default=None, ge=1, le=3650)
    #: The deadline in words, as the person reads it on the saved page (translated like page titles).
    deadline: str | None = None
    #: JSON Pointers of answers that, when prefilled through the drafts API, the person cannot change.
    prefill_read_only: tuple[Annotated[str, StringConstraints(pattern=r"^(/[^/]+)+$")], ...] = ()
    #: Comparisons between answers, checked on the server after the schema (`submission.validate.rule_issues`).
    rules: tuple[Rule, ...] = ()
    #: The start page shown before the first page (`/forms/<id>`); with none, the form opens at its first page.
    start: StartMeta | None = None
    #: From this many pages, the pages link to a task list of the form's sections instead of saying the step.
    task_list_from: int = Field(default=5, ge=1, le=1000)
    #: The expected handling time in words, shown on the confirmation and the receipt (translated like page titles).
    handling_time: str | None = None
    #: The top-level question where personal data is first asked (the privacy notice is linked there); by
    #: default the first one that uses `common/person.json` or asks for an identity code (`fi-hetu`).
    personal_data: str | None = None

    @property
    def one_page(self) -> bool:
        """Whether the form file names no pages: the loaded form then has one, `ONE_PAGE` (see `with_one_page`)."""
        return not self.pages or self.pages[0].id == ONE_PAGE


def with_one_page(meta: FormMeta, document: Schema, resolver: Resolver[Any]) -> FormMeta:
    """A form without pages as a form with one: it asks every top-level property but the review's.

    Drafts, resuming, prefill and the review then go the same way for every form."""
    if meta.pages:
        return meta
    title = str(document.get("title") or document.get("ui:title") or "")
    asked = tuple(name for name in top_level_properties(document, resolver) if name not in meta.review)
    page = PageMeta.model_construct(id=ONE_PAGE, title=title, properties=asked, condition=None)
    return meta.model_copy(update={"pages": (page,)})


def top_level_properties(document: Schema, resolver: Resolver[Any]) -> list[str]:
    """The top-level properties a form declares, also those that `allOf`, `if`/`then`/`else` or a dependency adds."""
    root, resolver = deref(document, resolver)
    names = list(object_shape(root, resolver).properties)
    parts = [root] + [deref(p, resolver)[0] for p in root.get("allOf") or () if isinstance(p, dict)]
    for part in parts:
        branches = [part.get("then"), part.get("else"), *(part.get("dependentSchemas") or {}).values(),
                    *(part.get("dependencies") or {}).values()]
        names += [n for b in branches if isinstance(b, dict) for n in b.get("properties") or {}]
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class FormProblem:
    """One problem in a form file, printed as `file: /json/pointer: message`."""

    path: str
    pointer: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.path}: {self.pointer or '/'}: {'warning: ' if self.warning else ''}{self.message}"


@dataclass(frozen=True)
class Form:
    """A loaded, checked form: its schema, metadata, agency and everything its `$ref`s reach."""

    id: str
    path: Path
    document: Schema
    meta: FormMeta
    agency: Agency
    uri: str
    registry: Registry[Any]
    #: Files below the schemas folder that the form's `$ref`s reach, by relative path.
    parts: tuple[str, ...] = field(default=())
    #: The version of each part: the SHA-256 of its canonical JSON, by relative path. Each submission records them.
    part_versions: Mapping[str, str] = field(default_factory=dict)
    hash: str = ""
    #: Translations of the form's texts into its other languages: language, then source text to translation.
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.root.get("title") or humanise(self.id))

    @property
    def root(self) -> Schema:
        """The schema the form asks: the document, or what its root `$ref` points to."""
        if "$ref" not in self.document:
            return self.document
        try:
            return deref(self.document, self.resolver())[0]
        except (Unresolvable, RecursionError):
            return self.document

    @property
    def version(self) -> str:
        return self.meta.version

    @property
    def languages(self) -> tuple[str, ...]:
        return self.meta.languages

    def title_in(self, lang: str) -> str:
        """The form's title in `lang` (`in_language(lang).document["title"]`, without translating the rest);
        in its first language when `lang` is not one of its own or the title has no translation yet."""
        catalog = self.translations.get(lang) if lang != self.languages[0] else None
        return (catalog or {}).get(self.title) or self.title

    def shown_language(self, lang: str) -> str:
        """The language the form is shown in when `lang` is asked for: `lang` if the form has it, else its first."""
        return lang if lang in self.languages else self.languages[0]

    def resolver(self) -> Resolver[Any]:
        """Resolves the form's `$ref`s from its own `$id` (its file's address unless it names one)."""
        return document_resolver(self.registry, self.uri)

    def in_language(self, lang: str) -> Form:
        """The form with its texts (and those of the parts it reaches) in `lang`; in its first language, only
        the labels of fields without a title can come from a catalog (`<lang>.po` translates their names)."""
        catalog = self.translations.get(lang)
        if not catalog:
            return self
        change = translate if lang != self.languages[0] else translate_labels
        registry: Registry[Any] = Registry().with_resources(
            (uri, Resource.from_contents(change(resource.contents, catalog), default_specification=DRAFT202012))
            for uri, resource in self.registry.items()
        )
        return replace(self, document=change(self.document, catalog), registry=registry.crawl())



@dataclass(frozen=True)
class Catalog:
    """The forms a server offers, and the problems of the files it could not load."""

    forms: Mapping[str, Form]
    problems: tuple[FormProblem, ...] = ()
    agencies: Mapping[str, Agency] = field(default_factory=dict)


def read_json(path: Path, shown: str) -> tuple[Any, list[FormProblem]]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), []
    except json.JSONDecodeError as exc:
        return None, [FormProblem(shown, "", f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [FormProblem(shown, "", f"cannot be read: {exc}")]


def load_agencies(schemas_dir: Path) -> tuple[dict[str, Agency], list[FormProblem]]:
    agencies = {DEFAULT_AGENCY.id: DEFAULT_AGENCY}
    problems: list[FormProblem] = []
    for path in sorted((schemas_dir / "agencies").glob("*.json")):
        data, read_problems = read_json(path, str(path))
        problems += read_problems
        if data is None:
            continue
        try:
            agencies[path.stem] = Agency.model_validate({**data, "id": path.stem})
        except ValidationError as exc:
            problems += _pydantic_problems(str(path), "", exc)
            continue
        problems += _feedback_form_problems(agencies[path.stem], schemas_dir, str(path))
    return agencies, problems


def _feedback_form_problems(agency: Agency, schemas_dir: Path, shown: str) -> list[FormProblem]:
    """The statement's feedback form must be a form of the catalog."""
    wanted = agency.accessibility.feedback_form if agency.accessibility else None
    if wanted is None or (schemas_dir / f"{wanted}.json").is_file():
        return []
    return [FormProblem(shown, "/accessibility/feedback_form", f"no form {wanted!r} in the schemas folder")]


def _pydantic_problems(shown: str, at: str, exc: ValidationError) -> list[FormProblem]:
    return [
        FormProblem(shown, at + "".join("/" + escape(str(p)) for p in err["loc"]), err["msg"])
        for err in exc.errors()
    ]


def file_uri(root: Path, path: Path) -> str:
    return BASE_URI + path.resolve().relative_to(root.resolve()).as_posix()


def _resource(uri: str, document: Any) -> tuple[Any, Resource[Any]]:
    """The document as registered and its resource: `$schema` spelled as its draft's own URI (so that
    `https://…/draft-07/schema` is draft-07), a relative or missing `$id` (draft-04: `id`) made `uri`."""
    if isinstance(document, dict):
        canonical = dialect(document.get("$schema"))
        if canonical is not None:
            document = {**document, "$schema": canonical}
        key = id_keyword(canonical or DEFAULT_DIALECT)
        own_id = document.get(key)
        if not (isinstance(own_id, str) and urldefrag(own_id)[0].startswith(("https:", "http:", "urn:"))):
            document = {**document, key: uri}
        try:
            spec = specification_with(document.get("$schema", ""), default=DRAFT202012)
        except UnknownDialect:
            spec = DRAFT202012
        return document, spec.create_resource(document)
    return document, DRAFT202012.create_resource(document)


@dataclass
class Crawl:
    """The documents one form reaches through `$ref`s, and where the `$ref`s failed."""

    root: Path
    documents: dict[str, tuple[Path, Any]] = field(default_factory=dict)
    problems: list[FormProblem] = field(default_factory=list)
    registry: Registry[Any] = field(default_factory=Registry)

    def add(self, uri: str, path: Path, document: Any) -> None:
        self.documents[uri] = (path, document)
        if not isinstance(document, dict):
            return  # check_form reports it
        _, resource = _resource(uri, document)
        self.registry = self.registry.with_resource(uri, resource)
        own_id = resource.id()
        if own_id and urldefrag(own_id)[0] != uri:
            self.registry = self.registry.with_resource(urldefrag(own_id)[0], resource)
        for ref, _ in _refs(document):
            target = urldefrag(urljoin(uri, ref))[0]
            if target in self.documents or not target.startswith(BASE_URI):
                continue
            part = self.root / target[len(BASE_URI):]
            if not part.is_file():
                continue  # reported by check_refs with the $ref's pointer
            data, problems = read_json(part, str(part))
            self.problems += problems
            if data is not None:
                self.add(target, part, data)

    def check_refs(self) -> None:
        """Report every `$ref` in every reached document that does not resolve."""
        registry = self.registry.crawl()
        for uri, (path, document) in self.documents.items():
            if not isinstance(document, dict):
                continue
            resolver = document_resolver(registry, uri)
            for ref, at in _refs(document):
                try:
                    resolver.lookup(ref)
                except Unresolvable:
                    self.problems.append(FormProblem(str(path), at, f"$ref {ref!r} does not resolve"))


def document_resolver(registry: Registry[Any], uri: str) -> Resolver[Any]:
    """A resolver for the document registered at `uri`, based at its own `$id` if it names one."""
    return registry.resolver(base_uri=uri).in_subresource(registry[uri])


def _refs(document: Any) -> list[tuple[str, str]]:
    return [
        (sub["$ref"], f"{at}/$ref") for sub, at in iter_subschemas(document) if isinstance(sub.get("$ref"), str)
    ]


def schema_hash(documents: Mapping[str, tuple[Path, Any]]) -> str:
    """SHA-256 over the form and every part it reaches: any change to what validates changes it."""
    content = {uri[len(BASE_URI):]: doc for uri, (_, doc) in documents.items()}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def load_form(
    path: Path, root: Path, agencies: Mapping[str, Agency], translations: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[Form | None, list[FormProblem]]:
    """Read, crawl and check one form file; the form is None when any problem is an error."""
    from lomake.check import check_form  # check imports this module

    shown = str(path)
    document, problems = read_json(path, shown)
    if document is None:
        return None, problems
    uri = file_uri(root, path)
    crawl = Crawl(root)
    crawl.add(uri, path, document)
    crawl.check_refs()
    problems += crawl.problems
    meta, agency, more = check_form(path.stem, shown, document, crawl, agencies, translations or {})
    problems += more
    if meta is None or agency is None or any(not p.warning for p in problems):
        return None, problems
    registry = crawl.registry.crawl()
    form = Form(
        id=path.stem, path=path, document=document, agency=agency, uri=uri, registry=registry,
        meta=with_one_page(meta, document, document_resolver(registry, uri)),
        parts=tuple(sorted(u[len(BASE_URI):] for u in crawl.documents if u != uri)),
        part_versions={u[len(BASE_URI):]: hashlib.sha256(canonical_json(doc).encode()).hexdigest()
                       for u, (_, doc) in sorted(crawl.documents.items()) if u != uri},
        hash=schema_hash(crawl.documents),
        translations={lang: (translations or {}).get(lang, {}) for lang in meta.languages
                      if lang != meta.languages[0] or lang in (translations or {})},
    )
    return form, problems


def form_files(schemas_dir: Path) -> list[Path]:
    """The form files of a schemas folder: its top-level `*.json` files."""
    return sorted(p for p in schemas_dir.glob("*.json") if p.is_file())


def load_catalog(schemas_dir: Path) -> Catalog:
    """Every form in `schemas_dir` that loads; a broken file is reported and skipped, never fatal."""
    agencies, problems = load_agencies(schemas_dir)
    translations = load_translations(schemas_dir)
    forms: dict[str, Form] = {}
    for path in form_files(schemas_dir):
        form, form_problems = load_form(path, schemas_dir, agencies, translations)
        problems += form_problems
        if form is not None:
            forms[form.id] = form
    return Catalog(forms, tuple(dict.fromkeys(problems)), agencies)
