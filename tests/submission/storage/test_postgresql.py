"""PostgreSQL's own: its URL, migrations applied on purpose only, several connections (as several servers) at
once, the outbox and idempotency keys. Everything an engine does is in the contract; these are what PostgreSQL
does its own way (each test on a schema of its own on the real server, see `tests.postgres`)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import psycopg
import pytest
from click.testing import CliRunner

from lomake.cli import main
from submission.storage import Storage, StorageError, Submission, UnsupportedDatabase, open_storage
from submission.storage.errors import IdempotencyConflict
from submission.storage.protocol import IDEMPOTENCY_WINDOW
from tests.postgres import SERVER, schema_url
from tests.submission.storage import new_submission as new

pytestmark = pytest.mark.postgres

T = TypeVar("T")
LEASE = dt.timedelta(minutes=5)


@pytest.fixture
def url() -> Iterator[str]:
    with schema_url() as made:
        yield made


@pytest.fixture
def empty() -> Iterator[str]:
    """A schema without Lomake's tables: not yet upgraded."""
    with schema_url(upgraded=False) as made:
        yield made


def using(url: str, work: Callable[[Storage], Awaitable[T]]) -> T:
    """`work` on a storage of its own (its own connections, as another server's), then closed."""

    async def run() -> T:
        storage = open_storage(url)
        try:
            return await work(storage)
        finally:
            await storage.close()

    return asyncio.run(run())


def at_once(url: str, works: list[Callable[[Storage], Awaitable[T]]]) -> list[T]:
    """Each of `works` on a storage of its own, in a thread of its own, all at once."""

    async def run() -> list[T]:
        return list(await asyncio.gather(*(asyncio.to_thread(using, url, work) for work in works)))

    return asyncio.run(run())


def test_the_url_names_the_schema_and_any_other_scheme_name_works(url: str) -> None:
    for bad in ("Upper", "a-b", "x;drop", ""):
        with pytest.raises(UnsupportedDatabase):
            open_storage(f"{SERVER}?schema={bad}")
    saved = using(url, lambda storage: storage.add_submission(new()))
    other = url.replace("postgresql://", "postgres://", 1)
    assert using(other, lambda storage: storage.submission(saved.id)) == saved


def test_an_empty_database_is_refused_until_upgraded_and_upgrading_again_does_nothing(empty: str) -> None:
    with pytest.raises(StorageError, match="lomake db upgrade"):
        using(empty, lambda storage: storage.count_submissions())
    assert [m.applied_at for m in using(empty, lambda storage: storage.migrations())] == [None] * 5
    assert using(empty, lambda storage: storage.upgrade()) == ["0001_initial", "0002_outbox", "0003_form_versions", "0004_audits", "0005_refused_pages"]
    assert using(empty, lambda storage: storage.upgrade()) == []
    states = using(empty, lambda storage: storage.migrations())
    assert [(m.version, m.name) for m in states] == [(1, "initial"), (2, "outbox"), (3, "form_versions"), (4, "audits"), (5, "refused_pages")]
    assert all(m.applied_at is not None for m in states)
    assert using(empty, lambda storage: storage.count_submissions()) == 0


def test_an_outdated_database_names_the_migration_it_lacks(url: str) -> None:
    schema = url.rpartition("=")[2]
    with psycopg.connect(SERVER, autocommit=True) as db:
        db.execute(f"DELETE FROM {schema}.schema_migrations WHERE version = 2".encode())
    with pytest.raises(StorageError, match="0002_outbox.*lomake db upgrade"):
        using(url, lambda storage: storage.add_submission(new()))


def test_servers_starting_at_once_migrate_once(empty: str) -> None:
    applied = at_once(empty, [lambda storage: storage.upgrade()] * 4)
    assert sorted(applied) == [[], [], [], ["0001_initial", "0002_outbox", "0003_form_versions", "0004_audits", "0005_refused_pages"]]


def test_lomake_db_upgrade_and_status(empty: str) -> None:
    assert CliRunner().invoke(main, ["db", "status", "--db", empty]).exit_code == 1  # pending
    upgraded = CliRunner().invoke(main, ["db", "upgrade", "--db", empty])
    assert upgraded.exit_code == 0 and upgraded.output == "applied 0001_initial, 0002_outbox, 0003_form_versions, 0004_audits, 0005_refused_pages\n"
    assert CliRunner().invoke(main, ["db", "upgrade", "--db", empty]).output == "the database is up to date\n"
    status = CliRunner().invoke(main, ["db", "status", "--db", empty])
    assert status.exit_code == 0 and [line.split("\t")[1] for line in status.output.splitlines()] == [
        "initial", "outbox", "form_versions", "audits", "refused_pages"]


def test_references_have_no_gaps_nor_twins_across_servers(url: str) -> None:
    async def add_many(storage: Storage) -> list[Submission]:
        return list(await asyncio.gather(*(storage.add_submission(new({"i": i})) for i in range(40))))

    added = [s for batch in at_once(url, [add_many] * 4) for s in batch]
    assert sorted(int(s.reference.split("/")[1]) for s in added) == list(range(1, 161))
    pages = using(url, lambda storage: storage.submissions_page("lvv", limit=1000))
    assert sorted(s.id for s in pages) == sorted(s.id for s in added)
    assert [s.received_at for s in pages] == sorted(s.received_at for s in pages)  # commit order, one at a time


def test_a_draft_sent_to_several_servers_at_once_is_stored_once(url: str) -> None:
    draft = using(url, lambda storage: storage.add_draft("kantelu", "fi", 7, {"a": 1}))
    sent = at_once(url, [lambda storage: storage.add_submission(new({"a": 1}, draft_id=draft.id))] * 4)
    assert len({s.id for s in sent}) == 1 and sorted(s.resent for s in sent) == [False, True, True, True]
    assert using(url, lambda storage: storage.count_submissions()) == 1


def test_a_submission_queues_one_delivery_per_agency_in_its_transaction(url: str) -> None:
    async def work(storage: Storage) -> None:
        saved = await storage.add_submission(new(deliver_to=("lvv", "espoo", "lvv")))
        queued = await storage.deliveries()
        assert sorted(d.agency for d in queued) == ["espoo", "lvv"]
        assert {(d.submission_id, d.status, d.attempts, d.created_at) for d in queued} == {
            (saved.id, "pending", 0, saved.received_at)}
        assert await storage.delivery(queued[0].id) == queued[0] and await storage.delivery("nope") is None
        with pytest.raises(KeyError):  # a failed submission queues nothing
            await storage.add_submission(new(pattern="{nope}", deliver_to=("lvv",)))
        assert len(await storage.deliveries()) == 2

    using(url, work)


def test_deliveries_are_claimed_by_one_worker_each_until_the_lease_ends(url: str) -> None:
    using(url, lambda storage: asyncio.gather(*(storage.add_submission(new({"i": i}, deliver_to=("lvv",)))
                                                for i in range(30))))
    claimed = at_once(url, [lambda storage: storage.claim_deliveries(10, LEASE)] * 5)
    ids = [d.id for batch in claimed for d in batch]
    assert len(ids) == len(set(ids)) == 30 and all(d.attempts == 1 for batch in claimed for d in batch)
    assert using(url, lambda storage: storage.claim_deliveries(10, LEASE)) == []
    later = dt.datetime.now(dt.UTC) + LEASE + dt.timedelta(seconds=1)
    again = using(url, lambda storage: storage.claim_deliveries(100, LEASE, now=later))  # the workers died
    assert sorted(d.id for d in again) == sorted(ids) and {d.attempts for d in again} == {2}
    assert again == sorted(again, key=lambda d: (d.created_at, d.id))


def test_a_delivery_is_done_retried_or_failed(url: str) -> None:
    async def work(storage: Storage) -> None:
        await storage.add_submission(new(deliver_to=("lvv", "espoo")))
        first, second = await storage.claim_deliveries(2, LEASE)
        retry_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
        await storage.delivery_failed(first.id, "HTTP 503", retry_at)
        failed = await storage.delivery(first.id)
        assert failed is not None and (failed.status, failed.last_error, failed.next_attempt_at) == (
            "pending", "HTTP 503", retry_at)
        await storage.delivery_failed(first.id, "HTTP 410", None)
        await storage.delivery_done(second.id)
        assert [d.id for d in await storage.deliveries("failed")] == [first.id]
        done = await storage.delivery(second.id)
        assert done is not None and done.status == "delivered" and done.delivered_at is not None
        await storage.delivery_failed(second.id, "late", None)  # a delivery made stays made
        assert (await storage.deliveries("delivered"))[0].id == second.id
        assert await storage.retry_delivery(first.id) and not await storage.retry_delivery(first.id)
        (again,) = await storage.claim_deliveries(5, LEASE)
        assert again.id == first.id and again.attempts == 2

    using(url, work)


def test_an_idempotency_key_gives_back_its_first_submission_within_the_window(url: str) -> None:
    async def work(storage: Storage) -> None:
        first = await storage.add_submission(new({"a": 1}, idempotency_key="k:kantelu:1"))
        again = await storage.add_submission(new({"a": 1}, idempotency_key="k:kantelu:1", deliver_to=("lvv",)))
        assert again == first and again.resent and not first.resent
        with pytest.raises(IdempotencyConflict):
            await storage.add_submission(new({"a": 2}, idempotency_key="k:kantelu:1"))
        other = await storage.add_submission(new({"a": 2}, idempotency_key="k:kantelu:2"))
        assert other.id != first.id and await storage.count_submissions() == 2
        assert await storage.deliveries() == []  # the one given back queued nothing

    using(url, work)
    schema = url.rpartition("=")[2]
    with psycopg.connect(SERVER, autocommit=True) as db:
        db.execute(f"UPDATE {schema}.idempotency_keys SET created_at = created_at - %s".encode(),
                   (IDEMPOTENCY_WINDOW,))
    later = using(url, lambda storage: storage.add_submission(new({"a": 3}, idempotency_key="k:kantelu:1")))
    assert not later.resent and using(url, lambda storage: storage.count_submissions()) == 3


def test_one_key_sent_to_several_servers_at_once_is_stored_once(url: str) -> None:
    sent = at_once(url, [lambda storage: storage.add_submission(new({"a": 1}, idempotency_key="k"))] * 4)
    assert len({s.id for s in sent}) == 1 and sorted(s.resent for s in sent) == [False, True, True, True]
    assert using(url, lambda storage: storage.count_submissions()) == 1
