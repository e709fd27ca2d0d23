"""The inventory report in a real browser, in each of its languages: axe-core and the Nu Html Checker find nothing,
and at 320 px wide the page does not scroll sideways (only its wide tables do, inside their own focusable regions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lomake.audit import AXE, VNU, nu_messages
from lomake.cli import main
from tests.conftest import SCHEMAS
from tests.test_browser import axe_violations, browser, require
from tests.test_inventory import stored

__all__ = ["browser"]  # the fixture, shared with the other browser tests

pytestmark = pytest.mark.browser
LANGUAGES = ("fi", "sv", "en")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report in each language, all made before the browser starts (Playwright holds an event loop)."""
    folder = tmp_path_factory.mktemp("inventory")
    stored(folder / "lomake.sqlite3")
    for lang in LANGUAGES:
        result = CliRunner().invoke(main, ["inventory", "--schemas", str(SCHEMAS), "--db",
                                           f"sqlite:///{folder}/lomake.sqlite3", "--out", str(folder / lang),
                                           "--lang", lang])
        assert result.exit_code == 0, result.output
    return {lang: folder / lang / "inventory.html" for lang in LANGUAGES}


@pytest.fixture(params=LANGUAGES)
def report(reports: dict[str, Path], request: pytest.FixtureRequest) -> Path:
    return reports[request.param]


@pytest.mark.parametrize("width", [320, 1280])
def test_axe_finds_nothing_and_the_page_reflows(report: Path, browser: Any, width: int) -> None:
    require(AXE, "axe-core")
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(report.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []
    context.close()


def test_the_nu_html_checker_finds_nothing(report: Path) -> None:
    require(VNU, "vnu-jar")
    require("java", "java")
    messages = nu_messages([report])
    assert [f"{m.get('lastLine')}: {m['message']}" for m in messages] == []
