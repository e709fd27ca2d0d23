"""The JSON API: forms, submissions, prefilled drafts, and the health check."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core.errors import BadRequest, Invalid, NotFound, Problem, Unauthorized
from core.forms import Form
from core.messages import text
from core.view.catalogue import Entry, select
from submission.journey import prefilled_pointers
from submission.storage import KEY, ApiKey, IdempotencyConflict
from submission.validate import accept_partial
from web.bodies import take_data_urls
from web.limits import parse_json
from web.pages import catalogue_entries, catalogue_query
from web.state import Lomake, base_url, language, link, lomake, read_body, require_media_type

#: What an `Idempotency-Key` may be: printable ASCII, 1 to 255 characters.
IDEMPOTENCY_KEY = re.compile(r"[\x20-\x7e]{1,255}")


async def api_forms(request: Request) -> Response:
    """The catalogue as the index page shows it (`web.pages.index`): the same search and filters, in `?lang=`."""
    app, lang = lomake(request), language(request)
    query, agency, category = catalogue_query(request)
    return JSONResponse({"forms": [listed(request, app.catalog.forms[e.id], e)
                                   for e in select(catalogue_entries(app, lang), query, agency, category)]})


def listed(request: Request, form: Form, e: Entry) -> dict[str, Any]:
    """One form of the list: `id`, `title` (in the form's first language) and `version`, then the catalogue's."""
    return {
        "id": form.id, "title": form.title, "version": form.version,
        "titles": {code: form.title_in(code) for code in form.languages}, "lang": e.lang,
        "title_shown": e.title, "description": e.description, "languages": list(e.languages),
        "agency": {"id": e.agency, "name": e.agency_name},
        "category": {"id": e.category, "name": e.category_name} if e.category else None,
        "drafts": e.drafts, "attachments": e.attachments,
        "url": base_url(lomake(request).settings.public_url, request.scope) + e.path,
    }


async def api_form(request: Request) -> Response:
    form = lomake(request).form(request)
    return JSONResponse(form.document)


async def api_submit(request: Request) -> Response:
    """Send answers: anyone may; with an agency's key (then only to its own forms) the submission is attributed
    to that key. With an `Idempotency-Key`, sending the same answers again gives back the first submission."""
    app = lomake(request)
    key = await request_key(request, app) if "authorization" in request.headers else None
    form = app.form(request) if key is None else own_form(request, app, key, request.path_params["form_id"])
    lang = language(request, form.languages)
    once = idempotency_key(request, lang, key, form)
    instance = await read_json(request, app, lang)
    view = app.view(form, lang)
    if isinstance(instance, dict):
        await take_data_urls(app, view, instance)
    try:
        submission = await app.submissions.submit(form, view, instance, api_key=key.id if key else None,
                                                  idempotency_key=once)
    except IdempotencyConflict as exc:
        raise Invalid(text(lang, "idempotency_conflict")) from exc
    return JSONResponse({
        "id": submission.id,
        "reference": submission.reference,
        "received_at": submission.received_at.isoformat().replace("+00:00", "Z"),
        "receipt_url": link(request, "receipt_pdf", token=submission.receipt_token),
    }, status_code=201)


def idempotency_key(request: Request, lang: str, key: ApiKey | None, form: Form) -> str | None:
    """The request's `Idempotency-Key`, scoped to whose it is and the form: `<API key id or anonymous>:<form>:<key>`;
    400 unless it is given at most once, as 1 to 255 printable ASCII characters."""
    given = request.headers.getlist("idempotency-key")
    if not given:
        return None
    if len(given) > 1 or not IDEMPOTENCY_KEY.fullmatch(given[0]):
        raise BadRequest(text(lang, "idempotency_key_bad"))
    return f"{key.id if key else 'anonymous'}:{form.id}:{given[0]}"


async def api_draft(request: Request) -> Response:
    """Start a draft with some answers given ("ask only once"); the person continues it by its resume link,
    which works once (see `web.drafts.resume_link`). Only the form's own agency, by its API key."""
    app = lomake(request)
    form = await agency_form(request, app)
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
    await app.submissions.versions.remember(form)
    draft = await app.storage.add_draft(form.id, lang, form.meta.draft_days, given, prefilled, locked,
                                        handover=True, form_hash=form.hash)
    assert draft.handover is not None
    return JSONResponse({
        "id": draft.id,
        "resume_url": link(request, "resume_link", token=draft.handover),
        "expires_at": draft.expires_at.isoformat().replace("+00:00", "Z"),
    }, status_code=201)


async def agency_form(request: Request, app: Lomake, key: ApiKey | None = None) -> Form:
    """The form the path names, for the agency whose API key (`Authorization: Bearer <key>`) the request
    carries (`key`, if already read): 401 without a live key, 404 (as for no form at all) when the form is
    another agency's."""
    key = key or await request_key(request, app)
    return own_form(request, app, key, request.path_params["form_id"])


def own_form(request: Request, app: Lomake, key: ApiKey, form_id: str) -> Form:
    """The form `form_id` if it is the key's agency's; 404 for another agency's, as for no form at all."""
    form = app.catalog.forms.get(form_id)
    if form is None or form.agency.id != key.agency:
        raise NotFound(text(language(request), "unknown_form", form_id=form_id))
    return form


async def request_key(request: Request, app: Lomake) -> ApiKey:
    """The live agency key the request carries (`Authorization: Bearer <key>`, the scheme in any case);
    401 without one."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    secret = secret.strip()
    key = await app.storage.live_api_key(secret) if scheme.lower() == "bearer" and KEY.fullmatch(secret) else None
    if key is None:
        raise Unauthorized(text(language(request), "api_key_needed"))
    return key


async def read_json(request: Request, app: Lomake, lang: str) -> Any:
    """The request's JSON body: 415 unless it says JSON in UTF-8, 413 if too large, 400 if not well-formed."""
    require_media_type(request, "application/json", lang)
    return parse_json(await read_body(request, app.settings.max_body_bytes, lang), lang)


async def healthz(request: Request) -> Response:
    await lomake(request).storage.ping()
    return JSONResponse({"status": "ok", "forms": len(lomake(request).catalog.forms)})
