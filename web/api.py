"""The JSON API: forms, submissions, prefilled drafts, and the health check."""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from lomake.errors import BadRequest, Invalid, Problem
from lomake.messages import text
from submission.journey import prefilled_pointers
from submission.validate import accept, accept_partial
from web.bodies import claimable, take_data_urls
from web.state import Lomake, language, lomake, read_body, require_media_type, store


async def api_forms(request: Request) -> Response:
    forms = lomake(request).catalog.forms.values()
    return JSONResponse({"forms": [{"id": f.id, "title": f.title, "version": f.version} for f in forms]})


async def api_form(request: Request) -> Response:
    form = lomake(request).form(request)
    return JSONResponse(form.document)


async def api_submit(request: Request) -> Response:
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    instance = await read_json(request, app, lang)
    view = app.view(form, lang)
    if isinstance(instance, dict):
        await take_data_urls(app, view, instance)
    accepted = accept(app.compiled, form, view, instance)
    await claimable(app, view, accepted)
    submission = await store(app, form, accepted, lang)
    return JSONResponse({
        "id": submission.id,
        "reference": submission.reference,
        "received_at": submission.received_at.isoformat().replace("+00:00", "Z"),
        "receipt_url": str(request.url_for("receipt_pdf", token=submission.receipt_token)),
    }, status_code=201)


async def api_draft(request: Request) -> Response:
    """Start a draft with some answers given ("ask only once"); the person continues it by its resume link."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    instance = await read_json(request, app, lang)
    view = app.view(form, lang)
    if isinstance(instance, dict):
        refused = [Problem(f"/{name}", text(lang, "no_prefill_here", pointer=f"/{name}"))
                   for name in form.meta.review if name in instance]
        if refused:
            raise Invalid(refused[0].message, refused)
        await take_data_urls(app, view, instance)
    given = accept_partial(app.compiled, form, view, instance)
    prefilled = prefilled_pointers(given)
    locked = tuple(p for p in form.meta.prefill_read_only if p in prefilled)
    draft = await run_in_threadpool(app.storage.add_draft, form.id, lang, form.meta.draft_days, given, prefilled,
                                    locked)
    return JSONResponse({
        "id": draft.id,
        "resume_url": str(request.url_for("resume_link", token=draft.token)),
        "expires_at": draft.expires_at.isoformat().replace("+00:00", "Z"),
    }, status_code=201)


async def read_json(request: Request, app: Lomake, lang: str) -> Any:
    """The request's JSON body: 415 unless it says JSON, 413 if too large, 400 if not well-formed."""
    require_media_type(request, "application/json", lang)
    body = await read_body(request, app.settings.max_body_bytes, lang)
    try:
        return json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(text(lang, "malformed_json", detail=str(exc)[:200])) from exc


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


async def healthz(request: Request) -> Response:
    await run_in_threadpool(lomake(request).storage.ping)
    return JSONResponse({"status": "ok", "forms": len(lomake(request).catalog.forms)})
