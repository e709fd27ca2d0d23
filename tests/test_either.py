"""Requirements declared only as a root `oneOf`/`anyOf` of `{"required": [...]}`: the page says
"Give either X or Y" at each question concerned, and an unmet choice is an error at the first one,
in the questions' titles, linked from the summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html

from tests.conftest import form_client, post_as_browser, read_form, stored_answers

FORM: dict[str, Any] = {
    "title": "Yhteydenotto", "type": "object", "required": ["viesti"], "x-lomake": {"languages": ["fi", "en"]},
    "properties": {
        "viesti": {"title": "Viesti", "type": "string"},
        "puhelin": {"title": "Puhelinnumero", "type": "string"},
        "sahkoposti": {"title": "Sähköpostiosoite", "type": "string", "format": "email"},
        "syntymaaika": {"title": "Syntymäaika", "type": "string", "format": "date"},
        "hetu": {"title": "Henkilötunnus", "type": "string"},
    },
    "oneOf": [{"required": ["puhelin"]}, {"required": ["sahkoposti"]}],
    "anyOf": [{"required": ["syntymaaika"]}, {"required": ["hetu"]}],
}


def post(client: Any, answers: dict[str, str], lang: str = "fi") -> Any:
    _, pairs = read_form(client.get(f"/forms/yhteys?lang={lang}").text)
    data = {n: [v] for n, v in pairs} | {k: [v] for k, v in answers.items()}
    return post_as_browser(client, f"/forms/yhteys?lang={lang}", data)


def test_each_question_concerned_says_give_either_and_none_says_optional(tmp_path: Path) -> None:
    with form_client(tmp_path, yhteys=FORM) as client:
        doc = lxml.html.fromstring(client.get("/forms/yhteys").text)
        for fid in ("f_puhelin", "f_sahkoposti"):
            assert "Anna joko ”Puhelinnumero” tai ”Sähköpostiosoite”." in doc.get_element_by_id(f"{fid}-hint").text
            assert "valinnainen" not in doc.xpath(f"//label[@for='{fid}']")[0].text_content()
        hint = doc.get_element_by_id("f_hetu-hint").text
        assert hint == "Anna ainakin yksi näistä: ”Syntymäaika” tai ”Henkilötunnus”."
        english = lxml.html.fromstring(client.get("/forms/yhteys?lang=en").text)
        assert english.get_element_by_id("f_puhelin-hint").text == "Give either ”Puhelinnumero” or ”Sähköpostiosoite”."


def test_an_unmet_choice_is_an_error_at_the_first_question_in_its_titles(tmp_path: Path) -> None:
    with form_client(tmp_path, yhteys=FORM) as client:
        page = post(client, {"/viesti": "Hei"})
        assert page.status_code == 422
        doc = lxml.html.fromstring(page.text)
        links = {a.get("href"): a.text_content() for a in doc.xpath("//div[@class='error-summary']//a")}
        assert links == {"#f_puhelin": "Anna joko ”Puhelinnumero” tai ”Sähköpostiosoite”.",
                         "#f_syntymaaika": "Anna ainakin yksi näistä: ”Syntymäaika” tai ”Henkilötunnus”."}
        assert doc.get_element_by_id("f_puhelin").get("aria-invalid") == "true"
        assert "Anna joko" in doc.get_element_by_id("f_puhelin-error").text_content()
        both = post(client, {"/viesti": "Hei", "/puhelin": "040 123", "/sahkoposti": "a@example.fi", "/hetu": "x"})
        doc = lxml.html.fromstring(both.text)
        assert [a.text_content() for a in doc.xpath("//div[@class='error-summary']//a")] == [
            "Anna vain yksi näistä: ”Puhelinnumero” tai ”Sähköpostiosoite”."]
        done = post(client, {"/viesti": "Hei", "/puhelin": "", "/sahkoposti": "a@example.fi", "/hetu": "x",  # (kept)
                             "/syntymaaika[day]": "1", "/syntymaaika[month]": "2", "/syntymaaika[year]": "1990"})
        assert done.status_code == 303
        assert stored_answers(client) == [{"viesti": "Hei", "sahkoposti": "a@example.fi", "hetu": "x",
                                           "syntymaaika": "1990-02-01"}]


def test_the_api_speaks_of_the_choice_in_titles_too(tmp_path: Path) -> None:
    with form_client(tmp_path, yhteys=FORM) as client:
        response = client.post("/api/v1/forms/yhteys/submissions", json={"viesti": "Hei", "hetu": "x"})
        assert response.json()["errors"] == [
            {"pointer": "/puhelin", "message": "Anna joko ”Puhelinnumero” tai ”Sähköpostiosoite”."}]
