"""Receipt in, PDF out, with WeasyPrint. Blocking: call it off the event loop."""

from __future__ import annotations

from weasyprint import HTML

from renderer.html import Pages
from submission.receipt import Receipt


def receipt_pdf(pages: Pages, receipt: Receipt) -> bytes:
    """The receipt as a PDF with its fonts embedded and no external resources."""
    html = pages.render("receipt.html", receipt.lang, receipt=receipt)
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf
