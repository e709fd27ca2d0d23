"""Fields without a title are served: labelled by their humanised name, which the catalogs can translate;
an option's `const` tag is no question at all, choosing the option sets it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from core.catalog import load_catalog
from core.schema import humanise
from core.view.build import form_view
from core.view.fields import walk
from lomake.cli import main
from tests.conftest import form_client, send_answers, stored_answers

FORM = {
    "title": "Hakemus", "type": "object", "required": ["dateOfBirth", "payer"],
    "x-lomake": {"languages": ["fi", "sv"]},
    "properties": {
        "dateOfBirth": {"type": "string", "format": "date"},
        "postal_code": {"type": "string"},
        "address": {"$ref": "#/definitions/Address"},
        "payer": {"title": "Maksaja", "oneOf": [
            {"title": "Henkilö", "type": "object", "required": ["kind", "SSN"],
             "properties": {"kind": {"const": "person"}, "SSN": {"type": "string"}}},
            {"$ref": "#/definitions/Company"}]},
    },
    "definitions": {
        "Address": {"type": "object", "properties": {"addressLine2": {"type": "string"}}},
        "Company": {"title": "Yritys", "type": "object", "required": ["kind"],
                    "properties": {"kind": {"type": "string", "enum": ["company"]}, "vat": {"type": "string"}}},
    },
}


@pytest.mark.parametrize(("name", "label"), [
    ("dateOfBirth", "Date of birth"), ("postal_code", "Postal code"), ("SSN", "SSN"), ("addressLine2", "Address line 2"),
    ("first-name", "First name"), ("HTMLParser", "HTML parser"), ("userID", "User ID"), ("täysiNimi", "Täysi nimi"),
    ("nam", "Nam"), ("0", "0"),
])
def test_names_become_labels(name: str, label: str) -> None:
    assert humanise(name) == label


def test_untitled_fields_are_labelled_and_option_tags_are_not_asked(tmp_path: Path) -> None:
    (tmp_path / "f.json").write_text(json.dumps(FORM))
    catalog = load_catalog(tmp_path)
    assert [p.pointer for p in catalog.problems if "has no title" in p.message] == [
        "/properties/dateOfBirth", "/properties/postal_code", "/properties/address",
        "/properties/payer/oneOf/0/properties/SSN", "/definitions/Address/properties/addressLine2",
        "/definitions/Company/properties/vat"]
    assert all(p.warning for p in catalog.problems)
    fields = {f.pointer: f for f in walk(form_view(catalog.forms["f"], "fi").fields)}
    assert [fields[p].label for p in ("/dateOfBirth", "/postal_code", "/address", "/address/addressLine2",
                                      "/payer/@0/SSN", "/payer/@1/vat")] == [
        "Date of birth", "Postal code", "Address", "Address line 2", "SSN", "Vat"]
    assert [(fields[p].kind, fields[p].required) for p in ("/payer/@0/kind", "/payer/@1/kind")] == [
        ("hidden", True), ("hidden", True)]


def test_choosing_an_option_sets_its_tag_on_the_page_and_the_api_holds_it(tmp_path: Path) -> None:
    with form_client(tmp_path, f=FORM) as client:
        page = client.get("/forms/f").text
        doc = lxml.html.fromstring(page)
        said = [e.text_content().split("(")[0].strip() for e in doc.xpath("//label | //legend")]
        assert {"Date of birth", "Postal code", "Address line 2", "SSN", "Vat"} <= set(said)
        assert not [text for text in said if "kind" in text.lower()]
        assert doc.xpath("//input[@type='hidden' and starts-with(@name, '/payer/')]/@name") == [
            "/payer/@0/kind", "/payer/@1/kind"]
        answers = {"/dateOfBirth[day]": "2", "/dateOfBirth[month]": "1", "/dateOfBirth[year]": "1990",
                   "/payer[option]": "1", "/payer/@1/vat": "FI123", "/payer/@1/kind": "person"}
        assert send_answers(client, "f", answers).status_code == 303
        assert stored_answers(client) == [{"dateOfBirth": "1990-01-02", "payer": {"kind": "company", "vat": "FI123"}}]
        response = client.post("/api/v1/forms/f/submissions", json={"dateOfBirth": "1990-01-02", "payer": {"vat": "x"}})
        assert response.status_code == 422


def translate(path: Path, lang: str, translations: dict[str, str]) -> None:
    with path.open("rb") as file:
        catalog = read_po(file, locale=lang)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
    with path.open("wb") as file:
        write_po(file, catalog)


def test_humanised_labels_are_extracted_and_translated_in_every_language(tmp_path: Path) -> None:
    (tmp_path / "f.json").write_text(json.dumps(FORM))
    result = CliRunner().invoke(main, ["i18n", "extract", "--schemas", str(tmp_path), "--lang", "fi"])
    assert result.exit_code == 0, result.output
    with (tmp_path / "locale" / "forms.pot").open("rb") as file:
        template: dict[Any, list[tuple[str, int | None]]] = {m.id: list(m.locations) for m in read_po(file) if m.id}
    assert {"Date of birth", "Postal code", "Address", "Address line 2", "SSN", "Vat"} <= set(template)
    assert "Kind" not in template
    assert template["Date of birth"] == [("f.json#/properties/dateOfBirth", None)]
    translate(tmp_path / "locale" / "fi.po", "fi", {"Date of birth": "Syntymäaika"})
    translate(tmp_path / "locale" / "sv.po", "sv", {"Date of birth": "Födelsedatum", "Hakemus": "Ansökan"})
    with form_client(tmp_path) as client:
        finnish = client.get("/forms/f").text
        assert "Syntymäaika" in finnish and "Date of birth" not in finnish and "Postal code" in finnish
        swedish = client.get("/forms/f?lang=sv").text
        assert "Födelsedatum" in swedish and "Ansökan" in swedish and "Syntymäaika" not in swedish
        sent = client.post("/api/v1/forms/f/submissions", json={"payer": {"kind": "company"}})
        assert [e["message"] for e in sent.json()["errors"]] == ["Kirjoita päivämäärä: päivä, kuukausi ja vuosi."]


def test_a_form_without_a_title_is_headed_by_its_file_name(tmp_path: Path) -> None:
    with form_client(tmp_path, **{"kela-hakemus_2": {"type": "object", "properties": {"x": {"type": "string"}}}}) as client:
        page = lxml.html.fromstring(client.get("/forms/kela-hakemus_2").text)
        assert page.xpath("string(//h1)").strip() == "Kela hakemus 2"
        assert client.post("/api/v1/forms/kela-hakemus_2/submissions", json={"x": "y"}).status_code == 201
