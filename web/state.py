"""What every handler shares: the app's state (with the submit service), the request's language and body."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from starlette.requests import Request
from starlette.types import Scope

from core.errors import NotFound, PayloadTooLarge, Problem, UnsupportedMediaType
from core.forms import Catalog, Form
from core.messages import LANGUAGES, pick_language, text
from core.settings import Settings
from core.view.build import form_view
from core.view.fields import FormView
from renderer.html import Pages
from renderer.pdf import ReceiptPDFs
from submission.service import Submissions, deliver_to_webhook
from submission.storage import Attachment, Storage
from submission.validate import CompiledForms
from web.embed import embedded
from web.reload import BrokenForm, form_problems

#: A capability in a URL or cookie: 256 random bits, URL-safe base64.
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass
class Lomake:
    """What the app holds: settings, forms, storage, templates and caches derived from the forms."""

    settings: Settings
    catalog: Catalog
    storage: Storage
    pages: Pages
    compiled: CompiledForms = field(default_factory=CompiledForms)
    #: The submit service every handler that sends answers goes through (its hooks: `submission.service`).
    submissions: Submissions = field(init=False)
    #: Receipt PDFs, rendered once each in a pool of their own; closed with the app.
    receipts: ReceiptPDFs = field(default_factory=ReceiptPDFs)
    _views: dict[tuple[str, str, str], FormView] = field(default_factory=dict)
    _blank_pages: dict[tuple[str, str, str], bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.submissions = Submissions(self.storage, self.compiled, in_transaction=[deliver_to_webhook])

    @cached_property
    def embedded(self) -> Lomake:
        """The app as pages under `/embed` see it (web/embed.py): the same forms, storage, submit service and
        caches, but pages rendered to live in an iframe (renderer/html.py), and blank forms cached apart."""
        twin = replace(self, pages=self.pages.embedded(), _blank_pages={})
        twin.submissions = self.submissions
        return twin

    def form(self, request: Request) -> Form:
        """The form the request's path names; 404 in the request's language if there is none."""
        form_id = request.path_params["form_id"]
        form = self.catalog.forms.get(form_id)
        if form is None:
            problems = form_problems(self.settings.schemas_dir, form_id) if self.settings.reload else None
            if problems:
                raise BrokenForm(form_id, problems)
            raise NotFound(text(language(request), "unknown_form", form_id=form_id))
        return form

    def reload(self, catalog: Catalog) -> None:
        """The forms as loaded again (`--reload`): the pages and views of the old ones are forgotten."""
        self.catalog = catalog
        self._views.clear()
        self._blank_pages.clear()
        self.__dict__.pop("embedded", None)  # made again, from the new catalog, when next asked for

    def view(self, form: Form, lang: str) -> FormView:
        key = (form.id, form.hash, lang)
        if key not in self._views:
            self._views[key] = form_view(form, lang)
        return self._views[key]

    def form_page(self, form: Form, lang: str, values: Mapping[str, Any] | None = None,
                  problems: list[Problem] | None = None, uploaded: Mapping[str, Attachment] | None = None) -> bytes:
        key = (form.id, form.hash, lang)
        if not values and not problems and key in self._blank_pages:
            return self._blank_pages[key]
        page = self.pages.form_page(
            self.view(form, lang), action=f"/forms/{form.id}?lang={lang}",
            service_name=form.agency.display_name(lang), languages=form.languages,
            theme=form.agency.id if form.agency.theme else None,
            values=values, problems=problems or [], uploaded=uploaded or {},
        ).encode()
        if not values and not problems:
            self._blank_pages[key] = page
        return page


def base_url(public: str | None, scope: Scope) -> str:
    """Where absolute links point: the configured public URL, else the address the server is bound to.

    Never the request's Host header: anyone can send `Host: attacker.example`."""
    if public:
        return public.rstrip("/")
    scheme = scope.get("scheme", "http")
    host, port = scope.get("server") or ("localhost", None)
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def link(request: Request, name: str, **params: str) -> str:
    """The absolute URL of the route `name`, on the public URL (see `base_url`)."""
    path = request.app.url_path_for(name, **params)
    return base_url(lomake(request).settings.public_url, request.scope) + str(path)


def lomake(request: Request) -> Lomake:
    """The app's state; for an embedded page (under `/embed`), its embedded twin (`Lomake.embedded`)."""
    state: Lomake = request.app.state.lomake
    return state.embedded if embedded(request.scope) else state


def language(request: Request, offered: tuple[str, ...] = LANGUAGES) -> str:
    return pick_language(request.query_params.get("lang"), request.headers.get("accept-language"), offered)


async def read_body(request: Request, limit: int, lang: str) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(text(lang, "too_large", n=limit))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(text(lang, "too_large", n=limit))
        chunks.append(chunk)
    return b"".join(chunks)


def require_media_type(request: Request, expected: str, lang: str) -> None:
    """415 unless the body is exactly of type `expected`, in UTF-8 if it names a character set."""
    media, params = content_type(request)
    if media != expected:
        raise UnsupportedMediaType(text(lang, "media_type", expected=expected))
    if params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(text(lang, "charset", expected=expected))


def content_type(request: Request) -> tuple[str, dict[str, str]]:
    """The request's media type, lower case, and its parameters (`charset`, `boundary`) by lower-case name."""
    media, *params = request.headers.get("content-type", "").split(";")
    pairs = (p.partition("=") for p in params)
    return media.strip().lower(), {k.strip().lower(): v.strip().strip('"') for k, _, v in pairs}
