"""The forms' own texts in other languages: extracted with Babel, translated in .po catalogs, shown,
and reported by `lomake check` while untranslated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from click.testing import CliRunner

from lomake.check import check_paths
from lomake.cli import main
from tests.conftest import form_client, page_csrf, unplaced

FORM = {
    "title": "Palaute", "type": "object", "required": ["aihe"],
    "x-lomake": {"languages": ["fi", "sv"]},
    "ui:submitButtonOptions": {"submitText": "Lähetä palaute"},
    "properties": {
        "aihe": {"title": "Aihe", "description": "Mitä palaute koskee?",
                 "oneOf": [{"const": "palvelu", "title": "Palvelu"}, {"const": "muu", "title": "Muu asia"}]},
        "osoite": {"$ref": "common/osoite.json"},
    },
}
PART = {"title": "Osoite", "type": "object", "properties": {"katu": {"title": "Katuosoite", "type": "string"}}}


def write_forms(folder: Path) -> None:
    (folder / "common").mkdir(parents=True)
    (folder / "palaute.json").write_text(json.dumps(FORM))
    (folder / "common" / "osoite.json").write_text(json.dumps(PART))


def translate_catalog(folder: Path, translations: dict[str, str]) -> None:
    path = folder / "locale" / "sv.po"
    with path.open("rb") as file:
        catalog = read_po(file, locale="sv")
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
    from babel.messages.pofile import write_po

    with path.open("wb") as file:
        write_po(file, catalog)


SWEDISH = {"Palaute": "Respons", "Aihe": "Ämne", "Mitä palaute koskee?": "Vad gäller responsen?",
           "Palvelu": "Tjänsten", "Muu asia": "Annat", "Lähetä palaute": "Skicka respons",
           "Osoite": "Adress", "Katuosoite": "Gatuadress"}


def test_extract_writes_a_template_and_a_catalog_per_language(tmp_path: Path) -> None:
    write_forms(tmp_path)
    result = CliRunner().invoke(main, ["i18n", "extract", "--schemas", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(tmp_path / "locale" / "forms.pot"), str(tmp_path / "locale" / "sv.po")]
    with (tmp_path / "locale" / "forms.pot").open("rb") as file:
        template = read_po(file)
    assert {m.id for m in template if m.id} == set(SWEDISH)
    located: dict[Any, list[Any]] = {m.id: list(m.locations) for m in template if m.id}
    assert ("common/osoite.json#/properties/katu/title", None) in located["Katuosoite"]


def test_check_names_each_untranslated_text_per_language(tmp_path: Path) -> None:
    write_forms(tmp_path)
    CliRunner().invoke(main, ["i18n", "extract", "--schemas", str(tmp_path)])
    untranslated = [unplaced(p) for p in check_paths([tmp_path / "palaute.json"]) if "translation" in p.message]
    assert f"{tmp_path}/palaute.json: /properties/aihe/title: warning: no sv translation for 'Aihe' (locale/sv.po)" \
        in untranslated
    assert f"{tmp_path}/common/osoite.json: /properties/katu/title: warning: no sv translation for 'Katuosoite' " \
        "(locale/sv.po)" in untranslated
    assert len(untranslated) == len(SWEDISH)
    translate_catalog(tmp_path, SWEDISH)
    assert [p for p in check_paths([tmp_path / "palaute.json"]) if "translation" in p.message] == []


def test_the_page_speaks_the_language_asked_for_and_validation_is_unchanged(tmp_path: Path) -> None:
    write_forms(tmp_path)
    CliRunner().invoke(main, ["i18n", "extract", "--schemas", str(tmp_path)])
    translate_catalog(tmp_path, SWEDISH)
    with form_client(tmp_path) as client:
        swedish = client.get("/forms/palaute?lang=sv").text
        for text in ("Respons", "Ämne", "Vad gäller responsen?", "Tjänsten", "Skicka respons", "Gatuadress", "(valfritt)"):
            assert text in swedish, text
        assert 'lang="sv"' in swedish and "Palvelu" not in swedish
        assert "Palvelu" in client.get("/forms/palaute").text
        refused = client.post("/forms/palaute?lang=sv", data={"/aihe": ""})
        assert refused.status_code == 422 and "Ämne: Välj ett alternativ." in refused.text
        sent = client.post("/forms/palaute?lang=sv", data={"/aihe": "muu", **dict(page_csrf(refused.text))},
                           follow_redirects=False)
        assert sent.status_code == 303
        assert "Annat" in client.get(sent.headers["location"]).text
