"""HTML pages: the index, one-page forms, confirmations and receipts, agency themes."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from core.errors import Invalid, NotFound, Problem
from core.formats import date_shown
from core.forms import Form, in_language
from core.messages import LANGUAGES, text
from core.view.build import statement_url
from core.view.catalogue import Entry, choices, entry, groups, select
from renderer.pdf import receipt_pdf
from renderer.receipt import Receipt, contact, receipt
from submission.coerce import apply_action, coerce
from submission.storage import AuditProblem, AuditResult, Submission
from submission.uploads import references
from web.bodies import kept_uploads, read_answers
from web.drafts import DRAFT_COOKIE, current_draft, keep_for_later, refused_first, show_page, submit_page
from web.embed import framed_for
from web.history import SENT_COOKIE, back_to_receipt, history_navigation, refusal, sent_response
from web.state import TOKEN, Lomake, content_type, language, lomake

#: The cookie that held a one-page form's upload key (see `upload_token`).
UPLOADS_COOKIE = "lomake_uploads"
#: The longest search the catalogue reads, in characters; the rest is left out.
SEARCH_CHARS = 200


async def index(request: Request) -> Response:
    """The catalogue: every form under its agency and category, searched (`?q=`) and filtered (`?agency=`,
    `?category=`) on the server."""
    app, lang = lomake(request), language(request)
    everything = catalogue_entries(app, lang)
    query, agency, category = catalogue_query(request)
    chosen = select(everything, query, agency, category)
    agencies, categories = choices(everything)

    def here(**change: str) -> str:
        params = {"lang": lang, "q": query, "agency": agency, "category": category, **change}
        return "/?" + urlencode({k: v for k, v in params.items() if v})

    html = app.pages.render("index.html", lang, languages=LANGUAGES, groups=groups(chosen), total=len(everything),
                            found=len(chosen), searched=bool(query or agency or category), query=query,
                            agency=agency, category=category, agencies=agencies, categories=categories, here=here,
                            switch_href=lambda code: here(lang=code))
    return HTMLResponse(html)


def catalogue_entries(app: Lomake, lang: str) -> list[Entry]:
    """Every form of the catalog as the catalogue shows it in `lang`."""
    return [entry(form, lang) for form in app.catalog.forms.values()]


def catalogue_query(request: Request) -> tuple[str, str, str]:
    """The search words (at most `SEARCH_CHARS` characters) and the agency and category filtered by."""
    params = request.query_params
    return (" ".join(params.get("q", "").split())[:SEARCH_CHARS], params.get("agency", "").strip(),
            params.get("category", "").strip())


async def accessibility(request: Request) -> Response:
    """The agencies whose statements there are: one statement per agency (Act 306/2019)."""
    app, lang = lomake(request), language(request)
    stated = sorted(((a.id, a.display_name(lang)) for a in app.catalog.agencies.values() if a.accessibility),
                    key=lambda pair: pair[1])
    if len(stated) == 1:
        return RedirectResponse(f"/accessibility/{stated[0][0]}?lang={lang}", status_code=303)
    return HTMLResponse(app.pages.render("accessibility.html", lang, languages=LANGUAGES, stated=stated))


async def accessibility_statement(request: Request) -> Response:
    """An agency's accessibility statement, from its file."""
    app, lang = lomake(request), language(request)
    agency = app.catalog.agencies.get(request.path_params["agency"])
    if agency is None or agency.accessibility is None:
        raise NotFound(text(lang, "not_found"))
    statement = agency.accessibility
    feedback = statement.feedback_form if statement.feedback_form in app.catalog.forms else None
    forms = [form for form in app.catalog.forms.values() if form.agency.id == agency.id]
    audited = audited_forms(forms, await app.storage.latest_audits(), lang)
    html = app.pages.render(
        "accessibility_statement.html", lang, languages=LANGUAGES, agency=agency.display_name(lang),
        statement=statement, shown=partial(in_language, lang=lang), date=date_shown, feedback=feedback,
        office=contact(agency, lang), theme=agency.id if agency.theme else None, audited=audited,
        with_problems=[entry for entry in audited if entry.problems])
    return HTMLResponse(html)


@dataclass(frozen=True)
class AuditedForm:
    """A form of the statement: its latest audit (`lomake audit`), if any, and the problems it found, each rule
    once with the pages it was seen on."""

    title: str
    href: str
    audit: AuditResult | None
    changed_since: bool
    problems: tuple[tuple[AuditProblem, tuple[str, ...]], ...]


def audited_forms(forms: Sequence[Form], audits: Sequence[AuditResult], lang: str) -> list[AuditedForm]:
    """The agency's forms by title, each with its latest audit and what it found."""
    latest = {audit.form_id: audit for audit in audits}
    found = []
    for form in forms:
        audit = latest.get(form.id)
        rules: dict[tuple[str, str, str], tuple[AuditProblem, list[str]]] = {}
        for problem in audit.problems if audit else ():
            rules.setdefault((problem.tool, problem.rule, problem.message), (problem, []))[1].append(problem.page)
        problems = tuple((problem, tuple(dict.fromkeys(pages))) for problem, pages in rules.values())
        found.append(AuditedForm(form.title_in(lang), f"/forms/{form.id}?lang={lang}", audit,
                                 audit is not None and audit.form_hash != form.hash, problems))
    return sorted(found, key=lambda entry: entry.title)


async def journeyed(request: Request, app: Lomake, form: Form, sent_too: bool = False) -> bool:
    """Whether the form goes as a journey (web/drafts.py): it has pages or a review, or the cookie names
    its draft (one not yet sent, or, with `sent_too`, any). Else it is one page, sent directly."""
    if not form.meta.one_page or form.meta.review:
        return True
    draft = await current_draft(request, app, form) if DRAFT_COOKIE in request.cookies else None
    return draft is not None and (sent_too or not draft.sent_receipt)


async def show_form(request: Request) -> Response:
    app = lomake(request)
    form = app.form(request)
    if await journeyed(request, app, form):
        return await show_page(request)
    sent = request.cookies.get(SENT_COOKIE, "")
    if TOKEN.fullmatch(sent) and history_navigation(request):
        return back_to_receipt(form, sent)
    return Response(app.form_page(form, language(request, form.languages)), media_type="text/html; charset=utf-8")


async def submit_form(request: Request) -> Response:
    """A one-page form sent without a draft: on to the confirmation, or (Post/Redirect/Get, web/history.py) a new
    draft keeps the page as posted and the form's address shows it again; from then on it goes as a journey."""
    app = lomake(request)
    form = app.form(request)
    if await journeyed(request, app, form, sent_too=True):
        return await submit_page(request)
    lang = language(request, form.languages)
    view = app.view(form, lang)
    token = upload_token(request, fresh=content_type(request)[0] == "multipart/form-data")
    owner = hashlib.sha256(token.encode()).hexdigest() if token else ""  # "": a new sender's, holding no file yet
    data, upload_issues = await read_answers(request, app, view, lang, owner)
    action = (data.pop("_action", None) or [""])[0]
    if action == "save":  # "save and continue later": the answers as they are, in a new draft with their files
        return await keep_for_later(request, app, form, lang, coerce(view.fields, data)[0], uploads_of=owner)
    problems: list[Problem] = []
    if action not in ("", "lang"):  # a list's add or remove button: the page again, changed, every answer kept
        data = apply_action(data, action, view.fields)
    elif not action:  # (or "lang", the language switch: the page again in that language, every answer kept)
        instance, coerced = coerce(view.fields, data)
        try:
            submission = await app.submissions.submit(form, view, instance, [*coerced, *upload_issues], owner=owner)
        except Invalid as invalid:
            problems = invalid.problems
        else:
            return sent_response(request, form, submission.receipt_token)
    answers = coerce(view.fields, data)[0]
    if action == "lang" and answers == coerce(view.fields, {})[0] and not await kept_uploads(app, data, owner):
        return RedirectResponse(f"/forms/{form.id}?lang={lang}", status_code=303)  # nothing typed yet: no draft
    refused = refusal(form.meta.pages[0].id, data, problems, app.settings.max_body_bytes, lang)
    return await refused_first(request, app, form, lang, answers, refused, uploads_of=owner)


def upload_token(request: Request, fresh: bool = True) -> str:
    """A one-page form's upload key: who its files uploaded before its draft is made are kept for (the draft then
    takes them); the key an older page's cookie names, or a new one, or with `fresh` false "" when none is
    needed (no file can be kept for it: a body with files is multipart).

    A capability, like a draft's token; the storage knows only its hash. Its cookie is no longer set (a page
    not taken is kept in a draft): one set before is still honoured for as long as its files are kept."""
    token = request.cookies.get(UPLOADS_COOKIE, "")
    return token if TOKEN.fullmatch(token) else secrets.token_urlsafe(32) if fresh else ""


async def find_submission(request: Request) -> tuple[Lomake, Form, Submission, str]:
    app, token = lomake(request), request.path_params["token"]
    lang = language(request)
    submission = await app.storage.submission_by_receipt(token) if TOKEN.fullmatch(token) else None
    if submission is None or submission.form_id not in app.catalog.forms:
        raise NotFound(text(lang, "not_found"))
    form = await app.submissions.versions.form(app.catalog.forms[submission.form_id], submission.schema_hash)
    framed_for(request, form.agency)  # embedded (/embed/receipts/...): the agency's origins may frame it
    wanted = request.query_params.get("lang")
    return app, form, submission, wanted if wanted in form.languages else submission.language


async def receipt_of(app: Lomake, form: Form, submission: Submission, lang: str) -> Receipt:
    ids = list(dict.fromkeys(i for _, i in references(submission.data)))
    attachments = await app.storage.attachments(ids, submission.id)
    return receipt(form, app.view(form, lang), submission, attachments)


async def confirmation(request: Request) -> Response:
    app, form, submission, lang = await find_submission(request)
    shown = await receipt_of(app, form, submission, lang)
    html = app.pages.render(
        "confirmation.html", lang, receipt=shown, pdf_url=f"/receipts/{submission.receipt_token}.pdf?lang={lang}",
        service_name=shown.agency, languages=form.languages, theme=form.agency.id if form.agency.theme else None,
        statement_url=statement_url(form),
    )
    return HTMLResponse(html, headers={"cache-control": "no-store"})


async def receipt_pdf_file(request: Request) -> Response:
    """The receipt PDF: rendered on the first request for it (in the receipts' own pool), kept, then served."""
    app, form, submission, lang = await find_submission(request)
    pdf = await app.storage.receipt_pdf(submission.id, lang)
    if pdf is None:
        shown = await receipt_of(app, form, submission, lang)
        pdf = await app.receipts.pdf(app.storage, submission.id, lang, partial(receipt_pdf, app.pages, shown))
    name = re.sub(r"[^A-Za-z0-9_-]", "-", submission.reference)
    return Response(pdf, media_type="application/pdf", headers={
        "cache-control": "no-store", "content-disposition": f'inline; filename="receipt-{name}.pdf"'})


async def theme(request: Request) -> Response:
    agency = lomake(request).catalog.agencies.get(request.path_params["agency"])
    if agency is None or not agency.theme:
        raise NotFound(text(language(request), "not_found"))
    return Response(agency.style_sheet(), media_type="text/css", headers={"cache-control": "public, max-age=300"})
