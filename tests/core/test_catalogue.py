"""The catalogue's view model: entries in the page's language, search without case or accents, groups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.catalog import load_catalog
from core.view.catalogue import Entry, choices, entry, fold, groups, matches, one_line, select
from tests.conftest import SCHEMAS


@pytest.fixture(scope="module")
def samples() -> dict[str, list[Entry]]:
    forms = load_catalog(SCHEMAS).forms.values()
    return {lang: [entry(f, lang) for f in forms] for lang in ("fi", "sv", "en")}


def test_fold_drops_case_and_accents_but_keeps_letters() -> None:
    assert fold("  Rättelse-YRKANDE  Åbo ") == "rattelse-yrkande abo"
    assert fold("Ympäristölupa") == fold("ymparistolupa")
    assert fold("Straße") == "strasse"


@pytest.mark.parametrize("query", ["oikaisu", "OIKAISU", "rättelse", "rattelse", "omprövning", "review",
                                   "oikaisuvaatimusohje 30 päivän"])
def test_the_rectification_request_is_found_in_any_of_its_languages(samples: dict[str, list[Entry]],
                                                                      query: str) -> None:
    for lang, entries in samples.items():
        assert [e.id for e in select(entries, query)] == ["oikaisuvaatimus"], (lang, query)


def test_every_word_must_match(samples: dict[str, list[Entry]]) -> None:
    assert [e.id for e in select(samples["fi"], "oikaisu xyzzy")] == []
    assert select(samples["fi"], "") == select(samples["fi"])


def test_entries_are_in_the_page_s_language(samples: dict[str, list[Entry]]) -> None:
    sv = {e.id: e for e in samples["sv"]}["oikaisuvaatimus"]
    assert (sv.lang, sv.title, sv.category_name) == ("sv", "Begäran om omprövning", "Begäran om omprövning")
    assert sv.description.startswith("Du kan begära omprövning (rättelseyrkande)") and sv.description.endswith(".")
    assert "30 dagar" not in sv.description  # one line: the first sentence
    assert sv.agency_name == "Tillstånds- och tillsynsverket" or sv.agency_name
    assert sv.languages == ("fi", "sv", "en") and sv.drafts


def test_attachments_say_whether_files_are_asked(samples: dict[str, list[Entry]]) -> None:
    shown = {e.id: e.attachments for e in samples["fi"]}
    assert set(shown.values()) <= {"required", "optional", "none"}
    assert shown["oikaisuvaatimus"] in ("required", "optional")


def test_attachments_required_only_through_required_parents(tmp_path: Path) -> None:
    file = {"type": "string", "contentMediaType": "application/pdf", "title": "Liite"}
    for name, props, required, expected in [
        ("a", {"x": {"title": "X", "type": "string"}}, [], "none"),
        ("b", {"liite": file}, [], "optional"),
        ("c", {"liite": file}, ["liite"], "required"),
        ("d", {"o": {"title": "O", "type": "object", "properties": {"liite": file}, "required": ["liite"]}}, [],
         "optional"),
    ]:
        (tmp_path / f"{name}.json").write_text(json.dumps(
            {"title": name.upper(), "type": "object", "properties": props, "required": required}))
        form = load_catalog(tmp_path).forms[name]
        assert entry(form, "fi").attachments == expected, name


def test_groups_by_agency_then_category_and_filters(samples: dict[str, list[Entry]]) -> None:
    entries = select(samples["fi"])
    grouped = groups(entries)
    assert [e for g in grouped for e in g.entries] == entries
    keys = [(g.agency, g.category) for g in grouped]
    assert len(keys) == len(set(keys))
    agencies, categories = choices(samples["fi"])
    assert {a for a, _ in agencies} == {e.agency for e in entries}
    assert ("oikaisuvaatimus", "Oikaisuvaatimus") in categories
    assert all(e.agency == "espoo" for e in select(entries, agency="espoo"))
    assert [e.id for e in select(entries, category="oikaisuvaatimus")] == ["oikaisuvaatimus"]
    assert select(entries, agency="nobody") == []


def test_one_line_is_the_first_sentence_cut_at_a_word() -> None:
    assert one_line("Ensimmäinen lause. Toinen lause.") == "Ensimmäinen lause."
    assert one_line("") == ""
    long = one_line("sana " * 60)
    assert len(long) <= 161 and long.endswith("sana…")


def test_matches_reads_every_language_of_the_form(samples: dict[str, list[Entry]]) -> None:
    fi = {e.id: e for e in samples["fi"]}["oikaisuvaatimus"]
    assert matches(fi, "Begäran") and matches(fi, "administrative") and not matches(fi, "kantelu")
