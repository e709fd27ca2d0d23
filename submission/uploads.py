"""Uploaded files: checked against the field's types and size before they are kept as attachments.

The answers never hold a file, only `attachment:<id>`; the file itself, with its name, size,
media type and SHA-256, waits in storage until a submission claims it.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from core.schema import escape
from core.view.fields import ATTACHMENT_PREFIX, Field
from submission.coerce import Issue
from submission.filetypes import pdf_active_content, sniffed_type, type_of_name


def media_type(filename: str, declared: str | None, content: bytes) -> str:
    """The file's media type, by its content (`sniffed_type`): what the browser declared is not believed."""
    return sniffed_type(filename, content)


def upload_issue(f: Field, filename: str, media: str, size: int) -> Issue | None:
    """Why the file cannot be taken for `f`, if it cannot: too large, or its content not of a type `f` takes."""
    if size > f.max_bytes:
        return Issue(f.pointer, "file_too_large", {"bytes": f.max_bytes})
    accepted = [str(o.value).lower() for o in f.options]
    if accepted and not any(_takes(a, media) for a in accepted):
        return Issue(f.pointer, "file_type", {"types": ", ".join(o.label for o in f.options)})
    return None


def content_issue(f: Field, media: str, content: bytes) -> Issue | None:
    """Why the file's content cannot be taken: a PDF with scripts, actions or embedded files."""
    if media == "application/pdf" and pdf_active_content(content):
        return Issue(f.pointer, "file_active")
    return None


def _takes(accepted: str, media: str) -> bool:
    """Whether an `accept` entry (`.pdf`, `image/png`, `image/*`) takes a file whose content is of type `media`."""
    if accepted.startswith("."):
        return type_of_name(f"file{accepted}") == media
    if accepted.endswith("/*"):
        return media.startswith(accepted[:-1])
    return accepted == media


def safe_name(filename: str) -> str:
    """The file's own name, without any path, control characters or excess length."""
    name = unicodedata.normalize("NFC", re.split(r"[\\\\/]", filename)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip() or "liite"
    return name[-200:]


def references(value: Any) -> list[tuple[str, str]]:
    """Every attachment the answers refer to: where (a JSON Pointer) and its id."""
    found: list[tuple[str, str]] = []
    _collect(value, (), found)
    return found


def _collect(value: Any, path: tuple[Any, ...], found: list[tuple[str, str]]) -> None:
    # Runs on every submission: a text answer is looked at in place (no call), the pointer built only for a
    # reference found.
    if isinstance(value, str):
        if value.startswith(ATTACHMENT_PREFIX):
            found.append(("".join(f"/{escape(str(p))}" for p in path), value[len(ATTACHMENT_PREFIX):]))
        return
    items = enumerate(value) if isinstance(value, list) else value.items() if isinstance(value, Mapping) else ()
    for key, item in items:
        if isinstance(item, str):
            if item.startswith(ATTACHMENT_PREFIX):
                _collect(item, (*path, key), found)
        elif isinstance(item, (list, Mapping)):
            _collect(item, (*path, key), found)


def data_url(value: str) -> tuple[str, bytes] | None:
    """The media type and bytes of a `data:...;base64,...` URL, or None if `value` is not one."""
    match = re.fullmatch(r"data:([\w.+-]+/[\w.+-]+)?(;[^,;]*)*?;base64,([A-Za-z0-9+/=\s]*)", value, re.S)
    if match is None:
        return None
    try:
        return (match.group(1) or "application/octet-stream"), base64.b64decode(match.group(3), validate=False)
    except binascii.Error:
        return None


def data_url_name(value: str, media: str) -> str:
    """The file name a data URL carries (rjsf writes `;name=...`), or one made from its type."""
    match = re.search(r";name=([^;,]+)", value[:500])
    extension = mimetypes.guess_extension(media) or ""
    return safe_name(unquote(match.group(1))) if match else f"liite{extension}"
