"""Post/Redirect/Get over plain HTTP (web/history.py): a page post that is not taken is kept in the draft and
shown again at the page's own address with `?checked=1`, as typed, with its problems (422); never to anyone
else, never on another page, and only until the draft is saved again."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.conftest import drafts_of, form_client, read_form, stored_answers

VIESTI: dict[str, Any] = {
    "title": "Viesti", "type": "object", "required": ["nimi", "summa"],
    "properties": {
        "nimi": {"type": "string", "title": "Nimi"},
        "summa": {"type": "integer", "title": "Summa"},
        "paiva": {"type": "string", "format": "date", "title": "Maksupäivä"},
    },
}
MAKSU: dict[str, Any] = {
    "title": "Maksu", "type": "object",
    "x-lomake": {"pages": [{"id": "maksaja", "title": "Maksaja", "properties": ["nimi"]},
                           {"id": "maksu", "title": "Maksu", "properties": ["summa", "paiva", "viitteet"]}],
                 "review": ["kpl", "vakuutus"]},
    "required": ["nimi", "summa", "vakuutus"],
    "properties": {
        **VIESTI["properties"],
        "viitteet": {"type": "array", "title": "Viitteet", "items": {"type": "string", "title": "Viite"}},
        "kpl": {"type": "integer", "title": "Kappaleita"},
        "vakuutus": {"type": "boolean", "const": True, "title": "Vakuutan tiedot oikeiksi"},
    },
}
#: Text that is not an answer yet: a number in words, a date that is not in the calendar.
NOT_YET = {"/summa": "kolme", "/paiva[day]": "31", "/paiva[month]": "2", "/paiva[year]": "2024"}
MAKSAJA = "/forms/maksu/pages/maksaja?lang=fi"
MAKSU_PAGE = "/forms/maksu/pages/maksu?lang=fi"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with form_client(tmp_path, viesti=VIESTI, maksu=MAKSU) as c:
        yield c


def post(client: TestClient, url: str, answers: dict[str, str]) -> Any:
    """Post the page at `url` as a browser does: what it holds, `answers` over it; the answer, not followed."""
    action, pairs = read_form(client.get(url).text)
    data = {n: [v] for n, v in pairs if n not in answers} | {k: [v] for k, v in answers.items()}
    return client.post(action, data=data, follow_redirects=False)


def values(html: str) -> dict[str, str]:
    return dict(read_form(html)[1])


def summary(html: str) -> list[str]:
    return [li.text_content() for li in lxml.html.fromstring(html).xpath("//div[@class='error-summary']//li")]


def test_a_refused_one_page_form_is_shown_again_as_typed_at_a_plain_address(client: TestClient) -> None:
    typed = {"/nimi": 'Maija "<b>"', **NOT_YET}
    refused = post(client, "/forms/viesti?lang=fi", typed)
    assert refused.status_code == 303 and refused.headers["location"] == "/forms/viesti?lang=fi&checked=1"
    assert refused.content == b"" and "Maija" not in refused.headers["location"]  # nothing typed in the address
    for _ in range(2):  # a reload shows it again
        shown = client.get(refused.headers["location"])
        assert shown.status_code == 422 and shown.headers["cache-control"] == "no-store"
        assert typed.items() <= values(shown.text).items() and "<b>" not in shown.text
        assert [line.split(":")[0] for line in summary(shown.text)] == ["Summa", "Maksupäivä"]
    assert stored_answers(client) == []


def test_a_refused_page_and_the_review_keep_text_that_is_not_an_answer_yet(client: TestClient) -> None:
    assert post(client, MAKSAJA, {"/nimi": "Maija"}).headers["location"] == MAKSU_PAGE
    refused = post(client, MAKSU_PAGE, {**NOT_YET, "/viitteet[count]": "1", "/viitteet/0": "RF18"})
    assert refused.headers["location"] == f"{MAKSU_PAGE}&checked=1"
    shown = client.get(refused.headers["location"])
    assert shown.status_code == 422 and NOT_YET.items() <= values(shown.text).items()
    assert values(shown.text)["/viitteet/0"] == "RF18" and len(summary(shown.text)) == 2
    passed = post(client, refused.headers["location"], {"/summa": "3", "/paiva[day]": "28"})
    assert passed.headers["location"] == "/forms/maksu/review?lang=fi"
    unsent = post(client, "/forms/maksu/review?lang=fi", {"/kpl": "kolme"})  # and no declaration
    assert unsent.headers["location"] == "/forms/maksu/review?lang=fi&checked=1"
    review = client.get(unsent.headers["location"])
    assert review.status_code == 422 and values(review.text)["/kpl"] == "kolme"
    assert [line.split(":")[0] for line in summary(review.text)] == ["Kappaleita", "Vakuutan tiedot oikeiksi"]
    sent = post(client, unsent.headers["location"], {"/kpl": "3", "/vakuutus": "true"})
    assert sent.headers["location"].startswith("/receipts/")
    assert stored_answers(client) == [{"nimi": "Maija", "summa": 3, "paiva": "2024-02-28", "viitteet": ["RF18"],
                                       "kpl": 3, "vakuutus": True}]


def test_a_stranger_never_sees_anyone_elses_refused_answers(client: TestClient) -> None:
    post(client, "/forms/viesti?lang=fi", {"/nimi": "Maija Salainen", "/summa": "kolme"})
    post(client, MAKSAJA, {"/nimi": "Maija Salainen"})
    post(client, MAKSU_PAGE, {"/summa": "salaista"})
    stranger = TestClient(client.app)
    for url in ("/forms/viesti?lang=fi&checked=1", "/forms/viesti?checked=1", f"{MAKSU_PAGE}&checked=1",
                f"{MAKSAJA}&checked=1"):
        page = stranger.get(url)
        assert page.status_code == 200 and "alai" not in page.text and not summary(page.text), url
        assert set(values(page.text).values()) <= {"", "0"}, url  # (a list's count)
    assert stranger.get("/forms/maksu/review?lang=fi&checked=1").status_code == 404
    own = post(stranger, "/forms/viesti?lang=fi", {"/nimi": "Matti"})  # with a draft of their own: only theirs
    shown = stranger.get(own.headers["location"])
    assert values(shown.text)["/nimi"] == "Matti" and "Salainen" not in shown.text
    assert len(drafts_of(client, "viesti")) == 2


def test_a_refusal_is_shown_on_its_own_page_only_and_until_the_draft_is_saved_again(client: TestClient) -> None:
    post(client, MAKSAJA, {"/nimi": "Maija"})
    refused = post(client, MAKSU_PAGE, {"/summa": "kolme"})
    other = client.get(f"{MAKSAJA}&checked=1")  # page A's refusal is not page B's
    assert other.status_code == 200 and not summary(other.text) and values(other.text)["/nimi"] == "Maija"
    plain = client.get(MAKSU_PAGE)  # its plain address (a link to it): what the draft holds, no problems
    assert plain.status_code == 200 and not summary(plain.text)
    keep = lxml.html.fromstring(client.get(refused.headers["location"]).text).xpath("//div[@id='draft-warning']//form")[0]
    kept = client.post(keep.get("action"), data={i.get("name"): i.get("value") for i in keep.xpath(".//input")},
                       follow_redirects=False)  # keeping the draft longer comes back to the page as it was
    assert kept.headers["location"] == refused.headers["location"]
    assert client.get(kept.headers["location"]).status_code == 422
    saved = post(client, MAKSAJA, {"/nimi": "Maija M", "_action": "save"})
    assert saved.headers["location"] == "/forms/maksu/saved?lang=fi"
    (draft,) = drafts_of(client, "maksu")
    assert draft.refused is None
    after = client.get(refused.headers["location"])
    assert after.status_code == 200 and not summary(after.text)


def test_a_list_button_answers_with_a_redirect_too_and_saves_nothing(client: TestClient) -> None:
    post(client, MAKSAJA, {"/nimi": "Maija"})
    (before,) = drafts_of(client, "maksu")
    added = post(client, MAKSU_PAGE, {"/summa": "kolme", "_action": "add /viitteet"})
    assert added.status_code == 303 and added.headers["location"] == f"{MAKSU_PAGE}&checked=1"
    shown = client.get(added.headers["location"])
    assert shown.status_code == 200 and not summary(shown.text)  # a page changed, not refused
    assert values(shown.text)["/summa"] == "kolme" and "/viitteet/0" in values(shown.text)
    (after,) = drafts_of(client, "maksu")
    assert (after.data, after.done) == (before.data, before.done)


def test_a_one_page_form_sent_from_its_draft_once_remembers_the_receipt_for_back(client: TestClient) -> None:
    refused = post(client, "/forms/viesti?lang=fi", {"/nimi": "Maija"})
    action, pairs = read_form(client.get(refused.headers["location"]).text)
    fixed = {n: [v] for n, v in pairs} | {"/summa": ["3"]}
    sent, again = (client.post(action, data=fixed, follow_redirects=False) for _ in range(2))  # a double click
    assert sent.status_code == 303 and sent.headers["location"].startswith("/receipts/")
    assert again.headers["location"] == sent.headers["location"] and stored_answers(client) == [
        {"nimi": "Maija", "summa": 3}]
    assert sent.headers["set-cookie"].startswith("lomake_sent=")
    back = client.get(refused.headers["location"], headers={"sec-fetch-mode": "navigate"},
                      follow_redirects=False)  # the browser's Back to the refused page's address
    assert back.status_code == 303 and back.headers["location"] == sent.headers["location"].split("?")[0]


def test_what_was_typed_is_never_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    refused = post(client, "/forms/viesti?lang=fi", {"/nimi": "Maija Salainen", "/summa": "kolmetuhatta"})
    client.get(refused.headers["location"])
    post(client, MAKSAJA, {"/nimi": "Maija Salainen", "_action": "add /nothing"})
    assert "Salainen" not in caplog.text and "kolmetuhatta" not in caplog.text


def test_a_one_page_refusal_is_kept_a_day_until_the_person_saves_it(client: TestClient) -> None:
    """The person did not ask to keep a refused send, and a shared computer's next user opens the same form: its
    draft lives `REFUSAL_DAYS`, without an expiry warning on the page; "save for later" keeps it `draft_days`."""
    refused = post(client, "/forms/viesti?lang=fi", {"/nimi": "Maija"})
    assert refused.status_code == 303
    (draft,) = drafts_of(client, "viesti")
    assert draft.days == 1 and draft.expires_at - draft.created_at <= dt.timedelta(days=1, minutes=1)
    page = client.get(refused.headers["location"])
    assert page.status_code == 422
    warning = lxml.html.fromstring(page.text).get_element_by_id("draft-warning")
    assert warning.get("hidden") is not None
    assert post(client, "/forms/viesti?lang=fi", {"_action": "save"}).status_code == 303
    (kept,) = drafts_of(client, "viesti")
    assert kept.id == draft.id and kept.days == 7 and kept.expires_at - draft.created_at > dt.timedelta(days=6)  # the default
