"""A choice between objects (`oneOf`/`anyOf`): radios pick the option, only its answers count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.conftest import form_client, send_answers, stored_answers

FORM = {
    "title": "Yhteydenotto", "type": "object", "required": ["tapa"],
    "properties": {
        "tapa": {
            "title": "Miten otamme yhteyttä?",
            "oneOf": [
                {"title": "Puhelimitse", "type": "object", "required": ["numero"],
                 "properties": {"numero": {"title": "Puhelinnumero", "type": "string", "minLength": 5}}},
                {"title": "Postitse", "type": "object", "required": ["osoite", "numero"],
                 "properties": {"osoite": {"title": "Osoite", "type": "string"},
                                "numero": {"title": "Talon numero", "type": "integer"}}},
            ],
        },
    },
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with form_client(tmp_path, valinta=FORM) as c:
        yield c


def send(client: TestClient, answers: dict[str, str]) -> Any:
    return send_answers(client, "valinta", answers)


stored = stored_answers


def test_each_option_has_its_own_controls_even_with_shared_names(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/forms/valinta").text)
    names = doc.xpath("//form//input/@name")
    assert names[:2] == ["/tapa[option]", "/tapa[option]"]
    assert {"/tapa/@0/numero", "/tapa/@1/osoite", "/tapa/@1/numero"} <= set(names)
    hints = [h.text_content() for h in doc.xpath("//fieldset[@class='fieldset alternative']/div[@class='hint']")]
    assert hints == ["Vastaa, jos valitsit: Puhelimitse.", "Vastaa, jos valitsit: Postitse."]


def test_only_the_chosen_option_is_stored(client: TestClient) -> None:
    response = send(client, {"/tapa[option]": "1", "/tapa/@0/numero": "040 1234567",
                             "/tapa/@1/osoite": "Katu", "/tapa/@1/numero": "5"})
    assert response.status_code == 303
    assert stored(client) == [{"tapa": {"osoite": "Katu", "numero": 5}}]
    confirmation = client.get(response.headers["location"]).text
    assert "Postitse" in confirmation and "040 1234567" not in confirmation


def test_problems_of_the_chosen_option_stand_by_its_fields(client: TestClient) -> None:
    response = send(client, {"/tapa[option]": "0", "/tapa/@0/numero": "12", "/tapa/@1/osoite": "Katu"})
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.text)
    links = {a.get("href"): a.text_content() for a in doc.xpath("//div[@class='error-summary']//a")}
    assert links == {"#f_tapa_-40-0_numero": "Puhelinnumero: Kirjoita vähintään 5 merkkiä."}
    assert send(client, {}).status_code == 422
    # (the page shows what was typed before: the address typed in the first send is emptied)
    picked_second = lxml.html.fromstring(send(client, {"/tapa[option]": "1", "/tapa/@1/osoite": ""}).text)
    assert [a.text_content() for a in picked_second.xpath("//div[@class='error-summary']//a")] == [
        "Osoite: Kirjoita vastaus.", "Talon numero: Kirjoita luku."]
    assert stored(client) == []


def test_the_api_speaks_in_plain_json_pointers(client: TestClient) -> None:
    response = client.post("/api/v1/forms/valinta/submissions", json={"tapa": {"osoite": "Katu"}})
    assert response.json()["errors"] == [{"pointer": "/tapa/numero", "message": "Kirjoita luku."}]
    assert client.post("/api/v1/forms/valinta/submissions", json={"tapa": {"numero": "0401234567"}}).status_code == 201
