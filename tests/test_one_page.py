"""One-page forms as a journey of one page, over plain HTTP: save and continue later, resume, send once,
prefill through the API, and the review step where the form asks for one."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.catalog import load_catalog
from core.forms import ONE_PAGE
from core.settings import Settings
from server import create_app
from submission.coerce import form_values
from tests.conftest import ONE_PAGE_FORM, api_key, drafts_of, form_client, read_form, shown_again, stored_answers
from tests.samples import KANTELU

PALAUTE: dict[str, Any] = {
    "title": "Palaute",
    "x-lomake": {"prefill_read_only": ["/hetu"], "draft_days": 3},
    "ui:submitButtonOptions": {"submitText": "Lähetä palaute"},
    "type": "object",
    "required": ["nimi", "palaute"],
    "properties": {
        "nimi": {"type": "string", "title": "Nimi"},
        "hetu": {"type": "string", "format": "fi-hetu", "title": "Henkilötunnus"},
        "sahkoposti": {"type": "string", "format": "email", "title": "Sähköposti"},
        "palaute": {"type": "string", "title": "Palaute"},
    },
}
#: The same form with a declaration on a review page.
TARKISTETTU: dict[str, Any] = {
    **PALAUTE, "x-lomake": {**PALAUTE["x-lomake"], "review": ["vakuutus"]},
    "required": [*PALAUTE["required"], "vakuutus"],
    "properties": {**PALAUTE["properties"],
                   "vakuutus": {"type": "boolean", "const": True, "title": "Vakuutan tiedot oikeiksi"}},
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with form_client(tmp_path, palaute=PALAUTE, tarkistettu=TARKISTETTU) as c:
        yield c


def send(client: TestClient, url: str, answers: dict[str, str], **extra: str) -> Any:
    """Post the page at `url` as a browser would, with `answers` over what it holds."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    action, pairs = read_form(page.text)
    data = {n: [v] for n, v in pairs if n not in answers} | {k: [v] for k, v in {**answers, **extra}.items()}
    return client.post(action, data=data, follow_redirects=False)


def values(html: str) -> dict[str, str]:
    return dict(read_form(html)[1])


def saved_link_and_code(client: TestClient, location: str) -> tuple[str, str]:
    doc = lxml.html.fromstring(client.get(location).text)
    link = str(doc.xpath("string(//a[@class='resume-link']/@href)")).removeprefix("http://testserver")
    return link, str(doc.xpath("string(//strong[@class='reference'])"))


def test_a_form_without_pages_is_one_implicit_page_of_all_but_the_review(schemas: Path) -> None:
    catalog = load_catalog(schemas)
    (page,) = catalog.forms[ONE_PAGE_FORM].meta.pages
    assert page.id == ONE_PAGE and catalog.forms[ONE_PAGE_FORM].meta.one_page
    assert {"kantelija", "mitaTapahtui", "paamies", "vakuutus"} <= set(page.properties)  # `paamies` from then
    assert not catalog.forms["oikaisuvaatimus"].meta.one_page


def test_without_a_draft_the_page_is_as_before_and_a_refused_one_looks_the_same(client: TestClient) -> None:
    blank = client.get("/forms/palaute")
    doc = lxml.html.fromstring(blank.text)
    buttons = [b.text_content() for b in doc.xpath("//form[@class='form']//button")]
    assert buttons == ["Lähetä palaute", "Tallenna ja jatka myöhemmin"]
    assert doc.xpath("string(//h1)") == "Palaute" and "Vaihe" not in blank.text
    assert ("palaute", "fi") in [(k[0], k[2]) for k in client.app.state.lomake._blank_pages]  # type: ignore[attr-defined]
    sent_at_once = send(TestClient(client.app), "/forms/palaute", {"/nimi": "Matti", "/palaute": "Hyvä"})
    # no draft made: the one cookie names the receipt, for the browser's Back (issue 11, item 13)
    assert sent_at_once.status_code == 303 and sent_at_once.headers["location"].startswith("/receipts/")
    assert drafts_of(client) == [] and sent_at_once.headers["set-cookie"].startswith("lomake_sent=")

    # Refused: never a page answering the POST (Post/Redirect/Get); a new draft keeps the page as typed.
    wrong = send(client, "/forms/palaute", {"/nimi": "Maija", "/sahkoposti": "maija@"})
    assert wrong.status_code == 303 and wrong.headers["location"] == "/forms/palaute?lang=fi&checked=1"
    assert "lomake_draft=" in wrong.headers["set-cookie"] and wrong.text == ""
    (draft,) = drafts_of(client)
    assert draft.refused is not None and draft.refused.page == ONE_PAGE and draft.data["nimi"] == "Maija"
    shown = client.get(wrong.headers["location"])
    assert shown.status_code == 422 and shown.headers["cache-control"] == "no-store"
    assert values(shown.text)["/sahkoposti"] == "maija@" and "Virhe:" in shown.text
    doc = lxml.html.fromstring(shown.text)
    assert [b.text_content() for b in doc.xpath("//form[@class='form']//button")] == buttons
    assert doc.xpath("string(//h1)") == "Palaute" and "Vaihe" not in shown.text and not doc.xpath("//a[@class='back-link']")
    assert client.get("/forms/palaute").status_code == 200  # its plain address: the answers kept, not the refusal
    sent = send(client, "/forms/palaute", {"/nimi": "Maija", "/palaute": "Hyvä", "/sahkoposti": ""})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/receipts/")
    assert stored_answers(client)[-1] == {"nimi": "Maija", "palaute": "Hyvä"}
    assert sent.headers["set-cookie"].startswith("lomake_sent=")  # Back to the form shows the confirmation
    assert [d.refused for d in drafts_of(client)] == [None]  # sent: nothing typed is kept


def test_the_complaint_saved_resumed_by_link_code_and_cookie_then_sent_once(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        complaint_journey(client)


def complaint_journey(client: TestClient) -> None:
    # Unfinished and partly wrong: kept as typed, not checked.
    saved = send(client, "/forms/yksisivuinen", {"/kantelija/etunimet": "Maija", "/kantelija/sahkoposti": "maija@",
                                            "/mitaTapahtui": "Tukiopetusta ei annettu."}, _action="save")
    assert saved.status_code == 303 and saved.headers["location"] == "/forms/yksisivuinen/saved?lang=fi"
    assert "path=/forms/yksisivuinen" in saved.headers["set-cookie"].lower() and stored_answers(client) == []
    link, code = saved_link_and_code(client, saved.headers["location"])
    assert re.fullmatch(r"/drafts/[A-Za-z0-9_-]{43}", link) and re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){2}", code)
    assert 'href="/forms/yksisivuinen?lang=fi"' in client.get("/forms/yksisivuinen/saved").text  # continue now

    kept = {"/kantelija/etunimet": "Maija", "/kantelija/sahkoposti": "maija@",
            "/mitaTapahtui": "Tukiopetusta ei annettu."}
    by_cookie = client.get("/forms/yksisivuinen")
    assert kept.items() <= values(by_cookie.text).items() and "Vastauksesi säilyvät" not in by_cookie.text
    other = TestClient(client.app)
    by_link = other.get(link, follow_redirects=False)
    assert by_link.headers["location"] == "/forms/yksisivuinen?lang=fi"
    assert kept.items() <= values(other.get("/forms/yksisivuinen").text).items()
    desk = TestClient(client.app)
    by_code = desk.post("/resume", data={"code": code.lower()}, follow_redirects=False)
    assert by_code.headers["location"] == "/forms/yksisivuinen?lang=fi"
    page = desk.get("/forms/yksisivuinen")
    assert kept.items() <= values(page.text).items()

    # Sent from the draft: what is still wrong is shown, and kept.
    wrong = shown_again(desk, send(desk, "/forms/yksisivuinen", {}))
    assert wrong.status_code == 422 and "maija@" in wrong.text and stored_answers(client) == []
    app = client.app.state.lomake  # type: ignore[attr-defined]
    form = app.catalog.forms["yksisivuinen"]
    full = form_values(app.view(form, "fi").fields, KANTELU)
    action, pairs = read_form(desk.get("/forms/yksisivuinen").text)
    data = {n: [v] for n, v in pairs} | {n: list(v) for n, v in full.items()}
    first = desk.post(action, data=data, follow_redirects=False)
    again = desk.post(action, data=data, follow_redirects=False)  # a double click
    assert first.status_code == 303 and first.headers["location"].startswith("/receipts/")
    assert again.headers["location"] == first.headers["location"]
    assert stored_answers(client) == [KANTELU]
    assert [d.data for d in drafts_of(client) if d.sent_receipt] == [{}]  # the draft keeps only the link
    assert other.get(link, follow_redirects=False).headers["location"].startswith("/receipts/")
    fresh = desk.get("/forms/yksisivuinen")  # sent: the form starts again, blank
    assert "Maija" not in fresh.text


def test_prefill_through_the_api_locks_an_answer(client: TestClient) -> None:
    made = client.post("/api/v1/forms/palaute/drafts", headers=api_key(client), json={"nimi": "Maija", "hetu": "131052-308t"})
    assert made.status_code == 201, made.text
    opened = client.get(made.json()["resume_url"].removeprefix("http://testserver"))
    doc = lxml.html.fromstring(opened.text)
    assert str(opened.url).endswith("/forms/palaute?lang=fi") and doc.xpath("string(//h1)") == "Palaute"
    assert doc.xpath("string(//input[@name='/nimi']/@value)") == "Maija"
    assert "Esitäytetty." in doc.xpath("string(//div[@id='f_nimi-hint'])")
    assert doc.xpath("//input[@name='/hetu']") == []  # locked: shown as text, not asked
    assert "131052-308T" in doc.xpath("string(//div[@id='f_hetu'])")
    tampered = send(client, "/forms/palaute", {"/palaute": "Hyvä", "/hetu": "010594Y202E", "/nimi": "Maija M"})
    assert tampered.status_code == 303 and tampered.headers["location"].startswith("/receipts/")
    assert stored_answers(client) == [{"nimi": "Maija M", "hetu": "131052-308T", "palaute": "Hyvä"}]


def test_a_wrong_prefill_of_a_one_page_form_is_refused(client: TestClient) -> None:
    refused = client.post("/api/v1/forms/palaute/drafts", headers=api_key(client), json={"hetu": "131052-308U"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/hetu"
    declaration = client.post("/api/v1/forms/tarkistettu/drafts", headers=api_key(client), json={"vakuutus": True})
    assert declaration.status_code == 422 and "ei voi esitäyttää" in declaration.json()["errors"][0]["message"]
    assert drafts_of(client) == []


def test_a_one_page_form_with_a_review_goes_through_it(client: TestClient) -> None:
    first = client.get("/forms/tarkistettu")
    doc = lxml.html.fromstring(first.text)
    assert doc.xpath("string(//form[@class='form']//button[@class='button'])") == "Jatka"
    assert doc.xpath("//input[@name='/vakuutus']") == []  # asked on the review
    moved = send(client, "/forms/tarkistettu", {"/nimi": "Maija", "/palaute": "Hyvä"})
    assert moved.status_code == 303 and moved.headers["location"] == "/forms/tarkistettu/review?lang=fi"
    review = client.get("/forms/tarkistettu/review")
    doc = lxml.html.fromstring(review.text)
    rows = {r.xpath("string(dt)"): r.xpath("string(dd[1])") for r in doc.xpath("//div[@class='summary-list__row']")}
    assert rows["Nimi"] == "Maija" and rows["Palaute"] == "Hyvä" and "Vaihe" not in review.text
    assert doc.xpath("string(//a[@class='back-link']/@href)") == "/forms/tarkistettu?lang=fi"
    change = doc.xpath("//a[starts-with(normalize-space(.), 'Muuta') and contains(., 'Palaute')]/@href")
    assert change == ["/forms/tarkistettu?lang=fi&return=review#f_palaute"]
    changed = send(client, change[0].split("#")[0], {"/palaute": "Erinomainen"})
    assert changed.headers["location"] == "/forms/tarkistettu/review?lang=fi"
    assert stored_answers(client) == []
    unticked = send(client, "/forms/tarkistettu/review", {})  # its problems at a plain address (Post/Redirect/Get)
    assert unticked.headers["location"] == "/forms/tarkistettu/review?lang=fi&checked=1"
    assert client.get(unticked.headers["location"]).status_code == 422 and stored_answers(client) == []
    sent = send(client, "/forms/tarkistettu/review", {"/vakuutus": "true"})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/receipts/")
    assert stored_answers(client) == [{"nimi": "Maija", "palaute": "Erinomainen", "vakuutus": True}]


def test_a_one_page_draft_without_its_token_is_refused(client: TestClient) -> None:
    send(client, "/forms/palaute", {"/nimi": "Maija"}, _action="save")
    before = drafts_of(client)
    refused = client.post("/forms/palaute", data={"/nimi": "Mallory", "/palaute": "x"})
    assert refused.status_code == 403 and drafts_of(client) == before and stored_answers(client) == []


def test_a_review_on_a_one_page_form_must_name_its_properties(tmp_path: Path) -> None:
    broken = {**PALAUTE, "x-lomake": {"review": ["puuttuu"]}}
    (tmp_path / "rikki.json").write_text(json.dumps(broken))
    problems = [str(p) for p in load_catalog(tmp_path).problems]
    assert any("no property 'puuttuu'" in p for p in problems) and not any("on no page" in p for p in problems)


def test_a_resumed_page_asks_what_the_blank_page_asks_and_keeps_the_draft_longer(tmp_path: Path) -> None:
    form = {**PALAUTE, "if": {"anyOf": [{"required": ["sahkoposti"]}, {"required": ["hetu"]}]},
            "then": {"properties": {"osoite": {"type": "string", "title": "Postiosoite"}}}}
    with form_client(tmp_path, ehto=form) as client:
        blank = [n for n, _ in read_form(client.get("/forms/ehto").text)[1]]
        assert "/osoite" in blank
        send(client, "/forms/ehto", {"/sahkoposti": "maija@", "/osoite": "Katu 1"}, _action="save")
        resumed = client.get("/forms/ehto")
        assert [n for n, _ in read_form(resumed.text)[1] if n != "_csrf"] == blank
        assert values(resumed.text)["/osoite"] == "Katu 1"
        keep = lxml.html.fromstring(resumed.text).xpath("//div[@id='draft-warning']//form")[0]
        data = {i.get("name"): i.get("value") for i in keep.xpath(".//input")}
        kept = client.post(keep.get("action"), data=data, follow_redirects=False)
        assert kept.status_code == 303 and kept.headers["location"] == "/forms/ehto?lang=fi"
