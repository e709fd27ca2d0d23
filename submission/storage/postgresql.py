"""PostgreSQL: the engine for several servers on one database, through a pool of async connections."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from psycopg import AsyncConnection, InterfaceError, OperationalError
from psycopg.errors import UniqueViolation
from psycopg_pool import AsyncConnectionPool

import submission.storage.ids as ids
import submission.storage.postgresql_queries as q
from core.schema import canonical_json
from submission.storage.errors import (
    AttachmentGone,
    DraftGone,
    DuplicateReference,
    IdempotencyConflict,
)
from submission.storage.migrations import MigrationState, states
from submission.storage.postgresql_queries import Db, now, row
from submission.storage.postgresql_schema import (
    SUBMISSION_COLUMNS,
    applied_migrations,
    check_current,
    connection_args,
    migrate,
    submission_of,
)
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

#: The most connections one process holds.
MAX_CONNECTIONS = 10
#: The most submissions one commit takes.
MAX_GROUP = 64

T = TypeVar("T")


class PostgreSQLStorage:
    """PostgreSQL, safe for any number of processes on one database.

    Submissions are stored in groups, as in SQLite: those that arrive while a commit is syncing share the next
    transaction (one writer task per process; if a group fails, each is tried alone). Each submission counts up
    two rows in it: its agency's reference counter for the year, and the `submissions` counter that gives `seq`.
    Those row locks make storing transactions, of every process, commit one after another, in `seq` order: the
    commit order the read API pages in (see `protocol`), with no reference number given twice or skipped.

    The pool is opened on first use, in the event loop that uses it (anew in another, once that one is closed);
    a call from another loop while it runs (a test's or a command's `asyncio.run`) gets a connection of its own.
    The database is never migrated when opened: `upgrade` (`lomake db upgrade`) does it, and until then every
    other call raises `StorageError`.
    """

    def __init__(self, url: str) -> None:
        self._conninfo, self._schema = connection_args(url)
        options = {"options": f"-c search_path={self._schema}"} if self._schema else {}
        self._connect: dict[str, Any] = {"autocommit": True, **options}
        self._pool: AsyncConnectionPool[AsyncConnection[Any]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._current = False  # every migration applied, as checked once
        self._busy = 0
        self._queue: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None
        self._writing: Db | None = None

    @asynccontextmanager
    async def _connection(self, current: bool = True) -> AsyncIterator[Db]:
        """A connection: the pool's in its loop, else one of its own; checks the schema is current first."""
        self._busy += 1
        try:
            loop = self._adopt()
            if loop is self._loop and self._pool is not None:
                await self._pool.open()
                async with self._pool.connection() as db:
                    yield await self._checked(db, current)
            else:
                async with await AsyncConnection.connect(self._conninfo, **self._connect) as db:
                    yield await self._checked(db, current)
        finally:
            self._busy -= 1

    def _adopt(self) -> asyncio.AbstractEventLoop:
        """The running loop; it becomes the storage's (a new pool, writer and writer's connection) if the storage
        has none or its loop is closed."""
        loop = asyncio.get_running_loop()
        if self._pool is None or self._loop is None or self._loop.is_closed():
            self._loop, self._writer, self._writing, self._queue = loop, None, None, []
            self._pool = AsyncConnectionPool(
                self._conninfo, kwargs=self._connect, min_size=1, max_size=MAX_CONNECTIONS, open=False,
                name="lomake", check=AsyncConnectionPool.check_connection)  # a restarted server is reconnected
        return loop

    async def _checked(self, db: Db, current: bool) -> Db:
        if current and not self._current:
            await check_current(db)
            self._current = True
        return db

    async def _run(self, work: Callable[..., Awaitable[T]], *args: Any) -> T:
        """`work(connection, *args)` on a connection of the pool."""
        async with self._connection() as db:
            return await work(db, *args)

    # Submissions

    async def add_submission(self, new: NewSubmission) -> Submission:
        loop = self._adopt()
        if loop is not self._loop:
            try:  # another loop's call (a command's, a test's): alone, on a connection of its own
                (stored,) = await self._stored([new])
            except Exception as exc:
                raise _storage_error(exc) from exc
            return stored
        pending = _Pending(new, loop.create_future())
        self._queue.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_groups())
        return await pending.future

    async def _write_groups(self) -> None:
        """Store what is queued, in groups: those that arrive while a group commits share the next commit."""
        while self._queue:
            group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
            await self._store_group(group)

    async def _store_group(self, group: list[_Pending]) -> None:
        """Store `group` in one transaction on the writer's connection; settle each one's future. If that fails,
        each is tried alone, so that one bad submission never takes another with it; but not when the connection
        was lost during the commit: the group may be stored, and trying again could store it twice."""
        committing = False
        try:
            db = await self._writer_db()
            async with db.transaction():
                stored = await _store_all(db, [pending.new for pending in group])
                committing = True
        except Exception as exc:
            unknown = committing and isinstance(exc, (OperationalError, InterfaceError))
            if len(group) == 1 or unknown:
                for pending in group:
                    _settle(pending.future, _storage_error(exc))
                return
            for pending in group:
                await self._store_group([pending])
            return
        for pending, submission in zip(group, stored, strict=True):
            _settle(pending.future, submission)

    async def _writer_db(self) -> Db:
        """The writer task's own connection (no pool round trip per group); a new one once it is broken."""
        if self._writing is None or self._writing.closed or self._writing.broken:
            self._writing = await AsyncConnection.connect(self._conninfo, **self._connect)
            await self._checked(self._writing, current=True)
        return self._writing

    async def _stored(self, news: list[NewSubmission]) -> list[Submission]:
        """`news` stored in one transaction on a connection of its own (a call from another event loop)."""
        async with self._connection() as db, db.transaction():
            return await _store_all(db, news)

    async def submission(self, submission_id: str) -> Submission | None:
        return await self._run(q.submission_where, "id = %s", submission_id)

    async def submission_by_receipt(self, token: str) -> Submission | None:
        return await self._run(q.submission_where, "receipt_token = %s", token)

    async def form_submissions(self, form_id: str) -> list[Submission]:
        return await self._run(q.form_submissions, form_id)

    async def submissions_page(self, agency: str, form_id: str | None = None, after: str | None = None,
                               since: dt.datetime | None = None, limit: int = 100) -> list[Submission]:
        return await self._run(q.submissions_page, agency, form_id, after, since, limit)

    async def count_submissions(self, form_id: str | None = None, since: dt.datetime | None = None) -> int:
        return await self._run(q.count_submissions, form_id, since)

    async def usage(self, now: dt.datetime | None = None) -> list[FormUsage]:
        return await self._run(q.usage, now or q.now())

    # Attachments

    async def add_attachment(self, name: str, media_type: str, content: bytes, owner: str | None = None) -> Attachment:
        return await self._run(q.add_attachment, name, media_type, content, owner)

    async def attachments(self, ids: list[str], submission_id: str | None = None) -> list[Attachment]:
        return await self._run(q.attachments, ids, submission_id)

    async def owned_attachments(self, ids: list[str], owner: str) -> list[Attachment]:
        return await self._run(q.owned_attachments, ids, owner)

    async def submission_attachments(self, submission_id: str) -> list[Attachment]:
        return (await self.attachments_of([submission_id])).get(submission_id, [])

    async def attachments_of(self, submission_ids: list[str]) -> dict[str, list[Attachment]]:
        return await self._run(q.attachments_of, submission_ids)

    async def attachment_content(self, attachment_id: str,
                                 chunk_size: int = 256 * 1024) -> AsyncGenerator[bytes, None]:
        """Each chunk is read with `substring()` on a connection borrowed for that read only."""
        start = 0
        while chunk := await self._run(q.chunk, attachment_id, start, chunk_size):
            yield chunk
            start += len(chunk)

    async def count_attachments(self) -> int:
        return await self._run(q.count, "attachments")

    async def hand_on_attachments(self, owner: str, new_owner: str) -> None:
        await self._run(q.hand_on_attachments, owner, new_owner)

    # Drafts

    async def add_draft(self, form_id: str, language: str, days: int, data: dict[str, Any],
                        prefilled: dict[str, Any] | None = None, locked: tuple[str, ...] = (),
                        handover: bool = False, form_hash: str | None = None) -> Draft:
        return await self._run(q.add_draft, form_id, language, days, data, prefilled, locked, handover, form_hash)

    async def hand_over(self, handover: str) -> Draft | None:
        return await self._run(q.hand_over, handover)

    async def handed_over(self, handover: str) -> str | None:
        return await self._run(q.handed_over, handover)

    async def draft(self, token: str) -> Draft | None:
        return await self._run(q.live_draft, "d.token = %s", token)

    async def draft_by_code(self, code: str) -> Draft | None:
        return await self._run(q.live_draft, "d.code = %s", code)

    async def draft_by_id(self, draft_id: str) -> Draft | None:
        return await self._run(q.live_draft, "d.id = %s", draft_id)

    async def form_drafts(self, form_id: str) -> list[Draft]:
        return await self._run(q.form_drafts, form_id)

    async def save_draft(self, draft: Draft, data: dict[str, Any], done: tuple[str, ...],
                         new_code: bool = False, refused: Refusal | None = None) -> Draft:
        return await self._run(q.save_draft, draft, data, done, new_code, refused)

    async def purge(self, now: dt.datetime | None = None) -> tuple[int, int]:
        return await self._run(q.purge, now or dt.datetime.now(dt.UTC))

    # Form versions

    async def add_form_version(self, form_id: str, hash: str, label: str, documents: dict[str, Any],
                               translations: dict[str, dict[str, str]]) -> bool:
        return await self._run(q.add_form_version, form_id, hash, label, documents, translations)

    async def form_version(self, hash: str) -> FormVersion | None:
        return await self._run(q.form_version, hash)

    async def form_versions(self, form_id: str) -> list[VersionUse]:
        return await self._run(q.form_versions, form_id)

    # Agencies' API keys

    async def add_api_key(self, agency: str, name: str = "") -> tuple[ApiKey, str]:
        return await self._run(q.add_api_key, agency, name)

    async def agency_of_key(self, secret: str) -> str | None:
        key = await self.live_api_key(secret)
        return key.agency if key else None

    async def live_api_key(self, secret: str) -> ApiKey | None:
        return await self._run(q.live_api_key, secret)

    async def api_keys(self) -> list[ApiKey]:
        return await self._run(q.api_keys)

    async def revoke_api_key(self, key_id: str) -> bool:
        return await self._run(q.revoke_api_key, key_id)

    # Receipts

    async def receipt_pdf(self, submission_id: str, language: str) -> bytes | None:
        return await self._run(q.receipt_pdf, submission_id, language)

    async def add_receipt_pdf(self, submission_id: str, language: str, pdf: bytes) -> bytes:
        return await self._run(q.add_receipt_pdf, submission_id, language, pdf)

    # Delivery: the outbox

    async def claim_deliveries(self, limit: int, lease: dt.timedelta,
                               now: dt.datetime | None = None) -> list[Delivery]:
        return await self._run(q.claim_deliveries, limit, lease, now or dt.datetime.now(dt.UTC))

    async def delivery_done(self, delivery_id: str, now: dt.datetime | None = None) -> None:
        await self._run(q.delivery_done, delivery_id, now or dt.datetime.now(dt.UTC))

    async def delivery_failed(self, delivery_id: str, error: str, retry_at: dt.datetime | None) -> None:
        await self._run(q.delivery_failed, delivery_id, error, retry_at)

    async def deliveries(self, status: DeliveryStatus | None = None, limit: int = 100) -> list[Delivery]:
        return await self._run(q.deliveries, status, limit)

    async def delivery(self, delivery_id: str) -> Delivery | None:
        return await self._run(q.delivery, delivery_id)

    async def retry_delivery(self, delivery_id: str, now: dt.datetime | None = None) -> bool:
        return await self._run(q.retry_delivery, delivery_id, now or dt.datetime.now(dt.UTC))

    # Accessibility audits

    async def add_audit(self, form_id: str, form_hash: str, tools: str, pages: int,
                        problems: tuple[AuditProblem, ...], now: dt.datetime | None = None) -> AuditResult:
        return await self._run(q.add_audit, AuditResult(
            id=ids.record_id(), form_id=form_id, form_hash=form_hash, audited_at=now or dt.datetime.now(dt.UTC),
            tools=tools, pages=pages, problems=problems))

    async def latest_audits(self) -> list[AuditResult]:
        return await self._run(q.latest_audits)

    # The database

    async def upgrade(self) -> list[str]:
        async with self._connection(current=False) as db:
            applied = await migrate(db, self._schema)
        self._current = True
        return applied

    async def migrations(self) -> list[MigrationState]:
        async with self._connection(current=False) as db:
            return states("postgresql", await applied_migrations(db))

    async def ping(self) -> None:
        async with self._connection(current=False) as db:
            await db.execute("SELECT 1")

    async def close(self) -> None:
        """Finish every call already made (of this loop's), then close the pool; closing again does nothing."""
        if self._writer is not None and self._loop is asyncio.get_running_loop():
            await self._writer  # every queued submission committed
            if self._writing is not None:
                await self._writing.close()
        while self._busy:
            await asyncio.sleep(0.01)
        if self._pool is not None and self._loop is asyncio.get_running_loop():
            await self._pool.close()


@dataclass(frozen=True)
class _Pending:
    new: NewSubmission
    future: asyncio.Future[Submission]


def _settle(future: asyncio.Future[Submission], outcome: Submission | BaseException) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _storage_error(exc: BaseException) -> BaseException:
    """A taken reference number as `DuplicateReference`; anything else as it is."""
    if isinstance(exc, UniqueViolation) and exc.diag.constraint_name == "submissions_reference_key":
        return DuplicateReference(f"a reference number is already taken: {exc}")
    return exc


async def _store_all(db: Db, news: list[NewSubmission]) -> list[Submission]:
    """`news` stored in the transaction `db` is in. Those of a draft or with an idempotency key one by one, as
    each may have been sent before (then the first submission, `resent`); the rest together."""
    outcomes: dict[int, Submission] = {}
    for i, new in enumerate(news):
        if new.draft_id is not None or new.idempotency_key is not None:
            sent = await _sent(db, new, canonical_json(new.data))
            outcomes[i] = replace(sent, resent=True) if sent is not None else (await _insert(db, [new]))[0]
    plain = [i for i in range(len(news)) if i not in outcomes]
    outcomes.update(zip(plain, await _insert(db, [news[i] for i in plain]), strict=True))
    return [outcomes[i] for i in range(len(news))]


async def _sent(db: Db, new: NewSubmission, data: str) -> Submission | None:
    """The submission `new` was already sent as: its draft's, or its idempotency key's within the window. Locks
    the draft's row and the key's, so that the same draft or key sent at once waits here for the first."""
    if new.draft_id is not None:  # locked first: the submission is read afterwards, by a statement that sees it
        draft = await row(db, "SELECT submission_id FROM drafts WHERE id = %s FOR UPDATE", (new.draft_id,))
        if draft is not None and draft[0] is not None:
            return submission_of(await row(db, f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = %s", draft))
    if new.idempotency_key is None:
        return None
    moment = now()
    claimed = await row(  # a new key, or one whose window has passed, is ours (the submission follows)
        db, "INSERT INTO idempotency_keys (key, submission_id, data_sha256, created_at) VALUES (%s, '', %s, %s) "
        "ON CONFLICT (key) DO UPDATE SET submission_id = '', data_sha256 = excluded.data_sha256, "
        "created_at = excluded.created_at WHERE idempotency_keys.created_at <= %s RETURNING key",
        (new.idempotency_key, _sha256(data), moment, moment - IDEMPOTENCY_WINDOW))
    if claimed is not None:
        return None
    found = await row(db, f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = "
                          "(SELECT submission_id FROM idempotency_keys WHERE key = %s)", (new.idempotency_key,))
    sent = submission_of(found)
    if sent.data_sha256 != _sha256(data):
        raise IdempotencyConflict("the idempotency key was used for other answers")
    return sent


async def _insert(db: Db, news: list[NewSubmission]) -> list[Submission]:
    """Store `news`, received now, with the next `seq`s and their agencies' next references, in a few statements
    whatever their number; each claims its attachments, marks its draft sent, takes its idempotency key and
    queues its deliveries. The counter rows are locked in one order (`submissions`, then agencies by name)."""
    if not news:
        return []
    (last,) = await row(db, "UPDATE counters SET last = last + %s WHERE name = 'submissions' RETURNING last",
                        (len(news),))
    received_at = now()
    year = ids.helsinki_year(received_at)
    numbers = {}
    for agency, count in sorted(Counter(new.agency for new in news).items()):
        (top,) = await row(
            db, "INSERT INTO reference_counters (agency, year, last) VALUES (%s, %s, %s) ON CONFLICT (agency, year) "
            "DO UPDATE SET last = reference_counters.last + excluded.last RETURNING last", (agency, year, count))
        numbers[agency] = iter(range(top - count + 1, top + 1))
    stored = [_stored(new, ids.reference(new.reference_pattern, next(numbers[new.agency]), year), received_at)
              for new in news]
    await db.cursor().executemany(
        f"INSERT INTO submissions ({SUBMISSION_COLUMNS}, seq) VALUES "
        "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [(*values, seq) for (_, values), seq in zip(stored, range(last - len(news) + 1, last + 1), strict=True)])
    for new, (s, _) in zip(news, stored, strict=True):
        await _claim(db, new, s.id)
    await db.cursor().executemany(
        "INSERT INTO deliveries (id, submission_id, agency, status, created_at, next_attempt_at) "
        "VALUES (%s, %s, %s, 'pending', %s, %s)",
        [(ids.record_id(), s.id, agency, received_at, received_at)
         for new, (s, _) in zip(news, stored, strict=True) for agency in dict.fromkeys(new.deliver_to)])
    await db.cursor().executemany(
        "UPDATE idempotency_keys SET submission_id = %s, created_at = %s WHERE key = %s",
        [(s.id, received_at, new.idempotency_key)
         for new, (s, _) in zip(news, stored, strict=True) if new.idempotency_key is not None])
    return [s for s, _ in stored]


def _stored(new: NewSubmission, reference: str, received_at: dt.datetime) -> tuple[Submission, tuple[Any, ...]]:
    """The submission `new` becomes, and its row's values but `seq`."""
    data, metadata = canonical_json(new.data), canonical_json(new.metadata)
    s = Submission(
        id=ids.record_id(), reference=reference, form_id=new.form_id, form_version=new.form_version,
        schema_hash=new.schema_hash, agency=new.agency, data=new.data, data_sha256=_sha256(data),
        received_at=received_at, language=new.language, receipt_token=ids.token(), metadata=new.metadata)
    return s, (s.id, s.reference, s.form_id, s.form_version, s.schema_hash, s.agency, data, s.data_sha256,
               received_at, s.language, s.receipt_token, metadata)


async def _claim(db: Db, new: NewSubmission, submission_id: str) -> None:
    """The submission takes its attachments, and its draft keeps only the link to it."""
    for attachment_id in new.attachments:
        if await q.changed(db, "UPDATE attachments SET submission_id = %s WHERE id = %s AND submission_id IS NULL",
                           (submission_id, attachment_id)) != 1:
            raise AttachmentGone(f"attachment {attachment_id} is gone or already sent")
    if new.draft_id is not None and await q.changed(
            db, "UPDATE drafts SET submission_id = %s, data = '{}', prefilled = '{}', code = NULL, refused = NULL "
            "WHERE id = %s AND submission_id IS NULL", (submission_id, new.draft_id)) != 1:
        raise DraftGone("the draft is gone")


def _sha256(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()
