"""Finnish time: the zone every time people see or type is in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def local_time(moment: dt.datetime, lang: str) -> str:
    """A moment in Finnish time to the minute, as people write it: `30.11.2026 klo 14.05`."""
    local = moment.astimezone(HELSINKI)
    day = f"{local.day}.{local.month}.{local.year}"
    return {"fi": f"{day} klo {local:%H.%M}", "sv": f"{day} kl. {local:%H.%M}"}.get(lang, f"{day} at {local:%H:%M}")
