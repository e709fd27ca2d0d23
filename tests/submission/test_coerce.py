"""Body in, typed JSON out, and back."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from core.catalog import load_catalog
from core.view.build import form_view
from core.view.fields import Field
from submission.coerce import Issue, coerce, form_values, parse_form


@pytest.fixture
def fields(tmp_path: Path) -> tuple[Field, ...]:
    (tmp_path / "f.json").write_text(json.dumps({"title": "F", "type": "object", "required": ["o"], "properties": {
        "s": {"title": "S", "type": "string"},
        "t": {"title": "T", "type": "string", "maxLength": 5000},
        "i": {"title": "I", "type": "integer"},
        "n": {"title": "N", "type": "number"},
        "b": {"title": "B", "type": "boolean"},
        "c": {"title": "C", "type": "boolean", "const": True},
        "r": {"title": "R", "oneOf": [{"const": 1, "title": "one"}, {"const": "1", "title": "text one"}]},
        "k": {"title": "K", "type": "array", "items": {"enum": ["a", "b", "c"]}, "uniqueItems": True},
        "d": {"title": "D", "type": "string", "format": "date"},
        "o": {"title": "O", "type": "object", "properties": {"x": {"title": "X", "type": "string"}}},
        "p": {"title": "P", "type": "object", "properties": {"y": {"title": "Y", "type": "string"}}},
        "j": {"title": "J", "type": "array", "items": {"type": "object"}},
    }}))
    return form_view(load_catalog(tmp_path).forms["f"], "fi").fields


def test_empty_answers_are_absent_and_required_objects_stay(fields: tuple[Field, ...]) -> None:
    data = {"/s": ["  "], "/t": ["\r\n "], "/i": [""], "/r": [""], "/d[day]": [""], "/o/x": [""], "/p/y": [""]}
    assert coerce(fields, data) == ({"b": False, "o": {}}, [])


def test_answers_are_typed(fields: tuple[Field, ...]) -> None:
    data = {"/s": [" a "], "/t": ["rivi\r\nrivi "], "/i": ["1 000"], "/n": ["3,5"], "/b": ["true"], "/c": ["true"],
            "/r": ['"1"'], "/k": ["a", "c"], "/d[day]": ["3"], "/d[month]": ["lokakuu"], "/d[year]": ["2025"],
            "/o/x": ["x"], "/j": ['[{"a": 1}]']}
    instance, issues = coerce(fields, data)
    assert issues == []
    assert instance == {"s": "a", "t": "rivi\nrivi ", "i": 1000, "n": 3.5, "b": True, "c": True, "r": "1",
                        "k": ["a", "c"], "d": "2025-10-03", "o": {"x": "x"}, "j": [{"a": 1}]}
    assert coerce(fields, {"/r": ["1"]})[0]["r"] == 1


@pytest.mark.parametrize(("data", "issue"), [
    ({"/i": ["12a"]}, Issue("/i", "integer")),
    ({"/i": ["1.5"]}, Issue("/i", "integer")),
    ({"/n": ["1,2,3"]}, Issue("/n", "number")),
    ({"/r": ["2"]}, Issue("/r", "choice")),
    ({"/k": ["a", "z"]}, Issue("/k", "choice")),
    ({"/d[day]": ["31"], "/d[month]": ["2"], "/d[year]": ["2025"]}, Issue("/d", "date_real")),
    ({"/d[day]": ["1"], "/d[month]": ["2"], "/d[year]": ["25"]}, Issue("/d", "date_real")),
    ({"/d[day]": ["1"], "/d[year]": ["2025"]}, Issue("/d", "date_missing_part", {"part": "month"})),
    ({"/j": ["{"]}, Issue("/j", "json")),
])
def test_what_cannot_be_read_is_kept_and_reported(fields: tuple[Field, ...], data: Any, issue: Issue) -> None:
    instance, issues = coerce(fields, data)
    assert issues == [issue]
    key = issue.pointer[1:]
    assert isinstance(instance[key], str | list)


def test_form_values_is_the_inverse_of_coerce(fields: tuple[Field, ...]) -> None:
    instance = {"s": "a", "t": "x\ny", "i": -4, "n": 0.25, "b": True, "c": True, "r": 1, "k": ["b"],
                "d": "2024-02-29", "o": {"x": "ä"}, "p": {"y": "y"}, "j": [{"a": [1, None]}]}
    assert coerce(fields, form_values(fields, instance)) == (instance, [])


@pytest.mark.parametrize("body", [
    b"", b"a=1&a=2&b=", b"%2Fx%5Bday%5D=3&%2Fy=%C3%A4+%2B+%25&&z", b"%2Fbad=%zz%", b"only",
])
def test_parse_form_reads_bodies_as_browsers_send_them(body: bytes) -> None:
    from urllib.parse import parse_qs

    assert parse_form(body) == parse_qs(body.decode(), keep_blank_values=True)


def test_parse_form_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValueError):
        parse_form(b"a=%ff")
    with pytest.raises(ValueError):
        parse_form(b"\xff=1")
    with pytest.raises(ValueError, match="more than 3 fields"):
        parse_form(b"a&b&c&d", max_fields=3)


def test_date_times_are_typed_in_finnish_time_and_stored_in_utc(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(json.dumps({"title": "T", "type": "object", "properties": {
        "hetki": {"title": "Hetki", "type": "string", "format": "date-time"}}}))
    fields = form_view(load_catalog(tmp_path).forms["t"], "fi").fields
    assert fields[0].attrs == (("type", "datetime-local"),)
    assert coerce(fields, {"/hetki": ["2026-07-01T12:30"]})[0] == {"hetki": "2026-07-01T09:30:00Z"}
    assert coerce(fields, {"/hetki": ["2026-01-15T08:00:05.250"]})[0] == {"hetki": "2026-01-15T06:00:05.250Z"}
    assert form_values(fields, {"hetki": "2016-11-21T10:07:26.505Z"}) == {"/hetki": ["2016-11-21T12:07:26.505"]}
    for stored in ("2016-11-21T10:07:26.505Z", "2026-03-29T01:30:00Z"):
        assert coerce(fields, form_values(fields, {"hetki": stored}))[0] == {"hetki": stored}


def test_times_of_day_are_finnish_time_with_an_offset(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(json.dumps({"title": "T", "type": "object", "properties": {
        "klo": {"title": "Kellonaika", "type": "string", "format": "time"}}}))
    fields = form_view(load_catalog(tmp_path).forms["t"], "fi").fields
    assert fields[0].attrs == (("type", "time"),)
    instance, issues = coerce(fields, {"/klo": ["9.30"]})
    assert issues == [] and re.fullmatch(r"09:30:00\+0[23]:00", instance["klo"])
    assert coerce(fields, form_values(fields, instance))[0] == instance
