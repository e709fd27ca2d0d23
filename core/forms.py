"""Form files: loading a folder of JSON Schema forms into a catalog, with their agencies.

A form is `schemas/<form_id>.json`; shared parts live in `schemas/common/` and are reached
by relative `$ref`s; agencies are `schemas/agencies/<agency_id>.json`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, cast
from urllib.parse import parse_qsl, urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from referencing import Registry, Resource
from referencing._core import Resolver
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from core.conditions import Condition
from core.i18n import translate, translate_labels
from core.schema import Schema, deref, escape, humanise, object_shape

#: The base URI every file below the schemas folder is known by, so relative `$ref`s resolve.
BASE_URI = "https://lomake.invalid/schemas/"
META_KEY = "x-lomake"
Language = Literal["fi", "sv", "en"]
#: The id of the one page a form without `pages` is filled in on. Page ids in form files cannot
#: start with `_`, so it never names a page of the file.
ONE_PAGE = "_form"
#: Whether a form's submissions are public documents (Act on the Openness of Government Activities 621/1999):
#: public, confidential, or partly confidential (some answers are secret, e.g. health or neighbours' details).
Publicity = Literal["public", "confidential", "partly-confidential"]
ThemeKey = Literal["brand", "brand-dark", "text", "muted", "border", "error", "success", "focus", "bg", "panel-bg"]


Texts = dict[Language, Annotated[str, StringConstraints(min_length=1)]]
T = TypeVar("T")


def in_language(texts: Mapping[Any, str], lang: str) -> str:
    """`texts` in `lang`, else Finnish, else any; empty when there are none."""
    return texts.get(lang) or texts.get("fi") or next(iter(texts.values()), "")


class Office(BaseModel):
    """The agency's registry office (kirjaamo), where a matter is added to or withdrawn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Texts
    #: The street address or PO box, the same in every language ("Hämeenkatu 1") or per language (a PO box is
    #: "PL 100", "PB 100", "P.O. Box 100").
    street: Annotated[str, StringConstraints(min_length=1)] | Texts
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


#: An origin as a Content-Security-Policy source: scheme, host (letters, digits, hyphens, dots) and maybe a port.
_ORIGIN = re.compile(r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?")
#: The hosts that may embed over plain http, for development: browsers treat them as secure contexts.
_LOCAL_HOSTS = ("localhost", "127.0.0.1")


def embed_origin(value: str) -> str:
    """An origin allowed to embed the agency's forms, `https://host[:port]` (lower case); `http://` only for
    localhost and 127.0.0.1. It goes into a `frame-ancestors` header as it is, so nothing else passes."""
    example = "e.g. https://www.example.fi"
    if "*" in value:
        raise ValueError(f"{value!r} has a wildcard: list each origin that embeds the forms, {example}")
    parts = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", value)
    if parts is None:
        raise ValueError(f"{value!r} is not an origin: write scheme://host or scheme://host:port, {example}")
    if parts[3]:
        what = "a path" if parts[3].startswith("/") else "a query or fragment"
        raise ValueError(f"{value!r} has {what}: give only scheme, host and port, {example}")
    if parts[1].lower() not in ("http", "https"):
        raise ValueError(f"{value!r} is not an https origin: write https://host or https://host:port, {example}")
    origin = value.lower()
    found = _ORIGIN.fullmatch(origin)
    if found is None or (found[3] is not None and not 0 < int(found[3]) < 65536):
        raise ValueError(f"{value!r} is not an origin: write scheme://host or scheme://host:port, {example}")
    if found[1] == "http" and found[2] not in _LOCAL_HOSTS:
        raise ValueError(f"{value!r} is not https: only https pages can embed the forms "
                         "(http only as http://localhost or http://127.0.0.1, while developing)")
    return origin


EmbedOrigin = Annotated[str, AfterValidator(embed_origin)]

#: The longest retention a file can declare: a hundred years. What is kept for good goes to an archive.
MAX_RETENTION_DAYS = 36500
#: Keys that name a secret: such a key with a value in a form or agency file is refused.
_SECRET_KEY = re.compile(r"secret|token|passw(or)?d|passphrase|api_?key|credential", re.I)
_USE_THE_ENVIRONMENT = ("secrets never live in form or agency files: set it in an environment variable and name "
                        'the variable instead, e.g. "secret_env": "LOMAKE_WEBHOOK_SECRET_LVV"')


def secret_key(key: str) -> bool:
    """Whether a key in a file names a secret (`secret`, `token`, `password`, ...) rather than where one is
    (`secret_env`)."""
    return _SECRET_KEY.search(key) is not None and not key.lower().endswith("_env")


class Retention(BaseModel):
    """How long the agency keeps submissions by default, and on what basis (its archive plan)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: int = Field(ge=1, le=MAX_RETENTION_DAYS)
    #: The basis in words, e.g. the archive plan (arkistonmuodostussuunnitelma) and its task class.
    basis: Texts = Field(min_length=1)


def webhook_url(value: str) -> str:
    """The address submissions are announced to: `https://...`; `http://` only for localhost and 127.0.0.1."""
    try:
        url = urlsplit(value)
        _ = url.port  # raises on a port out of range
    except ValueError:
        raise ValueError(f"{value!r} is not a URL: write https://host/path") from None
    if url.username is not None or url.password is not None or any(secret_key(k) for k, _ in parse_qsl(url.query)):
        raise ValueError(f"{value!r} carries a secret in the URL: {_USE_THE_ENVIRONMENT}")
    if url.scheme not in ("http", "https") or not url.hostname or not re.fullmatch(r"[a-z0-9.-]+", url.hostname):
        raise ValueError(f"{value!r} is not an https URL: write https://host/path")
    if url.scheme == "http" and url.hostname not in _LOCAL_HOSTS:
        raise ValueError(f"{value!r} is not https: submissions are sent only over https "
                         "(http only to http://localhost or http://127.0.0.1, while developing)")
    return value


class Webhook(BaseModel):
    """Where the agency is told of new submissions (the delivery): the URL, the environment variable holding the
    signing secret, and which of its forms (none: all of them)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: Annotated[str, AfterValidator(webhook_url)]
    #: The NAME of the environment variable that holds the secret; the secret itself is never in a file.
    secret_env: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]
    #: The ids of the agency's forms announced; empty: every form of the agency.
    forms: tuple[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")], ...] = ()

    def secret(self, environ: Mapping[str, str] = os.environ) -> str | None:
        """The signing secret, read from the environment when it is needed; None when the variable is unset or
        empty. Never logged, never kept on the model."""
        return environ.get(self.secret_env) or None


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
    #: The unit that receives the forms (e.g. the registry's or a department's name), shown on the receipt.
    unit: Texts = Field(default_factory=dict)
    #: The agency's own word for the number a matter gets ("asianumero", "diarienummer", "case number").
    case_number_word: Texts = Field(default_factory=dict)
    #: The privacy notice (GDPR Art. 13) per language, linked from forms that ask for personal data.
    privacy_notice: dict[Language, Annotated[str, StringConstraints(pattern=r"^https://\S+$")]] = Field(
        default_factory=dict)
    accessibility: AccessibilityStatement | None = None
    #: The origins whose pages may embed the agency's forms in an iframe (`/embed/forms/<id>`): `frame-ancestors`
    #: lists exactly these. None: the forms cannot be framed at all.
    embed_origins: tuple[EmbedOrigin, ...] = ()
    #: The default retention of submissions (a form may set its own `retention_days`). Declared only: nothing
    #: is purged by it yet.
    retention: Retention | None = None
    #: Where new submissions are announced (the delivery); its secret comes from the environment.
    webhook: Webhook | None = None

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

    @field_validator("embed_origins")
    @classmethod
    def _origins_once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        twice = sorted({o for o in value if value.count(o) > 1})
        if twice:
            raise ValueError(f"{', '.join(twice)} listed more than once")
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
    #: `condition` compiled, once, when the page is read.
    _condition: Condition | None = PrivateAttr(default=None)

    def model_post_init(self, context: Any) -> None:
        self._condition = Condition.of(self.condition) if self.condition is not None else None

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Whether the page is asked, given the answers so far."""
        return self._condition is None or self._condition.holds(answers)


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


class SameAs(BaseModel):
    """An answer asked again, filled in with an earlier one while it is unanswered (ask only once):
    `{"answer": "/hakija/nimi", "from": "/asiointi/paamies/nimi"}`. It stays the person's to change."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    answer: _Pointer
    source: _Pointer = Field(alias="from")


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
    #: Answers filled in with earlier ones on their page and the review while unanswered (`submission.journey.same_as`).
    same_as: tuple[SameAs, ...] = ()
    #: The start page shown before the first page (`/forms/<id>`); with none, the form opens at its first page.
    start: StartMeta | None = None
    #: From this many pages, the pages link to a task list of the form's sections instead of saying the step.
    task_list_from: int = Field(default=5, ge=1, le=1000)
    #: The expected handling time in words, shown on the confirmation and the receipt (translated like page titles).
    handling_time: str | None = None
    #: The top-level question where personal data is first asked (the privacy notice is linked there); by
    #: default the first one that uses `common/person.json` or asks for an identity code (`fi-hetu`).
    personal_data: str | None = None
    #: How many days this form's submissions are kept, instead of the agency's `retention` days.
    retention_days: int | None = Field(default=None, ge=1, le=MAX_RETENTION_DAYS)
    #: The unit of the agency that owns the form (answers for its content and versions), for the form inventory.
    owner: Annotated[str, StringConstraints(min_length=1)] | None = None
    #: Whether the submissions are public documents, for the records metadata of the form inventory.
    publicity: Publicity | None = None

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


def _own_resolver(form: Form) -> Resolver[Any]:
    return document_resolver(form.registry, form.uri)


def document_resolver(registry: Registry[Any], uri: str) -> Resolver[Any]:
    """A resolver for the document registered at `uri`, based at its own `$id` if it names one."""
    return registry.resolver(base_uri=uri).in_subresource(registry[uri])


@dataclass(frozen=True)
class FormProblem:
    """One problem in a form file, printed as `file:line:column: /json/pointer: message` (without the line and
    column until placed)."""

    path: str
    pointer: str
    message: str
    warning: bool = False
    #: Where in the file, from 1, as an editor counts (0: not placed; `core.positions.located` places them).
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.pointer or '/'}: {'warning: ' if self.warning else ''}{self.message}"


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
    #: The form file and every part it reaches, as read, by path below the schemas folder: what `hash` is over,
    #: and what a stored version keeps (`core.catalog.form_of_version` builds the form again from them).
    documents: Mapping[str, Any] = field(default_factory=dict)
    #: Translations of the form's texts into its other languages: language, then source text to translation.
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: What `derived` worked out for this form, by the function that did.
    _derived: dict[Callable[[Form], Any], Any] = field(default_factory=dict, init=False, repr=False, compare=False)

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
        """Resolves the form's `$ref`s from its own `$id` (its file's address unless it names one); made once
        (a resolver never changes)."""
        return self.derived(_own_resolver)

    def derived(self, compute: Callable[[Form], T]) -> T:
        """`compute(self)`, worked out once for this form: for what depends on its files alone. It lives as long as
        the form does (the catalog of one app), so nothing is shared between apps, or tests."""
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return cast(T, self._derived[compute])

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


def model_problems(shown: str, at: str, exc: ValidationError) -> list[FormProblem]:
    """A model's errors, each at its pointer; a key that is not allowed and holds a secret says where secrets go."""
    return [
        FormProblem(shown, at + "".join("/" + escape(str(p)) for p in err["loc"]), _message(err))
        for err in exc.errors()
    ]


def _message(err: ErrorDetails) -> str:
    key = str(err["loc"][-1]) if err["loc"] else ""
    if err["type"] == "extra_forbidden" and secret_key(key) and isinstance(err["input"], (str, int, float)):
        return f"{key!r} holds a literal secret: {_USE_THE_ENVIRONMENT}"
    return str(err["msg"])
