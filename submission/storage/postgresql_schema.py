"""PostgreSQL's URL, migrations and rows read back as records."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from psycopg import AsyncConnection, sql

from submission.storage.errors import StorageError, UnsupportedDatabase
from submission.storage.migrations import migrations
from submission.storage.records import ApiKey, Delivery, Draft, Submission, refusal_of

#: The advisory lock that servers starting at once take in turn to migrate (any number: Lomake's own).
MIGRATION_LOCK = 0x4C6F6D616B65
MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"""
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

SUBMISSION_COLUMNS = ("id, reference, form_id, form_version, schema_hash, agency, data, data_sha256, received_at, "
                      "language, receipt_token, metadata")
DRAFT_COLUMNS = ("d.id, d.token, d.form_id, d.language, d.data, d.done, d.prefilled, d.locked, d.csrf, "
                 "d.created_at, d.expires_at, d.days, d.code, s.receipt_token, d.form_hash, d.refused")
ATTACHMENT_COLUMNS = "id, name, media_type, size, sha256"
API_KEY_COLUMNS = "id, agency, name, created_at, revoked_at"
DELIVERY_COLUMNS = ("id, submission_id, agency, status, attempts, created_at, next_attempt_at, last_error, "
                    "delivered_at")


def connection_args(url: str) -> tuple[str, str | None]:
    """The libpq URL to connect to, and the schema Lomake's tables are in (`?schema=name`; None: the
    database's search path, `public` by default)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for key, value in query if key == "schema"]
    if schemas and not SCHEMA_NAME.fullmatch(schemas[-1]):
        raise UnsupportedDatabase(f"{schemas[-1]!r} is not a schema name: lower case letters, digits and _")
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    return urlunsplit(("postgresql", parts.netloc, parts.path, rest, "")), schemas[-1] if schemas else None


async def migrate(db: AsyncConnection[Any], schema: str | None) -> list[str]:
    """Apply the versioned migrations the database lacks, in one transaction under an advisory lock (safe to
    run at once from several processes); the names of those applied. Makes the schema if it is missing."""
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        if schema is not None:
            await db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        await db.execute(MIGRATIONS_TABLE)
        applied = await applied_migrations(db)
        names = []
        for migration in migrations("postgresql"):
            if migration.version not in applied:
                await db.execute(migration.sql.encode())
                await db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, now())",
                                 (migration.version, migration.name))
                names.append(f"{migration.version:04d}_{migration.name}")
    return names


async def applied_migrations(db: AsyncConnection[Any]) -> dict[int, dt.datetime]:
    """When each migration was applied, by version."""
    found = await (await db.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")).fetchone()
    if not found or not found[0]:
        return {}
    rows = await (await db.execute("SELECT version, applied_at FROM schema_migrations")).fetchall()
    return {version: utc(applied_at) for version, applied_at in rows}


async def check_current(db: AsyncConnection[Any]) -> None:
    """Raise `StorageError` unless every migration is applied: PostgreSQL is upgraded on purpose, never when
    it is opened."""
    applied = await applied_migrations(db)
    lacking = [f"{m.version:04d}_{m.name}" for m in migrations("postgresql") if m.version not in applied]
    if lacking:
        raise StorageError(f"the PostgreSQL database lacks the migrations {', '.join(lacking)}: run "
                           "`lomake db upgrade --db URL` (or start `lomake serve` with --upgrade-db)")


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def submission_of(row: Any) -> Submission:
    return Submission(
        id=row[0], reference=row[1], form_id=row[2], form_version=row[3], schema_hash=row[4], agency=row[5],
        data=json.loads(row[6]), data_sha256=row[7], received_at=utc(row[8]), language=row[9],
        receipt_token=row[10], metadata=json.loads(row[11] or "{}"),
    )


def draft_of(row: Any) -> Draft:
    return Draft(
        id=row[0], token=row[1], form_id=row[2], language=row[3], data=json.loads(row[4]),
        done=tuple(json.loads(row[5])), prefilled=json.loads(row[6]), locked=tuple(json.loads(row[7])),
        csrf=row[8], created_at=utc(row[9]), expires_at=utc(row[10]), days=row[11], code=row[12],
        sent_receipt=row[13], form_hash=row[14], refused=refusal_of(row[15]),
    )


def api_key_of(row: Any) -> ApiKey:
    return ApiKey(id=row[0], agency=row[1], name=row[2], created_at=utc(row[3]),
                  revoked_at=utc(row[4]) if row[4] else None)


def delivery_of(row: Any) -> Delivery:
    return Delivery(id=row[0], submission_id=row[1], agency=row[2], status=row[3], attempts=row[4],
                    created_at=utc(row[5]), next_attempt_at=utc(row[6]), last_error=row[7],
                    delivered_at=utc(row[8]) if row[8] else None)
