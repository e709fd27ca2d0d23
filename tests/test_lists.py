"""Arrays without JavaScript: items added and removed by submit buttons, answers kept, errors in place."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app
from tests.conftest import read_form, storage_of, stored_answers

FORM = {
    "title": "Ilmoitus", "type": "object", "required": ["kemikaalit"],
    "properties": {
        "kemikaalit": {
            "title": "Kemikaalit", "type": "array", "minItems": 1, "maxItems": 3,
            "items": {"title": "Kemikaali", "type": "object", "required": ["nimi"], "properties": {
                "nimi": {"title": "Nimi", "type": "string"},
                "maara": {"title": "Määrä (t/v)", "type": "number", "minimum": 0},
            }},
        },
        "tunnukset": {"title": "Tunnukset", "type": "array", "items": {"title": "Tunnus", "type": "string"},
                      "uniqueItems": True},
    },
}


@pytest.fixture
def client(tmp_path: Path) -> Any:
    (tmp_path / "lista.json").write_text(json.dumps(FORM))
    settings = Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.sqlite3")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def post(client: TestClient, pairs: list[tuple[str, str]], follow: bool = True) -> Any:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return client.post("/forms/lista", data=data, follow_redirects=follow)


def fill(pairs: list[tuple[str, str]], answers: dict[str, str]) -> list[tuple[str, str]]:
    return [(n, answers.get(n, v)) for n, v in pairs]


def test_a_required_list_starts_with_its_minimum_and_an_optional_one_with_add_alone(client: TestClient) -> None:
    _, pairs = read_form(client.get("/forms/lista").text)
    names = [n for n, _ in pairs]
    assert names == ["/kemikaalit[count]", "/kemikaalit/0/nimi", "/kemikaalit/0/maara", "/tunnukset[count]"]
    assert dict(pairs)["/tunnukset[count]"] == "0"


def test_add_and_remove_keep_every_answer_then_submit(client: TestClient) -> None:
    _, pairs = read_form(client.get("/forms/lista").text)
    page = post(client, fill(pairs, {"/kemikaalit/0/nimi": "Etanoli"}) + [("_action", "add /kemikaalit")])
    assert page.status_code == 200
    _, pairs = read_form(page.text)
    assert dict(pairs)["/kemikaalit/0/nimi"] == "Etanoli" and "/kemikaalit/1/nimi" in dict(pairs)
    pairs = fill(pairs, {"/kemikaalit/1/nimi": "Asetoni", "/kemikaalit/1/maara": "2,5"})
    page = post(client, pairs + [("_action", "add /tunnukset")])
    _, pairs = read_form(page.text)
    pairs = fill(pairs, {"/tunnukset/0": "A-1"})
    page = post(client, pairs + [("_action", "remove /kemikaalit/0")])
    _, pairs = read_form(page.text)
    assert dict(pairs)["/kemikaalit/0/nimi"] == "Asetoni" and "/kemikaalit/1/nimi" not in dict(pairs)
    done = post(client, pairs, follow=False)
    assert done.status_code == 303
    receipt = client.get(done.headers["location"]).text
    assert "Kemikaali 1" in receipt and "Asetoni" in receipt and "2,5" in receipt and "A-1" in receipt
    assert asyncio.run(storage_of(client).count_submissions()) == 1


def test_errors_inside_items_stand_by_the_item_and_link_there(client: TestClient) -> None:
    _, pairs = read_form(client.get("/forms/lista").text)
    page = post(client, pairs + [("_action", "add /kemikaalit")])
    _, pairs = read_form(page.text)
    page = post(client, fill(pairs, {"/kemikaalit/0/nimi": "Etanoli", "/kemikaalit/1/maara": "-1"}))
    assert page.status_code == 422
    doc = lxml.html.fromstring(page.text)
    links = {a.get("href"): a.text_content() for a in doc.xpath("//div[@class='error-summary']//a")}
    assert links == {"#f_kemikaalit_1_nimi": "Nimi: Kirjoita vastaus.",
                     "#f_kemikaalit_1_maara": "Määrä (t/v): Kirjoita luku, joka on vähintään 0."}
    assert doc.get_element_by_id("f_kemikaalit_1_nimi").get("aria-invalid") == "true"


def test_list_rules_are_told_in_list_words(client: TestClient) -> None:
    response = client.post("/api/v1/forms/lista/submissions", json={"kemikaalit": [], "tunnukset": ["a", "a"]})
    assert response.json()["errors"] == [
        {"pointer": "/kemikaalit", "message": "Lisää vähintään 1."},
        {"pointer": "/tunnukset", "message": "Sama vastaus on annettu kahdesti. Poista toinen."},
    ]
    many = [{"nimi": str(i)} for i in range(4)]
    response = client.post("/api/v1/forms/lista/submissions", json={"kemikaalit": many})
    assert response.json()["errors"] == [
        {"pointer": "/kemikaalit", "message": "Voit lisätä enintään 3. Poista ylimääräiset."}]


def test_enter_in_a_field_sends_the_form_not_an_add_button(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/forms/lista").text)
    first_button = doc.xpath("//form//button[@type='submit']")[0]
    assert first_button.get("name") is None and first_button.get("tabindex") == "-1"
    assert re.search(r"Lähetä", first_button.text_content())


def test_name_value_rows_are_added_and_removed_like_list_items(tmp_path: Path) -> None:
    (tmp_path / "rivit.json").write_text(json.dumps({"title": "Rivit", "type": "object",
                                                     "additionalProperties": {"type": "integer"}}))
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        def post_rows(pairs: list[tuple[str, str]], follow: bool = True) -> Any:
            data: dict[str, list[str]] = {}
            for name, value in pairs:
                data.setdefault(name, []).append(value)
            return c.post("/forms/rivit", data=data, follow_redirects=follow)

        _, pairs = read_form(c.get("/forms/rivit").text)
        assert [n for n, _ in pairs] == ["/*[0][key]", "/*[0][value]"]
        page = post_rows(fill(pairs, {"/*[0][key]": "a", "/*[0][value]": "1"}) + [("_action", "add /*")])
        _, pairs = read_form(page.text)
        pairs = fill(pairs, {"/*[1][key]": "b", "/*[1][value]": "2"})
        page = post_rows(pairs + [("_action", "add /*")])
        _, pairs = read_form(page.text)
        pairs = fill(pairs, {"/*[2][key]": "c", "/*[2][value]": "3"})
        page = post_rows(pairs + [("_action", "remove /*[1]")])
        _, pairs = read_form(page.text)
        assert dict(pairs)["/*[1][key]"] == "c"
        assert post_rows(pairs, follow=False).status_code == 303
        assert stored_answers(c) == [{"a": 1, "c": 3}]


def test_tuples_have_their_fixed_items_then_more_of_one_kind(tmp_path: Path) -> None:
    (tmp_path / "pari.json").write_text(json.dumps({"title": "Pari", "type": "object", "properties": {"sijainti": {
        "title": "Sijainti", "type": "array", "prefixItems": [
            {"title": "Leveysaste", "type": "number"}, {"title": "Pituusaste", "type": "number"}],
        "items": {"title": "Lisätieto", "type": "string"}}}}))
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        page = c.get("/forms/pari").text
        _, pairs = read_form(page)
        assert [n for n, _ in pairs] == ["/sijainti[count]", "/sijainti/0", "/sijainti/1"]
        assert "Lisää lisätieto" in page and "remove /sijainti/0" not in page
        data = {"/sijainti[count]": ["1"], "/sijainti/0": ["60,17"], "/sijainti/1": ["24,94"], "/sijainti/2": ["keskusta"]}
        assert c.post("/forms/pari", data=data, follow_redirects=False).status_code == 303
        assert stored_answers(c) == [{"sijainti": [60.17, 24.94, "keskusta"]}]
