"""Middleware for every response and request: strict headers, and CSRF refused by the browser's own word."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import Problem
from core.messages import text
from web.embed import embedded
from web.errors import error_response
from web.state import base_url, language

#: The Content-Security-Policy, without its `frame-ancestors` (see `frame_headers`).
CSP = (b"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
       b"form-action 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors ")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
#: Over HTTPS: browsers use only HTTPS for this host for a year, so no one can strip it on the way.
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int] | None:
    """An http(s) URL's origin: scheme, host and port (the default port written out); None for anything else."""
    parts = urlsplit(url)
    try:
        port = parts.port or _PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in _PORTS or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname.lower(), port


def same_token(sent: str, expected: str) -> bool:
    """Whether a posted token is the expected one, in constant time, whatever characters it holds."""
    return secrets.compare_digest(sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def frame_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """Who may frame the page: no one (`'none'`, and `X-Frame-Options: DENY` for old browsers), except an
    embedded page (web/embed.py), which exactly its agency's `embed_origins` may frame, if it has any."""
    mark = embedded(scope)
    origins = " ".join(mark.origins).encode() if mark else b""
    if not origins:
        return [(b"content-security-policy", CSP + b"'none'"), (b"x-frame-options", b"DENY")]
    return [(b"content-security-policy", CSP + origins)]


class SecurityHeaders:
    """Strict headers on every response: CSP without inline code, no framing (but by an agency's own origins,
    for its embedded pages), no referrer; HSTS over HTTPS (when the public URL is https, or the request came
    over https)."""

    def __init__(self, app: ASGIApp, public_url: str | None = None) -> None:
        self.app = app
        self.https = bool(public_url and public_url.startswith("https:"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [*SECURITY_HEADERS, HSTS] if self.https or scope.get("scheme") == "https" else SECURITY_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *frame_headers(scope), *headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CrossOriginProtection:
    """CSRF protection without tokens or cookies: browsers say where a POST comes from.

    `Sec-Fetch-Site` must be same-origin (or none, for a typed address); without it, an
    `Origin` header must be this site's origin, scheme and port included: the public URL's, or
    the request's own (its Host, over https whenever the public URL is). Non-browser clients
    send neither and pass. This keeps working inside an iframe, where the form posts to its
    own origin.
    """

    def __init__(self, app: ASGIApp, public_url: str | None = None) -> None:
        self.app = app
        self.public_url = public_url

    def ours(self, scope: Scope, sent: str, host: str) -> bool:
        """Whether the `Origin` header `sent` is this site's."""
        public = base_url(self.public_url, scope)
        scheme = "https" if public.startswith("https:") else scope.get("scheme", "http")
        found = origin(sent)  # "null" (a sandboxed or opaque page) is never ours
        return found is not None and found in (origin(public), origin(f"{scheme}://{host}"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            headers = {k.decode(): v.decode("latin-1") for k, v in scope["headers"]
                       if k in (b"sec-fetch-site", b"origin", b"host")}
            site, sent = headers.get("sec-fetch-site"), headers.get("origin")
            cross = site not in ("same-origin", "none") if site else bool(
                sent and not self.ours(scope, sent, headers.get("host", "")))
            if cross:
                request = Request(scope)
                response = error_response(request, 403, [Problem("", text(language(request), "cross_origin"))])
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
