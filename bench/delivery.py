"""Delivery to an agency's webhook: the worker's throughput, and the delay from commit to delivery.

For each engine (a SQLite file, a PostgreSQL database on 127.0.0.1:5432), with a local receiver (a threaded
HTTP server that answers 200 and notes when each `webhook-id` first arrived):

  throughput  N submissions stored in bulk through the storage (the baseline: stored per second, in the same
              run), then one `lomake worker --once` process delivers them all: delivered per second (from the
              first arrival to the last), and
              its ratio to stored per second (>= 1: delivery keeps up with the fastest storing there is);
  delay       a `lomake worker` process runs while submissions are stored at a steady rate; for each, the
              time from its commit (`received_at`) to its arrival at the receiver: median and p99.

Run from the repo root: .venv/bin/python bench/delivery.py [--count 2000] [--rate 50] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engines import database  # noqa: E402

from submission.storage import NewSubmission, Storage, open_storage  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOMAKE = str(ROOT / ".venv" / "bin" / "lomake")
SECRET_ENV = "LOMAKE_BENCH_WEBHOOK_SECRET"
ANSWERS = {"nimi": "Maija Meikäläinen", "kuvaus": "x" * 800}


class Receiver(ThreadingHTTPServer):
    """Answers 200; keeps when each webhook-id first arrived."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Hook)
        self.daemon_threads = True
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Hook(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["content-length"]))
        with self.server.lock:
            self.server.arrived.setdefault(self.headers["webhook-id"], time.time())
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@contextmanager
def receiving(schemas: Path) -> Iterator[Receiver]:
    """A receiver, named as the webhook of agency `lvv` in `schemas`."""
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    path = schemas / "agencies" / "lvv.json"
    agency = json.loads(path.read_text())
    agency["webhook"] = {"url": receiver.url, "secret_env": SECRET_ENV}
    path.write_text(json.dumps(agency))
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()


def new(i: int) -> NewSubmission:
    return NewSubmission(form_id="kantelu", form_version="1", schema_hash="bench", agency="lvv",
                         reference_pattern="LVV/{seq}/{year}", data={**ANSWERS, "i": i}, language="fi",
                         deliver_to=("lvv",))


async def store(url: str, count: int, rate: float | None = None) -> tuple[float, dict[str, float]]:
    """Store `count` submissions (at `rate` a second, or as fast as 16 at once go); stored per second, and each
    one's commit time by id."""
    storage: Storage = open_storage(url)
    committed: dict[str, float] = {}
    started = time.monotonic()
    try:
        if rate is None:
            for first in range(0, count, 16):
                done = await asyncio.gather(*(storage.add_submission(new(i)) for i in range(first, first + 16)))
                committed.update((s.id, s.received_at.timestamp()) for s in done)
        else:
            for i in range(count):
                await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
                s = await storage.add_submission(new(i))
                committed[s.id] = s.received_at.timestamp()
    finally:
        await storage.close()
    return count / (time.monotonic() - started), committed


def worker(url: str, schemas: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([LOMAKE, "worker", "--schemas", str(schemas), "--db", url, *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, SECRET_ENV: "bench-secret"})


def throughput(url: str, schemas: Path, count: int) -> dict[str, float]:
    with receiving(schemas) as receiver:
        stored_per_s, committed = asyncio.run(store(url, count))
        if worker(url, schemas, "--once").wait() != 0:
            raise SystemExit("lomake worker --once failed")
        if set(receiver.arrived) != set(committed):
            raise SystemExit(f"delivered {len(receiver.arrived)} of {len(committed)}")
    arrivals = sorted(receiver.arrived.values())  # from the first to the last: the process's start left out
    delivered_per_s = (count - 1) / (arrivals[-1] - arrivals[0])
    return {"stored_per_s": stored_per_s, "delivered_per_s": delivered_per_s,
            "delivered/stored": delivered_per_s / stored_per_s}


def delay(url: str, schemas: Path, rate: float, seconds: float) -> dict[str, float]:
    with receiving(schemas) as receiver:
        running = worker(url, schemas)
        time.sleep(3)  # started and polling
        try:
            _, committed = asyncio.run(store(url, int(rate * seconds), rate))
            deadline = time.monotonic() + 30
            while len(receiver.arrived) < len(committed) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            running.send_signal(signal.SIGTERM)
            running.wait(timeout=10)
        delays = sorted(receiver.arrived[i] - at for i, at in committed.items() if i in receiver.arrived)
    if len(delays) != len(committed):
        raise SystemExit(f"delivered {len(delays)} of {len(committed)} within 30 s")
    return {"median_s": statistics.median(delays), "p99_s": delays[int(0.99 * (len(delays) - 1))],
            "max_s": delays[-1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000, help="submissions delivered in the throughput run")
    parser.add_argument("--rate", type=float, default=50, help="submissions a second in the delay run")
    parser.add_argument("--seconds", type=float, default=10, help="length of the delay run")
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="lomake-delivery-") as folder:
        tmp = Path(folder)
        schemas = tmp / "schemas"
        shutil.copytree(ROOT / "schemas", schemas)
        for engine in args.engines:
            with database(engine, tmp) as url:
                results[f"{engine} throughput"] = throughput(url, schemas, args.count)
            with database(engine, tmp) as url:
                results[f"{engine} delay"] = delay(url, schemas, args.rate, args.seconds)
    for name, figures in results.items():
        print(f"{name:<24} " + "  ".join(f"{k} {v:.3f}" if v < 10 else f"{k} {v:.0f}" for k, v in figures.items()))
    out = ROOT / "bench" / "results" / "delivery.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
