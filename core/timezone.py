"""Finnish time: the zone every time people see or type is in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

