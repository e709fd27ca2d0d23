"""`lomake check`: every problem as `file:line:column: /json/pointer: message`, exit 1 on errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from core.catalog import load_catalog
from lomake.check import check_paths
from lomake.cli import main
from tests.conftest import SCHEMAS


def write(folder: Path, name: str, schema: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema if isinstance(schema, str) else json.dumps(schema), encoding="utf-8")
    return path


def lines(folder: Path, *names: str) -> list[str]:
    """The problems as printed, without their line and column (the tests of `placed` check those)."""
    return [re.sub(r"^(\S+?):\d+:\d+: ", r"\1: ", str(p).replace(f"{folder}/", ""))
            for p in check_paths([folder / n for n in names])]


def placed(folder: Path, *names: str) -> list[str]:
    return [str(p).replace(f"{folder}/", "") for p in check_paths([folder / n for n in names])]


def form(**properties: Any) -> dict[str, Any]:
    return {"title": "Lomake", "type": "object", "properties": properties}


def test_the_sample_schemas_pass_with_every_text_translated() -> None:
    assert [str(p) for p in check_paths([SCHEMAS])] == []


def test_cli_prints_problems_and_exits_1(tmp_path: Path) -> None:
    write(tmp_path, "a.json", form(x={"title": "X", "type": "strin"}))
    write(tmp_path, "b.json", form(x={"title": "X", "type": "string"}))
    runner = CliRunner()
    failing = runner.invoke(main, ["check", str(tmp_path / "a.json"), str(tmp_path / "b.json")])
    assert failing.exit_code == 1
    assert failing.output == (f"{tmp_path}/a.json:1:74: /properties/x/type: not valid JSON Schema: "
                              "'strin' is not valid under any of the given schemas\n")
    passing = runner.invoke(main, ["check", str(tmp_path / "b.json")])
    assert (passing.exit_code, passing.output) == (0, "")


@pytest.mark.parametrize(("schema", "expected"), [
    ('{"title": "x",', "a.json: /: not valid JSON: Expecting property name enclosed in double quotes"),
    ([1], "a.json: /: a form file must be a JSON object"),
    ({"$schema": "http://json-schema.org/draft-03/schema#", **form()},
     "a.json: /$schema: unknown JSON Schema draft 'http://json-schema.org/draft-03/schema#'; "
     "use one of draft-04, draft-06, draft-07, 2019-09, 2020-12 (checked here as 2020-12)"),
    (form(x={"title": "X", "type": "string", "pattern": "(a"}),
     "a.json: /properties/x/pattern: the pattern is not an ECMA-262 regular expression: Unbalanced parenthesis"),
    ({**form(), "patternProperties": {"^x(?<=y": {}}},
     "a.json: /patternProperties/^x(?<=y: the property name pattern is not an ECMA-262 regular expression: "
     "Unbalanced parenthesis"),
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
    ({"type": "object", "properties": {}},
     "a.json: /title: warning: the form has no title: its heading is 'A', made from the file name; add a title"),
    ({"title": "T", "type": "string"}, 'a.json: /: a form must be an object schema ("type": "object")'),
])
def test_each_rule_names_the_file_and_pointer(tmp_path: Path, schema: Any, expected: str) -> None:
    write(tmp_path, "a.json", schema)
    assert expected in lines(tmp_path, "a.json")


def test_problems_in_a_shared_part_name_the_part(tmp_path: Path) -> None:
    write(tmp_path, "common/person.json", {"type": "object", "properties": {"n": {"type": "string"}}})
    write(tmp_path, "a.json", form(p={"title": "P", "$ref": "common/person.json"}))
    expected = ("common/person.json: /properties/n: warning: the field 'n' has no title: it is shown as 'N'; "
                "add a title, or translate the text 'N' in schemas/locale/{} puts it there)")
    assert lines(tmp_path, "a.json") == [expected.format("fi.po (`lomake i18n extract --lang fi`")]
    assert lines(tmp_path, "common/person.json") == [expected.format("<lang>.po (`lomake i18n extract`")]


def test_titles_may_come_from_the_referenced_part(tmp_path: Path) -> None:
    write(tmp_path, "common/email.json", {"title": "Sähköposti", "type": "string", "format": "email"})
    write(tmp_path, "a.json", {**form(e={"$ref": "common/email.json"}),
                               "if": {"properties": {"e": {"const": "x"}}}, "then": {"required": ["e"]}})
    assert lines(tmp_path, "a.json") == []


def test_unsupported_constructs_warn_without_failing(tmp_path: Path) -> None:
    write(tmp_path, "a.json", form(x={"title": "X", "oneOf": [{"type": "object", "properties": {}}, {"type": "string"}]}))
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.json")])
    assert result.exit_code == 0
    assert result.output == (f"{tmp_path}/a.json:1:54: /properties/x: warning: the field 'X' (/x) is shown as a JSON "
                             "text field: "
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


def test_untitled_fields_are_served_with_a_warning_each_but_option_tags_need_none(tmp_path: Path) -> None:
    write(tmp_path, "a.json", {**form(
        dateOfBirth={"type": "string", "format": "date"}, postal_code={"type": "string"},
        osoite={"title": "Osoite", "type": "object", "properties": {"addressLine2": {"type": "string"}}},
        payer={"title": "Maksaja", "oneOf": [
            {"title": "Henkilö", "type": "object", "properties": {"kind": {"const": "person"}, "SSN": {"type": "string"}}},
            {"$ref": "#/definitions/Company"}]},
    ), "definitions": {"Company": {"title": "Yritys", "type": "object", "required": ["kind"],
                                   "properties": {"kind": {"const": "company"}, "vat": {"title": "ALV", "type": "string"}}}},
        "x-lomake": {"languages": ["fi", "en"]}})
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.json")])
    assert result.exit_code == 0
    warnings = [line.split(": ", 2)[1:] for line in result.output.splitlines() if "has no title" in line]
    hint = "in schemas/locale/fi.po or schemas/locale/en.po (`lomake i18n extract --lang fi` puts it there)"
    assert warnings == [
        ["/properties/dateOfBirth", "warning: the field 'dateOfBirth' has no title: it is shown as 'Date of birth'; "
         f"add a title, or translate the text 'Date of birth' {hint}"],
        ["/properties/postal_code", "warning: the field 'postal_code' has no title: it is shown as 'Postal code'; "
         f"add a title, or translate the text 'Postal code' {hint}"],
        ["/properties/osoite/properties/addressLine2", "warning: the field 'addressLine2' has no title: it is shown "
         f"as 'Address line 2'; add a title, or translate the text 'Address line 2' {hint}"],
        ["/properties/payer/oneOf/0/properties/SSN", "warning: the field 'SSN' has no title: it is shown as 'SSN'; "
         f"add a title, or translate the text 'SSN' {hint}"],
    ]


@pytest.mark.parametrize("dialect", [
    "http://json-schema.org/draft-04/schema#", "https://json-schema.org/draft-04/schema",
    "http://json-schema.org/draft-06/schema", "https://json-schema.org/draft-07/schema#",
    "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft/2019-09/schema",
    "https://json-schema.org/draft/2020-12/schema#", None,
])
def test_every_draft_is_accepted_however_its_uri_is_spelled(tmp_path: Path, dialect: str | None) -> None:
    definitions = {"definitions": {"d": {"title": "D", "type": "string"}}}
    declared = {"$schema": dialect} if dialect else {}
    write(tmp_path, "a.json", {**declared, **form(x={"title": "X", "$ref": "#/definitions/d"}), **definitions})
    assert lines(tmp_path, "a.json") == []


def test_a_draft_04_form_is_checked_under_draft_04(tmp_path: Path) -> None:
    write(tmp_path, "a.json", {
        "$schema": "http://json-schema.org/draft-04/schema#", "id": "http://example.gov/forms/a.json#", **form(
            n={"title": "N", "type": "number", "maximum": 10, "exclusiveMaximum": True},
            d={"title": "D", "$ref": "#/definitions/d"}),
        "definitions": {"d": {"type": "string", "default": "x", "maxLength": 3}}})
    assert lines(tmp_path, "a.json") == []
    write(tmp_path, "a.json", {"$schema": "http://json-schema.org/draft-04/schema#",
                               **form(n={"title": "N", "type": "number", "exclusiveMaximum": 10})})
    assert lines(tmp_path, "a.json") == [
        "a.json: /properties/n: not valid JSON Schema: 'maximum' is a dependency of 'exclusiveMaximum'",
        "a.json: /properties/n/exclusiveMaximum: not valid JSON Schema: 10 is not of type 'boolean'"]


def test_every_problem_of_a_file_is_listed_with_its_place(tmp_path: Path) -> None:
    write(tmp_path, "a.json", {"$schema": "http://json-schema.org/schema#", **form(
        a={"title": "A", "type": "strin"}, b={"title": "B", "type": "string", "minLength": -1},
        c={"title": "C", "type": "object", "required": "x"},
        d={"title": "D", "type": "string", "pattern": "[z-a]"}, e={"title": "E", "ui:widjet": "textarea"})})
    assert lines(tmp_path, "a.json") == [
        "a.json: /$schema: unknown JSON Schema draft 'http://json-schema.org/schema#'; "
        "use one of draft-04, draft-06, draft-07, 2019-09, 2020-12 (checked here as 2020-12)",
        "a.json: /properties/a/type: not valid JSON Schema: 'strin' is not valid under any of the given schemas",
        "a.json: /properties/b/minLength: not valid JSON Schema: -1 is less than the minimum of 0",
        "a.json: /properties/c/required: not valid JSON Schema: 'x' is not of type 'array'",
        "a.json: /properties/d/pattern: the pattern is not an ECMA-262 regular expression: "
        "Range values reversed, start char code is greater than end char code.",
        "a.json: /properties/e/ui:widjet: unknown key 'ui:widjet'; did you mean 'ui:widget'?",
    ]


def test_a_root_ref_is_followed(tmp_path: Path) -> None:
    write(tmp_path, "a.json", {"$ref": "#/definitions/Form", "definitions": {"Form": form(x={"title": "X", "type": "string"})}})
    assert lines(tmp_path, "a.json") == []
    write(tmp_path, "a.json", {"$ref": "#/definitions/Form", "definitions": {"Form": {"type": "string"}}})
    assert lines(tmp_path, "a.json") == ['a.json: /: a form must be an object schema ("type": "object")',
                                         "a.json: /title: warning: the form has no title: its heading is 'A', "
                                         "made from the file name; add a title"]


NO_WATER = {"title": "Vesi", "type": "object", "required": ["hankinta", "kulutus"], "properties": {
    "hankinta": {"title": "Mistä vesi hankitaan?", "oneOf": [
        {"const": "kaivo", "title": "Omasta kaivosta"}, {"const": "ei", "title": "Toiminnassa ei käytetä vettä"}]},
    "kulutus": {"title": "Vedenkulutus", "type": "number"},
    "paikka": {"title": "Kaivon paikka", "type": "string"}}}
NO_SEWAGE = {"title": "Jätevedet", "type": "object", "required": ["eiJatevesia", "kasittely", "kunta"],
             "properties": {"eiJatevesia": {"title": "Jätevesiä ei synny", "type": "boolean"},
                            "kasittely": {"title": "Miten jätevedet käsitellään?", "type": "string"},
                            "kunta": {"title": "Kunta", "type": "string"}}}


def test_a_required_answer_that_another_answer_says_does_not_apply_is_warned_about(tmp_path: Path) -> None:
    write(tmp_path, "jatevesi.json", NO_SEWAGE)
    (warning,) = check_paths([tmp_path / "jatevesi.json"])
    assert warning.warning and warning.pointer == "/required/1"
    assert "'Miten jätevedet käsitellään?' stays required when 'Jätevesiä ei synny'" in warning.message


def test_the_not_applying_answer_is_found_through_the_translations_too(tmp_path: Path) -> None:
    """"vettä" and "Vedenkulutus" share no stem in Finnish; "vatten" and "Vattenförbrukning" do in Swedish."""
    write(tmp_path, "vesi.json", {**NO_WATER, "x-lomake": {"languages": ["fi", "sv"]}})
    assert [p.pointer for p in check_paths([tmp_path / "vesi.json"]) if "stays required" in p.message] == []
    write(tmp_path, "locale/sv.po", "\n".join(f'msgid "{fi}"\nmsgstr "{sv}"\n' for fi, sv in (
        ("Vesi", "Vatten"), ("Mistä vesi hankitaan?", "Varifrån tas vattnet?"), ("Omasta kaivosta", "Egen brunn"),
        ("Toiminnassa ei käytetä vettä", "Verksamheten använder inte vatten"), ("Vedenkulutus", "Vattenförbrukning"),
        ("Kaivon paikka", "Brunnens plats"))))
    (warning,) = check_paths([tmp_path / "vesi.json"])
    assert warning.pointer == "/required/1" and "'Vedenkulutus' stays required" in warning.message


def test_an_answer_required_only_when_it_applies_is_not_warned_about(tmp_path: Path) -> None:
    fixed = {**NO_SEWAGE, "required": ["eiJatevesia", "kunta"], "properties": {
        k: v for k, v in NO_SEWAGE["properties"].items() if k != "kasittely"},  # type: ignore[attr-defined]
        "if": {"properties": {"eiJatevesia": {"const": False}}},
        "then": {"required": ["kasittely"], "properties": {"kasittely": NO_SEWAGE["properties"]["kasittely"]}}}  # type: ignore[index]
    write(tmp_path, "jatevesi.json", fixed)
    assert check_paths([tmp_path / "jatevesi.json"]) == []


def test_every_problem_has_its_line_and_column(tmp_path: Path) -> None:
    write(tmp_path, "a.json", """{
  "title": "Lomake",
  "type": "object",
  "x-lomake": {"languages": ["de"]},
  "properties": {
    "x": {
      "title": "X",
      "type": "strin",
      "ui:widjet": "textarea"
    },
    "y": {"title": "Y", "type": "integer", "minimum": 1, "default": 0}
  }
}""")
    assert placed(tmp_path, "a.json") == [
        "a.json:4:30: /x-lomake/languages/0: Input should be 'fi', 'sv' or 'en'",
        "a.json:4:16: /x-lomake/languages: Tuple should have at least 1 item after validation, not 0",
        "a.json:8:7: /properties/x/type: not valid JSON Schema: 'strin' is not valid under any of the given schemas",
        "a.json:9:7: /properties/x/ui:widjet: unknown key 'ui:widjet'; did you mean 'ui:widget'?",
    ]
    write(tmp_path, "a.json", '{\n  "title": "Lomake",\n  "type": "object",\n  "properties": {\n    "y": '
                              '{"title": "Y", "type": "integer", "minimum": 1, "default": 0}\n  }\n}')
    assert placed(tmp_path, "a.json") == [
        "a.json:5:58: /properties/y/default: the default is not valid: 0 is less than the minimum of 1"]


def test_a_syntax_error_is_placed_where_the_json_breaks(tmp_path: Path) -> None:
    write(tmp_path, "a.json", '{\n  "title": "Lomake",\n  "type": "object"\n  "properties": {}\n}')
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a.json")])
    assert (result.exit_code, result.output) == (
        1, f"{tmp_path}/a.json:4:3: /: not valid JSON: Expecting ',' delimiter\n")


def test_a_missing_key_is_placed_at_the_object_that_lacks_it(tmp_path: Path) -> None:
    write(tmp_path, "a.json", '\n\n  {"type": "object", "properties": {}}')
    assert placed(tmp_path, "a.json") == [
        "a.json:3:3: /title: warning: the form has no title: its heading is 'A', made from the file name; add a title"]


def test_problems_behind_a_ref_are_placed_in_the_shared_part(tmp_path: Path) -> None:
    """`$ref`s are followed across files: a part's own problems at their place in the part, a construct the page
    cannot ask at the schema that declares it, in the part, with the answer's pointer in the message."""
    write(tmp_path, "common/person.json", """{
  "type": "object",
  "properties": {
    "nimi": {"title": "Nimi", "type": "string", "pattern": "(a"},
    "muu": {"title": "Muu", "oneOf": [{"type": "object", "properties": {}}, {"type": "string"}]}
  }
}""")
    write(tmp_path, "a.json", """{
  "title": "Lomake",
  "type": "object",
  "properties": {
    "hakija": {"title": "Hakija", "$ref": "common/person.json"},
    "puuttuu": {"title": "P", "$ref": "common/person.json#/properties/puuttuu"}
  }
}""")
    assert placed(tmp_path, "a.json") == [
        "a.json:6:31: /properties/puuttuu/$ref: $ref 'common/person.json#/properties/puuttuu' does not resolve",
        "common/person.json:4:49: /properties/nimi/pattern: the pattern is not an ECMA-262 regular expression: "
        "Unbalanced parenthesis",
    ]
    write(tmp_path, "a.json", """{
  "title": "Lomake",
  "type": "object",
  "properties": {
    "hakija": {"title": "Hakija", "$ref": "common/person.json"}
  }
}""")
    write(tmp_path, "common/person.json", (tmp_path / "common/person.json").read_text().replace('"(a"', '"a"'))
    assert placed(tmp_path, "a.json") == [
        "common/person.json:5:5: /properties/muu: warning: the field 'Muu' (/hakija/muu) is shown as a JSON text "
        "field: oneOf/anyOf of objects and other types has no control yet"]


@pytest.mark.parametrize("shape", [{"properties": 1}, {"items": 3}, {"allOf": 5}, {"$defs": []},
                                   {"properties": {"a": 3}}, {"$ref": "#/x", "properties": 1}])
def test_a_keyword_not_of_its_shape_is_reported_not_a_crash(tmp_path: Path, shape: dict[str, Any]) -> None:
    """What an author has half typed (`"properties": 1`) is a problem at its place, in a form or a part."""
    write(tmp_path, "a.json", {"title": "A", "type": "object", **shape})
    write(tmp_path, "common/p.json", {"title": "P", **shape})
    write(tmp_path, "b.json", form(p={"title": "P", "$ref": "common/p.json"}))
    assert any("not valid JSON Schema" in line for line in lines(tmp_path, "a.json"))
    found = lines(tmp_path, "b.json")
    assert any(line.startswith("common/p.json: ") and "not valid JSON Schema" in line for line in found), found
    assert set(load_catalog(tmp_path).forms) == set()
