"""What happens next and the legal pages, from the agency's file: the registry office, the case-number word,
the handling time, the privacy notice and one accessibility statement per agency."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from lomake.check import check_paths
from server import create_app
from tests.samples import KANTELU
from tests.test_receipt import pdf_text

#: What each language's confirmation and receipt say about the complaint sent to the LVV.
NEXT = {
    "fi": ("Asianumero", "Kantelu käsitellään yleensä kuuden kuukauden kuluessa.", "Lupa- ja valvontaviraston kirjaamo",
           "Asian käsittelee Lupa- ja valvontavirasto", "mainitse yhteydenotossa asianumero"),
    "sv": ("Diarienummer", "Ett klagomål behandlas vanligen inom sex månader.",
           "Tillstånds- och tillsynsverkets registratorskontor", "Ärendet behandlas av Tillstånds- och tillsynsverket",
           "Ange då diarienummer"),
    "en": ("Case number", "A complaint is usually handled within six months.",
           "Registry office of the Permit and Supervision Agency",
           "The Permit and Supervision Agency will handle the matter", "quote the case number"),
}
OFFICE = ("kirjaamo@lvv.fi", "+358 295 000 000")
#: The PO box in the page's language: no Finnish "PL" on a Swedish or English page.
BOX = {"fi": "PL 100, 00521 Helsinki", "sv": "PB 100, 00521 Helsingfors", "en": "P.O. Box 100, 00521 Helsinki"}
PRIVACY = {"fi": "https://lvv.fi/tietosuoja", "sv": "https://lvv.fi/sv/dataskydd", "en": "https://lvv.fi/en/data-protection"}


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def sent_complaint(client: TestClient, lang: str) -> str:
    created = client.post(f"/api/v1/forms/kantelu/submissions?lang={lang}", json=KANTELU)
    assert created.status_code == 201
    return str(created.json()["receipt_url"]).removesuffix(".pdf")


@pytest.mark.pdf
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_confirmation_and_receipt_say_what_happens_next(client: TestClient, lang: str) -> None:
    confirmation = sent_complaint(client, lang)
    page = client.get(f"{confirmation}?lang={lang}").text
    pdf = pdf_text(client.get(f"{confirmation}.pdf?lang={lang}").content)
    for shown in (visible(page), pdf):
        for phrase in (*NEXT[lang], *OFFICE, BOX[lang]):
            assert phrase.lower() in shown.lower(), (lang, phrase)
        assert lang == "fi" or "PL 100" not in shown
        assert "viitenumero" not in shown.lower() and "Quote the reference number" not in shown
    assert f'href="{PRIVACY[lang]}"' in page
    assert PRIVACY[lang] in pdf
    assert 'href="mailto:kirjaamo@lvv.fi"' in page


def test_an_agency_without_an_office_says_no_contact_and_the_service_word(schemas: Path, settings: Settings) -> None:
    (schemas / "agencies" / "lvv.json").write_text(json.dumps({"name": {"fi": "Lupa- ja valvontavirasto"},
                                                               "reference": "LVV/{seq}/{year}"}))
    with TestClient(create_app(settings), base_url="http://lomake.test") as fresh:
        page = visible(fresh.get(sent_complaint(fresh, "fi")).text)
    assert "Asianumero" in page
    assert "Postiosoite" not in page and "kirjaamo" not in page and "tietosuojaseloste" not in page


@pytest.mark.parametrize(("form_id", "first_personal"), [
    ("kantelu/pages/kantelija", "kantelija"),  # found: the first question that uses common/person.json
    ("saavutettavuuspalaute", "vastaus"),  # named by the form's `personal_data`
])
def test_the_privacy_notice_is_linked_next_to_the_first_personal_question(client: TestClient, form_id: str,
                                                                         first_personal: str) -> None:
    page = client.get(f"/forms/{form_id}?lang=en").text
    link = f'<p class="privacy-notice"><a href="{PRIVACY["en"]}">How we process your personal data (privacy notice)</a></p>'
    assert page.count(link) == 1
    before, after = page.split(link, 1)
    assert f'id="f_{first_personal}' not in before
    next_question = re.search(r'id="f_[^"]+"', after)
    assert next_question is not None and next_question.group(0).startswith(f'id="f_{first_personal}')


def test_a_form_without_personal_questions_links_no_privacy_notice(schemas: Path, settings: Settings) -> None:
    document = json.loads((schemas / "saavutettavuuspalaute.json").read_text())
    del document["x-lomake"]["personal_data"]
    (schemas / "saavutettavuuspalaute.json").write_text(json.dumps(document))
    with TestClient(create_app(settings), base_url="http://lomake.test") as fresh:
        assert "privacy-notice" not in fresh.get("/forms/saavutettavuuspalaute").text


@pytest.mark.parametrize(("lang", "phrases"), [
    ("fi", ("Saavutettavuusseloste: Lupa- ja valvontavirasto", "laadittu 15.1.2026", "päivitetty viimeksi 20.11.2026",
            "axe-core", "NVDA", "Liitteiksi ladattujen PDF-tiedostojen", "Traficom", "306/2019", "kirjaamo@lvv.fi")),
    ("sv", ("Tillgänglighetsutlåtande: Tillstånds- och tillsynsverket", "utarbetats 15.1.2026",
            "uppdaterades senast 20.11.2026", "axe-core", "NVDA", "PDF-filer", "Traficom", "306/2019")),
    ("en", ("Accessibility statement: Permit and Supervision Agency", "prepared on 15.1.2026",
            "last updated on 20.11.2026", "axe-core", "NVDA", "PDF files uploaded", "Traficom", "306/2019")),
])
def test_each_agency_has_its_own_accessibility_statement(client: TestClient, lang: str,
                                                        phrases: tuple[str, ...]) -> None:
    response = client.get(f"/accessibility/lvv?lang={lang}")
    assert response.status_code == 200
    for phrase in phrases:
        assert phrase in visible(response.text), phrase
    assert f'href="/forms/saavutettavuuspalaute?lang={lang}"' in response.text
    espoo = visible(client.get(f"/accessibility/espoo?lang={lang}").text)
    assert "5.10.2026" in espoo and "NVDA" not in espoo and "kirjaamo@espoo.fi" in espoo


def test_the_statement_index_lists_the_agencies_and_unknown_ones_are_not_found(client: TestClient) -> None:
    index = client.get("/accessibility?lang=sv").text
    assert 'href="/accessibility/lvv?lang=sv"' in index and 'href="/accessibility/espoo?lang=sv"' in index
    assert client.get("/accessibility/nope").status_code == 404
    assert client.get("/accessibility/lomake").status_code == 404  # the service's own agency states nothing


def test_check_reports_a_bad_agency_file_by_file_and_pointer(schemas: Path) -> None:
    lvv = schemas / "agencies" / "lvv.json"
    data = json.loads(lvv.read_text())
    data["office"]["email"] = "kirjaamo at lvv"
    data["privacy_notice"]["fi"] = "http://lvv.fi/tietosuoja"
    data["accessibility"]["updated"] = "2025-01-01"
    data["accessibility"]["feedback_form"] = "palaute-puuttuu"
    lvv.write_text(json.dumps(data))
    found = {(p.pointer, p.message.split(",")[0]) for p in check_paths([schemas]) if p.path == str(lvv)}
    pointers = {pointer for pointer, _ in found}
    assert {"/office/email", "/privacy_notice/fi", "/accessibility"} <= pointers, found
    data["accessibility"]["updated"] = "2026-12-01"
    data["office"]["email"], data["privacy_notice"]["fi"] = "kirjaamo@lvv.fi", "https://lvv.fi/tietosuoja"
    lvv.write_text(json.dumps(data))
    found = {(p.pointer, p.message) for p in check_paths([schemas]) if p.path == str(lvv)}
    assert ("/accessibility/feedback_form", "no form 'palaute-puuttuu' in the schemas folder") in found
