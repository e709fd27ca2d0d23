"""The storage interface every engine implements: all async, so callers just `await` it.

An engine does its own thread offload: nothing it does blocks the event loop. A submission is committed,
with its reference number, before anyone is told it arrived; the commit time is the legal time of
arrival (Act 13/2003, 10 §). Ids, tokens and codes come from `ids`; failures are the errors of `errors`.
`tests/submission/storage/test_contract.py` is what every engine must pass.

Commit order. `submissions_page` lists submissions in their commit order, and its cursor is a submission's
id: the page after it holds only submissions committed after it. So that paging never skips a submission
that commits while someone pages (the read API's promise: no duplicates, none missed, no offsets), an
engine must guarantee that whenever a reader can see a submission, it can also see every submission
earlier in that order: the order a reader sees is a prefix of the final one. SQLite gets it for free:
one write transaction at a time (`BEGIN IMMEDIATE`, across processes too), and a `seq` counted up in the
committing transaction. A PostgreSQL engine must not take the order from a sequence or an identity
column alone, since transactions commit in another order than they drew their numbers: it can count
`seq` up in a counter row updated in the inserting transaction (which makes those transactions commit one
after another, as the per-agency reference counter already does per agency), or keep each row's
`pg_current_xact_id()` and hand out only rows of transactions older than the reader's snapshot's
`pg_snapshot_xmin(pg_current_snapshot())`, so that a page stops before any submission still in flight.
Timestamps (`received_at`) are no such order: clocks step back, and two commits share one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any, Protocol

from submission.storage.migrations import MigrationState
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

#: Unclaimed uploads outside any draft (a one-page form's failed attempt) are kept this long.
UPLOAD_GRACE = dt.timedelta(days=1)
#: An idempotency key gives back its first submission this long after it was first used.
IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)


class Storage(Protocol):
    """Where submissions live. Implementations must be safe for several processes at once."""

    # Submissions

    async def add_submission(self, new: NewSubmission) -> Submission:
        """Store `new` durably and give it a reference; returns only after the commit. A draft already sent
        gives back its first submission, marked `resent`, and stores nothing; so does an `idempotency_key`
        used within `IDEMPOTENCY_WINDOW` with the same answers. In the same transaction, one pending
        `Delivery` per agency in `deliver_to`. Raises `AttachmentGone` if an attachment is purged or claimed,
        `DraftGone` if the draft is purged, `DuplicateReference` if the reference number is taken,
        `IdempotencyConflict` if the key was used with other answers."""

    async def submission(self, submission_id: str) -> Submission | None:
        """The submission with this id."""

    async def submission_by_receipt(self, token: str) -> Submission | None:
        """The submission whose receipt token is `token`."""

    async def form_submissions(self, form_id: str) -> list[Submission]:
        """Every submission of the form, in the order they were stored."""

    async def submissions_page(self, agency: str, form_id: str | None = None, after: str | None = None,
                               since: dt.datetime | None = None, limit: int = 100) -> list[Submission]:
        """Up to `limit` of the agency's submissions (of `form_id` only, if given) received at or after `since`
        (an aware time), in commit order (see the module's docstring); with `after`, only those committed after
        the submission with that id. Raises `UnknownCursor` if `after` is not one of the agency's (the form's)
        submissions."""

    async def count_submissions(self, form_id: str | None = None, since: dt.datetime | None = None) -> int:
        """How many submissions there are, of every form (of `form_id` only, received at or after `since`)."""

    async def usage(self, now: dt.datetime | None = None) -> list[FormUsage]:
        """How much each form with any submission or draft is used, as of `now` (an aware time; the present by
        default), by form id: aggregated in the database (`submission.storage.usage` has the portable SQL), so
        a million submissions take seconds."""

    # Attachments

    async def add_attachment(self, name: str, media_type: str, content: bytes, owner: str | None = None) -> Attachment:
        """Keep an uploaded file until a submission takes it (or it is purged unclaimed). `owner` is who
        uploaded it: a draft's id, or a one-page form's upload key (see `owned_attachments`)."""

    async def attachments(self, ids: list[str], submission_id: str | None = None) -> list[Attachment]:
        """The attachments with these ids that belong to `submission_id` (None: not yet claimed), in the order
        of `ids`."""

    async def owned_attachments(self, ids: list[str], owner: str) -> list[Attachment]:
        """The unclaimed attachments with these ids that `owner` holds: the only ones a page may name as kept."""

    async def submission_attachments(self, submission_id: str) -> list[Attachment]:
        """Every attachment the submission claimed, in the order they were uploaded."""

    async def attachments_of(self, submission_ids: list[str]) -> dict[str, list[Attachment]]:
        """Every attachment each of the submissions claimed, in the order they were uploaded, by submission id
        (a submission without any is left out)."""

    def attachment_content(self, attachment_id: str, chunk_size: int = 256 * 1024) -> AsyncGenerator[bytes, None]:
        """The attachment's bytes, in chunks of at most `chunk_size`, read as they are asked for (a file is
        never held in memory whole); nothing if there is no such attachment. Iterate it with `async for`."""

    async def count_attachments(self) -> int:
        """How many uploaded files are kept, claimed or not."""

    async def hand_on_attachments(self, owner: str, new_owner: str) -> None:
        """The unclaimed uploads `owner` holds are held by `new_owner` from now on (a one-page form's
        uploads go to the draft it is saved into)."""

    # Drafts

    async def add_draft(self, form_id: str, language: str, days: int, data: dict[str, Any],
                        prefilled: dict[str, Any] | None = None, locked: tuple[str, ...] = (),
                        handover: bool = False, form_hash: str | None = None) -> Draft:
        """Start a draft that expires `days` days from now, on the form version `form_hash`; with `handover`, for
        someone else: its `token` is then known to no one until the draft is handed over."""

    async def hand_over(self, handover: str) -> Draft | None:
        """Open a draft's one-time link: at most once, atomically, the live draft moves to a fresh token
        and CSRF token, and is returned; None if no live draft has that link or it was used."""

    async def handed_over(self, handover: str) -> str | None:
        """The form of the live draft whose one-time link `handover` has already been opened."""

    async def draft(self, token: str) -> Draft | None:
        """The live (not expired) draft whose token is `token`, sent or not."""

    async def draft_by_code(self, code: str) -> Draft | None:
        """The live draft whose resume code is `code` (as `ids.normalise_code` gives it)."""

    async def draft_by_id(self, draft_id: str) -> Draft | None:
        """The live draft with this id."""

    async def form_drafts(self, form_id: str) -> list[Draft]:
        """Every draft of the form not yet purged (live, sent or expired), oldest first; without `handover`."""

    async def save_draft(self, draft: Draft, data: dict[str, Any], done: tuple[str, ...],
                         new_code: bool = False, refused: Refusal | None = None) -> Draft:
        """Keep the answers (and the pages passed), the form version `draft.form_hash` (a draft moved to a new
        version), and `draft.days`, and move the expiry that many days from now; a new resume code if asked.
        `refused` replaces the draft's refusal: without it, the draft has none.
        The draft's attachments are then kept as long as the draft. `DraftGone` if the draft
        expired or was sent."""

    async def purge(self, now: dt.datetime | None = None) -> tuple[int, int]:
        """Delete expired drafts, and unclaimed uploads older than `UPLOAD_GRACE` that no (remaining) draft
        holds; how many of each."""

    # Form versions

    async def add_form_version(self, form_id: str, hash: str, label: str, documents: dict[str, Any],
                               translations: dict[str, dict[str, str]]) -> bool:
        """Keep a form version by its hash, first seen now; True if it is new. Idempotent: a hash already kept
        keeps what it was first stored with (the first one wins)."""

    async def form_version(self, hash: str) -> FormVersion | None:
        """The form version kept with this hash."""

    async def form_versions(self, form_id: str) -> list[VersionUse]:
        """Every kept version of the form, newest first, with its number of submissions (counted in the
        database)."""

    # Agencies' API keys

    async def add_api_key(self, agency: str, name: str = "") -> tuple[ApiKey, str]:
        """A new key for `agency`: its record and the key itself, which is not stored and never shown again."""

    async def agency_of_key(self, secret: str) -> str | None:
        """The agency whose live (not revoked) key `secret` is."""

    async def live_api_key(self, secret: str) -> ApiKey | None:
        """The live (not revoked) key whose secret is `secret`: whose it is, and its id to attribute what it does."""

    async def api_keys(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""

    async def revoke_api_key(self, key_id: str) -> bool:
        """Revoke a live key; False if there is no live key with that id."""

    # Receipts

    async def receipt_pdf(self, submission_id: str, language: str) -> bytes | None:
        """The receipt PDF kept for this submission in `language`, if one was rendered."""

    async def add_receipt_pdf(self, submission_id: str, language: str, pdf: bytes) -> bytes:
        """Keep a rendered receipt; the one kept first wins, and is returned, so every GET gets the same bytes."""

    # Delivery: the outbox

    async def claim_deliveries(self, limit: int, lease: dt.timedelta,
                               now: dt.datetime | None = None) -> list[Delivery]:
        """Up to `limit` pending deliveries that are due (`next_attempt_at` at or before now), oldest first, each
        claimed for `lease` in one transaction: `attempts` counted up, `next_attempt_at` moved to now + lease.
        No other worker (thread or process) gets a claimed row until its lease ends; a worker that dies
        mid-delivery lets it come due again (at least once)."""

    async def delivery_done(self, delivery_id: str, now: dt.datetime | None = None) -> None:
        """The receiver took it: `delivered`, at now."""

    async def delivery_failed(self, delivery_id: str, error: str, retry_at: dt.datetime | None) -> None:
        """An attempt failed with `error` (no personal data in it): try again at `retry_at`, or with None give
        up: `failed`, the dead letter."""

    async def deliveries(self, status: DeliveryStatus | None = None, limit: int = 100) -> list[Delivery]:
        """Up to `limit` deliveries (with `status` only, if given), oldest first."""

    async def delivery(self, delivery_id: str) -> Delivery | None:
        """The delivery with this id."""

    async def retry_delivery(self, delivery_id: str, now: dt.datetime | None = None) -> bool:
        """Make a failed delivery pending and due now, keeping its attempts; False if no failed delivery has that id."""

    # Accessibility audits

    async def add_audit(self, form_id: str, form_hash: str, tools: str, pages: int,
                        problems: tuple[AuditProblem, ...], now: dt.datetime | None = None) -> AuditResult:
        """Keep an audit of the form's version `form_hash` (`lomake audit`), made at `now` (the present by default)."""

    async def latest_audits(self) -> list[AuditResult]:
        """The latest audit of each form audited, by form id."""

    # The database

    async def upgrade(self) -> list[str]:
        """Apply the schema migrations this database lacks (see `migrations`); the names of those applied,
        including any the engine applied when it was opened."""

    async def migrations(self) -> list[MigrationState]:
        """Every migration the engine has, with when this database got it."""

    async def ping(self) -> None:
        """Raise if the database cannot be reached."""

    async def close(self) -> None:
        """Finish every queued write, then let go of the database; closing again does nothing."""
