"""Soft hyphens (U+00AD) in the long words of headings, so that a narrow screen breaks "Saavutettavuus-palaute"
between syllables, with a visible hyphen, instead of at any letter (`overflow-wrap`) or past the screen's edge.

Swedish and English by the LibreOffice hyphenation patterns that `pyphen` ships (WeasyPrint's own dependency).
`pyphen` has none for Finnish (LibreOffice hyphenates Finnish with Voikko, a dictionary and a C library), so
Finnish goes by its syllable rules (Kielitoimiston ohjepankki, "Tavutus"), which are regular enough to apply
mechanically: a break before a consonant followed by a vowel, and between two vowels that are neither a long
vowel nor a diphthong. Where a compound's second part begins with a vowel after a consonant, the consonant rule
alone would split "rakennus|ilmoitus" as "rakennu-silmoitus"; a short list of such parts common in public
forms puts the break at the seam. A word the rules cannot place a break in is left whole.

Only headings are hyphenated: titles in `<title>`, attributes, values, JSON, CSV, the PDF receipt, and the names
of controls and links (labels, legends, the catalogue's links: what voice control matches and braille shows, as
Chromium keeps U+00AD in accessible names) keep the text as written. Screen readers do not speak U+00AD.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import pyphen

SOFT_HYPHEN = "\u00ad"
#: Words of this many letters or more get soft hyphens. At 320 px an h1 (32 px, bold) holds some 16 letters on
#: its 288 px line; 12 leaves room for people whose browsers have a larger default font.
LONG_WORD = 12
#: Letters kept together at a word's start and end: no line begins or ends with a lone letter or two.
LEFT, RIGHT = 2, 3
#: A word's syllable breaks: the positions where a syllable begins, after the first.
_Breaks = Callable[[str], list[int]]
_WORD = re.compile(rf"[^\W\d_]{{{LONG_WORD},}}")
#: The `pyphen` patterns for each language; Finnish is hyphenated by `finnish_breaks`.
_PATTERNS = {"sv": "sv", "en": "en_US"}

_VOWELS = frozenset("aeiouyäöå")
#: Vowel pairs that are one syllable: the diphthongs (Finnish vowel harmony keeps `ay`, `äu`... to compound
#: seams, where they are split), and `ie`, `uo` and `yö`, diphthongs in a word's first syllable only (`tie-to`,
#: but `vi-en`), left whole everywhere, as their split in later syllables depends on the word.
_DIPHTHONGS = frozenset({*(v + "i" for v in "aeouyäö"), "au", "eu", "iu", "ou", "ey", "iy", "äy", "öy",
                         "ie", "uo", "yö"})
#: Compound parts that begin with a vowel, common in the names of public forms and their pages: after a vowel
#: and a consonant (a Finnish word's ending: `-as`, `-us`, `-en`), the seam comes before them ("rakennus-ilmoitus",
#: "oppilas-asia"), not before the consonant.
_VOWEL_PARTS = ("ilmoitu", "aloit", "alue", "asia", "avustu", "asetu", "esity", "ehdotu", "oikeu", "osoit", "ohje",
                "etuu", "anomu", "arvioi", "ympäristö", "yhteys", "yritys", "opetu", "opinto", "asuk", "omistaj",
                "elinkeino", "elämä", "asunto", "eläke", "isyys", "äitiys", "avio")


def hyphenated(text: str, lang: str) -> str:
    """`text` with soft hyphens at the syllable breaks of its words of `LONG_WORD` letters or more."""
    breaks = _breaker(lang)
    if breaks is None or SOFT_HYPHEN in text:
        return text
    return _WORD.sub(lambda word: _with_hyphens(word.group(), breaks(word.group())), text)


def _with_hyphens(word: str, at: list[int]) -> str:
    allowed = [i for i in at if LEFT <= i <= len(word) - RIGHT]
    pieces = [word[start:end] for start, end in zip([0, *allowed], [*allowed, len(word)], strict=True)]
    return SOFT_HYPHEN.join(pieces)


@cache
def _breaker(lang: str) -> _Breaks | None:
    """How words of `lang` break: Finnish by its rules, others by `pyphen`'s patterns; None for a language
    without either."""
    if lang == "fi":
        return finnish_breaks
    patterns = _PATTERNS.get(lang) or pyphen.language_fallback(lang)
    if patterns is None:
        return None
    dictionary = pyphen.Pyphen(lang=patterns, left=LEFT, right=RIGHT)
    return lambda word: [int(at) for at in dictionary.positions(word)]


def finnish_breaks(word: str) -> list[int]:
    """The positions in a Finnish word where a syllable begins (after the first), by the consonant rule and the
    vowel rule, with the seam moved before a known vowel-initial compound part."""
    lower = word.lower()
    at: list[int] = []
    for i in range(1, len(lower)):
        if i + 1 < len(lower) and _consonant_rule(lower, i):
            at.append(i + 1 if _seam_after(lower, i) else i)
        elif _vowel_rule(lower, i):
            at.append(i)
    return sorted(set(at))


def _consonant_rule(word: str, i: int) -> bool:
    """A consonant followed by a vowel begins a syllable (`kas-sa`, `mark-ki-na`), when a vowel comes before it
    (no break inside a word's first consonants: `stra-te-gi-a`)."""
    return word[i] not in _VOWELS and word[i + 1] in _VOWELS and any(c in _VOWELS for c in word[:i])


def _seam_after(word: str, i: int) -> bool:
    """Whether the consonant at `i` ends a compound's first part: it follows a vowel, and a known part begins
    after it."""
    return word[i - 1] in _VOWELS and word.startswith(_VOWEL_PARTS, i + 1)


def _vowel_rule(word: str, i: int) -> bool:
    """Two vowels in a row are in different syllables unless they are the same (a long vowel) or a diphthong."""
    first, second = word[i - 1], word[i]
    return first in _VOWELS and second in _VOWELS and first != second and first + second not in _DIPHTHONGS
