"""The deliverer against a real HTTP receiver on localhost, over real SQLite: signed requests whose body is the
read API's, retries, dead letters, `lomake delivery`; and real `lomake worker` processes, killed mid-delivery
or running two at once. The receiver checks every signature with the snippet docs/delivery.md gives receivers."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from core.forms import Agency, Webhook
from core.settings import Settings
from lomake.cli import main
from lomake.worker import Worker
from server import create_app
from submission.storage import Delivery, Storage, Submission, open_storage
from tests.conftest import LOMAKE, ROOT, free_port
from tests.submission.storage import new_submission

SECRET_ENV = "LOMAKE_TEST_WEBHOOK_SECRET"
SECRET = "hunter2-but-longer-and-random"
BASE = "http://lomake.test"
#: Personal data in the answers: no error or log line may hold it.
NAME = "Maija Meikäläinen"


def docs_verify() -> Callable[..., bool]:
    """The `verify` function docs/delivery.md gives receivers, as written there."""
    text = (ROOT / "docs/delivery.md").read_text()
    (snippet,) = [block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "def verify" in block]
    scope: dict[str, Any] = {}
    exec(snippet, scope)  # noqa: S102 - the docs' own example, run as a receiver would
    verify: Callable[..., bool] = scope["verify"]
    return verify


VERIFY = docs_verify()


@dataclass
class Receiver:
    """An agency's webhook: answers with the next of `answers` (a status; "slow": after 2 s; "block": once
    `release` is set; then 200). Keeps each request and whether its signature held; counts per `webhook-id` the
    2xx answers (`taken`: more than one is a duplicate) and requests that overlapped another of the same id."""

    answers: deque[int | str] = field(default_factory=deque)
    requests: list[tuple[dict[str, str], bytes, bool]] = field(default_factory=list)
    taken: Counter[str] = field(default_factory=Counter)
    in_flight: Counter[str] = field(default_factory=Counter)
    overlaps: int = 0
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    pause: float = 0.0
    url: str = ""

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.requests.append((headers, body, VERIFY(SECRET, headers, body)))
            answer = self.answers.popleft() if self.answers else 200
            message_id = headers.get("webhook-id", "")
            self.overlaps += self.in_flight[message_id] > 0
            self.in_flight[message_id] += 1
        try:
            if answer == "block":
                self.arrived.set()
                self.release.wait(30)
                return 599  # never read: the worker was killed
            if answer == "slow":
                time.sleep(2)
                return 503  # never read: the worker gave up waiting
            time.sleep(self.pause)
            status = 200 if isinstance(answer, str) else answer
            if 200 <= status < 300:
                with self.lock:
                    self.taken[message_id] += 1
            return status
        finally:
            with self.lock:
                self.in_flight[message_id] -= 1


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["content-length"]))
            status = got.handle({k.lower(): v for k, v in self.headers.items()}, body)
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("location", got.url)
                self.send_header("content-length", "0")
                self.end_headers()
            except OSError:
                pass

        def do_GET(self) -> None:  # noqa: N802 - a redirect followed as a GET would land here
            with got.lock:
                got.requests.append(({k.lower(): v for k, v in self.headers.items()}, b"", False))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    got.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield got
    got.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)


def lvv(url: str) -> dict[str, Agency]:
    return {"lvv": Agency(id="lvv", name={"fi": "LVV"}, reference="LVV/{seq}/{year}",
                          webhook=Webhook(url=url, secret_env=SECRET_ENV))}


@dataclass
class Outbox:
    """A database with submissions to deliver, and a worker over it."""

    path: Path
    storage: Storage
    worker: Worker

    def send(self, count: int = 1) -> list[Submission]:
        news = [new_submission({"nimi": NAME, "i": i}, deliver_to=("lvv",)) for i in range(count)]
        return [self.run(self.storage.add_submission(n)) for n in news]

    def run(self, work: Any) -> Any:
        return asyncio.run(work)

    def round(self) -> int:
        return int(self.run(self.worker.once()))

    def only(self) -> Delivery:
        (delivery,) = self.run(self.storage.deliveries())
        assert isinstance(delivery, Delivery)
        return delivery


@pytest.fixture
def outbox(tmp_path: Path, receiver: Receiver, secret: None) -> Iterator[Outbox]:
    storage = open_storage(f"sqlite:///{tmp_path}/lomake.sqlite3")
    worker = Worker(storage, lvv(receiver.url), BASE, retry_days=3, timeout=0.5, first_pause=0.01)
    yield Outbox(tmp_path / "lomake.sqlite3", storage, worker)
    asyncio.run(storage.close())


def test_a_delivery_is_signed_and_its_body_is_the_read_apis(outbox: Outbox, receiver: Receiver,
                                                           tmp_path: Path) -> None:
    (sent,) = outbox.send()
    assert outbox.round() == 1
    ((headers, body, verified),) = receiver.requests
    assert verified and headers["content-type"] == "application/json" and headers["webhook-id"] == sent.id
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 30
    assert headers["webhook-signature"].startswith("v1,")
    assert not VERIFY("another secret", headers, body) and not VERIFY(SECRET, headers, body + b" ")
    (tmp_path / "agencies").mkdir()
    settings = Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{outbox.path}", public_url=BASE)
    with TestClient(create_app(settings), base_url=BASE) as client:
        _, key = asyncio.run(outbox.storage.add_api_key("lvv"))
        read = client.get(f"/api/v1/submissions/{sent.id}", headers={"authorization": f"Bearer {key}"})
    assert read.status_code == 200 and body == read.content  # byte for byte
    delivered = outbox.only()
    assert (delivered.status, delivered.attempts, delivered.last_error) == ("delivered", 1, "")
    assert outbox.round() == 0 and len(receiver.requests) == 1


@pytest.mark.parametrize(("failure", "error"), [(500, "HTTP 500"), (503, "HTTP 503"), (429, "HTTP 429"),
                                                (408, "HTTP 408"), ("slow", "TimeoutError")])
def test_a_passing_failure_is_retried_and_delivered_once(outbox: Outbox, receiver: Receiver, failure: int | str,
                                                         error: str) -> None:
    (sent,) = outbox.send()
    receiver.answers.extend([failure, 200])
    outbox.round()
    failed = outbox.only()
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 1, error)
    assert failed.next_attempt_at < dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)  # within the first pause
    time.sleep(0.05)  # the first pause is at most 0.01 s
    assert outbox.round() == 1
    done = outbox.only()
    assert (done.status, done.attempts) == ("delivered", 2)
    assert [h["webhook-id"] for h, _, ok in receiver.requests if ok] == [sent.id, sent.id]
    assert receiver.taken == Counter({sent.id: 1})


def test_a_refused_connection_is_retried(outbox: Outbox, receiver: Receiver) -> None:
    outbox.send()
    outbox.worker.agencies = lvv(f"http://127.0.0.1:{free_port()}/hook")  # nobody listens there
    outbox.round()
    failed = outbox.only()
    assert (failed.status, failed.last_error) == ("pending", "ConnectionRefusedError")
    outbox.worker.agencies = lvv(receiver.url)
    time.sleep(0.05)
    outbox.round()
    assert outbox.only().status == "delivered"


def test_a_missing_secret_fails_clearly_and_is_retried(outbox: Outbox, receiver: Receiver,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    outbox.send()
    monkeypatch.delenv(SECRET_ENV)
    outbox.round()
    failed = outbox.only()
    assert failed.status == "pending" and receiver.requests == []
    assert failed.last_error == f"the environment variable {SECRET_ENV} (the webhook's secret) is not set"
    monkeypatch.setenv(SECRET_ENV, SECRET)
    time.sleep(0.05)
    outbox.round()
    assert outbox.only().status == "delivered"


def test_a_client_error_is_a_dead_letter_until_retried_by_the_command(outbox: Outbox, receiver: Receiver) -> None:
    outbox.send()
    receiver.answers.append(400)
    outbox.round()
    dead = outbox.only()
    assert (dead.status, dead.last_error) == ("failed", "HTTP 400")
    assert outbox.round() == 0
    listed = CliRunner().invoke(main, ["delivery", "list", "--failed", "--db", f"sqlite:///{outbox.path}"])
    assert listed.exit_code == 0 and listed.output == (
        f"{dead.id}\t{dead.submission_id}\tlvv\tfailed\t1\t-\tHTTP 400\n")
    assert NAME not in listed.output
    retried = CliRunner().invoke(main, ["delivery", "retry", dead.id, "--db", f"sqlite:///{outbox.path}"])
    assert retried.exit_code == 0 and retried.output == f"delivery {dead.id} is pending again\n"
    again = CliRunner().invoke(main, ["delivery", "retry", dead.id, "--db", f"sqlite:///{outbox.path}"])
    assert again.exit_code == 1 and f"no failed delivery '{dead.id}'" in again.output
    outbox.round()
    done = outbox.only()
    assert (done.status, done.attempts) == ("delivered", 2)


@pytest.mark.parametrize("status", [302, 307, 404, 410])
def test_a_redirect_or_another_client_error_is_given_up_at_once(outbox: Outbox, receiver: Receiver,
                                                                status: int) -> None:
    outbox.send()
    receiver.answers.append(status)
    outbox.round()
    assert (outbox.only().status, outbox.only().last_error) == ("failed", f"HTTP {status}")
    assert len(receiver.requests) == 1  # a redirect is not followed


def test_a_failure_after_the_retry_days_is_a_dead_letter(outbox: Outbox, receiver: Receiver) -> None:
    outbox.send()
    receiver.answers.append(503)
    outbox.worker.retry_days = 0  # every delivery is past its window at once
    outbox.round()
    assert (outbox.only().status, outbox.only().last_error) == ("failed", "HTTP 503")


def lomake(tmp_path: Path, *args: str, **popen: Any) -> subprocess.Popen[str]:
    """A real `lomake` process in `tmp_path` with the webhook's secret set; its output in worker.log."""
    with (tmp_path / "worker.log").open("a") as log:  # the process keeps its own copy
        return subprocess.Popen([LOMAKE, *args, "--db", f"sqlite:///{tmp_path}/lomake.sqlite3", "--schemas",
                                 str(tmp_path)], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, text=True,
                                env={**os.environ, SECRET_ENV: SECRET}, **popen)


def agency_file(tmp_path: Path, url: str) -> None:
    (tmp_path / "agencies").mkdir(exist_ok=True)
    (tmp_path / "agencies/lvv.json").write_text(json.dumps({
        "name": {"fi": "LVV"}, "reference": "LVV/{seq}/{year}", "webhook": {"url": url, "secret_env": SECRET_ENV}}))


def test_a_worker_killed_mid_delivery_loses_nothing(outbox: Outbox, receiver: Receiver, tmp_path: Path) -> None:
    agency_file(tmp_path, receiver.url)
    (sent,) = outbox.send()
    receiver.answers.append("block")
    worker = lomake(tmp_path, "worker", "--lease", "3", "--timeout", "2")
    assert receiver.arrived.wait(30), (tmp_path / "worker.log").read_text()
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    receiver.release.set()
    claimed = outbox.only()
    assert (claimed.status, claimed.attempts) == ("pending", 1)  # the dead worker's lease still runs
    restarted = lomake(tmp_path, "worker", "--lease", "3", "--timeout", "2")
    try:
        for _ in range(200):
            if outbox.only().status == "delivered":
                break
            time.sleep(0.05)
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(10)
    delivered = outbox.only()
    assert (delivered.status, delivered.attempts) == ("delivered", 2), (tmp_path / "worker.log").read_text()
    assert receiver.taken == Counter({sent.id: 1}) and [h["webhook-id"] for h, _, _ in receiver.requests] == [
        sent.id, sent.id]
    assert NAME not in (tmp_path / "worker.log").read_text()


def test_two_workers_at_once_never_deliver_one_row_twice(outbox: Outbox, receiver: Receiver, tmp_path: Path) -> None:
    agency_file(tmp_path, receiver.url)
    sent = outbox.send(30)
    receiver.pause = 0.02
    workers = [lomake(tmp_path, "worker", "--once") for _ in range(2)]
    for worker in workers:
        assert worker.wait(60) == 0, (tmp_path / "worker.log").read_text()
    assert receiver.overlaps == 0 and receiver.taken == Counter({s.id: 1 for s in sent})
    assert len(receiver.requests) == 30 and all(ok for _, _, ok in receiver.requests)
    assert {d.status for d in outbox.run(outbox.storage.deliveries())} == {"delivered"}


def test_a_server_with_deliver_in_serve_delivers_what_it_receives(tmp_path: Path, receiver: Receiver,
                                                                   secret: None) -> None:
    agency_file(tmp_path, receiver.url)
    (tmp_path / "asia.json").write_text(json.dumps({
        "title": "Asia", "type": "object", "x-lomake": {"agency": "lvv"},
        "properties": {"nimi": {"title": "Nimi", "type": "string"}}}))
    settings = Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/lomake.sqlite3", public_url=BASE,
                        deliver_in_serve=True)
    with TestClient(create_app(settings), base_url=BASE) as client:
        sent = client.post("/api/v1/forms/asia/submissions", json={"nimi": NAME})
        assert sent.status_code == 201
        for _ in range(100):
            if receiver.taken:
                break
            time.sleep(0.05)
    assert receiver.taken == Counter({sent.json()["id"]: 1}) and all(ok for _, _, ok in receiver.requests)
    assert json.loads(receiver.requests[0][1])["data"] == {"nimi": NAME}
