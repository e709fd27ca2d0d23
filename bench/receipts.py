"""Receipt PDF time against the size of one answer: Lomake's receipt, and WeasyPrint alone on the same HTML.

Run: .venv/bin/python bench/receipts.py [--rounds 3] [--lines 1 1000 10000]
Prints, per answer size, the median seconds of `renderer.pdf.receipt_pdf` (template + WeasyPrint) and of a
naive `weasyprint.HTML(string=html).write_pdf()` of the HTML the template made, and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from weasyprint import HTML  # noqa: E402

from core.catalog import load_catalog  # noqa: E402
from core.view.build import form_view  # noqa: E402
from renderer.html import Pages  # noqa: E402
from renderer.pdf import receipt_pdf  # noqa: E402
from renderer.receipt import Receipt, receipt  # noqa: E402
from submission.storage import NewSubmission, Submission, open_storage  # noqa: E402

#: One long free-text answer with nothing to limit its length (a complaint's "what happened", say).
NOTE = {"title": "Muistio", "type": "object", "required": ["teksti"],
        "properties": {"teksti": {"title": "Teksti", "type": "string", "ui:widget": "textarea"}}}


def a_receipt(folder: Path, lines: int) -> Receipt:
    """A stored submission whose one answer has `lines` lines, as its receipt shows it."""
    (folder / "muistio.json").write_text(json.dumps(NOTE))
    form = load_catalog(folder).forms["muistio"]
    text = "\n".join(f"Rivi {i}: mitä tapahtui ja milloin, omin sanoin." for i in range(lines))
    new = NewSubmission(form_id=form.id, form_version=form.version, schema_hash=form.hash, agency=form.agency.id,
                        reference_pattern=form.agency.reference, data={"teksti": text}, language="fi")
    submission = asyncio.run(stored(f"sqlite:///{folder}/bench-{lines}.sqlite3", new))
    return receipt(form, form_view(form, "fi"), submission)


async def stored(url: str, new: NewSubmission) -> Submission:
    storage = open_storage(url)
    try:
        return await storage.add_submission(new)
    finally:
        await storage.close()


def seconds(work: Callable[[], bytes]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lines", type=int, nargs="+", default=[1, 1000, 10_000])
    options = parser.parse_args()
    pages = Pages(())
    print(f"{'lines':>7} {'lomake s':>10} {'naive s':>10} {'lomake/naive':>13}   rounds (lomake | naive)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in options.lines:
            shown = a_receipt(Path(tmp), n)
            html = pages.render("receipt.html", "fi", receipt=shown)
            ours, naive = [], []
            for _ in range(options.rounds):  # alternate, so that drift on a busy machine hits both alike
                ours.append(seconds(lambda shown=shown: receipt_pdf(pages, shown)))
                naive.append(seconds(lambda html=html: HTML(string=html).write_pdf()))
            mine, theirs = statistics.median(ours), statistics.median(naive)
            print(f"{n:>7} {mine:>10.2f} {theirs:>10.2f} {mine / theirs:>13.2f}   "
                  f"{' '.join(f'{s:.2f}' for s in ours)} | {' '.join(f'{s:.2f}' for s in naive)}", flush=True)


if __name__ == "__main__":
    main()
