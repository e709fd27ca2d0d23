"""Answers out of requests: form bodies and their uploads, data URLs in JSON, and the attachments they name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from starlette.formparsers import MultiPartException
from starlette.requests import Request

from core.errors import BadRequest, Invalid, PayloadTooLarge
from core.messages import file_size, text
from core.schema import holder_of, places
from core.view.fields import ITEM, Field, FormView, walk
from submission.coerce import Issue, parse_form
from submission.storage import Attachment
from submission.uploads import (
    content_issue,
    data_url,
    data_url_name,
    media_type,
    references,
    safe_name,
    upload_issue,
)
from submission.validate import problem
from web.limits import BoundedFiles, capped
from web.state import Lomake, content_type, read_body, require_media_type


async def read_answers(
    request: Request, app: Lomake, view: FormView, lang: str, owner: str
) -> tuple[dict[str, list[str]], list[Issue]]:
    """A posted form page: its fields as strings, and what went wrong with its files.

    Each file uploaded is kept as an attachment of `owner` (a draft's id or a one-page form's upload
    key); a file posted as already uploaded (`<name>[kept]`) counts only if `owner` holds it."""
    files = [f for f in walk(view.fields) if f.kind == "file"]
    if files and content_type(request)[0] == "multipart/form-data":
        data, fresh, issues = await read_multipart(request, app, files, lang, owner)
    else:
        data, fresh, issues = await read_form(request, app.settings.max_body_bytes, lang), {}, []
    return data, [*await honour_kept(app, files, data, fresh, owner), *issues]


async def read_form(request: Request, limit: int, lang: str) -> dict[str, list[str]]:
    """An `application/x-www-form-urlencoded` body: 415 if it is another type, 400 if it is not UTF-8."""
    require_media_type(request, "application/x-www-form-urlencoded", lang)
    body = await read_body(request, limit, lang)
    try:
        return parse_form(body)
    except ValueError as exc:
        raise BadRequest(text(lang, "bad_form_body")) from exc


async def read_multipart(
    request: Request, app: Lomake, files: list[Field], lang: str, owner: str
) -> tuple[dict[str, list[str]], dict[str, list[str]], list[Issue]]:
    """A multipart form: its fields as strings, the ids of the files it uploaded (each checked and kept
    as an attachment of `owner`) by control name, and what was wrong with the files refused.

    The body is counted as it arrives: past `max_upload_bytes` it is refused (413) before more is spooled;
    of each file no more is kept than its field takes (and one byte, to tell it is too large)."""
    limit = app.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(text(lang, "too_large", n=limit))

    def file_limit(name: str) -> int:
        f = file_field(files, name)
        return f.max_bytes if f is not None else 0

    parser = BoundedFiles(capped(request, limit, lang), file_limit, max_files=50, max_fields=5000,
                          max_part_size=app.settings.max_body_bytes)
    try:
        posted = await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(text(lang, "bad_form_body")) from exc
    data: dict[str, list[str]] = {}
    fresh: dict[str, list[str]] = {}
    issues: list[Issue] = []
    try:
        for name, value in posted.multi_items():
            if isinstance(value, str):
                data.setdefault(name, []).append(value)
                continue
            f = file_field(files, name)
            if f is None or not value.filename:
                continue
            content = await value.read(f.max_bytes + 1)
            media = media_type(value.filename, value.content_type, content)
            issue = upload_issue(f, value.filename, media, len(content)) or content_issue(f, media, content)
            if issue is not None:
                issues.append(issue)
                continue
            kept = await app.storage.add_attachment(safe_name(value.filename), media, content, owner)
            fresh.setdefault(name, []).append(kept.id)
    finally:
        await posted.close()
    return data, fresh, issues


def file_field(files: list[Field], name: str) -> Field | None:
    """The file field a control name is, also inside a list's item."""
    return next((f for f in files if f.name in (name, ITEM.sub("/-", name))), None)


async def honour_kept(app: Lomake, files: list[Field], data: dict[str, list[str]], fresh: Mapping[str, list[str]],
                      owner: str) -> list[Issue]:
    """Keep in `data` only the `[kept]` files that `owner` holds, then add the new uploads: a new file
    replaces a single file and adds to a list of them. A file named but not held is to upload again."""
    named = {name: [i for i in values if i] for name, values in data.items()
             if name.endswith("[kept]") and file_field(files, name.removesuffix("[kept]"))}
    ids = [i for values in named.values() for i in values]
    held = {a.id for a in await app.storage.owned_attachments(ids, owner)} if ids else set()
    issues: list[Issue] = []
    for name in {n for n in data if n.endswith("[kept]")} - named.keys():
        del data[name]
    for name, values in named.items():
        data[name] = [i for i in values if i in held]
        if len(data[name]) < len(values):
            issues.append(Issue(name.removesuffix("[kept]"), "file_gone"))
    for name, new in fresh.items():
        multiple = (f := file_field(files, name)) is not None and f.json_type == "array"
        data[f"{name}[kept]"] = [*data.get(f"{name}[kept]", []), *new] if multiple else new[-1:]
    return issues


async def take_data_urls(app: Lomake, view: FormView, instance: dict[str, Any]) -> None:
    """Files sent through the API as data URLs become attachments, referred to like uploads.

    A file answer must be a data URL whose content passes the same checks as an upload; any other
    text (a name, a made-up `attachment:` reference) is refused at its pointer."""
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
            kept = await _take_data_url(app, f, item, issues) if isinstance(item, str) else item
            if kept is not None:
                refs.append(kept)
        holder[key] = refs if isinstance(value, list) else refs[0] if refs else value
    if issues:
        problems = [problem(view.lang, i, view.field_at(i.pointer)) for i in issues]
        raise Invalid(problems[0].message, problems)


async def _take_data_url(app: Lomake, f: Field, item: str, issues: list[Issue]) -> str | None:
    """The attachment reference for one data URL sent for `f`, or None with the issue noted."""
    decoded = data_url(item)
    if decoded is None:
        issues.append(Issue(f.pointer, "file_data_url"))
        return None
    name = data_url_name(item, decoded[0])
    media = media_type(name, decoded[0], decoded[1])
    issue = upload_issue(f, name, media, len(decoded[1])) or content_issue(f, media, decoded[1])
    if issue is not None:
        issues.append(issue)
        return None
    kept = await app.storage.add_attachment(name, media, decoded[1])
    return kept.reference


async def within_draft_limit(app: Lomake, answers: dict[str, Any], lang: str) -> None:
    """413 if the attachments a draft's answers refer to are more than `max_draft_bytes` in all."""
    ids = list(dict.fromkeys(i for _, i in references(answers)))
    held = sum(a.size for a in await app.storage.attachments(ids))
    if held > app.settings.max_draft_bytes:
        raise PayloadTooLarge(text(lang, "draft_too_large", size=file_size(app.settings.max_draft_bytes, lang)))


async def kept_uploads(app: Lomake, data: Mapping[str, Sequence[str]], owner: str) -> dict[str, Attachment]:
    """The files a page names as already uploaded (`<name>[kept]`) that `owner` holds, so that it shows them."""
    ids = [i for name, values in data.items() if name.endswith("[kept]") for i in values]
    return {a.id: a for a in await app.storage.owned_attachments(ids, owner)}
