"""Published schemas as their authors wrote them: each draft validates under its own rules, patterns are
ECMA-262 regular expressions, a root `$ref` is followed; through the API and through the page alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.conftest import form_client, send_answers, stored_answers


def sent(client: TestClient, form_id: str, answers: Any) -> tuple[int, list[str]]:
    """The API's status and the pointers of the errors it gives."""
    response = client.post(f"/api/v1/forms/{form_id}/submissions", json=answers)
    return response.status_code, [e["pointer"] for e in response.json().get("errors", [])]


def page_errors(response: Any) -> list[str]:
    """The messages the page shows beside its fields."""
    return [p.text_content().strip() for p in lxml.html.fromstring(response.text).xpath("//p[@class='error-message']")]


PATTERNS = {
    "title": "Kuviot", "type": "object",
    "properties": {
        "syntynyt": {"title": "Syntymäaika", "type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "nimi": {"title": "Nimi", "type": "string", "pattern": r"^\p{Lu}\p{Ll}+$"},
        "mitavain": {"title": "Yksi merkki", "type": "string", "pattern": "^[^]$"},
        "luvut": {"title": "Luvut", "type": "object", "patternProperties": {r"^\d+$": {"type": "integer"}},
                  "additionalProperties": False},
    },
}


def test_patterns_are_ecma_262_where_digits_are_0_to_9(tmp_path: Path) -> None:
    with form_client(tmp_path, kuviot=PATTERNS) as client:
        assert sent(client, "kuviot", {"syntynyt": "20᮶၈-௯᠗-5೩"}) == (422, ["/syntynyt"])
        assert sent(client, "kuviot", {"luvut": {"١٢": 1}}) == (422, ["/luvut/١٢"])  # not a name it asks
        assert sent(client, "kuviot", {"luvut": {"12": "x"}}) == (422, ["/luvut/12"])
        assert sent(client, "kuviot", {"nimi": "äiti"}) == (422, ["/nimi"])  # \p{Lu}: only in ECMA's Unicode mode
        assert sent(client, "kuviot", {"mitavain": "ab"}) == (422, ["/mitavain"])  # [^]: any one character
        valid = {"syntynyt": "2020-01-02", "nimi": "Äiti", "mitavain": "\n", "luvut": {"12": 3}}
        assert sent(client, "kuviot", valid)[0] == 201
        refused = send_answers(client, "kuviot", {"/syntynyt": "20᮶၈-௯᠗-5೩"})
        assert refused.status_code == 422
        assert len(page_errors(refused)) == 1
        assert send_answers(client, "kuviot", {"/syntynyt": "2020-01-02"}).status_code == 303
        assert stored_answers(client)[-1] == {"syntynyt": "2020-01-02"}


def test_conditions_on_the_page_use_ecma_patterns_too(tmp_path: Path) -> None:
    schema = {"title": "Ehto", "type": "object", "properties": {"koodi": {"title": "Koodi", "type": "string"}},
              "if": {"properties": {"koodi": {"pattern": r"^\d+$"}}, "required": ["koodi"]},
              "then": {"properties": {"lisa": {"title": "Lisätieto", "type": "string"}}, "required": ["lisa"]}}
    with form_client(tmp_path, ehto=schema) as client:
        assert send_answers(client, "ehto", {"/koodi": "١٢", "/lisa": "x"}).status_code == 303
        assert stored_answers(client) == [{"koodi": "١٢"}]  # the condition does not hold: its answer is dropped
        assert sent(client, "ehto", {"koodi": "12"}) == (422, ["/lisa"])


DRAFT_04 = {
    "$schema": "http://json-schema.org/draft-04/schema#", "id": "http://example.gov/forms/hakemus.json#",
    "title": "Hakemus", "type": "object", "required": ["summa"],
    "properties": {
        "summa": {"title": "Summa", "type": "number", "minimum": 0, "exclusiveMinimum": True,
                  "maximum": 10, "exclusiveMaximum": True},
        "paiva": {"title": "Päivä", "type": "string", "format": "date"},
        "osoite": {"$ref": "#/definitions/osoite"},
    },
    "definitions": {"osoite": {"title": "Osoite", "type": "object", "required": ["katu"],
                               "properties": {"katu": {"title": "Katu", "type": "string", "maxLength": 5}}}},
}


def test_a_draft_04_form_is_validated_under_draft_04(tmp_path: Path) -> None:
    with form_client(tmp_path, hakemus=DRAFT_04) as client:
        assert sent(client, "hakemus", {"summa": 10}) == (422, ["/summa"])
        assert sent(client, "hakemus", {"summa": 0}) == (422, ["/summa"])
        assert sent(client, "hakemus", {"summa": 9.5, "paiva": "2026-02-30"}) == (422, ["/paiva"])
        assert sent(client, "hakemus", {"summa": 9.5, "osoite": {"katu": "Pitkäkatu"}}) == (422, ["/osoite/katu"])
        for value, said in ((10, "Kirjoita luku, joka on pienempi kuin 10."), (0, "Kirjoita luku, joka on suurempi kuin 0.")):
            errors = client.post("/api/v1/forms/hakemus/submissions", json={"summa": value}).json()["errors"]
            assert [e["message"] for e in errors] == [said]  # the bound itself is refused, and said so
        assert sent(client, "hakemus", {"summa": 9.5, "paiva": "2026-02-28", "osoite": {"katu": "Tie"}})[0] == 201
        assert send_answers(client, "hakemus", {"/summa": "10"}).status_code == 422
        page = send_answers(client, "hakemus", {"/summa": "9,5", "/osoite/katu": "Tie"})
        assert page.status_code == 303
        assert stored_answers(client)[-1] == {"summa": 9.5, "osoite": {"katu": "Tie"}}


@pytest.mark.parametrize(("dialect", "checked"), [
    ("https://json-schema.org/draft-07/schema", False), ("http://json-schema.org/draft-07/schema#", False),
    ("https://json-schema.org/draft/2020-12/schema", True), (None, True),
])
def test_each_draft_reads_a_refs_siblings_its_own_way(tmp_path: Path, dialect: str | None, checked: bool) -> None:
    """Until 2019-09, keywords beside a `$ref` are ignored; after, they apply."""
    schema = {**({"$schema": dialect} if dialect else {}), "title": "Viite", "type": "object",
              "properties": {"x": {"title": "X", "$ref": "#/definitions/s", "maxLength": 2}},
              "definitions": {"s": {"type": "string"}}}
    with form_client(tmp_path, viite=schema) as client:
        assert sent(client, "viite", {"x": "abc"}) == ((422, ["/x"]) if checked else (201, []))


ROOT_REF = {
    "$ref": "#/definitions/Hakemus",
    "definitions": {
        "Hakemus": {"title": "Hakemus viitteen takana", "type": "object", "required": ["nimi"],
                    "properties": {"nimi": {"title": "Nimi", "type": "string"},
                                   "ika": {"title": "Ikä", "type": "integer", "default": 18}}},
    },
}


def test_a_root_ref_is_the_form(tmp_path: Path) -> None:
    with form_client(tmp_path, juuri=ROOT_REF) as client:
        page = lxml.html.fromstring(client.get("/forms/juuri").text)
        assert page.xpath("string(//h1)").strip() == "Hakemus viitteen takana"
        assert page.xpath("//input/@name")[-2:] == ["/nimi", "/ika"]
        assert sent(client, "juuri", {}) == (422, ["/nimi"])
        assert sent(client, "juuri", {"nimi": "Maija"})[0] == 201
        assert send_answers(client, "juuri", {"/nimi": "Matti", "/ika": ""}).status_code == 303
        assert stored_answers(client) == [{"nimi": "Maija", "ika": 18}, {"nimi": "Matti", "ika": 18}]


def test_a_shared_part_of_another_draft_keeps_ecma_patterns(tmp_path: Path) -> None:
    """A part that names its own `$schema` is validated by that draft's rules, still with ECMA-262 patterns."""
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "koodi.json").write_text(json.dumps({
        "$schema": "http://json-schema.org/draft-07/schema#", "title": "Koodi", "type": "string",
        "pattern": r"^\d{5}$"}))
    schema = {"title": "Osa", "type": "object", "properties": {"koodi": {"$ref": "common/koodi.json"}}}
    with form_client(tmp_path, osa=schema) as client:
        assert sent(client, "osa", {"koodi": "١٢٣٤٥"}) == (422, ["/koodi"])
        assert sent(client, "osa", {"koodi": "00100"})[0] == 201
