"""SQLite's own: WAL and full sync, the file as written, several processes on one file, migrating older files.

The only tests that open the SQLite file themselves; everything an engine does is in `test_contract.py`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from submission.storage import IDEMPOTENCY_WINDOW, Draft, NewSubmission, Submission, open_storage
from submission.storage.ids import helsinki_year
from submission.storage.sqlite import SQLiteStorage
from tests.submission.storage import new_submission as new


def add(storage: SQLiteStorage, *news: NewSubmission) -> list[Submission]:
    """Add submissions concurrently, as requests do, and wait for every commit."""

    async def all_of() -> list[Submission]:
        return list(await asyncio.gather(*(storage.add_submission(n) for n in news)))

    return asyncio.run(all_of())


def close(storage: SQLiteStorage) -> None:
    asyncio.run(storage.close())


def test_a_sqlite_url_names_a_file_and_its_folders_are_made(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path}/sub/dir/x.sqlite3")
    assert isinstance(storage, SQLiteStorage) and (tmp_path / "sub/dir/x.sqlite3").exists()
    asyncio.run(storage.close())


def test_wal_mode_and_full_sync(tmp_path: Path) -> None:
    close(SQLiteStorage(tmp_path / "x.sqlite3"))
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_stored_record_has_every_column_and_canonical_json(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    (saved,) = add(storage, new({"b": "ä", "a": [1, 2]}))
    close(storage)
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:
        row = db.execute("SELECT id, reference, form_id, form_version, schema_hash, data, received_at, language "
                         "FROM submissions").fetchone()
    assert row == (saved.id, f"LVV/1/{helsinki_year(saved.received_at)}", "kantelu", "1", "abc",
                   '{"a":[1,2],"b":"ä"}', saved.received_at.isoformat(), "fi")


def test_concurrent_submissions_share_commits_and_survive_reopening(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    added = add(storage, *(new({"i": i}) for i in range(300)))
    assert len({s.received_at for s in added}) < 300  # group commit: several share one commit's time
    close(storage)
    reopened = SQLiteStorage(tmp_path / "x.sqlite3")
    assert asyncio.run(reopened.count_submissions()) == 300
    close(reopened)


def _write_many(path: str, count: int) -> None:
    storage = SQLiteStorage(Path(path))
    for i in range(count):
        add(storage, new({"i": i}), new({"i": -i}))
    close(storage)


def test_two_processes_share_one_database(tmp_path: Path) -> None:
    path = str(tmp_path / "x.sqlite3")
    close(SQLiteStorage(Path(path)))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(path, 50)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with sqlite3.connect(path) as db:
        refs = [r[0] for r in db.execute("SELECT reference FROM submissions")]
        data = [json.loads(r[0]) for r in db.execute("SELECT data FROM submissions")]
        seqs = [r[0] for r in db.execute("SELECT seq FROM submissions ORDER BY rowid")]
    assert seqs == list(range(1, 201))  # one commit order across both processes, counted in their transactions
    assert len(refs) == len(set(refs)) == 200
    assert sorted(int(r.split("/")[1]) for r in refs) == list(range(1, 201))
    assert len(data) == 200


def test_a_handover_link_works_once_across_connections(tmp_path: Path) -> None:
    """Two storages on one file (as two processes have): the link still opens once."""
    storages = [SQLiteStorage(tmp_path / "h.sqlite3") for _ in range(2)]
    made = asyncio.run(storages[0].add_draft("toive", "fi", 7, {"nimi": "Maija"}, handover=True))
    assert made.handover is not None
    results: list[Draft | None] = []
    start = threading.Barrier(8)

    def open_link(storage: SQLiteStorage) -> None:
        start.wait()
        results.append(asyncio.run(storage.hand_over(made.handover or "")))

    threads = [threading.Thread(target=open_link, args=(storages[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(None) == 7
    for storage in storages:
        close(storage)


def test_api_keys_are_stored_as_hashes(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "k.sqlite3")
    _, secret = asyncio.run(storage.add_api_key("lvv", "asiointi"))
    close(storage)
    with sqlite3.connect(tmp_path / "k.sqlite3") as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
    dump = repr(rows)
    assert secret not in dump and secret[len("lomake_"):] not in dump  # only the hash is kept
    assert hashlib.sha256(secret.encode()).hexdigest() in dump


#: The tables as the first release made them: before submissions' metadata, uploads' holders and handovers.
FIRST_RELEASE = [
    """CREATE TABLE submissions (id TEXT PRIMARY KEY, reference TEXT NOT NULL UNIQUE, form_id TEXT NOT NULL,
        form_version TEXT NOT NULL, schema_hash TEXT NOT NULL, agency TEXT NOT NULL, data TEXT NOT NULL,
        data_sha256 TEXT NOT NULL, received_at TEXT NOT NULL, language TEXT NOT NULL,
        receipt_token TEXT NOT NULL UNIQUE)""",
    """CREATE TABLE attachments (id TEXT PRIMARY KEY, submission_id TEXT REFERENCES submissions (id),
        name TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
        content BLOB NOT NULL, uploaded_at TEXT NOT NULL)""",
    """CREATE TABLE drafts (id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, code TEXT UNIQUE, form_id TEXT NOT NULL,
        language TEXT NOT NULL, data TEXT NOT NULL, done TEXT NOT NULL, prefilled TEXT NOT NULL,
        locked TEXT NOT NULL, csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
        days INTEGER NOT NULL, submission_id TEXT REFERENCES submissions (id))""",
    "INSERT INTO submissions VALUES ('s1', 'LVV/1/2001', 'kantelu', '1', 'abc', 'lvv', '{\"a\":1}', 'x', "
    "'2001-05-01T09:00:00.000000+00:00', 'fi', 'receipt-of-s1')",
]


def test_an_older_database_gets_the_columns_it_lacks_and_keeps_its_rows(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "old.sqlite3") as db:
        for statement in FIRST_RELEASE:
            db.execute(statement)
    db.close()
    storage = SQLiteStorage(tmp_path / "old.sqlite3")
    old = asyncio.run(storage.submission_by_receipt("receipt-of-s1"))
    assert old is not None and (old.reference, old.data, old.metadata) == ("LVV/1/2001", {"a": 1}, {})
    draft = asyncio.run(storage.add_draft("toive", "fi", 7, {}, handover=True))
    assert draft.handover is not None and asyncio.run(storage.hand_over(draft.handover)) is not None
    (sent,) = add(storage, new(metadata={"parts": {}}))
    assert asyncio.run(storage.submission(sent.id)) == sent
    assert asyncio.run(storage.submissions_page("lvv")) == [old, sent]  # the old row first, in commit order
    assert asyncio.run(storage.submissions_page("lvv", after=old.id)) == [sent]
    close(storage)
    close(SQLiteStorage(tmp_path / "old.sqlite3"))  # opening again changes nothing
    with sqlite3.connect(tmp_path / "old.sqlite3") as db:
        columns = {table: {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                   for table in ("submissions", "attachments", "drafts")}
    db.close()
    assert {"metadata", "seq"} <= columns["submissions"] and "draft_id" in columns["attachments"]
    assert {"handover", "handed_over_at"} <= columns["drafts"]


def _applied(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    db.close()
    return rows


def test_a_new_database_gets_every_migration_once(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    assert asyncio.run(storage.upgrade()) == [
        "0001_initial", "0002_outbox", "0003_form_versions", "0004_audits", "0005_refused_pages"]  # applied when it was opened
    states = asyncio.run(storage.migrations())
    assert [(s.version, s.name) for s in states] == [(1, "initial"), (2, "outbox"), (3, "form_versions"), (4, "audits"), (5, "refused_pages")]
    assert all(s.applied_at is not None for s in states)
    close(storage)
    reopened = SQLiteStorage(tmp_path / "x.sqlite3")
    assert asyncio.run(reopened.upgrade()) == []
    close(reopened)
    assert _applied(tmp_path / "x.sqlite3") == [(1, "initial"), (2, "outbox"), (3, "form_versions"), (4, "audits"), (5, "refused_pages")]


def test_the_previous_release_schema_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    fixture = Path(__file__).parents[2] / "fixtures/storage/sqlite-before-versioned-migrations.sql"
    with sqlite3.connect(tmp_path / "old.sqlite3") as db:
        db.executescript(fixture.read_text())
    db.close()
    storage = SQLiteStorage(tmp_path / "old.sqlite3")
    old = asyncio.run(storage.submission_by_receipt("receipt-of-s1"))
    assert old is not None and old.reference == "LVV/7/2026"
    (sent,) = add(storage, new())
    assert asyncio.run(storage.submissions_page("lvv")) == [old, sent]  # the counter went on after the old row
    close(storage)
    assert _applied(tmp_path / "old.sqlite3") == [(1, "initial"), (2, "outbox"), (3, "form_versions"), (4, "audits"), (5, "refused_pages")]
    with sqlite3.connect(tmp_path / "old.sqlite3") as db:
        assert db.execute("SELECT seq FROM submissions ORDER BY seq").fetchall() == [(1,), (2,)]
        assert db.execute("SELECT count(*) FROM deliveries").fetchone() == (0,)
    db.close()


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:
        db.execute("CREATE TABLE deliveries (id TEXT)")  # makes 0002_outbox fail half-way
    db.close()
    try:
        SQLiteStorage(tmp_path / "x.sqlite3")
    except sqlite3.OperationalError as exc:
        assert "deliveries" in str(exc)
    else:
        raise AssertionError("the migration should have failed")
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert tables == {"deliveries"}  # neither 0001's tables nor schema_migrations: all or nothing


def test_an_idempotency_key_past_its_window_makes_a_new_submission(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    (first,) = add(storage, new({"a": 1}, idempotency_key="k:kantelu:1"))
    (again,) = add(storage, new({"a": 2}, idempotency_key="k:kantelu:2"))
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:  # both keys used a day and a minute ago
        old = (datetime.now(UTC) - IDEMPOTENCY_WINDOW - timedelta(minutes=1)).isoformat(timespec="microseconds")
        db.execute("UPDATE idempotency_keys SET created_at = ?", (old,))
    db.close()
    (later,) = add(storage, new({"a": 1}, idempotency_key="k:kantelu:1"))
    (other,) = add(storage, new({"a": 9}, idempotency_key="k:kantelu:2"))  # other answers: no conflict now
    assert not later.resent and later.id != first.id and not other.resent and other.id != again.id
    (resent,) = add(storage, new({"a": 1}, idempotency_key="k:kantelu:1"))
    assert resent.resent and resent.id == later.id  # the key now gives back the new submission
    close(storage)


def _claim_in_a_process(path: str, found: Any) -> None:
    storage = SQLiteStorage(Path(path))

    async def claim() -> list[str]:
        claimed: list[str] = []
        while batch := await storage.claim_deliveries(2, timedelta(minutes=5)):
            claimed += [d.id for d in batch]
        await storage.close()
        return claimed

    found.put(asyncio.run(claim()))


def test_worker_processes_never_claim_the_same_delivery(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    add(storage, *(new({"i": i}, deliver_to=("lvv", "avi")) for i in range(50)))
    close(storage)
    found: Any = multiprocessing.get_context("spawn").Queue()
    workers = [multiprocessing.get_context("spawn").Process(target=_claim_in_a_process,
                                                            args=(str(tmp_path / "x.sqlite3"), found))
               for _ in range(4)]
    for worker in workers:
        worker.start()
    claimed = [d for _ in workers for d in found.get(timeout=60)]
    for worker in workers:
        worker.join()
    assert len(claimed) == len(set(claimed)) == 100
