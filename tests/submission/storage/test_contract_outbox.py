"""The storage contract, continued: the outbox of deliveries and idempotent submissions, only through `Storage`.

Each test runs on every engine in `conftest.ENGINES`. An idempotency key's window running out is SQLite's own
test (`test_sqlite.py`): the protocol has no clock to move.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from submission.storage import IdempotencyConflict, Storage, Submission
from tests.submission.storage import new_submission as new

pytestmark = pytest.mark.anyio

LEASE = dt.timedelta(seconds=60)


def at(seconds: float) -> dt.datetime:
    """Now, moved by `seconds`."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


# Deliveries


async def test_a_delivery_per_agency_is_written_with_the_submission(storage: Storage) -> None:
    sent = await storage.add_submission(new(deliver_to=("lvv", "avi")))
    await storage.add_submission(new({"i": 2}))  # no webhook: no delivery
    found = await storage.deliveries()
    assert sorted(d.agency for d in found) == ["avi", "lvv"]
    assert {(d.submission_id, d.status, d.attempts, d.last_error, d.delivered_at) for d in found} == {
        (sent.id, "pending", 0, "", None)}
    for d in found:
        assert d.created_at == d.next_attempt_at and abs(d.created_at - sent.received_at) < dt.timedelta(seconds=1)
        assert await storage.delivery(d.id) == d
    assert len({d.id for d in found}) == 2 and await storage.delivery("nope") is None


async def test_a_failed_submission_writes_no_delivery(storage: Storage) -> None:
    with pytest.raises(KeyError):
        await storage.add_submission(new(pattern="LVV/{nope}/{year}", deliver_to=("lvv",)))
    assert await storage.deliveries() == []


async def test_a_draft_sent_again_is_delivered_once(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 7, {"a": 1})
    sent = await asyncio.gather(*(storage.add_submission(new(draft_id=draft.id, deliver_to=("lvv",)))
                                  for _ in range(3)))
    assert [d.submission_id for d in await storage.deliveries()] == [sent[0].id]


async def test_a_claim_leases_due_deliveries_oldest_first(storage: Storage) -> None:
    sent = [await storage.add_submission(new({"i": i}, deliver_to=("lvv",))) for i in range(3)]
    claimed = await storage.claim_deliveries(2, LEASE, now=at(1))
    assert [d.submission_id for d in claimed] == [s.id for s in sent[:2]]
    assert all(d.attempts == 1 and d.status == "pending" for d in claimed)
    assert all(abs(d.next_attempt_at - at(61)) < dt.timedelta(seconds=5) for d in claimed)
    (third,) = await storage.claim_deliveries(10, LEASE, now=at(1))
    assert third.submission_id == sent[2].id
    assert await storage.claim_deliveries(10, LEASE, now=at(30)) == []  # every lease still runs


async def test_a_delivery_not_yet_due_is_not_claimed(storage: Storage) -> None:
    await storage.add_submission(new(deliver_to=("lvv",)))
    assert await storage.claim_deliveries(10, LEASE, now=at(-60)) == []
    assert len(await storage.claim_deliveries(10, LEASE, now=at(1))) == 1


async def test_a_lease_that_ends_lets_another_worker_claim_it_again(storage: Storage) -> None:
    await storage.add_submission(new(deliver_to=("lvv",)))
    (first,) = await storage.claim_deliveries(1, LEASE, now=at(1))
    assert await storage.claim_deliveries(1, LEASE, now=at(60)) == []
    (again,) = await storage.claim_deliveries(1, LEASE, now=at(62))  # the first worker died
    assert again.id == first.id and again.attempts == 2


async def test_concurrent_claims_never_share_a_delivery(storage: Storage) -> None:
    for i in range(20):
        await storage.add_submission(new({"i": i}, deliver_to=("lvv",)))
    claims = await asyncio.gather(*(storage.claim_deliveries(3, LEASE, now=at(1)) for _ in range(10)))
    claimed = [d.id for claim in claims for d in claim]
    assert len(claimed) == len(set(claimed)) == 20


async def test_a_delivery_done_is_delivered_and_never_claimed_again(storage: Storage) -> None:
    await storage.add_submission(new(deliver_to=("lvv",)))
    (claimed,) = await storage.claim_deliveries(1, LEASE, now=at(1))
    await storage.delivery_done(claimed.id, now=at(2))
    done = await storage.delivery(claimed.id)
    assert done is not None and done.status == "delivered" and done.attempts == 1
    assert done.delivered_at is not None and abs(done.delivered_at - at(2)) < dt.timedelta(seconds=5)
    assert await storage.claim_deliveries(1, LEASE, now=at(3600)) == []
    await storage.delivery_failed(claimed.id, "HTTP 500", None)  # a late report of a stale attempt changes nothing
    assert await storage.delivery(claimed.id) == done


async def test_a_failed_attempt_is_tried_again_at_its_time(storage: Storage) -> None:
    await storage.add_submission(new(deliver_to=("lvv",)))
    (claimed,) = await storage.claim_deliveries(1, LEASE, now=at(1))
    await storage.delivery_failed(claimed.id, "HTTP 503", at(10))
    failed = await storage.delivery(claimed.id)
    assert failed is not None and failed.status == "pending" and failed.last_error == "HTTP 503"
    assert abs(failed.next_attempt_at - at(10)) < dt.timedelta(seconds=5)
    assert await storage.claim_deliveries(1, LEASE, now=at(5)) == []
    (again,) = await storage.claim_deliveries(1, LEASE, now=at(15))
    assert again.attempts == 2 and again.last_error == "HTTP 503"


async def test_a_dead_letter_stays_until_retried(storage: Storage) -> None:
    await storage.add_submission(new(deliver_to=("lvv",)))
    (claimed,) = await storage.claim_deliveries(1, LEASE, now=at(1))
    await storage.delivery_failed(claimed.id, "HTTP 400", None)
    dead = await storage.delivery(claimed.id)
    assert dead is not None and (dead.status, dead.last_error, dead.attempts) == ("failed", "HTTP 400", 1)
    assert await storage.claim_deliveries(1, LEASE, now=at(86400 * 30)) == []
    assert await storage.retry_delivery(claimed.id, now=at(2))
    assert not await storage.retry_delivery(claimed.id) and not await storage.retry_delivery("nope")
    retried = await storage.delivery(claimed.id)
    assert retried is not None and (retried.status, retried.attempts) == ("pending", 1)
    (again,) = await storage.claim_deliveries(1, LEASE, now=at(3))
    assert again.attempts == 2


async def test_deliveries_are_listed_by_status_oldest_first(storage: Storage) -> None:
    for i in range(3):
        await storage.add_submission(new({"i": i}, deliver_to=("lvv",)))
    first, second, third = await storage.claim_deliveries(3, LEASE, now=at(1))
    await storage.delivery_done(first.id)
    await storage.delivery_failed(second.id, "HTTP 404", None)
    assert [d.id for d in await storage.deliveries()] == [first.id, second.id, third.id]
    assert [d.id for d in await storage.deliveries(limit=2)] == [first.id, second.id]
    assert [d.id for d in await storage.deliveries("delivered")] == [first.id]
    assert [d.id for d in await storage.deliveries("failed")] == [second.id]
    assert [d.id for d in await storage.deliveries("pending")] == [third.id]


# Idempotency keys


async def test_the_same_key_and_answers_give_back_the_first_submission(storage: Storage) -> None:
    first = await storage.add_submission(new({"a": 1}, idempotency_key="k:kantelu:1", deliver_to=("lvv",)))
    again = await storage.add_submission(new({"a": 1}, idempotency_key="k:kantelu:1", deliver_to=("lvv",)))
    assert first.resent is False and again.resent is True
    assert (again.id, again.reference, again.receipt_token) == (first.id, first.reference, first.receipt_token)
    assert await storage.count_submissions() == 1 and len(await storage.deliveries()) == 1


async def test_the_same_key_with_other_answers_is_a_conflict(storage: Storage) -> None:
    await storage.add_submission(new({"a": 1}, idempotency_key="k:kantelu:1"))
    with pytest.raises(IdempotencyConflict) as conflict:
        await storage.add_submission(new({"a": 2}, idempotency_key="k:kantelu:1"))
    assert isinstance(conflict.value, ValueError)
    other = await storage.add_submission(new({"a": 2}, idempotency_key="k:kantelu:2"))  # another key is another
    assert other.resent is False and await storage.count_submissions() == 2


async def test_concurrent_requests_with_one_key_make_one_submission(storage: Storage) -> None:
    sends = [new({"a": 1}, idempotency_key="k:kantelu:x", deliver_to=("lvv",)) for _ in range(10)]
    others = [new({"i": i}) for i in range(10)]
    sent = await asyncio.gather(*(storage.add_submission(n) for n in sends + others))
    assert len({s.id for s in sent[:10]}) == 1 and sum(not s.resent for s in sent[:10]) == 1
    assert await storage.count_submissions() == 11 and len(await storage.deliveries()) == 1


async def test_a_conflict_in_a_group_spares_the_others(storage: Storage) -> None:
    sends = [new({"a": 1}, idempotency_key="k"), new({"a": 2}, idempotency_key="k"), new({"b": 1})]
    outcomes = await asyncio.gather(*(storage.add_submission(n) for n in sends), return_exceptions=True)
    kept = [o for o in outcomes if isinstance(o, Submission)]
    conflicts = [o for o in outcomes if isinstance(o, IdempotencyConflict)]
    assert len(kept) == 2 and len(conflicts) == 1 and await storage.count_submissions() == 2
