"""Who acted for whom: found wherever a form puts the shared part, read from the answers alone."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.catalog import load_catalog
from core.forms import Catalog, Form
from submission import acting as acting_module
from submission.acting import acting, described
from tests.conftest import SCHEMAS
from tests.samples import KANTELU

FOR_A_CHILD = {"kenenPuolesta": "toinen", "peruste": "huoltaja",
               "paamies": {"nimi": "Matti Meikäläinen", "laji": "henkilo", "syntymaaika": "2012-05-04"}}
FOR_A_COMPANY = {"kenenPuolesta": "toinen", "peruste": "valtakirja", "valtakirja": "attachment:abc",
                 "paamies": {"nimi": "Esimerkki Oy", "laji": "organisaatio", "ytunnus": "2077474-0"}}
PART = {"$ref": "common/acting.json"}


def load(tmp_path: Path, **forms: dict[str, Any]) -> Catalog:
    shutil.copytree(SCHEMAS / "common", tmp_path / "common")
    for form_id, schema in forms.items():
        (tmp_path / f"{form_id}.json").write_text(json.dumps({"title": form_id, "type": "object", **schema}))
    catalog = load_catalog(tmp_path)
    assert not [p for p in catalog.problems if not p.warning], catalog.problems
    return catalog


def test_the_part_as_a_property_gives_who_for_whom_on_what_ground(tmp_path: Path) -> None:
    form = load(tmp_path, hakemus={"properties": {"asiointi": PART, "asia": {"title": "Asia", "type": "string"}}})
    answers = {"asiointi": FOR_A_CHILD, "asia": "x"}
    assert acting(form.forms["hakemus"], answers) == {
        "pointer": "/asiointi", "for": "other", "ground": "guardian_of_minor", "mandate_theme": None,
        "principal": {"kind": "person", "name": "Matti Meikäläinen", "id": None, "birth_date": "2012-05-04"},
        "attachment": None,
    }
    assert acting(form.forms["hakemus"], {"asiointi": {"kenenPuolesta": "itse"}}) == {
        "pointer": "/asiointi", "for": "self", "ground": None, "mandate_theme": None, "principal": None,
        "attachment": None,
    }


@pytest.mark.parametrize("schema", [
    {"properties": {"hakija": {"title": "Hakija", "type": "object", "properties": {"asiointi": PART}}}},
    {"properties": {"hakija": {"title": "Hakija", "type": "object",
                               "allOf": [{"properties": {"asiointi": {"allOf": [PART], "title": "Rooli"}}}]}}},
    {"properties": {"hakija": {"$ref": "#/$defs/hakija"}},
     "$defs": {"hakija": {"title": "Hakija", "type": "object", "properties": {"asiointi": {**PART, "title": "R"}}}}},
    {"properties": {"laji": {"title": "Laji", "type": "string"}},
     "if": {"properties": {"laji": {"const": "x"}}},
     "then": {"properties": {"hakija": {"title": "H", "type": "object", "properties": {"asiointi": PART}}}}},
], ids=["nested", "through-allOf", "through-defs", "added-by-a-condition"])
def test_the_part_is_found_wherever_the_form_puts_it(tmp_path: Path, schema: dict[str, Any]) -> None:
    form = load(tmp_path, hakemus=schema).forms["hakemus"]
    found = acting(form, {"hakija": {"asiointi": FOR_A_COMPANY}})
    assert found == {
        "pointer": "/hakija/asiointi", "for": "other", "ground": "power_of_attorney", "mandate_theme": None,
        "principal": {"kind": "organisation", "name": "Esimerkki Oy", "id": "2077474-0", "birth_date": None},
        "attachment": "attachment:abc",
    }


def test_a_form_whose_root_is_the_part_and_a_bare_schema(tmp_path: Path) -> None:
    form = load(tmp_path, hakemus={"allOf": [PART, {"properties": {"asia": {"title": "Asia", "type": "string"}}}]})
    theme = {"kenenPuolesta": "toinen", "peruste": "suomifi-valtuus", "valtuusasia": "Verotus",
             "paamies": {"nimi": "Maija", "laji": "henkilo", "henkilotunnus": "131052-308T"}}
    found = acting(form.forms["hakemus"], theme)
    assert found is not None and found["pointer"] == "" and found["mandate_theme"] == "Verotus"
    assert found["ground"] == "suomifi_mandate" and found["principal"]["id"] == "131052-308T"
    bare = {"type": "object", "properties": {"asiointi": {"$ref": "../common/acting.json"}}}
    at_root = acting(form.forms["hakemus"], FOR_A_CHILD)
    assert at_root is not None
    assert acting(bare, {"asiointi": FOR_A_CHILD}) == {**at_root, "pointer": "/asiointi"}


def test_nothing_when_the_form_does_not_ask_or_it_was_not_answered(tmp_path: Path) -> None:
    forms = load(tmp_path, muu={"properties": {"asia": {"title": "Asia", "type": "string"}}},
                 hakemus={"properties": {"asiointi": PART}}).forms
    assert acting(forms["muu"], {"asia": "x", "asiointi": FOR_A_CHILD}) is None
    assert acting(forms["hakemus"], {}) is None
    assert acting(forms["hakemus"], {"asiointi": {"kenenPuolesta": "ehkä"}}) is None


def test_the_complaint_s_own_layout_is_read_too(catalog: Catalog) -> None:
    complaint: Form = catalog.forms["kantelu"]
    assert acting(complaint, KANTELU) == {
        "pointer": "", "for": "other", "ground": "guardian_of_minor", "mandate_theme": None,
        "principal": {"kind": "person", "name": "Matti Meikäläinen", "id": None, "birth_date": "2012-05-04"},
        "attachment": None,
    }
    no_right = {**KANTELU, "peruste": "ei-oikeutta"}
    assert acting(complaint, no_right)["ground"] == "no_mandate"  # type: ignore[index]
    alone = {k: v for k, v in KANTELU.items() if k not in ("peruste", "paamies")} | {"toimija": "itse"}
    assert acting(complaint, alone)["for"] == "self"  # type: ignore[index]


def test_every_sample_form_that_asks_is_understood(catalog: Catalog) -> None:
    asking = [f for f in catalog.forms.values() if "common/acting.json" in f.parts]
    for form in asking:
        found = acting(form, {"asiointi": FOR_A_CHILD})
        assert found is not None and found["pointer"] == "/asiointi", form.id
        assert found["principal"]["name"] == "Matti Meikäläinen"


@pytest.mark.parametrize(("lang", "child", "company", "alone"), [
    ("fi", "Lähettäjä toimi toisen puolesta. Päämies: Matti Meikäläinen. Peruste: alaikäisen huoltaja.",
     "Lähettäjä toimi toisen puolesta. Päämies: Esimerkki Oy (2077474-0). Peruste: valtakirja (liitteenä "
     "valtakirja.pdf (1 kt)).", "Lähettäjä toimi omasta puolestaan."),
    ("sv", "Avsändaren uträttade ärendet för någon annan. Huvudman: Matti Meikäläinen. Grund: vårdnadshavare för "
     "en minderårig.", "Avsändaren uträttade ärendet för någon annan. Huvudman: Esimerkki Oy (2077474-0). Grund: "
     "fullmakt (bifogad: valtakirja.pdf (1 kt)).", "Avsändaren agerade för egen räkning."),
    ("en", "The sender acted for someone else. Principal: Matti Meikäläinen. Grounds: guardian of a minor.",
     "The sender acted for someone else. Principal: Esimerkki Oy (2077474-0). Grounds: power of attorney "
     "(attached: valtakirja.pdf (1 kt)).", "The sender acted on their own behalf."),
])
def test_the_receipt_line_in_each_language(tmp_path: Path, lang: str, child: str, company: str, alone: str) -> None:
    form = load(tmp_path, hakemus={"properties": {"asiointi": PART}}).forms["hakemus"]
    files = {"attachment:abc": "valtakirja.pdf (1 kt)"}
    assert described(acting(form, {"asiointi": FOR_A_CHILD}), lang) == child
    assert described(acting(form, {"asiointi": FOR_A_COMPANY}), lang, files) == company
    assert described(acting(form, {"asiointi": {"kenenPuolesta": "itse"}}), lang) == alone
    assert described(None, lang) == ""


def test_the_mandate_theme_is_said_with_the_ground() -> None:
    info = {"for": "other", "ground": "suomifi_mandate", "mandate_theme": "Verotus",
            "principal": {"kind": "person", "name": "Maija", "id": "131052-308T", "birth_date": None}}
    assert described(info, "fi") == "Lähettäjä toimi toisen puolesta. Päämies: Maija. Peruste: Suomi.fi-valtuus, " \
        "valtuusasia ”Verotus”."
    assert described({"for": "other", "ground": None, "principal": None}, "en") == \
        "The sender acted for someone else. Principal: not given. Grounds: not given."


def test_where_a_form_asks_is_worked_out_once_per_loaded_form(tmp_path: Path) -> None:
    """Kept by the form itself (`Form.derived`), not in the module: each load of the files, each app, works
    it out anew, and a changed file with the same id is never answered from an older one."""
    calls: list[str] = []

    def places(form: Form) -> tuple[str, ...]:
        calls.append(form.id)
        return (form.id,)

    form = load(tmp_path, hakemus={"properties": {"asiointi": PART}}).forms["hakemus"]
    assert form.derived(places) == form.derived(places) == ("hakemus",) and calls == ["hakemus"]
    again = load_catalog(tmp_path).forms["hakemus"]
    assert again.hash == form.hash and again.derived(places) == ("hakemus",) and calls == ["hakemus", "hakemus"]
    assert replace(form, id="toinen").derived(places) == ("toinen",)  # a changed copy (a translation) works it out anew
    assert acting(form, {"asiointi": FOR_A_CHILD}) == acting(again, {"asiointi": FOR_A_CHILD})
    assert not [name for name, value in vars(acting_module).items()
                if isinstance(value, dict) and not name.isupper() and not name.startswith("__")]  # no _KNOWN
