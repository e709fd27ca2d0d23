"""The usage statements are portable: the same rows give the same counts and medians on SQLite and on a real
PostgreSQL (through psql, in a schema of its own, dropped afterwards), so the PostgreSQL engine reuses them."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import uuid
from typing import Any

import submission.storage.usage as u
from tests.postgres import SERVER, reachable

POSTGRES = SERVER
NOW = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
#: id, form, received (UTC): the last two in Finnish December (one at 00:30 on the 1st), one in June, one later.
SUBMISSIONS = [("s1", "kantelu", "2026-12-07T10:00:00+00:00"), ("s2", "kantelu", "2026-11-30T22:30:00+00:00"),
               ("s3", "kantelu", "2026-06-01T00:00:00+00:00"), ("s4", "toive", "2026-12-01T00:00:00+00:00"),
               ("s5", "kantelu", "2027-01-01T00:00:00+00:00")]
DRAFTS = [("d1", "kantelu", "2026-12-07T09:59:00+00:00", "s1"), ("d2", "kantelu", "2026-11-30T22:00:00+00:00", "s2"),
          ("d3", "kantelu", "2026-12-01T00:00:00+00:00", None), ("d4", "toive", "2026-11-30T23:00:00+00:00", "s4")]
TABLES = ("CREATE TABLE submissions (id TEXT PRIMARY KEY, form_id TEXT, received_at {time});"
          "CREATE TABLE drafts (id TEXT PRIMARY KEY, form_id TEXT, created_at {time}, submission_id TEXT);")


def expected() -> list[tuple[Any, ...]]:
    months = dict.fromkeys((m for m, _ in u.Windows.at(NOW).months), 0)
    return [("kantelu", 2, 3, {**months, "2026-06": 1, "2026-12": 2}, 3, 2, 930.0),
            ("toive", 1, 1, {**months, "2026-12": 1}, 1, 1, 3600.0)]


def as_tuples(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [(r.form_id, r.last_30_days, r.last_365_days, r.per_month, r.drafts_started, r.drafts_sent,
             None if r.median_seconds_to_send is None else round(r.median_seconds_to_send, 3)) for r in rows]  # julianday: ms


def test_sqlite_counts_the_windows_in_finnish_months() -> None:
    db = sqlite3.connect(":memory:")
    db.executescript(TABLES.format(time="TEXT"))
    db.executemany("INSERT INTO submissions VALUES (?, ?, ?)", SUBMISSIONS)
    db.executemany("INSERT INTO drafts VALUES (?, ?, ?, ?)", DRAFTS)
    windows = u.Windows.at(NOW)
    counts = db.execute(u.submission_counts(), [b.isoformat() for b in windows.bounds()]).fetchall()
    rows = u.form_usage(windows, counts, db.execute(u.DRAFT_COUNTS).fetchall(),
                        db.execute(u.median_to_send(u.SQLITE_SECONDS)).fetchall())
    assert as_tuples(rows) == expected()


def psql(sql: str) -> list[list[str]]:
    result = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-F", "|", "-v", "ON_ERROR_STOP=1", POSTGRES],
                            input=sql, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [line.split("|") for line in result.stdout.splitlines() if "|" in line]


def test_postgresql_runs_the_same_statements_with_the_same_results() -> None:
    reachable()
    assert shutil.which("psql") is not None, "psql, PostgreSQL's client, is needed"
    windows, schema = u.Windows.at(NOW), f"usage_{uuid.uuid4().hex[:12]}"
    counts = u.submission_counts("%s")
    for bound in windows.bounds():
        counts = counts.replace("%s", f"'{bound.isoformat()}'::timestamptz", 1)
    values = ", ".join("(" + ", ".join("NULL" if v is None else f"'{v}'" for v in row) + ")" for row in DRAFTS)
    setup = (f"CREATE SCHEMA {schema}; SET search_path TO {schema};" + TABLES.format(time="timestamptz")
             + "INSERT INTO submissions VALUES " + ", ".join(f"('{i}', '{f}', '{t}')" for i, f, t in SUBMISSIONS)
             + f"; INSERT INTO drafts VALUES {values};")
    try:
        found = [psql(f"{setup} {statement};") if i == 0 else psql(f"SET search_path TO {schema}; {statement};")
                 for i, statement in enumerate((counts, u.DRAFT_COUNTS, u.median_to_send(u.POSTGRESQL_SECONDS)))]
    finally:
        psql(f"DROP SCHEMA IF EXISTS {schema} CASCADE;")
    rows = u.form_usage(windows, [[r[0], *map(int, r[1:])] for r in found[0]],
                        [[r[0], int(r[1]), int(r[2])] for r in found[1]], [[r[0], float(r[1])] for r in found[2]])
    assert as_tuples(rows) == expected()
