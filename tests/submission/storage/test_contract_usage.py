"""The storage contract for `Storage.usage`: each form's use, counted in the database, on every engine."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from submission.storage import FormUsage, Storage
from submission.storage.usage import MONTHS, Windows
from tests.submission.storage import new_submission as new

pytestmark = pytest.mark.anyio


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def usage_of(found: list[FormUsage], form_id: str) -> FormUsage:
    (usage,) = [u for u in found if u.form_id == form_id]
    return usage


async def test_nothing_stored_is_no_usage(storage: Storage) -> None:
    assert await storage.usage() == []


async def test_submissions_are_counted_per_form_in_the_windows_and_this_month(storage: Storage) -> None:
    for form_id, times in (("kantelu", 3), ("toive", 1)):
        for _ in range(times):
            await storage.add_submission(new(form_id=form_id))
    found = await storage.usage()
    assert [u.form_id for u in found] == ["kantelu", "toive"]
    kantelu = usage_of(found, "kantelu")
    assert (kantelu.last_30_days, kantelu.last_365_days) == (3, 3)
    assert list(kantelu.per_month) == [month for month, _ in Windows.at(now()).months]
    assert len(kantelu.per_month) == MONTHS and list(kantelu.per_month.values())[-1] == 3
    assert sum(kantelu.per_month.values()) == 3
    assert usage_of(found, "toive").last_30_days == 1
    assert (kantelu.drafts_started, kantelu.drafts_sent, kantelu.median_seconds_to_send) == (0, 0, None)
    assert kantelu.completion_rate is None


async def test_as_of_a_later_time_submissions_move_out_of_the_windows(storage: Storage) -> None:
    await storage.add_submission(new())
    later = usage_of(await storage.usage(now() + dt.timedelta(days=40)), "kantelu")
    assert (later.last_30_days, later.last_365_days) == (0, 1)
    assert sum(later.per_month.values()) == 1 and list(later.per_month.values())[-1] == 0
    year_on = usage_of(await storage.usage(now() + dt.timedelta(days=400)), "kantelu")
    assert (year_on.last_30_days, year_on.last_365_days, sum(year_on.per_month.values())) == (0, 0, 0)
    assert await storage.usage(now() - dt.timedelta(days=1)) == []  # counted up to the time asked


async def test_drafts_started_and_sent_give_the_completion_rate(storage: Storage) -> None:
    drafts = [await storage.add_draft("kantelu", "fi", 7, {}) for _ in range(4)]
    await storage.add_draft("toive", "fi", 7, {})
    await storage.add_submission(new(draft_id=drafts[0].id))
    found = await storage.usage()
    kantelu, toive = usage_of(found, "kantelu"), usage_of(found, "toive")
    assert (kantelu.drafts_started, kantelu.drafts_sent, kantelu.completion_rate) == (4, 1, 0.25)
    assert (toive.drafts_started, toive.drafts_sent, toive.last_365_days) == (1, 0, 0)
    assert toive.per_month == dict.fromkeys(kantelu.per_month, 0)
    assert toive.median_seconds_to_send is None


async def test_the_median_time_to_send_is_the_middle_one_or_the_mean_of_the_two(storage: Storage) -> None:
    drafts = [await storage.add_draft("kantelu", "fi", 7, {}) for _ in range(4)]
    for draft, wait in zip(drafts[:3], (0.0, 0.4, 1.2), strict=True):
        await asyncio.sleep(wait)
        await storage.add_submission(new(draft_id=draft.id))
    odd = usage_of(await storage.usage(), "kantelu").median_seconds_to_send
    assert odd is not None and 0.35 <= odd < 1.0  # the second: created at once, sent after 0.4 s
    await asyncio.sleep(0.8)
    await storage.add_submission(new(draft_id=drafts[3].id))
    even = usage_of(await storage.usage(), "kantelu").median_seconds_to_send
    assert even is not None and odd + 0.5 <= even < 2.4  # the mean of the second (~0.4 s) and the third (~1.6 s)


def test_months_are_calendar_months_in_finnish_time() -> None:
    windows = Windows.at(dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC))  # 1 January 2027, 00:30 in Finland
    assert [m for m, _ in windows.months][-2:] == ["2026-12", "2027-01"] and windows.months[0][0] == "2026-02"
    assert windows.months[-1][1] == dt.datetime(2026, 12, 31, 22, 0, tzinfo=dt.UTC)
    assert windows.end == dt.datetime(2027, 1, 31, 22, 0, tzinfo=dt.UTC)
    summer = Windows.at(dt.datetime(2026, 7, 15, tzinfo=dt.UTC))
    assert summer.months[-1][1] == dt.datetime(2026, 6, 30, 21, 0, tzinfo=dt.UTC)  # summer time, UTC+3
