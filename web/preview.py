"""An author's preview of a form (`lomake serve --reload` only): sample answers on the review, the confirmation
and the receipt PDF, nothing stored.

The sample answers are those of submission/samples.py: the schema's first `examples`, else its `default`s, else
made up, each taken only when the form accepts it; answers the form refuses are shown with their problems."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core.errors import NotFound
from core.forms import Form
from core.messages import file_size, text
from core.view.build import statement_url
from core.view.fields import Field, FormView
from renderer.answers import Group
from renderer.pdf import receipt_pdf
from renderer.receipt import Receipt, receipt, sections
from submission.samples import answer_files, sample
from submission.storage import Attachment, Submission
from submission.storage.ids import reference
from web.drafts import page_url
from web.state import Lomake, language, lomake


def sample_files(view: FormView, answers: dict[str, Any]) -> tuple[dict[str, Any], tuple[Attachment, ...]]:
    """The answers (a copy) with each file answered by a sample attachment, and those (nothing is uploaded)."""
    made: list[Attachment] = []

    def attachment(f: Field, n: int) -> str:
        made.append(Attachment(f"preview-{n}", f"{text(view.lang, 'preview_word')}-{n}.pdf", "application/pdf",
                               1000 * n, ""))
        return made[-1].reference

    return answer_files(view, answers, attachment), tuple(made)


def preview_receipt(form: Form, app: Lomake, lang: str, answers: dict[str, Any]) -> Receipt:
    """The receipt the sample answers would get, with a case number that says it is a preview and sample files."""
    moment = dt.datetime.now(dt.UTC)
    case = f"{reference(form.agency.reference, 0, moment.year)} ({text(lang, 'preview_word')})"
    answers, attachments = sample_files(app.view(form, lang), answers)
    sent = Submission(
        id="preview", reference=case, form_id=form.id, form_version=form.version, schema_hash=form.hash,
        agency=form.agency.id, data=answers, received_at=moment, language=lang, receipt_token="",
        data_sha256=hashlib.sha256(json.dumps(answers, sort_keys=True).encode()).hexdigest())
    return receipt(form, app.view(form, lang), sent, attachments)


def previewed(request: Request) -> tuple[Lomake, Form, str]:
    """The app, form and language of a preview; 404 unless the app runs for an author (`--reload`)."""
    app = lomake(request)
    if not app.settings.reload:
        raise NotFound(text(language(request), "not_found"))
    form = app.form(request)
    return app, form, language(request, form.languages)


def review_groups(form: Form, app: Lomake, lang: str, answers: dict[str, Any]) -> tuple[Group, ...]:
    """The answers as the review page shows them, each page's with the link to change it."""
    answers, attachments = sample_files(app.view(form, lang), answers)
    files = {a.reference: f"{a.name} ({file_size(a.size, lang)})" for a in attachments}
    return sections(form, app.view(form, lang), answers, files, url=lambda page: page_url(form, page.id, lang, True))


async def preview(request: Request) -> Response:
    """The review of the sample answers, the confirmation they would get and a link to their receipt PDF."""
    app, form, lang = previewed(request)
    shown = sample(app.compiled, form, app.view(form, lang))
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
    shown = preview_receipt(form, app, lang, sample(app.compiled, form, app.view(form, lang)).answers)
    pdf = await asyncio.get_running_loop().run_in_executor(None, receipt_pdf, app.pages, shown)
    return Response(pdf, media_type="application/pdf", headers={
        "cache-control": "no-store", "content-disposition": f'inline; filename="preview-{form.id}.pdf"'})
