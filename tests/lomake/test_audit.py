"""`lomake audit` in Chromium: every page and state of a form checked by axe-core and the Nu Html Checker, the
result stored with the form's version, read back by `lomake inventory` and the agency's accessibility statement.
A template that leaves an input without a label is caught by its rule id."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from starlette.testclient import TestClient

from core.catalog import load_catalog
from core.settings import Settings
from core.view.build import form_view
from lomake.audit import AXE, CHROMIUM, VNU, axe_violations, chromium, nu_messages, nu_problems, sample_answers
from lomake.cli import main
from server import create_app
from submission.samples import sample
from submission.storage import AuditResult, open_storage
from submission.validate import CompiledForms
from tests.conftest import SCHEMAS, serving
from tests.test_browser import VIESTI, require
from tests.test_journey import TOIVE

pytestmark = pytest.mark.browser

#: The journey's form of the LVV, with sample answers that reach its review and confirmation.
WISH = {**TOIVE, "x-lomake": {**TOIVE["x-lomake"], "agency": "lvv"},
        "examples": [{"nimi": "Maija", "rooli": "itse", "asia": "Lisää penkkejä", "vakuutus": True}]}
MESSAGE = {**VIESTI, "x-lomake": {"agency": "lvv"}, "examples": [{"viesti": "Hei"}]}
#: A form page with an input nobody labelled: axe-core's rule `label`.
UNLABELLED = """<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Viesti</title></head>
<body><main><h1>Viesti</h1><form method="post"><input type="text" name="/viesti"></form></main></body></html>"""


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    require(CHROMIUM, "chromium")
    require(AXE, "axe-core")
    require(VNU, "vnu-jar")
    require("java", "java")
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, folder)
    (folder / "toive.json").write_text(json.dumps(WISH))
    (folder / "viesti.json").write_text(json.dumps(MESSAGE))
    return folder


def latest(db_url: str) -> dict[str, AuditResult]:
    async def read() -> tuple[list[AuditResult], int]:
        storage = open_storage(db_url)
        try:
            return await storage.latest_audits(), await storage.count_submissions()
        finally:
            await storage.close()

    audits, submissions = asyncio.run(read())
    assert submissions == 0  # the audit's answers went into its own throwaway database
    return {audit.form_id: audit for audit in audits}


def inventory(schemas: Path, db_url: str, out: Path) -> dict[str, dict[str, Any]]:
    made = CliRunner().invoke(main, ["inventory", "--out", str(out), "--schemas", str(schemas), "--db", db_url])
    assert made.exit_code == 0, made.output
    with (out / "inventory.csv").open(encoding="utf-8-sig") as file:
        return {row["id"]: row for row in csv.DictReader(file)}


def statement_html(schemas: Path, db_url: str, lang: str = "en") -> str:
    with TestClient(create_app(Settings(schemas_dir=schemas, db_url=db_url))) as client:
        page = client.get(f"/accessibility/lvv?lang={lang}")
        assert page.status_code == 200
        return page.text


def statement(schemas: Path, db_url: str, lang: str = "en") -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", statement_html(schemas, db_url, lang)).split())


def test_an_audit_checks_every_state_and_shows_in_the_inventory_and_the_statement(
        schemas: Path, db_url: str, tmp_path: Path) -> None:
    # the deployment's public address is not the audit server's: its links must stay on the audit's own server
    audited = CliRunner().invoke(main, ["audit", "toive", "--schemas", str(schemas), "--db", db_url],
                                 env={"LOMAKE_PUBLIC_URL": "https://lomake.example.fi"})
    assert audited.exit_code == 0, audited.output
    # page 1 and page 3 empty and with errors (page 2 is asked only for someone else), saved, review, confirmation
    assert audited.output.splitlines() == ["toive: 7 pages checked, problems found: 0"]
    found = latest(db_url)
    form = load_catalog(schemas).forms["toive"]
    assert list(found) == ["toive"]
    assert (found["toive"].form_hash, found["toive"].pages, found["toive"].problems) == (form.hash, 7, ())
    assert re.fullmatch(r"axe-core 4[\d.]+; vnu [\d.]+; Chromium \d[\d.]+", found["toive"].tools)
    day = found["toive"].audited_at.date()
    rows = inventory(schemas, db_url, tmp_path / "out")
    assert rows["toive"]["accessibility"] == f"no problems found ({day.isoformat()})"
    assert rows["kantelu"]["accessibility"] == "not audited"
    shown = statement(schemas, db_url)
    assert f"Toivomus : checked on {day.day}.{day.month}.{day.year}, no problems found." in shown
    assert "Complaint : not checked yet." in shown
    assert "Known accessibility problems Forms that use constructs not supported yet" in shown  # the agency's own

    (schemas / "toive.json").write_text(json.dumps({**WISH, "description": "Kerro, mitä toivot kunnalta."}))
    rows = inventory(schemas, db_url, tmp_path / "again")
    assert rows["toive"]["accessibility"] == "not audited since changed"
    assert "no problems found. The form has changed since it was checked." in statement(schemas, db_url)


def test_a_template_that_leaves_an_input_unlabelled_is_reported_by_its_rule(
        schemas: Path, db_url: str, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "form.html").write_text(UNLABELLED)
    audited = CliRunner().invoke(main, ["audit", "viesti", "--schemas", str(schemas), "--db", db_url,
                                        "--templates", str(templates)])
    assert audited.exit_code == 1, audited.output  # a problem found: a gate for CI, the results stored all the same
    assert "  axe-core label (critical) fi: form empty input: Form elements must have labels" in audited.output
    problems = latest(db_url)["viesti"].problems
    assert {(p.tool, p.rule, p.page) for p in problems if p.tool == "axe-core"} == {("axe-core", "label", "fi: form empty")}
    assert "viesti: 2 pages checked" in audited.output  # the form and its confirmation
    rows = inventory(schemas, db_url, tmp_path / "out")
    assert re.fullmatch(r"\d+ problems \(20\d\d-\d\d-\d\d\)", rows["viesti"]["accessibility"])
    shown = statement(schemas, db_url)
    assert "Form elements must have labels (axe-core: label ). Pages: fi: form empty" in shown
    assert re.search(r"Viesti : checked on [\d.]+, problems found: \d+\.", shown)

    html = statement_html(schemas, db_url, "fi")  # the statement listing them is itself accessible
    (tmp_path / "statement.html").write_text(html)
    assert nu_messages([tmp_path / "statement.html"]) == []
    with serving(tmp_path, "--schemas", str(schemas), "--db", db_url) as base, chromium() as browser:
        page = browser.new_context(bypass_csp=True).new_page()
        page.goto(f"{base}/accessibility/lvv?lang=fi")
        assert "Form elements must have labels" in page.content()
        assert axe_violations(page) == []


def test_every_sample_form_reaches_every_state(db_url: str) -> None:
    require(CHROMIUM, "chromium")
    require(VNU, "vnu-jar")
    audited = CliRunner().invoke(main, ["audit", "--schemas", str(SCHEMAS), "--db", db_url])
    assert audited.exit_code == 0, audited.output
    assert "not reached" not in audited.output
    forms = sorted(load_catalog(SCHEMAS).forms)
    assert [line.split(":")[0] for line in audited.output.splitlines()] == forms
    assert "saavutettavuuspalaute: 12 pages checked, problems found: 0" in audited.output  # 4 states x 3 languages
    assert {found.problems for found in latest(db_url).values()} == {()}


def with_examples(schemas: Path, form_id: str, examples: dict[str, Any]) -> None:
    path = schemas / f"{form_id}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "examples": [examples]}))


def test_a_file_the_form_requires_is_sent_as_a_real_pdf(schemas: Path, db_url: str) -> None:
    form = load_catalog(schemas).forms["kantelu"]
    view = form_view(form, "fi")
    answers = {**sample(CompiledForms(), form, view).answers, "toimija": "toinen", "peruste": "valtakirja",
               "paamies": {"nimi": "Matti Meikäläinen"}, "valtakirja": "valtakirja.pdf"}
    with_examples(schemas, "kantelu", answers)
    given, why = sample_answers(load_catalog(schemas).forms["kantelu"])
    assert given is not None, why
    media, content = given["valtakirja"].split(",", 1)
    assert media == "data:application/pdf;name=sample.pdf;base64"
    assert len(PdfReader(io.BytesIO(base64.b64decode(content))).pages) == 1
    audited = CliRunner().invoke(main, ["audit", "kantelu", "--schemas", str(schemas), "--db", db_url])
    assert (audited.exit_code, audited.output) == (0, "kantelu: 48 pages checked, problems found: 0\n")


def test_a_state_not_reached_is_said_with_why_and_fails_the_audit(schemas: Path, db_url: str) -> None:
    word = {"title": "Liite", "type": "string", "format": "data-url", "ui:options": {"accept": [".docx"]}}
    with_examples(schemas, "viesti", {"viesti": "Hei", "liite": "kirje.docx"})
    path = schemas / "viesti.json"
    form = json.loads(path.read_text())
    path.write_text(json.dumps({**form, "required": ["viesti", "liite"],
                                "properties": {**form["properties"], "liite": word}}))
    audited = CliRunner().invoke(main, ["audit", "viesti", "--schemas", str(schemas), "--db", db_url])
    assert audited.exit_code == 1, audited.output
    assert audited.output.splitlines()[1:] == [
        "  not reached: fi: review and confirmation (the file question /liite takes neither a small PDF nor a PNG)"]
    assert latest(db_url)["viesti"].problems == ()  # stored all the same


def test_the_nu_checker_names_the_page_state_and_the_place(tmp_path: Path) -> None:
    require(VNU, "vnu-jar")
    require("java", "java")
    html = '<!doctype html><html lang="fi"><head><title>x</title></head><body><p id="a"></p><p id="a"></p></body></html>'
    problems = nu_problems({"fi: page 1 empty": "<!doctype html><title>ok</title>", "sv: review": html}, tmp_path)
    assert [(p.tool, p.rule, p.page, p.message) for p in problems] == [("nu", "error", "sv: review", "Duplicate ID “a”.")]
    assert re.fullmatch(r"1:\d+", problems[0].selector)
