"""The storage contract, continued: accessibility audits (`lomake audit`), only through `Storage`, on every engine."""

from __future__ import annotations

import datetime as dt

import pytest

from submission.storage import AuditProblem, Storage

pytestmark = pytest.mark.anyio

LABEL = AuditProblem(tool="axe-core", rule="label", impact="critical", message="Form elements must have labels",
                     page="fi: page 1 empty", selector="#f_nimi")
NU = AuditProblem(tool="nu", rule="error", impact="", message="Duplicate ID “f_nimi”.", page="sv: review",
                  selector="12:5")


def at(days: float) -> dt.datetime:
    return dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=days)


async def test_an_audit_is_kept_with_its_problems_as_given(storage: Storage) -> None:
    assert await storage.latest_audits() == []
    kept = await storage.add_audit("kantelu", "a" * 64, "axe-core 4.10.2; vnu 24.10.17", 14, (LABEL, NU), now=at(0))
    assert (kept.form_id, kept.form_hash, kept.pages, kept.problems) == ("kantelu", "a" * 64, 14, (LABEL, NU))
    assert await storage.latest_audits() == [kept]


async def test_only_the_latest_audit_of_each_form_is_given_by_form_id(storage: Storage) -> None:
    await storage.add_audit("kantelu", "old", "t", 3, (LABEL,), now=at(0))
    newest = await storage.add_audit("kantelu", "new", "t", 4, (), now=at(2))
    await storage.add_audit("kantelu", "older", "t", 2, (NU,), now=at(-1))  # stored last, made earlier
    other = await storage.add_audit("aloite", "h", "t", 1, (NU,), now=at(1))
    latest = await storage.latest_audits()
    assert latest == [other, newest]
    assert latest[1].audited_at == at(2) and latest[1].problems == ()
