"""Errors: one JSON shape for the API, one page for people."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from lomake.errors import LomakeError, Problem, Unauthorized
from lomake.messages import text
from web.state import language, lomake

#: The pages keep each option of a choice between objects under `/@<index>`; the JSON has no such level.
_PSEUDO = re.compile(r"/@\d+(?=/|$)")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def lomake_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LomakeError)
    response = error_response(request, exc.status, exc.problems)
    if isinstance(exc, Unauthorized):
        response.headers["www-authenticate"] = "Bearer"
    return response


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    lang = language(request)
    message = text(lang, "not_found") if exc.status_code == 404 else str(exc.detail)
    return error_response(request, exc.status_code, [Problem("", message)])


def error_response(request: Request, status: int, problems: list[Problem]) -> Response:
    if _wants_json(request):
        return JSONResponse({"errors": [{"pointer": _PSEUDO.sub("", p.pointer), "message": p.message}
                                        for p in problems]},
                            status_code=status)
    lang = language(request)
    heading = text(lang, "not_found") if status == 404 else text(lang, "request_problem")
    lines = [p.message for p in problems if p.message != heading] or [text(lang, "not_found_text")]
    html = lomake(request).pages.render("error.html", lang, heading=heading, lines=lines)
    return HTMLResponse(html, status_code=status)
