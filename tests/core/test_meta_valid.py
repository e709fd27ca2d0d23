"""`core.check.meta_valid`, the fast meta-schema check `lomake check` and loading trust before the slow walk that
names every error: it must never call valid a document that the walk finds errors in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import validators

from core.check import meta_problems, meta_valid
from core.dialects import dialect, validator_class

ROOT = Path(__file__).resolve().parents[2]
RJSF = ROOT.parent / "shared" / "conformance" / "rjsf"
D4 = "http://json-schema.org/draft-04/schema#"
D7 = "http://json-schema.org/draft-07/schema#"

#: Documents each draft's meta-schema refuses, and near twins it accepts.
HAND_MADE: list[Any] = [
    {"type": 5}, {"type": "text"}, {"required": "name"}, {"properties": {"a": {"minLength": -1}}},
    {"$schema": D4, "exclusiveMinimum": 5}, {"$schema": D4, "minimum": 1, "exclusiveMinimum": True},
    {"$schema": D7, "exclusiveMinimum": True}, {"$schema": D7, "exclusiveMinimum": 5},
    {"items": [{"type": "string"}]}, {"$schema": D7, "items": [{"type": "string"}]},
    {"prefixItems": [{"type": "string"}], "items": False}, {"enum": []}, {"enum": [1]}, {"allOf": {}},
    {"$defs": {"x": 3}}, {"properties": {"ui:widget": "textarea"}}, {"title": 3}, {"$schema": "nonsense"},
    {"$schema": 5, "type": "object"}, {"type": "object", "ui:order": ["a"], "x-lomake": {"pages": 1}},
]


def documents() -> list[tuple[str, Any]]:
    """Every schema the project has at hand: the sample forms and parts, the government corpus, rjsf's."""
    found = [(f"hand-made {i}", doc) for i, doc in enumerate(HAND_MADE)]
    for path in sorted([*(ROOT / "schemas").rglob("*.json"), *(ROOT / "tests" / "conformance").rglob("*.json"),
                        *(ROOT / "tests" / "fixtures").rglob("*.json")]):
        if "agencies" not in path.parts and path.name != "sources.json":
            found.append((str(path.relative_to(ROOT)), json.loads(path.read_text(encoding="utf-8"))))
    found += [(f"rjsf {p.stem}", json.loads(p.read_text(encoding="utf-8"))["schema"]) for p in sorted(RJSF.glob("*.json"))]
    return [(name, doc) for name, doc in found if isinstance(doc, dict)]


def slow_errors(document: dict[str, Any]) -> list[Any]:
    cls = validator_class({"$schema": dialect(document.get("$schema"))})
    return list(validators.validator_for(cls.META_SCHEMA)(cls.META_SCHEMA).iter_errors(document))


@pytest.mark.parametrize(("name", "document"), documents(), ids=[name for name, _ in documents()])
def test_the_fast_check_agrees_with_the_walk(name: str, document: dict[str, Any]) -> None:
    if meta_valid(document):
        assert slow_errors(document) == []
    elif dialect(document.get("$schema")) is not None:
        assert slow_errors(document), f"{name}: valid, but the fast check could not tell"


def test_the_corpus_has_both_kinds() -> None:
    verdicts = {meta_valid(doc) for _, doc in documents()}
    assert verdicts == {True, False}


def test_a_refused_document_still_gets_every_error_at_its_place() -> None:
    problems = meta_problems("f.json", {"type": "object", "properties": {"a": {"minLength": -1}, "b": {"type": 5}}})
    assert {p.pointer for p in problems} == {"/properties/a/minLength", "/properties/b/type"}
    assert meta_problems("f.json", {"type": "object", "properties": {"a": {"minLength": 1}}}) == []
