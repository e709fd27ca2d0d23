"""The `ui:widget`s: one table (`core.view.widgets`) that the view builder, `lomake check` and the rjsf
importer all read, each entry held to what the builder makes of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.catalog import load_catalog
from core.check import KNOWN_WIDGETS
from core.view.build import form_view
from core.view.widgets import WIDGETS, Widget
from lomake.rjsf import import_rjsf


@pytest.mark.parametrize("widget", WIDGETS.values(), ids=list(WIDGETS))
def test_each_widget_makes_the_component_its_entry_says(tmp_path: Path, widget: Widget) -> None:
    schema = {"title": "F", "type": "object", "properties": {"x": {"title": "X", **widget.fits, "ui:widget": widget.name}}}
    (tmp_path / "f.json").write_text(json.dumps(schema))
    catalog = load_catalog(tmp_path)
    assert not [str(p) for p in catalog.problems if not p.warning]
    (field,) = form_view(catalog.forms["f"], "fi").fields
    assert field.kind == widget.kind
    if widget.input_type:
        assert ("type", widget.input_type) in field.attrs
    if widget.kind == "text" and not widget.input_type and "format" not in widget.fits:
        assert "type" not in dict(field.attrs)


def test_lomake_check_knows_the_widgets_of_the_table() -> None:
    assert set(WIDGETS) == KNOWN_WIDGETS


@pytest.mark.parametrize("name", WIDGETS)
def test_the_rjsf_import_keeps_every_widget_known_and_leaves_out_others(name: str) -> None:
    sample = {"schema": {"type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "string"}}},
              "uiSchema": {"x": {"ui:widget": name}, "y": {"ui:widget": "fancy"}}}
    schema, notes = import_rjsf(sample, "s")
    assert schema["properties"]["x"]["ui:widget"] in WIDGETS
    assert "ui:widget" not in schema["properties"]["y"]
    assert notes == ["uiSchema/y/ui:widget: 'fancy' is a custom React widget; left out"]
