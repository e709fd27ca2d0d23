"""Files typed by their content with puremagic; the name only chooses among what the content allows."""

from __future__ import annotations

import pytest

from submission.filetypes import sniffed_type
from tests.samples import PDF, PNG


@pytest.mark.parametrize(("name", "content", "media"), [
    ("a.pdf", PDF, "application/pdf"),
    ("kuva.pdf", PNG, "image/png"),
    ("liite", PDF, "application/pdf"),
    ("a.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    ("a.pdf", b"<!DOCTYPE html><html><body>x</body></html>", "text/html"),
    ("a.pdf", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "application/x-gzip"),
    ("a.pdf", b"MZ\x90\x00" + b"\x00" * 60, "application/vnd.microsoft.portable-executable"),
    ("a.pdf", "hyvä teksti".encode(), "text/plain"),
    ("a.csv", b"a;b\n1;2\n", "text/csv"),
    ("a.pdf", b"\x00\x01\x02\x03binary", "application/octet-stream"),
    ("a.docx", b"PK\x03\x04" + b"\x00" * 40, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_the_content_decides(name: str, content: bytes, media: str) -> None:
    assert sniffed_type(name, content) == media
