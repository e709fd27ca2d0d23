"""Form usage as every engine counts it: the time windows, and the SQL that aggregates in the database.

The statements are portable (SQLite 3.25+ and PostgreSQL run them as they are): `GROUP BY`, `SUM(CASE ...)`,
and the median with the window functions `ROW_NUMBER()` and `COUNT(*) OVER`. An engine gives only its
parameter placeholder and its expression for the seconds between two of its timestamps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.timezone import HELSINKI
from submission.storage.records import FormUsage

#: How many calendar months `FormUsage.per_month` counts, this one included.
MONTHS = 12
#: SQLite's seconds from a draft's creation to its submission's arrival (ISO 8601 text, with offsets).
SQLITE_SECONDS = "(julianday(s.received_at) - julianday(d.created_at)) * 86400.0"
#: PostgreSQL's, for `timestamptz` columns.
POSTGRESQL_SECONDS = "EXTRACT(EPOCH FROM (s.received_at - d.created_at))"


@dataclass(frozen=True)
class Windows:
    """The bounds `usage` counts between, as aware times: now, 30 and 365 days back, and the starts of the last
    `MONTHS` calendar months in Finnish time (oldest first, by `YYYY-MM`) and of the next one."""

    now: dt.datetime
    last_30_days: dt.datetime
    last_365_days: dt.datetime
    months: tuple[tuple[str, dt.datetime], ...]
    end: dt.datetime

    @classmethod
    def at(cls, now: dt.datetime) -> Windows:
        local = now.astimezone(HELSINKI)
        index = local.year * 12 + local.month - 1
        months = tuple((f"{i // 12:04d}-{i % 12 + 1:02d}", _month_start(i))
                       for i in range(index - MONTHS + 1, index + 1))
        return cls(now, now - dt.timedelta(days=30), now - dt.timedelta(days=365), months, _month_start(index + 1))

    def bounds(self) -> list[dt.datetime]:
        """The parameters of `submission_counts`, in order."""
        starts = [start for _, start in self.months]
        month_bounds = [b for pair in zip(starts, [*starts[1:], self.end], strict=True) for b in pair]
        return [self.last_30_days, self.last_365_days, *month_bounds, self.now]


def _month_start(index: int) -> dt.datetime:
    """The first moment of month `index` (year * 12 + month - 1) in Finnish time, in UTC."""
    return dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=HELSINKI).astimezone(dt.UTC)


def submission_counts(param: str = "?") -> str:
    """Per form: of the submissions received up to now, those in the last 30 and 365 days (at or after the
    bound), then in each month (at or after its start, before the next); `Windows.bounds()` are its parameters.
    One pass over the submissions."""
    month_sums = ", ".join(f"SUM(CASE WHEN received_at >= {param} AND received_at < {param} THEN 1 ELSE 0 END)"
                           for _ in range(MONTHS))
    days = f"SUM(CASE WHEN received_at >= {param} THEN 1 ELSE 0 END)"
    return (f"SELECT form_id, {days}, {days}, {month_sums} "
            f"FROM submissions WHERE received_at <= {param} GROUP BY form_id")


#: Per form: the drafts kept, and how many of them were sent.
DRAFT_COUNTS = "SELECT form_id, COUNT(*), COUNT(submission_id) FROM drafts GROUP BY form_id"


def median_to_send(seconds: str = SQLITE_SECONDS) -> str:
    """Per form: the median of the seconds from a sent draft's creation to its submission's arrival (the middle
    row, or the mean of the two middle rows: those whose rank n has 2n in total, total + 1 or total + 2)."""
    return (
        "WITH spans AS (SELECT d.form_id AS form_id, " + seconds + " AS seconds "
        "FROM drafts d JOIN submissions s ON s.id = d.submission_id), "
        "ranked AS (SELECT form_id, seconds, ROW_NUMBER() OVER (PARTITION BY form_id ORDER BY seconds) AS n, "
        "COUNT(*) OVER (PARTITION BY form_id) AS total FROM spans) "
        "SELECT form_id, AVG(seconds) FROM ranked WHERE 2 * n IN (total, total + 1, total + 2) GROUP BY form_id"
    )


def form_usage(windows: Windows, counts: Sequence[Sequence[Any]], drafts: Sequence[Sequence[Any]],
               medians: Sequence[Sequence[Any]]) -> list[FormUsage]:
    """The rows of the three statements as records, one per form with any submission or draft, by form id."""
    by_form: dict[str, list[Any]] = {}
    for form_id, *cells in counts:
        by_form[str(form_id)] = [*cells, 0, 0, None]
    for form_id, started, sent in drafts:
        by_form.setdefault(str(form_id), [0] * (2 + MONTHS) + [0, 0, None])[2 + MONTHS:4 + MONTHS] = [started, sent]
    for form_id, median in medians:
        by_form[str(form_id)][4 + MONTHS] = median
    return [_usage(form_id, windows, cells) for form_id, cells in sorted(by_form.items())]


def _usage(form_id: str, windows: Windows, cells: list[Any]) -> FormUsage:
    number = [int(c or 0) for c in cells[:4 + MONTHS]]  # SUM is NULL over no rows, numeric on PostgreSQL
    median = cells[4 + MONTHS]
    months = {month: number[2 + i] for i, (month, _) in enumerate(windows.months)}
    return FormUsage(form_id, number[0], number[1], months, number[2 + MONTHS], number[3 + MONTHS],
                     None if median is None else float(median))
