"""Attachments on the confirmation and the receipt: type and size in words, the SHA-256 kept, and one order
(the order the form asks them, then by name) in both."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app
from tests.samples import KANTELU
from tests.test_receipt import pdf_text

pytestmark = pytest.mark.pdf

FORM = {
    "title": "Liitteet", "type": "object", "x-lomake": {"languages": ["fi", "sv", "en"]},
    "properties": {
        "paatos": {"title": "Päätös", "type": "string", "format": "data-url"},
        "muut": {"title": "Muut liitteet", "type": "array", "items": {"type": "string", "format": "data-url"}},
    },
}
PDF = b"%PDF-1.4\n% a tiny stand-in for a decision\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000 + b"\xff\xd9"
TEXT = b"muistiinpanoja\n"


def data_url(content: bytes, media_type: str, name: str) -> str:
    return f"data:{media_type};name={name};base64,{base64.b64encode(content).decode()}"


@pytest.fixture
def files(tmp_path: Path) -> Iterator[TestClient]:
    (tmp_path / "liitteet.json").write_text(json.dumps(FORM))
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        yield c


def sent(files: TestClient) -> str:
    """A submission whose answers name the later question's files first, and those not by name."""
    answers = {"muut": [data_url(TEXT, "text/plain", "muistio.txt"), data_url(PNG, "image/png", "b-kuva.png"),
                        data_url(JPEG, "image/jpeg", "a-kuva.jpg")],
               "paatos": data_url(PDF, "application/pdf", "paatos.pdf")}
    created = files.post("/api/v1/forms/liitteet/submissions", json=answers)
    assert created.status_code == 201, created.text
    return str(created.json()["receipt_url"]).removesuffix(".pdf")


ORDER = ["paatos.pdf", "a-kuva.jpg", "b-kuva.png", "muistio.txt"]


@pytest.mark.parametrize(("lang", "pdf", "png", "jpeg"), [
    ("fi", "PDF-tiedosto, 1 kt", "PNG-kuva, 1 kt", "JPEG-kuva, 2 kt"),
    ("sv", "PDF-fil, 1 kB", "PNG-bild, 1 kB", "JPEG-bild, 2 kB"),
    ("en", "PDF file, 1 kB", "PNG image, 1 kB", "JPEG image, 2 kB"),
])
def test_the_receipt_names_a_file_s_type_and_size_in_words_and_keeps_its_sha256(
        files: TestClient, lang: str, pdf: str, png: str, jpeg: str) -> None:
    text = pdf_text(files.get(f"{sent(files)}.pdf?lang={lang}").content)
    for shown in (f"paatos.pdf {pdf}", f"b-kuva.png {png}", f"a-kuva.jpg {jpeg}", "muistio.txt TXT, 1 k"):
        assert shown in text, shown
    assert "application/pdf" not in text and "tavua" not in text and "image/png" not in text
    assert hashlib.sha256(PDF).hexdigest() in text.replace(" ", "")


def test_the_confirmation_and_the_receipt_list_the_files_in_one_order(files: TestClient) -> None:
    url = sent(files)
    page = lxml.html.fromstring(files.get(url).text)
    listed = page.xpath("//h2[.='Liitteet']/following-sibling::ul[1]/li/text()")
    assert [item.split(" (")[0] for item in listed] == ORDER
    text = pdf_text(files.get(f"{url}.pdf").content)
    after = text[text.index("Liitteet"):]
    assert sorted(ORDER, key=after.index) == ORDER


def test_the_receipt_names_the_sender_and_the_receiving_unit_apart_from_the_answers(
        schemas: Path, settings: Settings) -> None:
    """The complainant's own name (the question marked `given-name` and `family-name`), who acted for another
    person, and the unit the agency's file declares."""
    agency = schemas / "agencies" / "lvv.json"
    declared = json.loads(agency.read_text())
    agency.write_text(json.dumps({**declared, "unit": {"fi": "Kirjaamo", "sv": "Registratorskontoret"}}))
    with TestClient(create_app(settings)) as client:
        url = str(client.post("/api/v1/forms/kantelu/submissions", json=KANTELU).json()["receipt_url"])
        text = pdf_text(client.get(url).content)
        facts = text[:text.index("Vastaukset")]
        assert "Lähettäjä Maija Liisa Meikäläinen" in facts and "Vastaanottava yksikkö Kirjaamo" in facts
        swedish = pdf_text(client.get(f"{url}?lang=sv").content)
        assert "Avsändare Maija Liisa Meikäläinen" in swedish and "Mottagande enhet Registratorskontoret" in swedish
        english = pdf_text(client.get(f"{url}?lang=en").content)
        assert "Sender Maija Liisa Meikäläinen" in english and "Receiving unit Kirjaamo" in english
        page = lxml.html.fromstring(client.get(url.removesuffix(".pdf")).text)
        assert page.xpath("string(//p[@class='sender'])") == "Lähettäjä: Maija Liisa Meikäläinen"
        assert page.xpath("string(//p[@class='unit'])") == "Vastaanottava yksikkö: Kirjaamo"


def test_a_form_that_does_not_ask_the_sender_s_name_shows_no_sender(files: TestClient) -> None:
    text = pdf_text(files.get(f"{sent(files)}.pdf").content)
    assert "Lähettäjä" not in text and "Vastaanottava yksikkö" not in text


@pytest.mark.parametrize(("lang", "promise", "untrue"), [
    ("fi", "Jos annoit yhteystietosi, sinuun otetaan tarvittaessa yhteyttä.", "Lupa- ja valvontavirasto. Sinuun otetaan"),
    ("sv", "Om du gav dina kontaktuppgifter kontaktas du vid behov.", "verket. Du kontaktas vid behov."),
    ("en", "If you gave your contact details, you will be contacted if needed.", "Agency will handle the matter. You will"),
])
def test_feedback_without_a_reply_wanted_is_not_promised_contact(
        client: TestClient, lang: str, promise: str, untrue: str) -> None:
    """The accessibility feedback of someone who wants no reply gives no contact details: the confirmation and
    the receipt promise contact only to those who gave them."""
    answers = {"palvelu": "Verkkosivu", "ongelmat": ["nappaimisto"], "kuvaus": "Valikko ei aukea.", "vastaus": False}
    created = client.post("/api/v1/forms/saavutettavuuspalaute/submissions", json=answers)
    assert created.status_code == 201, created.text
    url = str(created.json()["receipt_url"])
    confirmation = client.get(f"{url.removesuffix('.pdf')}?lang={lang}").text
    page = " ".join(lxml.html.fromstring(confirmation).text_content().split())
    receipt = pdf_text(client.get(f"{url}?lang={lang}").content)
    for shown in (page, receipt):
        assert promise in shown and untrue not in shown
