"""The compiled pre-check (jsonschema-rs) gives the plain-language validator's accept/reject answer.

Over every sample form, the government corpus, the rjsf playground corpus and the small forms of the
page-accepts-what-the-API-accepts test: made-up valid instances, and each of them broken at a
handful of places (a value replaced by one of another type, an odd string, an empty one; a property
taken away). Where the pre-check says valid, the answers are stored without the plain-language path,
so it must never say valid where that path refuses; and it should refuse what that path refuses.
"""

from __future__ import annotations

import copy
import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.catalog import load_catalog
from core.forms import Form
from lomake.rjsf import import_rjsf
from submission.instances import instances
from submission.validate import CompiledForms, apply_defaults, issues
from tests.conftest import BENCH_SCHEMA, SCHEMAS
from tests.government import CORPUS as GOVERNMENT
from tests.test_page_accepts_what_the_api_accepts import INLINE, SAMPLES

#: Valid instances made up per form, and places broken in each.
VALID, BROKEN = 3, 12
ODD: list[Any] = [None, True, 0, -1.5, 10**30, "", "x", "ä" * 300, "2020-02-30", "not an @ddress", "123456-789A", "١٢٣٤٥", "a@b",
                  [], {}, ["x"], {"x": 1}]


def documents() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(SCHEMAS.glob("*.json")):
        yield path.stem, json.loads(path.read_text())
    yield "kantelu-bench", json.loads(BENCH_SCHEMA.read_text())
    for path in sorted(GOVERNMENT.glob("*.json")):
        yield path.stem, json.loads(path.read_text())
    for sample in SAMPLES:
        yield f"rjsf-{sample.stem}", import_rjsf(json.loads(sample.read_text()), sample.stem)[0]
    yield from INLINE.items()


def loaded(form_id: str, document: dict[str, Any], folder: Path) -> Form | None:
    """The form in a catalog of its own, with the sample forms' shared parts and agencies."""
    for extra in ("agencies", "common", "locale"):
        if (SCHEMAS / extra).is_dir():
            shutil.copytree(SCHEMAS / extra, folder / extra, dirs_exist_ok=True)
    (folder / f"{form_id}.json").write_text(json.dumps(document))
    return load_catalog(folder).forms.get(form_id)


def places(instance: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value in `instance`, below the root."""
    children = instance.items() if isinstance(instance, dict) else enumerate(instance) \
        if isinstance(instance, list) else ()
    for key, value in children:
        yield (*at, key)
        yield from places(value, (*at, key))


def broken(instance: Any, rng: random.Random) -> Iterator[Any]:
    """`instance` changed at up to BROKEN places: each value replaced by an odd one, or taken away."""
    found = list(places(instance))
    for at in rng.sample(found, min(BROKEN, len(found))):
        for odd in [*rng.sample(ODD, 5), "remove"]:
            changed = copy.deepcopy(instance)
            holder = changed
            for key in at[:-1]:
                holder = holder[key]
            if odd == "remove":
                del holder[at[-1]]
            else:
                holder[at[-1]] = copy.deepcopy(odd)
            yield changed


@pytest.mark.parametrize(("form_id", "document"), list(documents()), ids=lambda v: v if isinstance(v, str) else "")
def test_the_precheck_accepts_exactly_what_the_validator_accepts(
        form_id: str, document: dict[str, Any], tmp_path: Path) -> None:
    form = loaded(form_id, document, tmp_path)
    assert form is not None, "every form of the corpora loads"
    compiled = CompiledForms()
    validator = compiled.validator(form)
    made = instances(form.document, VALID, resolver=form.resolver(), accepts=lambda i: isinstance(i, dict) and bool(
        validator.is_valid(apply_defaults(compiled.defaults(form), copy.deepcopy(i)))))
    cases = [apply_defaults(compiled.defaults(form), i) for i in made]
    cases += [b for i in cases for b in broken(i, random.Random(form_id))] + [{}]
    check = compiled.precheck(form)
    if check is None:  # no pre-check (`patternProperties`): the validator alone decides
        assert not any(compiled.valid(form, i) for i in cases)
        return
    differ = [(json.dumps(i, ensure_ascii=False)[:300], not issues(validator, i))
              for i in cases if check(i) != (not issues(validator, i))]
    assert differ == []


def test_the_forms_people_send_most_have_a_precheck(tmp_path: Path) -> None:
    for form_id in ("kantelu", "kantelu-bench"):
        path = SCHEMAS / f"{form_id}.json" if form_id == "kantelu" else BENCH_SCHEMA
        form = loaded(form_id, json.loads(path.read_text()), tmp_path / form_id)
        assert form is not None
        assert CompiledForms().precheck(form) is not None


def test_a_form_with_pattern_properties_has_none_and_keeps_to_the_validator(tmp_path: Path) -> None:
    document = {"title": "Lomake", "type": "object", "properties": {"koodit": {
        "title": "Koodit", "type": "object", "patternProperties": {"^\\d+$": {"type": "string"}},
        "additionalProperties": False}}}
    form = loaded("koodit", document, tmp_path)
    assert form is not None
    compiled = CompiledForms()
    assert compiled.precheck(form) is None
    assert not compiled.valid(form, {"koodit": {"12": "a"}})
    assert issues(compiled.validator(form), {"koodit": {"12": "a"}}) == []
    assert [i.code for i in issues(compiled.validator(form), {"koodit": {"١٢": "a"}})] == ["additionalProperties"]


#: Where the engines differ unless told: ECMA-262's `\d` is 0-9 (Rust's is any digit), Lomake's e-mail check is
#: stricter, identifiers are Lomake's own formats, dates must be real.
NARROW = {"title": "Lomake", "type": "object", "properties": {
    "koodi": {"title": "Koodi", "type": "string", "pattern": "^\\d{5}$"},
    "sahkoposti": {"title": "Sähköposti", "type": "string", "format": "email"},
    "hetu": {"title": "Henkilötunnus", "type": "string", "format": "fi-hetu"},
    "paiva": {"title": "Päivä", "type": "string", "format": "date"},
}}


@pytest.mark.parametrize("answers", [
    {"koodi": "12345"}, {"koodi": "١٢٣٤٥"}, {"sahkoposti": "maija@example.fi"}, {"sahkoposti": "maija@example"},
    {"hetu": "131052-308T"}, {"hetu": "131052-308U"}, {"paiva": "2024-02-29"}, {"paiva": "2023-02-29"},
], ids=lambda a: f"{next(iter(a))}={next(iter(a.values()))}")
def test_patterns_and_formats_are_lomakes_own(answers: dict[str, str], tmp_path: Path) -> None:
    form = loaded("kapea", NARROW, tmp_path)
    assert form is not None
    compiled = CompiledForms()
    assert compiled.valid(form, answers) == (not issues(compiled.validator(form), answers))
