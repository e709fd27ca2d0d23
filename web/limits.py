"""What one request may take: bytes counted as they arrive, time to send the body, JSON shape.

Every limit holds while the body is read, so that a chunked body (no Content-Length) or a
slow one meets the same limits as any other.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import BadRequest, PayloadTooLarge, RequestTimeout
from core.messages import text
from core.schema import MAX_JSON_DEPTH, json_fault
from web.state import language

#: Deepest nesting of arrays and objects a JSON body may have: more than any form's, far less than Python's stack.
MAX_DEPTH = MAX_JSON_DEPTH


def capped(request: Request, limit: int, lang: str) -> Request:
    """The same request, whose body is refused with 413 as soon as more than `limit` bytes of it arrived."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge(text(lang, "too_large", n=limit))
        return message

    return Request(request.scope, receive)


class BoundedFiles(MultiPartParser):
    """Starlette's multipart parser, spooling at most `limit(field name) + 1` bytes of each file:
    enough to tell that a file is too large, however large it is."""

    def __init__(self, request: Request, limit: Callable[[str], int], **options: Any) -> None:
        super().__init__(request.headers, request.stream(), **options)
        self._limit = limit
        self._kept = 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._kept = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            room = self._limit(self._current_part.field_name) + 1 - self._kept
            end = max(start, min(end, start + room))
            self._kept += end - start
            if end == start:
                return
        super().on_part_data(data, start, end)


class BodyTimeout:
    """A request's whole body must arrive within `seconds` of the request's start, or it answers 408.

    Half-sent bodies (slowloris) then hold a connection for at most that long. Once the body is
    complete, waiting for the client to go away (`http.disconnect`) is not limited.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        complete = False

        async def timed_receive() -> Message:
            nonlocal complete
            if complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise RequestTimeout(text(language(Request(scope)), "request_timeout")) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, timed_receive, send)


def parse_json(body: bytes, lang: str) -> Any:
    """A JSON body as Python values; 400 in plain words if it is not UTF-8, not JSON, or nested too deep."""
    try:
        document = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(text(lang, "json_encoding")) from None
    try:
        value = json.loads(document, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise BadRequest(text(lang, "malformed_json", line=exc.lineno, column=exc.colno)) from None
    except _Constant as exc:
        raise BadRequest(text(lang, "json_constant", name=str(exc))) from None
    except RecursionError:
        raise BadRequest(text(lang, "json_too_deep", n=MAX_DEPTH)) from None
    json_issue(value, lang)
    return value


def json_issue(value: Any, lang: str) -> None:
    """Raise 400 if `value` nests deeper than `MAX_DEPTH` or holds a lone surrogate (not text in any encoding)."""
    fault = json_fault(value, MAX_DEPTH)
    if fault == "depth":
        raise BadRequest(text(lang, "json_too_deep", n=MAX_DEPTH))
    if fault == "encoding":
        raise BadRequest(text(lang, "json_encoding"))


class _Constant(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise _Constant(name)


def headers_in_time(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol, closing a connection whose request line and headers take longer than
    `seconds` (uvicorn itself waits for them forever: a slowloris holds the connection)."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HeadersInTime(HttpToolsProtocol):
        _due: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._wait_for_headers()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._wait_for_headers()

        def on_headers_complete(self) -> None:
            self._stop_waiting()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_waiting()
            super().connection_lost(exc)

        def _wait_for_headers(self) -> None:
            self._stop_waiting()
            self._due = self.loop.call_later(seconds, self.transport.close)

        def _stop_waiting(self) -> None:
            if self._due is not None:
                self._due.cancel()
                self._due = None

    return HeadersInTime
