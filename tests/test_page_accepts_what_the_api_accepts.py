"""The page accepts exactly what the API accepts: for made-up valid instances of a form, filling
its page with the instance and sending it stores exactly what the API stores for the same instance.

Run over the sample forms without pages, every rjsf playground sample and small schemas of
nested lists and optional groups; also: an optional group left alone on the page is absent.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from core.catalog import load_catalog
from core.view.build import form_view
from lomake.rjsf import import_rjsf
from renderer.html import Pages
from submission.coerce import form_values
from submission.instances import instances as made_up
from submission.validate import CompiledForms, apply_defaults
from tests.conftest import SCHEMAS, form_client, page_csrf, post_as_browser, read_form, shown_again, stored_answers
from tests.test_conformance import SAMPLES as CORPUS_SAMPLES
from tests.test_constructs import FORM as CONSTRUCTS
from tests.test_either import FORM as EITHER
from tests.test_nested_lists import FORM as NESTED_LISTS

#: The rjsf playground corpus, also when the tests run in a git worktree beside the shared folder.
SAMPLES = CORPUS_SAMPLES or sorted(Path("/work/shared/conformance/rjsf").glob("*.json"))
#: Made-up valid instances per form.
TRIES = 6

OPTIONAL_GROUPS = {
    "title": "Hakemus", "type": "object", "required": ["nimi"],
    "properties": {
        "nimi": {"title": "Nimi", "type": "string"},
        "puoliso": {"title": "Puoliso", "type": "object", "required": ["nimi", "syntynyt", "lapset"], "properties": {
            "nimi": {"title": "Nimi", "type": "string"},
            "syntynyt": {"title": "Syntymäaika", "type": "string", "format": "date"},
            "tyossa": {"title": "Työssä", "type": "boolean"},
            "laji": {"title": "Laji", "const": "puoliso"},
            "lapset": {"title": "Lapset", "type": "array", "minItems": 1, "items": {
                "title": "Lapsi", "type": "object", "required": ["nimi"], "properties": {
                    "nimi": {"title": "Nimi", "type": "string"},
                    "koulussa": {"title": "Koulussa", "type": "boolean"}}}},
            "osoite": {"title": "Osoite", "type": "object", "properties": {
                "katu": {"title": "Katu", "type": "string"},
                "ulkomailla": {"title": "Ulkomailla", "type": "boolean"}}},
        }},
        "tulot": {"title": "Tulot", "type": "array", "items": {"title": "Tulo", "type": "integer", "minimum": 0}},
    },
}
INLINE = {"jaksot": NESTED_LISTS, "ryhmat": OPTIONAL_GROUPS, "rakenteet": CONSTRUCTS, "yhteys": EITHER}
#: Where the page still stores something else than the API, or the generator makes no valid instance.
KNOWN = {
    "rjsf-files": "file answers are data URLs through the API and uploads on the page, never typed",
}


def forms() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted(SCHEMAS.glob("*.json")):
        document = json.loads(path.read_text())
        if not (document.get("x-lomake") or {}).get("pages"):
            yield path.stem, document
    for sample in SAMPLES:
        yield f"rjsf-{sample.stem}", import_rjsf(json.loads(sample.read_text()), sample.stem)[0]
    yield from INLINE.items()


def instances(folder: Path, form_id: str) -> list[Any]:
    """The valid instances made up for a form: those the form's validator accepts, after defaults."""
    form = load_catalog(folder).forms[form_id]
    compiled = CompiledForms()
    validator = compiled.validator(form)

    def accepts(instance: Any) -> bool:
        return isinstance(instance, dict) and bool(validator.is_valid(apply_defaults(compiled.defaults(form),
                                                                                     copy.deepcopy(instance))))

    return made_up(form.document, TRIES, resolver=form.resolver(), accepts=accepts)


def through_the_page(client: TestClient, folder: Path, form_id: str, instance: Any) -> int:
    """Fill the page with `instance` (as the person would type it) and send it: the status."""
    form = load_catalog(folder).forms[form_id]
    view = form_view(form, "fi")
    page = Pages().form_page(view, f"/forms/{form_id}", "Lomake", ("fi",), values=form_values(view.fields, instance))
    _, pairs = read_form(page)
    body = urlencode([*pairs, *page_csrf(client.get(f"/forms/{form_id}").text)])  # as a browser sends it, even when empty
    return int(shown_again(client, client.post(f"/forms/{form_id}", content=body, follow_redirects=False, headers={
        "content-type": "application/x-www-form-urlencoded"})).status_code)


@pytest.mark.parametrize(("form_id", "document"), list(forms()), ids=lambda v: v if isinstance(v, str) else "")
def test_filling_the_page_with_a_valid_instance_stores_what_the_api_stores(
        form_id: str, document: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "agencies").mkdir()
    for extra in ("agencies", "common", "locale"):
        if (SCHEMAS / extra).is_dir():
            for file in (SCHEMAS / extra).glob("*.json"):
                (tmp_path / extra).mkdir(exist_ok=True)
                (tmp_path / extra / file.name).write_text(file.read_text())
    with form_client(tmp_path, **{form_id: document}) as client:
        problems = round_trips(client, tmp_path, form_id)
    if form_id in KNOWN:
        assert problems, f"{form_id} passes now: take it off KNOWN"
    else:
        assert problems == []


def round_trips(client: TestClient, folder: Path, form_id: str) -> list[str]:
    """Every instance the page does not store as the API does; empty when all do."""
    made = instances(folder, form_id)
    if not made:
        return ["no valid instance made up"]
    problems = []
    for instance in made:
        api = client.post(f"/api/v1/forms/{form_id}/submissions", json=instance)
        if api.status_code != 201:  # e.g. a file answer that is no data URL
            problems.append(f"the API answered {api.status_code} for {instance}: {api.text}")
            continue
        status = through_the_page(client, folder, form_id, instance)
        if status != 303:
            problems.append(f"{status} for {instance}")
            continue
        by_api, by_page = stored_answers(client)[-2:]
        if unticked_dropped(by_page, by_api) != by_api:
            problems.append(f"{json.dumps(by_page)} != {json.dumps(by_api)}")
    return problems


def unticked_dropped(by_page: Any, by_api: Any) -> Any:
    """What the page stored, less the answers only a page gives: `false` for a box left unticked and
    `null` for a nullable question left empty, where the API was given nothing."""
    if isinstance(by_page, dict) and isinstance(by_api, dict):
        return {k: unticked_dropped(v, by_api.get(k)) for k, v in by_page.items()
                if k in by_api or v not in (False, None)}
    if isinstance(by_page, list) and isinstance(by_api, list) and len(by_page) == len(by_api):
        return [unticked_dropped(a, b) for a, b in zip(by_page, by_api, strict=True)]
    return by_page


def test_an_optional_group_left_alone_is_absent_and_shows_no_premade_item(tmp_path: Path) -> None:
    with form_client(tmp_path, ryhmat=OPTIONAL_GROUPS) as client:
        _, pairs = read_form(client.get("/forms/ryhmat").text)
        assert ("/puoliso/lapset[count]", "0") in pairs and "/puoliso/lapset/0/nimi" not in dict(pairs)
        data = {n: [v] for n, v in pairs} | {"/nimi": ["Maija"]}
        assert post_as_browser(client, "/forms/ryhmat", data).status_code == 303
        assert client.post("/api/v1/forms/ryhmat/submissions", json={"nimi": "Maija"}).status_code == 201
        assert stored_answers(client) == [{"nimi": "Maija"}, {"nimi": "Maija"}]


def test_an_optional_group_begun_asks_for_its_required_answers(tmp_path: Path) -> None:
    with form_client(tmp_path, ryhmat=OPTIONAL_GROUPS) as client:
        _, pairs = read_form(client.get("/forms/ryhmat").text)
        data = {n: [v] for n, v in pairs} | {"/nimi": ["Maija"], "/puoliso/tyossa": ["true"]}
        page = post_as_browser(client, "/forms/ryhmat", data)
        assert page.status_code == 422
        assert "f_puoliso_nimi" in page.text and "f_puoliso_lapset" in page.text and stored_answers(client) == []


CONDITIONAL_LIST = {
    "title": "Matkat", "type": "object", "required": ["matkustaa"],
    "properties": {
        "matkustaa": {"title": "Matkustatko", "type": "string", "enum": ["kyllä", "ei"]},
        "matkat": {"title": "Matkat", "type": "array", "items": {"title": "Kohde", "type": "string"}},
        "liitteet": {"title": "Liitteet", "type": "array", "items": {"title": "Liite", "type": "string"}},
    },
    "allOf": [{"if": {"properties": {"matkustaa": {"const": "kyllä"}}}, "then": {"required": ["matkat"]}}],
}


@pytest.mark.parametrize(("answer", "stored"), [
    ("kyllä", {"matkustaa": "kyllä", "matkat": []}),  # a condition requires the list: left empty, it is []
    ("ei", {"matkustaa": "ei"}),  # nothing requires it: left empty, it is absent, like the optional one
])
def test_a_list_left_empty_is_sent_as_an_empty_list_only_where_the_schema_requires_it(
        tmp_path: Path, answer: str, stored: dict[str, Any]) -> None:
    with form_client(tmp_path, matkat=CONDITIONAL_LIST) as client:
        _, pairs = read_form(client.get("/forms/matkat").text)
        assert ("/matkat[count]", "0") in pairs and ("/liitteet[count]", "0") in pairs
        data = {n: [v] for n, v in pairs} | {"/matkustaa": [answer]}
        assert post_as_browser(client, "/forms/matkat", data).status_code == 303
        assert client.post("/api/v1/forms/matkat/submissions", json=stored).status_code == 201
        assert stored_answers(client) == [stored, stored]


def test_a_list_a_condition_requires_keeps_its_items_and_its_rules(tmp_path: Path) -> None:
    schema: dict[str, Any] = copy.deepcopy(CONDITIONAL_LIST)
    schema["properties"]["matkat"]["minItems"] = 1
    with form_client(tmp_path, matkat=schema) as client:
        _, pairs = read_form(client.get("/forms/matkat").text)
        data = {n: [v] for n, v in pairs} | {"/matkustaa": ["kyllä"], "/matkat[count]": ["0"]}
        page = post_as_browser(client, "/forms/matkat", data)
        assert page.status_code == 422 and "f_matkat" in page.text and stored_answers(client) == []
        data |= {"/matkat[count]": ["1"], "/matkat/0": ["Oulu"]}
        assert post_as_browser(client, "/forms/matkat", data).status_code == 303
        assert stored_answers(client) == [{"matkustaa": "kyllä", "matkat": ["Oulu"]}]


ROOT_CHOICE = {
    "title": "Yhteydenotto", "type": "object",
    "oneOf": [
        {"title": "Puhelimitse", "properties": {"puhelin": {"title": "Puhelin", "type": "string"}},
         "required": ["puhelin"]},
        {"title": "Kirjeitse", "properties": {"osoite": {"title": "Osoite", "type": "string"}},
         "required": ["osoite"]},
    ],
}


def test_a_form_that_is_a_choice_between_objects_asks_which_option_then_its_questions(tmp_path: Path) -> None:
    with form_client(tmp_path, valinta=ROOT_CHOICE) as client:
        html = client.get("/forms/valinta").text
        _, pairs = read_form(html)
        assert [n for n, _ in pairs] == ["/@0/puhelin", "/@1/osoite"] and 'name="[option]"' in html
        data = {n: [v] for n, v in pairs}
        page = post_as_browser(client, "/forms/valinta", data)
        assert page.status_code == 422 and '<a href="#f">' in page.text and "Valitse yksi vaihtoehto." in page.text
        page = post_as_browser(client, "/forms/valinta", data | {"[option]": ["1"]})
        assert page.status_code == 422 and 'href="#f_-40-1_osoite"' in page.text and stored_answers(client) == []
        data |= {"[option]": ["1"], "/@0/puhelin": ["040 123"], "/@1/osoite": ["Kirkkokatu 1"]}
        assert post_as_browser(client, "/forms/valinta", data).status_code == 303
        assert client.post("/api/v1/forms/valinta/submissions", json={"osoite": "Kirkkokatu 1"}).status_code == 201
        assert stored_answers(client) == [{"osoite": "Kirkkokatu 1"}, {"osoite": "Kirkkokatu 1"}]
