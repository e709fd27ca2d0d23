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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

from core.schema import canonical_json
from core.timezone import HELSINKI
from core.view.fields import ATTACHMENT_PREFIX
from submission.storage.keys import ApiKey, key_hash, new_key

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
    #: The draft the answers were gathered in: it is sent at most once, so sending it again
    #: (a double click, a reload, two requests at once) gives back the first submission.
    draft_id: str | None = None
    #: Facts about the submission beside the answers, e.g. who acted for whom (`acting`).
    metadata: dict[str, Any] = field(default_factory=dict)


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
    metadata: dict[str, Any] = field(default_factory=dict)
    #: True only in `add_submission`'s answer for a draft sent before: its first submission, given back,
    #: nothing stored again (so whatever follows a new submission does not follow it twice).
    resent: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Draft:
    """Answers being gathered page by page, kept until sent or until `expires_at`.

    `token` is the capability: the cookie's value and the resume link's last part. `code`
    is a short code a person can read out (see `resume_code`). `done` lists the pages that
    were passed with valid answers; `prefilled` holds what an agency gave through the API,
    by pointer, and `locked` which of those the person cannot change.
    """

    id: str
    token: str
    form_id: str
    language: str
    data: dict[str, Any]
    done: tuple[str, ...]
    prefilled: dict[str, Any]
    locked: tuple[str, ...]
    csrf: str
    created_at: dt.datetime
    expires_at: dt.datetime
    days: int
    code: str | None = None
    #: The receipt of the submission this draft became, once sent.
    sent_receipt: str | None = None
    #: A draft made for someone (through the API): the one-time token of the link that hands it over.
    #: Only `add_draft` gives it; opening the link moves the draft to a fresh `token` (`hand_over`).
    handover: str | None = None


#: Resume codes: Crockford's base32, without letters that look like digits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def resume_code() -> str:
    """Twelve characters (60 bits) in groups of four, e.g. `K7QM-3XRT-9HBD`: short enough to read out,
    too many to guess while a draft lives."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalise_code(typed: str) -> str:
    """A typed code as stored: upper case, O read as 0 and I or L as 1, grouped by four."""
    raw = "".join(c for c in typed.upper() if c.isalnum()).translate(str.maketrans("OIL", "011"))
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


class Storage(Protocol):
    """Where submissions live. Implementations must be safe for several processes at once."""

    async def add_submission(self, new: NewSubmission) -> Submission:
        """Store `new` durably and give it a reference; returns only after the commit. A draft sent before
        gives back its first submission, `resent`, and stores nothing."""

    def submission_by_receipt(self, token: str) -> Submission | None:
        """The submission whose receipt token is `token`."""

    def count_submissions(self) -> int: ...

    def add_attachment(self, name: str, media_type: str, content: bytes, owner: str | None = None) -> Attachment:
        """Keep an uploaded file until a submission takes it (or it is purged unclaimed). `owner` is who
        uploaded it: a draft's id, or a one-page form's upload key (see `owned_attachments`)."""

    def attachments(self, ids: list[str], submission_id: str | None = None) -> list[Attachment]:
        """The attachments with these ids that belong to `submission_id` (None: not yet claimed)."""

    def owned_attachments(self, ids: list[str], owner: str) -> list[Attachment]:
        """The unclaimed attachments with these ids that `owner` holds: the only ones a page may name as kept."""

    def hand_on_attachments(self, owner: str, new_owner: str) -> None:
        """The unclaimed uploads `owner` holds are held by `new_owner` from now on (a one-page form's
        uploads go to the draft it is saved into)."""

    def add_draft(self, form_id: str, language: str, days: int, data: dict[str, Any],
                  prefilled: dict[str, Any] | None = None, locked: tuple[str, ...] = (),
                  handover: bool = False) -> Draft:
        """Start a draft that expires `days` days from now; with `handover`, for someone else: its `token`
        is then known to no one until the draft is handed over."""

    def hand_over(self, handover: str) -> Draft | None:
        """Open a draft's one-time link: at most once, atomically, the live draft moves to a fresh token
        and CSRF token, and is returned; None if no live draft has that link or it was used."""

    def handed_over(self, handover: str) -> str | None:
        """The form of the live draft whose one-time link `handover` has already been opened."""

    def draft(self, token: str) -> Draft | None:
        """The live (not expired) draft whose token is `token`."""

    def draft_by_code(self, code: str) -> Draft | None:
        """The live draft whose resume code is `code` (as `normalise_code` gives it)."""

    def save_draft(self, draft: Draft, data: dict[str, Any], done: tuple[str, ...], new_code: bool = False) -> Draft:
        """Keep the answers (and the pages passed) and move the expiry `days` days on; a new resume
        code if asked. The draft's attachments are then kept as long as the draft."""

    def purge(self, now: dt.datetime | None = None) -> tuple[int, int]:
        """Delete expired drafts and attachments nothing claims; how many of each."""

    def add_api_key(self, agency: str, name: str = "") -> tuple[ApiKey, str]:
        """A new key for `agency`: its record and the key itself, which is not stored and never shown again."""

    def agency_of_key(self, secret: str) -> str | None:
        """The agency whose live (not revoked) key `secret` is."""

    def api_keys(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""

    def revoke_api_key(self, key_id: str) -> bool:
        """Revoke a live key; False if there is no live key with that id."""

    def receipt_pdf(self, submission_id: str, language: str) -> bytes | None:
        """The receipt PDF kept for this submission in `language`, if one was rendered."""

    def add_receipt_pdf(self, submission_id: str, language: str, pdf: bytes) -> bytes:
        """Keep a rendered receipt; the one kept first wins, and is returned, so every GET gets the same bytes."""

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
    """CREATE TABLE IF NOT EXISTS receipts (
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        language TEXT NOT NULL,
        pdf BLOB NOT NULL,
        rendered_at TEXT NOT NULL,
        PRIMARY KEY (submission_id, language)
    )""",
]


#: Columns added after the first release, for databases made before them.
_ADDED_COLUMNS = [
    ("submissions", "metadata", "TEXT NOT NULL DEFAULT '{}'"),
    ("attachments", "draft_id", "TEXT"),
    ("drafts", "handover", "TEXT"),
    ("drafts", "handed_over_at", "TEXT"),
]
#: Indexes on added columns, made once the columns exist.
_ADDED_INDEXES = ["CREATE UNIQUE INDEX IF NOT EXISTS drafts_handover ON drafts (handover)"]
_SUBMISSION_COLUMNS = ("id, reference, form_id, form_version, schema_hash, agency, data, data_sha256, received_at, "
                       "language, receipt_token, metadata")
_DRAFT_COLUMNS = ("d.id, d.token, d.form_id, d.language, d.data, d.done, d.prefilled, d.locked, d.csrf, "
                  "d.created_at, d.expires_at, d.days, d.code, s.receipt_token")
#: Unclaimed uploads outside any draft (a one-page form's failed attempt) are kept this long.
UPLOAD_GRACE = dt.timedelta(days=1)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    """A UTC time as stored: fixed width, so that text order is time order."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


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
            for table, column, declaration in _ADDED_COLUMNS:
                columns = {row[1] for row in self._writer.execute(f"PRAGMA table_info({table})")}
                if column not in columns:
                    self._writer.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
            for statement in _ADDED_INDEXES:
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
        """Insert `news` with consecutive reference numbers per agency; the caller commits.

        A draft already sent (earlier, or earlier in this batch) gives back its first submission."""
        outcomes: list[Submission | None] = [None] * len(news)
        first_of_draft: dict[str, int] = {}
        fresh: list[int] = []
        for i, new in enumerate(news):
            if new.draft_id is None:
                fresh.append(i)
            elif new.draft_id in first_of_draft:
                continue
            elif (sent := self._sent(new.draft_id)) is not None:
                outcomes[i] = replace(sent, resent=True)
            else:
                first_of_draft[new.draft_id] = i
                fresh.append(i)
        for i, submission in zip(fresh, self._insert_fresh([news[i] for i in fresh]), strict=True):
            outcomes[i] = submission
        for i, new in enumerate(news):
            first = outcomes[first_of_draft[new.draft_id]] if outcomes[i] is None and new.draft_id else None
            if first is not None:
                outcomes[i] = replace(first, resent=True)
        return [o for o in outcomes if o is not None]

    def _sent(self, draft_id: str) -> Submission | None:
        row = self._writer.execute(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE id = "
            "(SELECT submission_id FROM drafts WHERE id = ?)", (draft_id,)).fetchone()
        return _submission(row) if row else None

    def _insert_fresh(self, news: list[NewSubmission]) -> list[Submission]:
        if not news:
            return []
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
                metadata=new.metadata,
            )
            submissions.append(submission)
            rows.append((submission.id, submission.reference, submission.form_id, submission.form_version,
                         submission.schema_hash, submission.agency, data, submission.data_sha256,
                         received_at.isoformat(), submission.language, submission.receipt_token,
                         canonical_json(new.metadata)))
        self._writer.executemany(
            f"INSERT INTO submissions ({_SUBMISSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
        )
        for new, submission in zip(news, submissions, strict=True):
            for attachment_id in new.attachments:
                claimed = self._writer.execute(
                    "UPDATE attachments SET submission_id = ? WHERE id = ? AND submission_id IS NULL",
                    (submission.id, attachment_id),
                ).rowcount
                if claimed != 1:
                    raise LookupError(f"attachment {attachment_id} is gone or already sent")
            if new.draft_id is not None:  # the answers now live in the submission: the draft keeps only the link
                sent = self._writer.execute(
                    "UPDATE drafts SET submission_id = ?, data = '{}', prefilled = '{}', code = NULL "
                    "WHERE id = ? AND submission_id IS NULL", (submission.id, new.draft_id)).rowcount
                if sent != 1:
                    raise LookupError("the draft is gone")
        return submissions

    def submission_by_receipt(self, token: str) -> Submission | None:
        with self._read_lock:
            row = self._side.execute(
                f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE receipt_token = ?", (token,)).fetchone()
        return _submission(row) if row else None

    def count_submissions(self) -> int:
        with self._read_lock:
            return int(self._side.execute("SELECT count(*) FROM submissions").fetchone()[0])

    def add_attachment(self, name: str, media_type: str, content: bytes, owner: str | None = None) -> Attachment:
        attachment = Attachment(id=secrets.token_urlsafe(24), name=name, media_type=media_type, size=len(content),
                                sha256=hashlib.sha256(content).hexdigest())
        with self._read_lock, _Transaction(self._side):
            self._side.execute(
                "INSERT INTO attachments (id, name, media_type, size, sha256, content, uploaded_at, draft_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (attachment.id, name, media_type, attachment.size, attachment.sha256, content, _stamp(_now()), owner),
            )
        return attachment

    def owned_attachments(self, ids: list[str], owner: str) -> list[Attachment]:
        found = self._attachments_where(ids, "submission_id IS NULL AND draft_id = ?", owner)
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    def hand_on_attachments(self, owner: str, new_owner: str) -> None:
        with self._read_lock, _Transaction(self._side):
            self._side.execute("UPDATE attachments SET draft_id = ? WHERE draft_id = ? AND submission_id IS NULL",
                               (new_owner, owner))

    def attachments(self, ids: list[str], submission_id: str | None = None) -> list[Attachment]:
        found = self._attachments_where(ids, "submission_id IS ?", submission_id)
        return [found[i] for i in ids if i in found]

    def _attachments_where(self, ids: list[str], condition: str, value: str | None) -> dict[str, Attachment]:
        """The attachments with these ids that meet `condition` (one `?` parameter, `value`), by id."""
        if not ids:
            return {}
        with self._read_lock:
            rows = self._side.execute(
                f"SELECT id, name, media_type, size, sha256 FROM attachments WHERE id IN ({','.join('?' * len(ids))}) "
                f"AND {condition}", (*ids, value)).fetchall()
        return {row[0]: Attachment(*row) for row in rows}

    def add_draft(self, form_id: str, language: str, days: int, data: dict[str, Any],
                  prefilled: dict[str, Any] | None = None, locked: tuple[str, ...] = (),
                  handover: bool = False) -> Draft:
        now = _now()
        draft = Draft(
            id=str(uuid.uuid4()), token=secrets.token_urlsafe(32), form_id=form_id, language=language, data=data,
            done=(), prefilled=prefilled or {}, locked=locked, csrf=secrets.token_urlsafe(32), created_at=now,
            expires_at=now + dt.timedelta(days=days), days=days,
            handover=secrets.token_urlsafe(32) if handover else None,
        )
        with self._read_lock, _Transaction(self._side):
            self._side.execute(
                "INSERT INTO drafts (id, token, form_id, language, data, done, prefilled, locked, csrf, created_at, "
                "expires_at, days, handover) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (draft.id, draft.token, form_id, language, canonical_json(data), "[]", canonical_json(draft.prefilled),
                 json.dumps(list(locked)), draft.csrf, _stamp(now), _stamp(draft.expires_at), days, draft.handover),
            )
            self._keep_attachments(draft.id, data)
        return draft

    def draft(self, token: str) -> Draft | None:
        return self._find_draft("d.token = ?", token)

    def hand_over(self, handover: str) -> Draft | None:
        token = secrets.token_urlsafe(32)
        with self._read_lock, _Transaction(self._side):
            moved = self._side.execute(
                "UPDATE drafts SET token = ?, csrf = ?, handed_over_at = ? "
                "WHERE handover = ? AND handed_over_at IS NULL AND submission_id IS NULL AND expires_at > ?",
                (token, secrets.token_urlsafe(32), _stamp(_now()), handover, _stamp(_now())),
            ).rowcount
        return self.draft(token) if moved == 1 else None

    def handed_over(self, handover: str) -> str | None:
        with self._read_lock:
            row = self._side.execute(
                "SELECT form_id FROM drafts WHERE handover = ? AND handed_over_at IS NOT NULL AND expires_at > ?",
                (handover, _stamp(_now()))).fetchone()
        return str(row[0]) if row else None

    def draft_by_code(self, code: str) -> Draft | None:
        return self._find_draft("d.code = ?", code)

    def _find_draft(self, where: str, value: str) -> Draft | None:
        with self._read_lock:
            row = self._side.execute(
                f"SELECT {_DRAFT_COLUMNS} FROM drafts d LEFT JOIN submissions s ON s.id = d.submission_id "
                f"WHERE {where} AND d.expires_at > ?", (value, _stamp(_now()))).fetchone()
        if row is None:
            return None
        return Draft(
            id=row[0], token=row[1], form_id=row[2], language=row[3], data=json.loads(row[4]),
            done=tuple(json.loads(row[5])), prefilled=json.loads(row[6]), locked=tuple(json.loads(row[7])),
            csrf=row[8], created_at=dt.datetime.fromisoformat(row[9]), expires_at=dt.datetime.fromisoformat(row[10]),
            days=row[11], code=row[12], sent_receipt=row[13],
        )

    def save_draft(self, draft: Draft, data: dict[str, Any], done: tuple[str, ...], new_code: bool = False) -> Draft:
        expires_at = _now() + dt.timedelta(days=draft.days)
        saved = replace(draft, data=data, done=done, expires_at=expires_at,
                        code=resume_code() if new_code else draft.code)
        with self._read_lock, _Transaction(self._side):
            changed = self._side.execute(
                "UPDATE drafts SET data = ?, done = ?, expires_at = ?, code = ? "
                "WHERE id = ? AND submission_id IS NULL AND expires_at > ?",
                (canonical_json(data), json.dumps(list(done)), _stamp(expires_at), saved.code, draft.id,
                 _stamp(_now())),
            ).rowcount
            if changed != 1:
                raise LookupError("the draft is gone or already sent")
            self._keep_attachments(draft.id, data)
        return saved

    def _keep_attachments(self, draft_id: str, data: dict[str, Any]) -> None:
        """The uploads a draft's answers refer to live as long as the draft; one held by another draft
        (or a one-page form's upload key) stays with its holder."""
        ids = [ref[len(ATTACHMENT_PREFIX):] for ref in _strings(data) if ref.startswith(ATTACHMENT_PREFIX)]
        if ids:
            self._side.execute(
                f"UPDATE attachments SET draft_id = ? WHERE id IN ({','.join('?' * len(ids))}) "
                "AND submission_id IS NULL AND draft_id IS NULL", (draft_id, *ids))

    def purge(self, now: dt.datetime | None = None) -> tuple[int, int]:
        moment = now or _now()
        with self._read_lock, _Transaction(self._side):
            drafts = self._side.execute("DELETE FROM drafts WHERE expires_at <= ?", (_stamp(moment),)).rowcount
            files = self._side.execute(
                "DELETE FROM attachments WHERE submission_id IS NULL AND uploaded_at < ? AND "
                "(draft_id IS NULL OR draft_id NOT IN (SELECT id FROM drafts))",
                (_stamp(moment - UPLOAD_GRACE),),
            ).rowcount
        return drafts, files

    def add_api_key(self, agency: str, name: str = "") -> tuple[ApiKey, str]:
        secret = new_key()
        record = ApiKey(id=str(uuid.uuid4()), agency=agency, name=name, created_at=_now())
        with self._read_lock, _Transaction(self._side):
            self._side.execute(
                "INSERT INTO api_keys (id, agency, name, sha256, created_at) VALUES (?, ?, ?, ?, ?)",
                (record.id, agency, name, key_hash(secret), _stamp(record.created_at)))
        return record, secret

    def agency_of_key(self, secret: str) -> str | None:
        with self._read_lock:
            row = self._side.execute("SELECT agency FROM api_keys WHERE sha256 = ? AND revoked_at IS NULL",
                                     (key_hash(secret),)).fetchone()
        return str(row[0]) if row else None

    def api_keys(self) -> list[ApiKey]:
        with self._read_lock:
            rows = self._side.execute(
                "SELECT id, agency, name, created_at, revoked_at FROM api_keys ORDER BY created_at, id").fetchall()
        return [ApiKey(id=row[0], agency=row[1], name=row[2], created_at=dt.datetime.fromisoformat(row[3]),
                       revoked_at=dt.datetime.fromisoformat(row[4]) if row[4] else None) for row in rows]

    def revoke_api_key(self, key_id: str) -> bool:
        with self._read_lock, _Transaction(self._side):
            return self._side.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                                      (_stamp(_now()), key_id)).rowcount == 1

    def receipt_pdf(self, submission_id: str, language: str) -> bytes | None:
        with self._read_lock:
            row = self._side.execute("SELECT pdf FROM receipts WHERE submission_id = ? AND language = ?",
                                     (submission_id, language)).fetchone()
        return bytes(row[0]) if row else None

    def add_receipt_pdf(self, submission_id: str, language: str, pdf: bytes) -> bytes:
        with self._read_lock, _Transaction(self._side):
            self._side.execute("INSERT OR IGNORE INTO receipts (submission_id, language, pdf, rendered_at) "
                               "VALUES (?, ?, ?, ?)", (submission_id, language, pdf, _stamp(_now())))
            row = self._side.execute("SELECT pdf FROM receipts WHERE submission_id = ? AND language = ?",
                                     (submission_id, language)).fetchone()
        return bytes(row[0])

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


def _submission(row: Any) -> Submission:
    return Submission(
        id=row[0], reference=row[1], form_id=row[2], form_version=row[3], schema_hash=row[4], agency=row[5],
        data=json.loads(row[6]), data_sha256=row[7], received_at=dt.datetime.fromisoformat(row[8]),
        language=row[9], receipt_token=row[10], metadata=json.loads(row[11] or "{}"),
    )


def _strings(value: Any) -> list[str]:
    """Every string anywhere in a JSON value (without recursion: no nesting exhausts the stack)."""
    found, stack = [], [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


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
