"""The catalogue in Chromium: axe-core and the Nu Html Checker on the index, searched and filtered; no
sideways scrolling at 320 px; photographed at 320 and 1280 px (tests/screenshots)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from lomake.audit import AXE, VNU, nu_messages
from tests.conftest import SCHEMAS, get, serving
from tests.test_browser import SCREENSHOTS, axe_violations, browser, require

__all__ = ["browser"]  # the fixture, shared

pytestmark = pytest.mark.browser

#: The index as people reach it: whole, searched (found and not), filtered, in each language.
VIEWS = {"index": "/?lang=fi", "search": "/?lang=sv&q=rattelse", "nothing": "/?lang=en&q=xyzzy",
         "filter": "/?lang=fi&agency=lvv&category=kantelu"}


def test_axe_finds_nothing_and_nothing_scrolls_sideways(site: str, browser: Any) -> None:
    require(AXE, "axe-core")
    SCREENSHOTS.mkdir(exist_ok=True)
    problems: dict[str, list[str]] = {}
    too_wide: dict[str, int] = {}
    for width in (320, 1280):
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
        page = context.new_page()
        for name, path in VIEWS.items():
            page.goto(site + path)
            problems[f"{name} at {width}"] = axe_violations(page)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide[f"{name} at {width}"] = scroll
            page.screenshot(path=str(SCREENSHOTS / f"catalogue-{name}-{width}.png"), full_page=True)
        context.close()
    assert {k: v for k, v in problems.items() if v} == {}
    assert too_wide == {}


def test_the_search_works_without_javascript(site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/?lang=fi")
    page.get_by_label("Hae lomaketta nimellä tai sanalla").fill("oikaisu")
    page.get_by_role("button", name="Hae", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Yksi lomake löytyi haulla ”oikaisu”"
    page.get_by_role("link", name="Lupa- ja valvontavirasto").click()
    assert page.locator("[aria-current=page]").all_inner_texts() == ["Lupa- ja valvontavirasto", "Kaikki"]
    page.locator(".form-list").get_by_role("link", name="Oikaisuvaatimus").click()
    assert page.url.endswith("/forms/oikaisuvaatimus?lang=fi")
    context.close()


def test_the_nu_html_checker_finds_nothing(site: str, tmp_path: Path) -> None:
    require(VNU, "vnu-jar")
    require("java", "java")
    files = []
    for name, path in VIEWS.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(get(site + path)[1])
    messages = nu_messages(files)
    assert [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


def test_a_broken_form_s_page_for_its_author_passes_axe_and_nu_and_fits_320_px(browser: Any, tmp_path: Path) -> None:
    """`lomake serve --reload`: the page that shows a broken file's problems is a page like the others."""
    require(AXE, "axe-core")
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    kantelu = tmp_path / "schemas" / "kantelu.json"
    kantelu.write_text(kantelu.read_text().replace('"type": "object",', '"type": "object"', 1))
    person = tmp_path / "schemas" / "common" / "person.json"
    person.write_text(person.read_text().replace('"type": "string"', '"type": "strin"', 1))
    with serving(tmp_path, "--reload") as base:
        context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 800})
        page = context.new_page()
        for form_id in ("kantelu", "oikaisuvaatimus"):
            answer = page.goto(f"{base}/forms/{form_id}?lang=en")
            assert answer is not None and answer.status == 503
            (tmp_path / f"broken-{form_id}.html").write_text(answer.text())  # as served, before axe is added
            assert page.locator(".broken-form__problem").count() >= 1
            assert axe_violations(page) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            page.screenshot(path=str(SCREENSHOTS / f"broken-{form_id}-320.png"), full_page=True)
        context.close()
    if VNU.exists() and shutil.which("java"):
        assert nu_messages(sorted(tmp_path.glob("broken-*.html"))) == []
