"""What a file is, by its content: the name and the browser's word only choose between what the content allows.

The detector is puremagic (signatures of several hundred formats, pure Python). A file
whose content has no known signature is plain text if it reads as UTF-8 text, else
`application/octet-stream`: renaming an executable, a web page or an archive `.pdf` does not
make it a PDF. PDFs with active content (scripts, launch actions, embedded files) are found
here too, so that they can be refused.
"""

from __future__ import annotations

import mimetypes
import re
import zlib

import puremagic

#: Types whose content has no signature: the name is believed if the content is text.
_TEXT_TYPES = ("text/plain", "text/csv", "application/json", "text/markdown")
#: How far into a file the detector and the text check look.
_HEAD = 64 * 1024


def sniffed_type(filename: str, content: bytes) -> str:
    """The media type of `content`; of the types its signature allows, the one `filename` names, if any."""
    named = type_of_name(filename)
    try:
        matches = puremagic.magic_string(content[:_HEAD])  # with a file name, it guesses from the name too
    except (puremagic.PureError, ValueError):
        matches = []
    found = [m.mime_type for m in matches if m.mime_type and m.byte_match]
    if found:
        return named if named in found or (named and _zip_document(named, found)) else found[0]
    if _is_text(content):
        return named if named in _TEXT_TYPES else "text/plain"
    return "application/octet-stream"


def type_of_name(filename: str) -> str:
    """The media type a file name's extension stands for (`application/pdf` for `a.PDF`), or ""."""
    return mimetypes.guess_type(filename.lower(), strict=False)[0] or ""


def _zip_document(named: str, found: list[str]) -> bool:
    # Office documents are ZIP archives: the detector may name another of them first.
    office = ("application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.")
    return named.startswith(office) and any(f.startswith(office) for f in found)


def _is_text(content: bytes) -> bool:
    head = content[:_HEAD]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # cut inside a character at the end of the head
    return True


#: PDF names of active content: scripts, actions that run or open something, files inside the file.
_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|SubmitForm|ImportData|GoToE|XFA)"
                     rb"(?=[\s/<>\[\]()%{}]|$)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n")
#: The most bytes the streams of one PDF are inflated to, in all, while looking for active content.
_INFLATE_LIMIT = 50_000_000


def pdf_active_content(content: bytes) -> bool:
    """Whether a PDF has scripts, launch or submit actions, or embedded files, in its objects or in
    its compressed object streams (names written with `#xx` escapes count too).

    Streams are inflated up to `_INFLATE_LIMIT` bytes in all; a PDF that inflates to more is refused
    like one with active content (a decompression bomb)."""
    view, budget = memoryview(content), _INFLATE_LIMIT
    chunks = [content]
    for match in _STREAM.finditer(content):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(view[match.end():], budget + 1)
        except zlib.error:
            continue
        budget -= len(inflated)
        if budget < 0:
            return True
        chunks.append(inflated)
    return any(_ACTIVE.search(_NAME_ESCAPE.sub(_unescaped, chunk)) for chunk in chunks)


def _unescaped(match: re.Match[bytes]) -> bytes:
    return bytes([int(match.group(1), 16)])
