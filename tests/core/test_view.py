"""Schema in, view model out; view model in, accessible HTML out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from core.catalog import load_catalog
from core.forms import Catalog
from core.view.build import form_view
from core.view.fields import Field, walk
from core.view.scalars import SELECT_FROM
from renderer.html import Pages
from tests.conftest import BENCH_SCHEMA


def build(tmp_path: Path, properties: dict[str, Any], **extra: Any) -> tuple[Field, ...]:
    (tmp_path / "f.json").write_text(json.dumps({"title": "F", "type": "object", "properties": properties, **extra}))
    catalog = load_catalog(tmp_path)
    assert not [str(p) for p in catalog.problems if not p.warning]
    return form_view(catalog.forms["f"], "fi").fields


def one(tmp_path: Path, schema: dict[str, Any], required: bool = False) -> Field:
    (f,) = build(tmp_path, {"x": {"title": "X", **schema}}, **({"required": ["x"]} if required else {}))
    return f


@pytest.mark.parametrize(("schema", "kind", "attrs"), [
    ({"type": "string"}, "text", ()),
    ({"type": "string", "maxLength": 301}, "textarea", ()),
    ({"type": "string", "maxLength": 300}, "text", ()),
    ({"type": "string", "ui:widget": "textarea"}, "textarea", ()),
    ({"type": "string", "format": "email"}, "text",
     (("type", "email"), ("spellcheck", "false"), ("autocomplete", "email"))),
    ({"type": "string", "format": "uri"}, "text", (("type", "url"), ("spellcheck", "false"))),
    ({"type": "string", "ui:widget": "tel"}, "text", (("type", "tel"), ("spellcheck", "false"), ("autocomplete", "tel"))),
    ({"type": "string", "format": "date"}, "date", ()),
    ({"type": "string", "format": "date", "ui:widget": "date"}, "text", (("type", "date"),)),
    ({"type": "string", "pattern": "^[0-9]{5}$"}, "text", (("inputmode", "numeric"), ("spellcheck", "false"))),
    ({"type": "string", "ui:autocomplete": "given-name"}, "text",
     (("autocomplete", "given-name"), ("spellcheck", "false"))),
    ({"type": "integer"}, "number", (("inputmode", "numeric"),)),
    ({"type": "number"}, "number", (("inputmode", "decimal"),)),
    ({"type": "boolean"}, "checkbox", ()),
    ({"type": "boolean", "const": True}, "declaration", ()),
    ({"type": "boolean", "ui:widget": "radio"}, "radios", ()),
    ({"enum": ["a", "b"]}, "radios", ()),
    ({"enum": list(range(SELECT_FROM + 1))}, "select", ()),
    ({"enum": ["a", "b"], "ui:widget": "select"}, "select", ()),
    ({"type": "array", "uniqueItems": True, "items": {"enum": ["a", "b"]}}, "checkboxes", ()),
    ({"type": "array", "items": {"type": "object", "properties": {"a": {"title": "A"}}}}, "list", ()),
    ({"type": "array", "items": {"type": "string"}, "minItems": 2}, "list", ()),
    ({"type": "array", "prefixItems": [{"type": "string"}]}, "list", ()),
    ({"oneOf": [{"type": "object", "properties": {"a": {"title": "A"}}}, {"type": "string"}]}, "json", (("spellcheck", "false"),)),
])
def test_each_schema_shape_gets_its_component(tmp_path: Path, schema: dict[str, Any], kind: str, attrs: Any) -> None:
    f = one(tmp_path, schema)
    assert (f.kind, f.attrs) == (kind, attrs)


def test_choices_keep_their_titles_and_json_values(tmp_path: Path) -> None:
    f = one(tmp_path, {"oneOf": [{"const": 1, "title": "Yksi"}, {"const": None, "title": "Ei mitään"}]})
    assert [(o.value, o.label, o.data) for o in f.options] == [("1", "Yksi", 1), ("null", "Ei mitään", None)]


def test_refs_defs_order_and_nested_objects(tmp_path: Path) -> None:
    fields = build(tmp_path, {
        "b": {"$ref": "#/$defs/name", "title": "Toinen nimi"},
        "a": {"title": "Osoite", "type": "object", "required": ["k"], "properties": {"k": {"$ref": "#/$defs/name"}}},
    }, **{"$defs": {"name": {"title": "Nimi", "type": "string"}}, "ui:order": ["a", "*"]})
    assert [(f.pointer, f.label, f.required) for f in walk(fields)] == [
        ("/a", "Osoite", False), ("/a/k", "Nimi", True), ("/b", "Toinen nimi", False)]


def test_a_text_areas_limit_is_said_once_under_it_and_short_inputs_say_none(tmp_path: Path) -> None:
    """Issue 11, item 8: "Enintään N merkkiä" not on every field; a long text area says it once, in the
    element the script turns into a live count."""
    area = one(tmp_path, {"type": "string", "description": "Kerro.", "maxLength": 2000})
    assert area.kind == "textarea" and area.hint == "Kerro." and area.max_chars == 2000
    short = one(tmp_path, {"type": "string", "description": "Nimi.", "maxLength": 100})
    assert short.kind == "text" and short.hint == "Nimi." and short.max_chars == 0
    (tmp_path / "f.json").write_text(json.dumps({"title": "F", "type": "object", "properties": {
        "x": {"title": "X", "type": "string", "maxLength": 2000}, "y": {"title": "Y", "type": "string", "maxLength": 80}}}))
    html = Pages().form_page(form_view(load_catalog(tmp_path).forms["f"], "fi"), "/", "P", ("fi",))
    doc = lxml.html.fromstring(html)
    (count,) = doc.xpath("//*[@id='f_x-count']")
    assert count.text_content() == "Enintään 2\u00a0000 merkkiä." and count.get("data-max-chars") == "2000"
    assert count.get("data-left") == "Voit kirjoittaa vielä {n} merkkiä."
    assert doc.xpath("//textarea/@aria-describedby") == ["f_x-count"] and html.count("Enintään") == 1


@pytest.mark.parametrize(("schema", "width"), [
    ({"type": "string", "format": "fi-postal-code"}, 5),
    ({"type": "string", "ui:autocomplete": "postal-code"}, 5),
    ({"type": "string", "format": "fi-hetu"}, 11),
    ({"type": "string", "format": "fi-business-id"}, 10),
    ({"type": "integer", "minimum": 1900, "maximum": 2100}, 4),
    ({"type": "number", "minimum": 0}, 10),
    ({"type": "string", "maxLength": 4}, 4),
    ({"type": "string"}, 0),
    ({"type": "string", "format": "email"}, 0),
])
def test_inputs_are_as_wide_as_their_answer(tmp_path: Path, schema: dict[str, Any], width: int) -> None:
    """Issue 11, item 8: GOV.UK's width classes for postal codes, identity codes, business IDs, years, amounts."""
    f = one(tmp_path, schema)
    assert f.width == width
    (tmp_path / "f.json").write_text(json.dumps({"title": "F", "type": "object", "properties": {"x": schema}}))
    html = Pages().form_page(form_view(load_catalog(tmp_path).forms["f"], "fi"), "/", "P", ("fi",))
    classes = lxml.html.fromstring(html).xpath("string(//input[@name='/x']/@class)")
    assert classes == (f"input input--width-{width}" if width else "input")


def test_a_plain_schema_without_ui_keys_makes_a_good_page(catalog: Catalog) -> None:
    form = load_catalog(BENCH_SCHEMA.parent).forms["kantelu-bench"]
    html = Pages().form_page(form_view(form, "fi"), "/forms/kantelu-bench", "Palvelu", ("fi",))
    assert_accessible_structure(html)


def test_the_sample_forms_have_accessible_structure(catalog: Catalog) -> None:
    for form in catalog.forms.values():
        assert_accessible_structure(Pages().form_page(form_view(form, form.languages[0]), "/", "P", form.languages))


def assert_accessible_structure(html: str) -> None:
    """Labels for every control, fieldsets with legends first, described-by ids that exist, unique ids."""
    doc = lxml.html.fromstring(html)
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids))
    form = doc.xpath("//form")[0]
    assert form.get("novalidate") is not None
    assert doc.get("lang") == "fi" and len(doc.xpath("//h1")) == 1
    assert doc.xpath("//a[@class='skip-link']/@href") == ["#main"] and doc.get_element_by_id("main") is not None
    for control in form.xpath(".//input[not(@type='hidden')]|.//textarea|.//select"):
        assert doc.xpath(f"//label[@for='{control.get('id')}']"), control.get("name")
        assert control.get("maxlength") is None and control.get("placeholder") is None
    for element in doc.xpath("//*[@aria-describedby]"):
        for ref in element.get("aria-describedby").split():
            assert doc.get_element_by_id(ref) is not None
    for fieldset in doc.xpath("//fieldset"):
        assert fieldset[0].tag == "legend" and fieldset[0].text_content().strip()
    for radio_name in set(form.xpath(".//input[@type='radio']/@name")):
        group = form.xpath(f".//input[@name='{radio_name}']")[0].xpath("ancestor::fieldset[1]")
        assert group, radio_name


def test_optional_fields_say_so_in_text_and_required_ones_do_not(catalog: Catalog) -> None:
    html = Pages().form_page(form_view(catalog.forms["kantelu"], "fi"), "/", "P", ("fi",))
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//label[@for='f_kantelija_puhelin']")[0].text_content() == "Puhelinnumero (valinnainen)"
    assert doc.xpath("//label[@for='f_kantelija_etunimet']")[0].text_content() == "Etunimet"
    assert "*" not in doc.xpath("string(//form)")


def test_schema_text_is_escaped_never_trusted(tmp_path: Path) -> None:
    fields = build(tmp_path, {"x": {"title": "<b>X</b>", "description": "<script>alert(1)</script>",
                                    "enum": ["<i>a</i>"]}})
    (tmp_path / "f.json").exists()
    form = load_catalog(tmp_path).forms["f"]
    html = Pages().form_page(form_view(form, "fi"), "/", "P", ("fi",), values={"/x": ['"><script>']})
    assert "<script>" not in html and "<b>" not in html and "<i>a</i>" not in html
    assert "&lt;script&gt;alert(1)" in html and fields[0].label == "<b>X</b>"


def test_hint_and_error_ids_are_tied_in_order(catalog: Catalog) -> None:
    from core.errors import Problem

    view = form_view(catalog.forms["kantelu"], "fi")
    html = Pages().form_page(view, "/", "P", ("fi",), problems=[Problem("/taho", "Kirjoita taho.")])
    control = lxml.html.fromstring(html).get_element_by_id("f_taho")
    assert control.get("aria-describedby") == "f_taho-hint f_taho-error"
    assert control.get("aria-invalid") == "true"


def test_autocomplete_is_inferred_from_well_known_names_but_not_about_other_people(tmp_path: Path) -> None:
    fields = build(tmp_path, {
        "firstName": {"title": "First name", "type": "string"},
        "sahkoposti": {"title": "Sähköposti", "type": "string"},
        "yhteys": {"title": "Yhteys", "type": "string", "format": "email"},
        "syntymaaika": {"title": "Syntymäaika", "type": "string", "format": "date"},
        "oma": {"title": "Oma", "type": "string", "ui:autocomplete": "nickname"},
        "paamies": {"title": "Päämies", "type": "object", "ui:autocomplete": "off",
                    "properties": {"etunimi": {"title": "Etunimi", "type": "string"}}},
    })
    tokens = {f.pointer: dict(f.attrs).get("autocomplete") for f in walk(fields)}
    assert tokens == {"/firstName": "given-name", "/sahkoposti": "email", "/yhteys": "email",
                      "/syntymaaika": "bday", "/oma": "nickname", "/paamies": "off", "/paamies/etunimi": None}
