"""Reading the answers back as headings and their answers: from the HTML of the confirmation, review and receipt,
and from the receipt's PDF, to compare with what the form declares."""

from __future__ import annotations

import io
from typing import Any

import lxml.html
from pypdf import PdfReader

from tests.conftest import unhyphenated

#: One answer as shown: the headings above it (innermost last; a part not public ends with " [not public]"),
#: its question and its answer.
Row = tuple[tuple[str, ...], str, str]
GROUP = "div[contains(concat(' ', @class, ' '), ' summary-group ')]"


def outline(html: str) -> list[Row]:
    """Every answer of the page's answer groups, under the headings of the groups it is in."""
    page = lxml.html.fromstring(html)
    rows: list[Row] = []
    for group in page.xpath(f"//{GROUP}[not(ancestor::{GROUP})]"):
        _walk(group, (), rows)
    return rows


def _walk(group: Any, path: tuple[str, ...], rows: list[Row]) -> None:
    heading = group.xpath("./*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")
    if heading:
        mark = heading[0].xpath(".//*[contains(@class, 'tag--not-public')]")
        title = unhyphenated("".join(heading[0].xpath("./text()")).strip())
        path = (*path, title + (" [not public]" if mark else ""))
    for child in group:
        if child.tag == "dl":
            for row in child.xpath("./div[@class='summary-list__row']"):
                rows.append((path, row.xpath("string(./dt)").strip(),
                             row.xpath("string(./dd[@class='summary-list__value'])")))
        elif child.tag == "div":
            _walk(child, path, rows)


def headings(rows: list[Row]) -> list[tuple[str, ...]]:
    """The heading paths in the order they open."""
    seen: list[tuple[str, ...]] = []
    for path, _, _ in rows:
        for i in range(1, len(path) + 1):
            if path[:i] not in seen:
                seen.append(path[:i])
    return seen


def pdf_bookmarks(data: bytes) -> list[tuple[str, ...]]:
    """The PDF's bookmarks (WeasyPrint's from h1–h6) as paths, in order."""
    found: list[tuple[str, ...]] = []

    def walk(items: list[Any], path: tuple[str, ...]) -> None:
        last: tuple[str, ...] = path
        for item in items:
            if isinstance(item, list):
                walk(item, last)
            else:
                last = (*path, item.title)
                found.append(last)

    walk(PdfReader(io.BytesIO(data)).outline, ())
    return found


def pdf_words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
