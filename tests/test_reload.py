"""`lomake serve --reload`: a saved form file is served at the next request, without a restart; a broken one
shows its problems on its page, at their file, line and column, for its author. Never without --reload."""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.settings import Settings
from server import create_app
from tests.conftest import SCHEMAS, get, serving
from web.reload import form_problems


def fetch(url: str) -> tuple[int, str]:
    try:
        return 200, get(url)[1].decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def syntax_error(text: str) -> tuple[int, int]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.lineno, exc.colno
    raise AssertionError("the text is JSON")


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    return tmp_path / "schemas"


@pytest.fixture
def site(schemas: Path) -> Iterator[str]:
    with serving(schemas.parent, "--reload") as base:
        yield base


def test_an_author_breaks_a_file_sees_why_fixes_it_and_sees_the_form(site: str, schemas: Path) -> None:
    form = schemas / "kantelu.json"
    good = form.read_text()
    assert fetch(f"{site}/forms/kantelu")[0] == 200
    broken = good.replace('"type": "object",', '"type": "object"', 1)
    line, column = syntax_error(broken)
    form.write_text(broken)
    started = time.monotonic()
    status, html = fetch(f"{site}/forms/kantelu")
    assert time.monotonic() - started < 1
    assert status == 503
    doc = lxml.html.fromstring(html)
    assert doc.xpath("string(//h1)") == "Lomakkeen kantelu tiedostossa on virheitä"
    assert [p.text_content() for p in doc.xpath("//li[@class='broken-form__problem']/p")] == [
        f"kantelu.json:{line}:{column} (rivi {line}, sarake {column})", "Kohta (JSON Pointer): /",
        "not valid JSON: Expecting ',' delimiter"]
    form.write_text(good.replace('"title": "Kantelu"', '"title": "Kantelu, korjattu"', 1))
    status, html = fetch(f"{site}/forms/kantelu")
    assert status == 200 and lxml.html.fromstring(html).xpath("string(//h1)") == "Kantelu, korjattu"
    assert "Kantelu, korjattu" in fetch(f"{site}/?lang=fi")[1]  # the catalogue, too


def test_a_problem_in_a_shared_part_is_shown_at_its_place_in_the_part(site: str, schemas: Path) -> None:
    part = schemas / "common" / "person.json"
    text = part.read_text()
    data = json.loads(text)
    name = next(iter(data["properties"]))
    part.write_text(json.dumps({**data, "properties": {**data["properties"], name: {
        **data["properties"][name], "type": "strin"}}}, indent=2, ensure_ascii=False))
    status, html = fetch(f"{site}/forms/oikaisuvaatimus")
    assert status == 503
    where = lxml.html.fromstring(html).xpath("string(//p[@class='broken-form__where'])")
    assert where.startswith("common/person.json:") and ", sarake " in where
    assert f"/properties/{name}/type" in html and "&#39;strin&#39; is not valid" in html
    api = json.loads(fetch(f"{site}/api/v1/forms/oikaisuvaatimus")[1])
    assert any("common/person.json:" in e["message"] for e in api["errors"])
    part.write_text(text)
    assert fetch(f"{site}/forms/oikaisuvaatimus")[0] == 200


def test_without_reload_a_broken_form_is_not_found_and_its_problems_are_not_shown(schemas: Path) -> None:
    form = schemas / "kantelu.json"
    form.write_text(form.read_text().replace('"type": "object",', '"type": "object"', 1))
    settings = Settings(schemas_dir=schemas, db_url=f"sqlite:///{schemas.parent}/x.sqlite3")
    with TestClient(create_app(settings)) as client:
        page = client.get("/forms/kantelu")
        assert page.status_code == 404 and "delimiter" not in page.text and "kantelu.json" not in page.text
        form.write_text(json.dumps({"title": "Uusi", "type": "object", "properties": {}}))
        assert client.get("/forms/kantelu").status_code == 404  # no reload either


def test_with_reload_in_process_a_new_form_appears_and_an_unknown_one_is_still_not_found(schemas: Path) -> None:
    settings = Settings(schemas_dir=schemas, db_url=f"sqlite:///{schemas.parent}/x.sqlite3", reload=True)
    with TestClient(create_app(settings)) as client:
        assert client.get("/forms/uusi").status_code == 404
        (schemas / "uusi.json").write_text(json.dumps({"title": "Uusi", "type": "object", "properties": {
            "a": {"title": "A", "type": "string"}}}))
        assert lxml.html.fromstring(client.get("/forms/uusi").text).xpath("string(//h1)") == "Uusi"
        assert client.get("/embed/forms/uusi").status_code in (200, 403)  # the embedding sees the new catalog
        assert form_problems(schemas, "..") is None and form_problems(schemas, "../schemas/kantelu") is None
        (schemas / "uusi.json").write_text('{"title": "<script>x</script>", "type": "object", "properties": 1}')
        broken = client.get("/forms/uusi")
        assert broken.status_code == 503 and "<script>x" not in broken.text
        assert broken.headers["cache-control"] == "no-store"
