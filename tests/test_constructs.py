"""Constructs that published schemas use get real controls, not "write the answer as JSON": an implied
type, an empty object, a union of plain values, `allOf` with a `$ref`, `oneOf` of `$ref`'d objects and
free-form entries; `lomake check` warns for whatever is still shown as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html

from core.catalog import load_catalog
from core.view.build import form_view
from core.view.fields import walk
from lomake.check import check_paths
from tests.conftest import form_client, post_as_browser, read_form, stored_answers

FORM: dict[str, Any] = {
    "title": "Rakenteet", "type": "object",
    "definitions": {
        "pvm": {"type": "string", "format": "date"},
        "henkilo": {"title": "Henkilö", "type": "object", "required": ["nimi"],
                    "properties": {"nimi": {"title": "Nimi", "type": "string"}}},
        "yritys": {"title": "Yritys", "type": "object", "required": ["ytunnus"],
                   "properties": {"ytunnus": {"title": "Y-tunnus", "type": "string"}}},
    },
    "properties": {
        "syntynyt": {"title": "Syntynyt", "format": "date"},
        "laji": {"title": "Laji", "enum": ["a", "b"]},
        "ei": {"title": "Käyttäjätunnus", "not": {"enum": ["admin", "root"]}},
        "tyhja": {"title": "Tyhjä", "type": "object", "properties": {}},
        "tunnus": {"title": "Tunnus", "anyOf": [{"type": "string", "pattern": "^[0-9]{6}$"}, {"const": "ei tiedossa"}]},
        "maa": {"title": "Maa", "anyOf": [{"enum": ["FI", "SE"]}, {"type": "string"}]},
        "maara": {"title": "Määrä", "oneOf": [{"type": "integer"}, {"const": "tuntematon"}]},
        "puhelin": {"title": "Puhelin", "anyOf": [{"type": "string"}, {"type": "null"}]},
        "alku": {"title": "Alkupäivä", "allOf": [{"$ref": "#/definitions/pvm"}, {"description": "Jakson alku"}]},
        "hakija": {"title": "Hakija", "oneOf": [{"$ref": "#/definitions/henkilo"}, {"$ref": "#/definitions/yritys"}]},
        "lisat": {"title": "Lisätiedot", "type": "object", "additionalProperties": {"type": "integer"}},
    },
    "required": ["hakija"],
}


def kinds(folder: Path, form_id: str) -> dict[str, str]:
    form = load_catalog(folder).forms[form_id]
    return {f.pointer: f.kind for f in walk(form_view(form, "fi").fields)}


def test_each_construct_gets_a_control_of_its_own(tmp_path: Path) -> None:
    (tmp_path / "rakenteet.json").write_text(json.dumps(FORM))
    assert kinds(tmp_path, "rakenteet") == {
        "/syntynyt": "date", "/laji": "radios", "/ei": "text", "/tunnus": "text", "/maa": "text",
        "/maara": "text", "/puhelin": "text", "/alku": "date", "/hakija": "alternatives",
        "/hakija/@0": "fieldset", "/hakija/@0/nimi": "text", "/hakija/@1": "fieldset", "/hakija/@1/ytunnus": "text",
        "/lisat": "fieldset", "/lisat/*": "pairs", "/lisat/*/key": "text", "/lisat/*/value": "number",
    }
    warnings = [(p.pointer, p.message) for p in check_paths([tmp_path / "rakenteet.json"])]
    assert warnings == [("/properties/tyhja",
                         "the object 'tyhja' has no properties: nothing to ask, so the page leaves it out")]


def test_check_warns_for_each_field_still_shown_as_json_naming_the_construct(tmp_path: Path) -> None:
    mixed = {"title": "Sekalainen", "type": "object", "properties": {"arvo": {"title": "Arvo", "oneOf": [
        {"type": "string"}, {"type": "object", "properties": {"a": {"title": "A", "type": "string"}}}]}}}
    (tmp_path / "sekalainen.json").write_text(json.dumps(mixed))
    found = [p for p in check_paths([tmp_path / "sekalainen.json"]) if "has no control yet" in p.message]
    assert [(p.pointer, p.warning, p.line) for p in found] == [("/properties/arvo", True, 1)]  # the schema's place
    assert "(/arvo)" in found[0].message
    assert "oneOf/anyOf of objects and other types" in found[0].message and "'Arvo'" in found[0].message


def send(client: Any, answers: dict[str, str]) -> Any:
    _, pairs = read_form(client.get("/forms/rakenteet").text)
    data = {n: [v] for n, v in pairs} | {k: [v] for k, v in answers.items()}
    return post_as_browser(client, "/forms/rakenteet", data)


def test_the_controls_store_what_their_schema_means(tmp_path: Path) -> None:
    with form_client(tmp_path, rakenteet=FORM) as client:
        response = send(client, {
            "/syntynyt[day]": "5", "/syntynyt[month]": "3", "/syntynyt[year]": "1980", "/ei": "maija",
            "/tunnus": "ei tiedossa", "/maa": "NO", "/maara": "12", "/alku[day]": "1", "/alku[month]": "2",
            "/alku[year]": "2024", "/hakija[option]": "1", "/hakija/@1/ytunnus": "1234567-8",
            "/lisat/*[0][key]": "kissat", "/lisat/*[0][value]": "2"})
        assert response.status_code == 303, response.text
        send(client, {"/hakija[option]": "0", "/hakija/@0/nimi": "Maija", "/maara": "tuntematon", "/tunnus": "123456"})
        assert stored_answers(client) == [
            {"syntynyt": "1980-03-05", "ei": "maija", "tunnus": "ei tiedossa", "maa": "NO", "maara": 12,
             "alku": "2024-02-01", "hakija": {"ytunnus": "1234567-8"}, "lisat": {"kissat": 2},
             "puhelin": None},  # a nullable question left empty is null
            {"tunnus": "123456", "maara": "tuntematon", "hakija": {"nimi": "Maija"}, "puhelin": None},
        ]


def test_refusals_say_what_the_union_and_the_exclusion_accept(tmp_path: Path) -> None:
    with form_client(tmp_path, rakenteet=FORM) as client:
        page = send(client, {"/ei": "admin", "/tunnus": "12", "/maara": "paljon", "/hakija[option]": "0",
                             "/hakija/@0/nimi": "Maija"})
        assert page.status_code == 422
        doc = lxml.html.fromstring(page.text)
        links = {a.get("href"): a.text_content() for a in doc.xpath("//div[@class='error-summary']//a")}
        assert links["#f_ei"] == "Käyttäjätunnus: Vastaus ei voi olla ”admin” tai ”root”."
        assert "#f_tunnus" in links and "#f_maara" in links
        assert "Voit kirjoittaa myös ”ei tiedossa”." in doc.get_element_by_id("f_tunnus-hint").text_content()
        assert stored_answers(client) == []
