"""File uploads: multipart, checked against type and size, kept as attachments with name, size,
media type and SHA-256, referenced from the answers, listed on the receipt."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from lomake.settings import Settings
from server import create_app
from tests.conftest import stored_answers

FORM = {
    "title": "Oikaisuvaatimus", "type": "object", "required": ["nimi", "paatos"],
    "properties": {
        "nimi": {"title": "Nimi", "type": "string"},
        "paatos": {"title": "Päätös valitusosoituksineen", "type": "string", "contentMediaType": "application/pdf",
                   "ui:options": {"maxSize": 2000}},
        "muut": {"title": "Muut liitteet", "type": "array", "items": {"type": "string", "format": "data-url"},
                 "ui:options": {"accept": [".pdf", "image/png"]}},
    },
}
PDF = b"%PDF-1.4\n% a tiny stand-in for a decision\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def client(tmp_path: Path) -> Any:
    (tmp_path / "oikaisu.json").write_text(json.dumps(FORM))
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        yield c


def send(client: TestClient, data: dict[str, Any], files: list[tuple[str, tuple[str, bytes, str]]]) -> Any:
    return client.post("/forms/oikaisu", data=data, files=files, follow_redirects=False)


def test_the_page_asks_for_files_and_says_what_it_takes(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/forms/oikaisu").text)
    assert doc.xpath("//form/@enctype") == ["multipart/form-data"]
    (single,) = doc.xpath("//input[@name='/paatos']")
    assert single.get("type") == "file" and single.get("accept") == "application/pdf" and single.get("multiple") is None
    assert doc.get_element_by_id("f_paatos-hint").text_content() == "Sallitut tiedostotyypit: PDF. Enintään 2 kt."
    (many,) = doc.xpath("//input[@name='/muut']")
    assert many.get("multiple") is not None and many.get("accept") == ".pdf,image/png"


def test_a_file_is_kept_across_a_failed_submit_then_claimed_and_on_the_receipt(client: TestClient) -> None:
    first = send(client, {"/nimi": ""}, [("/paatos", ("päätös.pdf", PDF, "application/pdf")),
                                         ("/muut", ("kartta.png", PNG, "image/png")),
                                         ("/muut", ("liite.pdf", PDF, "application/pdf"))])
    assert first.status_code == 422
    doc = lxml.html.fromstring(first.text)
    assert [p.text_content() for p in doc.xpath("//p[@class='uploaded']")] == [
        "Ladattu: päätös.pdf (1 kt)", "Ladattu: kartta.png (1 kt)", "Ladattu: liite.pdf (1 kt)"]
    kept = {i.get("name"): i.get("value") for i in doc.xpath("//input[@type='hidden'][contains(@name, '[kept]')]")}
    data = {name: [i.get("value") for i in doc.xpath(f"//input[@name='{name}']")] for name in kept}
    second = send(client, {**data, "/nimi": "Maija"}, [])
    assert second.status_code == 303, second.text
    (answers,) = stored_answers(client)
    assert answers["nimi"] == "Maija"
    assert re.fullmatch(r"attachment:[\w-]{32}", answers["paatos"]) and len(answers["muut"]) == 2
    pdf = client.get(second.headers["location"] + ".pdf").content
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Liitteet" in text and "päätös.pdf" in text and "kartta.png" in text
    assert hashlib.sha256(PDF).hexdigest() in text.replace(" ", "")
    assert "Päätös valitusosoituksineen päätös.pdf" in text
    again = send(client, {**data, "/nimi": "Toinen"}, [])
    assert again.status_code == 422 and "Lataa tiedosto uudelleen" in again.text


@pytest.mark.parametrize(("upload", "message"), [
    (("iso.pdf", PDF + b"x" * 3000, "application/pdf"),
     "Valitun tiedoston on oltava pienempi kuin 2 kt: ”Päätös valitusosoituksineen”."),
    (("kuva.pdf", PNG, "application/pdf"), "Valitse tiedosto, jonka tyyppi on PDF: ”Päätös valitusosoituksineen”."),
])
def test_files_that_break_the_limits_are_refused_and_not_kept(client: TestClient, upload: Any, message: str) -> None:
    response = send(client, {"/nimi": "Maija"}, [("/paatos", upload)])
    assert response.status_code == 422
    assert message in response.text
    assert "Ladattu" not in response.text
    path = client.app.state.lomake.settings.db_url.removeprefix("sqlite:///")  # type: ignore[attr-defined]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM attachments").fetchone()[0] == 0


def test_a_made_up_attachment_is_not_taken(client: TestClient) -> None:
    response = send(client, {"/nimi": "Maija", "/paatos[kept]": "x" * 32}, [])
    assert response.status_code == 422 and "Lataa tiedosto uudelleen: ”Päätös valitusosoituksineen”." in response.text
    assert stored_answers(client) == []


def test_the_api_takes_files_as_data_urls_and_stores_them_as_attachments(client: TestClient) -> None:
    import base64

    pdf_url = "data:application/pdf;name=p%C3%A4%C3%A4t%C3%B6s.pdf;base64," + base64.b64encode(PDF).decode()
    png_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    created = client.post("/api/v1/forms/oikaisu/submissions",
                          json={"nimi": "Maija", "paatos": pdf_url, "muut": [png_url]})
    assert created.status_code == 201, created.text
    (answers,) = stored_answers(client)
    assert answers["paatos"].startswith("attachment:") and answers["muut"][0].startswith("attachment:")
    pdf = client.get(created.json()["receipt_url"]).content
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "päätös.pdf" in text and "liite.png" in text
    wrong = client.post("/api/v1/forms/oikaisu/submissions", json={"nimi": "M", "paatos": png_url})
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [
        {"pointer": "/paatos", "message": "Valitse tiedosto, jonka tyyppi on PDF: ”Päätös valitusosoituksineen”."}]
    forged = client.post("/api/v1/forms/oikaisu/submissions", json={"nimi": "M", "paatos": answers["paatos"]})
    assert forged.status_code == 422


def test_a_file_in_a_list_item_is_taken_like_any_other(tmp_path: Path) -> None:
    rows = {"title": "Liitteet", "type": "object", "properties": {"liitteet": {
        "title": "Liitteet", "type": "array", "items": {"title": "Liite", "type": "object", "required": ["tiedosto"],
                                                       "properties": {"tiedosto": {"title": "Tiedosto", "type": "string",
                                                                                   "contentMediaType": "application/pdf"}}}}}}
    (tmp_path / "rivit.json").write_text(json.dumps(rows))
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        wrong = c.post("/forms/rivit", data={"/liitteet[count]": "1"},
                       files=[("/liitteet/0/tiedosto", ("kuva.png", PNG, "image/png"))])
        assert wrong.status_code == 422 and "PDF" in wrong.text
        sent = c.post("/forms/rivit", data={"/liitteet[count]": "1"}, follow_redirects=False,
                      files=[("/liitteet/0/tiedosto", ("päätös.pdf", PDF, "application/pdf"))])
        assert sent.status_code == 303, sent.text
        (stored,) = stored_answers(c)
        assert re.fullmatch(r"attachment:[\w-]{32}", stored["liitteet"][0]["tiedosto"])
        refused = c.post("/api/v1/forms/rivit/submissions", json={"liitteet": [
            {"tiedosto": "data:image/png;base64," + base64.b64encode(PNG).decode()}]})
        assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/liitteet/0/tiedosto"
