"""The receipt PDF as a person prints it: every answer inside the page, however long its words. The pages are drawn
(pypdfium2) and their ink measured; the text is read back (pypdf) whole."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from tests.samples import OIKAISUVAATIMUS, PDF, SAAVUTETTAVUUSPALAUTE, data_url

pytestmark = pytest.mark.pdf

#: The receipt's right margin is 18 mm (receipt.html's `@page`); ink may come no nearer the edge than 15 mm.
EDGE_MM = 15
#: An address with no place to break it, longer than a whole line of the page.
LONG_ADDRESS = "https://lomake.example/forms/kantelu/pages/" + "tapahtumat" * 20 + "?lang=fi&return=review"
LONG_NAME = "paatos_" + "oikaisuvaatimusohjeineen" * 6 + ".pdf"


def ink_right(pdf: bytes) -> list[float]:
    """Per page, how far from the right edge its rightmost ink is, in millimetres."""
    distances = []
    for page in pypdfium2.PdfDocument(pdf):
        image = page.render(scale=2).to_pil().convert("L")
        width, height = image.size
        pixels = image.load()
        assert pixels is not None
        right = max((x for y in range(0, height, 2) for x in range(width - 1, -1, -1) if pixels[x, y] < 200),
                    default=0)
        distances.append((width - 1 - right) / width * 210)  # A4: 210 mm wide
    return distances


def text_of(pdf: bytes) -> str:
    return "".join("".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_a_long_unbroken_answer_stays_on_the_page_and_whole(client: TestClient, lang: str) -> None:
    feedback = {**SAAVUTETTAVUUSPALAUTE, "osoite": LONG_ADDRESS}
    request = {**OIKAISUVAATIMUS, "paatosliite": data_url(PDF, "application/pdf", LONG_NAME)}
    for form_id, answers, long in (("saavutettavuuspalaute", feedback, LONG_ADDRESS),
                                   ("oikaisuvaatimus", request, LONG_NAME)):
        created = client.post(f"/api/v1/forms/{form_id}/submissions", json=answers)
        assert created.status_code == 201, created.text
        pdf = client.get(created.json()["receipt_url"].split("?")[0] + f"?lang={lang}").content
        assert all(mm >= EDGE_MM for mm in ink_right(pdf)), (form_id, ink_right(pdf))
        assert long in text_of(pdf), form_id  # broken across lines, not cut off
