"""Durability: a server killed with SIGKILL at random moments under load never loses, nor doubles, a submission
it acknowledged, and its outbox delivers every submission to the agency. Each round starts `lomake serve` and a
`lomake worker`, sends a stream of submissions over several connections, kills both mid-stream, and restarts
them on the same database. A receiver that drops duplicates (by `webhook-id`) must end up with each stored
submission exactly once."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from submission.storage import Delivery, DeliveryStatus, Submission, open_storage
from tests.conftest import LOMAKE, SCHEMAS, free_port
from tests.postgres import schema_url
from tests.samples import KANTELU

pytestmark = [pytest.mark.server, pytest.mark.durability]

ROUNDS = 4
SENDERS = 6
SECRET_ENV = "LOMAKE_DURABILITY_SECRET"


class Receiver(ThreadingHTTPServer):
    """The agency's case system: answers 200, or now and then 503; keeps the ids it took (dropping duplicates)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Hook)
        self.daemon_threads = True
        self.taken: set[str] = set()
        self.requests = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Hook(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        with self.server.lock:
            self.server.requests += 1
            status = 503 if self.server.requests % 7 == 0 else 200
            if status == 200:
                assert body["id"] == self.headers["webhook-id"]
                self.server.taken.add(self.headers["webhook-id"])
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@contextmanager
def receiving(workdir: Path) -> Iterator[Receiver]:
    """A receiver, named as the webhook of the complaint's agency in the schemas folder's copy."""
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    agency = json.loads((workdir / "schemas/agencies/lvv.json").read_text())
    agency["webhook"] = {"url": receiver.url, "secret_env": SECRET_ENV}
    (workdir / "schemas/agencies/lvv.json").write_text(json.dumps(agency))
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()


def worker(workdir: Path, db_url: str, *args: str) -> subprocess.Popen[bytes]:
    with (workdir / "worker.log").open("ab") as log:
        return subprocess.Popen([LOMAKE, "worker", "--schemas", str(workdir / "schemas"), "--db", db_url,
                                 "--lease", "2", "--timeout", "1", "--first-pause", "0.05", *args], cwd=workdir, stdout=log,
                                stderr=subprocess.STDOUT, env={**os.environ, SECRET_ENV: "s3cret"})


@contextmanager
def server(workdir: Path, db_url: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real `lomake serve` on `db_url`, once it answers; killed with SIGKILL afterwards if still running."""
    port = free_port()
    with (workdir / "serve.log").open("ab") as log:
        process = subprocess.Popen([LOMAKE, "serve", "--port", str(port), "--schemas", str(workdir / "schemas"),
                                    "--db", db_url], cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None and time.monotonic() < deadline, (workdir / "serve.log").read_text()
                time.sleep(0.05)
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def send_until_refused(base: str, acknowledged: dict[str, str], lock: threading.Lock) -> None:
    """Post the complaint again and again; keep the id and reference of every 201, until the server is gone."""
    body = json.dumps(KANTELU).encode()
    while True:
        request = urllib.request.Request(f"{base}/api/v1/forms/kantelu/submissions", data=body, method="POST",
                                         headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                created = json.loads(response.read())
                assert response.status == 201
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            return  # killed, perhaps mid-answer: whatever was in flight is not acknowledged
        with lock:
            acknowledged[str(created["id"])] = str(created["reference"])


def stored(db_url: str) -> list[Submission]:
    async def read() -> list[Submission]:
        storage = open_storage(db_url)
        try:
            return await storage.form_submissions("kantelu")
        finally:
            await storage.close()

    return asyncio.run(read())


def kill_under_load(workdir: Path, db_url: str, acknowledged: dict[str, str], seed: int) -> None:
    """One round: a server and a worker, senders, both killed at a random moment."""
    lock = threading.Lock()
    with server(workdir, db_url) as (base, process):
        delivering = worker(workdir, db_url)
        senders = [threading.Thread(target=send_until_refused, args=(base, acknowledged, lock)) for _ in range(SENDERS)]
        for sender in senders:
            sender.start()
        time.sleep(random.Random(seed).uniform(0.5, 2.0))
        os.kill(process.pid, signal.SIGKILL)
        delivering.send_signal(signal.SIGKILL)
        delivering.wait(timeout=10)
        for sender in senders:
            sender.join(timeout=30)


def deliver_the_rest(workdir: Path, db_url: str) -> None:
    """`lomake worker --once` until nothing is pending (a killed worker's leases end after two seconds)."""
    for _ in range(30):
        time.sleep(2.1)
        assert worker(workdir, db_url, "--once").wait(timeout=120) == 0, (workdir / "worker.log").read_text()
        if not deliveries(db_url, "pending"):
            return
    raise AssertionError("deliveries still pending")


def deliveries(db_url: str, status: DeliveryStatus | None = None) -> list[Delivery]:
    async def read() -> list[Delivery]:
        storage = open_storage(db_url)
        try:
            return await storage.deliveries(status, limit=1_000_000)
        finally:
            await storage.close()

    return asyncio.run(read())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each engine: a SQLite file, a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/lomake.sqlite3"
    else:
        with schema_url() as url:
            yield url


def test_acknowledged_submissions_survive_sigkill_exactly_once(tmp_path: Path, db_url: str) -> None:
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    acknowledged: dict[str, str] = {}
    with receiving(tmp_path) as receiver:
        for seed in range(ROUNDS):
            kill_under_load(tmp_path, db_url, acknowledged, seed)
        deliver_the_rest(tmp_path, db_url)
    kept = stored(db_url)
    by_id = {s.id: s.reference for s in kept}
    assert len(acknowledged) > 50, "too few submissions to tell anything"
    assert len(by_id) == len(kept)  # no submission twice
    assert len({s.reference for s in kept}) == len(kept)  # no reference twice
    missing = {i: ref for i, ref in acknowledged.items() if by_id.get(i) != ref}
    assert not missing, f"{len(missing)} acknowledged submissions lost or renumbered"
    outbox = deliveries(db_url)
    assert sorted(d.submission_id for d in outbox) == sorted(by_id)  # one delivery per stored submission
    assert {d.status for d in outbox} == {"delivered"}
    assert receiver.taken == set(by_id)  # each one reached the agency, none unknown
