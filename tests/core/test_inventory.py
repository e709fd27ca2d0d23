"""The form inventory's row of a form: worked out from its files alone."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from core.catalog import load_catalog
from core.forms import Catalog
from core.inventory import Audit, inventory_row, short_description
from tests.conftest import SCHEMAS


def test_the_sample_forms_rows_say_what_they_ask_and_who_owns_them(catalog: Catalog) -> None:
    row = inventory_row(catalog.forms["oikaisuvaatimus"], dt.date(2026, 12, 1))
    assert (row.agency, row.owner, row.category) == ("lvv", "Oikeusturvayksikkö", "oikaisuvaatimus")
    assert row.titles == {"fi": "Oikaisuvaatimus", "sv": "Begäran om omprövning",
                          "en": "Request for an administrative review"}
    assert row.descriptions["sv"].startswith("Du kan") and row.descriptions["fi"].startswith("Voit vaatia")
    assert (row.version, row.hash, row.short_hash) == ("1", catalog.forms["oikaisuvaatimus"].hash, row.hash[:12])
    assert (row.pages, row.publicity, row.retention_days, row.changed) == (6, "confidential", 3650,
                                                                         dt.date(2026, 12, 1))
    assert row.attachments == ("Valtakirja", "Päätös oikaisuvaatimusohjeineen", "Muut liitteet")
    assert row.attachments_required  # the decision with its appeal instructions, always
    assert row.identifiers == ("fi-hetu", "fi-business-id", "phone")
    assert 0 < row.required < row.questions
    assert row.untranslated == {"fi": 0, "sv": 0, "en": 0} and row.complete_languages == ("fi", "sv", "en")
    assert row.accessibility == "not audited"
    kantelu = inventory_row(catalog.forms["kantelu"])
    assert (kantelu.attachments, kantelu.attachments_required, kantelu.pages) == (("Valtakirja", "Muut liitteet"), False, 6)
    assert inventory_row(catalog.forms["ymparistolupa"]).publicity == "partly-confidential"


def test_questions_asked_only_sometimes_are_not_counted_as_required(tmp_path: Path) -> None:
    form = {
        "title": "Lupa", "type": "object", "required": ["nimi", "lisa", "ryhma"],
        "properties": {
            "nimi": {"type": "string", "title": "Nimi"},
            "lisa": {"type": "string", "title": "Lisätieto"},
            "ryhma": {"type": "object", "title": "Ryhmä", "required": ["a"],
                      "properties": {"a": {"type": "string", "title": "A"}, "b": {"type": "string", "title": "B"}}},
            "valinnainen": {"type": "object", "title": "Valinnainen", "required": ["c"],
                            "properties": {"c": {"type": "string", "title": "C"}}},
            "tunnus": {"type": "string", "format": "fi-hetu", "title": "Henkilötunnus"},
        },
        "x-lomake": {"pages": [
            {"id": "eka", "title": "Eka", "properties": ["nimi", "ryhma", "valinnainen", "tunnus"]},
            {"id": "toka", "title": "Toka", "properties": ["lisa"],
             "if": {"required": ["nimi"], "properties": {"nimi": {"const": "x"}}}},
        ]},
    }
    (tmp_path / "lupa.json").write_text(json.dumps(form))
    row = inventory_row(load_catalog(tmp_path).forms["lupa"])
    assert row.questions == 6  # nimi, lisa, a, b, c, tunnus: the groups are not questions
    assert row.required == 2  # nimi and ryhma/a; lisa is on a page with an `if`, c in an optional group
    assert (row.identifiers, row.publicity, row.retention_days, row.owner) == (("fi-hetu",), None, None, "")


def test_untranslated_texts_are_counted_per_declared_language(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, folder)
    po = folder / "locale" / "sv.po"
    text = po.read_text(encoding="utf-8")
    dropped = text.replace('msgid "Kantelu"\nmsgstr "Klagomål"', 'msgid "Kantelu"\nmsgstr ""')
    assert dropped != text
    po.write_text(dropped, encoding="utf-8")
    row = inventory_row(load_catalog(folder).forms["kantelu"])
    assert row.untranslated == {"fi": 0, "sv": 1, "en": 0}
    assert row.complete_languages == ("fi", "en") and "sv" not in row.titles
    assert row.translated_share("sv") == 1 - 1 / row.texts and row.translated_share("de") is None


def test_an_audit_counts_only_for_the_version_it_audited(catalog: Catalog) -> None:
    form = catalog.forms["kantelu"]
    at = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    assert inventory_row(form, audit=Audit(form.hash, at, 0)).accessibility == "no problems found (2026-11-30)"
    assert inventory_row(form, audit=Audit(form.hash, at, 3)).accessibility == "3 problems (2026-11-30)"
    assert inventory_row(form, audit=Audit("old", at, 0)).accessibility == "not audited since changed"


def test_a_short_description_is_the_first_sentence_within_the_limit() -> None:
    assert short_description("Yksi lause. Toinen lause.") == "Yksi lause."
    long = "sana " * 60 + "loppu."
    cut = short_description(long)
    assert len(cut) <= 150 and cut.endswith("sana…")
