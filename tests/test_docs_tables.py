"""The docs' tables list exactly what the code knows: settings, `x-lomake` keys, `ui:` keys.

`python -m tests.test_docs` rewrites the settings table (and docs/cli.md) from the code.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from core.check import KNOWN_UI_KEYS, READ_UI_KEYS
from core.forms import Agency, FormMeta, PageMeta, Rule, StartMeta
from core.settings import SETTINGS
from tests.conftest import ROOT

DOCS = ROOT / "docs"
FORM_FILES = DOCS / "form-files.md"
SETTINGS_DOC = DOCS / "settings.md"
CODE = ("core", "renderer", "submission", "web")


def tables(text: str) -> list[list[list[str]]]:
    """Each Markdown table in `text`: its rows (the header first, without the `---` line), each a list of cells."""
    found: list[list[list[str]]] = []
    previous = ""
    for line in text.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                found.append([])
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r"-+", cell) for cell in cells):
                found[-1].append(cells)
        previous = line
    return found


def table_after(text: str, heading: str) -> list[list[str]]:
    """The first table under `heading`."""
    return tables(text[text.index(f"\n{heading}\n"):])[0]


def keys(cell: str) -> list[str]:
    """The `code` keys a table's first cell names (`ui:title`, `ui:description` is two)."""
    return re.findall(r"`([^`]+)`", cell)


def section(text: str, heading: str) -> str:
    start = text.index(f"\n{heading}\n") + 1
    end = text.find("\n## ", start)
    return text[start:end if end != -1 else None]


def settings_rows() -> list[list[str]]:
    rows = [["setting", "option", "environment variable", "default", "what it is"]]
    for s in SETTINGS.values():
        default = f"`{s.shown}`" if s.shown else "none"
        rows.append([f"`{s.name}`", f"`{s.flag} {s.metavar}`".replace(" `", "`"), f"`{s.env}`", default, s.help])
    return rows


def settings_table() -> str:
    rows = settings_rows()
    lines = [rows[0], ["---"] * len(rows[0]), *rows[1:]]
    return "".join("| " + " | ".join(cells) + " |\n" for cells in lines)


def write_settings_table() -> None:
    """Rewrite the table of docs/settings.md from `core.settings`."""
    text = SETTINGS_DOC.read_text()
    table = re.compile(r"^\| setting \|.*?(?=^[^|]|\Z)", re.S | re.M)
    SETTINGS_DOC.write_text(table.sub(lambda _: settings_table(), text, count=1))


def test_the_settings_table_is_the_one_in_the_code() -> None:
    assert tables(SETTINGS_DOC.read_text()) == [settings_rows()], "run: python -m tests.test_docs"


def test_the_settings_are_in_the_documentation_list() -> None:
    assert "](docs/settings.md)" in section((ROOT / "README.md").read_text(), "## Documentation")


def test_the_x_lomake_table_lists_every_metadata_key() -> None:
    rows = table_after(FORM_FILES.read_text(), "## Form metadata: `x-lomake`")
    documented = [key for row in rows[1:] for key in keys(row[0])]
    assert sorted(documented) == sorted(f.alias or name for name, f in FormMeta.model_fields.items())


def test_the_keys_of_pages_start_pages_and_rules_are_documented() -> None:
    text = FORM_FILES.read_text()
    said: dict[type[BaseModel], str] = {
        PageMeta: section(text, "## Pages, review and drafts"),
        StartMeta: section(text, "## Pages, review and drafts"),
        Rule: section(text, "## Rules between answers"),
    }
    for model, words in said.items():
        for name, f in model.model_fields.items():
            key = f.alias or name
            assert f'"{key}"' in words or f"`{key}`" in words, f"{model.__name__}.{key} is not in docs/form-files.md"


def test_the_agency_keys_are_documented() -> None:
    text = section(FORM_FILES.read_text(), "## Agencies and reference numbers")
    in_table = [key for row in tables(text)[0][1:] for key in keys(row[0])]
    in_words = [key for key in ("name", "reference", "theme") if f'"{key}"' in text]
    assert sorted(in_table + in_words) == sorted(set(Agency.model_fields) - {"id"})  # the id is the file's name


def test_the_ui_table_lists_the_keys_lomake_reads() -> None:
    rows = table_after(FORM_FILES.read_text(), "## Presentation: `ui:` keys")
    documented = [key for row in rows[1:] for key in keys(row[0])]
    assert sorted(documented) == sorted(READ_UI_KEYS)
    assert READ_UI_KEYS <= KNOWN_UI_KEYS


def test_every_ui_key_the_code_reads_is_declared() -> None:
    """A `ui:` key read anywhere but in `lomake check` (which knows them all) is one of `READ_UI_KEYS`."""
    read = set()
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path != ROOT / "core" / "check.py":
                read |= set(re.findall(r"""["'](ui:[A-Za-z]+)["']""", path.read_text()))
    assert read == READ_UI_KEYS, "add the key to core.check.READ_UI_KEYS and to docs/form-files.md"


def test_tables_reads_cells_and_skips_the_rule_line() -> None:
    assert tables("text\n| a | b |\n| --- | --- |\n| `x` | y |\n\n|c|\n|---|\n") == [
        [["a", "b"], ["`x`", "y"]], [["c"]]]
