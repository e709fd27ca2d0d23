"""`lomake check`: every problem as `file: /json/pointer: message`, exit 1 on errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lomake.check import check_paths
from lomake.cli import main
from tests.conftest import SCHEMAS


def write(folder: Path, name: str, schema: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema if isinstance(schema, str) else json.dumps(schema), encoding="utf-8")
    return path


def lines(folder: Path, *names: str) -> list[str]:
    return [str(p).replace(f"{folder}/", "") for p in check_paths([folder / n for n in names])]


def form(**properties: Any) -> dict[str, Any]:
    return {"title": "Lomake", "type": "object", "properties": properties}


def test_the_sample_schemas_pass_with_every_text_translated() -> None:
    assert [str(p) for p in check_paths([SCHEMAS])] == []


def test_cli_prints_problems_and_exits_1(tmp_path: Path) -> None:
    write(tmp_path, "a.json", form(x={"type": "string"}))
    write(tmp_path, "b.json", form(x={"title": "X", "type": "string"}))
    runner = CliRunner()
    failing = runner.invoke(main, ["check", str(tmp_path / "a.json"), str(tmp_path / "b.json")])
    assert failing.exit_code == 1
    assert failing.output == f"{tmp_path}/a.json: /properties/x: the field 'x' needs a title, the label people see\n"
    passing = runner.invoke(main, ["check", str(tmp_path / "b.json")])
    assert (passing.exit_code, passing.output) == (0, "")


@pytest.mark.parametrize(("schema", "expected"), [
    ('{"title": "x",', "a.json: /: not valid JSON: line 1 column 15: Expecting property name enclosed in double quotes"),
    ([1], "a.json: /: a form file must be a JSON object"),
    ({"$schema": "http://json-schema.org/draft-04/schema#", **form()},
     "a.json: /$schema: use JSON Schema 2020-12 or draft-07, not 'http://json-schema.org/draft-04/schema#'"),
    (form(x={"title": "X", "type": "strin"}),
     "a.json: /properties/x/type: not valid JSON Schema: 'strin' is not valid under any of the given schemas"),
    (form(x={"title": "X", "$ref": "#/$defs/missing"}), "a.json: /properties/x/$ref: $ref '#/$defs/missing' does not resolve"),
    (form(x={"title": "X", "$ref": "common/missing.json"}),
     "a.json: /properties/x/$ref: $ref 'common/missing.json' does not resolve"),
    (form(x={"title": "X", "type": "string", "ui:widjet": "textarea"}),
     "a.json: /properties/x/ui:widjet: unknown key 'ui:widjet'; did you mean 'ui:widget'?"),
    (form(x={"title": "X", "type": "string", "ui:widget": "fancy"}),
     "a.json: /properties/x/ui:widget: unknown widget 'fancy'; known: alt-date, alt-datetime, checkbox, checkboxes, "
     "color, date, date-parts, datetime, email, file, hidden, password, radio, range, select, tel, text, textarea, "
     "time, updown, uri, url"),
    ({**form(x={"title": "X", "type": "string"}), "ui:order": ["y", "*"]},
     "a.json: /ui:order/0: ui:order names 'y', which is not a property here"),
    (form(x={"title": "X", "type": "integer", "minimum": 1, "default": 0}),
     "a.json: /properties/x/default: the default is not valid: 0 is less than the minimum of 1"),
    ({**form(), "x-lomake": {"agency": "nobody"}}, "a.json: /x-lomake/agency: no agency 'nobody' in agencies/"),
    ({**form(), "x-lomake": {"languages": ["de"], "colour": 1}},
     "a.json: /x-lomake/languages/0: Input should be 'fi', 'sv' or 'en'"),
    ({"type": "object", "properties": {}}, "a.json: /title: the form needs a title"),
    ({"title": "T", "type": "string"}, 'a.json: /: a form must be an object schema ("type": "object")'),
])
def test_each_rule_names_the_file_and_pointer(tmp_path: Path, schema: Any, expected: str) -> None:
    write(tmp_path, "a.json", schema)
    assert expected in lines(tmp_path, "a.json")


def test_problems_in_a_shared_part_name_the_part(tmp_path: Path) -> None:
    write(tmp_path, "common/person.json", {"type": "object", "properties": {"n": {"type": "string"}}})
    write(tmp_path, "a.json", form(p={"title": "P", "$ref": "common/person.json"}))
    expected = "common/person.json: /properties/n: the field 'n' needs a title, the label people see"
    assert lines(tmp_path, "a.json") == [expected]
    assert lines(tmp_path, "common/person.json") == [expected]


def test_titles_may_come_from_the_referenced_part(tmp_path: Path) -> None:
    write(tmp_path, "common/email.json", {"title": "Sähköposti", "type": "string", "format": "email"})
    write(tmp_path, "a.json", {**form(e={"$ref": "common/email.json"}),
                               "if": {"properties": {"e": {"const": "x"}}}, "then": {"required": ["e"]}})
    assert lines(tmp_path, "a.json") == []


def test_unsupported_constructs_warn_without_failing(tmp_path: Path) -> None:
    write(tmp_path, "a.json", form(x={"title": "X", "oneOf": [{"type": "object", "properties": {}}, {"type": "string"}]}))
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.json")])
    assert result.exit_code == 0
    assert result.output == (f"{tmp_path}/a.json: /x: warning: the field 'X' is shown as a JSON text field: "
                             "oneOf/anyOf of objects and other types has no control yet\n")


def test_draft_07_is_accepted(tmp_path: Path) -> None:
    write(tmp_path, "a.json", {"$schema": "http://json-schema.org/draft-07/schema#", **form(
        x={"title": "X", "type": "string"}), "definitions": {"d": {"title": "D", "type": "string"}}})
    assert lines(tmp_path, "a.json") == []


def test_broken_agency_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "agencies/x.json", {"name": {"fi": "X"}, "reference": "X/{seq}"})
    write(tmp_path, "a.json", form())
    assert lines(tmp_path, "a.json") == [
        "agencies/x.json: /reference: Value error, the reference pattern needs both {seq} and {year}"]
