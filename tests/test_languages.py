"""Each language's own ways: dates as d.M.yyyy everywhere, times in Finnish time in the language's
words, numbers with the language's separators; the list of forms in the page's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.formats import clock_shown, date_shown, moment_shown, number_shown
from core.view.build import form_view
from renderer.answers import answers
from tests.conftest import form_client

NBSP = "\u00a0"
FORM: dict[str, object] = {
    "title": "Ilmoitus", "type": "object", "x-lomake": {"languages": ["fi", "sv", "en"]},
    "properties": {
        "paiva": {"title": "Päivä", "type": "string", "format": "date"},
        "valittu": {"title": "Valittu päivä", "type": "string", "format": "date", "ui:widget": "date"},
        "hetki": {"title": "Hetki", "type": "string", "format": "date-time"},
        "kello": {"title": "Kello", "type": "string", "format": "time"},
        "maara": {"title": "Määrä", "type": "number"},
        "kpl": {"title": "Kappaleita", "type": "integer"},
        "mitat": {"title": "Mitat", "type": "array", "items": {"type": "number"}},
    },
}
ANSWERS = {"paiva": "2025-10-03", "valittu": "2026-01-15", "hetki": "2026-07-01T09:30:00Z",
           "kello": "14:30:00+02:00", "maara": 1234.5, "kpl": 1234567, "mitat": [0.25, 12000]}


@pytest.mark.parametrize(("lang", "expected"), [
    ("fi", ["3.10.2025", "15.1.2026", "1.7.2026 klo 12.30", "14.30", f"1{NBSP}234,5", f"1{NBSP}234{NBSP}567",
            f"0,25\n12{NBSP}000"]),
    ("sv", ["3.10.2025", "15.1.2026", "1.7.2026 kl. 12.30", "14.30", f"1{NBSP}234,5", f"1{NBSP}234{NBSP}567",
            f"0,25\n12{NBSP}000"]),
    ("en", ["3.10.2025", "15.1.2026", "1.7.2026 at 12:30", "14:30", "1,234.5", "1,234,567", "0.25\n12,000"]),
])
def test_answers_are_shown_in_the_language_s_own_way(tmp_path: Path, lang: str, expected: list[str]) -> None:
    with form_client(tmp_path, ilmoitus=FORM) as client:
        form = client.app.state.lomake.catalog.forms["ilmoitus"]  # type: ignore[attr-defined]
        assert [a.value for a in answers(form_view(form, lang).fields, ANSWERS, lang)] == expected
        created = client.post(f"/api/v1/forms/ilmoitus/submissions?lang={lang}", json=ANSWERS).json()
        page = lxml.html.fromstring(client.get(created["receipt_url"].removesuffix(".pdf")).text)
        shown = [dd.text_content() for dd in page.xpath("//dd[@class='summary-list__value']")]
        assert shown == expected


@pytest.mark.parametrize(("lang", "number", "moment"), [
    ("fi", f"-12{NBSP}345,678", "23.11.2026 klo 17.49.05"),
    ("sv", f"-12{NBSP}345,678", "23.11.2026 kl. 17.49.05"),
    ("en", "-12,345.678", "23.11.2026 at 17:49:05"),
])
def test_formats_per_language(lang: str, number: str, moment: str) -> None:
    assert number_shown(-12345.678, lang) == number
    assert number_shown(0.1234567, lang).endswith("1234567")  # every decimal kept
    assert moment_shown(dt.datetime(2026, 11, 23, 15, 49, 5, tzinfo=dt.UTC), lang) == moment
    assert date_shown(dt.date(2025, 10, 3)) == "3.10.2025"
    assert clock_shown(dt.time(9, 5), lang, seconds=False) == ("09:05" if lang == "en" else "09.05")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[TestClient]:
    """Two forms: one in three languages (its titles translated in the catalogs), one in Finnish only."""
    (tmp_path / "locale").mkdir()
    for lang, title in (("sv", "Klagomål"), ("en", "Complaint")):
        (tmp_path / "locale" / f"{lang}.po").write_text(
            f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'msgid "Kantelu"\nmsgstr "{title}"\n', encoding="utf-8")
    with form_client(
        tmp_path,
        kantelu={"title": "Kantelu", "type": "object", "x-lomake": {"languages": ["fi", "sv", "en"]},
                 "properties": {}},
        ilmoitus={"title": "Ilmoitus", "type": "object", "properties": {}},
    ) as client:
        yield client


@pytest.mark.parametrize(("lang", "titles"), [
    ("fi", [("Kantelu", "/forms/kantelu?lang=fi", None), ("Ilmoitus", "/forms/ilmoitus?lang=fi", None)]),
    ("sv", [("Klagomål", "/forms/kantelu?lang=sv", None), ("Ilmoitus", "/forms/ilmoitus?lang=fi", "fi")]),
    ("en", [("Complaint", "/forms/kantelu?lang=en", None), ("Ilmoitus", "/forms/ilmoitus?lang=fi", "fi")]),
])
def test_the_list_of_forms_is_in_the_page_s_language(site: TestClient, lang: str,
                                                      titles: list[tuple[str, str, str | None]]) -> None:
    doc = lxml.html.fromstring(site.get(f"/?lang={lang}").text)
    links = doc.xpath("//ul[@class='form-list']//a")
    assert sorted((a.text_content(), a.get("href"), a.get("lang")) for a in links) == sorted(titles)
    form = site.app.state.lomake.catalog.forms["kantelu"]  # type: ignore[attr-defined]
    assert form.title_in(lang) == form.in_language(lang).document["title"]
