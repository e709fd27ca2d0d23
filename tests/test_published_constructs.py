"""Constructs met in the government corpus (tests/conformance/government) that need a control of their
own: yes/no or a sentinel value, an object's `allOf` with a part that says nothing, answers of any type
in name/value rows, an address whose options are told apart by a tagged value, suggestions
inside list items, and an empty list inside a list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html

from core.view.fields import walk
from submission.coerce import form_values
from tests.conftest import form_client, read_form, stored_answers

TAGGED = {"type": "object", "required": ["street", "country"], "properties": {"street": {"type": "string"}},
          "oneOf": [{"properties": {"country": {"type": "string", "enum": [tag]},
                                    "state": {"type": "string", "enum": states}}}
                    for tag, states in (("CAN", ["ON", "QC"]), ("MEX", ["sonora", "jalisco"]), ("USA", ["AL", "GU"]))]
          + [{"properties": {"country": {"not": {"type": "string", "enum": ["CAN", "MEX", "USA"]}},
                             "provinceCode": {"type": "string"}}}]}
FORM: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#", "title": "Julkaistut", "type": "object",
    "definitions": {"phone": {"type": "object", "required": ["number"],
                              "properties": {"number": {"type": "string", "pattern": "^[0-9]{1,14}$"}}}},
    "properties": {
        "included": {"oneOf": [{"type": "boolean"}, {"const": "GSA_MIGRATION", "type": "string"}]},
        "phone": {"allOf": [{"$ref": "#/definitions/phone"}, {}]},
        "address": TAGGED,
        "agencies": {"type": "array", "items": {"anyOf": [{"type": "string", "pattern": "^[0-9]{2}$"},
                                                          {"const": "GSA_MIGRATION"}]}},
    },
    "required": ["included", "address"],
    "additionalProperties": True,
}


def fields(client: Any) -> dict[str, Any]:
    app = client.app.state.lomake
    return {f.pointer: f for f in walk(app.view(app.catalog.forms["julkaistut"], "en").fields)}


def through_page(client: Any, instance: dict[str, Any]) -> int:
    app = client.app.state.lomake
    form = app.catalog.forms["julkaistut"]
    page = app.form_page(form, "en", values=form_values(app.view(form, "en").fields, instance)).decode()
    posted: dict[str, list[str]] = {}
    for key, value in read_form(page)[1]:
        posted.setdefault(key, []).append(value)
    return int(client.post("/forms/julkaistut?lang=en", data=posted, follow_redirects=False).status_code)


def test_each_gets_a_real_control(tmp_path: Path) -> None:
    with form_client(tmp_path, julkaistut=FORM) as client:
        found = fields(client)
    assert found["/included"].kind == "radios"
    assert [(o.value, o.label, o.data) for o in found["/included"].options] == [
        ("true", "Yes", True), ("false", "No", False), ("GSA_MIGRATION", "GSA_MIGRATION", "GSA_MIGRATION")]
    assert found["/phone"].kind == "fieldset" and found["/phone/number"].kind == "text"
    assert found["/*"].kind == "pairs" and found["/*/value"].kind == "text"  # `additionalProperties: true`
    assert not [p for p, f in found.items() if f.kind == "json"]


def test_the_page_stores_each_instance_as_the_api_does(tmp_path: Path) -> None:
    instances: list[dict[str, Any]] = [
        {"included": False, "address": {"street": "Calle 5", "country": "MEX", "state": "sonora"},
         "phone": {"number": "0401234567"}, "agencies": ["12", "GSA_MIGRATION"]},
        {"included": "GSA_MIGRATION", "address": {"street": "Main St 1", "country": "USA", "state": "GU"},
         "muuta": "tieto"},
        {"included": True, "address": {"street": "High St 2", "country": "GBR", "provinceCode": "Kent"}},
    ]
    with form_client(tmp_path, julkaistut=FORM) as client:
        for instance in instances:
            assert client.post("/api/v1/forms/julkaistut/submissions", json=instance).status_code == 201
            assert through_page(client, instance) == 303
        stored = stored_answers(client)
    assert stored[0::2] == instances and stored[1::2] == instances


def test_the_option_a_tag_names_is_the_one_chosen(tmp_path: Path) -> None:
    with form_client(tmp_path, julkaistut=FORM) as client:
        address = fields(client)["/address"]
    chosen = {c: form_values([address], {"address": {"street": "x", "country": c}})["/address[option]"]
              for c in ("CAN", "MEX", "USA", "FIN")}
    assert chosen == {"CAN": ["0"], "MEX": ["1"], "USA": ["2"], "FIN": ["3"]}


def test_suggestions_in_a_list_item_are_that_items_own(tmp_path: Path) -> None:
    with form_client(tmp_path, julkaistut=FORM) as client:
        page = client.post("/forms/julkaistut", data={"_action": "add /agencies", "/agencies[count]": "0"})
    doc = lxml.html.fromstring(page.text)
    (box,) = doc.xpath("//input[@name='/agencies/0']")
    assert box.get("list") == "f_agencies_0-examples" and doc.xpath("//datalist[@id='f_agencies_0-examples']")


def test_an_added_list_item_that_is_a_list_stays_even_when_empty(tmp_path: Path) -> None:
    lists = {"title": "Listat", "type": "object", "properties": {"rivit": {"title": "Rivit", "type": "array", "items": {
        "title": "Rivi", "type": "array", "items": {"title": "Sana", "type": "string"}}}}}
    with form_client(tmp_path, listat=lists) as client:
        data = {"/rivit[count]": ["2"], "/rivit/0[count]": ["0"], "/rivit/1[count]": ["1"], "/rivit/1/0": ["sana"]}
        assert client.post("/forms/listat", data=data, follow_redirects=False).status_code == 303
        assert client.post("/api/v1/forms/listat/submissions", json={"rivit": [[], ["sana"]]}).status_code == 201
        assert stored_answers(client) == [{"rivit": [[], ["sana"]]}, {"rivit": [[], ["sana"]]}]
