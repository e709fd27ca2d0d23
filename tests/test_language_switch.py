"""The language switch in the middle of a form keeps every answer typed so far, without JavaScript: inside a
form page its languages are buttons that send the form (`_action=lang`) to the page in the other language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import lxml.html
from starlette.testclient import TestClient

from tests.conftest import drafts_of, read_form, stored_answers


def switch(client: TestClient, html: str, code: str, typed: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """Press the header's button for language `code`, as a browser would, with `typed` filled in."""
    doc = lxml.html.fromstring(html)
    (button,) = doc.xpath(f"//nav[@class='language-switch']//button[@lang='{code}']")
    assert button.get("form") == "answers" and doc.xpath("//form[@id='answers']")
    _, pairs = read_form(html)
    pairs = [(name, typed.get(name, value)) for name, value in pairs]
    return button.get("formaction"), [*pairs, (button.get("name"), button.get("value"))]


def post(client: TestClient, url: str, pairs: list[tuple[str, str]], follow_redirects: bool = True) -> Any:
    return client.post(url, content=urlencode(pairs), headers={"content-type": "application/x-www-form-urlencoded"},
                       follow_redirects=follow_redirects)


def text_inputs(html: str) -> list[str]:
    return [i.get("name") for i in lxml.html.fromstring(html).xpath("//form//input[@type='text']") if i.get("name")]


def test_switching_a_one_page_form_to_swedish_keeps_the_answers_and_shows_no_errors(client: TestClient) -> None:
    page = client.get("/forms/yksisivuinen?lang=fi").text
    first, second = text_inputs(page)[:2]
    typed = {first: "Maija Meikäläinen", second: "Helsingfors <b>"}
    url, pairs = switch(client, page, "sv", typed)
    assert url == "/forms/yksisivuinen?lang=sv"
    moved = post(client, url, pairs, follow_redirects=False)  # Post/Redirect/Get: a draft keeps them as typed
    assert moved.status_code == 303 and moved.headers["location"] == "/forms/yksisivuinen?lang=sv&checked=1"
    shown = client.get(moved.headers["location"])
    assert shown.status_code == 200 and '<html lang="sv">' in shown.text
    doc = lxml.html.fromstring(shown.text)
    assert doc.xpath(f"//input[@name='{first}']/@value") == ["Maija Meikäläinen"]
    assert doc.xpath(f"//input[@name='{second}']/@value") == ["Helsingfors <b>"]
    assert not doc.xpath("//*[contains(@class, 'error-summary')]") and "Helsingfors <b>\"" not in shown.text
    assert stored_answers(client) == []


def test_switching_a_page_of_a_long_form_keeps_its_answers_in_the_draft(client: TestClient) -> None:
    page = client.get("/forms/oikaisuvaatimus/pages/tekija?lang=fi").text
    first = text_inputs(page)[0]
    url, pairs = switch(client, page, "sv", {first: "Erkki Esimerkki"})
    assert url == "/forms/oikaisuvaatimus/pages/tekija?lang=sv"
    moved = post(client, url, pairs, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/forms/oikaisuvaatimus/pages/tekija?lang=sv&checked=1"
    shown = client.get(moved.headers["location"])
    assert '<html lang="sv">' in shown.text
    assert lxml.html.fromstring(shown.text).xpath(f"//input[@name='{first}']/@value") == ["Erkki Esimerkki"]
    assert "error-summary" not in shown.text
    back = client.get("/forms/oikaisuvaatimus/pages/tekija?lang=en").text  # kept in the draft, in any language
    assert lxml.html.fromstring(back).xpath(f"//input[@name='{first}']/@value") == ["Erkki Esimerkki"]


def test_the_page_outside_a_form_keeps_plain_links(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/?lang=fi").text)
    assert doc.xpath("//nav[@class='language-switch']//a[@lang='sv']/@href") == ["/?lang=sv"]  # the catalogue's: it keeps a search
    assert not doc.xpath("//nav[@class='language-switch']//button")


def test_enter_in_a_field_still_presses_the_forms_own_button_not_a_language(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/forms/yksisivuinen?lang=fi").text)
    first = doc.xpath("//button[@type='submit'][@form='answers' or ancestor::form[@id='answers']]")[0]
    assert first.get("name") is None and first.get("formaction") is None


def test_text_that_is_not_an_answer_yet_is_kept_and_nothing_typed_makes_no_draft(client: TestClient) -> None:
    page = client.get("/forms/yksisivuinen?lang=fi").text
    url, pairs = switch(client, page, "sv", {})
    nothing = post(client, url, pairs, follow_redirects=False)
    assert nothing.headers["location"] == "/forms/yksisivuinen?lang=sv" and drafts_of(client) == []
    typed = {"/alkaen[day]": "31", "/alkaen[month]": "2", "/alkaen[year]": "2024", "/kantelija/etunimet": "Maija"}
    url, pairs = switch(client, page, "sv", typed)
    moved = post(client, url, pairs, follow_redirects=False)
    assert moved.headers["location"] == "/forms/yksisivuinen?lang=sv&checked=1" and len(drafts_of(client)) == 1
    shown = client.get(moved.headers["location"])
    assert shown.status_code == 200 and '<html lang="sv">' in shown.text and "error-summary" not in shown.text
    assert typed.items() <= dict(read_form(shown.text)[1]).items()
