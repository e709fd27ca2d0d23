"""Form versions: an old submission's receipt and export show the questions as they were asked, after the form
file changed and the server started again; `lomake versions` lists them."""

from __future__ import annotations

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from starlette.testclient import TestClient

from core.catalog import load_catalog
from core.settings import Settings
from lomake.cli import main
from server import create_app
from tests.conftest import api_key, database, drafts_of, storage_of, stored_submissions
from tests.test_journey import TOIVE
from tests.test_journey import send as send_page
from tests.test_receipt import pdf_text

OLD = {"title": "Palaute", "type": "object", "required": ["viesti"],
       "x-lomake": {"version": "1"},
       "properties": {"viesti": {"type": "string", "title": "Mitä haluat kertoa?"}}}
NEW = {**OLD, "x-lomake": {"version": "2"},
       "properties": {"viesti": {"type": "string", "title": "Kerro palautteesi"},
                      "puhelin": {"type": "string", "title": "Puhelinnumero"}}}


def write(folder: Path, form: dict[str, Any]) -> None:
    (folder / "palaute.json").write_text(json.dumps(form), encoding="utf-8")


def send(client: TestClient, answers: dict[str, str]) -> str:
    """The receipt token of the submission the answers become."""
    sent = client.post("/api/v1/forms/palaute/submissions", json=answers)
    assert sent.status_code == 201, sent.text
    return str(sent.json()["receipt_url"]).rsplit("/", 1)[1].removesuffix(".pdf")


def test_an_old_submission_shows_the_old_questions_after_the_form_changed(tmp_path: Path) -> None:
    write(tmp_path, OLD)
    with database(tmp_path) as url:
        settings = Settings(schemas_dir=tmp_path, db_url=url)
        with TestClient(create_app(settings)) as client:
            old = send(client, {"viesti": "Hyvä palvelu"})
        write(tmp_path, NEW)
        with TestClient(create_app(settings)) as client:  # the server started again, on the changed file
            new = send(client, {"viesti": "Kiitos", "puhelin": "0401234567"})
            old_pdf = pdf_text(client.get(f"/receipts/{old}.pdf").content)
            new_pdf = pdf_text(client.get(f"/receipts/{new}.pdf").content)
            assert "Mitä haluat kertoa?" in old_pdf and "Kerro palautteesi" not in old_pdf
            assert "Kerro palautteesi" in new_pdf and "Puhelinnumero" in new_pdf
            assert "Mitä haluat kertoa?" in client.get(f"/receipts/{old}").text
            lines = client.get("/api/v1/forms/palaute/submissions.ndjson", headers=api_key(client)).text.splitlines()
        exported = [json.loads(line) for line in lines]
        assert [e["questions"] for e in exported] == [
            {"/viesti": "Mitä haluat kertoa?"}, {"/viesti": "Kerro palautteesi", "/puhelin": "Puhelinnumero"}]
        assert exported[0]["schema_hash"] != exported[1]["schema_hash"]
        listed = CliRunner().invoke(main, ["versions", "palaute", "--schemas", str(tmp_path), "--db", url])
        assert listed.exit_code == 0, listed.output
        rows = [line.split("\t") for line in listed.output.splitlines()]
        assert [(r[0], r[1], r[3], r[4:]) for r in rows] == [
            (exported[1]["schema_hash"][:12], "2", "1", ["current"]), (exported[0]["schema_hash"][:12], "1", "1", [])]


def test_versions_of_an_unknown_form_is_an_error(tmp_path: Path) -> None:
    listed = CliRunner().invoke(main, ["versions", "nothing", "--schemas", str(tmp_path),
                                       "--db", f"sqlite:///{tmp_path}/x.sqlite3"])
    assert listed.exit_code == 1 and "no form 'nothing'" in listed.output


# Drafts pinned to the version they were started on

def changed(**changes: Any) -> dict[str, Any]:
    """The wish form of `test_journey` with some of its questions changed or added, and the page that asks them."""
    form = copy.deepcopy(TOIVE)
    form["properties"] |= changes
    form["x-lomake"]["pages"][0]["properties"] += [k for k in changes if k not in TOIVE["properties"]]
    return form


def draft_on_changed_form(folder: Path, url: str, new: dict[str, Any]) -> tuple[TestClient, str]:
    """A draft whose first page was passed, the form file then changed, and a client of the restarted server
    holding the draft's cookie; and the hash of the version the draft was started on."""
    (folder / "toive.json").write_text(json.dumps(TOIVE), encoding="utf-8")
    settings = Settings(schemas_dir=folder, db_url=url)
    with TestClient(create_app(settings)) as first:
        assert send_page(first, "/forms/toive", {"/nimi": "Maija", "/rooli": "itse"}).status_code == 303
        cookies, old = first.cookies, load_catalog(folder).forms["toive"].hash
    (folder / "toive.json").write_text(json.dumps(new), encoding="utf-8")
    client = TestClient(create_app(settings))
    client.cookies = cookies
    return client, old


def test_a_draft_whose_answers_still_pass_moves_to_the_new_version_and_says_so(tmp_path: Path) -> None:
    with database(tmp_path) as url:
        client, old = draft_on_changed_form(tmp_path, url, changed(nimi={"type": "string", "title": "Koko nimi"}))
        with client:
            shown = client.get("/forms/toive/pages/asia")
            assert shown.status_code == 200 and "Lomake on muuttunut" in shown.text
            (draft,) = drafts_of(client, "toive")
            assert draft.form_hash == load_catalog(tmp_path).forms["toive"].hash != old
            assert "Lomake on muuttunut" not in client.get("/forms/toive/pages/asia").text  # told once
            assert "Koko nimi" in client.get("/forms/toive/pages/hakija").text


def test_a_draft_whose_answers_no_longer_pass_is_finished_on_its_own_version(tmp_path: Path) -> None:
    with database(tmp_path) as url:
        new = changed(puhelin={"type": "string", "title": "Puhelinnumero"})
        new["required"] = [*new["required"], "puhelin"]
        client, old = draft_on_changed_form(tmp_path, url, new)
        with client:
            assert "Puhelinnumero" not in client.get("/forms/toive/pages/hakija").text
            assert send_page(client, "/forms/toive/pages/asia", {"/asia": "Penkki puistoon"}).status_code == 303
            sent = send_page(client, "/forms/toive/review", {"/vakuutus": "true"})
            assert sent.status_code == 303, sent.text
            (submission,) = stored_submissions(client)
            assert submission.schema_hash == old and (drafts_of(client, "toive")[0].form_hash == old)
            assert "Puhelinnumero" in client.get("/forms/toive/pages/hakija").text  # a new draft: the new version


def test_versions_are_kept_at_start_and_when_a_reload_loads_a_changed_file(tmp_path: Path) -> None:
    write(tmp_path, OLD)
    with database(tmp_path) as url, TestClient(
            create_app(Settings(schemas_dir=tmp_path, db_url=url, reload=True))) as client:
        storage = storage_of(client)
        kept = asyncio.run(storage.form_versions("palaute"))
        assert [(v.label, v.submissions) for v in kept] == [("1", 0)]
        write(tmp_path, NEW)
        assert "Kerro palautteesi" in client.get("/forms/palaute").text  # reloaded
        kept = asyncio.run(storage.form_versions("palaute"))
        assert [v.label for v in kept] == ["2", "1"]
        stored = asyncio.run(storage.form_version(kept[0].hash))
        assert stored is not None and stored.documents == {"palaute.json": NEW}
