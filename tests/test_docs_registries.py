"""docs/form-files.md's tables of identifier formats, widgets and `ui:` keys, held to the registries they describe
(`core.identifiers.IDENTIFIERS`, `core.view.widgets.WIDGETS`, `core.check.KNOWN_UI_KEYS`)."""

from __future__ import annotations

import re
from itertools import takewhile

from core.check import KNOWN_UI_KEYS
from core.identifiers import IDENTIFIERS
from core.view.widgets import WIDGETS
from tests.conftest import ROOT

FORM_FILES = (ROOT / "docs" / "form-files.md").read_text()


def table_after(heading: str) -> list[list[str]]:
    """The rows of the first table under `heading`, each as its cells (the header row and the rule left out)."""
    section = FORM_FILES.split(f"\n{heading}\n", 1)[1]
    table = takewhile(lambda line: line.startswith("|"), section[section.index("\n|") + 1:].splitlines())
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in list(table)[2:]]


def named(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_the_identifier_table_lists_every_format_with_its_stored_example() -> None:
    rows = table_after("### Identifiers")
    assert [named(row[0]) for row in rows] == [[name] for name in IDENTIFIERS]
    assert {row[0].strip("`"): row[2].strip("`") for row in rows} == {i.name: i.example for i in IDENTIFIERS.values()}


def test_the_widget_table_lists_every_widget_the_view_builder_knows() -> None:
    listed = [name for row in table_after("### Widgets") for name in named(row[0])]
    assert sorted(listed) == sorted(WIDGETS)


def test_the_ui_keys_table_lists_only_known_keys() -> None:
    listed = [name for row in table_after("## Presentation: `ui:` keys") for name in named(row[0])]
    assert "ui:widget" in listed
    assert set(listed) <= KNOWN_UI_KEYS
