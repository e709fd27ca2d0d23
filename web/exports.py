"""Streamed exports of a form's submissions, NDJSON and CSV: over HTTP (`GET /api/v1/forms/{id}/submissions.ndjson`,
`.csv`) and, through the same `export_chunks`, by `lomake export`.

The storage is read page by page (`EXPORT_PAGE` submissions at a time) and each page is written out before the
next is read, so memory stays the same whatever the count. A CSV reads the submissions twice: once for its
columns (see `renderer.export`), once for its rows, up to the last one the first pass saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from core.errors import BadRequest, Problem
from core.forms import Form
from core.messages import text
from core.view.build import form_view
from core.view.fields import FormView
from renderer.export import (
    BOM,
    Layout,
    answer_cells,
    csv_header,
    csv_row,
    csv_text,
    ndjson_line,
    page_sections,
    questions,
    submission_json,
    titled_header,
)
from submission.storage import Attachment, Storage, Submission
from submission.versions import FormVersions
from web.api import own_form, request_key
from web.read_api import attachment_disposition, query, since_param
from web.state import base_url, language, lomake

#: How many submissions an export reads from storage at a time.
EXPORT_PAGE = 500
Format = Literal["ndjson", "csv"]
MEDIA_TYPES: dict[Format, str] = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
#: Told how many submissions were just written (or, for a CSV's first pass, read).
Progress = Callable[[int], None]
Page = tuple[list[Submission], dict[str, list[Attachment]]]
#: A CSV's header row for its answer columns (the answers' JSON pointers).
Header = Callable[[Sequence[str]], list[str]]


async def export_ndjson(request: Request) -> Response:
    return await _export(request, "ndjson")


async def export_csv(request: Request) -> Response:
    return await _export(request, "csv")


async def _export(request: Request, kind: Format) -> Response:
    app = lomake(request)
    key = await request_key(request, app)
    given = query(request, ("since", "titles") if kind == "csv" else ("since",))
    since = since_param(request, given.get("since"))
    titles = titles_param(request, given.get("titles"))
    form = own_form(request, app, key, request.path_params["form_id"])
    lang = language(request, form.languages)
    chunks = export_chunks(app.submissions.versions, form, app.view(form, lang), kind,
                           base_url(app.settings.public_url, request.scope), since, titles=titles)
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[kind], headers={
        "content-disposition": attachment_disposition(f"{form.id}.{kind}"), "cache-control": "no-store"})


def titles_param(request: Request, raw: str | None) -> bool:
    """`titles`: 1 to head a CSV's columns with the questions' titles, 0 (the default) with their JSON pointers."""
    if raw is None or raw == "0":
        return False
    if raw == "1":
        return True
    message = text(language(request), "query_titles")
    raise BadRequest(message, [Problem("/titles", message)])


def export_chunks(versions: FormVersions, form: Form, view: FormView, kind: Format, base: str,
                  since: dt.datetime | None = None, progress: Progress | None = None,
                  titles: bool = False) -> AsyncIterator[bytes]:
    """The export of `form`'s submissions (received at or after `since`) as UTF-8 bytes, a page at a time, from
    the storage of `versions`; `base` starts the links (the public URL), `view` gives the CSV's columns their order
    and, with `titles`, their titles in its language (else the header is the answers' JSON pointers).
    Each NDJSON line names the questions its answers were given to, as the submission's version asked them."""
    tell = progress or (lambda n: None)
    if kind == "csv":
        layout = Layout.of(view)
        sections = page_sections(form, view.lang)
        header: Header = (lambda columns: titled_header(layout, columns, view.lang, sections)) if titles else csv_header
        return _csv(versions.storage, form, layout, since, tell, header)
    return _ndjson(versions, form, base, since, tell)


async def pages(storage: Storage, form: Form, since: dt.datetime | None, until: str | None = None
                ) -> AsyncIterator[Page]:
    """The form's submissions a page at a time, each page with its attachments; up to `until` (an id), if given."""
    after = None
    while True:
        page = await storage.submissions_page(form.agency.id, form.id, after, since, EXPORT_PAGE)
        last = next((i for i, s in enumerate(page) if s.id == until), None)
        page = page if last is None else page[:last + 1]
        if page:
            yield page, await storage.attachments_of([s.id for s in page])
        if last is not None or len(page) < EXPORT_PAGE:
            return
        after = page[-1].id


async def _ndjson(versions: FormVersions, form: Form, base: str, since: dt.datetime | None,
                  tell: Progress) -> AsyncIterator[bytes]:
    views: dict[str, FormView] = {}
    async for page, files in pages(versions.storage, form, since):
        lines = []
        for s in page:
            if s.schema_hash not in views:
                asked = await versions.form(form, s.schema_hash)
                views[s.schema_hash] = form_view(asked, asked.languages[0])
            line = submission_json(s, files.get(s.id, []), base)
            lines.append(ndjson_line(line | {"schema_hash": s.schema_hash,
                                             "questions": questions(views[s.schema_hash], s.data)}))
        yield "".join(lines).encode()
        tell(len(page))


async def _csv(storage: Storage, form: Form, layout: Layout, since: dt.datetime | None,
               tell: Progress, header: Header = csv_header) -> AsyncIterator[bytes]:
    yield BOM.encode()  # at once: the client knows the export started while the columns are gathered
    pointers: set[str] = set()
    last = None
    async for page, files in pages(storage, form, since):
        for s in page:
            pointers.update(answer_cells(layout, s.data, {a.id: a.name for a in files.get(s.id, [])}))
        last = page[-1].id
        tell(len(page))
    columns = layout.columns(pointers)
    yield csv_text([header(columns)]).encode()
    if last is None:
        return
    async for page, files in pages(storage, form, since, until=last):
        yield csv_text(csv_row(layout, columns, s, files.get(s.id, [])) for s in page).encode()
        tell(len(page))
