"""An author's preview of a form (`lomake serve --reload` only): sample answers on the review, the confirmation
and the receipt PDF, nothing stored.

The sample answers are the schema's first `examples`, else its `default`s, else made up (submission/instances.py),
each taken only when the form accepts it; answers the form refuses are shown with their problems."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core.errors import Invalid, NotFound, Problem
from core.forms import Form
from core.messages import text
from core.view.build import statement_url
from renderer.answers import Group
from renderer.pdf import receipt_pdf
from renderer.receipt import Receipt, receipt, sections
from submission.instances import instances
from submission.storage import Submission
from submission.storage.ids import reference
from submission.validate import accept, apply_defaults
from web.drafts import page_url
from web.state import Lomake, language, lomake

#: How many made-up candidates are tried before the preview gives up on finding answers the form accepts.
TRIES = 200


@dataclass(frozen=True)
class Sample:
    """The answers a preview shows: where they came from (`examples`, `default`, `generated`), the answers as
    accepted (defaults applied), and the problems when the form refuses them."""

    source: str
    answers: dict[str, Any]
    problems: tuple[Problem, ...] = ()


def problems_of(app: Lomake, form: Form, lang: str, answers: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The answers as the form accepts them (a copy) and no problems, or the answers as given and their problems."""
    try:
        return accept(app.compiled, form, app.view(form, lang), copy.deepcopy(answers)), []
    except Invalid as invalid:
        return answers, invalid.problems


def sample(app: Lomake, form: Form, lang: str) -> Sample:
    """The form's sample answers: its first `examples`, else its `default`s, else made-up ones it accepts."""
    given = form.root.get("examples")
    if isinstance(given, list) and given and isinstance(given[0], dict):
        answers, problems = problems_of(app, form, lang, given[0])
        return Sample("examples", answers, tuple(problems))
    defaults = apply_defaults(app.compiled.defaults(form), {})
    answers, problems = problems_of(app, form, lang, defaults)
    if defaults and not problems:
        return Sample("default", answers)
    made = instances(form.document, 1, tries=TRIES, resolver=form.resolver(),
                     accepts=lambda candidate: not problems_of(app, form, lang, candidate)[1])
    if made:
        return Sample("generated", problems_of(app, form, lang, made[0])[0])
    return Sample("default", answers, tuple(problems))


def preview_receipt(form: Form, app: Lomake, lang: str, answers: dict[str, Any]) -> Receipt:
    """The receipt the sample answers would get, with a case number that says it is a preview."""
    moment = dt.datetime.now(dt.UTC)
    case = f"{reference(form.agency.reference, 0, moment.year)} ({text(lang, 'preview_word')})"
    sent = Submission(
        id="preview", reference=case, form_id=form.id, form_version=form.version, schema_hash=form.hash,
        agency=form.agency.id, data=answers, received_at=moment, language=lang, receipt_token="",
        data_sha256=hashlib.sha256(json.dumps(answers, sort_keys=True).encode()).hexdigest())
    return receipt(form, app.view(form, lang), sent)


def previewed(request: Request) -> tuple[Lomake, Form, str]:
    """The app, form and language of a preview; 404 unless the app runs for an author (`--reload`)."""
    app = lomake(request)
    if not app.settings.reload:
        raise NotFound(text(language(request), "not_found"))
    form = app.form(request)
    return app, form, language(request, form.languages)


def review_groups(form: Form, app: Lomake, lang: str, answers: dict[str, Any]) -> tuple[Group, ...]:
    """The answers as the review page shows them, each page's with the link to change it."""
    return sections(form, app.view(form, lang), answers, {}, url=lambda page: page_url(form, page.id, lang, True))


async def preview(request: Request) -> Response:
    """The review of the sample answers, the confirmation they would get and a link to their receipt PDF."""
    app, form, lang = previewed(request)
    shown = sample(app, form, lang)
    html = app.pages.render(
        "preview.html", lang, sample=shown, receipt=preview_receipt(form, app, lang, shown.answers),
        review=review_groups(form, app, lang, shown.answers), service_name=form.agency.display_name(lang),
        pdf_url=f"/forms/{form.id}/preview/receipt.pdf?lang={lang}", form_url=f"/forms/{form.id}?lang={lang}",
        languages=form.languages, theme=form.agency.id if form.agency.theme else None,
        statement_url=statement_url(form))
    return HTMLResponse(html, headers={"cache-control": "no-store"})


async def preview_pdf(request: Request) -> Response:
    """The receipt PDF of the sample answers, rendered on each request and never kept."""
    app, form, lang = previewed(request)
    shown = preview_receipt(form, app, lang, sample(app, form, lang).answers)
    pdf = await asyncio.get_running_loop().run_in_executor(None, receipt_pdf, app.pages, shown)
    return Response(pdf, media_type="application/pdf", headers={
        "cache-control": "no-store", "content-disposition": f'inline; filename="preview-{form.id}.pdf"'})
