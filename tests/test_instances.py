"""The instance generator the corpus and page-accepts tests share (submission/instances.py): valid, repeatable,
and reading `$ref`s as the form does, also inside a shared part."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from core.catalog import load_catalog
from submission.instances import instances, validator

PART = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Osa", "type": "object",
        "$defs": {"koodi": {"type": "string", "pattern": "^[0-9]{5}$"}},
        "required": ["koodi"], "properties": {"koodi": {"title": "Koodi", "$ref": "#/$defs/koodi"}}}
FORM = {"title": "Lomake", "type": "object", "required": ["osa"],
        "properties": {"osa": {"title": "Osa", "$ref": "common/osa.json"},
                       "ryhma": {"title": "Ryhmä", "type": "object",
                                 "properties": {"kylla": {"title": "Kyllä", "type": "boolean"}}},
                       "vakio": {"title": "Vakio", "const": "x"}}}


def test_refs_inside_a_shared_part_are_read_in_that_part(tmp_path: Path) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "osa.json").write_text(json.dumps(PART))
    (tmp_path / "lomake.json").write_text(json.dumps(FORM))
    form = load_catalog(tmp_path).forms["lomake"]
    made = instances(form.document, 5, resolver=form.resolver())
    assert len(made) == 5 and made == instances(form.document, 5, resolver=form.resolver())
    assert all(re.fullmatch(r"[0-9]{5}", i["osa"]["koodi"]) for i in made)
    assert validator(form.document, form.resolver()).is_valid({"osa": {"koodi": "00100"}})
    assert not validator(form.document, form.resolver()).is_valid({"osa": {"koodi": "x"}})


def test_what_a_page_never_sends_is_never_made(tmp_path: Path) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "osa.json").write_text(json.dumps(PART))
    (tmp_path / "lomake.json").write_text(json.dumps(FORM))
    form = load_catalog(tmp_path).forms["lomake"]
    made: list[Any] = instances(form.document, 8, resolver=form.resolver())
    assert all("vakio" not in i for i in made)  # an optional fixed value
    assert all(i.get("ryhma", {"kylla": True}) == {"kylla": True} for i in made)  # no group of unticked boxes only


def test_each_draft_is_met_by_its_own_rules() -> None:
    draft4 = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "required": ["n"],
              "properties": {"n": {"type": "integer", "minimum": 0, "maximum": 3, "exclusiveMaximum": True}}}
    made = instances(draft4, 3)
    assert made and all(0 <= i["n"] < 3 for i in made)
    assert not validator(draft4).is_valid({"n": 3})
