"""Answers the schema does not describe: found through `$ref`, `allOf`, choices and conditions."""

from __future__ import annotations

from typing import Any

import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from core.forms import Catalog
from submission.undeclared import Shapes, undeclared
from tests.samples import KANTELU


def found(schema: dict[str, Any], instance: Any) -> list[str]:
    resource = Resource.from_contents(schema, default_specification=DRAFT202012)
    resolver = Registry().with_resource("urn:form", resource).resolver("urn:form")
    plain = undeclared(schema, resolver, instance)
    shapes = Shapes()
    assert undeclared(schema, resolver, instance, shapes) == plain  # the root's work kept...
    assert undeclared(schema, resolver, instance, shapes) == plain  # ...and used
    assert undeclared(schema, resolver, {**instance, "muu": 1} if isinstance(instance, dict) else instance,
                      shapes) == undeclared(schema, resolver, {**instance, "muu": 1} if isinstance(instance, dict)
                                            else instance)  # other names: worked out again
    return plain


ADDRESS = {"type": "object", "properties": {"katu": {"type": "string"}}}


@pytest.mark.parametrize(("schema", "instance", "unknown"), [
    ({"properties": {"a": {}}}, {"a": 1, "b": 2}, ["/b"]),
    ({"properties": {"a": ADDRESS}}, {"a": {"katu": "x", "ovi": "A"}}, ["/a/ovi"]),
    ({"properties": {"a": {"$ref": "#/$defs/osoite"}}, "$defs": {"osoite": ADDRESS}}, {"a": {"ovi": 1}}, ["/a/ovi"]),
    ({"allOf": [{"$ref": "#/$defs/osoite"}, {"properties": {"ovi": {}}}], "$defs": {"osoite": ADDRESS}},
     {"katu": "x", "ovi": "A"}, []),
    ({"properties": {"a": {}}, "patternProperties": {"^x-": {}}}, {"a": 1, "x-1": 2, "y": 3}, ["/y"]),
    ({"properties": {"a": {}}, "additionalProperties": {"type": "object", "properties": {"b": {}}}},
     {"a": 1, "z": {"b": 1, "c": 2}}, ["/z/c"]),
    ({"properties": {"a": {}}, "additionalProperties": True}, {"a": 1, "z": {"anything": 1}}, []),
    ({"type": "object"}, {"free": {"form": [1]}}, []),
    ({"properties": {"l": {"type": "array", "items": ADDRESS}}}, {"l": [{"katu": "x"}, {"ovi": 1}]}, ["/l/1/ovi"]),
    ({"properties": {"t": {"type": "array", "prefixItems": [ADDRESS]}}}, {"t": [{"ovi": 1}]}, ["/t/0/ovi"]),
    ({"properties": {"k": {}}, "oneOf": [{"properties": {"hetu": {}}}, {"properties": {"ytunnus": {}}}]},
     {"k": 1, "ytunnus": "x"}, []),
    ({"properties": {"k": {}}, "oneOf": [{"properties": {"hetu": {}}}, {"properties": {"ytunnus": {}, "x": {}}}]},
     {"k": 1, "hetu": "x", "muu": 1}, ["/muu"]),
    ({"properties": {"k": {}}, "oneOf": [{"type": "string"}, {"properties": {"a": {}}}]}, {"k": 1, "b": 1}, ["/b"]),
    ({"properties": {"k": {}}, "if": {"properties": {"k": {"const": 1}}}, "then": {"properties": {"t": {}}},
      "else": {"properties": {"e": {}}}}, {"k": 1, "t": 1, "z": 1}, ["/z"]),
    ({"properties": {"p": {}}, "dependentSchemas": {"p": {"properties": {"q": {}}}}}, {"p": 1, "q": 2}, []),
    ({"properties": {"p": {}}, "dependentSchemas": {"p": {"properties": {"q": {}}}}}, {"q": 2}, ["/q"]),
    ({"properties": {"a/b": {}}}, {"a/b": 1, "c~d": 1}, ["/c~0d"]),
], ids=["top", "nested", "ref", "allOf", "pattern", "additional schema", "additional true", "free-form", "items",
        "prefixItems", "oneOf fits", "oneOf closest", "oneOf non-object", "then", "dependentSchemas",
        "dependentSchemas absent", "escaped"])
def test_undeclared_properties_are_found(schema: dict[str, Any], instance: Any, unknown: list[str]) -> None:
    assert found(schema, instance) == unknown


def test_a_schema_that_includes_itself_is_walked_safely() -> None:
    schema = {"$defs": {"node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/node"}}}},
              "$ref": "#/$defs/node"}
    deep: Any = {"x": 1}
    for _ in range(150):
        deep = {"child": deep}
    assert found(schema, deep) == []  # the walk stops before the unknown at depth 150: the API refuses that depth


def test_the_sample_answers_have_nothing_undeclared(catalog: Catalog) -> None:
    form = catalog.forms["kantelu"]
    assert undeclared(form.document, form.resolver(), KANTELU) == []
    assert undeclared(form.document, form.resolver(), {**KANTELU, "x": 1}) == ["/x"]
