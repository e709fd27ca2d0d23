"""Lists inside list items, without JavaScript: Add and Remove work at any depth, and what is
stored is exactly what was typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from tests.conftest import form_client, post_as_browser, read_form, stored_answers

FORM = {
    "title": "Työskentelyjaksot", "type": "object", "required": ["tyopaikat"],
    "properties": {
        "tyopaikat": {
            "title": "Työpaikat", "type": "array", "minItems": 1,
            "items": {"title": "Työpaikka", "type": "object", "required": ["nimi"], "properties": {
                "nimi": {"title": "Työnantaja", "type": "string"},
                "jaksot": {"title": "Jaksot", "type": "array", "items": {
                    "title": "Jakso", "type": "object", "required": ["alku"], "properties": {
                        "alku": {"title": "Alkupäivä", "type": "string", "format": "date"},
                        "tunnit": {"title": "Tunnit", "type": "array",
                                   "items": {"title": "Tunnit viikossa", "type": "integer"}},
                    }}},
            }},
        },
    },
}


def post(client: TestClient, pairs: list[tuple[str, str]], action: str = "") -> Any:
    data: dict[str, list[str]] = {}
    for name, value in [*pairs, *([("_action", action)] if action else [])]:
        data.setdefault(name, []).append(value)
    return post_as_browser(client, "/forms/jaksot", data)


def press(client: TestClient, pairs: list[tuple[str, str]], action: str, **typed: str) -> list[tuple[str, str]]:
    """Type `typed` (control names with `_` for `/`) into the page, press the button `action`: the new page."""
    answers = {"/" + k.replace("__", "/"): v for k, v in typed.items()}
    page = post(client, [(n, answers.get(n, v)) for n, v in pairs], action)
    assert page.status_code == 200, page.text
    return read_form(page.text)[1]


def date(prefix: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{prefix}[day]": str(day), f"{prefix}[month]": str(month), f"{prefix}[year]": str(year)}


def test_add_in_a_list_inside_a_list_item_adds_an_item_there(tmp_path: Path) -> None:
    with form_client(tmp_path, jaksot=FORM) as client:
        pairs = read_form(client.get("/forms/jaksot").text)[1]
        assert [n for n, _ in pairs] == ["/tyopaikat[count]", "/tyopaikat/0/nimi", "/tyopaikat/0/jaksot[count]"]
        pairs = press(client, pairs, "add /tyopaikat/0/jaksot")
        assert dict(pairs)["/tyopaikat/0/jaksot[count]"] == "1" and "/tyopaikat/0/jaksot/0/alku[day]" in dict(pairs)
        pairs = press(client, pairs, "add /tyopaikat/0/jaksot/0/tunnit")
        assert dict(pairs)["/tyopaikat/0/jaksot/0/tunnit[count]"] == "1"


def test_a_three_level_list_filled_through_the_page_is_stored_as_typed(tmp_path: Path) -> None:
    with form_client(tmp_path, jaksot=FORM) as client:
        pairs = read_form(client.get("/forms/jaksot").text)[1]
        pairs = press(client, pairs, "add /tyopaikat", tyopaikat__0__nimi="Kunta")
        pairs = press(client, pairs, "add /tyopaikat/1/jaksot", tyopaikat__1__nimi="Yhtiö Oy")
        pairs = press(client, pairs, "add /tyopaikat/1/jaksot")
        pairs = press(client, pairs, "add /tyopaikat/1/jaksot")
        pairs = press(client, pairs, "add /tyopaikat/1/jaksot/2/tunnit")
        pairs = press(client, pairs, "add /tyopaikat/1/jaksot/2/tunnit")
        typed = {**date("/tyopaikat/1/jaksot/0/alku", 1, 2, 2024), **date("/tyopaikat/1/jaksot/1/alku", 3, 4, 2024),
                 **date("/tyopaikat/1/jaksot/2/alku", 5, 6, 2024),
                 "/tyopaikat/1/jaksot/2/tunnit/0": "20", "/tyopaikat/1/jaksot/2/tunnit/1": "37"}
        pairs = [(n, typed.get(n, v)) for n, v in pairs]
        pairs = read_form(post(client, pairs, "remove /tyopaikat/1/jaksot/1").text)[1]
        assert dict(pairs)["/tyopaikat/1/jaksot/1/tunnit/1"] == "37"  # the later item moved up, answers kept
        assert dict(pairs)["/tyopaikat/1/jaksot[count]"] == "2"
        assert post(client, pairs).status_code == 303
        assert stored_answers(client) == [{"tyopaikat": [
            {"nimi": "Kunta"},
            {"nimi": "Yhtiö Oy", "jaksot": [{"alku": "2024-02-01"}, {"alku": "2024-06-05", "tunnit": [20, 37]}]},
        ]}]


def test_an_add_for_a_list_that_is_not_there_changes_nothing(tmp_path: Path) -> None:
    with form_client(tmp_path, jaksot=FORM) as client:
        pairs = read_form(client.get("/forms/jaksot").text)[1]
        for action in ("add /tyopaikat/7/jaksot", "add /tyopaikat/x/jaksot", "add /tyopaikat/0/jaksot/0/-"):
            after = press(client, pairs, action)
            assert [n for n, _ in after if n != "_csrf"] == [n for n, _ in pairs]  # (a draft's page now)


def test_name_value_rows_inside_a_list_item_are_added_there(tmp_path: Path) -> None:
    form = {"title": "Laitteet", "type": "object", "properties": {"laitteet": {
        "title": "Laitteet", "type": "array", "items": {"title": "Laite", "type": "object", "properties": {
            "nimi": {"title": "Nimi", "type": "string"},
            "mitat": {"title": "Mitat", "type": "object", "additionalProperties": {"type": "integer"}}}}}}}
    with form_client(tmp_path, jaksot=form) as client:
        pairs = read_form(client.get("/forms/jaksot").text)[1]
        pairs = press(client, pairs, "add /laitteet")
        typed = {"/laitteet/0/nimi": "Pumppu", "/laitteet/0/mitat/*[0][key]": "leveys",
                 "/laitteet/0/mitat/*[0][value]": "40"}
        pairs = press(client, [(n, typed.get(n, v)) for n, v in pairs], "add /laitteet/0/mitat/*")
        assert "/laitteet/0/mitat/*[1][key]" in dict(pairs)
        pairs = [(n, {"/laitteet/0/mitat/*[1][key]": "korkeus", "/laitteet/0/mitat/*[1][value]": "90"}.get(n, v))
                 for n, v in pairs]
        assert post(client, pairs).status_code == 303
        assert stored_answers(client) == [{"laitteet": [{"nimi": "Pumppu", "mitat": {"leveys": 40, "korkeus": 90}}]}]
