"""Published public-sector form schemas, served as their publishers wrote them (issue 10, item 9).

Each form in tests/conformance/government (sources and licences in tests/conformance/sources.json)
must: load with no `lomake check` error (warnings allowed) — `check`; show every field with a real
control, none as "write the answer as JSON" — `controls`; accept generated valid instances through
the API and store them as sent — `api`; store the same when the page is filled with each instance
and sent without JavaScript — `page`; and pass axe-core — `axe` — and the Nu Html Checker — `nu` —
in Chromium.

What still fails is in EXPECTED_TO_FAIL, form by form and check by check, as strict xfails: each
turns into a failure the day it passes, so the table has to follow the code (take the entry out).
`python -m tests.government` prints the figures for docs/conformance.md.
"""

from __future__ import annotations

import copy
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from submission.instances import validator
from submission.validate import apply_defaults
from tests.conftest import form_client, serving
from tests.government import (
    CHECKS,
    CORPUS,
    FORMS,
    PER_FORM,
    generated,
    humanised,
    load,
    raw_json_fields,
    repaired,
    schema,
    sources,
    through_api,
    through_page,
)
from tests.test_browser import browser  # noqa: F401 - the same Chromium fixture

#: Form → check → why it fails today. Take an entry out when its check passes.
EXPECTED_TO_FAIL: dict[str, dict[str, str]] = {}


def cases(check: str) -> list[Any]:
    """One case per form, marked as a strict xfail where the table says this check fails today."""
    return [
        pytest.param(name, id=name, marks=[pytest.mark.xfail(strict=True, reason=EXPECTED_TO_FAIL[name][check])])
        if check in EXPECTED_TO_FAIL.get(name, {}) else pytest.param(name, id=name)
        for name in FORMS
    ]


# The corpus itself: sources, licences, and instances that are valid.

PERMISSIVE = ("CC0-1.0", "Apache-2.0", "MIT", "OGL-UK-3.0", "EUPL-1.2", "CC-BY-4.0")


def git_blob(data: bytes) -> str:
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_the_corpus_has_twenty_forms_from_four_publishers_and_every_draft_but_06() -> None:
    listed = sources()
    assert sorted(s["file"] for s in listed) == sorted(f"{n}.json" for n in FORMS)
    assert len(FORMS) == 20 and len({s["publisher"] for s in listed}) == 4
    from submission.instances import draft_of

    assert {draft_of(schema(n)) for n in FORMS} == {"draft-04", "draft-07", "2019-09", "2020-12"}


@pytest.mark.parametrize("source", sources(), ids=lambda s: s["file"])
def test_each_form_is_byte_for_byte_as_published_under_a_permissive_licence(source: dict[str, str]) -> None:
    assert git_blob((CORPUS / source["file"]).read_bytes()) == source["blob"]  # the blob at that commit and path
    assert source["changes"] == "none"
    assert source["licence"].startswith(PERMISSIVE) and len(source["licence_evidence"]) > 30
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", source["repository"])
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])


def test_the_table_names_only_forms_and_checks_that_exist() -> None:
    assert set(EXPECTED_TO_FAIL) <= set(FORMS)
    assert all(set(checks) <= set(CHECKS) and all(len(r) > 20 for r in checks.values())
               for checks in EXPECTED_TO_FAIL.values())


@pytest.mark.parametrize("name", FORMS)
def test_the_generated_instances_are_valid_under_the_forms_own_draft(name: str) -> None:
    made = generated(name)
    assert len(made) == PER_FORM and generated(name) == made  # deterministic
    check = validator(schema(name))
    assert all(check.is_valid(instance) for instance in made)
    assert all(text.isprintable() and text == text.strip() for instance in made for text in strings(instance))


def test_the_hand_repairs_label_as_item_1_asks() -> None:
    assert [humanised(k) for k in ("dateOfBirth", "postal_code", "is_2CFR_compliant")] == [
        "Date of birth", "Postal code", "Is 2cfr compliant"]
    fixed = repaired({"$schema": "http://json-schema.org/draft-04/schema#", "properties": {"nam": {"type": "string"}}}, "x")
    assert fixed == {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "x",
                     "properties": {"nam": {"title": "Nam", "type": "string"}}}


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# What the issue requires of each form.

@pytest.mark.parametrize("name", cases("check"))
def test_it_loads_with_no_check_error(name: str, tmp_path: Path) -> None:
    loaded = load(name, schema(name), tmp_path / "schemas")
    assert loaded.errors == []
    assert loaded.form is not None


@pytest.mark.parametrize("name", cases("controls"))
def test_every_field_has_a_real_control(name: str, tmp_path: Path) -> None:
    form = load(name, schema(name), tmp_path / "schemas").form
    assert form is not None, "not served"
    assert raw_json_fields(form) == []


def expected(client: Any, name: str, instance: Any) -> Any:
    app = client.app.state.lomake
    return apply_defaults(app.compiled.defaults(app.catalog.forms[name]), copy.deepcopy(instance))


@pytest.mark.parametrize("name", cases("api"))
def test_the_api_accepts_and_stores_each_generated_instance(name: str, tmp_path: Path) -> None:
    with form_client(tmp_path, **{name: schema(name)}) as client:
        assert name in client.app.state.lomake.catalog.forms, "not served"  # type: ignore[attr-defined]
        for instance in generated(name):
            status, stored = through_api(client, name, instance)
            assert (status, stored) == (201, expected(client, name, instance))


@pytest.mark.parametrize("name", cases("page"))
def test_the_page_filled_with_each_instance_stores_it(name: str, tmp_path: Path) -> None:
    with form_client(tmp_path, **{name: schema(name)}) as client:
        assert name in client.app.state.lomake.catalog.forms, "not served"  # type: ignore[attr-defined]
        for instance in generated(name):
            status, stored = through_page(client, name, instance)
            assert (status, stored) == (303, expected(client, name, instance))


# In the browser: every form's page, empty and after an empty submit.

@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("corpus-site")
    shutil.copytree(CORPUS, workdir / "schemas")
    with serving(workdir) as base:
        yield base


def fetched(url: str, data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                     headers={"content-type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


@pytest.fixture(scope="module")
def nu_messages(corpus_site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The Nu Html Checker's errors on each served form's page, empty and in its error state."""
    from lomake.audit import VNU, nu_messages
    from tests.test_browser import require

    require(VNU, "vnu-jar")
    require("java", "java")
    folder = tmp_path_factory.mktemp("corpus-nu")
    files: dict[Path, str] = {}
    for name in FORMS:
        for state, data in (("empty", None), ("errors", b"")):
            status, html = fetched(f"{corpus_site}/forms/{name}", data)
            if status in (200, 422):
                files[folder / f"{name}-{state}.html"] = name
                (folder / f"{name}-{state}.html").write_bytes(html)
    found: dict[str, list[str]] = {name: [] for name in set(files.values())}
    by_file = {path.name: name for path, name in files.items()}
    if files:
        for m in nu_messages(list(files)):
            file = Path(m.get("url", "")).name
            found[by_file.get(file, "")] = [*found.get(by_file.get(file, ""), []),
                                            f"{file}:{m.get('lastLine')}: {m['message']}"]
        assert "" not in found, found.get("")  # a message about no page of ours: the checker itself failed
    print(f"the Nu Html Checker: {sum(map(len, found.values()))} errors on {len(files)} pages of {len(found)} forms")
    return found


@pytest.mark.browser
@pytest.mark.parametrize("name", cases("nu"))
def test_its_page_passes_the_nu_html_checker(name: str, nu_messages: dict[str, list[str]]) -> None:
    assert name in nu_messages, "not served"
    assert nu_messages[name] == []


@pytest.mark.browser
@pytest.mark.parametrize("name", cases("axe"))
def test_its_page_passes_axe_core(name: str, corpus_site: str, browser: Any) -> None:  # noqa: F811 (the fixture)
    from lomake.audit import AXE
    from tests.test_browser import axe_violations, require

    require(AXE, "axe-core")
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    try:
        page = context.new_page()
        response = page.goto(f"{corpus_site}/forms/{name}")
        assert response is not None and response.status == 200, "not served"
        found = {"empty": axe_violations(page)}
        page.locator("form button.button[type=submit]:not([name])").click()
        page.wait_for_load_state()
        found["after an empty submit"] = axe_violations(page)
    finally:
        context.close()
    print(f"axe-core on {name}: {sum(map(len, found.values()))} violations")
    assert found == {"empty": [], "after an empty submit": []}
