"""Issue 11, item 1: every message a sample form can show says what to do in the question's own terms. The error
summary repeats the message next to the field word for word, never the question pasted before a generic message
("Kenen puolesta asioit?: Valitse yksi vaihtoehto."), and it lists the problems in the order of the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.messages import LANGUAGES
from core.view.build import form_view
from submission.coerce import form_values
from tests.conftest import read_form, shown_again
from tests.gallery import SAMPLES
from tests.test_sample_forms import files_out

#: Answers a person can type that no question of a kind accepts: a number, a date, an e-mail address, an
#: identity code, a phone number. (A choice's value is the page's own: only a crafted request sends another.)
WRONG = "??"


def shown(response: Any) -> tuple[list[str], list[str]]:
    """The error summary's lines and the messages next to the fields (without their hidden "Virhe:")."""
    page = lxml.html.fromstring(response.text)
    summary = [" ".join(li.text_content().split()) for li in page.xpath("//div[@class='error-summary']//li")]
    beside = [" ".join(p.xpath("string(text()[last()])").split()) for p in page.xpath("//p[@class='error-message']")]
    return summary, beside


def typed(page: lxml.html.HtmlElement, name: str) -> bool:
    """Whether the control `name` is typed into (a text box or area), not picked from the page's options."""
    return bool(page.xpath(f"//form[@class='form']//textarea[@name='{name}'] | //form[@class='form']"
                           f"//input[@name='{name}'][not(@type) or @type='text' or @type='tel' or @type='email']"))


def refusals(client: TestClient, form_id: str, lang: str) -> Iterator[tuple[str, Any]]:
    """Each page of the form as the sample fills it, sent first empty, then with each of its answers left out
    and each typed answer wrong: every refused one, with what was left out or wrong."""
    form = client.app.state.lomake.catalog.forms[form_id]  # type: ignore[attr-defined]
    answers, files = files_out(SAMPLES[form_id])
    values = form_values(form_view(form, lang).fields, answers)
    location = f"/forms/{form_id}/pages/{form.meta.pages[0].id}?lang={lang}" if not form.meta.one_page else \
        f"/forms/{form_id}?lang={lang}"
    while "/review" not in location and "/receipts/" not in location:
        page = lxml.html.fromstring(client.get(location).text)
        asked = {n.split("/")[1].split("[")[0] for n in page.xpath("//form[@class='form']//@name") if n.startswith("/")}
        chosen = {n: v for n, v in values.items() if n.split("/")[1].split("[")[0] in asked}
        upload = {n: f for n, f in files.items() if n.split("/")[1] in asked} or None
        trials = [("", None)] + [(n, None) for n in chosen] + [(n, [WRONG]) for n in chosen if typed(page, n)]
        for name, instead in trials:
            action, pairs = read_form(client.get(location).text)
            data: dict[str, list[str]] = {}
            for n, v in pairs:
                data.setdefault(n, []).append(v)
            if name:
                data = {n: v for n, v in data.items() if n != name}  # (a draft may hold an earlier try's answer)
                data |= {n: v for n, v in chosen.items() if n != name} | ({name: instead} if instead else {})
            else:  # empty: only the page's own hidden controls
                data = {n: v for n, v in data.items() if not n.startswith("/") or n.endswith("[count]")}
            sent = shown_again(client, client.post(action, data=data, files=upload if name else None,
                                                   follow_redirects=False))
            if sent.status_code == 422:
                yield f"{location} {name or 'empty'} {instead or ''}", sent
        action, pairs = read_form(client.get(location).text)
        data = {}
        for n, v in pairs:
            if n not in chosen:
                data.setdefault(n, []).append(v)
        moved = client.post(action, data=data | chosen, files=upload, follow_redirects=False)
        assert moved.status_code == 303 and "checked=1" not in moved.headers["location"], \
            (location, shown(shown_again(client, moved)))
        location = moved.headers["location"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", list(SAMPLES))
def test_the_summary_says_what_the_field_says(client: TestClient, form_id: str, lang: str) -> None:
    refused = 0
    for where, response in refusals(client, form_id, lang):
        refused += 1
        summary, beside = shown(response)
        assert summary and summary == beside, where  # the same words, in the same order: the page's
        assert not any("?: " in line or line.endswith(("Kirjoita vastaus.", "Skriv ett svar.", "Enter an answer."))
                       for line in summary), where
    assert refused >= 8  # every page was tried, and refused (the one-page feedback form: 8 times)


def test_a_list_items_problems_are_told_in_the_order_of_its_questions(client: TestClient) -> None:
    from tests.test_journey import walk_pages

    answers, files = files_out(SAMPLES["ymparistolupa"])
    walk_pages(client, "/forms/ymparistolupa/pages/hakija?lang=fi", answers, files, stop_at="/luvat")
    action, pairs = read_form(client.get("/forms/ymparistolupa/pages/luvat?lang=fi").text)
    sent = shown_again(client, client.post(action, data={n: [v] for n, v in pairs}, follow_redirects=False))
    assert sent.status_code == 422
    assert shown(sent)[0] == ["Kirjoita luvan tai päätöksen laji.", "Kirjoita viranomainen, joka teki päätöksen.",
                              "Kirjoita päätöksen päivämäärä."]
