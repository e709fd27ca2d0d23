"""The docs are tested: examples load and round-trip, the CLI reference is current, routes are documented.

Regenerate docs/cli.md and the table of docs/settings.md with `python -m tests.test_docs`.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner
from starlette.routing import Route
from starlette.testclient import TestClient

from core.settings import Settings
from lomake.check import check_paths
from lomake.cli import main
from server import create_app
from submission.coerce import form_values
from tests.conftest import ROOT, read_form

DOCS = ROOT / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.json"))


def cli_reference() -> str:
    parts = ["# Command line\n\nGenerated from `lomake --help`; a test keeps it current.\n"]
    for command in ([], ["serve"], ["check"], ["render"], ["export"], ["versions"], ["import-rjsf"], ["i18n", "extract"],
                    ["i18n", "interface"], ["inventory"], ["audit"],
                    ["apikey", "create"], ["apikey", "list"], ["apikey", "revoke"]):
        output = CliRunner().invoke(main, [*command, "--help"], prog_name="lomake", terminal_width=100).output
        title = " ".join(["lomake", *command])
        parts.append(f"## `{title}`\n\n```\n{output.rstrip()}\n```\n")
    return "\n".join(parts)


def test_cli_reference_is_current() -> None:
    assert (DOCS / "cli.md").read_text() == cli_reference(), "run: python -m tests.test_docs"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_pass_check_and_round_trip(example: Path, tmp_path: Path) -> None:
    assert [str(p) for p in check_paths([example])] == []
    answers = json.loads((example.parent / "answers" / example.name).read_text())
    settings = Settings(schemas_dir=example.parent, db_url=f"sqlite:///{tmp_path}/x.sqlite3")
    with TestClient(create_app(settings)) as client:
        app = client.app.state.lomake  # type: ignore[attr-defined]
        form = app.catalog.forms[example.stem]
        values = form_values(app.view(form, "fi").fields, answers)
        if form.meta.one_page:
            page = app.form_page(form, "fi", values=values).decode()
            assert post_page(client, page, values).status_code == 303
        else:  # page by page, then sent from the review
            for meta in form.meta.pages:
                shown = client.get(f"/forms/{example.stem}/pages/{meta.id}?lang=fi").text
                assert post_page(client, shown, values).status_code == 303
            assert post_page(client, client.get(f"/forms/{example.stem}/review?lang=fi").text, {}).status_code == 303
        assert asyncio.run(app.storage.count_submissions()) == 1
        api = client.post(f"/api/v1/forms/{example.stem}/submissions", json=answers)
        assert api.status_code == 201


def post_page(client: TestClient, page: str, values: dict[str, list[str]]) -> Any:
    """Post a page's form as a browser would, with `values` in its own controls."""
    action, pairs = read_form(page)
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return client.post(action, data=data | {n: v for n, v in values.items() if n in data}, follow_redirects=False)


def test_the_same_as_example_fills_in_the_billing_from_the_renter(tmp_path: Path) -> None:
    """docs/form-files.md, "Asked only once": the renter's name and address are the billing's, changeable."""
    settings = Settings(schemas_dir=DOCS / "examples", db_url=f"sqlite:///{tmp_path}/x.sqlite3")
    with TestClient(create_app(settings)) as client:
        first = client.get("/forms/laskutus/pages/vuokraaja?lang=fi").text
        renter = {"/vuokraaja/nimi": ["Maija Meikäläinen"], "/vuokraaja/osoite": ["Kotikatu 1, 00100 Helsinki"]}
        assert post_page(client, first, renter).status_code == 303
        billing = lxml.html.fromstring(client.get("/forms/laskutus/pages/laskutus?lang=fi").text)
        (name,) = billing.xpath("//input[@name='/laskutus/nimi']")
        assert name.get("value") == "Maija Meikäläinen" and name.get("readonly") is None
        assert billing.xpath(f"string(//*[@id='{name.get('id')}-hint'])").strip() == \
            "Täytetty vastauksestasi kohtaan ”Vuokraaja: Nimi”. Voit muuttaa tätä."


def test_json_blocks_in_the_docs_are_json() -> None:
    for page in DOCS.glob("*.md"):
        for block in re.findall(r"```json\n(.*?)```", page.read_text(), re.S):
            json.loads(block if block.lstrip().startswith(("{", "[")) else "{" + block + "}")


def test_every_api_route_is_documented() -> None:
    api = (DOCS / "api.md").read_text()
    app = create_app(Settings(schemas_dir=DOCS / "examples", db_url="sqlite:///:memory:"))
    paths = {r.path for r in app.routes if isinstance(r, Route) and r.path.startswith(("/api", "/healthz"))}
    assert paths and all(f" {p}`" in api for p in paths), paths


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["./dev serve", "./dev test"]
    assert readme.index("```sh") < readme.index("\n## ")


if __name__ == "__main__":
    from tests.test_docs_tables import write_settings_table

    (DOCS / "cli.md").write_text(cli_reference())
    write_settings_table()
