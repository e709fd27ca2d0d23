"""The complaint in pages in Chromium without JavaScript (issue 11, item 13): a send refused at the review, then
one that goes, then the browser's Back shows the confirmation, not ERR_CACHE_MISS; the review's language switch
keeps the ticked declaration."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from core.catalog import load_catalog
from tests.conftest import SCHEMAS
from tests.gallery import STATES, Walker, filled, gallery
from tests.test_browser import browser

__all__ = ["browser"]  # the fixture, shared

pytestmark = pytest.mark.browser


def at_review(site: str, browser: Any) -> tuple[Any, Any]:
    """A context without JavaScript whose draft of the complaint is filled in up to the review, and its page."""
    walker = Walker(site)
    review = filled(walker, load_catalog(SCHEMAS), "kantelu", "fi")
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(walker.cookies())
    page = context.new_page()
    page.goto(site + review)
    assert page.locator("h1").inner_text() == "Tarkista vastaukset"
    return context, page


def test_back_after_a_refused_then_accepted_send_shows_the_confirmation(site: str, browser: Any) -> None:
    context, page = at_review(site, browser)
    page.get_by_role("button", name="Lähetä kantelu").click()
    assert page.title().startswith("Virhe: ") and page.url.endswith("/forms/kantelu/review?lang=fi&checked=1")
    page.get_by_label("Vakuutan, että antamani tiedot ovat oikeita").check()
    page.get_by_role("button", name="Lähetä kantelu").click()
    page.wait_for_url(re.compile(r".*/receipts/.*"))
    reference = page.locator("strong.reference").inner_text()
    page.go_back()
    page.wait_for_url(re.compile(r".*/receipts/.*"))
    assert page.locator("strong.reference").inner_text() == reference
    page.go_back()  # the review before: a plain address too
    page.wait_for_url(re.compile(r".*/receipts/.*"))
    assert page.locator("strong.reference").inner_text() == reference
    context.close()


def test_the_reviews_language_switch_keeps_the_declaration_without_javascript(site: str, browser: Any) -> None:
    context, page = at_review(site, browser)
    page.get_by_label("Vakuutan, että antamani tiedot ovat oikeita").check()
    page.get_by_role("button", name="på svenska").click()
    assert page.url.endswith("/forms/kantelu/review?lang=sv") and page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("input[name='/vakuutus']").is_checked()
    assert page.locator(".error-summary").count() == 0
    context.close()


def test_the_first_pages_back_link_to_the_start_page_works_by_keyboard_without_javascript(
        site: str, browser: Any) -> None:
    """Tab reaches "Takaisin" on the complaint's first page right after the skip link and the language switch;
    Enter opens the start page; its "Aloita", by keyboard too, the first page again. With answers kept (a page
    sent with a problem keeps them in the draft), the start page says so and "Jatka" comes back to them."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/forms/kantelu/pages/kantelija?lang=fi")

    def tab_to(selector: str, key: str = "Tab") -> None:
        for _ in range(10):
            page.keyboard.press(key)
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("a.back-link")
    assert page.evaluate("document.activeElement.textContent") == "Takaisin"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/forms/kantelu?lang=fi")
    assert page.locator("h1").inner_text() == "Kantelu" and page.locator(".start__draft").count() == 0
    tab_to("a.button--start")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/forms/kantelu/pages/kantelija?lang=fi")
    page.get_by_label("Etunimet").fill("Maija")
    page.get_by_role("button", name="Jatka", exact=True).click()  # refused: the other answers are missing
    assert page.locator(".error-summary").count() == 1
    tab_to("a.back-link", "Shift+Tab")  # back from the error summary, which has the focus
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/forms/kantelu?lang=fi")
    assert page.locator(".start__draft").inner_text().startswith("Olet jo aloittanut tämän lomakkeen.")
    page.get_by_role("button", name="Jatka").click()
    assert page.get_by_label("Etunimet").input_value() == "Maija"
    context.close()


def test_the_gallery_photographs_every_state_of_a_form(browser: Any, tmp_path: Path) -> None:
    """`python -m tests.gallery` (docs/screenshots.md), narrowed to one form, language and width."""
    made = gallery(tmp_path, ["kantelu"], ["sv"], [320], browser)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(
        [f"kantelu-sv-{s}-320.png" for s in STATES if s != "receipt"] + ["kantelu-sv-receipt.png"])
    assert made.read_text().count("<img") == len(STATES)
    from PIL import Image

    with Image.open(tmp_path / "kantelu-sv-receipt.png") as receipt:  # the PDF's A4 pages, drawn at twice 72 dpi
        assert receipt.width == 1191 and receipt.height > 1684
