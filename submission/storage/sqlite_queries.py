"""What SQLite's side connection runs: every read, and the writes outside the group commit (uploads,
drafts, API keys, receipts, deliveries). Plain blocking functions of a connection; `SQLiteStorage` runs them on the
connection's own thread."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import submission.storage.ids as ids
import submission.storage.usage as u
from core.schema import canonical_json
from submission.storage.errors import DraftGone, UnknownCursor
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
from submission.storage.sqlite_schema import (
    API_KEY_COLUMNS,
    ATTACHMENT_COLUMNS,
    DELIVERY_COLUMNS,
    DRAFT_COLUMNS,
    SUBMISSION_COLUMNS,
    Transaction,
    api_key_of,
    delivery_of,
    draft_of,
    now,
    stamp,
    submission_of,
)

# Submissions


def submission_where(db: sqlite3.Connection, where: str, value: str) -> Submission | None:
    """The submission that meets `where` (one `?` parameter, `value`)."""
    row = db.execute(f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE {where}", (value,)).fetchone()
    return submission_of(row) if row else None


def form_submissions(db: sqlite3.Connection, form_id: str) -> list[Submission]:
    rows = db.execute(f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE form_id = ? ORDER BY received_at, rowid",
                      (form_id,)).fetchall()
    return [submission_of(row) for row in rows]


def submissions_page(db: sqlite3.Connection, agency: str, form_id: str | None, after: str | None,
                     since: dt.datetime | None, limit: int) -> list[Submission]:
    """The agency's (form's) submissions in commit order (`seq`), after the submission `after`."""
    scope, params = ("agency = ? AND form_id = ?", [agency, form_id]) if form_id is not None else (
        "agency = ?", [agency])
    start = 0
    if after is not None:
        row = db.execute(f"SELECT seq FROM submissions WHERE id = ? AND {scope}", (after, *params)).fetchone()
        if row is None:
            raise UnknownCursor(f"no submission {after!r} among those listed")
        start = row[0]
    where, values = f"{scope} AND seq > ?", [*params, start]
    if since is not None:
        where += " AND received_at >= ?"
        values.append(received(since))
    rows = db.execute(f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE {where} ORDER BY seq LIMIT ?",
                      (*values, limit)).fetchall()
    return [submission_of(row) for row in rows]


def count_submissions(db: sqlite3.Connection, form_id: str | None, since: dt.datetime | None) -> int:
    where, values = ["1"], list[str]()
    if form_id is not None:
        where, values = [*where, "form_id = ?"], [*values, form_id]
    if since is not None:
        where, values = [*where, "received_at >= ?"], [*values, received(since)]
    return int(db.execute(f"SELECT count(*) FROM submissions WHERE {' AND '.join(where)}", values).fetchone()[0])


def usage(db: sqlite3.Connection, moment: dt.datetime) -> list[FormUsage]:
    """`Storage.usage`: the portable statements of `submission.storage.usage`, in one read transaction."""
    windows = u.Windows.at(moment)
    db.execute("BEGIN")
    try:
        counts = db.execute(u.submission_counts(), [received(b) for b in windows.bounds()]).fetchall()
        drafts = db.execute(u.DRAFT_COUNTS).fetchall()
        medians = db.execute(u.median_to_send(u.SQLITE_SECONDS)).fetchall()
    finally:
        db.execute("COMMIT")
    return u.form_usage(windows, counts, drafts, medians)


def received(moment: dt.datetime) -> str:
    """A time as `received_at` is stored (`datetime.isoformat` in UTC), so that text order is time order."""
    return moment.astimezone(dt.UTC).isoformat()


def count(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# Attachments


def add_attachment(db: sqlite3.Connection, name: str, media_type: str, content: bytes,
                   owner: str | None) -> Attachment:
    attachment = Attachment(id=ids.attachment_id(), name=name, media_type=media_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest())
    with Transaction(db):
        db.execute(
            "INSERT INTO attachments (id, name, media_type, size, sha256, content, uploaded_at, draft_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (attachment.id, name, media_type, attachment.size, attachment.sha256, content, stamp(now()), owner),
        )
    return attachment


def attachments_where(db: sqlite3.Connection, wanted: list[str], condition: str,
                      value: str | None) -> dict[str, Attachment]:
    """The attachments with these ids that meet `condition` (one `?` parameter, `value`), by id."""
    if not wanted:
        return {}
    rows = db.execute(
        f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE id IN ({','.join('?' * len(wanted))}) "
        f"AND {condition}", (*wanted, value)).fetchall()
    return {row[0]: Attachment(*row) for row in rows}


def attachments(db: sqlite3.Connection, wanted: list[str], submission_id: str | None) -> list[Attachment]:
    found = attachments_where(db, wanted, "submission_id IS ?", submission_id)
    return [found[i] for i in wanted if i in found]


def owned_attachments(db: sqlite3.Connection, wanted: list[str], owner: str) -> list[Attachment]:
    found = attachments_where(db, wanted, "submission_id IS NULL AND draft_id = ?", owner)
    return [found[i] for i in dict.fromkeys(wanted) if i in found]


def submission_attachments(db: sqlite3.Connection, submission_id: str) -> list[Attachment]:
    rows = db.execute(f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE submission_id = ? "
                      "ORDER BY uploaded_at, rowid", (submission_id,)).fetchall()
    return [Attachment(*row) for row in rows]


def attachments_of(db: sqlite3.Connection, submission_ids: list[str]) -> dict[str, list[Attachment]]:
    found: dict[str, list[Attachment]] = {}
    for start in range(0, len(submission_ids), 500):
        wanted = submission_ids[start:start + 500]
        rows = db.execute(f"SELECT submission_id, {ATTACHMENT_COLUMNS} FROM attachments WHERE submission_id IN "
                          f"({','.join('?' * len(wanted))}) ORDER BY uploaded_at, rowid", wanted).fetchall()
        for submission_id, *row in rows:
            found.setdefault(submission_id, []).append(Attachment(*row))
    return found


class Content:
    """One attachment's bytes, read piece by piece through SQLite's incremental blob I/O, on a connection of
    its own (held only while the file is read: a slow download never holds up the side connection). Reads
    and closing take turns: a reader that goes away mid-read closes only once that read is done."""

    def __init__(self, path: Path, attachment_id: str) -> None:
        self._turn = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA query_only = 1")
        row = self._db.execute("SELECT rowid FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
        self._blob = self._db.blobopen("attachments", "content", row[0], readonly=True) if row else None

    def read(self, size: int) -> bytes:
        with self._turn:
            return self._blob.read(size) if self._blob is not None else b""

    def close(self) -> None:
        with self._turn:
            if self._blob is not None:
                self._blob.close()
                self._blob = None
            self._db.close()


def hand_on_attachments(db: sqlite3.Connection, owner: str, new_owner: str) -> None:
    with Transaction(db):
        db.execute("UPDATE attachments SET draft_id = ? WHERE draft_id = ? AND submission_id IS NULL",
                   (new_owner, owner))


def keep_attachments(db: sqlite3.Connection, draft_id: str, data: dict[str, Any]) -> None:
    """The uploads a draft's answers refer to live as long as the draft; one held by another draft
    (or a one-page form's upload key) stays with its holder. In the caller's transaction."""
    if wanted := referred_attachments(data):
        db.execute(
            f"UPDATE attachments SET draft_id = ? WHERE id IN ({','.join('?' * len(wanted))}) "
            "AND submission_id IS NULL AND draft_id IS NULL", (draft_id, *wanted))


def purge(db: sqlite3.Connection, moment: dt.datetime) -> tuple[int, int]:
    with Transaction(db):
        drafts = db.execute("DELETE FROM drafts WHERE expires_at <= ?", (stamp(moment),)).rowcount
        files = db.execute(
            "DELETE FROM attachments WHERE submission_id IS NULL AND uploaded_at < ? AND "
            "(draft_id IS NULL OR draft_id NOT IN (SELECT id FROM drafts))",
            (stamp(moment - UPLOAD_GRACE),),
        ).rowcount
    return drafts, files


# Drafts


def add_draft(db: sqlite3.Connection, form_id: str, language: str, days: int, data: dict[str, Any],
              prefilled: dict[str, Any] | None, locked: tuple[str, ...], handover: bool,
              form_hash: str | None) -> Draft:
    made = now()
    draft = Draft(
        id=ids.record_id(), token=ids.token(), form_id=form_id, language=language, data=data, done=(),
        prefilled=prefilled or {}, locked=locked, csrf=ids.token(), created_at=made,
        expires_at=made + dt.timedelta(days=days), days=days, handover=ids.token() if handover else None,
        form_hash=form_hash,
    )
    with Transaction(db):
        db.execute(
            "INSERT INTO drafts (id, token, form_id, language, data, done, prefilled, locked, csrf, created_at, "
            "expires_at, days, handover, form_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (draft.id, draft.token, form_id, language, canonical_json(data), "[]", canonical_json(draft.prefilled),
             json.dumps(list(locked)), draft.csrf, stamp(made), stamp(draft.expires_at), days, draft.handover,
             form_hash),
        )
        keep_attachments(db, draft.id, data)
    return draft


def live_draft(db: sqlite3.Connection, where: str, value: str) -> Draft | None:
    """The live (not expired) draft that meets `where` (one `?` parameter, `value`)."""
    row = db.execute(f"SELECT {DRAFT_COLUMNS} FROM drafts d LEFT JOIN submissions s ON s.id = d.submission_id "
                     f"WHERE {where} AND d.expires_at > ?", (value, stamp(now()))).fetchone()
    return draft_of(row) if row else None


def form_drafts(db: sqlite3.Connection, form_id: str) -> list[Draft]:
    rows = db.execute(f"SELECT {DRAFT_COLUMNS} FROM drafts d LEFT JOIN submissions s ON s.id = d.submission_id "
                      "WHERE d.form_id = ? ORDER BY d.created_at, d.rowid", (form_id,)).fetchall()
    return [draft_of(row) for row in rows]


def hand_over(db: sqlite3.Connection, handover: str) -> Draft | None:
    fresh = ids.token()
    with Transaction(db):
        moved = db.execute(
            "UPDATE drafts SET token = ?, csrf = ?, handed_over_at = ? "
            "WHERE handover = ? AND handed_over_at IS NULL AND submission_id IS NULL AND expires_at > ?",
            (fresh, ids.token(), stamp(now()), handover, stamp(now())),
        ).rowcount
    return live_draft(db, "d.token = ?", fresh) if moved == 1 else None


def handed_over(db: sqlite3.Connection, handover: str) -> str | None:
    row = db.execute("SELECT form_id FROM drafts WHERE handover = ? AND handed_over_at IS NOT NULL AND expires_at > ?",
                     (handover, stamp(now()))).fetchone()
    return str(row[0]) if row else None


def save_draft(db: sqlite3.Connection, draft: Draft, data: dict[str, Any], done: tuple[str, ...],
               new_code: bool, refused: Refusal | None) -> Draft:
    expires_at = now() + dt.timedelta(days=draft.days)
    saved = replace(draft, data=data, done=done, expires_at=expires_at,
                    code=ids.resume_code() if new_code else draft.code, refused=refused)
    with Transaction(db):
        changed = db.execute(
            "UPDATE drafts SET data = ?, done = ?, expires_at = ?, days = ?, code = ?, form_hash = ?, refused = ? "
            "WHERE id = ? AND submission_id IS NULL AND expires_at > ?",
            (canonical_json(data), json.dumps(list(done)), stamp(expires_at), draft.days, saved.code, draft.form_hash,
             refusal_json(refused), draft.id, stamp(now())),
        ).rowcount
        if changed != 1:
            raise DraftGone("the draft is gone or already sent")
        keep_attachments(db, draft.id, data)
    return saved


# Form versions

#: Each kept version of a form, newest first, with its submissions counted by the index on (form_id, schema_hash).
VERSION_USE = ("SELECT v.hash, v.form_id, v.label, v.first_seen_at, (SELECT count(*) FROM submissions s "
               "WHERE s.form_id = v.form_id AND s.schema_hash = v.hash) FROM form_versions v "
               "WHERE v.form_id = ? ORDER BY v.first_seen_at DESC, v.hash")


def add_form_version(db: sqlite3.Connection, form_id: str, hash: str, label: str, documents: dict[str, Any],
                     translations: dict[str, dict[str, str]]) -> bool:
    """Looked for first, outside a write transaction: a server starting again writes (and syncs) nothing."""
    if db.execute("SELECT 1 FROM form_versions WHERE hash = ?", (hash,)).fetchone() is not None:
        return False
    with Transaction(db):
        return db.execute(
            "INSERT OR IGNORE INTO form_versions (hash, form_id, label, documents, translations, first_seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (hash, form_id, label, canonical_json(documents), canonical_json(translations), stamp(now()))).rowcount == 1


def form_version(db: sqlite3.Connection, hash: str) -> FormVersion | None:
    found = db.execute("SELECT hash, form_id, label, documents, translations, first_seen_at FROM form_versions "
                       "WHERE hash = ?", (hash,)).fetchone()
    return FormVersion(found[0], found[1], found[2], json.loads(found[3]), json.loads(found[4]),
                       dt.datetime.fromisoformat(found[5])) if found else None


def form_versions(db: sqlite3.Connection, form_id: str) -> list[VersionUse]:
    found = db.execute(VERSION_USE, (form_id,)).fetchall()
    return [VersionUse(r[0], r[1], r[2], dt.datetime.fromisoformat(r[3]), r[4]) for r in found]


# API keys


def add_api_key(db: sqlite3.Connection, agency: str, name: str) -> tuple[ApiKey, str]:
    secret = ids.new_key()
    record = ApiKey(id=ids.record_id(), agency=agency, name=name, created_at=now())
    with Transaction(db):
        db.execute("INSERT INTO api_keys (id, agency, name, sha256, created_at) VALUES (?, ?, ?, ?, ?)",
                   (record.id, agency, name, ids.key_hash(secret), stamp(record.created_at)))
    return record, secret


def agency_of_key(db: sqlite3.Connection, secret: str) -> str | None:
    row = db.execute("SELECT agency FROM api_keys WHERE sha256 = ? AND revoked_at IS NULL",
                     (ids.key_hash(secret),)).fetchone()
    return str(row[0]) if row else None


def live_api_key(db: sqlite3.Connection, secret: str) -> ApiKey | None:
    row = db.execute(f"SELECT {API_KEY_COLUMNS} FROM api_keys WHERE sha256 = ? AND revoked_at IS NULL",
                     (ids.key_hash(secret),)).fetchone()
    return api_key_of(row) if row else None


def api_keys(db: sqlite3.Connection) -> list[ApiKey]:
    rows = db.execute(f"SELECT {API_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id").fetchall()
    return [api_key_of(row) for row in rows]


def revoke_api_key(db: sqlite3.Connection, key_id: str) -> bool:
    with Transaction(db):
        return db.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                          (stamp(now()), key_id)).rowcount == 1


# Receipts


def receipt_pdf(db: sqlite3.Connection, submission_id: str, language: str) -> bytes | None:
    row = db.execute("SELECT pdf FROM receipts WHERE submission_id = ? AND language = ?",
                     (submission_id, language)).fetchone()
    return bytes(row[0]) if row else None


def add_receipt_pdf(db: sqlite3.Connection, submission_id: str, language: str, pdf: bytes) -> bytes:
    with Transaction(db):
        db.execute("INSERT OR IGNORE INTO receipts (submission_id, language, pdf, rendered_at) VALUES (?, ?, ?, ?)",
                   (submission_id, language, pdf, stamp(now())))
        kept = receipt_pdf(db, submission_id, language)
    assert kept is not None
    return kept


def ping(db: sqlite3.Connection) -> None:
    db.execute("SELECT 1").fetchone()


# Delivery: the outbox


def claim_deliveries(db: sqlite3.Connection, limit: int, lease: dt.timedelta, moment: dt.datetime) -> list[Delivery]:
    """The due pending deliveries, oldest first, claimed until `moment + lease` under the writer lock
    (`BEGIN IMMEDIATE`): no other connection, in this process or another, claims them meanwhile."""
    with Transaction(db):
        rows = db.execute(
            f"UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ? WHERE id IN ("
            "SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? "
            f"ORDER BY created_at, id LIMIT ?) RETURNING {DELIVERY_COLUMNS}",
            (stamp(moment + lease), stamp(moment), limit)).fetchall()
    return sorted((delivery_of(row) for row in rows), key=lambda d: (d.created_at, d.id))


def delivery_done(db: sqlite3.Connection, delivery_id: str, moment: dt.datetime) -> None:
    db.execute("UPDATE deliveries SET status = 'delivered', delivered_at = ?, last_error = '' "
               "WHERE id = ? AND status != 'delivered'", (stamp(moment), delivery_id))


def delivery_failed(db: sqlite3.Connection, delivery_id: str, error: str, retry_at: dt.datetime | None) -> None:
    """Pending again at `retry_at`, or `failed` without it; a delivery already made stays delivered."""
    if retry_at is None:
        db.execute("UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ? AND status = 'pending'",
                   (error, delivery_id))
    else:
        db.execute("UPDATE deliveries SET next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                   (stamp(retry_at), error, delivery_id))


def deliveries(db: sqlite3.Connection, status: DeliveryStatus | None, limit: int) -> list[Delivery]:
    where, values = ("status = ?", [status]) if status is not None else ("1", [])
    rows = db.execute(f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE {where} ORDER BY created_at, id LIMIT ?",
                      (*values, limit)).fetchall()
    return [delivery_of(row) for row in rows]


def delivery(db: sqlite3.Connection, delivery_id: str) -> Delivery | None:
    row = db.execute(f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    return delivery_of(row) if row else None


def retry_delivery(db: sqlite3.Connection, delivery_id: str, moment: dt.datetime) -> bool:
    return db.execute("UPDATE deliveries SET status = 'pending', next_attempt_at = ? "
                      "WHERE id = ? AND status = 'failed'", (stamp(moment), delivery_id)).rowcount == 1


# Accessibility audits

#: The latest audit of each form: the newest `audited_at` (then the greatest id) per form id.
LATEST_AUDITS = ("SELECT id, form_id, form_hash, audited_at, tools, pages, problems FROM ("
                 "SELECT *, row_number() OVER (PARTITION BY form_id ORDER BY audited_at DESC, id DESC) AS n "
                 "FROM audits) AS ranked WHERE n = 1 ORDER BY form_id")


def add_audit(db: sqlite3.Connection, audit: AuditResult) -> AuditResult:
    with Transaction(db):
        db.execute("INSERT INTO audits (id, form_id, form_hash, audited_at, tools, pages, problems) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", (audit.id, audit.form_id, audit.form_hash,
                                                    stamp(audit.audited_at), audit.tools, audit.pages,
                                                    problems_json(audit.problems)))
    return audit


def latest_audits(db: sqlite3.Connection) -> list[AuditResult]:
    return [AuditResult(id=r[0], form_id=r[1], form_hash=r[2], audited_at=dt.datetime.fromisoformat(r[3]),
                        tools=r[4], pages=r[5], problems=problems_of(r[6]))
            for r in db.execute(LATEST_AUDITS).fetchall()]
