"""What the API accepts is what the form accepts: files are real files, typed by their content,
and the record holds only the answers the form asks for."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app
from tests.conftest import api_key, storage_of, stored_answers
from tests.samples import PDF, PNG

FORM = {
    "title": "Oikaisuvaatimus", "type": "object", "required": ["nimi"],
    "properties": {
        "nimi": {"title": "Nimi", "type": "string"},
        "paatos": {"title": "Päätös", "type": "string", "contentMediaType": "application/pdf"},
        "muut": {"title": "Muut liitteet", "type": "array", "items": {"type": "string", "format": "data-url"},
                 "ui:options": {"accept": [".pdf", "image/png"]}},
        "osoite": {"title": "Osoite", "type": "object", "properties": {"katu": {"title": "Katu", "type": "string"}}},
    },
}
ALLOWED = "Valitse tiedosto, jonka tyyppi on PDF."
ACTIVE = ("PDF-tiedostossa ei saa olla skriptejä, automaattisia toimintoja eikä upotettuja tiedostoja. Tulosta tai "
          "tallenna se uudeksi PDF-tiedostoksi ja valitse se.")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    (tmp_path / "oikaisu.json").write_text(json.dumps(FORM))
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        yield c


def data_url(content: bytes, media: str = "application/pdf") -> str:
    return f"data:{media};base64," + base64.b64encode(content).decode()


def submit(client: TestClient, answers: dict[str, Any]) -> Any:
    return client.post("/api/v1/forms/oikaisu/submissions", json=answers)


def pdf_with(change: Any) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("value", ["päätös.pdf", "attachment:" + "x" * 32, "data:application/pdf,plain", ""])
def test_a_file_answer_through_the_api_must_be_a_data_url(client: TestClient, value: str) -> None:
    response = submit(client, {"nimi": "Maija", "paatos": value})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": "/paatos", "message": (
        "Lähetä tiedosto data-URL-muodossa: data:<tyyppi>;base64,<sisältö>.")}]
    listed = submit(client, {"nimi": "Maija", "muut": [data_url(PDF), "kartta.png"]})
    assert listed.status_code == 422 and listed.json()["errors"][0]["pointer"] == "/muut"
    assert stored_answers(client) == []


def test_a_file_answer_in_a_draft_must_be_a_data_url_too(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(schemas_dir=Path(__file__).resolve().parent.parent / "schemas",
                                        db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        key = api_key(c, "lvv")
        response = c.post("/api/v1/forms/oikaisuvaatimus/drafts", json={"paatosliite": "päätös.pdf"}, headers=key)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/paatosliite"
        kept = c.post("/api/v1/forms/oikaisuvaatimus/drafts", json={"paatosliite": data_url(PDF)}, headers=key)
        assert kept.status_code == 201, kept.text


EXECUTABLE = b"MZ\x90\x00\x03" + b"\x00" * 60 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 60
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 60
GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + b"\x00" * 30


@pytest.mark.parametrize("content", [EXECUTABLE, ELF, HTML, ZIP, GZIP, PNG, b"just text, named .pdf"],
                         ids=["exe", "elf", "html", "zip", "gzip", "png", "text"])
def test_a_file_is_typed_by_its_content_not_its_name(client: TestClient, content: bytes) -> None:
    page = client.post("/forms/oikaisu", data={"/nimi": "Maija"},
                       files=[("/paatos", ("päätös.pdf", content, "application/pdf"))])
    assert page.status_code == 422 and ALLOWED in page.text
    api = submit(client, {"nimi": "Maija", "paatos": data_url(content)})
    assert api.json()["errors"] == [{"pointer": "/paatos", "message": ALLOWED}]
    named = submit(client, {"nimi": "Maija", "paatos": "data:application/pdf;name=a.pdf;base64,"
                            + base64.b64encode(content).decode()})
    assert named.status_code == 422
    assert stored_answers(client) == []


def test_an_accepted_extension_is_the_type_it_names(client: TestClient) -> None:
    refused = submit(client, {"nimi": "Maija", "muut": ["data:application/pdf;name=a.pdf;base64,"
                                                        + base64.b64encode(ZIP).decode()]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == "Valitse tiedosto, jonka tyyppi on .pdf, PNG."
    taken = submit(client, {"nimi": "Maija", "muut": [data_url(PDF), data_url(PNG, "image/png")]})
    assert taken.status_code == 201, taken.text


ACTIVE_PDFS = {
    "javascript": pdf_with(lambda w: w.add_open_action(JavaScript("app.alert(1)"))),
    "embedded file": pdf_with(lambda w: w.add_attachment("ohje.exe", b"MZ")),
    "launch": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >>\nendobj\n%%EOF\n",
    "escaped name": b"%PDF-1.4\n1 0 obj\n<< /OpenAction << /S /J#61vaScript /J#53 (x) >> >>\nendobj\n%%EOF\n",
    "object stream": b"%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n"
                     + zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>") + b"\nendstream\nendobj\n%%EOF\n",
}


@pytest.mark.parametrize("content", ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_pdfs_with_scripts_actions_or_embedded_files_are_refused(client: TestClient, content: bytes) -> None:
    page = client.post("/forms/oikaisu", data={"/nimi": "Maija"},
                       files=[("/paatos", ("päätös.pdf", content, "application/pdf"))])
    assert page.status_code == 422 and ACTIVE in page.text
    api = submit(client, {"nimi": "Maija", "paatos": data_url(content)})
    assert api.json()["errors"] == [{"pointer": "/paatos", "message": ACTIVE}]
    assert asyncio.run(storage_of(client).count_attachments()) == 0


def test_a_pdf_that_only_opens_at_a_page_is_taken(client: TestClient) -> None:
    plain = pdf_with(lambda w: None)
    viewed = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction [3 0 R /FitH null] >>\nendobj\n%%EOF\n"
    for content in (plain, viewed, PDF):
        assert submit(client, {"nimi": "Maija", "paatos": data_url(content)}).status_code == 201


def test_answers_the_form_does_not_ask_are_refused_at_their_pointers(client: TestClient) -> None:
    deep: Any = "pohja"
    for _ in range(60):
        deep = {"taso": deep}
    response = submit(client, {"nimi": "Maija", "tuntematon": 1, "osoite": {"katu": "Tie 1", "ovi": "A"},
                               "syva": deep, "a/b~c": True})
    assert response.status_code == 422
    assert response.json()["errors"] == [  # in the page's order: under a question it asks first, then the rest
        {"pointer": "/osoite/ovi", "message": "Lomakkeessa ei ole kohtaa ”ovi”."},
        {"pointer": "/a~1b~0c", "message": "Lomakkeessa ei ole kohtaa ”a/b~c”."},
        {"pointer": "/syva", "message": "Lomakkeessa ei ole kohtaa ”syva”."},
        {"pointer": "/tuntematon", "message": "Lomakkeessa ei ole kohtaa ”tuntematon”."},
    ]
    assert stored_answers(client) == []


def test_the_page_path_stores_only_what_the_form_asks(client: TestClient) -> None:
    sent = client.post("/forms/oikaisu", data={"/nimi": "Maija", "/tuntematon": "1", "/osoite/ovi": "A",
                                               "/osoite/katu": "Tie 1"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert stored_answers(client) == [{"nimi": "Maija", "osoite": {"katu": "Tie 1"}}]


def test_a_draft_through_the_api_takes_no_unknown_answers(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(schemas_dir=Path(__file__).resolve().parent.parent / "schemas",
                                        db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        response = c.post("/api/v1/forms/oikaisuvaatimus/drafts", headers=api_key(c, "lvv"),
                          json={"vaatija": {"etunimet": "Maija", "lempinimi": "Mai"}, "piilo": {"x": 1}})
        assert response.status_code == 422
        assert [e["pointer"] for e in response.json()["errors"]] == ["/vaatija/lempinimi", "/piilo"]


def test_an_answer_named_by_a_digit_that_is_not_0_to_9_is_refused_not_a_server_error(client: TestClient) -> None:
    """"¹" and "٣" are digits to Python's `str.isdigit`, not list indexes (found by Schemathesis: a 500)."""
    response = submit(client, {"nimi": "Maija", "\u00b9": {"": None}, "osoite": {"\u0663": 1, "katu": "Tie 1"}})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/osoite/\u0663", "/\u00b9"]
