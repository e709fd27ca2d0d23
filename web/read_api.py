"""The agency's read API: its submissions page by page, one submission, one attachment's file.

Every request needs the agency's key (`web.api.request_key`), and reaches only that agency's submissions: another
agency's submission or form answers 404, as one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from core.errors import BadRequest, NotFound, Problem
from core.messages import text
from core.schema import escape
from core.timezone import HELSINKI
from renderer.export import submission_json
from submission.storage import ApiKey, Submission, UnknownCursor
from web.api import own_form, request_key
from web.state import Lomake, base_url, language, lomake

#: A page's size when the request does not say, and the largest it may ask for.
LIMIT, MAX_LIMIT = 100, 1000
#: `since` written with `+` in a query unencoded arrives with a space in its place: `...T12:00:00 02:00`.
_OFFSET_AS_SPACE = re.compile(r"(T[\d:.]+) (\d\d(:?\d\d)?)$")
#: What an attachment's fallback file name keeps: ASCII letters, digits and a few marks.
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


async def list_submissions(request: Request) -> Response:
    """`GET /api/v1/submissions?form=&since=&after=&limit=`: the agency's submissions, newest last."""
    app = lomake(request)
    key = await request_key(request, app)
    params = query(request, ("form", "since", "after", "limit"))
    limit = page_limit(request, params.get("limit"))
    since = since_param(request, params.get("since"))
    form_id = own_form(request, app, key, params["form"]).id if "form" in params else None
    try:
        page = await app.storage.submissions_page(key.agency, form_id, params.get("after"), since, limit + 1)
    except UnknownCursor as exc:
        lang = language(request)
        raise BadRequest(text(lang, "query_after"), [Problem("/after", text(lang, "query_after"))]) from exc
    shown = page[:limit]
    files = await app.storage.attachments_of([s.id for s in shown])
    base = base_url(app.settings.public_url, request.scope)
    return JSONResponse({"submissions": [submission_json(s, files.get(s.id, []), base) for s in shown],
                         "next": shown[-1].id if len(page) > limit else None})


async def get_submission(request: Request) -> Response:
    """`GET /api/v1/submissions/{submission_id}`: one of the agency's submissions, with its attachments."""
    app = lomake(request)
    submission = await own_submission(request, app, await request_key(request, app))
    files = await app.storage.submission_attachments(submission.id)
    return JSONResponse(submission_json(submission, files, base_url(app.settings.public_url, request.scope)))


async def get_attachment(request: Request) -> Response:
    """`GET /api/v1/submissions/{submission_id}/attachments/{attachment_id}`: the file, streamed as stored."""
    app = lomake(request)
    submission = await own_submission(request, app, await request_key(request, app))
    wanted = request.path_params["attachment_id"]
    found = next((a for a in await app.storage.submission_attachments(submission.id) if a.id == wanted), None)
    if found is None:
        raise NotFound(text(language(request), "unknown_attachment", id=wanted))
    return StreamingResponse(app.storage.attachment_content(found.id), media_type=found.media_type, headers={
        "content-length": str(found.size), "content-disposition": attachment_disposition(found.name),
        "cache-control": "no-store"})


async def own_submission(request: Request, app: Lomake, key: ApiKey) -> Submission:
    """The submission the path names if it is the key's agency's; 404 alike for another agency's and for none."""
    submission_id = request.path_params["submission_id"]
    submission = await app.storage.submission(submission_id)
    if submission is None or submission.agency != key.agency:
        raise NotFound(text(language(request), "unknown_submission", id=submission_id))
    return submission


def query(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query's parameters: each one the endpoint takes (or `lang`), each at most once; else 400 naming each
    one wrong by its pointer (`/limit`), as if the query were a JSON object."""
    lang = language(request)
    names = [name for name, _ in request.query_params.multi_items()]
    problems = [Problem(f"/{escape(name)}", text(lang, "query_unknown", name=name, names=", ".join(allowed)))
                for name in dict.fromkeys(names) if name not in (*allowed, "lang")]
    problems += [Problem(f"/{escape(name)}", text(lang, "query_repeated", name=name))
                 for name in dict.fromkeys(names) if names.count(name) > 1 and name in allowed]
    if problems:
        raise BadRequest(problems[0].message, problems)
    return {name: value for name, value in request.query_params.items() if name in allowed}


def page_limit(request: Request, raw: str | None) -> int:
    """`limit`: a whole number from 1 to `MAX_LIMIT`; `LIMIT` if not given."""
    if raw is None:
        return LIMIT
    if not re.fullmatch(r"\d{1,7}", raw) or not 1 <= int(raw) <= MAX_LIMIT:
        message = text(language(request), "query_limit", n=MAX_LIMIT)
        raise BadRequest(message, [Problem("/limit", message)])
    return int(raw)


def since_param(request: Request, raw: str | None) -> dt.datetime | None:
    """`since` as an aware time; 400 if it is none."""
    if raw is None:
        return None
    try:
        return parse_since(raw)
    except ValueError as exc:
        message = text(language(request), "query_since")
        raise BadRequest(message, [Problem("/since", message)]) from exc


def parse_since(raw: str) -> dt.datetime:
    """An ISO 8601 time (`2026-01-31T12:00:00Z`, `...+02:00`), or a day (`2026-01-31`); without an offset, in
    Finnish time. ValueError for anything else."""
    if len(raw) > 64:
        raise ValueError("too long")
    moment = dt.datetime.fromisoformat(_OFFSET_AS_SPACE.sub(r"\1+\2", raw.strip()))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=HELSINKI)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError as exc:  # the first or last day of year 1 or 9999, with an offset
        raise ValueError("out of range") from exc


def attachment_disposition(name: str) -> str:
    """`Content-Disposition: attachment` naming the file safely (RFC 6266): an ASCII `filename` with nothing that
    leaves a folder or breaks the header, and the name as given (less control characters and slashes) in
    `filename*` when that differs."""
    kept = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    kept = kept.replace("/", "_").replace("\\", "_").strip().lstrip(".")[-200:] or "liite"
    plain = _UNSAFE.sub("_", unicodedata.normalize("NFKD", kept).encode("ascii", "ignore").decode())
    stem, dot, suffix = plain.rpartition(".")
    stem, suffix = (stem, suffix) if dot else (plain, "")
    stem, suffix = stem.strip(" ._"), suffix.strip(" _")
    stem = stem if re.search(r"[A-Za-z0-9]", stem) else "liite"
    plain = f"{stem}.{suffix}" if suffix else stem
    header = f'attachment; filename="{plain}"'
    return header if plain == kept else header + f"; filename*=UTF-8''{quote(kept, safe='')}"
