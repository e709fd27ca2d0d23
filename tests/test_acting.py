"""Acting on behalf of someone (`common/acting.json`): the follow-up questions appear only when they
apply, and the confirmation page and the PDF receipt say who acted for whom, on what ground."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.conftest import SCHEMAS, form_client, read_form, send_answers, stored_answers
from tests.test_receipt import pdf_text

FORM: dict[str, object] = {
    "title": "Hakemus", "type": "object", "required": ["asiointi"],
    "x-lomake": {"languages": ["fi", "sv", "en"]},
    "properties": {"asiointi": {"$ref": "common/acting.json"}},
}
PDF = b"%PDF-1.4\n% a power of attorney\n%%EOF\n"
FOR_A_CHILD = {"/asiointi/kenenPuolesta": "toinen", "/asiointi/peruste": "huoltaja",
               "/asiointi/paamies/nimi": "Matti Meikäläinen", "/asiointi/paamies/laji": "henkilo",
               "/asiointi/paamies/henkilotunnus": "010516b203b"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    shutil.copytree(SCHEMAS / "common", tmp_path / "common")
    with form_client(tmp_path, hakemus=FORM) as c:
        yield c


def test_follow_up_questions_sit_under_the_answer_they_depend_on(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/forms/hakemus").text)
    (acting_for,) = doc.xpath("//input[@name='/asiointi/kenenPuolesta'][@value='toinen']")
    assert acting_for.get("checked") is None  # the person chooses: nothing is chosen for them
    (ground,) = doc.xpath("//div[@class='conditional'][@data-when-field='/asiointi/kenenPuolesta']")
    assert ground.get("data-when-values") == '["toinen"]'
    theme, letter = ground.xpath(".//div[@class='conditional'][@data-when-field='/asiointi/peruste']")
    assert theme.get("data-when-values") == '["suomifi-valtuus"]' and theme.xpath(".//input/@name") == [
        "/asiointi/valtuusasia"]
    assert letter.get("data-when-values") == '["valtakirja"]'
    assert letter.xpath(".//input[@type='file']/@name") == ["/asiointi/valtakirja"]
    assert theme.xpath("./p")[0].text_content() == (
        "Vastaa, jos valitsit kohdassa ”Millä perusteella asioit toisen puolesta?” ”Minulla on Suomi.fi-valtuus”.")
    names = [n for n in ground.xpath(".//input/@name") if not n.endswith("]")]
    assert names == ["/asiointi/peruste"] * 5 + ["/asiointi/valtuusasia", "/asiointi/valtakirja",
                                                 "/asiointi/paamies/nimi"] + ["/asiointi/paamies/laji"] * 2 + [
        "/asiointi/paamies/henkilotunnus", "/asiointi/paamies/ytunnus"]


def send(client: TestClient, answers: dict[str, str]) -> Any:
    return send_answers(client, "hakemus", answers)


def test_the_person_must_choose_and_then_answer_what_applies(client: TestClient) -> None:
    nothing = send(client, {})
    assert nothing.status_code == 422 and "Valitse, asioitko omasta vai toisen puolesta." in nothing.text
    mismatch = send(client, {**FOR_A_CHILD, "/asiointi/paamies/laji": "organisaatio",
                                                "/asiointi/paamies/ytunnus": "2077474-0"})
    assert mismatch.status_code == 422 and "Valitse ”Henkilö”, kun asioit huoltajana tai edunvalvojana" in \
        mismatch.text
    no_id = send(client, {**FOR_A_CHILD, "/asiointi/paamies/henkilotunnus": ""})
    assert no_id.status_code == 422 and "Kirjoita päämiehen henkilötunnus tai syntymäaika." in no_id.text
    no_letter = send(client, {**FOR_A_CHILD, "/asiointi/peruste": "valtakirja"})
    assert no_letter.status_code == 422 and "Liitä valtakirja." in no_letter.text
    done = send(client, {**FOR_A_CHILD, "/asiointi/valtuusasia": "Verotus",
                                            "/asiointi/paamies/ytunnus": "2077474-0"})
    assert done.status_code == 303
    assert stored_answers(client) == [{"asiointi": {
        "kenenPuolesta": "toinen", "peruste": "huoltaja",
        "paamies": {"nimi": "Matti Meikäläinen", "laji": "henkilo", "henkilotunnus": "010516B203B"}}}]


def test_acting_for_oneself_drops_every_follow_up(client: TestClient) -> None:
    done = send(client, {**FOR_A_CHILD, "/asiointi/kenenPuolesta": "itse"})
    assert done.status_code == 303
    assert stored_answers(client) == [{"asiointi": {"kenenPuolesta": "itse"}}]
    page = client.get(done.headers["location"]).text
    assert "Lähettäjä toimi omasta puolestaan." in page


@pytest.mark.pdf
def test_the_receipt_says_who_acted_for_whom_in_finnish(client: TestClient) -> None:
    _, pairs = read_form(client.get("/forms/hakemus").text)
    answers = {**FOR_A_CHILD, "/asiointi/peruste": "valtakirja"}
    data = {n: [answers.get(n, v)] for n, v in pairs} | {k: [v] for k, v in answers.items()}
    sent = client.post("/forms/hakemus", data=data, files=[("/asiointi/valtakirja", ("valtakirja.pdf", PDF,
                                                                                      "application/pdf"))],
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text
    line = ("Lähettäjä toimi toisen puolesta. Päämies: Matti Meikäläinen. Peruste: valtakirja (liitteenä "
            "valtakirja.pdf (1 kt)).")
    page = lxml.html.fromstring(client.get(sent.headers["location"]).text)
    assert page.xpath("//p[@class='acting']")[0].text_content() == line
    text = pdf_text(client.get(sent.headers["location"] + ".pdf").content)
    assert f"Kenen puolesta {line}" in text
    assert "Valtakirja valtakirja.pdf (1 kt)" in text and "Henkilötunnus 010516B203B" in text


@pytest.mark.pdf
def test_the_receipt_says_who_acted_for_whom_in_swedish(client: TestClient) -> None:
    letter = "data:application/pdf;name=fullmakt.pdf;base64," + base64.b64encode(PDF).decode()
    company = {"asiointi": {"kenenPuolesta": "toinen", "peruste": "valtakirja", "valtakirja": letter,
                            "paamies": {"nimi": "Esimerkki Ab", "laji": "organisaatio", "ytunnus": "2077474-0"}}}
    created = client.post("/api/v1/forms/hakemus/submissions?lang=sv", json=company)
    assert created.status_code == 201, created.text
    text = pdf_text(client.get(created.json()["receipt_url"]).content)
    assert ("För vem Avsändaren uträttade ärendet för någon annan. Huvudman: Esimerkki Ab (2077474-0). Grund: "
            "fullmakt (bifogad: fullmakt.pdf (1 kB)).") in text
    assert "Mottagningskvitto" in text and "finsk tid" in text
    english = client.get(created.json()["receipt_url"].replace("?lang=sv", "") + "?lang=en").content
    assert "The sender acted for someone else. Principal: Esimerkki Ab (2077474-0). Grounds: power of attorney" in \
        pdf_text(english)
