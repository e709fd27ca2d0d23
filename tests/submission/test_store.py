"""SQLite storage: WAL, durable commits, reference numbers that never repeat, no half-written records."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from submission.storage import NewSubmission, SQLiteStorage, Submission, helsinki_year, open_storage


def add(storage: SQLiteStorage, *news: NewSubmission) -> list[Submission]:
    """Add submissions concurrently, as requests do, and wait for every commit."""

    async def all_of() -> list[Submission]:
        return list(await asyncio.gather(*(storage.add_submission(n) for n in news)))

    return asyncio.run(all_of())


def new(data: dict[str, object] | None = None, agency: str = "lvv", pattern: str = "LVV/{seq}/{year}") -> NewSubmission:
    return NewSubmission(form_id="kantelu", form_version="1", schema_hash="abc", agency=agency,
                         reference_pattern=pattern, data=data or {"a": 1}, language="fi")


def test_open_storage_reads_sqlite_urls(tmp_path: Path) -> None:
    storage = open_storage(f"sqlite:///{tmp_path}/sub/dir/x.sqlite3")
    assert (tmp_path / "sub/dir/x.sqlite3").exists()
    storage.close()
    with pytest.raises(ValueError, match="unsupported database URL"):
        open_storage("mysql://localhost/x")


def test_wal_mode_and_full_sync(tmp_path: Path) -> None:
    SQLiteStorage(tmp_path / "x.sqlite3").close()
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_stored_record_has_every_column_and_canonical_json(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    (saved,) = add(storage, new({"b": "ä", "a": [1, 2]}))
    storage.close()
    with sqlite3.connect(tmp_path / "x.sqlite3") as db:
        row = db.execute("SELECT id, reference, form_id, form_version, schema_hash, data, received_at, language "
                         "FROM submissions").fetchone()
    assert row == (saved.id, f"LVV/1/{helsinki_year(saved.received_at)}", "kantelu", "1", "abc",
                   '{"a":[1,2],"b":"ä"}', saved.received_at.isoformat(), "fi")
    offset = saved.received_at.utcoffset()
    assert offset is not None and offset.total_seconds() == 0


def test_acknowledged_submissions_survive_reopening(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    (saved,) = add(storage, new())
    storage.close()
    reopened = SQLiteStorage(tmp_path / "x.sqlite3")
    assert reopened.submission_by_receipt(saved.receipt_token) == saved
    assert reopened.submission_by_receipt("x" * 43) is None


def test_references_count_per_agency(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    refs = [add(storage, new(agency=a, pattern=p))[0].reference.split("/")[:2]
            for a, p in [("lvv", "LVV/{seq}/{year}"), ("espoo", "ESP/{seq:04d}/{year}"), ("lvv", "LVV/{seq}/{year}")]]
    assert refs == [["LVV", "1"], ["ESP", "0001"], ["LVV", "2"]]


def test_a_failed_write_leaves_nothing_behind_and_spares_its_group(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    with pytest.raises(TypeError):
        add(storage, new({"not json": object()}))
    with pytest.raises(KeyError):
        add(storage, new(pattern="LVV/{nope}/{year}"))
    assert storage.count_submissions() == 0

    async def mixed() -> list[Submission | BaseException]:
        news = [new({"i": 1}), new(pattern="LVV/{nope}/{year}"), new({"i": 3})]
        return list(await asyncio.gather(*(storage.add_submission(n) for n in news), return_exceptions=True))

    first, failed, third = asyncio.run(mixed())
    assert isinstance(failed, KeyError)
    assert isinstance(first, Submission) and isinstance(third, Submission)
    assert sorted([first.reference, third.reference])[0].startswith("LVV/1/")
    assert storage.count_submissions() == 2


def test_concurrent_submissions_get_distinct_references(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    refs = [s.reference for s in add(storage, *(new({"i": i}) for i in range(300)))]
    assert len(set(refs)) == 300
    assert sorted(int(r.split("/")[1]) for r in refs) == list(range(1, 301))
    assert storage.count_submissions() == 300
    storage.close()
    assert SQLiteStorage(tmp_path / "x.sqlite3").count_submissions() == 300


def _write_many(path: str, count: int) -> None:
    storage = SQLiteStorage(Path(path))
    for i in range(count):
        add(storage, new({"i": i}), new({"i": -i}))
    storage.close()


def test_two_processes_share_one_database(tmp_path: Path) -> None:
    path = str(tmp_path / "x.sqlite3")
    SQLiteStorage(Path(path)).close()
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
    assert len(refs) == len(set(refs)) == 200
    assert sorted(int(r.split("/")[1]) for r in refs) == list(range(1, 201))
    assert len(data) == 200


def test_an_upload_is_held_by_who_uploaded_it_and_a_draft_takes_only_its_own(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "x.sqlite3")
    mine = storage.add_draft("oikaisuvaatimus", "fi", 30, {})
    other = storage.add_draft("oikaisuvaatimus", "fi", 30, {})
    held = storage.add_attachment("päätös.pdf", "application/pdf", b"%PDF-1.4 a", owner=mine.id)
    loose = storage.add_attachment("api.pdf", "application/pdf", b"%PDF-1.4 b")
    assert storage.owned_attachments([held.id, loose.id, held.id], mine.id) == [held]
    assert storage.owned_attachments([held.id], other.id) == [] and storage.owned_attachments([], mine.id) == []
    # Saving another draft's answers that name the upload does not move it; an upload nobody holds is taken.
    storage.save_draft(other, {"paatosliite": held.reference, "muu": loose.reference}, ())
    assert storage.owned_attachments([held.id, loose.id], other.id) == [loose]
    assert storage.owned_attachments([held.id], mine.id) == [held]
    (sent,) = add(storage, replace(new({"paatosliite": held.reference}), attachments=(held.id,)))
    assert storage.owned_attachments([held.id], mine.id) == []  # claimed: nobody's to keep any more
    assert storage.attachments([held.id], sent.id) == [held]
    storage.close()


def test_api_keys_are_stored_as_hashes_and_can_be_revoked(tmp_path: Path) -> None:
    import hashlib

    from submission.storage.keys import KEY

    storage = SQLiteStorage(tmp_path / "k.sqlite3")
    record, secret = storage.add_api_key("lvv", "asiointi")
    other, other_secret = storage.add_api_key("espoo")
    assert KEY.fullmatch(secret) and secret != other_secret
    assert storage.agency_of_key(secret) == "lvv" and storage.agency_of_key(other_secret) == "espoo"
    assert storage.agency_of_key(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert [(k.id, k.agency, k.name, k.revoked_at) for k in storage.api_keys()] == [
        (record.id, "lvv", "asiointi", None), (other.id, "espoo", "", None)]
    assert storage.revoke_api_key(record.id) and not storage.revoke_api_key(record.id)
    assert storage.agency_of_key(secret) is None and storage.agency_of_key(other_secret) == "espoo"
    assert storage.api_keys()[0].revoked_at is not None
    storage.close()
    with sqlite3.connect(tmp_path / "k.sqlite3") as db:
        rows = db.execute("SELECT * FROM api_keys").fetchall()
    dump = repr(rows)
    assert secret not in dump and secret[len("lomake_"):] not in dump  # only the hash is kept
    assert hashlib.sha256(secret.encode()).hexdigest() in dump


def test_a_handover_link_works_once_even_when_opened_twice_at_once(tmp_path: Path) -> None:
    import threading

    storage = SQLiteStorage(tmp_path / "h.sqlite3")
    made = storage.add_draft("toive", "fi", 7, {"nimi": "Maija"}, {"/nimi": "Maija"}, (), handover=True)
    assert made.handover is not None and made.handover != made.token
    plain = storage.add_draft("toive", "fi", 7, {})
    assert plain.handover is None
    results: list[object] = []
    start = threading.Barrier(8)

    def open_link() -> None:
        start.wait()
        results.append(storage.hand_over(made.handover or ""))

    threads = [threading.Thread(target=open_link) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (taken,) = [r for r in results if r is not None]
    assert results.count(None) == 7
    assert taken.id == made.id and taken.data == {"nimi": "Maija"}  # type: ignore[attr-defined]
    assert taken.token not in (made.token, made.handover) and taken.csrf != made.csrf  # type: ignore[attr-defined]
    assert storage.draft(made.token) is None and storage.draft(made.handover or "") is None
    assert storage.handed_over(made.handover or "") == "toive" and storage.handed_over(plain.token) is None
    assert storage.hand_over(plain.token) is None  # a draft's own token is no handover link
    storage.close()
