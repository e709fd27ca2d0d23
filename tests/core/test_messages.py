"""The interface strings: Finnish in core/messages.py, Swedish and English in gettext catalogs
(core/locale/*.po) that `lomake i18n interface` keeps up to date."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from core import messages
from core.i18n import INTERFACE_LOCALE, interface_notes, update_interface
from core.messages import LANGUAGES, has_text, text
from lomake.cli import main

FINNISH = messages._MESSAGES


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def placeholders(template: str) -> list[str]:
    return sorted(f"{{{name}}}" for _, name, _, _ in Formatter().parse(template) if name is not None)


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_key_has_a_translation_that_keeps_the_placeholders(lang: str) -> None:
    catalog = read(INTERFACE_LOCALE / f"{lang}.po")
    entries = {m.context: m for m in catalog if m.id}
    assert set(entries) == set(FINNISH), "run: lomake i18n interface"
    for key, finnish in FINNISH.items():
        entry = entries[key]
        assert entry.id == finnish, f"{key}: the catalog is for an older Finnish text; run: lomake i18n interface"
        assert entry.string and not entry.fuzzy, f"{lang}.po: {key} has no translation"
        assert isinstance(entry.string, str) and placeholders(entry.string) == placeholders(finnish), (lang, key)
        assert text(lang, key) == entry.string


@pytest.mark.parametrize("babel_version", [None, "99.0.0"])
def test_the_catalogs_are_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, babel_version: str | None) -> None:
    """`lomake i18n interface` would change nothing: the template is written from the dict as it is,
    and the files do not depend on which Babel wrote them."""
    if babel_version:
        monkeypatch.setattr("babel.messages.catalog.VERSION", babel_version)
    shutil.copytree(INTERFACE_LOCALE, tmp_path, dirs_exist_ok=True)
    notes = interface_notes(Path(messages.__file__).read_text(encoding="utf-8"))
    update_interface(FINNISH, tmp_path, LANGUAGES[1:], notes)
    for path in sorted(INTERFACE_LOCALE.iterdir()):
        assert (tmp_path / path.name).read_text() == path.read_text(), f"{path.name}: run: lomake i18n interface"


def test_text_comes_from_the_catalogs_and_falls_back_to_finnish() -> None:
    assert text("fi", "error_summary") == "Tarkista seuraavat kohdat"
    assert text("sv", "error_summary") == "Kontrollera följande"
    assert text("en", "error_summary") == "There is a problem"
    assert text("sv", "max_chars", n=5) == "Högst 5 tecken."
    assert text("en", "step", n=2, count=3) == "Step 2 of 3"
    assert text("de", "submit") == "Lähetä"
    assert has_text("submit") and not has_text("no such key")
    with pytest.raises(KeyError):
        text("sv", "no such key")


def test_translators_see_the_section_comment_and_the_placeholders_flag() -> None:
    template = {m.context: m for m in read(INTERFACE_LOCALE / "messages.pot") if m.id}
    assert template["required_text"].auto_comments == [
        "Validation messages: each reads alone beside its field (the summary puts the label before it)."]
    assert "python-brace-format" in template["minimum"].flags
    assert template["skip"].auto_comments == ["Page furniture"]
    assert template["pattern"].id == template["format"].id  # one Finnish text, two keys: the context tells them apart


def test_the_command_adds_a_new_key_to_every_catalog_and_reports_it(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(INTERFACE_LOCALE, tmp_path, dirs_exist_ok=True)
    monkeypatch.setattr(messages, "_MESSAGES", {**FINNISH, "thanks": "Kiitos palautteestasi, {name}!"})
    result = CliRunner().invoke(main, ["i18n", "interface", "--locale", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        str(tmp_path / "messages.pot"),
        f"{tmp_path / 'en.po'}: 1 untranslated, 0 fuzzy: thanks",
        f"{tmp_path / 'sv.po'}: 1 untranslated, 0 fuzzy: thanks",
    ]
    assert {m.context for m in read(tmp_path / "messages.pot") if m.id} == {*FINNISH, "thanks"}
    swedish = {m.context: m for m in read(tmp_path / "sv.po") if m.id}
    assert swedish["thanks"].id == "Kiitos palautteestasi, {name}!" and not swedish["thanks"].string
    assert swedish["error_summary"].string == "Kontrollera följande"
    assert INTERFACE_LOCALE.joinpath("sv.po").read_text() != (tmp_path / "sv.po").read_text()


def test_a_changed_finnish_text_keeps_its_translation_as_a_fuzzy_suggestion_shown_in_finnish(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    changed = {**FINNISH, "submit": "Lähetä lomake"}
    progress = update_interface(changed, tmp_path, ["sv"])  # a new catalog: nothing translated yet
    assert len(progress[0].untranslated) == len(changed)
    shutil.copy(INTERFACE_LOCALE / "sv.po", tmp_path / "sv.po")
    [sv] = update_interface(changed, tmp_path, ["sv"])
    assert (sv.untranslated, sv.fuzzy, sv.total) == ([], ["submit"], len(changed))
    entry = next(m for m in read(tmp_path / "sv.po") if m.context == "submit")
    assert entry.string == "Skicka" and entry.fuzzy
    assert '#| msgid "Lähetä"\nmsgctxt "submit"\nmsgid "Lähetä lomake"\n' in (tmp_path / "sv.po").read_text()
    monkeypatch.setattr(messages, "LOCALE", tmp_path)
    monkeypatch.setattr(messages, "_MESSAGES", changed)
    swedish = messages._translations("sv")
    assert swedish["submit"] == "Lähetä lomake" and swedish["error_summary"] == "Kontrollera följande"


def test_a_translation_with_other_placeholders_is_shown_in_finnish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    catalog = read(INTERFACE_LOCALE / "sv.po")
    for message in catalog:
        if message.context == "max_chars":
            message.string = "Högst {antal} tecken."
        if message.context == "add":
            message.string = "Lägg till: {label"
    with (tmp_path / "sv.po").open("wb") as file:
        write_po(file, catalog)
    monkeypatch.setattr(messages, "LOCALE", tmp_path)
    with caplog.at_level(logging.WARNING, logger="core.messages"):
        swedish = messages._translations("sv")
    assert swedish["max_chars"] == "Enintään {n} merkkiä." and swedish["add"] == "Lisää: {label}"
    assert swedish["submit"] == "Skicka"
    assert "max_chars" in caplog.text and "add" in caplog.text


def test_the_texts_are_the_package_s_whatever_a_test_sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read once, on first use, from the package's own texts and catalogs: a test that points the module elsewhere
    changes nothing another test sees, and nothing can write into them."""
    (tmp_path / "sv.po").write_text('msgctxt "submit"\nmsgid "Lähetä"\nmsgstr "Skicka iväg"\n')
    monkeypatch.setattr(messages, "LOCALE", tmp_path)
    monkeypatch.setattr(messages, "_MESSAGES", {**FINNISH, "submit": "Lähetä heti"})
    assert messages._translations("sv")["submit"] == "Lähetä heti"  # the catalog is for an older Finnish text
    assert (text("fi", "submit"), text("sv", "submit"), text("de", "submit")) == ("Lähetä", "Skicka", "Lähetä")
    with pytest.raises(TypeError):
        messages._texts("sv")["submit"] = "Skicka iväg"  # type: ignore[index]
