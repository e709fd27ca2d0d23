"""Issue 9, item 4: a receipt PDF is rendered once per submission and language, kept and served as the same
bytes; its time grows linearly with an answer's lines; a flood of receipt requests does not hold up the rest."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import threading
import time
import urllib.request
from functools import partial
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.catalog import load_catalog
from core.view.build import form_view
from renderer.html import Pages
from renderer.pdf import ReceiptPDFs, receipt_pdf
from renderer.receipt import receipt
from submission.storage import NewSubmission, Storage, Submission, open_storage
from tests.conftest import form_client, get, serving, storage_of

pytestmark = pytest.mark.pdf

#: A form with one long free-text answer and nothing to limit its length.
NOTE = {"title": "Muistio", "type": "object", "required": ["teksti"], "x-lomake": {"languages": ["fi", "sv"]},
        "properties": {"teksti": {"title": "Teksti", "type": "string", "ui:widget": "textarea"}}}


def lines(n: int) -> str:
    return "\n".join(f"rivi {i:05d}" for i in range(n))


def test_the_receipt_is_rendered_once_and_served_as_the_same_bytes(tmp_path: Path) -> None:
    with form_client(tmp_path, muistio=NOTE) as client:
        created = client.post("/api/v1/forms/muistio/submissions", json={"teksti": "yksi\n\nkolme"}).json()
        first = client.get(created["receipt_url"])
        again = [client.get(created["receipt_url"]) for _ in range(3)]
        swedish = client.get(created["receipt_url"].split("?")[0] + "?lang=sv")
        assert first.status_code == 200 and first.content.startswith(b"%PDF-")
        assert all(r.content == first.content for r in again)
        assert swedish.content != first.content  # a receipt per language
        storage = storage_of(client)
        submission = asyncio.run(storage.submission(created["id"]))
        assert submission is not None
        kept = {lang: asyncio.run(storage.receipt_pdf(submission.id, lang)) for lang in ("fi", "sv", "en")}
    assert kept == {"fi": first.content, "sv": swedish.content, "en": None}


def _stored(tmp_path: Path, text: str) -> tuple[Storage, Submission, partial[bytes]]:
    (tmp_path / "muistio.json").write_text(json.dumps(NOTE))
    form = load_catalog(tmp_path).forms["muistio"]
    storage = open_storage(f"sqlite:///{tmp_path}/lomake.sqlite3")
    new = NewSubmission(form_id=form.id, form_version=form.version, schema_hash=form.hash, agency=form.agency.id,
                        reference_pattern=form.agency.reference, data={"teksti": text}, language="fi")
    submission = asyncio.run(storage.add_submission(new))
    shown = receipt(form, form_view(form, "fi"), submission)
    return storage, submission, partial(receipt_pdf, Pages(()), shown)


def test_requests_that_come_together_wait_for_one_rendering(tmp_path: Path) -> None:
    storage, submission, render = _stored(tmp_path, lines(300))
    rendered = []

    def counted() -> bytes:
        rendered.append(threading.current_thread().name)
        return render()

    async def together() -> list[bytes]:
        receipts = ReceiptPDFs()
        try:
            return await asyncio.gather(*[receipts.pdf(storage, submission.id, "fi", counted) for _ in range(8)])
        finally:
            receipts.close()

    pdfs = asyncio.run(together())
    assert len(rendered) == 1 and rendered[0].startswith("receipt-pdf")  # in the receipts' own pool
    assert len(set(pdfs)) == 1 and asyncio.run(storage.receipt_pdf(submission.id, "fi")) == pdfs[0]
    # another process (or a restart) that renders the same receipt again still serves the first one kept
    assert asyncio.run(storage.add_receipt_pdf(submission.id, "fi", render())) == pdfs[0]
    asyncio.run(storage.close())


def _timed(tmp_path: Path, n: int) -> tuple[float, bytes]:
    folder = tmp_path / str(n)
    folder.mkdir()
    storage, _, render = _stored(folder, lines(n))
    asyncio.run(storage.close())
    start = time.perf_counter()
    pdf = render()
    return time.perf_counter() - start, pdf


def test_a_ten_thousand_line_answer_renders_in_linear_time_and_whole(tmp_path: Path) -> None:
    small, _ = _timed(tmp_path, 1000)
    large, pdf = _timed(tmp_path, 10_000)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    shown = re.findall(r"rivi \d{5}", text)
    assert shown == lines(10_000).split("\n")  # every line, once, in order
    assert len(reader.pages) >= 10_000 // 60  # a line per line: a page holds some 50–60
    # Linear: ten times the lines take about ten times as long (it was a hundred: quadratic). Generous bounds
    # for a busy machine; bench/receipts.py measures.
    assert large < 30 * small and large < 120, (small, large)


def test_a_flood_of_receipt_requests_does_not_hold_up_health_checks_or_pages(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "muistio.json").write_text(json.dumps(NOTE))
    with serving(tmp_path) as base:
        # more requests than Starlette's shared thread pool has threads (40): rendered there, they took them all
        urls = [_submit(base, lines(1000) + f"\n{i}") for i in range(48)]
        flood = [threading.Thread(target=_quietly, args=(url,), daemon=True) for url in urls]
        for thread in flood:
            thread.start()
        time.sleep(1)
        for url in [f"{base}/healthz", urls[0].replace(".pdf", ""), f"{base}/healthz", f"{base}/forms/muistio"] * 2:
            start = time.perf_counter()
            get(url)
            assert time.perf_counter() - start < 3, url
        assert any(thread.is_alive() for thread in flood)  # the receipts were still rendering meanwhile


def _submit(base: str, text: str) -> str:
    request = urllib.request.Request(f"{base}/api/v1/forms/muistio/submissions", data=json.dumps(
        {"teksti": text}).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        url: str = json.loads(response.read())["receipt_url"]
    return url if url.startswith("http") else base + url


def _quietly(url: str) -> None:
    with contextlib.suppress(OSError):  # the server is stopped before every receipt is done
        get(url)
