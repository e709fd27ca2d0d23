"""Questions that apply only when a condition holds: shown with a line saying when, answers to
questions that do not apply dropped, and validation exactly as the schema says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.conftest import form_client, send_answers, stored_answers

FORM = {
    "title": "Hakemus", "type": "object", "required": ["toimija"],
    "properties": {
        "toimija": {"title": "Kenen puolesta haet?", "oneOf": [
            {"const": "itse", "title": "Omasta puolestani"}, {"const": "toinen", "title": "Toisen puolesta"}]},
        "puhelin": {"title": "Puhelinnumero", "type": "string"},
        "lemmikki": {"title": "Onko sinulla lemmikki?", "type": "boolean", "ui:widget": "radio"},
    },
    "if": {"properties": {"toimija": {"const": "toinen"}}, "required": ["toimija"]},
    "then": {"required": ["paamies"], "properties": {"paamies": {"title": "Päämiehen nimi", "type": "string"}}},
    "else": {"properties": {"syy": {"title": "Miksi haet itse?", "type": "string"}}},
    "dependentSchemas": {"puhelin": {"properties": {"aika": {"title": "Paras soittoaika", "type": "string"}}}},
    "dependencies": {"lemmikki": {"properties": {"laji": {"title": "Laji", "type": "string"}}}},
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with form_client(tmp_path, ehto=FORM) as c:
        yield c


def send(client: TestClient, answers: dict[str, str]) -> Any:
    return send_answers(client, "ehto", answers)


stored = stored_answers


def test_conditional_questions_follow_what_they_depend_on_with_a_line_saying_when(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/forms/ehto").text)
    seen = [e.get("name") or e.text_content() for e in doc.xpath("//form//p[@class='conditional__when']|//form//input")]
    order = [item for i, item in enumerate(seen) if item not in seen[:i]]
    assert order == [
        "/toimija",
        "Vastaa, jos valitsit kohdassa ”Kenen puolesta haet?” ”Toisen puolesta”.", "/paamies",
        "Vastaa, jos et valinnut kohdassa ”Kenen puolesta haet?” ”Toisen puolesta”.", "/syy",
        "/puhelin", "Vastaa, jos vastasit kohtaan ”Puhelinnumero”.", "/aika",
        "/lemmikki", "Vastaa, jos vastasit kohtaan ”Onko sinulla lemmikki?”.", "/laji",
    ]


def test_a_condition_that_holds_makes_its_questions_count(client: TestClient) -> None:
    missing = send(client, {"/toimija": "toinen"})
    assert missing.status_code == 422
    assert "Päämiehen nimi: Kirjoita vastaus." in missing.text
    done = send(client, {"/toimija": "toinen", "/paamies": "Matti", "/syy": "ei koske", "/puhelin": "040",
                         "/aika": "aamu", "/lemmikki": "true", "/laji": "kissa"})
    assert done.status_code == 303
    assert stored(client) == [{"toimija": "toinen", "paamies": "Matti", "puhelin": "040", "aika": "aamu",
                               "lemmikki": True, "laji": "kissa"}]


def test_answers_to_questions_that_do_not_apply_are_dropped(client: TestClient) -> None:
    done = send(client, {"/toimija": "itse", "/paamies": "Matti", "/syy": "Haen itse", "/aika": "aamu",
                         "/laji": "kissa"})
    assert done.status_code == 303
    assert stored(client) == [{"toimija": "itse", "syy": "Haen itse"}]
