"""Receipt in, PDF out, with WeasyPrint; each receipt rendered once, in a pool of its own, and kept."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from weasyprint import HTML

from renderer.html import Pages
from renderer.receipt import Receipt
from submission.storage import Storage


def receipt_pdf(pages: Pages, receipt: Receipt) -> bytes:
    """The receipt as a PDF with its fonts embedded and no external resources. Blocking: call it off the event
    loop. Time grows linearly with the answers' lines (the template avoids layouts WeasyPrint redoes per page)."""
    html = pages.render("receipt.html", receipt.lang, receipt=receipt, soft_hyphens=False)
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


class ReceiptPDFs:
    """Receipt PDFs rendered at most once per submission and language, in a bounded pool of their own threads,
    so that a flood of receipt requests queues there and never holds up pages, submissions or health checks.
    A rendered receipt is kept in the storage and served from there: the same bytes on every GET."""

    def __init__(self, workers: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="receipt-pdf")
        self._rendering: dict[tuple[str, str], asyncio.Future[bytes]] = {}

    async def pdf(self, storage: Storage, submission_id: str, lang: str, render: Callable[[], bytes]) -> bytes:
        """The kept receipt, or `render()` run once in the pool and kept; requests that come while it renders
        wait for the same rendering."""
        key = (submission_id, lang)
        pending = self._rendering.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._keep(storage, key, render))
            self._rendering[key] = pending
            pending.add_done_callback(lambda _: self._rendering.pop(key, None))
        return await asyncio.shield(pending)

    async def _keep(self, storage: Storage, key: tuple[str, str], render: Callable[[], bytes]) -> bytes:
        """Kept already (by this process a moment ago, or by another one), or rendered now in the pool."""
        kept = await storage.receipt_pdf(*key)
        if kept is not None:
            return kept
        pdf = await asyncio.get_running_loop().run_in_executor(self._pool, render)
        return await storage.add_receipt_pdf(*key, pdf)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
