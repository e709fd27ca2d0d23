"""SQLite's tables, their migrations, connections and transactions, and rows read back as records."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from submission.storage.migrations import migrations
from submission.storage.records import ApiKey, Delivery, Draft, Submission, refusal_of

#: Columns that databases made before versioned migrations may lack: added before `0001_initial` runs.
LEGACY_COLUMNS = [
    ("submissions", "metadata", "TEXT NOT NULL DEFAULT '{}'"),
    ("attachments", "draft_id", "TEXT"),
    ("drafts", "handover", "TEXT"),
    ("drafts", "handed_over_at", "TEXT"),
    ("submissions", "seq", "INTEGER"),
]
#: Submissions stored before `seq` existed get theirs from the rowid (their insertion order: nothing deletes
#: submissions); `0001_initial` then starts the counter after the last.
SEQ_BACKFILL = "UPDATE submissions SET seq = rowid WHERE seq IS NULL"
MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"""

SUBMISSION_COLUMNS = ("id, reference, form_id, form_version, schema_hash, agency, data, data_sha256, received_at, "
                      "language, receipt_token, metadata")
DRAFT_COLUMNS = ("d.id, d.token, d.form_id, d.language, d.data, d.done, d.prefilled, d.locked, d.csrf, "
                 "d.created_at, d.expires_at, d.days, d.code, s.receipt_token, d.form_hash, d.refused")
ATTACHMENT_COLUMNS = "id, name, media_type, size, sha256"
API_KEY_COLUMNS = "id, agency, name, created_at, revoked_at"
DELIVERY_COLUMNS = ("id, submission_id, agency, status, attempts, created_at, next_attempt_at, last_error, "
                    "delivered_at")


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode with full sync, usable from the thread that is given it; autocommit
    unless in a `Transaction`; waits up to 30 s for another process's write."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply the versioned migrations the database lacks, in one transaction (safe to run at once from
    several processes); the names of those applied."""
    with Transaction(db):
        db.execute(MIGRATIONS_TABLE)
        applied = applied_migrations(db)
        if not applied and _has_table(db, "submissions"):
            _add_legacy_columns(db)
        names = []
        for migration in migrations("sqlite"):
            if migration.version not in applied:
                for statement in statements(migration.sql):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                           (migration.version, migration.name, stamp(now())))
                names.append(f"{migration.version:04d}_{migration.name}")
    return names


def applied_migrations(db: sqlite3.Connection) -> dict[int, dt.datetime]:
    """When each migration was applied, by version."""
    if not _has_table(db, "schema_migrations"):
        return {}
    return {row[0]: dt.datetime.fromisoformat(row[1])
            for row in db.execute("SELECT version, applied_at FROM schema_migrations")}


def statements(sql: str) -> list[str]:
    """The statements of a migration file, one by one."""
    found, statement = [], ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            found.append(statement.strip())
            statement = ""
    if statement.strip() and not all(part.strip().startswith("--") for part in statement.splitlines() if part.strip()):
        raise ValueError(f"a migration ends inside a statement: {statement.strip()[:80]!r}")
    return found


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _add_legacy_columns(db: sqlite3.Connection) -> None:
    """Bring a database made before versioned migrations to where `0001_initial` takes over."""
    for table, column, declaration in LEGACY_COLUMNS:
        if _has_table(db, table) and column not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    db.execute(SEQ_BACKFILL)


class Transaction:
    """`BEGIN IMMEDIATE` ... `COMMIT`, or `ROLLBACK` on any error: never a half-written record."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if kind else "COMMIT")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """A UTC time as stored: fixed width, so that text order is time order."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def submission_of(row: Any) -> Submission:
    return Submission(
        id=row[0], reference=row[1], form_id=row[2], form_version=row[3], schema_hash=row[4], agency=row[5],
        data=json.loads(row[6]), data_sha256=row[7], received_at=dt.datetime.fromisoformat(row[8]),
        language=row[9], receipt_token=row[10], metadata=json.loads(row[11] or "{}"),
    )


def draft_of(row: Any) -> Draft:
    return Draft(
        id=row[0], token=row[1], form_id=row[2], language=row[3], data=json.loads(row[4]),
        done=tuple(json.loads(row[5])), prefilled=json.loads(row[6]), locked=tuple(json.loads(row[7])),
        csrf=row[8], created_at=dt.datetime.fromisoformat(row[9]), expires_at=dt.datetime.fromisoformat(row[10]),
        days=row[11], code=row[12], sent_receipt=row[13], form_hash=row[14], refused=refusal_of(row[15]),
    )


def api_key_of(row: Any) -> ApiKey:
    return ApiKey(id=row[0], agency=row[1], name=row[2], created_at=dt.datetime.fromisoformat(row[3]),
                  revoked_at=dt.datetime.fromisoformat(row[4]) if row[4] else None)


def delivery_of(row: Any) -> Delivery:
    return Delivery(id=row[0], submission_id=row[1], agency=row[2], status=row[3], attempts=row[4],
                    created_at=dt.datetime.fromisoformat(row[5]), next_attempt_at=dt.datetime.fromisoformat(row[6]),
                    last_error=row[7], delivered_at=dt.datetime.fromisoformat(row[8]) if row[8] else None)
