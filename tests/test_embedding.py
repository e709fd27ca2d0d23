"""Embedding a form in an agency's page (`/embed`): who may frame what, links and redirects that stay embedded,
cookies for a cross-site iframe, agencies' `embed_origins` checked. The abuse attempts are kept as tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from lomake.check import check_paths
from server import create_app
from submission.coerce import form_values
from tests.conftest import read_form, unplaced
from tests.samples import KANTELU

LVV = "https://lvv.fi https://www.lvv.fi"
#: A complaint sent empty, as a browser sends it.
EMPTY = {"/kantelija/etunimet": ""}


@pytest.fixture
def https(settings: Settings) -> Iterator[TestClient]:
    """The sample forms over https, as embedding needs (Secure cookies)."""
    with TestClient(create_app(settings), base_url="https://lomake.test") as client:
        yield client


def frame_ancestors(response: Any) -> str:
    policy = response.headers["content-security-policy"]
    return str(re.search(r"frame-ancestors ([^;]*)$", policy)[1])  # type: ignore[index]


def cookies(response: Any) -> dict[str, str]:
    """The response's `Set-Cookie` headers by cookie name."""
    return {header.split("=")[0]: header for header in response.headers.get_list("set-cookie")}


def own_links(html: str) -> list[str]:
    """Every address an embedded page's links, form actions and buttons lead to on this site."""
    doc = lxml.html.fromstring(html)
    found = doc.xpath("//a/@href | //form/@action | //button/@formaction | //link/@href | //script/@src")
    return [str(u) for u in found if str(u).startswith("/")]


def kantelu_answers(client: TestClient, path: str) -> tuple[str, dict[str, list[str]]]:
    """The complaint's page at `path`: its action and the whole complaint, posted as a browser would."""
    app = client.app.state.lomake  # type: ignore[attr-defined]
    action, pairs = read_form(client.get(path).text)
    full = form_values(app.view(app.catalog.forms["yksisivuinen"], "fi").fields, KANTELU)
    return action, {n: [v] for n, v in pairs} | {n: list(v) for n, v in full.items()}


def test_only_the_forms_agencys_origins_may_frame_its_embedded_pages(https: TestClient) -> None:
    embedded = https.get("/embed/forms/yksisivuinen")
    assert embedded.status_code == 200
    assert frame_ancestors(embedded) == LVV
    assert "x-frame-options" not in embedded.headers
    assert frame_ancestors(https.get("/embed/forms/ymparistolupa")) == "https://www.espoo.fi"
    for path in ("/forms/yksisivuinen", "/", "/accessibility/lvv", "/api/v1/forms", "/static/lomake.css", "/resume",
                 "/embed/", "/embed/resume", "/embed/forms/nope"):
        response = https.get(path)
        assert frame_ancestors(response) == "'none'", path
        assert response.headers["x-frame-options"] == "DENY", path
    assert "default-src 'none'" in embedded.headers["content-security-policy"]


def test_a_forged_embed_of_a_form_whose_agency_has_no_origins_cannot_be_framed(https: TestClient) -> None:
    """`kantelu-bench` is the built-in agency's, which lists no origins: its embed address answers, but no
    page may frame it."""
    forged = https.get("/embed/forms/kantelu-bench")
    assert forged.status_code == 200 and 'class="embedded"' in forged.text
    assert frame_ancestors(forged) == "'none'" and forged.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/embed/api/v1/forms", "/embed/static/lomake.css", "/embed/themes/lvv.css",
                                  "/embed/healthz", "/embed/embed/forms/yksisivuinen", "/embed", "/embedforms/yksisivuinen"])
def test_only_pages_are_embedded(https: TestClient, path: str) -> None:
    response = https.get(path)
    assert response.status_code == 404
    assert frame_ancestors(response) == "'none'"


def test_an_embedded_page_has_no_header_or_footer_but_keeps_the_language_switch(https: TestClient) -> None:
    page = lxml.html.fromstring(https.get("/embed/forms/yksisivuinen?lang=sv").text)
    assert page.xpath("//header") == [] and page.xpath("//p[@class='header__service']") == []
    assert page.xpath("//body/@class") == ["embedded"]
    assert [b.get("formaction") for b in page.xpath("//nav[@class='language-switch']//button")] == [
        "/embed/forms/yksisivuinen?lang=fi", "/embed/forms/yksisivuinen?lang=en"]
    (statement,) = page.xpath("//footer//a")  # the accessibility statement, in a new tab: the form stays
    assert statement.get("target") == "_blank" and "(öppnas i en ny flik)" in statement.text_content()
    (privacy,) = page.xpath("//p[@class='privacy-notice']/a")
    assert privacy.get("target") == "_blank"
    plain = lxml.html.fromstring(https.get("/forms/yksisivuinen?lang=sv").text)
    assert plain.xpath("//header") and plain.xpath("//footer//a/@target") == []


def test_a_complaint_sent_inside_the_frame_stays_embedded_to_its_confirmation(https: TestClient) -> None:
    refused = https.post("/embed/forms/yksisivuinen?lang=fi", data=EMPTY, follow_redirects=False)
    assert refused.status_code == 303 and frame_ancestors(refused) == LVV  # Post/Redirect/Get, inside the frame
    assert refused.headers["location"] == "/embed/forms/yksisivuinen?lang=fi&checked=1"
    wrong = https.get(refused.headers["location"])
    assert wrong.status_code == 422 and frame_ancestors(wrong) == LVV
    assert [u for u in own_links(wrong.text) if u.startswith(("/forms", "/receipts", "/drafts", "/resume"))] == []
    assert '<form id="answers" class="form" method="post" action="/embed/forms/yksisivuinen?lang=fi"' in wrong.text
    action, data = kantelu_answers(https, "/embed/forms/yksisivuinen")
    assert action == "/embed/forms/yksisivuinen?lang=fi"
    sent = https.post(action, data=data, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/embed/receipts/")
    confirmation = https.get(sent.headers["location"])
    assert confirmation.status_code == 200 and "LVV/1/20" in confirmation.text
    assert frame_ancestors(confirmation) == LVV  # the receipt's path names no form: its handler names the agency
    pdf = lxml.html.fromstring(confirmation.text).xpath("//a[@download]/@href")[0]
    assert pdf.startswith("/embed/receipts/") and https.get(pdf).headers["content-type"] == "application/pdf"
    assert frame_ancestors(https.get(sent.headers["location"].replace("/embed", "", 1))) == "'none'"


def test_embedded_cookies_are_partitioned_and_cross_site_and_plain_ones_are_not(https: TestClient) -> None:
    refused = https.post("/embed/forms/yksisivuinen", data=EMPTY, follow_redirects=False)  # a draft keeps it
    assert refused.headers["location"] == "/embed/forms/yksisivuinen?lang=fi&checked=1"  # and the frame shows it
    embedded = cookies(refused)["lomake_draft"]
    attributes = [a.strip().lower() for a in embedded.split(";")[1:]]
    assert sorted(a for a in attributes if not a.startswith("max-age")) == [
        "httponly", "partitioned", "path=/embed/forms/yksisivuinen", "samesite=none", "secure"]
    plain = cookies(https.post("/forms/yksisivuinen", data=EMPTY, follow_redirects=False))["lomake_draft"].lower()
    assert "samesite=lax" in plain and "partitioned" not in plain and "path=/forms/yksisivuinen;" in plain
    https.cookies.clear()  # a new visitor
    saved = https.post("/embed/forms/yksisivuinen", data={**EMPTY, "_action": "save"}, follow_redirects=False)
    assert saved.headers["location"] == "/embed/forms/yksisivuinen/saved?lang=fi"
    draft = cookies(saved)["lomake_draft"]
    assert "Path=/embed/forms/yksisivuinen" in draft and draft.endswith("SameSite=None; Secure; Partitioned")


def test_a_long_form_goes_page_by_page_inside_the_frame(https: TestClient) -> None:
    start = https.get("/embed/forms/oikaisuvaatimus?lang=fi")  # the start page, its "Aloita" kept in the frame
    (begin,) = lxml.html.fromstring(start.text).xpath("//a[contains(@class, 'button--start')]/@href")
    assert begin == "/embed/forms/oikaisuvaatimus/pages/tekija?lang=fi"
    first = https.get(begin)
    assert frame_ancestors(first) == LVV
    action, pairs = read_form(first.text)
    assert action.startswith("/embed/forms/oikaisuvaatimus/pages/")
    assert lxml.html.fromstring(first.text).xpath("//p[@class='caption']//a/@href") == [
        "/embed/forms/oikaisuvaatimus/tasks?lang=fi"]
    switched = https.post(action.replace("lang=fi", "lang=sv"), data={**{n: [v] for n, v in pairs}, "_action": ["lang"]},
                          follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == action.replace("lang=fi", "lang=sv&checked=1")
    saved = https.post(action, data={**{n: [v] for n, v in read_form(https.get(action).text)[1]}, "_action": ["save"]},
                       follow_redirects=False)
    assert saved.headers["location"] == "/embed/forms/oikaisuvaatimus/saved?lang=fi"
    shown = https.get(saved.headers["location"])
    assert frame_ancestors(shown) == LVV
    link = lxml.html.fromstring(shown.text).xpath("//a[@class='resume-link']")[0]
    assert link.get("target") == "_blank"  # the link to keep is the form's own address, opened outside the frame
    assert link.get("href").startswith("https://lomake.test/drafts/")
    again = https.get(link.get("href").replace("/drafts/", "/embed/drafts/"), follow_redirects=False)
    assert again.headers["location"].startswith("/embed/forms/oikaisuvaatimus/pages/")
    continued = https.get(again.headers["location"])
    assert frame_ancestors(continued) == LVV and read_form(continued.text)[0].split("?")[0] == action.split("?")[0]
    tasks = https.get("/embed/forms/oikaisuvaatimus/tasks?lang=fi")
    assert all(u.startswith(("/embed/", "/static/", "/themes/", "/accessibility?", "/accessibility/")) for u in own_links(tasks.text))


def test_an_error_inside_the_frame_stays_in_it_and_leads_back_to_the_form(https: TestClient) -> None:
    stale = https.post("/embed/forms/oikaisuvaatimus/review", data=EMPTY)
    assert stale.status_code == 404 and frame_ancestors(stale) == LVV
    page = lxml.html.fromstring(stale.text)
    assert page.xpath("//main//a/@href") == ["/embed/forms/oikaisuvaatimus?lang=fi"]
    assert page.xpath("//main//a")[0].text_content() == "Takaisin lomakkeeseen"


def test_a_cross_site_post_into_the_frame_is_refused(https: TestClient) -> None:
    """SameSite=None sends the cookies along with any site's post: the browser's word on where it came from
    still refuses it (an embedded page posts to its own origin: same-origin)."""
    refused = https.post("/embed/forms/yksisivuinen", data=EMPTY, headers={"sec-fetch-site": "cross-site"})
    assert refused.status_code == 403 and frame_ancestors(refused) == LVV
    allowed = https.post("/embed/forms/yksisivuinen", data=EMPTY, headers={"sec-fetch-site": "same-origin"})
    assert allowed.status_code == 422


def write_agency(folder: Path, **fields: Any) -> None:
    """Agency `x` with `fields`, and form `a`, the built-in agency's (a broken agency file is one problem only)."""
    (folder / "agencies").mkdir(parents=True, exist_ok=True)
    (folder / "agencies" / "x.json").write_text(json.dumps({"name": {"fi": "X"}, **fields}))
    (folder / "a.json").write_text(json.dumps({"title": "A", "type": "object", "properties": {}}))


@pytest.mark.parametrize(("origins", "problem"), [
    (["https://*.lvv.fi"], "/embed_origins/0: Value error, 'https://*.lvv.fi' has a wildcard: list each origin "
                           "that embeds the forms, e.g. https://www.example.fi"),
    (["*"], "/embed_origins/0: Value error, '*' has a wildcard: list each origin that embeds the forms, "
            "e.g. https://www.example.fi"),
    (["https://lvv.fi", "https://lvv.fi/lomakkeet"], "/embed_origins/1: Value error, 'https://lvv.fi/lomakkeet' "
                                                     "has a path: give only scheme, host and port, e.g. "
                                                     "https://www.example.fi"),
    (["https://lvv.fi/"], "/embed_origins/0: Value error, 'https://lvv.fi/' has a path: give only scheme, host "
                          "and port, e.g. https://www.example.fi"),
    (["http://lvv.fi"], "/embed_origins/0: Value error, 'http://lvv.fi' is not https: only https pages can embed "
                        "the forms (http only as http://localhost or http://127.0.0.1, while developing)"),
    (["lvv.fi"], "/embed_origins/0: Value error, 'lvv.fi' is not an origin: write scheme://host or "
                 "scheme://host:port, e.g. https://www.example.fi"),
    (["https://lvv.fi 'unsafe-inline'"], "/embed_origins/0: Value error, \"https://lvv.fi 'unsafe-inline'\" is not an "
                                         "origin: write scheme://host or scheme://host:port, e.g. https://www.example.fi"),
    (["https://lvv.fi;sandbox"],
     "/embed_origins/0: Value error, 'https://lvv.fi;sandbox' is not an origin: write "
     "scheme://host or scheme://host:port, e.g. https://www.example.fi"),
    (["https://lvv.fi?x=1"], "/embed_origins/0: Value error, 'https://lvv.fi?x=1' has a query or fragment: give only "
                             "scheme, host and port, e.g. https://www.example.fi"),
    (["https://lvv.fi:99999"], "/embed_origins/0: Value error, 'https://lvv.fi:99999' is not an origin: write "
                               "scheme://host or scheme://host:port, e.g. https://www.example.fi"),
    (["javascript://lvv.fi"], "/embed_origins/0: Value error, 'javascript://lvv.fi' is not an https origin: write "
                              "https://host or https://host:port, e.g. https://www.example.fi"),
    (["https://lvv.fi", "https://LVV.fi"], "/embed_origins: Value error, https://lvv.fi listed more than once"),
    ("https://lvv.fi", "/embed_origins: Input should be a valid tuple"),
])
def test_lomake_check_refuses_an_origin_that_is_not_one(tmp_path: Path, origins: Any, problem: str) -> None:
    write_agency(tmp_path, embed_origins=origins)
    assert [unplaced(p).replace(f"{tmp_path}/", "") for p in check_paths([tmp_path / "a.json"])] == [
        f"agencies/x.json: {problem}"]


def test_origins_are_kept_in_lower_case_and_local_http_is_allowed_for_development(tmp_path: Path) -> None:
    write_agency(tmp_path, embed_origins=["https://WWW.Kunta.FI", "https://kunta.fi:8443", "http://localhost:8001",
                                          "http://127.0.0.1:8001"])
    assert check_paths([tmp_path / "a.json"]) == []
    (tmp_path / "b.json").write_text(json.dumps({"title": "B", "type": "object", "properties": {},
                                                 "x-lomake": {"agency": "x"}}))
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/l.sqlite3"))) as client:
        assert frame_ancestors(client.get("/embed/forms/b")) == (
            "https://www.kunta.fi https://kunta.fi:8443 http://localhost:8001 http://127.0.0.1:8001")
