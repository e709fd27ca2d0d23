"""Conditions on the answers, compiled once with what holds them: a conditional group of the view model,
a page of a long form."""

from __future__ import annotations

import json
from pathlib import Path

from core.catalog import load_catalog
from core.conditions import Condition
from core.forms import PageMeta
from core.view.build import form_view
from core.view.fields import walk


def test_a_condition_holds_or_not_as_expected_with_ecma_262_patterns() -> None:
    digits = Condition.of({"properties": {"a": {"pattern": "^\\d+$"}}, "required": ["a"]})
    assert digits.holds({"a": "12"}) and not digits.holds({"a": "١٢"})  # \d is 0-9 only, as in ECMA-262
    assert not Condition.of({"required": ["a"]}, expected=False).holds({"a": 1})
    assert digits == Condition(digits.schema) and digits.about() == {"a"}


def test_a_conditional_group_carries_its_compiled_condition(tmp_path: Path) -> None:
    (tmp_path / "f.json").write_text(json.dumps({
        "title": "F", "type": "object", "properties": {"a": {"title": "A", "enum": ["x", "y"]}},
        "if": {"properties": {"a": {"const": "x"}}, "required": ["a"]},
        "then": {"properties": {"b": {"title": "B", "type": "string"}}},
        "else": {"properties": {"c": {"title": "C", "type": "string"}}},
    }))
    groups = [f for f in walk(form_view(load_catalog(tmp_path).forms["f"], "fi").fields) if f.kind == "conditional"]
    assert [(g.condition.holds({"a": "x"}), g.condition.holds({"a": "y"})) for g in groups if g.condition] == [
        (True, False), (False, True)]


def test_a_page_compiles_its_condition_when_read() -> None:
    page = PageMeta.model_validate({"id": "p", "title": "P", "properties": ["b"],
                                    "if": {"properties": {"a": {"const": 1}}, "required": ["a"]}})
    assert page.applies({"a": 1}) and not page.applies({"a": 2}) and not page.applies({})
    assert PageMeta(id="q", title="Q", properties=("b",)).applies({})
