"""Dates, times and numbers as people read them: d.M.yyyy in every language, clock times and
numbers in each language's own way, every moment in Finnish time (domain.md, "Languages")."""

from __future__ import annotations

import datetime as dt

from babel.numbers import format_decimal, format_percent

from core.messages import text
from core.timezone import HELSINKI

#: Babel's locale for each language: fi and sv group thousands with a no-break space and write a
#: decimal comma; en groups with a comma and writes a decimal point.
_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en"}


def date_shown(day: dt.date) -> str:
    """A date as d.M.yyyy, the same in every language: `3.10.2025`."""
    return f"{day.day}.{day.month}.{day.year}"


def clock_shown(moment: dt.time | dt.datetime, lang: str, seconds: bool = True) -> str:
    """A time of day: `17.49.05` in Finnish and Finland Swedish, `17:49:05` in English."""
    separator = ":" if lang == "en" else "."
    parts = [f"{moment.hour:02d}", f"{moment.minute:02d}"] + ([f"{moment.second:02d}"] if seconds else [])
    return separator.join(parts)


def moment_shown(moment: dt.datetime, lang: str, seconds: bool = True) -> str:
    """A moment in Finnish time, in the language's words: `23.11.2026 klo 17.49.05`, `... kl. 17.49.05`,
    `... at 17:49:05`. A moment without a zone is taken to be Finnish time already."""
    local = moment.astimezone(HELSINKI) if moment.tzinfo is not None else moment
    return text(lang, "time_format", date=date_shown(local), time=clock_shown(local, lang, seconds))


def number_shown(value: int | float, lang: str) -> str:
    """A number with the language's separators, every decimal kept: `1 234,5` (no-break space), `1,234.5`."""
    return format_decimal(value, locale=_LOCALES.get(lang, "fi_FI"), decimal_quantization=False)


def decimal_shown(value: float, lang: str) -> str:
    """A number with one decimal, in the language's way: `3,5`, `2,0`; `3.5` in English."""
    return format_decimal(value, format="#,##0.0", locale=_LOCALES.get(lang, "fi_FI"))


def percent_shown(share: float, lang: str) -> str:
    """A share as whole per cent, in the language's way: `46 %` (no-break space) in Finnish and Swedish, `46%`."""
    return format_percent(share, locale=_LOCALES.get(lang, "fi_FI"))
