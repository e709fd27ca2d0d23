"""What PostgreSQL's connections run besides storing submissions: every read, and the writes of uploads, drafts,
API keys, receipts and deliveries. Coroutines of a connection in autocommit mode; `PostgreSQLStorage` lends
them one from its pool."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from typing import Any, LiteralString

from psycopg import AsyncConnection

import submission.storage.ids as ids
import submission.storage.usage as u
from core.schema import canonical_json
from submission.storage.errors import DraftGone, UnknownCursor
from submission.storage.postgresql_schema import (
    API_KEY_COLUMNS,
    ATTACHMENT_COLUMNS,
    DELIVERY_COLUMNS,
    DRAFT_COLUMNS,
    SUBMISSION_COLUMNS,
    api_key_of,
    delivery_of,
    draft_of,
    submission_of,
    utc,
)
from submission.storage.protocol import UPLOAD_GRACE
from submission.storage.records import (
    ApiKey,
    Attachment,
    AuditResult,
    Delivery,
    DeliveryStatus,
    Draft,
    FormUsage,
    FormVersion,
    Refusal,
    Submission,
    VersionUse,
    problems_json,
    problems_of,
    referred_attachments,
    refusal_json,
)

Db = AsyncConnection[Any]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def rows(db: Db, query: LiteralString, params: Any = ()) -> list[Any]:
    return await (await db.execute(query, params)).fetchall()


async def row(db: Db, query: LiteralString, params: Any = ()) -> Any:
    return await (await db.execute(query, params)).fetchone()


async def changed(db: Db, query: LiteralString, params: Any = ()) -> int:
    """How many rows the statement changed."""
    return (await db.execute(query, params)).rowcount


# Submissions


async def submission_where(db: Db, where: LiteralString, value: str) -> Submission | None:
    """The submission that meets `where` (one `%s` parameter, `value`)."""
    found = await row(db, f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE {where}", (value,))
    return submission_of(found) if found else None


async def form_submissions(db: Db, form_id: str) -> list[Submission]:
    found = await rows(db, f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE form_id = %s ORDER BY received_at, seq",
                       (form_id,))
    return [submission_of(r) for r in found]


async def submissions_page(db: Db, agency: str, form_id: str | None, after: str | None,
                           since: dt.datetime | None, limit: int) -> list[Submission]:
    """The agency's (form's) submissions in commit order (`seq`), after the submission `after`."""
    scope, params = where(("agency = %s", agency), ("form_id = %s", form_id))
    start = 0
    if after is not None:
        found = await row(db, f"SELECT seq FROM submissions WHERE id = %s AND {scope}", (after, *params))
        if found is None:
            raise UnknownCursor(f"no submission {after!r} among those listed")
        start = found[0]
    condition, values = where(("seq > %s", start), ("received_at >= %s", since))
    found_rows = await rows(db, f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE {scope} AND {condition} "
                                "ORDER BY seq LIMIT %s", (*params, *values, limit))
    return [submission_of(r) for r in found_rows]


async def count_submissions(db: Db, form_id: str | None, since: dt.datetime | None) -> int:
    condition, values = where(("form_id = %s", form_id), ("received_at >= %s", since))
    (counted,) = await row(db, f"SELECT count(*) FROM submissions WHERE {condition}", values)
    return int(counted)


def where(*conditions: tuple[LiteralString, Any]) -> tuple[LiteralString, list[Any]]:
    """The conditions whose value is given (not None), joined by AND ("true" if none), and their values: a
    plan for just those, which can use the indexes."""
    given = [(condition, value) for condition, value in conditions if value is not None]
    text: LiteralString = "true"
    for condition, _ in given:
        text = condition if text == "true" else text + " AND " + condition
    return text, [value for _, value in given]


# Attachments


async def add_attachment(db: Db, name: str, media_type: str, content: bytes, owner: str | None) -> Attachment:
    attachment = Attachment(id=ids.attachment_id(), name=name, media_type=media_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest())
    await db.execute(
        "INSERT INTO attachments (id, name, media_type, size, sha256, content, uploaded_at, draft_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (attachment.id, name, media_type, attachment.size, attachment.sha256, content, now(), owner))
    return attachment


async def attachments_where(db: Db, wanted: list[str], condition: LiteralString,
                            value: str | None) -> dict[str, Attachment]:
    """The attachments with these ids that meet `condition` (one `%s` parameter, `value`), by id."""
    found = await rows(db, f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE id = ANY(%s) AND {condition}",
                       (wanted, value))
    return {r[0]: Attachment(*r) for r in found}


async def attachments(db: Db, wanted: list[str], submission_id: str | None) -> list[Attachment]:
    found = await attachments_where(db, wanted, "submission_id IS NOT DISTINCT FROM %s", submission_id)
    return [found[i] for i in wanted if i in found]


async def owned_attachments(db: Db, wanted: list[str], owner: str) -> list[Attachment]:
    found = await attachments_where(db, wanted, "submission_id IS NULL AND draft_id = %s", owner)
    return [found[i] for i in dict.fromkeys(wanted) if i in found]


async def attachments_of(db: Db, submission_ids: list[str]) -> dict[str, list[Attachment]]:
    found: dict[str, list[Attachment]] = {}
    for submission_id, *rest in await rows(
            db, f"SELECT submission_id, {ATTACHMENT_COLUMNS} FROM attachments WHERE submission_id = ANY(%s) "
            "ORDER BY uploaded_at, n", (submission_ids,)):
        found.setdefault(submission_id, []).append(Attachment(*rest))
    return found


async def chunk(db: Db, attachment_id: str, start: int, size: int) -> bytes:
    """`size` bytes of the attachment's content from `start` (0 first); b"" past its end or if it is gone."""
    found = await row(db, "SELECT substring(content FROM %s FOR %s) FROM attachments WHERE id = %s",
                      (start + 1, size, attachment_id))
    return bytes(found[0]) if found else b""


async def count(db: Db, table: LiteralString) -> int:
    (counted,) = await row(db, f"SELECT count(*) FROM {table}")
    return int(counted)


async def hand_on_attachments(db: Db, owner: str, new_owner: str) -> None:
    await db.execute("UPDATE attachments SET draft_id = %s WHERE draft_id = %s AND submission_id IS NULL",
                     (new_owner, owner))


async def keep_attachments(db: Db, draft_id: str, data: dict[str, Any]) -> None:
    """The uploads a draft's answers refer to live as long as the draft; one held by another draft
    (or a one-page form's upload key) stays with its holder. In the caller's transaction."""
    if wanted := referred_attachments(data):
        await db.execute("UPDATE attachments SET draft_id = %s WHERE id = ANY(%s) "
                         "AND submission_id IS NULL AND draft_id IS NULL", (draft_id, wanted))


async def purge(db: Db, moment: dt.datetime) -> tuple[int, int]:
    async with db.transaction():
        drafts = await changed(db, "DELETE FROM drafts WHERE expires_at <= %s", (moment,))
        files = await changed(
            db, "DELETE FROM attachments a WHERE submission_id IS NULL AND uploaded_at < %s AND "
            "(draft_id IS NULL OR NOT EXISTS (SELECT 1 FROM drafts d WHERE d.id = a.draft_id))",
            (moment - UPLOAD_GRACE,))
    return drafts, files


# Drafts


async def add_draft(db: Db, form_id: str, language: str, days: int, data: dict[str, Any],
                    prefilled: dict[str, Any] | None, locked: tuple[str, ...], handover: bool,
                    form_hash: str | None) -> Draft:
    made = now()
    draft = Draft(
        id=ids.record_id(), token=ids.token(), form_id=form_id, language=language, data=data, done=(),
        prefilled=prefilled or {}, locked=locked, csrf=ids.token(), created_at=made,
        expires_at=made + dt.timedelta(days=days), days=days, handover=ids.token() if handover else None,
        form_hash=form_hash,
    )
    async with db.transaction():
        await db.execute(
            "INSERT INTO drafts (id, token, form_id, language, data, done, prefilled, locked, csrf, created_at, "
            "expires_at, days, handover, form_hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (draft.id, draft.token, form_id, language, canonical_json(data), "[]", canonical_json(draft.prefilled),
             json.dumps(list(locked)), draft.csrf, made, draft.expires_at, days, draft.handover, form_hash))
        await keep_attachments(db, draft.id, data)
    return draft


async def live_draft(db: Db, where: LiteralString, value: str) -> Draft | None:
    """The live (not expired) draft that meets `where` (one `%s` parameter, `value`)."""
    found = await row(db, f"SELECT {DRAFT_COLUMNS} FROM drafts d LEFT JOIN submissions s ON s.id = d.submission_id "
                          f"WHERE {where} AND d.expires_at > %s", (value, now()))
    return draft_of(found) if found else None


async def form_drafts(db: Db, form_id: str) -> list[Draft]:
    found = await rows(db, f"SELECT {DRAFT_COLUMNS} FROM drafts d LEFT JOIN submissions s ON s.id = d.submission_id "
                           "WHERE d.form_id = %s ORDER BY d.created_at, d.n", (form_id,))
    return [draft_of(r) for r in found]


async def hand_over(db: Db, handover: str) -> Draft | None:
    fresh = ids.token()
    moved = await changed(
        db, "UPDATE drafts SET token = %s, csrf = %s, handed_over_at = %s WHERE handover = %s "
        "AND handed_over_at IS NULL AND submission_id IS NULL AND expires_at > %s",
        (fresh, ids.token(), now(), handover, now()))
    return await live_draft(db, "d.token = %s", fresh) if moved == 1 else None


async def handed_over(db: Db, handover: str) -> str | None:
    found = await row(db, "SELECT form_id FROM drafts WHERE handover = %s AND handed_over_at IS NOT NULL "
                          "AND expires_at > %s", (handover, now()))
    return str(found[0]) if found else None


async def save_draft(db: Db, draft: Draft, data: dict[str, Any], done: tuple[str, ...], new_code: bool,
                     refused: Refusal | None) -> Draft:
    expires_at = now() + dt.timedelta(days=draft.days)
    saved = replace(draft, data=data, done=done, expires_at=expires_at,
                    code=ids.resume_code() if new_code else draft.code, refused=refused)
    async with db.transaction():
        if await changed(
                db, "UPDATE drafts SET data = %s, done = %s, expires_at = %s, days = %s, code = %s, form_hash = %s, "
                "refused = %s WHERE id = %s AND submission_id IS NULL AND expires_at > %s",
                (canonical_json(data), json.dumps(list(done)), expires_at, draft.days, saved.code, draft.form_hash,
                 refusal_json(refused), draft.id, now())) != 1:
            raise DraftGone("the draft is gone or already sent")
        await keep_attachments(db, draft.id, data)
    return saved


# Form versions

#: Each kept version of a form, newest first, with its submissions counted by the index on (form_id, schema_hash).
VERSION_USE = ("SELECT v.hash, v.form_id, v.label, v.first_seen_at, (SELECT count(*) FROM submissions s "
               "WHERE s.form_id = v.form_id AND s.schema_hash = v.hash) FROM form_versions v "
               "WHERE v.form_id = %s ORDER BY v.first_seen_at DESC, v.hash")


async def add_form_version(db: Db, form_id: str, hash: str, label: str, documents: dict[str, Any],
                           translations: dict[str, dict[str, str]]) -> bool:
    return await changed(
        db, "INSERT INTO form_versions (hash, form_id, label, documents, translations, first_seen_at) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (hash) DO NOTHING",
        (hash, form_id, label, canonical_json(documents), canonical_json(translations), now())) == 1


async def form_version(db: Db, hash: str) -> FormVersion | None:
    found = await row(db, "SELECT hash, form_id, label, documents, translations, first_seen_at FROM form_versions "
                          "WHERE hash = %s", (hash,))
    return FormVersion(found[0], found[1], found[2], json.loads(found[3]), json.loads(found[4]),
                       utc(found[5])) if found else None


async def form_versions(db: Db, form_id: str) -> list[VersionUse]:
    found = await rows(db, VERSION_USE, (form_id,))
    return [VersionUse(r[0], r[1], r[2], utc(r[3]), r[4]) for r in found]


# API keys


async def add_api_key(db: Db, agency: str, name: str) -> tuple[ApiKey, str]:
    secret = ids.new_key()
    record = ApiKey(id=ids.record_id(), agency=agency, name=name, created_at=now())
    await db.execute("INSERT INTO api_keys (id, agency, name, sha256, created_at) VALUES (%s, %s, %s, %s, %s)",
                     (record.id, agency, name, ids.key_hash(secret), record.created_at))
    return record, secret


async def live_api_key(db: Db, secret: str) -> ApiKey | None:
    found = await row(db, f"SELECT {API_KEY_COLUMNS} FROM api_keys WHERE sha256 = %s AND revoked_at IS NULL",
                      (ids.key_hash(secret),))
    return api_key_of(found) if found else None


async def api_keys(db: Db) -> list[ApiKey]:
    return [api_key_of(r) for r in await rows(db, f"SELECT {API_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id")]


async def revoke_api_key(db: Db, key_id: str) -> bool:
    return await changed(db, "UPDATE api_keys SET revoked_at = %s WHERE id = %s AND revoked_at IS NULL",
                         (now(), key_id)) == 1


# Receipts


async def receipt_pdf(db: Db, submission_id: str, language: str) -> bytes | None:
    found = await row(db, "SELECT pdf FROM receipts WHERE submission_id = %s AND language = %s",
                      (submission_id, language))
    return bytes(found[0]) if found else None


async def add_receipt_pdf(db: Db, submission_id: str, language: str, pdf: bytes) -> bytes:
    await db.execute("INSERT INTO receipts (submission_id, language, pdf, rendered_at) VALUES (%s, %s, %s, %s) "
                     "ON CONFLICT DO NOTHING", (submission_id, language, pdf, now()))
    kept = await receipt_pdf(db, submission_id, language)
    assert kept is not None
    return kept


# Delivery: the outbox


async def claim_deliveries(db: Db, limit: int, lease: dt.timedelta, moment: dt.datetime) -> list[Delivery]:
    """The due pending deliveries, oldest first, claimed until `moment + lease`; rows another worker is
    claiming right now are skipped (`SKIP LOCKED`), never waited for or claimed twice."""
    found = await rows(
        db, f"UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = %s WHERE id IN ("
        "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= %s "
        f"ORDER BY created_at, id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING {DELIVERY_COLUMNS}",
        (moment + lease, moment, limit))
    return sorted((delivery_of(r) for r in found), key=lambda d: (d.created_at, d.id))


async def delivery_done(db: Db, delivery_id: str, moment: dt.datetime) -> None:
    await db.execute("UPDATE deliveries SET status = 'delivered', delivered_at = %s, last_error = '' "
                     "WHERE id = %s AND status != 'delivered'", (moment, delivery_id))


async def delivery_failed(db: Db, delivery_id: str, error: str, retry_at: dt.datetime | None) -> None:
    """Pending again at `retry_at`, or `failed` without it; a delivery already made stays delivered."""
    await db.execute("UPDATE deliveries SET status = CASE WHEN %s::timestamptz IS NULL THEN 'failed' ELSE status END, "
                     "next_attempt_at = coalesce(%s, next_attempt_at), last_error = %s "
                     "WHERE id = %s AND status = 'pending'", (retry_at, retry_at, error, delivery_id))


async def deliveries(db: Db, status: DeliveryStatus | None, limit: int) -> list[Delivery]:
    found = await rows(db, f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE (%s::text IS NULL OR status = %s) "
                           "ORDER BY created_at, id LIMIT %s", (status, status, limit))
    return [delivery_of(r) for r in found]


async def delivery(db: Db, delivery_id: str) -> Delivery | None:
    found = await row(db, f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = %s", (delivery_id,))
    return delivery_of(found) if found else None


async def retry_delivery(db: Db, delivery_id: str, moment: dt.datetime) -> bool:
    return await changed(db, "UPDATE deliveries SET status = 'pending', next_attempt_at = %s "
                             "WHERE id = %s AND status = 'failed'", (moment, delivery_id)) == 1


# Use


async def usage(db: Db, moment: dt.datetime) -> list[FormUsage]:
    """`Storage.usage`: the portable statements of `submission.storage.usage`, in one repeatable-read snapshot."""
    windows = u.Windows.at(moment)
    async with db.transaction():
        await db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = await rows(db, u.submission_counts("%s"), windows.bounds())
        drafts = await rows(db, u.DRAFT_COUNTS)
        medians = await rows(db, u.median_to_send(u.POSTGRESQL_SECONDS))
    return u.form_usage(windows, counts, drafts, medians)


# Accessibility audits

#: The latest audit of each form: the newest `audited_at` (then the greatest id) per form id.
LATEST_AUDITS = ("SELECT DISTINCT ON (form_id) id, form_id, form_hash, audited_at, tools, pages, problems "
                 "FROM audits ORDER BY form_id, audited_at DESC, id DESC")


async def add_audit(db: Db, audit: AuditResult) -> AuditResult:
    await db.execute("INSERT INTO audits (id, form_id, form_hash, audited_at, tools, pages, problems) "
                     "VALUES (%s, %s, %s, %s, %s, %s, %s)", (audit.id, audit.form_id, audit.form_hash,
                                                             audit.audited_at, audit.tools, audit.pages,
                                                             problems_json(audit.problems)))
    return audit


async def latest_audits(db: Db) -> list[AuditResult]:
    return [AuditResult(id=r[0], form_id=r[1], form_hash=r[2], audited_at=utc(r[3]), tools=r[4], pages=r[5],
                        problems=problems_of(r[6])) for r in await rows(db, LATEST_AUDITS)]
