"""Streamed exports of a form's submissions: NDJSON and CSV over HTTP and by `lomake export`, read page by page;
a CSV that Excel opens as UTF-8 and that no spreadsheet runs as formulas."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

import web.exports
from core.catalog import load_catalog
from core.view.build import form_view
from lomake.cli import main
from renderer.export import Layout, answer_cells, page_sections, safe, titled_header
from submission.service import new_submission
from tests.conftest import LOMAKE, SCHEMAS, api_key, form_client, storage_of, stored_submissions
from tests.test_read_api import ASIA, ESPOON, MUU, pdf_url, send
from web.exports import export_chunks

BOM = b"\xef\xbb\xbf"
HEAD = ["id", "reference", "received_at", "form_version", "language"]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[TestClient]:
    shutil.copytree(SCHEMAS / "agencies", tmp_path / "agencies")
    with form_client(tmp_path, asia=ASIA, muu=MUU, espoon=ESPOON) as c:
        yield c


def export(client: TestClient, kind: str, query: str = "", form_id: str = "asia") -> bytes:
    got = client.get(f"/api/v1/forms/{form_id}/submissions.{kind}{query}", headers=api_key(client, "lvv"))
    assert got.status_code == 200, got.text
    return got.content


def rows(content: bytes) -> list[list[str]]:
    assert content.startswith(BOM)
    text = content[len(BOM):].decode()
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert text.endswith("\r\n") and text.count("\r\n") == len(parsed)  # CRLF after each row, and only there
    return parsed


def cli(folder: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["export", "--schemas", str(folder), "--db", f"sqlite:///{folder}/lomake.sqlite3",
                                     "--public-url", "http://testserver", *args])


# NDJSON


def test_ndjson_is_the_read_apis_submissions_one_a_line(site: TestClient) -> None:
    for i in range(3):
        send(site, "asia", {"nimi": f"N{i}", "liite": pdf_url(b"%PDF-1.4\n%" + bytes([65 + i]) + b"\n%%EOF\n")})
    send(site, "muu", {"viesti": "not this form"})
    got = site.get("/api/v1/forms/asia/submissions.ndjson", headers=api_key(site, "lvv"))
    assert got.headers["content-type"] == "application/x-ndjson"
    assert got.headers["content-disposition"] == 'attachment; filename="asia.ndjson"'
    assert got.text.endswith("\n") and "\r" not in got.text
    lines = [json.loads(line) for line in got.text.splitlines()]
    listed = site.get("/api/v1/submissions?form=asia", headers=api_key(site, "lvv")).json()["submissions"]
    own = ("schema_hash", "questions")  # the export names the questions as the submission's version asked them
    assert [{k: v for k, v in line.items() if k not in own} for line in lines] == listed and len(lines) == 3
    assert all(line["questions"]["/nimi"] and line["schema_hash"] for line in lines)


def test_exports_read_the_storage_page_by_page(site: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web.exports, "EXPORT_PAGE", 2)
    sent = [send(site, "asia", {"nimi": f"N{i}", "lapset": [{"nimi": "x"}] * i}) for i in range(5)]
    assert [json.loads(line)["id"] for line in export(site, "ndjson").splitlines()] == sent
    table = rows(export(site, "csv"))
    assert [r[0] for r in table[1:]] == sent
    assert table[0][-3:] == ["/lapset/3/nimi", "/lapset/3/ika", "/liite"]  # the longest list, read on page 2


# CSV


def test_csv_for_a_clerk_in_excel(site: TestClient) -> None:
    send(site, "asia", {"nimi": "Maija Meikäläinen", "ika": 41, "paivat": ["ma", "ke"],
                        "lapset": [{"nimi": "Aino", "ika": 7}, {"nimi": "Eino"}], "liite": pdf_url()})
    send(site, "asia", {"nimi": "Matti"})
    got = site.get("/api/v1/forms/asia/submissions.csv", headers=api_key(site, "lvv"))
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    assert got.headers["content-disposition"] == 'attachment; filename="asia.csv"'
    assert got.content.startswith(BOM) and got.content.count(b"\r\n") == 3
    header, first, second = rows(got.content)
    assert header == [*HEAD, "/nimi", "/ika", "/paivat", "/lapset/0/nimi", "/lapset/0/ika", "/lapset/1/nimi",
                      "/lapset/1/ika", "/liite"]
    stored = {s.id: s for s in stored_submissions(site)}
    s = stored[first[0]]
    assert first[:5] == [s.id, s.reference, s.received_at.isoformat().replace("+00:00", "Z"), "1", "fi"]
    assert first[5:] == ["Maija Meikäläinen", "41", "ma\nke", "Aino", "7", "Eino", "", "päätös.pdf"]
    assert second[5:] == ["Matti", "", "", "", "", "", "", ""]


@pytest.mark.parametrize(("answer", "cell"), [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"), ("+358 40 123", "'+358 40 123"),
    ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("Maija", "Maija"), (" =1", " =1"), ("1=1", "1=1"),
])
def test_no_cell_is_a_formula(site: TestClient, answer: str, cell: str) -> None:
    send(site, "asia", {"nimi": answer, "ika": -5, "lapset": [{"nimi": answer}]})
    header, row = rows(export(site, "csv"))
    cells = dict(zip(header, row, strict=True))
    assert cells["/nimi"] == cells["/lapset/0/nimi"] == cell
    assert cells["/ika"] == "-5"  # a number is never a formula: it stays a number


def test_an_empty_export_is_a_header_or_nothing(site: TestClient) -> None:
    assert rows(export(site, "csv")) == [[*HEAD, "/nimi", "/ika", "/paivat", "/liite"]]
    assert export(site, "ndjson") == b""


def test_columns_follow_the_form_and_keep_what_an_older_version_asked(tmp_path: Path) -> None:
    form_file = {
        "title": "Lomake", "type": "object",
        "properties": {
            "a": {"title": "A", "type": "string"},
            "ryhma": {"title": "Ryhmä", "type": "object", "properties": {"b": {"title": "B", "type": "boolean"}}},
            "muut": {"title": "Muut", "type": "object", "properties": {"c": {"title": "C", "type": "string"}},
                     "additionalProperties": {"type": "string"}},
            "tila": {"title": "Tila", "type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
        },
    }
    (tmp_path / "l.json").write_text(json.dumps(form_file))
    layout = Layout.of(form_view(load_catalog(tmp_path).forms["l"], "fi"))
    answers = {"vanha": "=x", "a": None, "ryhma": {"b": True, "poistettu": 2}, "muut": {"c": "c", "x": "1", "y": "=2"},
               "tila": [[1, 2], [3]]}
    cells = answer_cells(layout, answers, {})
    assert cells == {"/vanha": "'=x", "/a": "", "/ryhma/b": "true", "/ryhma/poistettu": "2", "/muut/c": "c",
                     "/muut/*": '{"x":"1","y":"=2"}', "/tila/0/0": "1", "/tila/0/1": "2", "/tila/1/0": "3"}
    assert layout.columns(cells) == ["/a", "/ryhma/b", "/ryhma/poistettu", "/muut/c", "/muut/*", "/tila/0/0",
                                     "/tila/0/1", "/tila/1/0", "/vanha"]
    assert [safe(s) for s in ("=", "", "'", "a=")] == ["'=", "", "'", "a="]


def test_a_csvs_rows_stop_at_the_last_submission_its_columns_were_read_from(site: TestClient) -> None:
    """A submission that arrives while the export is being written (after the header) is left for the next one:
    its answers might need columns the header does not have."""
    app = site.app.state.lomake  # type: ignore[attr-defined]
    form = app.catalog.forms["asia"]
    send(site, "asia", {"nimi": "A"})

    async def written() -> list[bytes]:
        chunks = []
        async for chunk in export_chunks(app.submissions.versions, form, app.view(form, "fi"), "csv", "http://x"):
            chunks.append(chunk)
            if len(chunks) == 2:  # the BOM, then the header
                await app.storage.add_submission(new_submission(form, {"nimi": "B", "lapset": [{"nimi": "c"}]}, "fi"))
        return chunks

    table = rows(b"".join(asyncio.run(written())))
    assert [r[5] for r in table[1:]] == ["A"] and "/lapset/0/nimi" not in table[0]
    assert len(rows(export(site, "csv"))) == 3  # the next export has both


# Parameters and access


def test_since_and_bad_parameters(site: TestClient) -> None:
    send(site, "asia", {"nimi": "A"})
    assert export(site, "ndjson", "?since=2999-01-01") == b""
    assert len(export(site, "ndjson", "?since=2000-01-01").splitlines()) == 1
    key = api_key(site, "lvv")
    for query, pointer in [("?since=eilen", "/since"), ("?limit=5", "/limit"), ("?since=2000-01-01&since=2001-01-01",
                                                                                 "/since")]:
        for kind in ("csv", "ndjson"):
            refused = site.get(f"/api/v1/forms/asia/submissions.{kind}{query}", headers=key)
            assert refused.status_code == 400 and refused.json()["errors"][0]["pointer"] == pointer
    assert site.get("/api/v1/forms/espoon/submissions.csv", headers=key).status_code == 404


# Column titles for people


TITLED = ["Lähetyksen tunniste", "Asianumero", "Saapumisaika (UTC)", "Lomakkeen versio", "Kieli"]


def test_titles_head_the_columns_with_the_questions(site: TestClient) -> None:
    send(site, "asia", {"nimi": "Maija", "lapset": [{"nimi": "Aino", "ika": 7}, {"nimi": "Eino"}], "liite": pdf_url()})
    send(site, "asia", {"nimi": "Matti"})
    plain, titled = rows(export(site, "csv")), rows(export(site, "csv", "?titles=1"))
    assert plain[0] == [*HEAD, "/nimi", "/ika", "/paivat", "/lapset/0/nimi", "/lapset/0/ika", "/lapset/1/nimi",
                        "/lapset/1/ika", "/liite"]  # the machines' header, as before
    assert titled[0] == [*TITLED, "Nimi", "Ikä", "Päivät", "Lapsi 1 / Nimi", "Lapsi 1 / Ikä", "Lapsi 2 / Nimi",
                         "Lapsi 2 / Ikä", "Liite"]
    assert titled[1:] == plain[1:]
    assert rows(export(site, "csv", "?titles=0")) == plain
    key = api_key(site, "lvv")
    for query, kind in [("?titles=yes", "csv"), ("?titles=1", "ndjson"), ("?titles=1&titles=1", "csv")]:
        refused = site.get(f"/api/v1/forms/asia/submissions.{kind}{query}", headers=key)
        assert refused.status_code == 400 and refused.json()["errors"][0]["pointer"] == "/titles", query


def titles_of(tmp_path: Path, form_file: dict[str, Any], answers: list[str], lang: str = "fi") -> list[str]:
    (tmp_path / "l.json").write_text(json.dumps(form_file))
    form = load_catalog(tmp_path).forms["l"]
    layout = Layout.of(form_view(form, lang))
    return titled_header(layout, layout.columns(answers), lang, page_sections(form, lang))[len(TITLED):]


def group(title: str, **questions: str) -> dict[str, Any]:
    return {"title": title, "type": "object",
            "properties": {name: {"title": label, "type": "string"} for name, label in questions.items()}}


def test_titles_two_questions_share_get_their_groups_title(tmp_path: Path) -> None:
    form_file = {"title": "Lupa", "type": "object", "properties": {
        "hakija": group("Hakija", nimi="Nimi", puhelin="Puhelin"),
        "yhteys": group("Yhteyshenkilö", nimi="Nimi", puhelin="Puhelin", kieli="Kieli"),
        "nimi": {"title": "Nimi", "type": "string"},
        "a": group("Osoite", katu="Katu"), "b": group("Osoite", katu="Katu"),
        "kaava": {"title": "=SUMMA(A1)", "type": "string"}}}
    assert titles_of(tmp_path, form_file, []) == [
        "Hakija / Nimi", "Hakija / Puhelin", "Yhteyshenkilö / Nimi", "Yhteyshenkilö / Puhelin",
        "Yhteyshenkilö / Kieli",  # "Kieli" is the submission's own column
        "Nimi", "Osoite / Katu (/a/katu)", "Osoite / Katu (/b/katu)", "'=SUMMA(A1)"]


def test_titles_on_pages_take_the_pages_title_and_old_answers_their_pointer(tmp_path: Path) -> None:
    form_file = {"title": "Lupa", "type": "object", "properties": {
        "lisa1": {"title": "Lisätietoja", "type": "string"}, "lisa2": {"title": "Lisätietoja", "type": "string"},
        "muu": {"title": "Muuta", "type": "string"}},
        "x-lomake": {"pages": [{"id": "eka", "title": "Hakija", "properties": ["lisa1", "muu"]},
                               {"id": "toka", "title": "Toiminta", "properties": ["lisa2"]}]}}
    assert titles_of(tmp_path, form_file, ["/poistettu"]) == [
        "Hakija / Lisätietoja", "Toiminta / Lisätietoja", "Muuta", "/poistettu"]


def test_titles_are_in_the_language_asked_for(tmp_path: Path) -> None:
    form = load_catalog(SCHEMAS).forms["kantelu"]
    layout = Layout.of(form_view(form, "sv"))
    header = titled_header(layout, layout.columns(["/liitteet/0/tiedosto"]), "sv", page_sections(form, "sv"))
    assert header[:6] == ["Inskickningens id", "Diarienummer", "Ankomsttid (UTC)", "Blankettens version", "Språk",
                          "Förnamn"]
    assert "Bilaga 1 / Fil" in header and len(set(header)) == len(header)


# The command


def test_the_command_writes_what_the_http_export_gives(site: TestClient, tmp_path: Path) -> None:
    send(site, "asia", {"nimi": "=Maija", "lapset": [{"nimi": "Aino"}], "liite": pdf_url()})
    send(site, "asia", {"nimi": "Matti", "paivat": ["ti"]})
    for kind in ("ndjson", "csv"):
        out = tmp_path / f"out.{kind}"
        made = cli(tmp_path, "--form", "asia", "--format", kind, "--out", str(out))
        assert made.exit_code == 0, made.output
        assert out.read_bytes() == export(site, kind) and not out.with_name(f"out.{kind}.part").exists()
        printed = cli(tmp_path, "--form", "asia", "--format", kind, "--since", "2000-01-01")
        assert printed.stdout_bytes == export(site, kind) and printed.stderr_bytes == b""
    late = cli(tmp_path, "--form", "asia", "--since", "2999-01-01T00:00:00Z")
    assert late.exit_code == 0 and late.stdout_bytes == b""


def test_the_command_titles_the_columns_as_the_http_export_does(site: TestClient, tmp_path: Path) -> None:
    send(site, "asia", {"nimi": "Maija", "lapset": [{"nimi": "Aino"}]})
    made = cli(tmp_path, "--form", "asia", "--format", "csv", "--titles")
    assert made.exit_code == 0 and made.stdout_bytes == export(site, "csv", "?titles=1")
    assert rows(made.stdout_bytes)[0][5:7] == ["Nimi", "Ikä"]
    assert cli(tmp_path, "--form", "asia", "--format", "csv", "--titles", "--lang", "fi").stdout_bytes == \
        made.stdout_bytes
    ndjson = cli(tmp_path, "--form", "asia", "--titles")
    assert ndjson.exit_code == 2 and "--format csv" in ndjson.output
    swedish = cli(tmp_path, "--form", "asia", "--format", "csv", "--titles", "--lang", "sv")
    assert swedish.exit_code == 2 and "asia is in fi" in swedish.output


def test_the_command_refuses_what_it_cannot_export(site: TestClient, tmp_path: Path) -> None:
    unknown = cli(tmp_path, "--form", "eiole")
    assert unknown.exit_code == 1 and "no form 'eiole'" in unknown.output
    since = cli(tmp_path, "--form", "asia", "--since", "eilen")
    assert since.exit_code == 2 and "--since" in since.output
    kind = cli(tmp_path, "--form", "asia", "--format", "xlsx")
    assert kind.exit_code == 2


def test_the_command_shows_progress_on_a_terminal_only(site: TestClient, tmp_path: Path) -> None:
    for i in range(3):
        send(site, "asia", {"nimi": f"N{i}"})
    args = [LOMAKE, "export", "--form", "asia", "--format", "csv", "--public-url", "http://testserver", "--schemas", ".",
            "--out", str(tmp_path / "x.csv")]
    quiet = subprocess.run(args, cwd=tmp_path, capture_output=True, check=True)
    assert quiet.stderr == b"" and quiet.stdout == b""
    primary, secondary = os.openpty()
    try:
        subprocess.run(args, cwd=tmp_path, stderr=secondary, stdout=subprocess.DEVNULL, check=True, timeout=60)
        os.close(secondary)
        shown = b""
        while chunk := _read(primary):
            shown += chunk
    finally:
        os.close(primary)
    assert b"export" in shown and b"100%" in shown
    assert (tmp_path / "x.csv").read_bytes() == export(site, "csv")
    assert len(rows((tmp_path / "x.csv").read_bytes())) == 4 and len(stored_submissions(site)) == 3
    assert asyncio.run(storage_of(site).count_submissions("asia")) == 3


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the other end is closed
        return b""


def test_the_http_export_titles_in_the_language_asked_for(client: TestClient) -> None:
    key = api_key(client, "lvv")
    for lang, first in [("sv", "Förnamn"), ("en", "First names"), ("fi", "Etunimet")]:
        got = client.get(f"/api/v1/forms/kantelu/submissions.csv?titles=1&lang={lang}", headers=key)
        assert got.status_code == 200, got.text
        assert rows(got.content)[0][5] == first
    plain = client.get("/api/v1/forms/kantelu/submissions.csv?lang=sv", headers=key)
    assert rows(plain.content)[0][:6] == [*HEAD, "/kantelija/etunimet"]  # without titles: the pointers
