"""Two real `lomake serve` processes on one database (a PostgreSQL schema; a SQLite file), sent submissions and
drafts at once: every acknowledged submission is stored exactly once, with a reference of its own; and a server
that will not start on a PostgreSQL database not yet upgraded."""

from __future__ import annotations

import json
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from lomake.cli import with_storage
from tests.conftest import LOMAKE, cli_api_key, free_port, serving
from tests.postgres import schema_url

pytestmark = pytest.mark.server

PALAUTE = {"title": "Palaute", "type": "object", "required": ["viesti"],
           "properties": {"viesti": {"type": "string", "title": "Viesti"}}}
SENDERS = 6
EACH = 10


@contextmanager
def database(engine: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database: PostgreSQL's not yet upgraded (the servers do it as they start)."""
    with schema_url(upgraded=False) if engine == "postgresql" else nullcontext(f"sqlite:///{folder}/shared.sqlite3") \
            as url:
        yield url


def post(url: str, body: dict[str, Any], key: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"content-type": "application/json"} | ({"authorization": f"Bearer {key}"} if key else {})
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as answer:
        return answer.code, json.loads(answer.read())


def send_at_once(bases: list[str], key: str) -> tuple[list[dict[str, Any]], list[str], list[int]]:
    """Each sender posts EACH submissions and EACH drafts, to the servers in turn, all senders at once; what
    was acknowledged (201): submissions, drafts' resume links; and every other status."""
    acknowledged: list[dict[str, Any]] = []
    drafts: list[str] = []
    other: list[int] = []
    start = threading.Barrier(SENDERS)

    def sender(n: int) -> None:
        start.wait()
        for i in range(EACH):
            base = bases[(n + i) % len(bases)]
            status, answer = post(f"{base}/api/v1/forms/palaute/submissions", {"viesti": f"{n}-{i}"})
            acknowledged.append(answer | {"viesti": f"{n}-{i}"}) if status == 201 else other.append(status)
            status, answer = post(f"{base}/api/v1/forms/palaute/drafts", {"viesti": f"luonnos {n}-{i}"}, key)
            drafts.append(answer["resume_url"]) if status == 201 else other.append(status)

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acknowledged, drafts, other


@pytest.mark.parametrize("engine", [pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
def test_two_servers_on_one_database_store_each_submission_once(engine: str, tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "palaute.json").write_text(json.dumps(PALAUTE))
    with database(engine, tmp_path) as url:
        args = ("--schemas", "schemas", "--db", url, "--upgrade-db")
        with ExitStack() as servers:
            bases = [servers.enter_context(serving(tmp_path, *args)) for _ in range(2)]
            key = cli_api_key(tmp_path, *args[:4])
            acknowledged, drafts, other = send_at_once(bases, key)
        stored = with_storage(url, lambda storage: storage.form_submissions("palaute"))
        kept_drafts = with_storage(url, lambda storage: storage.form_drafts("palaute"))
    assert other == [] and len(acknowledged) == len(drafts) == SENDERS * EACH
    assert sorted(s.id for s in stored) == sorted(a["id"] for a in acknowledged)  # each once, none lost
    assert {s.id: s.data["viesti"] for s in stored} == {a["id"]: a["viesti"] for a in acknowledged}
    assert {s.id: s.reference for s in stored} == {a["id"]: a["reference"] for a in acknowledged}
    numbers = sorted(int(s.reference.split("/")[-2]) for s in stored)
    assert numbers == list(range(1, SENDERS * EACH + 1))  # unique, and none skipped
    assert len(kept_drafts) == len(drafts) and len({d.token for d in kept_drafts}) == len(drafts)


@pytest.mark.postgres
def test_a_server_will_not_start_on_an_outdated_database(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "palaute.json").write_text(json.dumps(PALAUTE))
    with schema_url(upgraded=False) as url:
        started = subprocess.run([LOMAKE, "serve", "--schemas", "schemas", "--db", url, "--port", str(free_port())],
                                 cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "lacks the migrations 0001_initial, 0002_outbox, 0003_form_versions, 0004_audits, 0005_refused_pages: run `lomake db upgrade`" in started.stderr
