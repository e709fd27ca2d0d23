"""`lomake inventory`: the CSV, the self-contained HTML report and ptv.json, from the sample forms and a real
SQLite database; and the counts at scale, filled in bulk as bench/inventory.py does."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import importlib.util
import io
import json
import re
import shlex
import sqlite3
import time
from pathlib import Path
from types import ModuleType

from click.testing import CliRunner
from lxml import html as lxml_html

from core.catalog import load_catalog
from core.inventory import inventory_row
from lomake.cli import main
from renderer.export import BOM
from renderer.inventory import CSV_COLUMNS, inventory_csv
from submission.storage import FormUsage, open_storage
from tests.conftest import ROOT, SCHEMAS
from tests.submission.storage import new_submission

PUBLIC = "https://lomake.example.fi"


def stored(db: Path) -> None:
    """Three complaints, one of them from a draft, and a rectification request's draft not sent."""

    async def work() -> None:
        storage = open_storage(f"sqlite:///{db}")
        draft = await storage.add_draft("kantelu", "fi", 7, {})
        await storage.add_draft("oikaisuvaatimus", "fi", 30, {})
        await storage.add_submission(new_submission(draft_id=draft.id))
        for _ in range(2):
            await storage.add_submission(new_submission())
        await storage.close()

    asyncio.run(work())


def inventory(tmp_path: Path, *more: str) -> Path:
    db, out = tmp_path / "lomake.sqlite3", tmp_path / "out"
    stored(db)
    result = CliRunner().invoke(main, ["inventory", "--schemas", str(SCHEMAS), "--db", f"sqlite:///{db}",
                                       "--out", str(out), *more])
    assert result.exit_code == 0, result.output
    return out


def test_the_csv_has_a_row_per_form_with_its_use(tmp_path: Path) -> None:
    raw = (inventory(tmp_path) / "inventory.csv").read_bytes().decode("utf-8")
    assert raw.startswith(BOM) and "\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.removeprefix(BOM))))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_id = {row["id"]: row for row in rows}
    assert sorted(by_id) == sorted(p.stem for p in SCHEMAS.glob("*.json"))
    kantelu = by_id["kantelu"]
    assert (kantelu["agency"], kantelu["owner"], kantelu["title_sv"], kantelu["publicity"]) == (
        "lvv", "Oikeusturvayksikkö", "Klagomål", "confidential")
    assert (kantelu["submissions_30_days"], kantelu["submissions_365_days"]) == ("3", "3")
    assert (kantelu["drafts_started"], kantelu["drafts_sent"], kantelu["completion_rate"]) == ("1", "1", "1.000")
    assert float(kantelu["median_hours_to_send"]) < 0.1
    assert by_id["oikaisuvaatimus"]["completion_rate"] == "0.000"
    assert by_id["oikaisuvaatimus"]["attachments"].splitlines()[0] == "Valtakirja"
    assert by_id["ymparistolupa"]["submissions_365_days"] == "0" and by_id["ymparistolupa"]["median_hours_to_send"] == ""
    assert all(row["accessibility"] == "not audited" and len(row["hash"]) == 64 for row in rows)
    assert dt.date.fromisoformat(kantelu["changed"]) <= dt.date.today()


def test_the_html_is_self_contained_and_accessible(tmp_path: Path) -> None:
    text = (inventory(tmp_path) / "inventory.html").read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    page = lxml_html.fromstring(text)
    assert not page.xpath("//script | //link | //iframe | //img | //object | //embed")
    assert not page.xpath("//@src") and not re.search(r"url\(|@import", text)
    links = page.xpath("//@href")
    assert links and all(link.startswith("#") for link in links)  # nothing outside the page
    ids = set(page.xpath("//@id"))
    assert all(link[1:] in ids for link in links)
    for table in page.xpath("//table"):
        assert table.xpath("caption")
        assert all(th.get("scope") in ("col", "row") for th in table.xpath(".//th"))
    charts = page.xpath("//*[local-name()='svg']")
    assert len(charts) == len(list(SCHEMAS.glob("*.json"))) + 2  # a month chart per form, completion, languages
    for chart in charts:
        assert chart.get("role") == "img"
        assert [child.tag for child in chart][:2] == ["title", "desc"]
        assert all(ref in ids for ref in chart.get("aria-labelledby").split())
    months = page.get_element_by_id("months-table")
    kantelu = months.xpath(".//tr[th='kantelu']/td/text()")
    assert len(kantelu) == 12 and kantelu[-1] == "3" and set(kantelu[:-1]) <= {"0"}
    desc = page.xpath("//*[local-name()='svg']/*[local-name()='desc'][contains(., '1 luonnoksesta')]")
    assert desc and "kantelu: lähetetty 100\u00a0% 1 luonnoksesta" in desc[0].text_content()  # Finnish by default
    assert page.get("lang") == "fi"


def test_ptv_json_describes_every_form_as_an_e_service_channel(tmp_path: Path) -> None:
    out = inventory(tmp_path, "--ptv", "--public-url", PUBLIC)
    channels = json.loads((out / "ptv.json").read_text(encoding="utf-8"))["channels"]
    by_form = {channel["lomake"]["formId"]: channel for channel in channels}
    assert sorted(by_form) == sorted(p.stem for p in SCHEMAS.glob("*.json"))
    for form_id, channel in by_form.items():
        names = {name["language"]: name["value"] for name in channel["serviceChannelNames"]}
        assert set(names) == {"fi", "sv", "en"} and all(names.values())
        kinds = {(d["type"], d["language"]) for d in channel["serviceChannelDescriptions"]}
        assert kinds == {(kind, lang) for kind in ("Summary", "Description") for lang in ("fi", "sv", "en")}
        assert all(len(d["value"]) <= 150 for d in channel["serviceChannelDescriptions"] if d["type"] == "Summary")
        assert channel["webPage"][0] == {"language": "fi", "value": f"{PUBLIC}/forms/{form_id}"}
        assert channel["languages"] == ["fi", "sv", "en"] and channel["requiresAuthentication"] is False
        assert {c["accessibilityClassificationLevel"] for c in channel["accessibilityClassification"]} == {"Unknown"}
        assert channel["publishingStatus"] == "Draft"
    assert by_form["kantelu"]["organization"]["names"][0] == {"language": "fi", "value": "Lupa- ja valvontavirasto"}
    attachments = by_form["oikaisuvaatimus"]["lomake"]["attachments"]
    assert (attachments["fi"][0], attachments["sv"][0], attachments["en"][0]) == (
        "Valtakirja", "Fullmakt", "Power of attorney")
    assert all(len(names) == 3 for names in attachments.values())
    assert by_form["kantelu"]["lomake"]["asksAttachments"] is True  # a power of attorney, other attachments


def test_ptv_json_needs_the_public_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["inventory", "--schemas", str(SCHEMAS), "--db",
                                       f"sqlite:///{tmp_path}/x.sqlite3", "--out", str(tmp_path / "out"), "--ptv"],
                                env={"LOMAKE_PUBLIC_URL": ""})
    assert result.exit_code == 2 and "public URL" in result.output
    assert not (tmp_path / "out").exists()


def bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_inventory", ROOT / "bench" / "inventory.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_usage_at_scale_is_counted_in_the_database_quickly(tmp_path: Path) -> None:
    db = tmp_path / "bulk.sqlite3"
    bench_module().fill(db, 50_000)
    with sqlite3.connect(db) as raw:
        expected = dict(raw.execute("SELECT form_id, count(*) FROM submissions WHERE received_at >= ? "
                                    "GROUP BY form_id", ((dt.datetime.now(dt.UTC) - dt.timedelta(days=30))
                                                         .isoformat(),)).fetchall())
        sent = dict(raw.execute("SELECT form_id, count(submission_id) FROM drafts GROUP BY form_id").fetchall())

    async def usage() -> list[FormUsage]:
        storage = open_storage(f"sqlite:///{db}")
        try:
            return await storage.usage()
        finally:
            await storage.close()

    started = time.monotonic()
    found = asyncio.run(usage())
    assert time.monotonic() - started < 5  # about 0.05 s; a million take well under a second (bench/README.md)
    assert {u.form_id: u.last_30_days for u in found} == expected
    assert {u.form_id: u.drafts_sent for u in found} == sent
    assert all(u.median_seconds_to_send is not None and 0 <= u.median_seconds_to_send <= 7200 for u in found)
    assert all(sum(u.per_month.values()) == u.last_365_days for u in found)  # 50,000 minutes: about 35 days


def test_the_docs_example_runs(tmp_path: Path) -> None:
    block = re.search(r"```sh\n(.*?)```", (ROOT / "docs" / "inventory.md").read_text(), re.S)
    assert block is not None
    commands = [shlex.split(line) for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    stored(tmp_path / "lomake.sqlite3")
    for command in commands:
        assert command[:2] == [".venv/bin/lomake", "inventory"]
        args = command[1:]
        args[args.index("--db") + 1] = f"sqlite:///{tmp_path}/lomake.sqlite3"
        args[args.index("--out") + 1] = str(tmp_path / "inventory")
        args[args.index("--schemas") + 1] = str(ROOT / args[args.index("--schemas") + 1])
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert [Path(line).name for line in result.output.splitlines()] == [
            "inventory.csv", "inventory.html", *(["ptv.json"] if "--ptv" in args else [])]


def test_a_text_cell_that_looks_like_a_formula_is_kept_as_text(tmp_path: Path) -> None:
    form = {"title": "=HYPERLINK(\"https://x.invalid\")", "type": "object",
            "properties": {"a": {"type": "string", "title": "A"}},
            "x-lomake": {"owner": "@yksikkö", "category": "-lupa"}}
    (tmp_path / "kaava.json").write_text(json.dumps(form))
    row = inventory_row(load_catalog(tmp_path).forms["kaava"])
    lines = list(csv.reader(io.StringIO(inventory_csv([row], {}).removeprefix(BOM))))
    cells = dict(zip(lines[0], lines[1], strict=True))
    assert (cells["title_fi"], cells["owner"], cells["category"]) == (
        "'=HYPERLINK(\"https://x.invalid\")", "'@yksikkö", "'-lupa")
    assert (cells["questions"], cells["submissions_30_days"], cells["completion_rate"]) == ("1", "0", "")


#: English words of the report's interface, none of which a Finnish or Swedish report may show.
ENGLISH = ("Form inventory", "Submissions per month", "Completion rate", "Every form", "Agency, owner",
           "Questions", "Required", "Attachments", "Identifiers", "Publicity", "Retention (days)", "Accessibility",
           "not audited", "changed ", "some always required", "personal identity code",
           "confidential", "Last 30 days", "Drafts started", "Median time to send", "Drafts are counted",
           "The last 12 months", "no submissions", "drafts sent", "Languages coverage", "Texts translated")


def report_text(out: Path) -> tuple[str, str]:
    """The report's language and its text, without what is marked as in another language (the forms' titles in
    their other languages)."""
    page = lxml_html.fromstring((out / "inventory.html").read_text(encoding="utf-8"))
    assert page.xpath("//nav/@aria-label") != ["Contents"] or page.get("lang") == "en"
    for other in page.xpath("//body//*[@lang]"):
        if other.get("lang") != page.get("lang"):
            other.drop_tree()
    assert page.findtext(".//title") == page.findtext(".//h1")
    return page.get("lang"), " ".join(page.body.text_content().split())


def test_the_report_is_in_the_language_asked_for(tmp_path: Path) -> None:
    shown = {lang: report_text(inventory(tmp_path / lang, "--lang", lang)) for lang in ("fi", "sv", "en")}
    assert {lang: found[0] for lang, found in shown.items()} == {"fi": "fi", "sv": "sv", "en": "en"}
    for lang in ("fi", "sv"):
        assert [word for word in ENGLISH if word in shown[lang][1]] == [], lang
    assert [word for word in ENGLISH if word not in shown["en"][1]] == []  # the words are those the report has
    fi, sv = shown["fi"][1], shown["sv"][1]
    assert fi.startswith("Lomakeluettelo 4 lomaketta, vastaanottajina Espoon kaupunki, Lupa- ja valvontavirasto.")
    assert sv.startswith("Blankettförteckning 4 blanketter, mottagare Esbo stad, Tillstånds- och tillsynsverket.")
    assert "Begäran om omprövning" in sv and "Fullmakt" in sv and "personbeteckning" in sv
    assert "Oikaisuvaatimus" in fi and "salassa pidettävä" in fi and "ei tarkistettu" in fi
    assert "Tillståndsansökan" in sv and "Lupahakemus" in fi  # the category, in words
    lang, default = report_text(inventory(tmp_path / "default"))
    assert lang == "fi" and default.startswith("Lomakeluettelo 4 lomaketta")  # Finnish unless asked otherwise


def test_the_csv_keeps_its_column_names_and_gives_the_titles_in_the_language(tmp_path: Path) -> None:
    rows = {}
    for lang in ("fi", "sv"):
        with (inventory(tmp_path / lang, "--lang", lang) / "inventory.csv").open(encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
            rows[lang] = {row["id"]: row for row in reader}
    assert (rows["fi"]["kantelu"]["title"], rows["sv"]["kantelu"]["title"]) == ("Kantelu", "Klagomål")
    assert (rows["fi"]["ymparistolupa"]["category_name"], rows["sv"]["ymparistolupa"]["category_name"]) == (
        "Lupahakemus", "Tillståndsansökan")
    for form_id, row in rows["fi"].items():  # every other cell is the same in every language
        other = rows["sv"][form_id]
        assert {k: v for k, v in row.items() if k not in ("title", "category_name")} == {
            k: v for k, v in other.items() if k not in ("title", "category_name")}
    assert rows["sv"]["kantelu"]["accessibility"] == "not audited"


def test_every_csv_column_is_documented() -> None:
    table = (ROOT / "docs" / "inventory.md").read_text().split("## What a row says", 1)[1].split("\n\n", 2)[1]
    named = {name for line in table.splitlines() for name in re.findall(r"`([a-z_0-9*]+)`", line.split("|")[1])}
    expanded = {n.replace("*", lang) for n in named for lang in ("fi", "sv", "en")}
    assert [column for column in CSV_COLUMNS if column not in expanded] == []
