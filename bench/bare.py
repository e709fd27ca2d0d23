"""The upper limit for rendering: Starlette serving Lomake's own form page as fixed bytes.

`BARE_PAGE` names a file holding the page as Lomake rendered it (bench/run.py writes it).
Run: BARE_PAGE=page.html python -m uvicorn bare:app --app-dir bench
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PAGE = Path(os.environ["BARE_PAGE"]).read_bytes()


async def form(request: Request) -> Response:
    """The same bytes on every request: no template, no middleware, no lookups."""
    return Response(PAGE, media_type="text/html; charset=utf-8")


app = Starlette(routes=[Route("/forms/kantelu-bench", form)])
