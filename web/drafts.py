"""Forms in the browser as a journey: one page at a time, the review, and drafts kept on the server.

A form without pages is filled in on one page (`ONE_PAGE`, at the form's own address); it goes
this way once it has a draft or a review, and is sent from its page when it has no review.

The draft is named by an HttpOnly, SameSite cookie scoped to the form's pages; every POST of a
draft also carries the draft's own random token (CSRF). The final send happens once per draft.
A draft made for someone through the API is handed over by a link that works once: opening it
moves the draft to a fresh token that only that browser (and the person's own saved link) has.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from core.errors import Forbidden, Gone, Invalid, NotFound, Problem
from core.formats import moment_shown
from core.forms import ONE_PAGE, Form, PageMeta
from core.messages import LANGUAGES, file_size, text
from core.view.build import statement_url
from core.view.fields import FormView
from renderer.answers import Group, show
from renderer.html import error_target
from renderer.receipt import page_title, sections
from submission.coerce import Issue, apply_action, coerce, form_values
from submission.journey import (
    REVIEW,
    applies,
    first_unfinished,
    marked,
    merged,
    page_name,
    page_of,
    page_view,
    reviewed,
    sent_answers,
    step,
    task_listed,
    task_status,
    with_locked,
)
from submission.same_as import filled_in, noted, source_label
from submission.storage import Attachment, Draft, Refusal, normalise_code
from submission.uploads import references
from submission.validate import accept
from web.bodies import kept_uploads, read_answers, read_form, within_draft_limit
from web.history import refusal, refused_on, sent_response
from web.security import same_token
from web.state import TOKEN, Lomake, base_url, language, link, lomake

DRAFT_COOKIE = "lomake_draft"
#: From this long before a draft expires, its pages offer to keep it longer.


WARN_BEFORE = dt.timedelta(days=1)
#: How long a one-page form's draft that only holds a refused send is kept: the person did not ask to keep
#: it, and on a shared computer the next person opens the same form (saving it for later keeps it `draft_days`).
REFUSAL_DAYS = 1


#: The query parameter of a page's address after a post of it that was not taken (`shown_again`): show that post,
#: as the draft keeps it (the review: a send that did not go, and its problems).
CHECKED = "checked"


def page_url(form: Form, page_id: str, lang: str, back_to_review: bool = False) -> str:
    where = "/review" if page_id == REVIEW else "" if form.meta.one_page else f"/pages/{page_id}"
    return f"/forms/{form.id}{where}?lang={lang}" + ("&return=review" if back_to_review else "")


async def current_draft(request: Request, app: Lomake, form: Form) -> Draft | None:
    """The live draft of this form that the request's cookie names."""
    token = request.cookies.get(DRAFT_COOKIE, "")
    if not TOKEN.fullmatch(token):
        return None
    draft = await app.storage.draft(token)
    return draft if draft is not None and draft.form_id == form.id else None


async def start_draft(app: Lomake, form: Form, lang: str, days: int | None = None) -> Draft:
    """A new, empty draft, on the form's version as it is now (kept, so the draft can be finished on it), kept
    `days` (the form's `draft_days` unless said)."""
    await app.submissions.versions.remember(form)
    return await app.storage.add_draft(form.id, lang, days or form.meta.draft_days, {}, form_hash=form.hash)


def kept_for_days(form: Form, draft: Draft) -> Draft:
    """The draft, kept the form's `draft_days` from its next save on: what a person asks by saving it for later or
    keeping it longer (a one-page form's draft that only holds a refusal lives `REFUSAL_DAYS`)."""
    return replace(draft, days=form.meta.draft_days)


async def drafted(request: Request, app: Lomake, form: Form) -> tuple[Form, Draft | None, bool]:
    """The live draft of this form that the cookie names, the form as the draft goes on (see `on_version`), and
    whether the draft was just moved to the form's new version."""
    draft = await current_draft(request, app, form)
    if draft is None or draft.sent_receipt or draft.form_hash in (None, form.hash):
        return form, draft, False
    return await on_version(app, form, draft)


async def on_version(app: Lomake, form: Form, draft: Draft) -> tuple[Form, Draft, bool]:
    """A draft started on an older version of the form: moved to the form as it is now when its answers still
    pass, on the new version, every page they passed (the pages are checked as `pass_page` checks them), or
    when its version was never kept; otherwise finished on the version it was started on, as long as it lives."""
    started_on = await app.submissions.versions.form(form, draft.form_hash)
    if started_on is not form and not still_passes(app, form, draft):
        return started_on, draft, False
    done = tuple(page.id for page in form.meta.pages if page.id in draft.done)
    moved = await app.storage.save_draft(replace(draft, form_hash=form.hash), draft.data, done)
    return form, moved, True


def still_passes(app: Lomake, form: Form, draft: Draft) -> bool:
    """Whether the draft's answers raise no problem on the pages of `form` that the draft passed."""
    lang = form.shown_language(draft.language)
    view = app.view(form, lang)
    try:
        accept(app.compiled, form, view, copy.deepcopy(sent_answers(form.meta, view, draft.data)), [])
    except Invalid as invalid:
        passed = {name for page in form.meta.pages if page.id in draft.done for name in page.properties}
        return not any(page_name(p.pointer) in passed for p in invalid.problems)
    return True


def with_cookie(response: Response, request: Request, draft: Draft) -> Response:
    """The draft's token in an HttpOnly, SameSite cookie for this form's pages only, until the draft expires."""
    seconds = int((draft.expires_at - dt.datetime.now(dt.UTC)).total_seconds())
    public = base_url(lomake(request).settings.public_url, request.scope)
    secure = request.url.scheme == "https" or public.startswith("https:")
    response.set_cookie(DRAFT_COOKIE, draft.token, max_age=max(seconds, 0), path=f"/forms/{draft.form_id}",
                        secure=secure, httponly=True, samesite="lax")
    return response


def page_meta(form: Form, page_id: str) -> PageMeta:
    page = next((p for p in form.meta.pages if p.id == page_id), None)
    if page is None:
        raise NotFound(text(form.languages[0], "not_found"))
    return page


def page_asks(form: Form, page: PageMeta) -> tuple[str, ...] | None:
    """The properties a page asks; None: the whole form (a one-page form without a review), also what no property
    names (a form that is name/value rows, or a choice, at its root)."""
    return None if page.id == ONE_PAGE and not form.meta.review else page.properties


def asked_view(app: Lomake, form: Form, lang: str, properties: tuple[str, ...] | None,
               draft: Draft | None) -> FormView:
    """What one page (or the review; None: the whole form) asks, with prefilled answers marked and locked ones
    shown as text."""
    answers = draft.data if draft else {}
    whole = app.view(form, lang)
    view = whole if properties is None else page_view(whole, properties, answers)
    if draft is None or not draft.prefilled:
        return view
    fields = marked(view.fields, draft.prefilled, draft.locked, text(lang, "prefilled"),
                    text(lang, "prefilled_locked"), partial(show, lang=lang))
    return replace(view, fields=fields)


def answers_shown(app: Lomake, form: Form, lang: str, view: FormView,
                  draft: Draft | None) -> tuple[FormView, dict[str, Any]]:
    """The draft's answers as a page (or the review) shows them: those still unanswered that `same_as` fills in
    with an earlier answer filled in, their hint saying from where (ask only once)."""
    answers = draft.data if draft else {}
    if not form.meta.same_as:
        return view, answers
    whole = app.view(form, lang)
    filled, came = filled_in(form.meta, whole, answers, draft.done if draft else ())
    fields = noted(view.fields, came, lambda source: text(lang, "same_as_filled", question=source_label(whole, source)))
    return replace(view, fields=fields), filled


def journey(app: Lomake, form: Form, lang: str, page_id: str, draft: Draft | None, back_to_review: bool,
            heading: str, changed: bool = False) -> dict[str, Any]:
    """What a page of a long form shows besides its questions: the step, the way back, the draft's expiry, and
    whether the draft was just moved to a new version of the form (`changed`)."""
    answers = draft.data if draft else {}
    where = step(form.meta, page_id, answers)
    now = dt.datetime.now(dt.UTC)
    back = REVIEW if back_to_review else where.previous
    return {
        "heading": heading, "number": where.number, "count": where.count,
        "non_public": any(page.id == page_id and not page.public for page in form.meta.pages),
        "back": page_url(form, back, lang) if back else start_url(form, lang),
        "csrf": draft.csrf if draft else "", "back_to_review": back_to_review,
        "expires": moment_shown(draft.expires_at, lang, seconds=False) if draft else "",
        "expires_at": draft.expires_at.isoformat() if draft else "",
        "expiring": bool(draft and draft.expires_at - now < min(WARN_BEFORE, dt.timedelta(days=draft.days) / 4)),
        "days": form.meta.draft_days,
        "extend_url": f"/forms/{form.id}/extend?lang={lang}", "here": page_url(form, page_id, lang, back_to_review),
        "one_page": form.meta.one_page, "sends": not reviewed(form.meta),
        "tasks_url": f"/forms/{form.id}/tasks?lang={lang}" if task_listed(form.meta) else None,
        "changed": changed,
    }


async def show_page(request: Request) -> Response:
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    form, draft, changed = await drafted(request, app, form)
    if draft is not None and draft.sent_receipt:
        draft = None  # sent: the form starts again
    answers = draft.data if draft else {}
    if start_url(form, lang) and "page" not in request.path_params:
        return start_page(app, form, lang, draft, changed)
    page_id = request.path_params.get("page") or first_unfinished(form.meta, answers, ())
    if page_id == REVIEW:
        return RedirectResponse(page_url(form, REVIEW, lang), status_code=303)
    page = page_meta(form, page_id)
    if not applies(page, answers):
        return RedirectResponse(page_url(form, first_unfinished(form.meta, answers, draft.done if draft else ()),
                                          lang), status_code=303)
    view = asked_view(app, form, lang, page_asks(form, page), draft)
    # At the address a page post not taken was sent to (`shown_again`): that post, as typed.
    refused = refused_on(draft, page.id) if request.query_params.get(CHECKED) else None
    if refused is None:
        view, answers = answers_shown(app, form, lang, view, draft)
    values = refused.values if refused else form_values(view.fields, answers)
    uploaded = await kept_uploads(app, values, draft.id) if draft else {}
    return render_page(app, form, lang, page, view, draft, request.query_params.get("return") == REVIEW, values,
                       uploaded, changed, refused)


def start_url(form: Form, lang: str) -> str | None:
    """The address of the form's start page, if it has one: the way back from its first page."""
    return f"/forms/{form.id}?lang={lang}" if form.meta.start is not None and not form.meta.one_page else None


def start_page(app: Lomake, form: Form, lang: str, draft: Draft | None, changed: bool) -> Response:
    """The start page (GOV.UK "start page"): what the form is for, what to have at hand, how long it takes,
    that it can be saved and continued, its deadline and who handles it; "Start now" opens the first page.
    With a draft (back from the first page, or come again), it says so and "Continue" goes on where the draft
    stands, as its resume link does."""
    start, meta = form.meta.start, form.meta
    assert start is not None
    catalog = form.translations.get(lang) or {}
    first = first_unfinished(meta, draft.data, draft.done) if draft else meta.pages[0].id
    html = app.pages.render(
        "start.html", lang, form_title=form.title_in(lang), lead=catalog.get(start.lead) or start.lead,
        you_need=[catalog.get(n) or n for n in start.you_need],
        takes=catalog.get(start.takes) or start.takes if start.takes else "",
        deadline=catalog.get(meta.deadline or "") or meta.deadline or "", draft_days=meta.draft_days,
        agency=form.agency.display_name(lang), first=page_url(form, first, lang), changed=changed,
        kept_until=moment_shown(draft.expires_at, lang, seconds=False) if draft else "",
        service_name=form.agency.display_name(lang), languages=form.languages,
        theme=form.agency.id if form.agency.theme else None, statement_url=statement_url(form),
    )
    return HTMLResponse(html, headers={"cache-control": "no-store"})


async def show_tasks(request: Request) -> Response:
    """The task list (GOV.UK "task list"): each section of a long form with its status, and the review."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    if not task_listed(form.meta):
        raise NotFound(text(lang, "not_found"))
    form, draft, _ = await drafted(request, app, form)
    if draft is not None and draft.sent_receipt:
        draft = None
    answers, done = (draft.data, draft.done) if draft else ({}, ())
    tasks = [{"title": page_title(form, page, lang), "status": task_status(page, answers, done),
              "url": page_url(form, page.id, lang)} for page in form.meta.pages]
    asked = [t for t in tasks if t["status"] != "task_not_applicable"]
    finished = sum(t["status"] == "task_done" for t in asked)
    html = app.pages.render(
        "tasks.html", lang, form_title=form.title_in(lang), tasks=tasks, done=finished, count=len(asked),
        review_url=page_url(form, REVIEW, lang) if draft and first_unfinished(
            form.meta, answers, done) == REVIEW else None,
        service_name=form.agency.display_name(lang), languages=form.languages,
        theme=form.agency.id if form.agency.theme else None, statement_url=statement_url(form),
    )
    return HTMLResponse(html, headers={"cache-control": "no-store"})


def render_page(app: Lomake, form: Form, lang: str, page: PageMeta, view: FormView, draft: Draft | None,
                back_to_review: bool, values: Mapping[str, Any], uploaded: Mapping[str, Attachment],
                changed: bool = False, refused: Refusal | None = None) -> Response:
    """A page with `values`; with `refused`, its post not taken: its problems (422), and keeping the draft longer
    comes back to it as it is."""
    context = journey(app, form, lang, page.id, draft, back_to_review, page_title(form, page, lang), changed)
    if context["number"] > 1:
        view = replace(view, description="")
    if refused is not None:
        context["here"] += f"&{CHECKED}=1"
    problems = list(refused.problems) if refused else []
    html = app.pages.form_page(
        view, action=page_url(form, page.id, lang), service_name=form.agency.display_name(lang),
        languages=form.languages, theme=form.agency.id if form.agency.theme else None, values=values,
        problems=problems, uploaded=uploaded, journey=context,
    )
    return HTMLResponse(html, status_code=422 if problems else 200, headers={"cache-control": "no-store"})


async def submit_page(request: Request) -> Response:
    """One page sent: list buttons show it again, "save" keeps it for later, "continue" checks it and moves on."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    form, found, _ = await drafted(request, app, form)
    page = page_meta(form, request.path_params.get("page") or form.meta.pages[0].id)
    known, sent = (None, found) if found is not None and found.sent_receipt else (found, None)
    asks = page_asks(form, page)
    view = asked_view(app, form, lang, asks, known)
    # The draft holds the files uploaded on its pages: it is there before the first file is kept.
    draft = known if known is not None else await start_draft(app, form, lang)
    data, upload_issues = await read_answers(request, app, view, lang, draft.id)
    sent_csrf = (data.pop("_csrf", None) or [""])[0]
    if sent is not None and same_token(sent_csrf, sent.csrf):  # a page of a sent draft, posted again
        return RedirectResponse(f"/receipts/{sent.sent_receipt}?lang={lang}", status_code=303)
    if known is not None and not same_token(sent_csrf, known.csrf):
        raise Forbidden(text(lang, "stale_page"))
    action = (data.pop("_action", None) or [""])[0]
    back_to_review = (data.pop("_return", None) or [""])[0] == REVIEW
    limit = app.settings.max_body_bytes
    if action not in ("", "save", "lang"):  # a list's add or remove button: the page again, changed
        changed = refusal(page.id, apply_action(data, action, view.fields), (), limit, lang)
        return await shown_again(request, app, form, lang, draft, draft.data, draft.done, changed, back_to_review)
    others = {} if asks is None else {k: v for k, v in draft.data.items() if k not in asks}
    instance, coerced = coerce(view.fields, data, base=others)
    answers = with_locked(instance if asks is None else merged(draft.data, asks, instance), draft.prefilled,
                          draft.locked)
    await within_draft_limit(app, answers, lang)
    if action == "save":
        return await keep_for_later(request, app, form, lang, answers, draft, page.id)
    if action == "lang":  # the same page in the language asked for, as typed (no longer passed)
        switched = refusal(page.id, data, (), limit, lang)
        done = tuple(d for d in draft.done if d != page.id)
        return await shown_again(request, app, form, lang, draft, answers, done, switched, back_to_review)
    issues = [*coerced, *upload_issues]
    if not reviewed(form.meta):
        return await send_page(request, app, form, lang, page, draft, data, answers, issues)
    return await pass_page(request, app, form, lang, page, draft, data, answers, issues, back_to_review)


async def pass_page(request: Request, app: Lomake, form: Form, lang: str, page: PageMeta, draft: Draft,
                    data: dict[str, list[str]], answers: dict[str, Any], issues: list[Issue],
                    back_to_review: bool) -> Response:
    """"Continue" on a page of a form with a review: its answers checked as the whole form will be (only the
    problems on this page count), kept in the draft, then on to the next page, or this one again (its refusal)."""
    done = tuple(d for d in draft.done if d != page.id)
    candidate = copy.deepcopy(sent_answers(form.meta, app.view(form, lang), answers))
    try:
        accept(app.compiled, form, app.view(form, lang), candidate, issues)
        problems: list[Problem] = []
    except Invalid as invalid:
        problems = [p for p in invalid.problems if page_name(p.pointer) in page.properties]
    answers = {**answers, **{k: candidate[k] for k in page.properties if k in candidate}}
    if problems:
        refused = refusal(page.id, data, problems, app.settings.max_body_bytes, lang)
        return await shown_again(request, app, form, lang, draft, answers, done, refused, back_to_review)
    done = (*done, page.id)
    draft = await app.storage.save_draft(draft, answers, done)
    following = first_unfinished(form.meta, answers, done) if back_to_review else step(
        form.meta, page.id, answers).following
    return with_cookie(RedirectResponse(page_url(form, following, lang), status_code=303), request, draft)


async def send_page(request: Request, app: Lomake, form: Form, lang: str, page: PageMeta, draft: Draft,
                    data: dict[str, list[str]], answers: dict[str, Any], issues: list[Issue]) -> Response:
    """A one-page form without a review, with a draft (saved, or refused before), is sent from its page: at most
    once per draft; the form's address reached by Back then shows the confirmation (`back_to_receipt`)."""
    full = app.view(form, lang)
    try:
        submission = await app.submissions.submit(form, full, copy.deepcopy(sent_answers(form.meta, full, answers)),
                                                  issues, owner=draft.id, draft_id=draft.id)
    except Invalid as invalid:
        refused = refusal(page.id, data, invalid.problems, app.settings.max_body_bytes, lang)
        return await shown_again(request, app, form, lang, draft, answers, draft.done, refused)
    return sent_response(request, form, submission.receipt_token, lang)


async def keep_for_later(request: Request, app: Lomake, form: Form, lang: str, answers: dict[str, Any],
                         draft: Draft | None = None, page_id: str = "", uploads_of: str | None = None) -> Response:
    """"Save and continue later": the answers kept as they are, checked or not, in the draft (a new one if there is
    none, which takes the files `uploads_of` holds); the page saved from is no longer passed."""
    if draft is None:
        draft = await new_draft(app, form, lang, uploads_of)
    done = tuple(d for d in draft.done if d != page_id)
    draft = await app.storage.save_draft(kept_for_days(form, draft), answers, done, True)
    return with_cookie(RedirectResponse(f"/forms/{form.id}/saved?lang={lang}", status_code=303), request, draft)


async def new_draft(app: Lomake, form: Form, lang: str, uploads_of: str | None, days: int | None = None) -> Draft:
    """A one-page form's first draft: it takes the files its upload key's owner `uploads_of` holds."""
    draft = await start_draft(app, form, lang, days)
    if uploads_of:
        await app.storage.hand_on_attachments(uploads_of, draft.id)
    return draft


async def shown_again(request: Request, app: Lomake, form: Form, lang: str, draft: Draft, answers: dict[str, Any],
                      done: tuple[str, ...], refused: Refusal, back_to_review: bool = False) -> Response:
    """A page post not taken (Post/Redirect/Get, see web/history.py): kept in the draft with the answers and the
    pages passed, then the page's own address, which shows it again."""
    draft = await app.storage.save_draft(draft, answers, done, refused=refused)
    where = f"{page_url(form, refused.page, lang, back_to_review)}&{CHECKED}=1"
    return with_cookie(RedirectResponse(where, status_code=303), request, draft)


async def refused_first(request: Request, app: Lomake, form: Form, lang: str, answers: dict[str, Any],
                        refused: Refusal, uploads_of: str) -> Response:
    """A one-page form's post not taken, before it has a draft: a new draft (with the files `uploads_of` holds)
    keeps it, and the form goes on as a journey (the cookie names the draft)."""
    draft = await new_draft(app, form, lang, uploads_of, days=REFUSAL_DAYS)
    return await shown_again(request, app, form, lang, draft, answers, (), refused)


def review_sections(app: Lomake, form: Form, lang: str, draft: Draft, files: Mapping[str, str]) -> tuple[Group, ...]:
    """Each page asked, with its answers and where to change them."""
    return sections(form, app.view(form, lang), draft.data, files,
                    url=lambda page: page_url(form, page.id, lang, back_to_review=True))


async def review_page(app: Lomake, form: Form, lang: str, draft: Draft, values: Mapping[str, Any] | None = None,
                      problems: list[Problem] | None = None, status: int = 200, changed: bool = False) -> Response:
    refs = [i for _, i in references(draft.data)]
    files = {a.reference: f"{a.name} ({file_size(a.size, lang)})"
             for a in await app.storage.owned_attachments(refs, draft.id)}
    view, answers = answers_shown(app, form, lang, asked_view(app, form, lang, form.meta.review, draft), draft)
    shown = problems or []
    summary = [(page_url(form, page, lang, back_to_review=True) if page != REVIEW else error_target(view, p.pointer),
                p.summary) for p in shown for page in [page_of(form.meta, p.pointer)]]
    html = app.pages.render(
        "review.html", lang, view=view, sections=review_sections(app, form, lang, draft, files),
        journey=journey(app, form, lang, REVIEW, draft, False, text(lang, "review_title"), changed),
        action=page_url(form, REVIEW, lang), values=values if values is not None else form_values(
            view.fields, answers), summary=summary, errors={p.pointer: p.message for p in shown}, uploaded={},
        service_name=form.agency.display_name(lang), languages=form.languages,
        theme=form.agency.id if form.agency.theme else None, form_title=form.in_language(lang).title,
    )
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


async def reviewed_draft(request: Request) -> tuple[Lomake, Form, str, Draft, bool]:
    """The app, form (as the draft goes on), language and live draft a review request is about, and whether the
    draft was just moved to a new version of the form; 404 when there is no draft."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    form, draft, changed = await drafted(request, app, form)
    if draft is None or not form.meta.pages:
        raise NotFound(text(lang, "draft_gone"))
    return app, form, lang, draft, changed


async def show_review(request: Request) -> Response:
    app, form, lang, draft, changed = await reviewed_draft(request)
    if draft.sent_receipt:
        return RedirectResponse(f"/receipts/{draft.sent_receipt}?lang={lang}", status_code=303)
    unfinished = first_unfinished(form.meta, draft.data, draft.done)
    if unfinished != REVIEW:
        return RedirectResponse(page_url(form, unfinished, lang), status_code=303)
    refused = refused_on(draft, REVIEW) if request.query_params.get(CHECKED) else None
    if refused is not None:  # a send that did not go: the review as posted, with its problems
        return await review_page(app, form, lang, draft, refused.values, list(refused.problems), status=422,
                                 changed=changed)
    if request.query_params.get(CHECKED):  # a send that did not go, since saved again: its problems found again
        full = app.view(form, lang)
        try:
            accept(app.compiled, form, full, copy.deepcopy(sent_answers(form.meta, full, draft.data)))
        except Invalid as invalid:
            return await review_page(app, form, lang, draft, problems=invalid.problems, status=422,
                                     changed=changed)
    return await review_page(app, form, lang, draft, changed=changed)


async def submit_review(request: Request) -> Response:
    """The final send: at most once per draft, however often it is pressed."""
    app, form, lang, draft, _ = await reviewed_draft(request)
    view = asked_view(app, form, lang, form.meta.review, draft)
    data, _ = await read_answers(request, app, view, lang, draft.id)
    if not same_token((data.pop("_csrf", None) or [""])[0], draft.csrf):
        raise Forbidden(text(lang, "stale_page"))
    if draft.sent_receipt:
        return RedirectResponse(f"/receipts/{draft.sent_receipt}?lang={lang}", status_code=303)
    action = (data.pop("_action", None) or [""])[0]
    instance, coerced = coerce(view.fields, data)
    answers = merged(draft.data, form.meta.review, instance)
    if action == "lang":  # the language switch: the review again in that language, the declaration kept
        await app.storage.save_draft(draft, answers, draft.done)
        return RedirectResponse(page_url(form, REVIEW, lang), status_code=303)
    unfinished = first_unfinished(form.meta, answers, draft.done)
    if unfinished != REVIEW:
        return RedirectResponse(page_url(form, unfinished, lang), status_code=303)
    full = app.view(form, lang)
    try:
        submission = await app.submissions.submit(form, full, copy.deepcopy(sent_answers(form.meta, full, answers)),
                                                  coerced, owner=draft.id, draft_id=draft.id)
    except Invalid as invalid:
        # Post/Redirect/Get: the review with its problems (and what was typed, as typed) has a plain address, so
        # the browser's Back after the send that follows never meets a page that answered a POST.
        refused = refusal(REVIEW, data, invalid.problems, app.settings.max_body_bytes, lang)
        return await shown_again(request, app, form, lang, draft, answers, draft.done, refused)
    return RedirectResponse(f"/receipts/{submission.receipt_token}?lang={lang}", status_code=303)


async def extend_draft(request: Request) -> Response:
    """Keep the draft `draft_days` longer (WCAG 2.2.1), then back to the page the person was on."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    form, draft, _ = await drafted(request, app, form)
    data = await read_form(request, app.settings.max_body_bytes, lang)
    if draft is None or draft.sent_receipt:
        raise NotFound(text(lang, "draft_gone"))
    if not same_token((data.get("_csrf") or [""])[0], draft.csrf):
        raise Forbidden(text(lang, "stale_page"))
    back = (data.get("_back") or [""])[0]
    if not back.startswith((f"/forms/{form.id}/", f"/forms/{form.id}?")):
        back = page_url(form, first_unfinished(form.meta, draft.data, draft.done), lang)
    draft = await app.storage.save_draft(kept_for_days(form, draft), draft.data, draft.done,
                                         refused=draft.refused)  # the page as it was
    return with_cookie(RedirectResponse(back, status_code=303), request, draft)


async def saved(request: Request) -> Response:
    """After "save and continue later": the resume link, the resume code and the expiry."""
    app = lomake(request)
    form = app.form(request)
    lang = language(request, form.languages)
    form, draft, _ = await drafted(request, app, form)
    if draft is None or draft.sent_receipt or draft.code is None:
        raise NotFound(text(lang, "draft_gone"))
    title, resume_at = form.title_in(lang), link(request, "resume_link", token=draft.token)
    expires = moment_shown(draft.expires_at, lang, seconds=False)
    meta = form.meta
    html = app.pages.render(
        "saved.html", lang, form_title=title, code=draft.code, link=resume_at, expires=expires,
        resume_url=link(request, "resume"), mailto=saved_mailto(lang, title, resume_at, draft.code, expires),
        deadline=(form.translations.get(lang) or {}).get(meta.deadline or "") or meta.deadline,
        deadline_days=meta.deadline_days, draft_days=meta.draft_days,
        deadline_warning=meta.deadline_days is not None and meta.draft_days > meta.deadline_days,
        here=page_url(form, first_unfinished(form.meta, draft.data, draft.done), lang),
        service_name=form.agency.display_name(lang), languages=form.languages,
        theme=form.agency.id if form.agency.theme else None, statement_url=statement_url(form),
    )
    return HTMLResponse(html, headers={"cache-control": "no-store"})


def saved_mailto(lang: str, form_title: str, resume_at: str, code: str, expires: str) -> str:
    """A `mailto:` link, to no one, whose subject and body carry the resume link and code: sent by the
    person's own mail program to themselves, never by the server."""
    subject = text(lang, "saved_mail_subject", form=form_title)
    body = text(lang, "saved_mail_body", link=resume_at, code=code,
                expiry=text(lang, "saved_expiry", when=expires))
    return f"mailto:?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


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
    """A resume link: the person's own (from "save and continue later"), or the one-time link an agency
    gave for a draft it made, which moves the draft to a fresh token (and CSRF token) for this browser."""
    app, token = lomake(request), request.path_params["token"]
    if not TOKEN.fullmatch(token):
        raise NotFound(text(language(request), "draft_gone"))
    draft = await app.storage.draft(token) or await app.storage.hand_over(token)
    if draft is not None:
        return resumed(request, app, draft)
    form_id = await app.storage.handed_over(token)
    if form_id is not None:  # whoever opened it first holds the draft; this browser is told where to go on
        url = base_url(app.settings.public_url, request.scope) + f"/forms/{form_id}"
        raise Gone(text(language(request), "handover_used", url=url))
    raise NotFound(text(language(request), "draft_gone"))


async def resume(request: Request) -> Response:
    """Continue a draft by its resume code: the page staff at a service point type it into."""
    app, lang = lomake(request), language(request)
    problems: list[Problem] = []
    typed = ""
    if request.method == "POST":
        typed = ((await read_form(request, 10_000, lang)).get("code") or [""])[0]
        code = normalise_code(typed)
        draft = await app.storage.draft_by_code(code) if len(code) == 14 else None
        if draft is not None:
            return resumed(request, app, draft)
        problems = [Problem("/code", text(lang, "resume_code_wrong"))]
    html = app.pages.render("resume.html", lang, typed=typed, problems=problems, languages=LANGUAGES)
    return HTMLResponse(html, status_code=422 if problems else 200, headers={"cache-control": "no-store"})
