"""Embedding: every page of a form also under `/embed`, to live in an iframe on the agency's own site.

`/embed/forms/kantelu` is `/forms/kantelu` without the site's header and footer, and whatever it leads
to stays under `/embed`: links and form actions (the renderer's embedded pages keep them there) and
redirects (their `Location`, here). Only the form's agency's `embed_origins` may frame it
(`frame-ancestors`, set by `SecurityHeaders` from the mark this middleware puts in the scope); with none,
no one. Cookies set on an embedded page are scoped under `/embed` and are `SameSite=None; Secure;
Partitioned` (CHIPS): drafts, the upload key and the sent receipt work in a cross-site iframe, each
embedding site with a cookie jar of its own, which no other site's pages ever send.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.forms import Agency, Catalog
from renderer.html import EMBED_PREFIX

PREFIX = EMBED_PREFIX
#: The scope key of an embedded request's mark (`Embedded`).
MARK = "lomake.embed"
#: Paths that are not pages: never embedded (under `/embed` they are not found).
_NOT_PAGES = ("/api/", "/static/", "/themes/", "/healthz")
#: The agency a path names by itself: a form's pages, or an agency's accessibility statement.
_FORM_PATH = re.compile(r"/forms/([^/]+)")
_AGENCY_PATH = re.compile(r"/accessibility/([^/]+)")
#: The cookie attributes an embedded page sets itself (`embedded_cookie`).
_OWN_ATTRIBUTES = ("samesite", "secure", "partitioned")


@dataclass
class Embedded:
    """The mark of a request for an embedded page: the agency whose `embed_origins` may frame it, once known
    (from the path, or from the handler for a receipt: `framed_for`). None: no one may."""

    agency: Agency | None = None

    @property
    def origins(self) -> tuple[str, ...]:
        return self.agency.embed_origins if self.agency else ()


def embedded(scope: Scope) -> Embedded | None:
    """The request's mark if it asks for an embedded page."""
    mark = scope.get(MARK)
    return mark if isinstance(mark, Embedded) else None


def framed_for(request: Request, agency: Agency) -> None:
    """An embedded page about `agency`'s form that its path does not name (a receipt): `agency`'s origins
    may frame it."""
    mark = embedded(request.scope)
    if mark is not None:
        mark.agency = agency


def agency_of_path(catalog: Catalog, path: str) -> Agency | None:
    """The agency whose page `path` is, when the path alone says it."""
    form = _FORM_PATH.match(path)
    if form:
        found = catalog.forms.get(form[1])
        return found.agency if found else None
    statement = _AGENCY_PATH.fullmatch(path)
    return catalog.agencies.get(statement[1]) if statement else None


def own_page(path: str) -> bool:
    """Whether `path` (from a `Location`) is one of this site's pages, which an embedded page keeps embedded."""
    return path.startswith("/") and not path.startswith(("//", PREFIX + "/", *_NOT_PAGES))


def embedded_cookie(header: str) -> str:
    """A `Set-Cookie` value as an embedded page sets it: its path under `/embed`, `SameSite=None; Secure;
    Partitioned` whatever it said, every other attribute kept."""
    name_value, *attributes = [part.strip() for part in header.split(";")]
    kept = []
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        if key.lower() == "path" and own_page(value):
            attribute = f"{key}={PREFIX}{value}"
        if key.lower() not in _OWN_ATTRIBUTES:
            kept.append(attribute)
    return "; ".join([name_value, *kept, "SameSite=None", "Secure", "Partitioned"])


def embedded_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """An embedded page's response headers: redirects to this site's pages stay under `/embed`, cookies
    are the embedded kind."""
    changed = []
    for key, value in headers:
        text = value.decode("latin-1")
        if key.lower() == b"location" and own_page(text):
            value = (PREFIX + text).encode("latin-1")
        elif key.lower() == b"set-cookie":
            value = embedded_cookie(text).encode("latin-1")
        changed.append((key, value))
    return changed


class Embedding:
    """Serves `/embed/<page>` as `<page>`, marked embedded (`Embedded` in the scope), with its redirects
    and cookies made for an iframe. Outermost: `SecurityHeaders` inside reads the mark."""

    def __init__(self, app: ASGIApp, catalog: Callable[[], Catalog]) -> None:
        self.app = app
        #: The app's catalog as it is now (`--reload` loads it again).
        self.catalog = catalog

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        page = path.removeprefix(PREFIX)
        if not path.startswith(PREFIX + "/") or not own_page(page):  # the API, static files: not under /embed
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path")
        scope = {**scope, "path": page, MARK: Embedded(agency_of_path(self.catalog(), page)),
                 "raw_path": raw[len(PREFIX):] if isinstance(raw, bytes) and raw.startswith(PREFIX.encode()) else raw}

        async def embedded_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = embedded_headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, embedded_send)
