"""Messages people understand, and rules between answers.

Lomake's own messages are worded per kind of answer and read alone beside the field; the error
summary puts the field's label before them. A form gives its own words per field and per keyword
(`ui:messages`), and compares answers with `x-lomake.rules`, on the page and through the API alike.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from lomake.check import check_paths
from server import create_app
from submission.coerce import form_values
from tests.conftest import ONE_PAGE_FORM, ROOT, page_csrf, read_form, shown_again
from tests.samples import KANTELU, YMPARISTOLUPA

LANGUAGES = ("fi", "sv", "en")
EXAMPLE = ROOT / "docs" / "examples" / "tilavaraus.json"
END_BEFORE_START = {
    "fi": "Päättymispäivän on oltava sama kuin alkamispäivä tai sen jälkeen.",
    "sv": "Slutdatumet måste vara samma som startdatumet eller senare.",
    "en": "The end date must be the same as or after the start date.",
}


def post_page(client: TestClient, form_id: str, lang: str, answers: dict[str, Any],
              extra: dict[str, str] | None = None) -> Any:
    """Send `answers` through the form's page, as a browser would after filling it in (with the CSRF token of the
    page it has, once a refused send made it a draft's); a page not taken is that page shown again."""
    app = client.app.state.lomake  # type: ignore[attr-defined]
    form = app.catalog.forms[form_id]
    page = app.form_page(form, lang, values=form_values(app.view(form, lang).fields, answers)).decode()
    action, pairs = read_form(page)
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    data.update({k: [v] for k, v in (extra or {}).items()} | dict((n, [v]) for n, v in page_csrf(client.get(action).text)))
    return shown_again(client, client.post(action, data=data, follow_redirects=False))


def summary(html: str) -> dict[str, str]:
    doc = lxml.html.fromstring(html)
    return {a.get("href"): a.text_content() for a in doc.xpath("//div[@class='error-summary']//a")}


def field_error(html: str, field_id: str) -> str:
    return str(lxml.html.fromstring(html).xpath(f"string(//p[@id='{field_id}-error'])")).split(":", 1)[1].strip()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_end_before_the_start_is_told_at_the_end_on_the_page(client: TestClient, lang: str) -> None:
    response = post_page(client, ONE_PAGE_FORM, lang, {**KANTELU, "alkaen": "2026-08-11", "asti": "2026-08-10"})
    assert response.status_code == 422
    assert summary(response.text) == {"#f_asti": END_BEFORE_START[lang]}
    assert field_error(response.text, "f_asti") == END_BEFORE_START[lang]
    assert 'aria-invalid="true"' in response.text.split('id="f_asti-group"')[1].split("</fieldset>")[0]
    same_day = post_page(client, ONE_PAGE_FORM, lang, {**KANTELU, "alkaen": "2026-08-11", "asti": "2026-08-11"})
    assert same_day.status_code == 303  # at_least: the same day is fine


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_api_refuses_an_end_before_the_start_at_its_pointer(client: TestClient, lang: str) -> None:
    wrong = client.post(f"/api/v1/forms/kantelu/submissions?lang={lang}",
                        json={**KANTELU, "alkaen": "2026-08-11", "asti": "2025-01-01"})
    assert wrong.status_code == 422
    assert wrong.json() == {"errors": [{"pointer": "/asti", "message": END_BEFORE_START[lang]}]}
    ongoing = {k: v for k, v in KANTELU.items() if k != "asti"}  # no end yet: the rule does not apply
    assert client.post("/api/v1/forms/kantelu/submissions", json=ongoing).status_code == 201


def test_a_rule_is_skipped_while_the_other_answer_is_missing_or_wrong(client: TestClient) -> None:
    no_start = post_page(client, ONE_PAGE_FORM, "fi", {**KANTELU, "asti": "2020-01-01"}, {"/alkaen[day]": ""})
    assert no_start.status_code == 422
    assert "#f_asti" not in summary(no_start.text)
    assert summary(no_start.text)["#f_alkaen"] == "Milloin tapahtumat alkoivat?: Päivämäärässä on oltava päivä."


def test_the_permit_ends_after_it_starts(client: TestClient) -> None:
    permit = copy.deepcopy(YMPARISTOLUPA)
    permit["toiminta"]["paattyminen"] = permit["toiminta"]["aloitus"]  # "after": the same day is not
    response = client.post("/api/v1/forms/ymparistolupa/submissions?lang=en", json=permit)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/toiminta/paattyminen", "message": "The end date must be after the start date."}]
    permit["toiminta"]["paattyminen"] = "2037-03-31"
    assert client.post("/api/v1/forms/ymparistolupa/submissions", json=permit).status_code == 201


def test_a_form_words_its_messages_per_field_and_keyword(tmp_path: Path) -> None:
    settings = Settings(schemas_dir=EXAMPLE.parent, db_url=f"sqlite:///{tmp_path}/x.sqlite3")
    answers = json.loads((EXAMPLE.parent / "answers" / EXAMPLE.name).read_text())
    with TestClient(create_app(settings)) as client:
        empty = client.post("/api/v1/forms/tilavaraus/submissions", json={}).json()["errors"]
        assert empty == [
            {"pointer": "/varaaja", "message": "Kirjoita nimesi."},
            {"pointer": "/tila", "message": "Valitse, minkä tilan varaat."},
            {"pointer": "/alkaa", "message": "Kirjoita varauksen ensimmäinen päivä."},
            {"pointer": "/paattyy", "message": "Kirjoita päivämäärä: päivä, kuukausi ja vuosi."},
            {"pointer": "/henkilomaara", "message": "Kirjoita osallistujien määrä."},
        ]
        page = post_page(client, "tilavaraus", "fi", {**answers, "varaaja": "x" * 101, "lapsia": 41}, {
            "/henkilomaara": "neljäkymmentä", "/alkaa[day]": "31", "/alkaa[month]": "2"})
        assert summary(page.text) == {
            "#f_varaaja": "Nimessä voi olla enintään 100 merkkiä.",
            "#f_alkaa": "Kirjoita ensimmäinen päivä oikeana päivämääränä, esimerkiksi 15.3.2026.",
            "#f_henkilomaara": "Kirjoita osallistujien määrä numeroina, esimerkiksi 25.",
        }
        too_many = client.post("/api/v1/forms/tilavaraus/submissions", json={**answers, "henkilomaara": 500})
        assert too_many.json()["errors"] == [
            {"pointer": "/henkilomaara", "message": "Tilaan mahtuu enintään 200 osallistujaa."}]
        children = post_page(client, "tilavaraus", "fi", {**answers, "henkilomaara": 10, "lapsia": 11})
        assert summary(children.text) == {
            "#f_lapsia": "Lapsia voi olla enintään yhtä monta kuin osallistujia on kaikkiaan."}
        assert post_page(client, "tilavaraus", "fi", {**answers, "lapsia": 40}).status_code == 303


KINDS: dict[str, Any] = {
    "title": "Lajit", "type": "object",
    "required": ["teksti", "luku", "paiva", "valinta", "ruudut", "tiedosto", "vakuutus", "posti", "hetu"],
    "properties": {
        "teksti": {"title": "Mitä haluat kertoa?", "type": "string"},
        "luku": {"title": "Montako?", "type": "integer"},
        "paiva": {"title": "Milloin?", "type": "string", "format": "date"},
        "valinta": {"title": "Oletko tehnyt muistutuksen?", "type": "boolean", "ui:widget": "radio"},
        "ruudut": {"title": "Mitkä?", "type": "array", "minItems": 1, "items": {"enum": ["a", "b"]}},
        "tiedosto": {"title": "Tiedosto", "type": "string", "contentMediaType": "application/pdf"},
        "vakuutus": {"title": "Vakuutan, että tiedot ovat oikeita", "type": "boolean", "const": True},
        "posti": {"title": "Sähköpostiosoite", "type": "string", "format": "email"},
        "hetu": {"title": "Henkilötunnus", "type": "string", "format": "fi-hetu"},
    },
}
DEFAULTS = {
    "fi": ["Kirjoita vastaus.", "Kirjoita luku.", "Kirjoita päivämäärä: päivä, kuukausi ja vuosi.",
           "Valitse yksi vaihtoehto.", "Valitse vähintään 1.", "Valitse tiedosto.", "Vahvista valitsemalla ruutu.",
           "Kirjoita sähköpostiosoite.", "Kirjoita henkilötunnus."],
    "sv": ["Skriv ett svar.", "Skriv ett tal.", "Skriv ett datum: dag, månad och år.", "Välj ett alternativ.",
           "Välj minst 1.", "Välj en fil.", "Bekräfta genom att kryssa i rutan.", "Skriv en e-postadress.",
           "Skriv personbeteckningen."],
    "en": ["Enter an answer.", "Enter a number.", "Enter a date: day, month and year.", "Select an option.",
           "Select at least 1.", "Select a file.", "Select the box to confirm.", "Enter an email address.",
           "Enter the personal identity code."],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lomakes_own_messages_go_by_the_kind_of_answer_and_never_quote_the_label(tmp_path: Path, lang: str) -> None:
    (tmp_path / "lajit.json").write_text(json.dumps({**KINDS, "x-lomake": {"languages": list(LANGUAGES)}}))
    settings = Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.sqlite3")
    with TestClient(create_app(settings)) as client:
        page = client.post(f"/forms/lajit?lang={lang}", data={"/ruudut[present]": "1"})
        assert page.status_code == 422
        labels = [KINDS["properties"][name]["title"] for name in KINDS["required"]]
        shown = list(summary(page.text).values())
        assert shown == [f"{label}: {message}" for label, message in zip(labels, DEFAULTS[lang], strict=True)]
        doc = lxml.html.fromstring(page.text)
        beside = [" ".join(p.text_content().split()[1:]) for p in doc.xpath("//p[@class='error-message']")]
        assert beside == DEFAULTS[lang]
        assert not any(label in message for label in labels for message in beside)
        api = client.post(f"/api/v1/forms/lajit/submissions?lang={lang}", json={"ruudut": []}).json()["errors"]
        assert [e["message"] for e in api] == DEFAULTS[lang]


def check_rules(tmp_path: Path, rules: list[dict[str, Any]], schema: dict[str, Any] | None = None) -> list[str]:
    form = schema or {"title": "F", "type": "object", "properties": {
        "alkoi": {"title": "Alkoi", "type": "string", "format": "date"},
        "loppui": {"title": "Loppui", "type": "string", "format": "date"},
        "maara": {"title": "Määrä", "type": "number"},
        "nimi": {"title": "Nimi", "type": "string"},
        "jaksot": {"title": "Jaksot", "type": "array", "items": {"type": "object", "properties": {
            "alku": {"title": "Alku", "type": "string", "format": "date"},
            "loppu": {"title": "Loppu", "type": "string", "format": "date"}}}}}}
    (tmp_path / "f.json").write_text(json.dumps({**form, "x-lomake": {"rules": rules}}))
    return [str(p).split(": ", 1)[1] for p in check_paths([tmp_path / "f.json"]) if "warning" not in str(p)]


def test_lomake_check_refuses_a_rule_that_cannot_work(tmp_path: Path) -> None:
    ok = {"field": "/loppui", "after": "/alkoi", "message": "Loppu alun jälkeen."}
    assert check_rules(tmp_path, [ok, {"field": "/jaksot/-/loppu", "at_least": "/jaksot/-/alku", "message": "x"}]) == []
    assert check_rules(tmp_path, [{**ok, "after": "/puuttuu"}]) == [
        "/x-lomake/rules/0/after: /puuttuu is no answer of the form that is a date or a number"]
    assert check_rules(tmp_path, [{**ok, "field": "/nimi"}]) == [
        "/x-lomake/rules/0/field: /nimi is no answer of the form that is a date or a number"]
    assert check_rules(tmp_path, [{**ok, "field": "/maara"}]) == [
        "/x-lomake/rules/0: a rule compares two dates or two numbers: /maara is a number, /alkoi a date"]
    assert check_rules(tmp_path, [{**ok, "before": "/alkoi"}]) == [
        "/x-lomake/rules/0: Value error, a rule compares with exactly one of before, after, at_most, at_least; "
        "it gives 2"]
    assert check_rules(tmp_path, [{"field": "/loppui", "after": "/alkoi"}]) == [
        "/x-lomake/rules/0/message: Field required"]
    assert check_rules(tmp_path, [{**ok, "field": "/jaksot/-/loppu"}]) == []  # each item's end after the one start
    assert check_rules(tmp_path, [{**ok, "after": "/jaksot/-/alku"}]) == [
        "/x-lomake/rules/0/after: /jaksot/-/alku is in a list: compare it only with an answer of the same list item"]


def test_a_rule_inside_a_list_compares_each_item_with_itself(tmp_path: Path) -> None:
    form = {"title": "Jaksot", "type": "object", "properties": {"jaksot": {
        "title": "Jaksot", "type": "array", "items": {"type": "object", "properties": {
            "alku": {"title": "Alku", "type": "string", "format": "date"},
            "loppu": {"title": "Loppu", "type": "string", "format": "date"}}}}},
        "x-lomake": {"rules": [{"field": "/jaksot/-/loppu", "after": "/jaksot/-/alku",
                                "message": "Jakson on päätyttävä alkunsa jälkeen."}]}}
    (tmp_path / "jaksot.json").write_text(json.dumps(form))
    settings = Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.sqlite3")
    with TestClient(create_app(settings)) as client:
        periods = [{"alku": "2026-01-01", "loppu": "2026-02-01"}, {"alku": "2026-03-01", "loppu": "2026-02-15"}]
        response = client.post("/api/v1/forms/jaksot/submissions", json={"jaksot": periods})
        assert response.json() == {"errors": [
            {"pointer": "/jaksot/1/loppu", "message": "Jakson on päätyttävä alkunsa jälkeen."}]}
        periods[1]["loppu"] = "2026-04-01"
        assert client.post("/api/v1/forms/jaksot/submissions", json={"jaksot": periods}).status_code == 201
