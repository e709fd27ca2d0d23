"""What the sample forms' pages say, read as a person reads them (issue 11, items 4, 5, 7 and 11): one deadline, not
three; a page's heading not said again by its group's legend; the resume page as a link; a confirmation that names
the matter and says when it is handled."""

from __future__ import annotations

import re

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.messages import LANGUAGES
from tests.conftest import unhyphenated
from tests.samples import PDF, SAAVUTETTAVUUSPALAUTE, YMPARISTOLUPA, data_url
from tests.test_page_furniture import saved_page


def words(doc: lxml.html.HtmlElement) -> str:
    return " ".join(str(doc.xpath("string(//main)")).split())


def doc(client: TestClient, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return lxml.html.fromstring(response.text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_rectification_request_gives_one_time_limit_everywhere(client: TestClient, lang: str) -> None:
    """Administrative Procedure Act 49 c §: 14 days from being notified; 30 in special care. The start page, the
    decision's page and the saved draft say the same."""
    start = words(doc(client, f"/forms/oikaisuvaatimus?lang={lang}"))
    choices = words(doc(client, f"/forms/oikaisuvaatimus/pages/paatos?lang={lang}"))
    saved = words(saved_page(client, "oikaisuvaatimus", lang))
    days = {"fi": ("14 päivän", "30 päivää", "30 päivän"), "sv": ("14 dagar", "30 dagar", "inom 30 dagar"),
            "en": ("14 days", "30 days", "within 30 days")}[lang]
    for said in (start, saved):
        assert days[0] in said and days[1] in said and days[2] not in said
    assert choices.count(days[1]) == 1  # special care only: the other matters are 14 days
    catalogue = words(doc(client, f"/?lang={lang}"))
    assert days[2] not in catalogue


@pytest.mark.parametrize(("url", "heading"), [
    ("/forms/kantelu/pages/aiemmat?lang=fi", "Mitä asiassa on jo tehty"),
    ("/forms/kantelu/pages/kantelija?lang=fi", "Yhteystietosi"),
    ("/forms/oikaisuvaatimus/pages/tekija?lang=en", "The person requesting the review"),
])
def test_a_page_heading_is_not_said_again_by_its_groups_legend(client: TestClient, url: str, heading: str) -> None:
    page = doc(client, url)
    assert [unhyphenated(h.text_content()).strip() for h in page.xpath("//h1")] == [heading]
    shown = [" ".join(unhyphenated(e.text_content()).split()) for e in page.xpath("//h2 | //legend[not(contains(@class,"
                                                                     "'visually-hidden'))]")]
    assert not [s for s in shown if s.rstrip("?").casefold() == heading.casefold()], shown
    assert not page.xpath("//p[@class='lead']")  # what the form is for: its start page said it


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_saved_page_links_the_page_that_takes_the_code(client: TestClient, lang: str) -> None:
    saved = saved_page(client, "kantelu", lang)
    (resume,) = [a for a in saved.xpath("//main//a") if a.get("href", "").endswith("/resume")]
    assert resume.text == resume.get("href")
    assert "vid en serviceställe" not in words(saved)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_confirmation_names_the_matter_and_when_it_is_handled(client: TestClient, lang: str) -> None:
    files = {"sijaintikartta": data_url(PDF, "application/pdf", "kartta.pdf"),
             "asemapiirros": data_url(PDF, "application/pdf", "piirros.pdf")}
    for form_id, answers, title, handled in (
            ("ymparistolupa", {**YMPARISTOLUPA, **files},
             {"fi": "Ympäristölupahakemus on vastaanotettu", "sv": "Ansökan om miljötillstånd har tagits emot",
              "en": "Application for an environmental permit received"},
             {"fi": "6–12 kuukauden", "sv": "6–12 månader", "en": "6 to 12 months"}),
            ("saavutettavuuspalaute", SAAVUTETTAVUUSPALAUTE,
             {"fi": "Saavutettavuuspalaute on vastaanotettu", "sv": "Respons om tillgänglighet har tagits emot",
              "en": "Accessibility feedback received"},
             {"fi": "vastaamme 14 päivän kuluessa", "sv": "får du det inom 14 dagar", "en": "reply within 14 days"})):
        created = client.post(f"/api/v1/forms/{form_id}/submissions?lang={lang}", json=answers)
        assert created.status_code == 201, created.text
        page = doc(client, created.json()["receipt_url"].removesuffix(".pdf"))
        assert unhyphenated(page.xpath("string(//h1)")) == title[lang]
        said = words(page)
        assert handled[lang] in said, form_id
        assert not re.search(r"\w\. (Saapumisaika|Ankomsttid|Time of arrival)", said)  # no "Kantelu. Saapumisaika"


@pytest.mark.parametrize(("lang", "limit"), [("fi", "yli kaksi vuotta vanhaa asiaa"), ("sv", "äldre än två år"),
                                             ("en", "more than two years old")])
def test_the_complaints_start_page_says_its_time_limit(client: TestClient, lang: str, limit: str) -> None:
    start = doc(client, f"/forms/kantelu?lang={lang}")
    assert limit in " ".join(start.xpath("string(//div[contains(@class,'start__deadline')])").split())
