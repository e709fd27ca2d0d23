"""The catalogue at `/`: forms by agency and category, a search without JavaScript, filters as links, and the
same forms from `/api/v1/forms`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app
from tests.conftest import SCHEMAS, unhyphenated


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("catalogue") / "x.sqlite3"
    with TestClient(create_app(Settings(schemas_dir=SCHEMAS, db_url=f"sqlite:///{db}"))) as c:
        yield c


def page(client: TestClient, query: str) -> lxml.html.HtmlElement:
    answer = client.get(f"/?{query}")
    assert answer.status_code == 200
    return lxml.html.fromstring(answer.text)


def titles(doc: lxml.html.HtmlElement) -> list[str]:
    return [unhyphenated(a.text_content()) for a in doc.xpath("//ul[@class='form-list']/li/a")]


@pytest.mark.parametrize(("query", "title"), [
    ("lang=fi&q=oikaisu", "Oikaisuvaatimus"),
    ("lang=sv&q=r%C3%A4ttelse", "Begäran om omprövning"),
    ("lang=sv&q=rattelse", "Begäran om omprövning"),
    ("lang=en&q=RATTELSE", "Request for an administrative review"),
    ("lang=en&q=oikaisu", "Request for an administrative review"),
])
def test_the_search_finds_the_rectification_request_in_any_language(client: TestClient, query: str,
                                                                     title: str) -> None:
    doc = page(client, query)
    assert titles(doc) == [title]
    status = doc.xpath("//*[@role='status']")
    found = {"fi": "Yksi lomake löytyi", "sv": "En blankett hittades", "en": "One form found"}[query[5:7]]
    assert len(status) == 1 and status[0].text_content().startswith(found + " ")
    assert doc.xpath("string(//title)").startswith(found + " – ")
    assert doc.xpath("//input[@name='q']/@value") == [query.split("q=")[1].replace("%C3%A4", "ä")]


def test_the_whole_catalogue_by_agency_and_category_with_the_facts(client: TestClient) -> None:
    doc = page(client, "lang=fi")
    assert doc.xpath("string(//title)") == "Lomakkeet – Lomake-palvelu"
    assert not doc.xpath("//*[@role='status']")
    assert [unhyphenated(h.text_content()) for h in doc.xpath("//main//h2[@class='form-list__agency']")] == [
        "Espoon kaupunki", "Lupa- ja valvontavirasto"]
    assert len(titles(doc)) == 4
    item = doc.xpath("//li[a[@href='/forms/oikaisuvaatimus?lang=fi']]")[0]
    assert unhyphenated(item.xpath("string(preceding::h3[1])")) == "Oikaisuvaatimus"
    assert item.xpath("string(p)").startswith("Voit vaatia oikaisua päätökseen") and "30 päivän" not in item.xpath(
        "string(p)")
    facts = [li.text_content() for li in item.xpath("ul/li")]
    assert facts == ["Kielet: suomeksi, på svenska, in English", "Voit tallentaa vastaukset ja jatkaa myöhemmin.",
                     "Tarvitset liitteitä."]
    assert item.xpath("ul/li[1]/span/@lang") == ["fi", "sv", "en"]


def test_no_results_say_so_and_link_to_every_form(client: TestClient) -> None:
    doc = page(client, "lang=en&q=xyzzy")
    assert titles(doc) == []
    assert doc.xpath("string(//*[@role='status'])") == "0 forms found for “xyzzy”"
    assert "No forms found." in doc.xpath("string(//main)")
    assert doc.xpath("//main//a[.='Show all forms']/@href") == ["/?lang=en"]


def test_filters_are_links_that_keep_the_search_and_mark_the_current_one(client: TestClient) -> None:
    doc = page(client, "lang=fi&agency=espoo")
    assert titles(doc) == ["Ympäristölupahakemus"]
    current = doc.xpath("//nav[@class='catalogue-filters']//a[@aria-current='page']")
    assert [a.text_content() for a in current] == ["Espoon kaupunki", "Kaikki"]
    assert doc.xpath("//input[@type='hidden'][@name='agency']/@value") == ["espoo"]
    searched = page(client, "lang=fi&q=lupa&category=lupa")
    links = searched.xpath("//nav[@class='catalogue-filters']//a/@href")
    assert "/?lang=fi&q=lupa&agency=lvv&category=lupa" in links and "/?lang=fi&q=lupa" in links
    assert titles(page(client, "lang=fi&category=oikaisuvaatimus")) == ["Oikaisuvaatimus"]
    assert titles(page(client, "lang=fi&agency=nobody")) == []
    switch = searched.xpath("//nav[@class='language-switch']//a/@href")
    assert switch == ["/?lang=sv&q=lupa&category=lupa", "/?lang=en&q=lupa&category=lupa"]  # the search is kept


def test_the_search_is_escaped_and_bounded(client: TestClient) -> None:
    answer = client.get("/", params={"q": '<script>alert(1)</script>"', "lang": "fi"})
    assert answer.status_code == 200
    assert "<script>alert" not in answer.text and "&lt;script&gt;" in answer.text
    long = client.get("/", params={"q": "a" * 5000})
    assert long.status_code == 200 and 'value="' + "a" * 200 + '"' in long.text


def test_the_api_lists_the_same_forms_as_the_page(client: TestClient) -> None:
    for query in ("lang=fi", "lang=sv&q=rattelse", "lang=en&agency=lvv", "lang=fi&category=lupa", "q=xyzzy"):
        forms = client.get(f"/api/v1/forms?{query}").json()["forms"]
        doc = page(client, query)
        assert [f["title_shown"] for f in forms] == titles(doc), query
        assert [f["url"].split("/", 3)[3] for f in forms] == [
            h.lstrip("/") for h in doc.xpath("//ul[@class='form-list']/li/a/@href")]
    one = client.get("/api/v1/forms?lang=sv&q=rattelse").json()["forms"][0]
    assert one["titles"] == {"fi": "Oikaisuvaatimus", "sv": "Begäran om omprövning",
                             "en": "Request for an administrative review"}
    assert (one["title"], one["lang"], one["attachments"], one["category"]["name"]) == (
        "Oikaisuvaatimus", "sv", "required", "Begäran om omprövning")


def test_a_catalogue_without_forms_has_no_search(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        doc = lxml.html.fromstring(c.get("/?lang=fi").text)
        assert not doc.xpath("//form") and "Lomakkeita ei ole." in doc.xpath("string(//main)")
