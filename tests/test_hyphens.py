"""Soft hyphens in the long words of headings (renderer/hyphens.py): at syllable breaks, in the page's language,
only where text is shown, never where it is data. In Chromium at 320 px: tests/test_headings_browser.py."""

from __future__ import annotations

import json

import lxml.html
import pytest
from starlette.testclient import TestClient

from renderer.hyphens import SOFT_HYPHEN, finnish_breaks, hyphenated
from tests.conftest import unhyphenated
from tests.outline import pdf_bookmarks, pdf_words
from tests.samples import SAAVUTETTAVUUSPALAUTE


def shown(text: str, lang: str) -> str:
    return hyphenated(text, lang).replace(SOFT_HYPHEN, "-")


@pytest.mark.parametrize(("lang", "word", "breaks"), [
    ("fi", "Saavutettavuuspalaute", "Saa-vu-tet-ta-vuus-pa-laute"),
    ("fi", "Oikaisuvaatimus", "Oi-kai-su-vaa-ti-mus"),
    ("fi", "Ympäristölupahakemus", "Ym-pä-ris-tö-lu-pa-ha-ke-mus"),
    ("fi", "Ympäristönsuojelulaki", "Ym-pä-ris-tön-suo-je-lu-laki"),
    ("fi", "Hyvinvointialue", "Hy-vin-voin-ti-a-lue"),  # two vowels that are no diphthong: a break between
    ("fi", "Toimintayksikkö", "Toi-min-ta-yk-sikkö"),  # "ay" is no diphthong (vowel harmony): a compound's seam
    ("fi", "Rakennusilmoitus", "Ra-ken-nus-il-moi-tus"),  # a known part after a consonant: the break at the seam
    ("fi", "Oppilasasiaa", "Op-pi-las-a-siaa"),
    ("fi", "Fantasiakirjallisuus", "Fan-ta-si-a-kir-jal-li-suus"),  # "t|asia" after "n" is no seam
    ("fi", "Strategiatyöryhmä", "Stra-te-gi-a-työ-ryhmä"),  # a word's first consonants stay together
    ("sv", "Tillgänglighetsutlåtande", "Till-gäng-lig-hets-ut-lå-tande"),
    ("en", "Accessibility", "Ac-ces-si-bil-ity"),
])
def test_long_words_break_at_syllables(lang: str, word: str, breaks: str) -> None:
    assert shown(word, lang) == breaks
    assert unhyphenated(hyphenated(word, lang)) == word


def test_only_long_words_of_languages_it_knows_and_not_twice() -> None:
    assert shown("Lomake on vastaanotettu", "fi") == "Lomake on vas-taa-no-tettu"
    assert shown("Yhteystiedot", "fi") == "Yh-teys-tie-dot"  # 12 letters: the shortest that gets them
    assert shown("Henkilötunnus ja osoite", "fi") == "Hen-ki-lö-tun-nus ja osoite"
    assert hyphenated("Oikaisuohje", "fi") == "Oikaisuohje"  # 11 letters
    assert hyphenated("Lupa- ja valvontavirasto", "xx") == "Lupa- ja valvontavirasto"  # no patterns: as written
    authored = f"Saavutettavuus{SOFT_HYPHEN}palaute"
    assert hyphenated(authored, "fi") == authored  # the author's own soft hyphens are kept, none added
    assert finnish_breaks("Kissa") == [3]  # the consonant rule alone: kis-sa


@pytest.fixture
def page(client: TestClient) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(client.get("/forms/saavutettavuuspalaute?lang=fi").text)


def test_headings_are_hyphenated_where_they_are_shown_only(client: TestClient, page: lxml.html.HtmlElement) -> None:
    """The h1 has them; the page's title, every attribute, every name of a control (labels and legends: what voice
    control and braille get) and the API say the words as written."""
    h1 = page.xpath("string(//h1)")
    assert h1 == "Saa\xadvu\xadtet\xadta\xadvuus\xadpa\xadlaute"
    assert page.xpath("string(//title)") == "Saavutettavuuspalaute – Lupa- ja valvontavirasto"
    assert not [value for value in page.xpath("//@*") if SOFT_HYPHEN in value]
    assert page.xpath("string(//legend[contains(@class, 'legend--group')])") == "Yhteystietosi"
    assert not [name for name in page.xpath("//label | //legend") if SOFT_HYPHEN in name.text_content()]
    assert SOFT_HYPHEN not in client.get("/api/v1/forms").text
    assert SOFT_HYPHEN not in json.dumps(client.get("/api/v1/forms/saavutettavuuspalaute").json())


@pytest.mark.pdf
def test_the_confirmation_hyphenates_its_headings_and_the_receipt_pdf_does_not(client: TestClient) -> None:
    """The confirmation's answer headings have soft hyphens; the receipt PDF is rendered without them (its A4 lines
    hold the words whole, and text copied from a PDF would keep them)."""
    sent = client.post("/api/v1/forms/saavutettavuuspalaute/submissions", json=SAAVUTETTAVUUSPALAUTE)
    assert sent.status_code == 201, sent.text
    pdf_url = sent.json()["receipt_url"]
    confirmation = lxml.html.fromstring(client.get(pdf_url.removesuffix(".pdf")).text)
    headings = [h.text_content().strip() for h in confirmation.xpath("//h3[@class='summary-heading']")]
    assert "Yh\xadteys\xadtie\xadtosi" in headings
    pdf = client.get(pdf_url).content
    assert ("Yhteystietosi",) in [b[-1:] for b in pdf_bookmarks(pdf)] and "Yhteystietosi" in pdf_words(pdf)
    assert SOFT_HYPHEN not in pdf_words(pdf)
