"""SQLite's tables, their migrations, connections and transactions, and rows read back as records."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from submission.storage.records import ApiKey, Draft, Submission

TABLES = [
    """CREATE TABLE IF NOT EXISTS submissions (
        id TEXT PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        schema_hash TEXT NOT NULL,
        agency TEXT NOT NULL,
        data TEXT NOT NULL,
        data_sha256 TEXT NOT NULL,
        received_at TEXT NOT NULL,
        language TEXT NOT NULL,
        receipt_token TEXT NOT NULL UNIQUE,
        metadata TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX IF NOT EXISTS submissions_form ON submissions (form_id, received_at)",
    """CREATE TABLE IF NOT EXISTS attachments (
        id TEXT PRIMARY KEY,
        submission_id TEXT REFERENCES submissions (id),
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        content BLOB NOT NULL,
        uploaded_at TEXT NOT NULL,
        draft_id TEXT
    )""",  # draft_id: who holds an unclaimed upload, a draft's id or a one-page form's upload key
    "CREATE INDEX IF NOT EXISTS attachments_submission ON attachments (submission_id)",
    """CREATE TABLE IF NOT EXISTS drafts (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        code TEXT UNIQUE,
        form_id TEXT NOT NULL,
        language TEXT NOT NULL,
        data TEXT NOT NULL,
        done TEXT NOT NULL,
        prefilled TEXT NOT NULL,
        locked TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        days INTEGER NOT NULL,
        submission_id TEXT REFERENCES submissions (id)
    )""",
    "CREATE INDEX IF NOT EXISTS drafts_expiry ON drafts (expires_at)",
    """CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY,
        agency TEXT NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS reference_counters (
        agency TEXT NOT NULL,
        year INTEGER NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (agency, year)
    )""",
    """CREATE TABLE IF NOT EXISTS counters (
        name TEXT PRIMARY KEY,
        last INTEGER NOT NULL
    )""",  # `submissions`: the last `seq` handed out, counted up in the committing transaction
    """CREATE TABLE IF NOT EXISTS receipts (
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        language TEXT NOT NULL,
        pdf BLOB NOT NULL,
        rendered_at TEXT NOT NULL,
        PRIMARY KEY (submission_id, language)
    )""",
]
#: Columns added after the first release, for databases made before them.
ADDED_COLUMNS = [
    ("submissions", "metadata", "TEXT NOT NULL DEFAULT '{}'"),
    ("attachments", "draft_id", "TEXT"),
    ("drafts", "handover", "TEXT"),
    ("drafts", "handed_over_at", "TEXT"),
    # The submissions' commit order, the read API's cursor: counted up in the writer's transaction, never reused.
    ("submissions", "seq", "INTEGER"),
]
#: Indexes on added columns, made once the columns exist.
ADDED_INDEXES = [
    "CREATE UNIQUE INDEX IF NOT EXISTS drafts_handover ON drafts (handover)",
    "CREATE UNIQUE INDEX IF NOT EXISTS submissions_seq ON submissions (seq)",
    "CREATE INDEX IF NOT EXISTS submissions_agency_seq ON submissions (agency, seq)",
    "CREATE INDEX IF NOT EXISTS submissions_form_seq ON submissions (form_id, seq)",
]
#: Submissions stored before `seq` existed get theirs from the rowid (their insertion order: nothing deletes
#: submissions), and the counter starts after the last.
SEQ_BACKFILL = [
    "UPDATE submissions SET seq = rowid WHERE seq IS NULL",
    "INSERT OR IGNORE INTO counters (name, last) SELECT 'submissions', coalesce(max(seq), 0) FROM submissions",
]

SUBMISSION_COLUMNS = ("id, reference, form_id, form_version, schema_hash, agency, data, data_sha256, received_at, "
                      "language, receipt_token, metadata")
DRAFT_COLUMNS = ("d.id, d.token, d.form_id, d.language, d.data, d.done, d.prefilled, d.locked, d.csrf, "
                 "d.created_at, d.expires_at, d.days, d.code, s.receipt_token")
ATTACHMENT_COLUMNS = "id, name, media_type, size, sha256"
API_KEY_COLUMNS = "id, agency, name, created_at, revoked_at"


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode with full sync, usable from the thread that is given it; autocommit
    unless in a `Transaction`; waits up to 30 s for another process's write."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def migrate(db: sqlite3.Connection) -> None:
    """Make the tables, and add what an older database lacks; in one transaction, safe to run at once."""
    with Transaction(db):
        for statement in TABLES:
            db.execute(statement)
        for table, column, declaration in ADDED_COLUMNS:
            columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if column not in columns:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
                if column == "seq":
                    db.execute(SEQ_BACKFILL[0])
        for statement in [*ADDED_INDEXES, SEQ_BACKFILL[1]]:
            db.execute(statement)


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
        days=row[11], code=row[12], sent_receipt=row[13],
    )


def api_key_of(row: Any) -> ApiKey:
    return ApiKey(id=row[0], agency=row[1], name=row[2], created_at=dt.datetime.fromisoformat(row[3]),
                  revoked_at=dt.datetime.fromisoformat(row[4]) if row[4] else None)
