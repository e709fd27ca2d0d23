"""Validation: the schema decides, people read plain messages, validators are compiled once."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from core.catalog import load_catalog
from core.forms import Catalog
from core.view.build import form_view
from submission.coerce import Issue
from submission.validate import CompiledForms, apply_defaults, message, validate
from tests.samples import KANTELU


def problems(catalog: Catalog, instance: Any, lang: str = "fi") -> list[tuple[str, str]]:
    form = catalog.forms["kantelu"]
    found = validate(form_view(form, lang), CompiledForms().validator(form), instance)
    return [(p.pointer, p.message) for p in found]


def test_validators_are_compiled_once_per_form_version(catalog: Catalog) -> None:
    compiled = CompiledForms()
    form = catalog.forms["kantelu"]
    assert compiled.validator(form) is compiled.validator(form)
    assert compiled.defaults(form) is compiled.defaults(form)


def test_a_valid_instance_has_no_problems(catalog: Catalog) -> None:
    assert problems(catalog, KANTELU) == []


def test_conditional_requirements_follow_the_schema(catalog: Catalog) -> None:
    acting_for_another = {k: v for k, v in KANTELU.items() if k not in ("peruste", "paamies")}
    assert problems(catalog, acting_for_another) == [
        ("/peruste", "Valitse, millä perusteella toimit toisen puolesta."),
        ("/paamies", "Vastaa näihin kysymyksiin."),
    ]
    assert problems(catalog, {**acting_for_another, "toimija": "itse"}) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"kantelija": {**KANTELU["kantelija"], "sahkoposti": "maija@"}},
     ("/kantelija/sahkoposti", "Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.")),
    ({"alkaen": "2025-02-30"}, ("/alkaen", "Kirjoita oikea päivämäärä, esimerkiksi 15.3.2025.")),
    ({"kohde": "jotain"}, ("/kohde", "Valitse yksi annetuista vaihtoehdoista.")),
    ({"vakuutus": False}, ("/vakuutus", "Vahvista, että antamasi tiedot ovat oikeita.")),
    ({"taho": ""}, ("/taho", "Kirjoita toimintayksikön tai palvelun tuottajan nimi.")),
    ({"aiemmat": {"keskusteltu": True, "vireillaMuualla": False}},
     ("/aiemmat/muistutus", "Valitse, oletko tehnyt asiasta muistutuksen.")),
    ({"kantelija": {**KANTELU["kantelija"], "etunimet": ""}}, ("/kantelija/etunimet", "Kirjoita etunimesi.")),
])
def test_messages_speak_to_people(catalog: Catalog, change: dict[str, Any], expected: tuple[str, str]) -> None:
    assert problems(catalog, {**copy.deepcopy(KANTELU), **change}) == [expected]


def test_one_message_per_field_the_most_important_first(catalog: Catalog) -> None:
    form = catalog.forms["kantelu"]
    view = form_view(form, "en")
    instance = {**KANTELU, "taho": 5}
    found = validate(view, CompiledForms().validator(form), instance, [Issue("/taho", "integer")])
    assert [(p.pointer, p.message) for p in found] == [
        ("/taho", "Enter a whole number, for example 12.")]


def test_messages_never_use_jsonschema_wording(catalog: Catalog) -> None:
    for lang in ("fi", "sv", "en"):
        found = problems(catalog, {"kantelija": {"postinumero": 1}, "alkaen": 3, "x": None}, lang)
        assert len(found) > 10
        for _, text in found:
            text = re.sub(r"[”“][^”]*”", "", text)  # the form's own labels are the author's words
            for banned in ("is a required property", "is not of type", "invalid", "virheellinen", "please", "sorry"):
                assert banned not in text.lower()


def test_authors_can_word_a_message_themselves(catalog: Catalog) -> None:
    kantelija = {**KANTELU["kantelija"], "postinumero": "1234"}
    assert problems(catalog, {**KANTELU, "kantelija": kantelija}) == [
        ("/kantelija/postinumero", "Kirjoita postinumero viidellä numerolla, esimerkiksi 00100.")]


def test_defaults_fill_only_what_is_absent_at_any_depth(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps({"title": "D", "type": "object", "$defs": {
        "maa": {"title": "Maa", "type": "string", "default": "Suomi"}}, "properties": {
        "a": {"title": "A", "type": "string", "default": "x"},
        "o": {"title": "O", "type": "object", "properties": {"m": {"$ref": "#/$defs/maa"},
                                                             "l": {"title": "L", "type": "array", "default": []}}},
    }}))
    form = load_catalog(tmp_path).forms["d"]
    defaults = CompiledForms().defaults(form)
    assert apply_defaults(defaults, {}) == {"a": "x"}
    assert apply_defaults(defaults, {"a": "y", "o": {}}) == {"a": "y", "o": {"m": "Suomi", "l": []}}
    first, second = apply_defaults(defaults, {"o": {}}), apply_defaults(defaults, {"o": {}})
    first["o"]["l"].append(1)
    assert second["o"]["l"] == []


def test_message_without_a_field_names_the_answers() -> None:
    assert message("en", Issue("", "generic"), None) == "Check the answers."


@pytest.mark.parametrize(("fmt", "good", "bad"), [
    ("time", "09:30:00+02:00", "09:30"),
    ("date-time", "2026-07-01T09:30:00Z", "2026-07-01 09:30"),
    ("date", "2024-02-29", "2025-02-29"),
    ("email", "maija@example.fi", "maija@"),
    ("uri", "https://www.example.fi/x", "www.example.fi"),
])
def test_formats_are_checked_as_their_draft_defines_them(tmp_path: Path, fmt: str, good: str, bad: str) -> None:
    (tmp_path / "f.json").write_text(json.dumps({"title": "F", "type": "object", "properties": {
        "x": {"title": "X", "type": "string", "format": fmt}}}))
    form = load_catalog(tmp_path).forms["f"]
    validator = CompiledForms().validator(form)
    assert validator.is_valid({"x": good}) and not validator.is_valid({"x": bad})
