"""The Starlette app: HTML forms, receipts and the JSON API over one catalog and one storage."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any
from urllib.parse import urlparse

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lomake.errors import (
    BadRequest,
    Forbidden,
    Invalid,
    LomakeError,
    NotFound,
    PayloadTooLarge,
    Problem,
    UnsupportedMediaType,
)
from lomake.forms import Catalog, Form, PageMeta, load_catalog
from lomake.messages import LANGUAGES, file_size, pick_language, text
from lomake.schema import holder_of, places
from lomake.settings import Settings
from lomake.timezone import local_time
from renderer.answers import answers as answers_of
from renderer.answers import show
from renderer.fields import ITEM, Field, FormView, walk
from renderer.html import Pages, _target
from renderer.pdf import receipt_pdf
from renderer.view import form_view
from submission.acting import acting
from submission.coerce import Issue, apply_action, coerce, form_values, parse_form
from submission.journey import (
    REVIEW,
    applies,
    first_unfinished,
    marked,
    merged,
    page_name,
    page_of,
    page_view,
    pages_asked,
    prefilled_pointers,
    sent_answers,
    step,
    with_locked,
)
from submission.receipt import Receipt, receipt
from submission.store import Attachment, Draft, NewSubmission, Storage, Submission, normalise_code, open_storage
from submission.uploads import data_url, data_url_name, media_type, references, safe_name, upload_issue
from submission.validate import CompiledForms, accept, accept_partial, message

log = logging.getLogger("lomake")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
#: The pages keep each option of a choice between objects under `/@<index>`; the JSON has no such level.
_PSEUDO = re.compile(r"/@\d+(?=/|$)")

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
                                 b"form-action 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


@dataclass
class Lomake:
    """What the app holds: settings, forms, storage, templates and caches derived from the forms."""

    settings: Settings
    catalog: Catalog
    storage: Storage
    pages: Pages
    compiled: CompiledForms = field(default_factory=CompiledForms)
    _views: dict[tuple[str, str, str], FormView] = field(default_factory=dict)
    _blank_pages: dict[tuple[str, str, str], bytes] = field(default_factory=dict)

    def form(self, request: Request) -> Form:
        """The form the request's path names; 404 in the request's language if there is none."""
        form_id = request.path_params["form_id"]
        form = self.catalog.forms.get(form_id)
        if form is None:
            raise NotFound(text(language(request), "unknown_form", form_id=form_id))
        return form

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


def lomake(request: Request) -> Lomake:
    state: Lomake = request.app.state.lomake
    return state


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
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != expected:
        raise UnsupportedMediaType(text(lang, "media_type", expected=expected))


async def store(app: Lomake, form: Form, instance: dict[str, Any], lang: str, draft: Draft | None = None) -> Submission:
    """Commit the accepted answers; only after this returns is anyone told they arrived."""
    new = NewSubmission(
        form_id=form.id, form_version=form.version, schema_hash=form.hash, agency=form.agency.id,
        reference_pattern=form.agency.reference, data=instance, language=lang,
        attachments=tuple(dict.fromkeys(i for _, i in references(instance))),
        draft_id=draft.id if draft else None,
        metadata={"acting": acting(form, instance), "parts": dict(form.part_versions)},
    )
    return await app.storage.add_submission(new)


# HTML pages


async def index(request: Request) -> Response:
    app, lang = lomake(request), language(request)
    html = app.pages.render("index.html", lang, forms=list(app.catalog.forms.values()), languages=LANGUAGES)
    return HTMLResponse(html)


async def accessibility(request: Request) -> Response:
    lang = language(request)
    return HTMLResponse(lomake(request).pages.render("accessibility.html", lang, languages=LANGUAGES))


async def show_form(request: Request) -> Response:
    app = lomake(request)
    form = app.form(request)
    if form.meta.pages:
        return await show_page(request)
    return Response(app.form_page(form, language(request, form.languages)), media_type="text/html; charset=utf-8")


async def submit_form(request: Request) -> Response:
    app = lomake(request)
    form = app.form(request)
    if form.meta.pages:
        return await submit_page(request)
    lang = language(request, form.languages)
    view = app.view(form, lang)
    data, upload_issues = await read_answers(request, app, view, lang)
    action = (data.pop("_action", None) or [""])[0]
    if action:  # a list's add or remove button: show the page again, changed, and keep every answer
        data = apply_action(data, action, view.fields)
        page = app.form_page(form, lang, values=data, uploaded=await kept_uploads(app, data))
        return Response(page, media_type="text/html; charset=utf-8", headers={"cache-control": "no-store"})
    instance, coerced = coerce(view.fields, data)
    try:
        accepted = accept(app.compiled, form, view, instance, [*coerced, *upload_issues])
        await claimable(app, view, accepted)
    except Invalid as invalid:
        page = app.form_page(form, lang, values=data, problems=invalid.problems,
                             uploaded=await kept_uploads(app, data))
        return Response(page, status_code=422, media_type="text/html; charset=utf-8",
                        headers={"cache-control": "no-store"})
    submission = await store(app, form, accepted, lang)
    return RedirectResponse(f"/receipts/{submission.receipt_token}", status_code=303)


async def read_answers(
    request: Request, app: Lomake, view: FormView, lang: str
) -> tuple[dict[str, list[str]], list[Issue]]:
    """A posted form page: its fields as strings, and what went wrong with its files."""
    files = [f for f in walk(view.fields) if f.kind == "file"]
    if files and request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await read_multipart(request, app, files, lang)
    require_media_type(request, "application/x-www-form-urlencoded", lang)
    body = await read_body(request, app.settings.max_body_bytes, lang)
    try:
        return parse_form(body), []
    except ValueError as exc:
        raise BadRequest(text(lang, "bad_form_body")) from exc


async def read_multipart(
    request: Request, app: Lomake, files: list[Field], lang: str
) -> tuple[dict[str, list[str]], list[Issue]]:
    """A multipart form: its fields as strings, and each uploaded file checked and kept as an attachment."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > app.settings.max_upload_bytes:
        raise PayloadTooLarge(text(lang, "too_large", n=app.settings.max_upload_bytes))
    try:
        posted = await request.form(max_files=50, max_fields=5000, max_part_size=app.settings.max_body_bytes)
    except HTTPException as exc:
        raise BadRequest(text(lang, "bad_form_body")) from exc
    data: dict[str, list[str]] = {}
    issues: list[Issue] = []
    by_name = {f.name: f for f in files}
    try:
        for name, value in posted.multi_items():
            if isinstance(value, str):
                data.setdefault(name, []).append(value)
                continue
            f = by_name.get(name) or by_name.get(ITEM.sub("/-", name))  # a file in a list's item
            if f is None or not value.filename:
                continue
            content = await value.read(f.max_bytes + 1)
            media = media_type(value.filename, value.content_type, content)
            issue = upload_issue(f, value.filename, media, len(content))
            if issue is not None:
                issues.append(issue)
                continue
            kept = await run_in_threadpool(app.storage.add_attachment, safe_name(value.filename), media, content)
            earlier = data.get(f"{name}[kept]", []) if f.json_type == "array" else []
            data[f"{name}[kept]"] = [*earlier, kept.id]
    finally:
        await posted.close()
    return data, issues


async def claimable(app: Lomake, view: FormView, answers: dict[str, Any]) -> None:
    """Raise `Invalid` if the answers refer to an attachment that is not there to claim."""
    refs = list(references(answers))
    if not refs:
        return
    found = {a.id for a in await run_in_threadpool(app.storage.attachments, [i for _, i in refs])}
    problems = [Problem(at, message(view.lang, Issue(at, "file_gone"), view.field_at(at)))
                for at, i in refs if i not in found]
    if problems:
        raise Invalid(problems[0].message, problems)


async def take_data_urls(app: Lomake, view: FormView, instance: dict[str, Any]) -> None:
    """Files sent through the API as data URLs become attachments, referred to like uploads."""
    issues: list[Issue] = []
    files_at = [(replace(f, pointer=at), at) for f in walk(view.fields) if f.kind == "file"
                for at in places(f.pointer, instance)]
    for f, at in files_at:
        holder, key = holder_of(instance, at)
        if holder is None or key not in holder:
            continue
        value = holder[key]
        files = value if isinstance(value, list) else [value]
        refs = []
        for item in files:
            decoded = data_url(item) if isinstance(item, str) else None
            if decoded is None:
                refs.append(item)
                continue
            name = data_url_name(item, decoded[0])
            media = media_type(name, decoded[0], decoded[1])
            issue = upload_issue(f, name, media, len(decoded[1]))
            if issue is not None:
                issues.append(issue)
                continue
            kept = await run_in_threadpool(app.storage.add_attachment, name, media, decoded[1])
            refs.append(kept.reference)
        holder[key] = refs if isinstance(value, list) else refs[0] if refs else value
    if issues:
        problems = [Problem(i.pointer, message(view.lang, i, view.field_at(i.pointer))) for i in issues]
        raise Invalid(problems[0].message, problems)


async def kept_uploads(app: Lomake, data: Mapping[str, list[str]]) -> dict[str, Attachment]:
    """The attachments a re-shown page names as already uploaded, so that it can say so."""
    ids = [i for name, values in data.items() if name.endswith("[kept]") for i in values]
    return {a.id: a for a in await run_in_threadpool(app.storage.attachments, ids)}


async def find_submission(request: Request) -> tuple[Lomake, Form, Submission, str]:
    app, token = lomake(request), request.path_params["token"]
    lang = language(request)
    submission = await run_in_threadpool(app.storage.submission_by_receipt, token) if _TOKEN.fullmatch(token) else None
    if submission is None or submission.form_id not in app.catalog.forms:
        raise NotFound(text(lang, "not_found"))
    form = app.catalog.forms[submission.form_id]
    wanted = request.query_params.get("lang")
    return app, form, submission, wanted if wanted in form.languages else submission.language


async def receipt_of(app: Lomake, form: Form, submission: Submission, lang: str) -> Receipt:
    ids = list(dict.fromkeys(i for _, i in references(submission.data)))
    attachments = await run_in_threadpool(app.storage.attachments, ids, submission.id)
    return receipt(form, app.view(form, lang), submission, attachments)


async def confirmation(request: Request) -> Response:
    app, form, submission, lang = await find_submission(request)
    shown = await receipt_of(app, form, submission, lang)
    html = app.pages.render(
        "confirmation.html", lang, receipt=shown, pdf_url=f"/receipts/{submission.receipt_token}.pdf?lang={lang}",
        service_name=shown.agency, languages=form.languages, theme=form.agency.id if form.agency.theme else None,
    )
    return HTMLResponse(html, headers={"cache-control": "no-store"})


async def receipt_pdf_file(request: Request) -> Response:
    app, form, submission, lang = await find_submission(request)
    pdf = await run_in_threadpool(receipt_pdf, app.pages, await receipt_of(app, form, submission, lang))
    name = re.sub(r"[^A-Za-z0-9_-]", "-", submission.reference)
    return Response(pdf, media_type="application/pdf", headers={
        "cache-control": "no-store", "content-disposition": f'inline; filename="receipt-{name}.pdf"'})


# Long forms: pages, the review, drafts


DRAFT_COOKIE = "lomake_draft"
#: From this long before a draft expires, its pages offer to keep it longer.
WARN_BEFORE = dt.timedelta(days=1)


def page_url(form: Form, page_id: str, lang: str, back_to_review: bool = False) -> str:
    where = "review" if page_id == REVIEW else f"pages/{page_id}"
    return f"/forms/{form.id}/{where}?lang={lang}" + ("&return=review" if back_to_review else "")


async def current_draft(request: Request, app: Lomake, form: Form) -> Draft | None:
    """The live draft of this form that the request's cookie names."""
    token = request.cookies.get(DRAFT_COOKIE, "")
    if not _TOKEN.fullmatch(token):
        return None
    draft = await run_in_threadpool(app.storage.draft, token)
    return draft if draft is not None and draft.form_id == form.id else None


def with_cookie(response: Response, request: Request, draft: Draft) -> Response:
    """The draft's token in an HttpOnly, SameSite cookie for this form's pages only, until the draft expires."""
    seconds = int((draft.expires_at - dt.datetime.now(dt.UTC)).total_seconds())
    response.set_cookie(DRAFT_COOKIE, draft.token, max_age=max(seconds, 0), path=f"/forms/{draft.form_id}",
                        secure=request.url.scheme == "https", httponly=True, samesite="lax")
    return response


def page_meta(form: Form, page_id: str) -> PageMeta:
    page = next((p for p in form.meta.pages if p.id == page_id), None)
    if page is None:
        raise NotFound(text(form.languages[0], "not_found"))
    return page


def asked_view(app: Lomake, form: Form, lang: str, properties: tuple[str, ...], draft: Draft | None) -> FormView:
    """What one page (or the review) asks, with prefilled answers marked and locked ones shown as text."""
    answers = draft.data if draft else {}
    view = page_view(app.view(form, lang), properties, answers)
    if draft is None or not draft.prefilled:
        return view
    fields = marked(view.fields, draft.prefilled, draft.locked, text(lang, "prefilled"),
                    text(lang, "prefilled_locked"), partial(show, lang=lang))
    return replace(view, fields=fields)


def journey(app: Lomake, form: Form, lang: str, page_id: str, draft: Draft | None, back_to_review: bool,
            heading: str) -> dict[str, Any]:
    """What a page of a long form shows besides its questions: the step, the way back, the draft's expiry."""
    answers = draft.data if draft else {}
    where = step(form.meta, page_id, answers)
    now = dt.datetime.now(dt.UTC)
    back = REVIEW if back_to_review else where.previous
    return {
        "heading": heading, "number": where.number, "count": where.count,
        "back": page_url(form, back, lang) if back else None,
        "csrf": draft.csrf if draft else "", "back_to_review": back_to_review,
        "expires": local_time(draft.expires_at, lang) if draft else "",
        "expires_at": draft.expires_at.isoformat() if draft else "",
        "expiring": bool(draft and draft.expires_at - now < WARN_BEFORE), "days": form.meta.draft_days,
        "extend_url": f"/forms/{form.id}/extend?lang={lang}", "here": page_url(form, page_id, lang, back_to_review),
    }


def page_title(form: Form, page: PageMeta, lang: str) -> str:
    """A page's title in `lang`."""
    catalog = form.translations.get(lang) or {}
    return catalog.get(page.title) or page.title


async def show_page(request: Request) -> Response:
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    draft = await current_draft(request, app, form)
    if draft is not None and draft.sent_receipt:
        draft = None  # sent: the form starts again
    answers = draft.data if draft else {}
    page_id = request.path_params.get("page") or first_unfinished(form.meta, answers, ())
    if page_id == REVIEW:
        return RedirectResponse(page_url(form, REVIEW, lang), status_code=303)
    page = page_meta(form, page_id)
    if not applies(page, answers):
        return RedirectResponse(page_url(form, first_unfinished(form.meta, answers, draft.done if draft else ()),
                                          lang), status_code=303)
    view = asked_view(app, form, lang, page.properties, draft)
    return render_page(app, form, lang, page, view, draft, request.query_params.get("return") == REVIEW,
                       form_values(view.fields, answers))


def render_page(app: Lomake, form: Form, lang: str, page: PageMeta, view: FormView, draft: Draft | None,
                back_to_review: bool, values: Mapping[str, Any], problems: list[Problem] | None = None,
                uploaded: Mapping[str, Attachment] | None = None, status: int = 200) -> Response:
    context = journey(app, form, lang, page.id, draft, back_to_review, page_title(form, page, lang))
    if context["number"] > 1:
        view = replace(view, description="")
    html = app.pages.form_page(
        view, action=page_url(form, page.id, lang), service_name=form.agency.display_name(lang),
        languages=form.languages, theme=form.agency.id if form.agency.theme else None, values=values,
        problems=problems or [], uploaded=uploaded or {}, journey=context,
    )
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


async def submit_page(request: Request) -> Response:
    """One page sent: list buttons show it again, "save" keeps it for later, "continue" checks it and moves on."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    page = page_meta(form, request.path_params.get("page") or form.meta.pages[0].id)
    draft = await current_draft(request, app, form)
    if draft is not None and draft.sent_receipt:
        draft = None
    view = asked_view(app, form, lang, page.properties, draft)
    data, upload_issues = await read_answers(request, app, view, lang)
    sent_csrf = (data.pop("_csrf", None) or [""])[0]
    if draft is not None and not secrets.compare_digest(sent_csrf, draft.csrf):
        raise Forbidden(text(lang, "stale_page"))
    action = (data.pop("_action", None) or [""])[0]
    back_to_review = (data.pop("_return", None) or [""])[0] == REVIEW
    answers = draft.data if draft else {}
    if action not in ("", "save"):
        data = apply_action(data, action, view.fields)
        return render_page(app, form, lang, page, view, draft, back_to_review, data,
                           uploaded=await kept_uploads(app, data))
    others = {k: v for k, v in answers.items() if k not in page.properties}
    instance, coerced = coerce(view.fields, data, base=others)
    answers = with_locked(merged(answers, page.properties, instance), draft.prefilled if draft else {},
                          draft.locked if draft else ())
    if draft is None:
        draft = await run_in_threadpool(app.storage.add_draft, form.id, lang, form.meta.draft_days, {})
    done = tuple(d for d in draft.done if d != page.id)
    if action == "save":
        draft = await run_in_threadpool(app.storage.save_draft, draft, answers, done, True)
        return with_cookie(RedirectResponse(f"/forms/{form.id}/saved?lang={lang}", status_code=303), request, draft)
    candidate = copy.deepcopy(sent_answers(form.meta, app.view(form, lang), answers))
    try:
        accept(app.compiled, form, app.view(form, lang), candidate, [*coerced, *upload_issues])
        problems: list[Problem] = []
    except Invalid as invalid:
        problems = [p for p in invalid.problems if page_name(p.pointer) in page.properties]
    answers = {**answers, **{k: candidate[k] for k in page.properties if k in candidate}}
    if problems:
        draft = await run_in_threadpool(app.storage.save_draft, draft, answers, done)
        response = render_page(app, form, lang, page, view, draft, back_to_review, data, problems,
                               await kept_uploads(app, data), status=422)
        return with_cookie(response, request, draft)
    done = (*done, page.id)
    draft = await run_in_threadpool(app.storage.save_draft, draft, answers, done)
    following = first_unfinished(form.meta, answers, done) if back_to_review else step(
        form.meta, page.id, answers).following
    return with_cookie(RedirectResponse(page_url(form, following, lang), status_code=303), request, draft)


def review_sections(app: Lomake, form: Form, lang: str, draft: Draft, files: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each page asked, with its answers and where to change them."""
    full = app.view(form, lang)
    sections = []
    for page in pages_asked(form.meta, draft.data):
        view = page_view(full, page.properties, draft.data)
        sections.append({
            "title": page_title(form, page, lang), "url": page_url(form, page.id, lang, back_to_review=True),
            "answers": answers_of(view.fields, draft.data, lang, files),
        })
    return sections


async def review_page(app: Lomake, form: Form, lang: str, draft: Draft, values: Mapping[str, Any] | None = None,
                      problems: list[Problem] | None = None, status: int = 200) -> Response:
    refs = [i for _, i in references(draft.data)]
    files = {a.reference: f"{a.name} ({file_size(a.size, lang)})"
             for a in await run_in_threadpool(app.storage.attachments, refs)}
    view = asked_view(app, form, lang, form.meta.review, draft)
    shown = problems or []
    summary = [(page_url(form, page_of(form.meta, p.pointer), lang, back_to_review=True)
                if page_of(form.meta, p.pointer) != REVIEW else _target(view, p.pointer), p.message) for p in shown]
    html = app.pages.render(
        "review.html", lang, view=view, sections=review_sections(app, form, lang, draft, files),
        journey=journey(app, form, lang, REVIEW, draft, False, text(lang, "review_title")),
        action=page_url(form, REVIEW, lang), values=values if values is not None else form_values(
            view.fields, draft.data), summary=summary, errors={p.pointer: p.message for p in shown}, uploaded={},
        service_name=form.agency.display_name(lang), languages=form.languages,
        theme=form.agency.id if form.agency.theme else None, form_title=form.in_language(lang).title,
    )
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


async def show_review(request: Request) -> Response:
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    draft = await current_draft(request, app, form)
    if draft is None or not form.meta.pages:
        raise NotFound(text(lang, "draft_gone"))
    if draft.sent_receipt:
        return RedirectResponse(f"/receipts/{draft.sent_receipt}?lang={lang}", status_code=303)
    unfinished = first_unfinished(form.meta, draft.data, draft.done)
    if unfinished != REVIEW:
        return RedirectResponse(page_url(form, unfinished, lang), status_code=303)
    return await review_page(app, form, lang, draft)


async def submit_review(request: Request) -> Response:
    """The final send: at most once per draft, however often it is pressed."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    draft = await current_draft(request, app, form)
    if draft is None or not form.meta.pages:
        raise NotFound(text(lang, "draft_gone"))
    view = asked_view(app, form, lang, form.meta.review, draft)
    data, _ = await read_answers(request, app, view, lang)
    if not secrets.compare_digest((data.pop("_csrf", None) or [""])[0], draft.csrf):
        raise Forbidden(text(lang, "stale_page"))
    if draft.sent_receipt:
        return RedirectResponse(f"/receipts/{draft.sent_receipt}?lang={lang}", status_code=303)
    instance, coerced = coerce(view.fields, data)
    answers = merged(draft.data, form.meta.review, instance)
    unfinished = first_unfinished(form.meta, answers, draft.done)
    if unfinished != REVIEW:
        return RedirectResponse(page_url(form, unfinished, lang), status_code=303)
    try:
        full = app.view(form, lang)
        accepted = accept(app.compiled, form, full, copy.deepcopy(sent_answers(form.meta, full, answers)), coerced)
        await claimable(app, full, accepted)
    except Invalid as invalid:
        draft = await run_in_threadpool(app.storage.save_draft, draft, answers, draft.done)
        return await review_page(app, form, lang, draft, data, invalid.problems, status=422)
    submission = await store(app, form, accepted, lang, draft)
    return RedirectResponse(f"/receipts/{submission.receipt_token}?lang={lang}", status_code=303)


async def extend_draft(request: Request) -> Response:
    """Keep the draft `draft_days` longer (WCAG 2.2.1), then back to the page the person was on."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    draft = await current_draft(request, app, form)
    data = parse_form(await read_body(request, app.settings.max_body_bytes, lang))
    if draft is None or draft.sent_receipt:
        raise NotFound(text(lang, "draft_gone"))
    if not secrets.compare_digest((data.get("_csrf") or [""])[0], draft.csrf):
        raise Forbidden(text(lang, "stale_page"))
    back = (data.get("_back") or [""])[0]
    if not back.startswith(f"/forms/{form.id}/"):
        back = page_url(form, first_unfinished(form.meta, draft.data, draft.done), lang)
    draft = await run_in_threadpool(app.storage.save_draft, draft, draft.data, draft.done)
    return with_cookie(RedirectResponse(back, status_code=303), request, draft)


async def saved(request: Request) -> Response:
    """After "save and continue later": the resume link, the resume code and the expiry."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    draft = await current_draft(request, app, form)
    if draft is None or draft.sent_receipt or draft.code is None:
        raise NotFound(text(lang, "draft_gone"))
    html = app.pages.render(
        "saved.html", lang, form_title=form.in_language(lang).title, code=draft.code,
        link=str(request.url_for("resume_link", token=draft.token)), expires=local_time(draft.expires_at, lang),
        resume_url=str(request.url_for("resume")), here=page_url(
            form, first_unfinished(form.meta, draft.data, draft.done), lang),
        service_name=form.agency.display_name(lang), languages=form.languages,
        theme=form.agency.id if form.agency.theme else None,
    )
    return HTMLResponse(html, headers={"cache-control": "no-store"})


def resumed(request: Request, app: Lomake, draft: Draft) -> Response:
    """Into the draft: its cookie set, on to its first unfinished page (or the receipt, if it was sent)."""
    form = app.catalog.forms.get(draft.form_id)
    if form is None:
        raise NotFound(text(language(request), "draft_gone"))
    if draft.sent_receipt:
        return RedirectResponse(f"/receipts/{draft.sent_receipt}", status_code=303)
    wanted = request.query_params.get("lang", "")
    lang = wanted if wanted in form.languages else draft.language
    where = page_url(form, first_unfinished(form.meta, draft.data, draft.done), lang)
    return with_cookie(RedirectResponse(where, status_code=303), request, draft)


async def resume_link(request: Request) -> Response:
    app, token = lomake(request), request.path_params["token"]
    draft = await run_in_threadpool(app.storage.draft, token) if _TOKEN.fullmatch(token) else None
    if draft is None:
        raise NotFound(text(language(request), "draft_gone"))
    return resumed(request, app, draft)


async def resume(request: Request) -> Response:
    """Continue a draft by its resume code: the page staff at a service point type it into."""
    app, lang = lomake(request), language(request)
    problems: list[Problem] = []
    typed = ""
    if request.method == "POST":
        require_media_type(request, "application/x-www-form-urlencoded", lang)
        typed = (parse_form(await read_body(request, 10_000, lang)).get("code") or [""])[0]
        code = normalise_code(typed)
        draft = await run_in_threadpool(app.storage.draft_by_code, code) if len(code) == 14 else None
        if draft is not None:
            return resumed(request, app, draft)
        problems = [Problem("/code", text(lang, "resume_code_wrong"))]
    html = app.pages.render("resume.html", lang, typed=typed, problems=problems, languages=LANGUAGES)
    return HTMLResponse(html, status_code=422 if problems else 200, headers={"cache-control": "no-store"})


# JSON API


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
    require_media_type(request, "application/json", lang)
    body = await read_body(request, app.settings.max_body_bytes, lang)
    try:
        instance = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(text(lang, "malformed_json", detail=str(exc)[:200])) from exc
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
    if not form.meta.pages:
        raise Invalid(text(lang, "not_paged"))
    require_media_type(request, "application/json", lang)
    body = await read_body(request, app.settings.max_body_bytes, lang)
    try:
        instance = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(text(lang, "malformed_json", detail=str(exc)[:200])) from exc
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


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


async def theme(request: Request) -> Response:
    agency = lomake(request).catalog.agencies.get(request.path_params["agency"])
    if agency is None or not agency.theme:
        raise NotFound(text(language(request), "not_found"))
    return Response(agency.style_sheet(), media_type="text/css", headers={"cache-control": "public, max-age=300"})


async def healthz(request: Request) -> Response:
    await run_in_threadpool(lomake(request).storage.ping)
    return JSONResponse({"status": "ok", "forms": len(lomake(request).catalog.forms)})


# Errors: one JSON shape for the API, one page for people


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def lomake_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LomakeError)
    return error_response(request, exc.status, exc.problems)


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


# Middleware


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


def create_app(settings: Settings, storage: Storage | None = None) -> Starlette:
    """The Lomake app for `settings`; a broken form file is logged and the others are served."""
    catalog = load_catalog(settings.schemas_dir)
    for problem in catalog.problems:
        (log.warning if problem.warning else log.error)("%s", problem)
    state = Lomake(settings, catalog, storage or open_storage(settings.db_url), Pages(settings.template_dirs))

    async def purge_now_and_then() -> None:
        while True:
            await run_in_threadpool(state.storage.purge)
            await asyncio.sleep(settings.purge_every)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        purging = asyncio.create_task(purge_now_and_then())
        yield
        purging.cancel()
        state.storage.close()

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        LomakeError: lomake_error, HTTPException: http_error,
    }
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/accessibility", accessibility),
            Route("/forms/{form_id}", show_form, methods=["GET"]),
            Route("/forms/{form_id}", submit_form, methods=["POST"]),
            Route("/forms/{form_id}/pages/{page}", show_page, methods=["GET"]),
            Route("/forms/{form_id}/pages/{page}", submit_page, methods=["POST"]),
            Route("/forms/{form_id}/review", show_review, methods=["GET"]),
            Route("/forms/{form_id}/review", submit_review, methods=["POST"]),
            Route("/forms/{form_id}/saved", saved),
            Route("/forms/{form_id}/extend", extend_draft, methods=["POST"]),
            Route("/drafts/{token}", resume_link, name="resume_link"),
            Route("/resume", resume, methods=["GET", "POST"], name="resume"),
            Route("/receipts/{token}.pdf", receipt_pdf_file, name="receipt_pdf"),
            Route("/receipts/{token}", confirmation),
            Route("/api/v1/forms", api_forms),
            Route("/api/v1/forms/{form_id}", api_form),
            Route("/api/v1/forms/{form_id}/submissions", api_submit, methods=["POST"]),
            Route("/api/v1/forms/{form_id}/drafts", api_draft, methods=["POST"]),
            Route("/healthz", healthz),
            Route("/themes/{agency}.css", theme),
            Mount("/static", StaticFiles(packages=[("renderer", "static")]), name="static"),
        ],
        exception_handlers=handlers,
        lifespan=lifespan,
    )
    app.state.lomake = state
    app.add_middleware(CrossOriginProtection)
    app.add_middleware(SecurityHeaders)
    return app
