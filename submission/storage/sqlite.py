"""SQLite: the embedded engine, in WAL mode with full sync; one writer thread commits submissions in groups."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import queue
import sqlite3
import threading
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import submission.storage.ids as ids
import submission.storage.sqlite_queries as q
from core.schema import canonical_json
from submission.storage.errors import AttachmentGone, DraftGone, DuplicateReference, IdempotencyConflict
from submission.storage.migrations import MigrationState, states
from submission.storage.protocol import IDEMPOTENCY_WINDOW
from submission.storage.records import (
    ApiKey,
    Attachment,
    AuditProblem,
    AuditResult,
    Delivery,
    DeliveryStatus,
    Draft,
    FormUsage,
    FormVersion,
    NewSubmission,
    Refusal,
    Submission,
    VersionUse,
)
from submission.storage.sqlite_schema import (
    SUBMISSION_COLUMNS,
    Transaction,
    applied_migrations,
    connect,
    migrate,
    now,
    stamp,
    submission_of,
)

#: The most submissions one commit takes.
MAX_GROUP = 64

T = TypeVar("T")


class SQLiteStorage:
    """SQLite in WAL mode with full sync: a committed submission survives a power cut.

    One writer thread commits submissions in groups: requests that arrive while a commit is
    syncing to disk share the next commit (group commit), and their shared commit time is
    their time of arrival. If a group fails, each is tried alone, so one bad submission
    never takes another with it. Each submission gets the next `seq` in that transaction: commit order,
    the read API's cursor (see `protocol`); its deliveries and idempotency key are written in it too.
    Everything else (every read, and the writes of uploads, drafts, API keys, receipts and deliveries'
    claims and outcomes) goes through a second connection, used by one thread of its own; an attachment's
    content is read through a connection of its own while it is read.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._writer = connect(path)
        self._migrated = migrate(self._writer)  # the embedded engine upgrades itself when it is opened
        self._side = connect(path)
        self._side_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lomake-sqlite-side")
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._write_loop, name="lomake-sqlite-writer", daemon=True)
        self._thread.start()
        self._closed = False

    async def _on_side(self, work: Callable[..., T], *args: Any) -> T:
        """`work(connection, *args)` on the side connection's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._side_thread, partial(work, self._side, *args))

    # Submissions: the writer thread

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
        outcomes: list[_Outcome]
        try:
            with Transaction(self._writer):
                outcomes = list(self._insert([pending.new for pending in batch]))
        except Exception as exc:  # noqa: BLE001 - nothing of the batch was stored
            if len(batch) > 1:
                for pending in batch:
                    self._commit([pending])
                return
            outcomes = [exc]
        settled: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Submission], _Outcome]]] = {}
        for pending, outcome in zip(batch, outcomes, strict=True):
            settled.setdefault(pending.loop, []).append((pending.future, outcome))
        for loop, futures in settled.items():  # one wake-up of each loop per group, not one per submission
            loop.call_soon_threadsafe(_settle, futures)

    def _insert(self, news: list[NewSubmission]) -> list[Submission]:
        """Insert `news` with consecutive reference numbers per agency; the caller commits.

        A draft already sent, or an idempotency key used within its window (earlier, or earlier in this batch),
        gives back its first submission; a key used with other answers raises `IdempotencyConflict`."""
        outcomes: list[Submission | None] = [None] * len(news)
        first_of: dict[tuple[str, str], int] = {}
        again: dict[int, int] = {}
        fresh: list[int] = []
        for i, new in enumerate(news):
            once = _once(new)
            earlier = next((first_of[k] for k in once if k in first_of), None)
            if earlier is not None:
                _same_answers(news[earlier], new)
                again[i] = earlier
            elif (sent := self._sent(new)) is not None:
                outcomes[i] = replace(sent, resent=True)
            else:
                first_of.update(dict.fromkeys(once, i))
                fresh.append(i)
        for i, submission in zip(fresh, self._insert_fresh([news[i] for i in fresh]), strict=True):
            outcomes[i] = submission
        for i, earlier in again.items():
            first = outcomes[earlier]
            assert first is not None
            outcomes[i] = replace(first, resent=True)
        return [o for o in outcomes if o is not None]

    def _sent(self, new: NewSubmission) -> Submission | None:
        """The submission `new` was already sent as: its draft's, or its idempotency key's within the window."""
        if new.draft_id is not None:
            row = self._writer.execute(
                f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = "
                "(SELECT submission_id FROM drafts WHERE id = ?)", (new.draft_id,)).fetchone()
            if row is not None:
                return submission_of(row)
        if new.idempotency_key is None:
            return None
        row = self._writer.execute(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = (SELECT submission_id FROM idempotency_keys "
            "WHERE key = ? AND created_at > ?)", (new.idempotency_key, stamp(now() - IDEMPOTENCY_WINDOW))).fetchone()
        if row is None:
            return None
        sent = submission_of(row)
        if sent.data_sha256 != data_sha256(new):
            raise IdempotencyConflict("the idempotency key was used for other answers")
        return sent

    def _insert_fresh(self, news: list[NewSubmission]) -> list[Submission]:
        """Insert `news`, none of them a draft sent before, received now; then each claims its attachments and
        marks its draft sent."""
        if not news:
            return []
        received_at = now()
        year = ids.helsinki_year(received_at)
        seqs = self._count_up(year, [new.agency for new in news])
        stored = [_stored(new, ids.reference(new.reference_pattern, seq, year), received_at)
                  for new, seq in zip(news, seqs, strict=True)]
        (last,) = self._writer.execute("UPDATE counters SET last = last + ? WHERE name = 'submissions' RETURNING last",
                                       (len(news),)).fetchone()
        try:
            self._writer.executemany(
                f"INSERT INTO submissions ({SUBMISSION_COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row, last - len(news) + 1 + i) for i, (_, row) in enumerate(stored)])
        except sqlite3.IntegrityError as exc:
            if "submissions.reference" in str(exc):
                raise DuplicateReference(f"a reference number is already taken: {exc}") from exc
            raise
        for new, (submission, _) in zip(news, stored, strict=True):
            self._claim(new, submission.id)
            self._outbox(new, submission)
        return [submission for submission, _ in stored]

    def _count_up(self, year: int, agencies: list[str]) -> list[int]:
        """The next sequence numbers of `agencies` (one each, in order) in `year`, counted up in the transaction."""
        next_seq: dict[str, int] = {}
        for agency in dict.fromkeys(agencies):
            taken = agencies.count(agency)
            (last,) = self._writer.execute(
                "INSERT INTO reference_counters (agency, year, last) VALUES (?, ?, ?) "
                "ON CONFLICT (agency, year) DO UPDATE SET last = last + excluded.last RETURNING last",
                (agency, year, taken),
            ).fetchone()
            next_seq[agency] = last - taken + 1
        seqs = []
        for agency in agencies:
            seqs.append(next_seq[agency])
            next_seq[agency] += 1
        return seqs

    def _claim(self, new: NewSubmission, submission_id: str) -> None:
        """The submission takes its attachments, and its draft keeps only the link to it."""
        for attachment_id in new.attachments:
            claimed = self._writer.execute(
                "UPDATE attachments SET submission_id = ? WHERE id = ? AND submission_id IS NULL",
                (submission_id, attachment_id),
            ).rowcount
            if claimed != 1:
                raise AttachmentGone(f"attachment {attachment_id} is gone or already sent")
        if new.draft_id is not None:
            sent = self._writer.execute(
                "UPDATE drafts SET submission_id = ?, data = '{}', prefilled = '{}', code = NULL, refused = NULL "
                "WHERE id = ? AND submission_id IS NULL", (submission_id, new.draft_id)).rowcount
            if sent != 1:
                raise DraftGone("the draft is gone")

    def _outbox(self, new: NewSubmission, submission: Submission) -> None:
        """The submission's deliveries, one per agency, due now; its idempotency key (replacing an expired one)."""
        created = stamp(submission.received_at)
        self._writer.executemany(
            "INSERT INTO deliveries (id, submission_id, agency, status, created_at, next_attempt_at) "
            "VALUES (?, ?, ?, 'pending', ?, ?)",
            [(ids.record_id(), submission.id, agency, created, created) for agency in dict.fromkeys(new.deliver_to)])
        if new.idempotency_key is not None:
            self._writer.execute(
                "INSERT INTO idempotency_keys (key, submission_id, data_sha256, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET submission_id = excluded.submission_id, "
                "data_sha256 = excluded.data_sha256, created_at = excluded.created_at",
                (new.idempotency_key, submission.id, submission.data_sha256, created))

    # Submissions: reads

    async def submission(self, submission_id: str) -> Submission | None:
        return await self._on_side(q.submission_where, "id = ?", submission_id)

    async def submission_by_receipt(self, token: str) -> Submission | None:
        return await self._on_side(q.submission_where, "receipt_token = ?", token)

    async def form_submissions(self, form_id: str) -> list[Submission]:
        return await self._on_side(q.form_submissions, form_id)

    async def submissions_page(self, agency: str, form_id: str | None = None, after: str | None = None,
                               since: dt.datetime | None = None, limit: int = 100) -> list[Submission]:
        return await self._on_side(q.submissions_page, agency, form_id, after, since, limit)

    async def count_submissions(self, form_id: str | None = None, since: dt.datetime | None = None) -> int:
        return await self._on_side(q.count_submissions, form_id, since)

    async def usage(self, now: dt.datetime | None = None) -> list[FormUsage]:
        return await self._on_side(q.usage, now or dt.datetime.now(dt.UTC))

    # Attachments

    async def add_attachment(self, name: str, media_type: str, content: bytes, owner: str | None = None) -> Attachment:
        return await self._on_side(q.add_attachment, name, media_type, content, owner)

    async def attachments(self, ids: list[str], submission_id: str | None = None) -> list[Attachment]:
        return await self._on_side(q.attachments, ids, submission_id)

    async def owned_attachments(self, ids: list[str], owner: str) -> list[Attachment]:
        return await self._on_side(q.owned_attachments, ids, owner)

    async def submission_attachments(self, submission_id: str) -> list[Attachment]:
        return await self._on_side(q.submission_attachments, submission_id)

    async def attachments_of(self, submission_ids: list[str]) -> dict[str, list[Attachment]]:
        return await self._on_side(q.attachments_of, submission_ids)

    async def attachment_content(self, attachment_id: str,
                                 chunk_size: int = 256 * 1024) -> AsyncGenerator[bytes, None]:
        content = await asyncio.to_thread(q.Content, self._path, attachment_id)
        try:
            while chunk := await asyncio.to_thread(content.read, chunk_size):
                yield chunk
        finally:
            content.close()  # quick, and no await: this also runs when the reader goes away mid-file

    async def count_attachments(self) -> int:
        return await self._on_side(q.count, "attachments")

    async def hand_on_attachments(self, owner: str, new_owner: str) -> None:
        await self._on_side(q.hand_on_attachments, owner, new_owner)

    # Drafts

    async def add_draft(self, form_id: str, language: str, days: int, data: dict[str, Any],
                        prefilled: dict[str, Any] | None = None, locked: tuple[str, ...] = (),
                        handover: bool = False, form_hash: str | None = None) -> Draft:
        return await self._on_side(q.add_draft, form_id, language, days, data, prefilled, locked, handover, form_hash)

    async def hand_over(self, handover: str) -> Draft | None:
        return await self._on_side(q.hand_over, handover)

    async def handed_over(self, handover: str) -> str | None:
        return await self._on_side(q.handed_over, handover)

    async def draft(self, token: str) -> Draft | None:
        return await self._on_side(q.live_draft, "d.token = ?", token)

    async def draft_by_code(self, code: str) -> Draft | None:
        return await self._on_side(q.live_draft, "d.code = ?", code)

    async def draft_by_id(self, draft_id: str) -> Draft | None:
        return await self._on_side(q.live_draft, "d.id = ?", draft_id)

    async def form_drafts(self, form_id: str) -> list[Draft]:
        return await self._on_side(q.form_drafts, form_id)

    async def save_draft(self, draft: Draft, data: dict[str, Any], done: tuple[str, ...],
                         new_code: bool = False, refused: Refusal | None = None) -> Draft:
        return await self._on_side(q.save_draft, draft, data, done, new_code, refused)

    async def purge(self, now: dt.datetime | None = None) -> tuple[int, int]:
        return await self._on_side(q.purge, now or dt.datetime.now(dt.UTC))

    # Form versions

    async def add_form_version(self, form_id: str, hash: str, label: str, documents: dict[str, Any],
                               translations: dict[str, dict[str, str]]) -> bool:
        return await self._on_side(q.add_form_version, form_id, hash, label, documents, translations)

    async def form_version(self, hash: str) -> FormVersion | None:
        return await self._on_side(q.form_version, hash)

    async def form_versions(self, form_id: str) -> list[VersionUse]:
        return await self._on_side(q.form_versions, form_id)

    # Agencies' API keys

    async def add_api_key(self, agency: str, name: str = "") -> tuple[ApiKey, str]:
        return await self._on_side(q.add_api_key, agency, name)

    async def agency_of_key(self, secret: str) -> str | None:
        return await self._on_side(q.agency_of_key, secret)

    async def live_api_key(self, secret: str) -> ApiKey | None:
        return await self._on_side(q.live_api_key, secret)

    async def api_keys(self) -> list[ApiKey]:
        return await self._on_side(q.api_keys)

    async def revoke_api_key(self, key_id: str) -> bool:
        return await self._on_side(q.revoke_api_key, key_id)

    # Receipts

    async def receipt_pdf(self, submission_id: str, language: str) -> bytes | None:
        return await self._on_side(q.receipt_pdf, submission_id, language)

    async def add_receipt_pdf(self, submission_id: str, language: str, pdf: bytes) -> bytes:
        return await self._on_side(q.add_receipt_pdf, submission_id, language, pdf)

    # Delivery: the outbox

    async def claim_deliveries(self, limit: int, lease: dt.timedelta,
                               now: dt.datetime | None = None) -> list[Delivery]:
        return await self._on_side(q.claim_deliveries, limit, lease, now or dt.datetime.now(dt.UTC))

    async def delivery_done(self, delivery_id: str, now: dt.datetime | None = None) -> None:
        await self._on_side(q.delivery_done, delivery_id, now or dt.datetime.now(dt.UTC))

    async def delivery_failed(self, delivery_id: str, error: str, retry_at: dt.datetime | None) -> None:
        await self._on_side(q.delivery_failed, delivery_id, error, retry_at)

    async def deliveries(self, status: DeliveryStatus | None = None, limit: int = 100) -> list[Delivery]:
        return await self._on_side(q.deliveries, status, limit)

    async def delivery(self, delivery_id: str) -> Delivery | None:
        return await self._on_side(q.delivery, delivery_id)

    async def retry_delivery(self, delivery_id: str, now: dt.datetime | None = None) -> bool:
        return await self._on_side(q.retry_delivery, delivery_id, now or dt.datetime.now(dt.UTC))

    # Accessibility audits

    async def add_audit(self, form_id: str, form_hash: str, tools: str, pages: int,
                        problems: tuple[AuditProblem, ...], now: dt.datetime | None = None) -> AuditResult:
        return await self._on_side(q.add_audit, AuditResult(
            id=ids.record_id(), form_id=form_id, form_hash=form_hash, audited_at=now or dt.datetime.now(dt.UTC),
            tools=tools, pages=pages, problems=problems))

    async def latest_audits(self) -> list[AuditResult]:
        return await self._on_side(q.latest_audits)

    # The database

    async def upgrade(self) -> list[str]:
        return self._migrated + await self._on_side(migrate)

    async def migrations(self) -> list[MigrationState]:
        return states("sqlite", await self._on_side(applied_migrations))

    async def ping(self) -> None:
        await self._on_side(q.ping)

    async def close(self) -> None:
        """Finish every queued write, then close both connections."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)
        await self._on_side(sqlite3.Connection.close)
        self._side_thread.shutdown()


#: What one submission of a group comes to: stored, or the error that kept it out.
_Outcome = Submission | BaseException


@dataclass(frozen=True)
class _Pending:
    new: NewSubmission
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Submission]


def _settle(futures: list[tuple[asyncio.Future[Submission], _Outcome]]) -> None:
    for future, outcome in futures:
        if future.cancelled():
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def _once(new: NewSubmission) -> list[tuple[str, str]]:
    """What makes `new` a submission sent at most once: its draft, its idempotency key."""
    return ([("draft", new.draft_id)] if new.draft_id is not None else []) + (
        [("key", new.idempotency_key)] if new.idempotency_key is not None else [])


def _same_answers(first: NewSubmission, again: NewSubmission) -> None:
    """Raise `IdempotencyConflict` if `again` reuses `first`'s idempotency key with other answers."""
    if again.idempotency_key is not None and again.idempotency_key == first.idempotency_key and (
            data_sha256(again) != data_sha256(first)):
        raise IdempotencyConflict("the idempotency key was used for other answers")


def data_sha256(new: NewSubmission) -> str:
    """The SHA-256 of the answers' canonical JSON, as `Submission.data_sha256` holds it."""
    return hashlib.sha256(canonical_json(new.data).encode()).hexdigest()


def _stored(new: NewSubmission, reference: str, received_at: dt.datetime) -> tuple[Submission, tuple[Any, ...]]:
    """The submission `new` becomes, and its row."""
    data = canonical_json(new.data)
    s = Submission(
        id=ids.record_id(), reference=reference, form_id=new.form_id, form_version=new.form_version,
        schema_hash=new.schema_hash, agency=new.agency, data=new.data,
        data_sha256=hashlib.sha256(data.encode()).hexdigest(), received_at=received_at, language=new.language,
        receipt_token=ids.token(), metadata=new.metadata,
    )
    return s, (s.id, s.reference, s.form_id, s.form_version, s.schema_hash, s.agency, data, s.data_sha256,
               s.received_at.isoformat(), s.language, s.receipt_token, canonical_json(new.metadata))
