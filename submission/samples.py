"""Sample answers of a form, for showing and walking it without anyone answering: an author's preview shows them
on the review, the confirmation and the receipt (web/preview.py), `lomake audit` sends them to reach those pages
(lomake/audit.py).

The sample answers are the schema's first `examples`, else its `default`s, else made up (submission/instances.py),
each taken only when the form accepts it; answers the form refuses come with their problems. A file answer in
them is a made-up text: `answer_files` answers each file question with what the caller makes (a preview's
attachment reference, an audit's data URL of `sample_file`, a small real PDF or PNG the question takes).
"""

from __future__ import annotations

import copy
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import Invalid, Problem
from core.forms import Form
from core.schema import holder_of, places
from core.view.fields import Field, FormView, walk
from submission.instances import instances
from submission.uploads import content_issue, upload_issue
from submission.validate import CompiledForms, accept, apply_defaults

#: How many made-up candidates are tried before giving up on finding answers the form accepts.
TRIES = 200


@dataclass(frozen=True)
class Sample:
    """Sample answers: where they came from (`examples`, `default`, `generated`), the answers as accepted
    (defaults applied), and the problems when the form refuses them."""

    source: str
    answers: dict[str, Any]
    problems: tuple[Problem, ...] = ()


def checked(compiled: CompiledForms, form: Form, view: FormView,
            answers: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The answers as the form accepts them (a copy) and no problems, or the answers as given and their problems."""
    try:
        return accept(compiled, form, view, copy.deepcopy(answers)), []
    except Invalid as invalid:
        return answers, invalid.problems


def sample(compiled: CompiledForms, form: Form, view: FormView) -> Sample:
    """The form's sample answers: its first `examples`, else its `default`s, else made-up ones it accepts."""
    given = form.root.get("examples")
    if isinstance(given, list) and given and isinstance(given[0], dict):
        answers, problems = checked(compiled, form, view, given[0])
        return Sample("examples", answers, tuple(problems))
    defaults = apply_defaults(compiled.defaults(form), {})
    answers, problems = checked(compiled, form, view, defaults)
    if defaults and not problems:
        return Sample("default", answers)
    made = instances(form.document, 1, tries=TRIES, resolver=form.resolver(),
                     accepts=lambda candidate: not checked(compiled, form, view, candidate)[1])
    if made:
        return Sample("generated", checked(compiled, form, view, made[0])[0])
    return Sample("default", answers, tuple(problems))


def answer_files(view: FormView, answers: dict[str, Any], answer: Callable[[Field, int], Any]) -> dict[str, Any]:
    """The answers (a copy) with each file answered by `answer(question, n)`, n counting the files from 1; a
    question taking a list gets one file for each item it had."""
    answers, n = copy.deepcopy(answers), 0
    for f in (f for f in walk(view.fields) if f.kind == "file"):
        for at in places(f.pointer, answers):
            holder, key = holder_of(answers, at)
            if holder is None or key not in holder:
                continue
            value = holder[key]
            made = []
            for _ in value if isinstance(value, list) else [value]:
                n += 1
                made.append(answer(f, n))
            holder[key] = made if isinstance(value, list) else made[0]
    return answers


def sample_file(f: Field) -> tuple[str, str, bytes] | None:
    """A small real file the file question `f` takes (its types, size and content rules): name, media type and
    content; a one-page PDF, else a one-pixel PNG; None when it takes neither."""
    for name, media, content in (("sample.pdf", "application/pdf", sample_pdf()),
                                 ("sample.png", "image/png", sample_png())):
        if upload_issue(f, name, media, len(content)) is None and content_issue(f, media, content) is None:
            return name, media, content
    return None


def sample_pdf(words: str = "Sample") -> bytes:
    """A valid one-page PDF 1.4 saying `words` (ASCII), its cross-reference table at the right offsets."""
    page = f"BT /F1 24 Tf 72 720 Td ({words}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(page), page),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


def sample_png() -> bytes:
    """A valid PNG of one white pixel."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1 x 1, 8 bits, RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))
