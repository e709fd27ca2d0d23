"""The receipt: a real PDF from WeasyPrint, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from renderer.receipt import arrival_time
from tests.samples import KANTELU

pytestmark = pytest.mark.pdf


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_receipt_pdf_shows_what_the_law_asks_and_every_answer(client: TestClient) -> None:
    created = client.post("/api/v1/forms/kantelu/submissions", json=KANTELU).json()
    response = client.get(created["receipt_url"])
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    received = dt.datetime.fromisoformat(created["received_at"]).astimezone(ZoneInfo("Europe/Helsinki"))
    expected = [
        "Vastaanottokuittaus: Kantelu", "Lupa- ja valvontavirasto", created["reference"],
        f"{received.day}.{received.month}.{received.year} klo {received:%H.%M.%S}", "Suomen aikaa",
        "lomakkeen tunnus kantelu, versio 1", "ei tarkoita, että asia olisi jo tutkittu",
        # Who acted for whom, read from the complaint's own questions.
        "Kenen puolesta Lähettäjä toimi toisen puolesta. Päämies: Matti Meikäläinen. Peruste: alaikäisen huoltaja.",
        # Every answer under its question: labels, option titles, yes/no and d.M.yyyy dates.
        "Etunimet Maija Liisa", "Postinumero 00100", "Sähköpostiosoite maija@example.fi",
        "Kenen puolesta teet kantelun? Toisen henkilön puolesta", "Syntymäaika 4.5.2012",
        "Mitä toimintaa kantelu koskee? Opetustoimi", "Milloin tapahtumat alkoivat? 11.8.2026",
        "Oletko keskustellut asiasta toimintayksikön kanssa? Kyllä",
        "Oletko tehnyt asiasta muistutuksen? Ei", "Miten haluat saada päätöksen? Kirjeenä postiosoitteeseesi",
        "Vakuutan, että antamani tiedot ovat oikeita Kyllä",
    ]
    for phrase in expected:
        assert phrase in text, phrase
    digest = re.search(r"[0-9a-f]{64}", text.replace(" ", ""))
    assert digest is not None
    fonts: Any = PdfReader(io.BytesIO(response.content)).pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    assert fonts and all(_embedded(font.get_object()) for font in fonts.values())


def _embedded(font: Any) -> bool:
    """PDF/A forbids external fonts: each font carries its own font file."""
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"]
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_confirmation_page_links_the_receipt_and_shows_the_reference(client: TestClient) -> None:
    created = client.post("/api/v1/forms/kantelu/submissions", json=KANTELU).json()
    token = created["receipt_url"].rsplit("/", 1)[1].removesuffix(".pdf")
    page = client.get(f"/receipts/{token}").text
    assert created["reference"] in page
    assert f'href="/receipts/{token}.pdf?lang=fi"' in page
    assert "Opetustoimi" in page and "Maija Liisa" in page


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", "23.11.2026 klo 17.49.05 (Suomen aikaa)"),
    ("sv", "23.11.2026 kl. 17.49.05 (finsk tid)"),
    ("en", "23.11.2026 at 17:49:05 (Finnish time)"),
])
def test_arrival_time_is_finnish_time_to_the_second(lang: str, expected: str) -> None:
    moment = dt.datetime(2026, 11, 23, 15, 49, 5, 999_000, tzinfo=dt.UTC)
    assert arrival_time(moment, lang) == expected


def test_arrival_time_follows_summer_time() -> None:
    assert arrival_time(dt.datetime(2026, 7, 1, 21, 30, tzinfo=dt.UTC), "fi").startswith("2.7.2026 klo 00.30.00")


def test_the_receipt_in_swedish_is_in_swedish(client: TestClient) -> None:
    created = client.post("/api/v1/forms/kantelu/submissions?lang=sv", json=KANTELU).json()
    text = pdf_text(client.get(created["receipt_url"]).content)
    for phrase in ("Mottagningskvitto: Klagomål", "Tillstånds- och tillsynsverket", "Diarienummer",
                   "finsk tid", "Vilken verksamhet gäller klagomålet? Undervisningsväsendet",
                   "Har du gjort en anmärkning om ärendet? Nej", "det betyder inte att ärendet redan har prövats",
                   "Huvudman: Matti Meikäläinen. Grund: vårdnadshavare för en minderårig."):
        assert phrase.lower() in text.lower(), phrase
    assert "Opetustoimi" not in text and "Vastaanottokuittaus" not in text
