"""The deliverer behind `lomake worker`: claims due deliveries from the outbox and POSTs each submission to its
agency's webhook, signed (`submission.delivery`), with the body the read API gives for it.

Each claim is a lease (`LEASE`): a worker that dies mid-delivery lets the row come due again when the lease
ends, and another worker (or the same, restarted) makes it: at least once. Receivers dedupe on `webhook-id`,
the submission's id. Several workers may run at once, on one database: no row is claimed twice in one lease.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.forms import Agency
from renderer.export import submission_json
from submission.delivery import Outcome, post, retry_at, signed_headers, unconfigured
from submission.storage import Delivery, Storage

log = logging.getLogger("lomake.delivery")

#: How long a claimed delivery is a worker's alone; longer than any attempt (`Worker.timeout`).
LEASE = dt.timedelta(seconds=60)


def json_body(value: Any) -> bytes:
    """JSON as the read API sends it (Starlette's `JSONResponse`): compact, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


@dataclass
class Worker:
    """Delivers the outbox of `storage` to the webhooks of `agencies`; links in bodies start with `base`."""

    storage: Storage
    agencies: Mapping[str, Agency]
    base: str
    retry_days: int = 3
    #: Seconds an attempt may take: to connect, and between bytes of the answer.
    timeout: float = 10.0
    lease: dt.timedelta = LEASE
    #: The first retry comes within this many seconds; each one after within twice the last (at most an hour).
    first_pause: float = 30.0
    batch: int = 20

    async def once(self) -> int:
        """Claim up to `batch` due deliveries and attempt them all at once; how many were claimed."""
        claimed = await self.storage.claim_deliveries(self.batch, self.lease)
        for delivery, outcome in zip(claimed, await asyncio.gather(
                *(self.deliver(d) for d in claimed), return_exceptions=True), strict=True):
            if isinstance(outcome, BaseException):  # the row comes due again when its lease ends
                log.error("delivery %s failed with %s", delivery.id, type(outcome).__name__)
        return len(claimed)

    async def drain(self) -> None:
        """Deliver what is due now, batch by batch, then return."""
        while await self.once() == self.batch:
            pass

    async def run(self, idle: float = 0.25) -> None:
        """Deliver for ever, looking again every `idle` seconds when nothing is due."""
        while True:
            if not await self.once():
                await asyncio.sleep(idle)

    async def deliver(self, delivery: Delivery) -> None:
        """One attempt, and its outcome kept: delivered, tried again later, or given up (the dead letter)."""
        outcome = await self.attempt(delivery)
        if outcome.delivered:
            await self.storage.delivery_done(delivery.id)
            log.info("delivered %s (submission %s) to %s", delivery.id, delivery.submission_id, delivery.agency)
            return
        now = dt.datetime.now(dt.UTC)
        when = retry_at(delivery.created_at, delivery.attempts, now, self.retry_days, self.first_pause) if (
            outcome.retry) else None
        await self.storage.delivery_failed(delivery.id, outcome.error, when)
        log.warning("delivery %s to %s, attempt %d: %s; %s", delivery.id, delivery.agency, delivery.attempts,
                    outcome.error, f"again at {when.isoformat(timespec='seconds')}" if when else "given up")

    async def attempt(self, delivery: Delivery) -> Outcome:
        """POST the submission to the agency's webhook, signed with its secret; what came of it."""
        agency = self.agencies.get(delivery.agency)
        hook = agency.webhook if agency else None
        secret = hook.secret() if hook else None
        if hook is None or secret is None:
            return unconfigured(delivery.agency, hook)
        submission = await self.storage.submission(delivery.submission_id)
        if submission is None:
            return Outcome(False, "the submission is gone")
        files = await self.storage.submission_attachments(submission.id)
        body = json_body(submission_json(submission, files, self.base))
        headers = signed_headers(secret, submission.id, int(time.time()), body)
        return await asyncio.to_thread(post, hook.url, body, headers, self.timeout)
