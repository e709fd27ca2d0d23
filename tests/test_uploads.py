"""File uploads: multipart, checked against type and size, kept as attachments with name, size,
media type and SHA-256, referenced from the answers, listed on the receipt."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app
from submission.storage import Draft
from tests.conftest import SCHEMAS, form_client, page_csrf, read_form, shown_again, storage_of, stored_answers
from tests.samples import OIKAISUVAATIMUS
from tests.test_journey import walk_pages

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
    """Post the one-page form as a browser does from the page it shows (with its CSRF token once a draft keeps
    it); a page not taken is that page shown again (`shown_again`)."""
    token = dict(page_csrf(client.get("/forms/oikaisu").text))
    return shown_again(client, client.post("/forms/oikaisu", data={**token, **data}, files=files,
                                           follow_redirects=False))


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
    assert [p.text_content() for p in doc.xpath("//p[@class='uploaded-file__name']")] == [
        "Ladattu: päätös.pdf (1 kt)", "Ladattu: kartta.png (1 kt)", "Ladattu: liite.pdf (1 kt)"]
    kept = {i.get("name"): i.get("value") for i in doc.xpath("//input[@type='hidden'][contains(@name, '[kept]')]")}
    data = {name: [i.get("value") for i in doc.xpath(f"//input[@name='{name}']")] for name in kept}
    second = send(client, {**data, "/nimi": "Maija"}, [])
    assert second.status_code == 303, second.text
    (answers,) = stored_answers(client)
    assert answers["nimi"] == "Maija"
    assert re.fullmatch(r"attachment:[\w-]{32}", answers["paatos"]) and len(answers["muut"]) == 2
    pdf = client.get(second.headers["location"].replace("?", ".pdf?")).content
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Liitteet" in text and "päätös.pdf" in text and "kartta.png" in text
    assert hashlib.sha256(PDF).hexdigest() in text.replace(" ", "")
    assert "Päätös valitusosoituksineen päätös.pdf" in text
    again = send(client, {**data, "/nimi": "Toinen"}, [])
    assert again.status_code == 422 and "Valitse tiedosto uudelleen" in again.text


@pytest.mark.parametrize(("upload", "message"), [
    (("iso.pdf", PDF + b"x" * 3000, "application/pdf"),
     "Päätös valitusosoituksineen: Valitun tiedoston on oltava pienempi kuin 2 kt."),
    (("kuva.pdf", PNG, "application/pdf"), "Päätös valitusosoituksineen: Valitse tiedosto, jonka tyyppi on PDF."),
])
def test_files_that_break_the_limits_are_refused_and_not_kept(client: TestClient, upload: Any, message: str) -> None:
    response = send(client, {"/nimi": "Maija"}, [("/paatos", upload)])
    assert response.status_code == 422
    assert message in response.text
    assert "Ladattu" not in response.text
    assert asyncio.run(storage_of(client).count_attachments()) == 0


def test_a_made_up_attachment_is_not_taken(client: TestClient) -> None:
    response = send(client, {"/nimi": "Maija", "/paatos[kept]": "x" * 32}, [])
    assert response.status_code == 422 and "Päätös valitusosoituksineen: Valitse tiedosto uudelleen: sitä ei enää ole tallessa." in response.text
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
        {"pointer": "/paatos", "message": "Valitse tiedosto, jonka tyyppi on PDF."}]
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
        sent = c.post("/forms/rivit", data={"/liitteet[count]": "1", **dict(page_csrf(wrong.text))},
                      follow_redirects=False, files=[("/liitteet/0/tiedosto", ("päätös.pdf", PDF, "application/pdf"))])
        assert sent.status_code == 303, sent.text
        (stored,) = stored_answers(c)
        assert re.fullmatch(r"attachment:[\w-]{32}", stored["liitteet"][0]["tiedosto"])
        refused = c.post("/api/v1/forms/rivit/submissions", json={"liitteet": [
            {"tiedosto": "data:image/png;base64," + base64.b64encode(PNG).decode()}]})
        assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/liitteet/0/tiedosto"


# A long form: the rectification request's attachments page, as a browser without JavaScript posts it.
LIITTEET = "/forms/oikaisuvaatimus/pages/liitteet"
#: A decision of about 3.4 kB.
DECISION = PDF + b"%" + b"x" * 3400 + b"\n"


@pytest.fixture
def long_form(tmp_path: Path) -> Iterator[TestClient]:
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    (tmp_path / "schemas" / "oikaisu.json").write_text(json.dumps(FORM))
    with form_client(tmp_path / "schemas") as c:
        yield c


def to_attachments(client: TestClient, lang: str = "fi") -> str:
    """Answer every page before the attachments page; its address."""
    answers = {k: v for k, v in OIKAISUVAATIMUS.items() if k not in ("paatosliite", "liitteet", "vakuutus")}
    return walk_pages(client, f"/forms/oikaisuvaatimus/pages/tekija?lang={lang}", answers, {}, stop_at="/liitteet")


def post_form(client: TestClient, html: str, answers: dict[str, str] | None = None,
              files: dict[str, tuple[str, bytes, str]] | None = None, **extra: str) -> Any:
    """Post the form in `html` as a browser would: what it holds, `answers` over it, and the `files` chosen
    (a file input left alone sends an empty part; `files` may also fill rows that `answers` add); a page not
    taken is that page shown again (`shown_again`)."""
    action, pairs = read_form(html)
    inputs = lxml.html.fromstring(html).xpath("//form[@class='form']//input[@type='file']/@name")
    chosen = [*(files or {}).items(), *((n, ("", b"", "application/octet-stream")) for n in inputs
                                        if n not in (files or {}))]
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        if name not in (answers or {}) and name not in inputs:
            data.setdefault(name, []).append(value)
    data |= {k: [v] for k, v in {**(answers or {}), **extra}.items()}
    return shown_again(client, client.post(action, data=data, files=chosen, follow_redirects=False))


def post_page(client: TestClient, url: str, answers: dict[str, str] | None = None,
              files: dict[str, tuple[str, bytes, str]] | None = None, **extra: str) -> Any:
    """Open the page at `url` and post it."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    return post_form(client, response.text, answers, files, **extra)


def shown_files(html: str) -> list[str]:
    return [p.text_content() for p in lxml.html.fromstring(html).xpath("//p[@class='uploaded-file__name']")]


def kept_ids(html: str) -> dict[str, list[str]]:
    doc = lxml.html.fromstring(html)
    found: dict[str, list[str]] = {}
    for i in doc.xpath("//input[@type='hidden'][substring(@name, string-length(@name) - 5) = '[kept]']"):
        found.setdefault(i.get("name"), []).append(i.get("value"))
    return found


def draft_answers(client: TestClient) -> dict[str, Any]:
    return current_draft_of(client).data


def current_draft_of(client: TestClient) -> Draft:
    draft = asyncio.run(storage_of(client).draft(client.cookies.get("lomake_draft") or ""))
    assert draft is not None
    return draft


@pytest.mark.parametrize(("lang", "uploaded", "remove", "replace", "size"), [
    ("fi", "Ladattu", "Poista", "Vaihda tiedosto", "3 kt"),
    ("sv", "Uppladdad", "Ta bort", "Byt fil", "3 kB"),
    ("en", "Uploaded", "Remove", "Replace file", "3 kB"),
])
def test_an_uploaded_decision_stays_on_back_and_on_change_from_the_review(
        long_form: TestClient, lang: str, uploaded: str, remove: str, replace: str, size: str) -> None:
    """Issue 9, item 2: upload the decision, Jatka, Takaisin: the file is shown and Jatka passes; also from "Muuta"."""
    page = to_attachments(long_form, lang)
    sent = post_page(long_form, page, files={"/paatosliite": ("päätös.pdf", DECISION, "application/pdf")})
    assert sent.status_code == 303 and sent.headers["location"] == f"/forms/oikaisuvaatimus/review?lang={lang}"
    stored = draft_answers(long_form)["paatosliite"]

    review = long_form.get(sent.headers["location"])
    back = lxml.html.fromstring(review.text).xpath("string(//a[@class='back-link']/@href)")
    assert back == f"{LIITTEET}?lang={lang}"
    shown = long_form.get(back).text
    doc = lxml.html.fromstring(shown)
    assert shown_files(shown) == [f"{uploaded}: päätös.pdf ({size})"]
    assert kept_ids(shown) == {"/paatosliite[kept]": [stored.removeprefix("attachment:")]}
    (button,) = doc.xpath("//button[@name='_action'][starts-with(@value, 'remove-file /paatosliite ')]")
    assert " ".join(button.text_content().split()) == f"{remove} päätös.pdf"
    assert doc.xpath("string(//label[@for='f_paatosliite'])") == replace
    (group,) = doc.xpath("//fieldset[@id='f_paatosliite-group']")
    assert group.get("aria-describedby") == "f_paatosliite-hint" and group.xpath("string(legend)")

    again = post_page(long_form, back)  # Jatka, no new file chosen
    assert again.status_code == 303, re.findall(r'class="error-message">(.*?)</p>', again.text)
    assert draft_answers(long_form)["paatosliite"] == stored

    change = lxml.html.fromstring(long_form.get(again.headers["location"]).text).xpath(
        "//a[contains(@href, '#f_paatosliite')]/@href")
    assert change == [f"{LIITTEET}?lang={lang}&return=review#f_paatosliite"]
    changing = long_form.get(change[0]).text
    assert shown_files(changing) == [f"{uploaded}: päätös.pdf ({size})"]
    back_to_review = post_page(long_form, change[0].split("#")[0])
    assert back_to_review.headers["location"] == f"/forms/oikaisuvaatimus/review?lang={lang}"
    assert draft_answers(long_form)["paatosliite"] == stored
    receipt = post_page(long_form, back_to_review.headers["location"], {"/vakuutus": "true"})
    assert receipt.status_code == 303 and receipt.headers["location"].startswith("/receipts/")
    (answers,) = stored_answers(long_form)
    assert answers["paatosliite"] == stored


def test_files_of_other_attachments_rows_stay_and_can_be_removed_or_replaced(long_form: TestClient) -> None:
    page = to_attachments(long_form)
    sent = post_page(long_form, page, {"/liitteet[count]": "2", "/liitteet/0/laji": "selvitys",
                                       "/liitteet/1/laji": "kartta"},
                     files={"/paatosliite": ("päätös.pdf", PDF, "application/pdf"),
                            "/liitteet/0/tiedosto": ("lausunto.pdf", PDF, "application/pdf"),
                            "/liitteet/1/tiedosto": ("kartta.png", PNG, "image/png")})
    assert sent.status_code == 303, re.findall(r'class="error-message">(.*?)</p>', sent.text)
    shown = long_form.get(page).text
    assert shown_files(shown) == ["Ladattu: päätös.pdf (1 kt)", "Ladattu: lausunto.pdf (1 kt)",
                                  "Ladattu: kartta.png (1 kt)"]
    first = kept_ids(shown)["/liitteet/0/tiedosto[kept]"][0]

    removed = post_form(long_form, shown, _action=f"remove-file /liitteet/0/tiedosto {first}")
    assert removed.status_code == 200  # the page again, without that file; nothing is saved before Jatka
    assert shown_files(removed.text) == ["Ladattu: päätös.pdf (1 kt)", "Ladattu: kartta.png (1 kt)"]
    assert draft_answers(long_form)["liitteet"][0]["tiedosto"] == f"attachment:{first}"
    missing = post_form(long_form, removed.text)
    assert missing.status_code == 422
    assert lxml.html.fromstring(missing.text).xpath("string(//p[@id='f_liitteet_0_tiedosto-error'])") == (
        "Virhe: Valitse liitetiedosto.")
    assert shown_files(missing.text) == ["Ladattu: päätös.pdf (1 kt)", "Ladattu: kartta.png (1 kt)"]

    replaced = post_form(long_form, missing.text, files={"/liitteet/0/tiedosto": ("uusi.pdf", PDF, "application/pdf"),
                                                         "/paatosliite": ("korjattu.pdf", PDF, "application/pdf")})
    assert replaced.status_code == 303
    rows = draft_answers(long_form)["liitteet"]
    assert [r["laji"] for r in rows] == ["selvitys", "kartta"]
    assert rows[1]["tiedosto"] == "attachment:" + kept_ids(shown)["/liitteet/1/tiedosto[kept]"][0]
    shown = long_form.get(page).text
    assert shown_files(shown) == ["Ladattu: korjattu.pdf (1 kt)", "Ladattu: uusi.pdf (1 kt)",
                                  "Ladattu: kartta.png (1 kt)"]

    without_row = post_form(long_form, shown, _action="remove /liitteet/0")  # the row's file goes with it
    assert shown_files(without_row.text) == ["Ladattu: korjattu.pdf (1 kt)", "Ladattu: kartta.png (1 kt)"]
    assert kept_ids(without_row.text)["/liitteet/0/tiedosto[kept]"] == kept_ids(shown)["/liitteet/1/tiedosto[kept]"]
    decision = kept_ids(without_row.text)["/paatosliite[kept]"][0]
    no_decision = post_form(long_form, without_row.text, _action=f"remove-file /paatosliite {decision}")
    assert shown_files(no_decision.text) == ["Ladattu: kartta.png (1 kt)"]
    assert lxml.html.fromstring(no_decision.text).xpath("string(//label[@for='f_paatosliite'])") == (
        "Päätös oikaisuvaatimusohjeineen")
    refused = post_form(long_form, no_decision.text)
    assert refused.status_code == 422 and "Liitä päätös ja sen oikaisuvaatimusohje." in refused.text
    assert "paatosliite" not in draft_answers(long_form)
    assert [r.get("tiedosto") for r in draft_answers(long_form)["liitteet"]] == [rows[1]["tiedosto"]]


def held_by(client: TestClient, attachment: str, owner: str) -> bool:
    """Whether `owner` (a draft's id or an upload key's hash) holds the upload, which no submission claimed."""
    return [a.id for a in asyncio.run(storage_of(client).owned_attachments([attachment], owner))] == [attachment]


def test_an_upload_of_someone_else_cannot_be_claimed_as_kept(long_form: TestClient) -> None:
    """A posted `[kept]` id counts only for the draft (or one-page form's upload key) that uploaded the file."""
    gone = "Valitse tiedosto uudelleen: sitä ei enää ole tallessa."
    page = to_attachments(long_form)
    mine = post_page(long_form, page, files={"/paatosliite": ("salainen päätös.pdf", PDF, "application/pdf")})
    assert mine.status_code == 303
    victim = current_draft_of(long_form)
    theirs = victim.data["paatosliite"].removeprefix("attachment:")

    thief = TestClient(long_form.app)  # another browser, with a draft of its own
    assert thief.cookies.get("lomake_draft") is None
    stolen = post_page(thief, to_attachments(thief), {"/paatosliite[kept]": theirs})
    assert stolen.status_code == 422 and gone in stolen.text
    assert "salainen" not in stolen.text and kept_ids(stolen.text) == {}
    assert "paatosliite" not in draft_answers(thief)
    assert held_by(long_form, theirs, victim.id)
    review = thief.get("/forms/oikaisuvaatimus/review", follow_redirects=False)  # not even on a review
    assert "salainen" not in review.text

    one_page = send(thief, {"/nimi": "Varas", "/paatos[kept]": theirs}, [])  # nor through a one-page form
    assert one_page.status_code == 422 and "Valitse tiedosto uudelleen" in one_page.text
    assert "salainen" not in one_page.text
    tried = send(long_form, {"/nimi": ""}, [("/paatos", ("oma.pdf", PDF, "application/pdf"))])
    attempt = kept_ids(tried.text)["/paatos[kept]"][0]
    assert send(thief, {"/nimi": "Varas", "/paatos[kept]": attempt}, []).status_code == 422
    borrowed = post_page(thief, f"{LIITTEET}?lang=fi", {"/paatosliite[kept]": attempt})
    assert borrowed.status_code == 422 and "oma.pdf" not in borrowed.text
    assert stored_answers(long_form) == []

    # Their owners still have them.
    assert send(long_form, {"/nimi": "Maija", "/paatos[kept]": attempt}, []).status_code == 303
    shown = long_form.get(f"{LIITTEET}?lang=fi").text
    assert shown_files(shown) == ["Ladattu: salainen päätös.pdf (1 kt)"]
    to_review = post_form(long_form, shown)
    assert post_page(long_form, to_review.headers["location"], {"/vakuutus": "true"}).status_code == 303
    assert [a.get("paatosliite", a.get("paatos")) for a in stored_answers(long_form)] == [
        f"attachment:{attempt}", f"attachment:{theirs}"]


def test_a_one_page_form_keeps_its_uploads_for_its_own_browser_and_can_remove_them(client: TestClient) -> None:
    """A refused send (Post/Redirect/Get) starts a draft that holds the files; its cookie is the browser's own."""
    refused = client.post("/forms/oikaisu", data={"/nimi": ""}, follow_redirects=False,
                          files=[("/paatos", ("päätös.pdf", PDF, "application/pdf")),
                                 ("/muut", ("kartta.png", PNG, "image/png")), ("/muut", ("liite.pdf", PDF, "application/pdf"))])
    assert refused.status_code == 303 and refused.headers["location"] == "/forms/oikaisu?lang=fi&checked=1"
    cookie = refused.headers["set-cookie"].lower()
    assert cookie.startswith("lomake_draft=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/forms/oikaisu" in cookie and "lomake_uploads" not in cookie
    failed = client.get(refused.headers["location"])
    assert failed.status_code == 422
    assert all(held_by(client, i, current_draft_of(client).id) for ids in kept_ids(failed.text).values() for i in ids)
    doc = lxml.html.fromstring(failed.text)
    assert doc.xpath("string(//label[@for='f_muut'])") == "Lisää tiedostoja"
    assert doc.xpath("string(//label[@for='f_paatos'])") == "Vaihda tiedosto"
    png = kept_ids(failed.text)["/muut[kept]"][0]
    fewer = post_form(client, failed.text, _action=f"remove-file /muut {png}")
    assert fewer.status_code == 200 and fewer.url.query == b"lang=fi&checked=1"  # (Post/Redirect/Get too)
    assert shown_files(fewer.text) == ["Ladattu: päätös.pdf (1 kt)", "Ladattu: liite.pdf (1 kt)"]
    more = post_form(client, fewer.text, {"/nimi": "Maija"}, {"/muut": ("lisä.png", PNG, "image/png")})
    assert more.status_code == 303
    (answers,) = stored_answers(client)
    assert len(answers["muut"]) == 2 and f"attachment:{png}" not in answers["muut"]


def test_a_one_page_form_saved_for_later_keeps_its_files_in_the_draft(client: TestClient) -> None:
    """Files uploaded on a one-page form, then "save and continue later": the draft holds them, so the resumed
    page shows them (in another browser too) and sending takes them."""
    first = send(client, {"/nimi": "", "_action": "save"}, [("/paatos", ("päätös.pdf", PDF, "application/pdf"))])
    assert first.status_code == 303 and first.headers["location"].startswith("/forms/oikaisu/saved")
    saved = client.get(first.headers["location"])
    link = lxml.html.fromstring(saved.text).xpath("string(//a[contains(@class, 'resume-link')])")
    client.cookies.clear()  # another browser: only the link
    resumed = client.get(link)
    assert resumed.status_code == 200, resumed.text
    assert shown_files(resumed.text) == ["Ladattu: päätös.pdf (1 kt)"]
    sent = post_form(client, resumed.text, {"/nimi": "Maija"})
    assert sent.status_code == 303, sent.text
    (answers,) = stored_answers(client)
    assert answers["paatos"].startswith("attachment:") and answers["nimi"] == "Maija"


def test_an_upload_key_is_set_no_more_but_one_set_before_still_hands_on_its_files(client: TestClient) -> None:
    """A page not taken is kept in a draft, which holds its files: no upload key's cookie is set. One that a page
    answered before (until its files' grace is over) still names its files, and the draft takes them; another
    browser naming them gets nothing."""
    refused = client.post("/forms/oikaisu", data={"/nimi": ""}, follow_redirects=False)
    assert refused.status_code == 303 and "lomake_uploads" not in refused.headers["set-cookie"]
    client.cookies.clear()
    key = "k" * 43
    earlier = asyncio.run(storage_of(client).add_attachment("päätös.pdf", "application/pdf", PDF,
                                                             hashlib.sha256(key.encode()).hexdigest()))
    client.cookies.set("lomake_uploads", key, path="/forms/oikaisu")
    uploaded = send(client, {"/nimi": "", "/paatos[kept]": earlier.id}, [])
    assert uploaded.status_code == 422 and shown_files(uploaded.text) == ["Ladattu: päätös.pdf (1 kt)"]
    assert held_by(client, earlier.id, current_draft_of(client).id)
    client.cookies.clear()  # another browser (no key, no draft) naming the file: it is not theirs
    stranger = send(client, {"/nimi": "Maija", "/paatos[kept]": earlier.id}, [])
    assert stranger.status_code == 422 and "päätös.pdf" not in stranger.text
