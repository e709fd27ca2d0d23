"""Long forms over plain HTTP, as a browser without JavaScript: pages, the review, drafts, prefill."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from lomake.cli import with_storage
from tests.conftest import (
    api_key,
    cli_api_key,
    database,
    drafts_of,
    form_client,
    read_form,
    serving,
    storage_of,
    stored_answers,
    stored_submissions,
)

TOIVE: dict[str, Any] = {
    "title": "Toivomus",
    "description": "Kerro, mitä toivot.",
    "x-lomake": {
        "pages": [
            {"id": "hakija", "title": "Hakija", "properties": ["nimi", "hetu", "rooli"]},
            {"id": "paamies", "title": "Päämies", "properties": ["paamies"],
             "if": {"properties": {"rooli": {"const": "toinen"}}, "required": ["rooli"]}},
            {"id": "asia", "title": "Asia", "properties": ["asia", "suhde", "lisatieto"]},
        ],
        "review": ["vakuutus"],
        "prefill_read_only": ["/hetu"],
        "draft_days": 7,
    },
    "ui:submitButtonOptions": {"submitText": "Lähetä toivomus"},
    "type": "object",
    "required": ["nimi", "rooli", "asia", "vakuutus"],
    "properties": {
        "nimi": {"type": "string", "title": "Nimi"},
        "hetu": {"type": "string", "format": "fi-hetu", "title": "Henkilötunnus"},
        "rooli": {"title": "Kenen puolesta?", "oneOf": [
            {"const": "itse", "title": "Omasta puolestani"}, {"const": "toinen", "title": "Toisen puolesta"}]},
        "paamies": {"type": "string", "title": "Päämiehen nimi"},
        "asia": {"type": "string", "title": "Mitä toivot?"},
        "lisatieto": {"type": "string", "title": "Lisätietoja"},
        "vakuutus": {"type": "boolean", "const": True, "title": "Vakuutan tiedot oikeiksi"},
    },
    "if": {"properties": {"rooli": {"const": "toinen"}}, "required": ["rooli"]},
    "then": {"required": ["paamies"], "properties": {"suhde": {"type": "string", "title": "Suhde päämieheen"}}},
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with form_client(tmp_path, toive=TOIVE) as c:
        yield c


def page(client: TestClient, url: str) -> tuple[str, list[tuple[str, str]], lxml.html.HtmlElement]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    action, pairs = read_form(response.text)
    return action, pairs, lxml.html.fromstring(response.text)


def send(client: TestClient, url: str, answers: dict[str, str], **extra: str) -> Any:
    """Post the page at `url` as a browser would, with `answers` over what it holds."""
    action, pairs, _ = page(client, url)
    data = {n: [v] for n, v in pairs if n not in answers} | {k: [v] for k, v in {**answers, **extra}.items()}
    return client.post(action, data=data, follow_redirects=False)


def heading(html: str) -> str:
    return str(lxml.html.fromstring(html).xpath("string(//h1)")).strip()


def test_a_journey_page_by_page_to_one_submission(client: TestClient) -> None:
    first = client.get("/forms/toive")
    assert heading(first.text) == "Hakija"
    assert "Vaihe 1/4" in first.text and "Kerro, mitä toivot." in first.text
    assert "<title>Hakija – Toivomus" in first.text

    # Each page is checked on its own: later pages' required answers are not asked yet.
    refused = send(client, "/forms/toive", {"/rooli": "itse"})  # Post/Redirect/Get: the page again at a plain address
    assert refused.status_code == 303 and refused.headers["location"] == "/forms/toive/pages/hakija?lang=fi&checked=1"
    wrong = client.get(refused.headers["location"])
    assert wrong.status_code == 422 and wrong.headers["cache-control"] == "no-store"
    summary = lxml.html.fromstring(wrong.text).xpath("//div[@class='error-summary']//li")
    assert [li.text_content() for li in summary] == ["Nimi: Kirjoita vastaus."]
    assert wrong.text.count('aria-invalid="true"') == 1

    moved = send(client, "/forms/toive", {"/nimi": "Maija", "/rooli": "itse"})
    assert moved.status_code == 303 and moved.headers["location"] == "/forms/toive/pages/asia?lang=fi"
    asia = client.get("/forms/toive/pages/asia")
    assert "Vaihe 3/4" in asia.text and "Suhde päämieheen" not in asia.text  # the condition rests on page 1
    assert 'href="/forms/toive/pages/hakija?lang=fi"' in asia.text  # back

    # Back keeps the answers given.
    _, pairs, _ = page(client, "/forms/toive/pages/hakija")
    assert ("/nimi", "Maija") in pairs and ("/rooli", "itse") in pairs

    to_review = send(client, "/forms/toive/pages/asia", {"/asia": "Lisää penkkejä"})
    assert to_review.headers["location"] == "/forms/toive/review?lang=fi"
    review = client.get("/forms/toive/review")
    doc = lxml.html.fromstring(review.text)
    assert [h.text_content() for h in doc.xpath("//main//h2")] == ["Hakija", "Asia"]
    rows = {r.xpath("string(dt)"): r.xpath("string(dd[1])") for r in doc.xpath("//div[@class='summary-list__row']")}
    assert rows["Nimi"] == "Maija" and rows["Mitä toivot?"] == "Lisää penkkejä"
    assert rows["Kenen puolesta?"] == "Omasta puolestani"
    change = doc.xpath("//a[starts-with(normalize-space(.), 'Muuta') and contains(., 'Nimi')]/@href")
    assert change == ["/forms/toive/pages/hakija?lang=fi&return=review#f_nimi"]

    unticked = send(client, "/forms/toive/review", {})  # Post/Redirect/Get: the problems at a plain address
    assert unticked.status_code == 303 and unticked.headers["location"] == "/forms/toive/review?lang=fi&checked=1"
    told = client.get(unticked.headers["location"])
    assert told.status_code == 422 and "Vakuutan tiedot oikeiksi" in told.text and "error-summary" in told.text
    assert "error-summary" not in client.get("/forms/toive/review").text
    assert stored_answers(client) == []
    sent = send(client, "/forms/toive/review", {"/vakuutus": "true"})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/receipts/")
    assert stored_answers(client) == [
        {"nimi": "Maija", "rooli": "itse", "asia": "Lisää penkkejä", "vakuutus": True}]
    # The draft keeps only the link to its submission.
    assert [(d.data, d.sent_receipt is not None) for d in drafts_of(client)] == [({}, True)]


def journey_to_review(client: TestClient, **page1: str) -> None:
    assert send(client, "/forms/toive", {"/nimi": "Maija", "/rooli": "itse", **page1}).status_code == 303
    if page1.get("/rooli") == "1":
        assert send(client, "/forms/toive/pages/paamies", {"/paamies": "Matti"}).status_code == 303
    assert send(client, "/forms/toive/pages/asia", {"/asia": "Penkkejä"}).status_code == 303


def test_changing_an_answer_from_the_review_returns_there_through_any_page_it_adds(client: TestClient) -> None:
    journey_to_review(client)
    changed = send(client, "/forms/toive/pages/hakija?return=review", {"/rooli": "toinen"}, _return="review")
    # Acting for someone else adds the principal's page: it is asked before the review.
    assert changed.headers["location"] == "/forms/toive/pages/paamies?lang=fi"
    assert "Vaihe 2/4" in client.get("/forms/toive/pages/paamies").text
    assert client.get("/forms/toive/review", follow_redirects=False).headers["location"] == \
        "/forms/toive/pages/paamies?lang=fi"
    assert send(client, "/forms/toive/pages/paamies", {"/paamies": "Matti"}).headers["location"] == \
        "/forms/toive/pages/asia?lang=fi"
    # The question the condition on page 1 adds is now asked on page 3, as a plain question.
    assert "Suhde päämieheen" in client.get("/forms/toive/pages/asia").text
    send(client, "/forms/toive/pages/asia", {"/suhde": "isä"})
    again = send(client, "/forms/toive/pages/hakija?return=review", {"/nimi": "Maija M"}, _return="review")
    assert again.headers["location"] == "/forms/toive/review?lang=fi"
    send(client, "/forms/toive/review", {"/vakuutus": "true"})
    assert stored_answers(client) == [{"nimi": "Maija M", "rooli": "toinen", "paamies": "Matti", "asia": "Penkkejä",
                                       "suhde": "isä", "vakuutus": True}]


def test_a_skipped_page_sends_none_of_its_answers(client: TestClient) -> None:
    journey_to_review(client, **{"/rooli": "toinen"})
    send(client, "/forms/toive/pages/asia", {"/suhde": "isä"})
    send(client, "/forms/toive/pages/hakija", {"/rooli": "itse"}, _return="review")
    send(client, "/forms/toive/review", {"/vakuutus": "true"})
    assert stored_answers(client) == [{"nimi": "Maija", "rooli": "itse", "asia": "Penkkejä", "vakuutus": True}]


def test_sending_again_gives_the_same_receipt(client: TestClient) -> None:
    journey_to_review(client)
    action, pairs, _ = page(client, "/forms/toive/review")
    data = dict(pairs) | {"/vakuutus": "true"}
    first = client.post(action, data=data, follow_redirects=False)
    again = client.post(action, data=data, follow_redirects=False)  # a double click, or a reload
    assert first.headers["location"] == again.headers["location"]
    assert len(stored_answers(client)) == 1
    assert client.get("/forms/toive/review", follow_redirects=False).headers["location"].startswith(
        first.headers["location"])


def test_a_post_with_the_draft_cookie_but_without_its_token_is_refused(client: TestClient) -> None:
    journey_to_review(client)
    before = drafts_of(client)
    refused = client.post("/forms/toive/pages/hakija", data={"/nimi": "Mallory", "/rooli": "itse"})
    assert refused.status_code == 403 and "vanhentunut" in refused.text
    forged = client.post("/forms/toive/review", data={"/vakuutus": "true", "_csrf": "x" * 43})
    assert forged.status_code == 403
    assert drafts_of(client) == before and stored_answers(client) == []
    cross = client.post("/forms/toive/pages/hakija", data={"/nimi": "M"}, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403


def test_save_and_continue_later_by_link_or_by_code(client: TestClient, tmp_path: Path) -> None:
    saved = send(client, "/forms/toive", {"/nimi": "Maija"}, _action="save")  # unfinished: not checked
    assert saved.headers["location"] == "/forms/toive/saved?lang=fi"
    shown = client.get("/forms/toive/saved")
    doc = lxml.html.fromstring(shown.text)
    link = doc.xpath("string(//a[@class='resume-link']/@href)")
    code = doc.xpath("string(//strong[@class='reference'])")
    assert re.fullmatch(r"http://testserver/drafts/[A-Za-z0-9_-]{43}", link)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    expiry = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    assert f"{expiry.day}.{expiry.month}.{expiry.year}" in doc.xpath("string(//main)")

    other = TestClient(client.app)  # another browser (the app's lifespan is the first client's)
    # By the link.
    resumed = other.get(link.removeprefix("http://testserver"), follow_redirects=False)
    assert resumed.headers["location"] == "/forms/toive/pages/hakija?lang=fi"
    assert "httponly" in resumed.headers["set-cookie"].lower()
    assert "samesite=lax" in resumed.headers["set-cookie"].lower()
    assert "path=/forms/toive" in resumed.headers["set-cookie"].lower()
    _, pairs, _ = page(other, "/forms/toive/pages/hakija")
    assert ("/nimi", "Maija") in pairs

    desk = TestClient(client.app)
    # A service point, by the code read out (in lower case, spaced).
    wrong = desk.post("/resume", data={"code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 422 and "Kirjoita jatkokoodi" in wrong.text
    typed = code.lower().replace("-", " ")
    right = desk.post("/resume", data={"code": typed}, follow_redirects=False)
    assert right.headers["location"] == "/forms/toive/pages/hakija?lang=fi"
    assert send(desk, "/forms/toive/pages/hakija", {"/rooli": "itse"}).status_code == 303
    assert send(desk, "/forms/toive/pages/asia", {"/asia": "Penkkejä"}).status_code == 303
    assert send(desk, "/forms/toive/review", {"/vakuutus": "true"}).status_code == 303
    assert stored_answers(client) == [{"nimi": "Maija", "rooli": "itse", "asia": "Penkkejä", "vakuutus": True}]
    assert client.get(link.removeprefix("http://testserver"), follow_redirects=False).headers[
        "location"].startswith("/receipts/")


def test_drafts_expire_and_are_purged_with_their_files(client: TestClient) -> None:
    send(client, "/forms/toive", {"/nimi": "Maija"}, _action="save")
    storage = storage_of(client)
    kept = asyncio.run(storage.add_attachment("liite.pdf", "application/pdf", b"%PDF-1.4 x"))
    loose = asyncio.run(storage.add_attachment("irti.pdf", "application/pdf", b"%PDF-1.4 y"))
    (draft,) = drafts_of(client)
    asyncio.run(storage.save_draft(draft, {**draft.data, "liite": kept.reference}, draft.done))
    assert asyncio.run(storage.purge(dt.datetime.now(dt.UTC) + dt.timedelta(days=2))) == (0, 1)  # only the loose one
    assert asyncio.run(storage.attachments([kept.id, loose.id])) == [kept]
    assert asyncio.run(storage.purge(dt.datetime.now(dt.UTC) + dt.timedelta(days=8))) == (1, 1)
    assert drafts_of(client) == [] and asyncio.run(storage.attachments([kept.id])) == []
    gone = client.get("/forms/toive/review")
    assert gone.status_code == 404 and "Luonnosta ei löytynyt" in gone.text


def expire(client: TestClient, days: int) -> str:
    """Save the one draft so that it expires `days` days from now (0: at once); its token."""
    (draft,) = drafts_of(client)
    asyncio.run(storage_of(client).save_draft(replace(draft, days=days), draft.data, draft.done))
    return draft.token


def test_an_expired_draft_is_not_resumed(client: TestClient) -> None:
    send(client, "/forms/toive", {"/nimi": "Maija"}, _action="save")
    token = expire(client, 0)
    assert client.get(f"/drafts/{token}").status_code == 404
    fresh = client.get("/forms/toive")  # the form starts again, blank
    assert ("/nimi", "Maija") not in read_form(fresh.text)[1]


def saved_days_ago(client: TestClient, monkeypatch: pytest.MonkeyPatch, ago: dt.timedelta) -> None:
    """Save the one draft as if `ago` had passed since: its own days from then (the storage's clock turned back)."""
    from submission.storage import postgresql_queries, sqlite_queries

    (draft,) = drafts_of(client)
    for engine in (sqlite_queries, postgresql_queries):
        monkeypatch.setattr(engine, "now", lambda: dt.datetime.now(dt.UTC) - ago)
    asyncio.run(storage_of(client).save_draft(draft, draft.data, draft.done))
    monkeypatch.undo()


def test_a_draft_near_its_expiry_warns_and_can_be_kept_longer(client: TestClient,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    send(client, "/forms/toive", {"/nimi": "Maija"}, _action="save")
    doc = lxml.html.fromstring(client.get("/forms/toive").text)
    assert doc.xpath("//div[@id='draft-warning']/@hidden") == [""]  # far from expiry: shown only by the script
    saved_days_ago(client, monkeypatch, dt.timedelta(days=6, hours=1))  # its 7 days end in 23 hours
    assert drafts_of(client)[0].days == 7
    doc = lxml.html.fromstring(client.get("/forms/toive").text)
    (warning,) = doc.xpath("//div[@id='draft-warning']")
    assert warning.get("hidden") is None and "poistetaan pian" in warning.text_content()
    form = warning.xpath(".//form")[0]
    data = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    kept = client.post(form.get("action"), data=data, follow_redirects=False)
    assert kept.status_code == 303 and kept.headers["location"] == "/forms/toive/pages/hakija?lang=fi"
    (draft,) = drafts_of(client)
    assert draft.expires_at > dt.datetime.now(dt.UTC) + dt.timedelta(days=6)


def test_prefill_through_the_api_and_locked_answers_stay(client: TestClient) -> None:
    made = client.post("/api/v1/forms/toive/drafts", json={"nimi": "Maija", "hetu": "131052-308t"},
                       headers=api_key(client))
    assert made.status_code == 201, made.text
    body = made.json()
    assert set(body) == {"id", "resume_url", "expires_at"} and body["expires_at"].endswith("Z")
    opened = client.get(body["resume_url"].removeprefix("http://testserver"))
    assert heading(opened.text) == "Hakija"
    doc = lxml.html.fromstring(opened.text)
    assert doc.xpath("string(//input[@name='/nimi']/@value)") == "Maija"
    assert "Esitäytetty." in doc.xpath("string(//div[@id='f_nimi-hint'])")
    assert doc.xpath("//input[@name='/hetu']") == []  # locked: shown, not asked
    assert "131052-308T" in doc.xpath("string(//div[@id='f_hetu'])")
    assert "et voi muuttaa" in doc.xpath("string(//div[@id='f_hetu'])")
    # A client that sends another identity code anyway is not heard.
    tampered = send(client, "/forms/toive/pages/hakija", {"/rooli": "itse", "/hetu": "010594Y202E"})
    assert tampered.status_code == 303
    send(client, "/forms/toive/pages/asia", {"/asia": "Penkkejä"})
    send(client, "/forms/toive/review", {"/vakuutus": "true"})
    assert stored_answers(client) == [{"nimi": "Maija", "hetu": "131052-308T", "rooli": "itse", "asia": "Penkkejä",
                                       "vakuutus": True}]


@pytest.mark.parametrize(("prefill", "status", "pointer", "words"), [
    ({"hetu": "131052-308U"}, 422, "/hetu", "tarkistusmerkki"),
    ({"vakuutus": True}, 422, "/vakuutus", "ei voi esitäyttää"),
    ({"nimi": 5}, 422, "/nimi", ""),
    (["nimi"], 422, "", ""),
])
def test_a_wrong_prefill_is_refused(client: TestClient, prefill: object, status: int, pointer: str,
                                    words: str) -> None:
    refused = client.post("/api/v1/forms/toive/drafts", json=prefill, headers=api_key(client))
    assert refused.status_code == status
    (error,) = refused.json()["errors"]
    assert error["pointer"] == pointer and words in error["message"]
    assert drafts_of(client) == []


def test_pages_that_do_not_share_out_the_properties_are_reported(tmp_path: Path) -> None:
    from core.catalog import load_catalog

    broken = json.loads(json.dumps(TOIVE))
    broken["x-lomake"]["pages"][2]["properties"] = ["asia", "nimi", "puuttuu"]
    (tmp_path / "rikki.json").write_text(json.dumps(broken))
    problems = [str(p) for p in load_catalog(tmp_path).problems]
    assert any("'nimi' is already on /x-lomake/pages/0" in p for p in problems)
    assert any("no property 'puuttuu'" in p for p in problems)
    assert any("'lisatieto' is on no page" in p for p in problems)


def post(base: str, path: str, data: dict[str, str], cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(base + path, data=urllib.parse.urlencode(data).encode(), headers={
        "cookie": cookie, "content-type": "application/x-www-form-urlencoded"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("location", "")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("location", "")


def test_two_sends_at_once_and_a_restart(tmp_path: Path) -> None:
    """A real server: a draft made through the API survives a restart, and two final sends at the same
    moment make one submission with one reference."""
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "toive.json").write_text(json.dumps(TOIVE))
    with database(tmp_path) as db_url:
        args = ("--schemas", "schemas", "--db", db_url)
        key = cli_api_key(tmp_path, *args, "--name", "asiointi")
        sent = _send_twice_at_once_after_a_restart(tmp_path, args, key)
        assert with_storage(db_url, lambda storage: storage.count_submissions()) == 1
    assert [status for status, _ in sent] == [303] * 4
    assert len({location for _, location in sent}) == 1


def _send_twice_at_once_after_a_restart(tmp_path: Path, args: tuple[str, ...], key: str) -> list[tuple[int, str]]:
    """A draft made through the API in one server, sent four times at once in the next; their answers."""
    with serving(tmp_path, *args) as base:
        request = urllib.request.Request(f"{base}/api/v1/forms/toive/drafts", data=json.dumps(
            {"nimi": "Maija", "rooli": "itse", "asia": "Penkkejä"}).encode(), headers={
            "content-type": "application/json", "authorization": f"Bearer {key}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            resume_url = json.load(response)["resume_url"]
    with serving(tmp_path, *args) as base:  # a new process: the draft is in the database, not in memory
        token = resume_url.rsplit("/", 1)[1]
        status, location = post(base, f"/drafts/{token}", {}, "")
        assert status == 405  # the link is opened, not posted
        cookie = _opened(f"{base}/drafts/{token}")
        assert "Hakija" in _get(f"{base}/forms/toive/pages/hakija", cookie)
        for where, answers in [("hakija", {"/nimi": "Maija", "/rooli": "itse"}), ("asia", {"/asia": "Penkkejä"})]:
            page_html = _get(f"{base}/forms/toive/pages/{where}", cookie)
            csrf = lxml.html.fromstring(page_html).xpath("string(//input[@name='_csrf']/@value)")
            assert post(base, f"/forms/toive/pages/{where}", {**answers, "_csrf": csrf}, cookie)[0] == 303
        csrf = lxml.html.fromstring(_get(f"{base}/forms/toive/review", cookie)).xpath(
            "string(//form[@class='form']/input[@name='_csrf']/@value)")
        results: list[tuple[int, str]] = []
        start = threading.Barrier(4)

        def send_once() -> None:
            start.wait()
            results.append(post(base, "/forms/toive/review", {"/vakuutus": "true", "_csrf": csrf}, cookie))

        threads = [threading.Thread(target=send_once) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return results


def _opened(url: str) -> str:
    """Open a resume link without following its redirect; the draft cookie it sets, as a Cookie header."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(url, timeout=30).close()
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, answer.code
        return str(answer.headers["set-cookie"]).split(";")[0]
    raise AssertionError("the link did not redirect")


def _get(url: str, cookie: str) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"cookie": cookie}), timeout=30) as response:
        return str(response.read().decode())


def walk_pages(client: TestClient, location: str, answers: dict[str, Any], files: dict[str, tuple[str, bytes, str]],
               stop_at: str = "/review") -> str:
    """Fill in each page a redirect leads to with `answers` (and upload `files`, by control name) until `stop_at`."""
    from submission.coerce import form_values

    app = client.app.state.lomake  # type: ignore[attr-defined]
    form = app.catalog.forms[location.split("/")[2]]
    values = form_values(app.view(form, "fi").fields, answers)
    while stop_at not in location:
        action, pairs, doc = page(client, location)
        asked = {name.split("/")[1].split("[")[0] for name in doc.xpath("//form[@class='form']//@name")
                 if name.startswith("/")}
        data = {n: [v] for n, v in pairs} | {n: v for n, v in values.items() if n.split("/")[1].split("[")[0] in asked}
        upload = {n: f for n, f in files.items() if n.split("/")[1] in asked}
        response = client.post(action, data=data, files=upload or None, follow_redirects=False)
        assert response.status_code == 303, (location, re.findall(r'class="error-message">(.*?)</p>', response.text))
        location = response.headers["location"]
    return location


def test_the_rectification_request_from_a_prefilled_draft_to_one_submission(tmp_path: Path) -> None:
    """Issue 4's "done when", without JavaScript: started by the agency through the API with the requester's
    identity locked, continued, saved, resumed by link, reviewed, changed and sent once."""
    import shutil

    from tests.conftest import SCHEMAS
    from tests.samples import OIKAISUVAATIMUS, PDF

    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    with form_client(tmp_path / "schemas") as client:
        known = {k: OIKAISUVAATIMUS["vaatija"][k] for k in ("etunimet", "sukunimi", "henkilotunnus")}
        made = client.post("/api/v1/forms/oikaisuvaatimus/drafts", json={"vaatija": known},
                           headers=api_key(client, "lvv"))
        assert made.status_code == 201, made.text
        opened = client.get(made.json()["resume_url"], follow_redirects=False)
        answers = {k: v for k, v in OIKAISUVAATIMUS.items() if k not in ("paatosliite", "liitteet", "vakuutus")}
        answers["vaatija"] = {**answers["vaatija"], "sukunimi": "Muutettu"}  # locked: not heard
        location = walk_pages(client, opened.headers["location"], answers, {}, stop_at="/vaatimus")
        saved = send(client, location, {}, _action="save")
        link = lxml.html.fromstring(client.get(saved.headers["location"]).text).xpath(
            "string(//a[@class='resume-link']/@href)")

        later = TestClient(client.app)  # the next day, on another device
        resumed = later.get(link, follow_redirects=False)
        assert resumed.headers["location"] == "/forms/oikaisuvaatimus/pages/vaatimus?lang=fi"
        location = walk_pages(later, resumed.headers["location"], answers,
                              {"/paatosliite": ("päätös.pdf", PDF, "application/pdf")})
        review = later.get(location).text
        assert "Oppilasasia" in review and "Meikäläinen" in review and "Muutettu" not in review
        change = lxml.html.fromstring(review).xpath(
            "//a[starts-with(normalize-space(.), 'Muuta') and contains(., 'Perustelut')]/@href")[0]
        changed = send(later, change, {"/perustelut": "Tuen tarve on kasvanut."}, _return="review")
        assert changed.headers["location"] == location
        action, pairs, _ = page(later, location)
        first = later.post(action, data=dict(pairs) | {"/vakuutus": "true"}, follow_redirects=False)
        again = later.post(action, data=dict(pairs) | {"/vakuutus": "true"}, follow_redirects=False)  # a reload
        assert first.headers["location"] == again.headers["location"]
        (submission,) = stored_submissions(later)
        claimed = asyncio.run(storage_of(later).submission_attachments(submission.id))
    stored, metadata = submission.data, submission.metadata
    assert [a.reference for a in claimed] == [stored["paatosliite"]]
    assert stored["vaatija"]["sukunimi"] == "Meikäläinen" and stored["vaatija"]["henkilotunnus"] == "131052-308T"
    assert stored["perustelut"] == "Tuen tarve on kasvanut." and stored["oppilasasia"]["koulu"] == "Esimerkin koulu"
    assert stored["paatosliite"].startswith("attachment:") and stored["vakuutus"] is True
    assert set(metadata["parts"]) >= {"common/acting.json", "common/decision.json"}
    acted = metadata["acting"]  # who acted for whom, beside the answers
    assert (acted["for"], acted["ground"], acted["principal"]["name"]) == (
        "other", "guardian_of_minor", "Matti Meikäläinen")


class PurgedMidway:
    """The app's real storage, except that the hourly purge (run as if a month had passed) takes every draft
    just before a page's answers are saved: the draft goes while the request about it is on its way."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def save_draft(self, *args: Any, **kwargs: Any) -> Any:
        await self.real.purge(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
        return await self.real.save_draft(*args, **kwargs)


def test_a_draft_that_goes_while_its_page_is_posted_answers_gone_not_an_error(client: TestClient) -> None:
    action, pairs, _ = page(client, "/forms/toive")
    app = client.app.state.lomake  # type: ignore[attr-defined]
    app.storage = PurgedMidway(app.storage)
    data = {n: v for n, v in pairs} | {"/nimi": "Maija Meikäläinen", "/rooli": "itse"}
    response = client.post(action, data=data, follow_redirects=False)
    assert response.status_code == 410
    assert "Luonnosta ei löytynyt" in response.text
