"""The kinds of question (`core.view.fields.Kind`): the view builder makes each one, and everything that
acts by kind knows each one (the `match`es on kind are checked by mypy; the tables and the template here)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from core.catalog import load_catalog
from core.view.build import form_view
from core.view.fields import KINDS, walk
from renderer.answers import answers
from submission.coerce import READERS, WRITERS, coerce, form_values

ROOT = Path(__file__).resolve().parent.parent.parent

#: A form that asks one question of every kind.
EVERY_KIND: dict[str, Any] = {
    "title": "F", "type": "object", "required": ["fixed"],
    "properties": {
        "text": {"title": "Text", "type": "string"},
        "textarea": {"title": "Textarea", "type": "string", "maxLength": 1000},
        "number": {"title": "Number", "type": "integer"},
        "date": {"title": "Date", "type": "string", "format": "date"},
        "checkbox": {"title": "Checkbox", "type": "boolean"},
        "declaration": {"title": "Declaration", "type": "boolean", "const": True},
        "fixed": {"title": "Fixed", "const": "fixed"},
        "file": {"title": "File", "type": "string", "format": "data-url"},
        "radios": {"title": "Radios", "enum": ["a", "b"]},
        "select": {"title": "Select", "enum": ["a", "b"], "ui:widget": "select"},
        "checkboxes": {"title": "Checkboxes", "type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": True},
        "fieldset": {"title": "Fieldset", "type": "object", "properties": {"a": {"title": "A", "type": "string"}},
                     "additionalProperties": {"type": "string"}},
        "alternatives": {"title": "Alternatives", "oneOf": [
            {"title": "One", "type": "object", "properties": {"a": {"title": "A", "type": "string"}}},
            {"title": "Two", "type": "object", "properties": {"b": {"title": "B", "type": "string"}}},
        ]},
        "list": {"title": "List", "type": "array", "items": {"title": "Item", "type": "string"}},
        "hidden": {"title": "Hidden", "type": "string", "ui:widget": "hidden"},
        "json": {"title": "JSON", "oneOf": [{"type": "object", "properties": {"a": {"title": "A"}}}, {"type": "integer"}]},
    },
    "if": {"properties": {"radios": {"const": "a"}}, "required": ["radios"]},
    "then": {"properties": {"conditional": {"title": "Conditional", "type": "string"}}},
}


def test_the_view_builder_makes_every_kind(tmp_path: Path) -> None:
    (tmp_path / "f.json").write_text(json.dumps(EVERY_KIND))
    view = form_view(load_catalog(tmp_path).forms["f"], "fi")
    assert {f.kind for f in walk(view.fields)} == set(KINDS)


def test_every_kind_is_read_from_a_post_and_written_back(tmp_path: Path) -> None:
    assert set(READERS) == set(KINDS)
    assert set(WRITERS) == set(KINDS)
    (tmp_path / "f.json").write_text(json.dumps(EVERY_KIND))
    view = form_view(load_catalog(tmp_path).forms["f"], "fi")
    given = {"text": "t", "textarea": "a\nb", "number": 3, "date": "2025-10-03", "checkbox": True, "declaration": True,
             "fixed": "fixed", "file": "attachment:abc", "radios": "a", "select": "b", "checkboxes": ["a"],
             "fieldset": {"a": "x", "extra": "y"}, "alternatives": {"b": "z"}, "list": ["i", "j"], "json": {"a": [5]},
             "conditional": "c"}
    instance, issues = coerce(view.fields, form_values(view.fields, given))
    assert instance == given
    assert [i.code for i in issues] == ["option"]  # which option of the choice between objects was picked
    shown = {a.label: a.value for a in answers(view.fields, instance, "fi")}
    assert shown | {"Fieldset": "", "Alternatives": "Two"} == shown
    assert {label: shown[label] for label in ("Date", "Checkbox", "Fixed", "Conditional", "Checkboxes", "A", "B", "List")} \
        == {"Date": "3.10.2025", "Checkbox": "Kyllä", "Fixed": "fixed", "Conditional": "c", "Checkboxes": "a",
            "A": "x", "B": "z", "List": "i\nj"}


def test_the_field_macro_draws_every_kind() -> None:
    """The template's `field` macro picks a component by kind; text and numbers are its text input."""
    macro = (ROOT / "renderer" / "templates" / "components.html").read_text().split("{% macro field(f)", 1)[1]
    macro = macro.split("{%- endmacro %}", 1)[0]
    named = set(re.findall(r'f\.kind == "([a-z]+)"', macro))
    named |= {k for group in re.findall(r"f\.kind in \(([^)]*)\)", macro) for k in re.findall(r'"([a-z]+)"', group)}
    assert "{%- else %}{{ text_input(f, message) }}" in macro
    assert named | {"text", "number"} == set(KINDS)
    assert not named & {"text", "number"}
