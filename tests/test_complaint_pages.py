"""The complaint in pages (issue 11, item 6), the sample forms' start pages (item 4), the review's language
switch (item 10) and the agency's accessibility statement in every form page's footer (items 12, 13)."""

from __future__ import annotations

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.messages import LANGUAGES
from tests.conftest import unhyphenated
from tests.samples import KANTELU, PDF, data_url
from tests.test_journey import page, walk_pages

#: The start page's lead of each long sample form, per language.
LEADS = {
    "kantelu": {"fi": "Tällä lomakkeella voit kannella", "sv": "Med den här blanketten kan du anföra klagomål",
                "en": "Use this form to complain"},
    "oikaisuvaatimus": {"fi": "Tällä lomakkeella voit vaatia oikaisua", "sv": "begära omprövning",
                        "en": "request a review"},
    "ymparistolupa": {"fi": "Tällä lomakkeella haet ympäristölupaa", "sv": "ansöker du om miljötillstånd",
                      "en": "apply for an environmental permit"},
}
BACK = {"fi": "Takaisin", "sv": "Tillbaka", "en": "Back"}
POWER_OF_ATTORNEY = {**KANTELU, "peruste": "valtakirja"}


def doc(client: TestClient, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return lxml.html.fromstring(response.text)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", LEADS)
def test_each_long_sample_form_opens_at_its_start_page(client: TestClient, form_id: str, lang: str) -> None:
    start = doc(client, f"/forms/{form_id}?lang={lang}")
    main = " ".join(start.xpath("string(//main)").split())
    assert LEADS[form_id][lang] in main
    assert len(start.xpath("//ul[contains(@class, 'start__needs')]/li")) >= 4
    assert start.xpath("//p[@class='start__takes']") and start.xpath("//p[@class='start__save']")
    assert not start.xpath("//form[@class='form']")
    (begin,) = start.xpath("//a[contains(@class, 'button--start')]/@href")
    assert begin.startswith(f"/forms/{form_id}/pages/") and begin.endswith(f"?lang={lang}")
    # The first page's back link (GOV.UK's, in the page's language) leads to this start page again.
    (back,) = doc(client, begin).xpath("//main/a[@class='back-link']")
    assert (back.text, back.get("href")) == (BACK[lang], f"/forms/{form_id}?lang={lang}")


def test_the_complaint_asks_one_topic_per_page_then_reviews(client: TestClient) -> None:
    first = doc(client, "/forms/kantelu/pages/kantelija?lang=fi")
    assert first.xpath("string(//span[@class='caption__step']/a/@href)") == "/forms/kantelu/tasks?lang=fi"
    action, pairs, _ = page(client, "/forms/kantelu/pages/kantelija?lang=fi")
    empty = client.post(action, data={n: [v] for n, v in pairs if n == "_csrf"})
    errors = lxml.html.fromstring(empty.text).xpath("//div[@class='error-summary']//li")
    assert empty.status_code == 422 and 0 < len(errors) <= 7  # this page's questions only, not 17 at once
    review = walk_pages(client, "/forms/kantelu/pages/kantelija?lang=fi", KANTELU, {})
    shown = doc(client, review)
    assert shown.xpath("//input[@name='/vakuutus']") and shown.xpath("string(//h1)") == "Tarkista vastaukset"


def test_the_power_of_attorney_ground_requires_the_power_of_attorney(client: TestClient) -> None:
    without = client.post("/api/v1/forms/kantelu/submissions", json=POWER_OF_ATTORNEY)
    assert without.status_code == 422
    assert without.json()["errors"] == [{"pointer": "/valtakirja", "message": (
        "Liitä valtakirja, koska kantelet toisen puolesta valtakirjan perusteella.")}]
    attached = {**POWER_OF_ATTORNEY, "valtakirja": data_url(PDF, "application/pdf", "valtakirja.pdf")}
    created = client.post("/api/v1/forms/kantelu/submissions", json=attached)
    assert created.status_code == 201, created.text
    assert client.post("/api/v1/forms/kantelu/submissions", json=KANTELU).status_code == 201  # a guardian: none


def test_the_attachments_page_asks_for_the_power_of_attorney_only_on_that_ground(client: TestClient) -> None:
    walk_pages(client, "/forms/kantelu/pages/kantelija?lang=fi", KANTELU, {}, stop_at="/liitteet")
    guardian = doc(client, "/forms/kantelu/pages/liitteet?lang=fi")
    assert not guardian.xpath("//input[@name='/valtakirja']")
    send_ground = page(client, "/forms/kantelu/pages/toimija?lang=fi")
    data = {n: [v] for n, v in send_ground[1] if n != "/peruste"} | {"/peruste": ["valtakirja"]}
    assert client.post(send_ground[0], data=data, follow_redirects=False).status_code == 303
    attorney = doc(client, "/forms/kantelu/pages/liitteet?lang=fi")
    assert attorney.xpath("//input[@type='file'][@name='/valtakirja']")


def test_the_reviews_language_switch_keeps_the_declaration(client: TestClient) -> None:
    review = walk_pages(client, "/forms/kantelu/pages/kantelija?lang=fi", KANTELU, {})
    action, pairs, shown = page(client, review)
    (swedish,) = shown.xpath("//nav[@class='language-switch']//button[@lang='sv']")
    assert swedish.get("form") == "answers" and swedish.get("value") == "lang"
    data = {n: [v] for n, v in pairs} | {"/vakuutus": ["true"], "_action": ["lang"]}
    switched = client.post(swedish.get("formaction"), data=data, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/forms/kantelu/review?lang=sv"
    again = doc(client, switched.headers["location"])
    assert again.get("lang") == "sv" and again.xpath("//input[@name='/vakuutus'][@checked]")
    assert not again.xpath("//div[@class='error-summary']")


@pytest.mark.parametrize("url", ["/forms/kantelu?lang=fi", "/forms/kantelu/pages/kohde?lang=sv",
                                 "/forms/ymparistolupa/pages/hakija?lang=en", "/forms/saavutettavuuspalaute?lang=fi",
                                 "/forms/oikaisuvaatimus/tasks?lang=fi"])
def test_every_form_page_links_its_agencys_accessibility_statement(client: TestClient, url: str) -> None:
    agency = "espoo" if "ymparistolupa" in url else "lvv"
    (footer,) = doc(client, url).xpath("//footer//a/@href")
    assert footer == f"/accessibility/{agency}?lang={url.rsplit('=', 1)[1]}"
    assert client.get(footer).status_code == 200


def test_a_group_titled_as_its_page_is_not_shown_twice(client: TestClient) -> None:
    """Item 7: the page's h1 and its one group's legend say the same: the legend names the group for screen
    readers only."""
    page = doc(client, "/forms/oikaisuvaatimus/pages/tekija?lang=fi")
    heading = unhyphenated(page.xpath("string(//h1)").strip())
    (legend,) = [e for e in page.xpath("//legend") if unhyphenated(e.text_content().strip()) == heading]
    assert heading == "Oikaisuvaatimuksen tekijä" and "visually-hidden" in legend.get("class").split()
