"""Middleware for every response and request: strict headers, and CSRF refused by the browser's own word."""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lomake.errors import Problem
from lomake.messages import text
from web.errors import error_response
from web.state import language

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
                                 b"form-action 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def same_token(sent: str, expected: str) -> bool:
    """Whether a posted token is the expected one, in constant time, whatever characters it holds."""
    return secrets.compare_digest(sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


class SecurityHeaders:
    """Strict headers on every response: CSP without inline code, no framing, no referrer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CrossOriginProtection:
    """CSRF protection without tokens or cookies: browsers say where a POST comes from.

    `Sec-Fetch-Site` must be same-origin (or none, for a typed address); without it, an
    `Origin` header must name this host. Non-browser clients send neither and pass. This
    keeps working inside an iframe, where the form posts to its own origin.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            headers = {k.decode(): v.decode("latin-1") for k, v in scope["headers"]
                       if k in (b"sec-fetch-site", b"origin", b"host")}
            site, origin = headers.get("sec-fetch-site"), headers.get("origin")
            cross = site not in ("same-origin", "none") if site else bool(
                origin and (origin == "null" or urlparse(origin).netloc != headers.get("host")))
            if cross:
                request = Request(scope)
                response = error_response(request, 403, [Problem("", text(language(request), "cross_origin"))])
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
