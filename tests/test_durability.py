"""Durability: a server killed with SIGKILL at random moments under load never loses, nor doubles, a submission
it acknowledged. Each round starts `lomake serve`, sends a stream of submissions over several connections,
kills the server mid-stream, and restarts it on the same database."""

from __future__ import annotations

import asyncio
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
from pathlib import Path

import pytest

from submission.storage import Submission, open_storage
from tests.conftest import LOMAKE, SCHEMAS, free_port
from tests.samples import KANTELU

pytestmark = [pytest.mark.server, pytest.mark.durability]

ROUNDS = 4
SENDERS = 6


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
        except (urllib.error.URLError, ConnectionError, OSError):
            return  # killed: whatever was in flight is not acknowledged
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
    """One round: a server, senders, a kill at a random moment."""
    lock = threading.Lock()
    with server(workdir, db_url) as (base, process):
        senders = [threading.Thread(target=send_until_refused, args=(base, acknowledged, lock)) for _ in range(SENDERS)]
        for sender in senders:
            sender.start()
        time.sleep(random.Random(seed).uniform(0.5, 2.0))
        os.kill(process.pid, signal.SIGKILL)
        for sender in senders:
            sender.join(timeout=30)


def test_acknowledged_submissions_survive_sigkill_exactly_once(tmp_path: Path) -> None:
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    db_url = f"sqlite:///{tmp_path}/lomake.sqlite3"
    acknowledged: dict[str, str] = {}
    for seed in range(ROUNDS):
        kill_under_load(tmp_path, db_url, acknowledged, seed)
    kept = stored(db_url)
    by_id = {s.id: s.reference for s in kept}
    assert len(acknowledged) > 50, "too few submissions to tell anything"
    assert len(by_id) == len(kept)  # no submission twice
    assert len({s.reference for s in kept}) == len(kept)  # no reference twice
    missing = {i: ref for i, ref in acknowledged.items() if by_id.get(i) != ref}
    assert not missing, f"{len(missing)} acknowledged submissions lost or renumbered"
