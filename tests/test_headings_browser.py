"""Long words in headings at 320 px in Chromium, in Finnish, Swedish and English, with and without JavaScript: no
page scrolls sideways, and a heading's word that does not fit on a line breaks where renderer/hyphens.py put a
soft hyphen (shown as "-"), never between two letters at random (`overflow-wrap`)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from core.catalog import load_catalog
from core.messages import LANGUAGES
from tests.conftest import SCHEMAS
from tests.gallery import Walker, filled
from tests.samples import SAAVUTETTAVUUSPALAUTE
from tests.test_browser import browser

__all__ = ["browser"]  # the fixture, shared

pytestmark = pytest.mark.browser

#: Each heading shown on the page (`selector`): its text, its font size in px, and every line break inside a word
#: (`at`: the letters either side; `hyphen`: whether a soft hyphen was there). A line break is a letter whose box
#: starts below the previous letter's; a letter after a hyphenated break also has a box at the end of the line
#: before (the hyphen's), so its last box counts.
LINES = r"""
(selector) => {
  const letter = /\p{L}/u;
  const headings = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.visually-hidden') || !el.getClientRects().length) continue;
    const text = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const breaks = [];
    let previous = null, soft = false, node;
    while ((node = text.nextNode())) {
      for (let i = 0; i < node.data.length; i++) {
        const c = node.data[i];
        if (c === '\u00ad') { soft = true; continue; }
        if (/\s/.test(c)) { previous = null; soft = false; continue; }
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const boxes = [...range.getClientRects()].filter(box => box.width > 0);
        if (!boxes.length) continue;
        const box = boxes[boxes.length - 1];
        if (previous && box.top >= previous.bottom - 1 && letter.test(previous.c) && letter.test(c)) {
          breaks.push({at: previous.c + c, hyphen: soft});
        }
        previous = {c, bottom: box.bottom};
        soft = false;
      }
    }
    headings.push({tag: el.tagName, text: el.textContent.trim(), size: parseFloat(getComputedStyle(el).fontSize),
                   breaks});
  }
  return {scrollWidth: document.documentElement.scrollWidth, headings};
}
"""
HEADINGS = "h1, h2, h3, legend, .form-list__title, .task-list__name"
#: The sample pages, with the h1 whose long word cannot fit one line at 320 px, by language.
PAGES = {
    "/": {},
    "/forms/saavutettavuuspalaute": {"fi": "Saavutettavuuspalaute"},
    "/forms/ymparistolupa": {"fi": "Ympäristölupahakemus"},
    "/forms/ymparistolupa/pages/hakija": {},
    "/forms/ymparistolupa/tasks": {},
    "/forms/oikaisuvaatimus": {},
    "/forms/oikaisuvaatimus/pages/tekija": {"fi": "Oikaisuvaatimuksen tekijä"},
    "/forms/kantelu": {},
    "/forms/kantelu/pages/kantelija": {},
    "/accessibility/lvv": {"fi": "Saavutettavuusseloste: Lupa- ja valvontavirasto",
                           "sv": "Tillgänglighetsutlåtande: Tillstånds- och tillsynsverket"},
}


def confirmation(site: str, lang: str) -> str:
    """The confirmation page of a feedback sent through the API."""
    request = urllib.request.Request(f"{site}/api/v1/forms/saavutettavuuspalaute/submissions?lang={lang}",
                                     json.dumps(SAAVUTETTAVUUSPALAUTE).encode(), {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        pdf_url = str(json.load(response)["receipt_url"])
    return "/receipts/" + pdf_url.rsplit("/", 1)[1].removesuffix(".pdf")


def lines(page: Any, url: str) -> dict[str, Any]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    found: dict[str, Any] = page.evaluate(LINES, HEADINGS)
    return found


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_long_words_in_headings_break_at_hyphens_at_320_px(site: str, browser: Any, lang: str,
                                                           javascript: bool) -> None:
    walker = Walker(site)
    review = filled(walker, load_catalog(SCHEMAS), "oikaisuvaatimus", lang)
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=javascript)
    context.add_cookies(walker.cookies())
    page = context.new_page()
    urls = {**{f"{path}?lang={lang}": PAGES[path].get(lang) for path in PAGES},
            review: None, f"{confirmation(site, lang)}?lang={lang}": None}
    for url, long_h1 in urls.items():
        found = lines(page, site + url)
        assert found["scrollWidth"] <= 320, url
        at_random = [(h["text"], b["at"]) for h in found["headings"] for b in h["breaks"] if not b["hyphen"]]
        assert not at_random, url
        (h1,) = [h for h in found["headings"] if h["tag"] == "H1"]
        assert 24 <= h1["size"] <= 32, url  # GOV.UK's h1 on a phone: "l" 24 px to "xl" 32 px
        if long_h1:
            assert h1["text"].replace("\u00ad", "") == long_h1 and [b for b in h1["breaks"] if b["hyphen"]], url
    context.close()


def test_without_soft_hyphens_the_same_heading_breaks_between_letters(site: str, browser: Any) -> None:
    """The check above can fail: the feedback form's h1 as written, without its soft hyphens, breaks between two
    letters at 320 px (as it did before renderer/hyphens.py)."""
    page = browser.new_page(viewport={"width": 320, "height": 640})
    lines(page, f"{site}/forms/saavutettavuuspalaute?lang=fi")
    page.evaluate("() => { const h1 = document.querySelector('h1'); h1.textContent = h1.textContent.replace(/\\u00ad/g, ''); }")
    found = page.evaluate(LINES, "h1")
    assert [b["hyphen"] for b in found["headings"][0]["breaks"]] == [False]
    page.close()
