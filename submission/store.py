"""Storage: the storage interface and its SQLite implementation.

A submission is committed, with its reference number, before anyone is told it arrived.
The commit time is the legal time of arrival (Act 13/2003, 10 §). Every write goes
through `Storage.add_submission`; a PostgreSQL backend implements the same protocol.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import queue
import secrets
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

from lomake.schema import canonical_json
from lomake.timezone import HELSINKI

#: The most submissions one commit takes.
MAX_GROUP = 64


@dataclass(frozen=True)
class NewSubmission:
    """What the validated answers and their form give to storage."""

    form_id: str
    form_version: str
    schema_hash: str
    agency: str
    reference_pattern: str
    data: dict[str, Any]
    language: str
    #: Ids of the uploaded attachments the answers refer to; they become the submission's.
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """An uploaded file, kept in the database: the answers refer to it as `attachment:<id>`."""

    id: str
    name: str
    media_type: str
    size: int
    sha256: str

    @property
    def reference(self) -> str:
        return f"{ATTACHMENT_PREFIX}{self.id}"


ATTACHMENT_PREFIX = "attachment:"


@dataclass(frozen=True)
class Submission:
    """A stored submission."""

    id: str
    reference: str
    form_id: str
    form_version: str
    schema_hash: str
    agency: str
    data: dict[str, Any]
    data_sha256: str
    received_at: dt.datetime
    language: str
    receipt_token: str


class Storage(Protocol):
    """Where submissions live. Implementations must be safe for several processes at once."""

    async def add_submission(self, new: NewSubmission) -> Submission:
        """Store `new` durably and give it a reference; returns only after the commit."""

    def submission_by_receipt(self, token: str) -> Submission | None:
        """The submission whose receipt token is `token`."""

    def count_submissions(self) -> int: ...

    def add_attachment(self, name: str, media_type: str, content: bytes) -> Attachment:
        """Keep an uploaded file until a submission takes it (or it is purged unclaimed)."""

    def attachments(self, ids: list[str], submission_id: str | None = None) -> list[Attachment]:
        """The attachments with these ids that belong to `submission_id` (None: not yet claimed)."""

    def ping(self) -> None:
        """Raise if the database cannot be reached."""

    def close(self) -> None: ...


def open_storage(url: str) -> Storage:
    """The storage a `--db` URL names: `sqlite:///relative/path`, `sqlite:////absolute/path`."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:] if parsed.path.startswith("/") else parsed.path)
        if not path:
            raise ValueError("a sqlite URL needs a file: sqlite:///lomake.sqlite3")
        return SQLiteStorage(Path(path))
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///path")


_SCHEMA = [
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
        receipt_token TEXT NOT NULL UNIQUE
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
        uploaded_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS attachments_submission ON attachments (submission_id)",
    """CREATE TABLE IF NOT EXISTS reference_counters (
        agency TEXT NOT NULL,
        year INTEGER NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (agency, year)
    )""",
]


def helsinki_year(moment: dt.datetime) -> int:
    return moment.astimezone(HELSINKI).year


class SQLiteStorage:
    """SQLite in WAL mode with full sync: a committed submission survives a power cut.

    One writer thread commits submissions in groups: requests that arrive while a commit is
    syncing to disk share the next commit (group commit), and their shared commit time is
    their time of arrival. If a group fails, each is tried alone, so one bad submission
    never takes another with it. Reads use a connection of their own.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = _connect(path)
        with _Transaction(self._writer):
            for statement in _SCHEMA:
                self._writer.execute(statement)
        self._side = _connect(path)
        self._read_lock = threading.Lock()
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._write_loop, name="lomake-sqlite-writer", daemon=True)
        self._thread.start()

    async def add_submission(self, new: NewSubmission) -> Submission:
        loop = asyncio.get_running_loop()
        pending = _Pending(new, loop, loop.create_future())
        self._queue.put(pending)
        return await pending.future

    def _write_loop(self) -> None:
        while (first := self._queue.get()) is not None:
            batch = [first]
            while len(batch) < MAX_GROUP:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            self._commit(batch)
        self._writer.close()

    def _commit(self, batch: list[_Pending]) -> None:
        """Commit `batch` in one transaction; if that fails, each alone, so one bad submission spares the rest."""
        outcomes: list[Submission | BaseException]
        try:
            with _Transaction(self._writer):
                outcomes = list(self._insert([pending.new for pending in batch]))
        except Exception as exc:  # noqa: BLE001 - nothing of the batch was stored
            if len(batch) > 1:
                for pending in batch:
                    self._commit([pending])
                return
            outcomes = [exc]
        for pending, outcome in zip(batch, outcomes, strict=True):
            pending.loop.call_soon_threadsafe(_settle, pending.future, outcome)

    def _insert(self, news: list[NewSubmission]) -> list[Submission]:
        """Insert `news` with consecutive reference numbers per agency; the caller commits."""
        received_at = dt.datetime.now(dt.UTC)
        year = helsinki_year(received_at)
        next_seq: dict[str, int] = {}
        for agency in {new.agency for new in news}:
            count = sum(new.agency == agency for new in news)
            (last,) = self._writer.execute(
                "INSERT INTO reference_counters (agency, year, last) VALUES (?, ?, ?) "
                "ON CONFLICT (agency, year) DO UPDATE SET last = last + excluded.last RETURNING last",
                (agency, year, count),
            ).fetchone()
            next_seq[agency] = last - count + 1
        submissions, rows = [], []
        for new in news:
            data = canonical_json(new.data)
            seq, next_seq[new.agency] = next_seq[new.agency], next_seq[new.agency] + 1
            submission = Submission(
                id=str(uuid.uuid4()), reference=new.reference_pattern.format(seq=seq, year=year),
                form_id=new.form_id, form_version=new.form_version, schema_hash=new.schema_hash,
                agency=new.agency, data=new.data, data_sha256=hashlib.sha256(data.encode()).hexdigest(),
                received_at=received_at, language=new.language, receipt_token=secrets.token_urlsafe(32),
            )
            submissions.append(submission)
            rows.append((submission.id, submission.reference, submission.form_id, submission.form_version,
                         submission.schema_hash, submission.agency, data, submission.data_sha256,
                         received_at.isoformat(), submission.language, submission.receipt_token))
        self._writer.executemany(
            "INSERT INTO submissions (id, reference, form_id, form_version, schema_hash, agency, data, "
            "data_sha256, received_at, language, receipt_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        for new, submission in zip(news, submissions, strict=True):
            for attachment_id in new.attachments:
                claimed = self._writer.execute(
                    "UPDATE attachments SET submission_id = ? WHERE id = ? AND submission_id IS NULL",
                    (submission.id, attachment_id),
                ).rowcount
                if claimed != 1:
                    raise LookupError(f"attachment {attachment_id} is gone or already sent")
        return submissions

    def submission_by_receipt(self, token: str) -> Submission | None:
        with self._read_lock:
            row = self._side.execute(
                "SELECT id, reference, form_id, form_version, schema_hash, agency, data, data_sha256, "
                "received_at, language, receipt_token FROM submissions WHERE receipt_token = ?",
                (token,),
            ).fetchone()
        if row is None:
            return None
        return Submission(
            id=row[0], reference=row[1], form_id=row[2], form_version=row[3], schema_hash=row[4], agency=row[5],
            data=json.loads(row[6]), data_sha256=row[7], received_at=dt.datetime.fromisoformat(row[8]),
            language=row[9], receipt_token=row[10],
        )

    def count_submissions(self) -> int:
        with self._read_lock:
            return int(self._side.execute("SELECT count(*) FROM submissions").fetchone()[0])

    def add_attachment(self, name: str, media_type: str, content: bytes) -> Attachment:
        attachment = Attachment(id=secrets.token_urlsafe(24), name=name, media_type=media_type, size=len(content),
                                sha256=hashlib.sha256(content).hexdigest())
        with self._read_lock, _Transaction(self._side):
            self._side.execute(
                "INSERT INTO attachments (id, name, media_type, size, sha256, content, uploaded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (attachment.id, name, media_type, attachment.size, attachment.sha256, content,
                 dt.datetime.now(dt.UTC).isoformat()),
            )
        return attachment

    def attachments(self, ids: list[str], submission_id: str | None = None) -> list[Attachment]:
        if not ids:
            return []
        with self._read_lock:
            rows = self._side.execute(
                f"SELECT id, name, media_type, size, sha256 FROM attachments WHERE id IN ({','.join('?' * len(ids))}) "
                "AND submission_id IS ?",
                (*ids, submission_id),
            ).fetchall()
        found = {row[0]: Attachment(*row) for row in rows}
        return [found[i] for i in ids if i in found]

    def ping(self) -> None:
        with self._read_lock:
            self._side.execute("SELECT 1").fetchone()

    def close(self) -> None:
        """Finish every queued write, then close."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        with self._read_lock:
            self._side.close()


@dataclass(frozen=True)
class _Pending:
    new: NewSubmission
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Submission]


def _settle(future: asyncio.Future[Submission], outcome: Submission | BaseException) -> None:
    if future.cancelled():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


class _Transaction:
    """`BEGIN IMMEDIATE` ... `COMMIT`, or `ROLLBACK` on any error: never a half-written record."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self._db.execute("ROLLBACK" if kind else "COMMIT")
