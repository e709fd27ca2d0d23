"""Errors: one JSON shape for the API, one page for people."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import Gone, LomakeError, Problem, Unauthorized
from core.messages import LANGUAGES, text
from web.reload import BrokenForm
from web.state import language, lomake

#: The pages keep each option of a choice between objects under `/@<index>`; the JSON has no such level.
_PSEUDO = re.compile(r"/@\d+(?=/|$)")
log = logging.getLogger("lomake")


def _wants_json(request: Request) -> bool:
    """The API's paths, and the health check's (the API documents it), answer errors in JSON."""
    path = str(request.scope.get("path", ""))
    return path.startswith("/api/") or path == "/healthz"


async def lomake_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LomakeError)
    response = error_response(request, exc.status, exc.problems)
    if isinstance(exc, Unauthorized):
        response.headers["www-authenticate"] = "Bearer"
    if exc.status in (408, 413):  # the rest of the body may still be on its way: do not wait for it
        response.headers["connection"] = "close"
    return response


async def draft_gone(request: Request, exc: Exception) -> Response:
    """A draft that went (sent from another tab, or purged) while a request about it was on its way: 410."""
    return await lomake_error(request, Gone(text(language(request), "draft_gone")))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    lang = language(request)
    message = text(lang, "not_found") if exc.status_code == 404 else str(exc.detail)
    return error_response(request, exc.status_code, [Problem("", message)])


async def broken_form(request: Request, exc: Exception) -> Response:
    """A form file that does not load, in `--reload` mode: its problems for its author, each at its file, line
    and column (503: the page works again once the file is fixed). The API answers its error shape."""
    assert isinstance(exc, BrokenForm)
    if _wants_json(request):
        return await lomake_error(request, exc)
    app, lang = lomake(request), language(request)
    root = app.settings.schemas_dir
    shown = [(_relative(p.path, root), p) for p in exc.file_problems]
    html = app.pages.render("broken_form.html", lang, languages=LANGUAGES, form_id=exc.form_id, problems=shown,
                            schemas_dir=str(root))
    return HTMLResponse(html, status_code=exc.status, headers={"cache-control": "no-store", "retry-after": "1"})


def _relative(path: str, root: Path) -> str:
    """A problem's file as the author knows it: below the schemas folder."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def error_response(request: Request, status: int, problems: list[Problem]) -> Response:
    if _wants_json(request):
        return JSONResponse({"errors": [{"pointer": _PSEUDO.sub("", p.pointer), "message": p.message}
                                        for p in problems]},
                            status_code=status)
    lang = language(request)
    heading = text(lang, "not_found") if status == 404 else text(lang, "request_problem")
    lines = [p.message for p in problems if p.message != heading] or [text(lang, "not_found_text")]
    app, form_id = lomake(request), request.scope.get("path_params", {}).get("form_id")
    form_url = f"/forms/{form_id}?lang={lang}" if form_id in app.catalog.forms else None
    html = app.pages.render("error.html", lang, heading=heading, lines=lines, languages=LANGUAGES, form_url=form_url)
    return HTMLResponse(html, status_code=status)


class Failsafe:
    """Whatever a handler did not expect answers in the error shape of its path (JSON under `/api/`,
    the error page elsewhere), inside `SecurityHeaders`, so with the usual headers.

    The log line names only the exception's type and the handler: never the path (capabilities),
    the query, the body or the exception's text (answers). A client that went away mid-body is no error.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except ClientDisconnect:
            return
        except Exception as exc:  # noqa: BLE001 - the last line of defence: answer, log without personal data
            endpoint = getattr(scope.get("endpoint"), "__name__", "?")
            log.error("unexpected %s in %s %s", type(exc).__name__, scope.get("method", ""), endpoint)
            if not started:
                await server_error(scope)(scope, receive, send)


def server_error(scope: Scope) -> Response:
    """The 500 answer: the path's error shape, whatever else fails. If even that does (the language of a
    header it cannot read, a broken error page), the API still answers JSON, in Finnish; a page, plain text."""
    request = Request(scope)
    try:
        return error_response(request, 500, [Problem("", text(language(request), "server_error"))])
    except Exception:  # noqa: BLE001 - the error answer itself failed
        if _wants_json(request):
            return JSONResponse({"errors": [{"pointer": "", "message": text("fi", "server_error")}]}, status_code=500)
        return PlainTextResponse(text("fi", "server_error"), status_code=500)
