"""Where the time of a submission goes: `POST /forms/kantelu-bench` through the ASGI app, in-process.

The same app `lomake serve` runs (every middleware, a real SQLite file with full sync and group
commit), called directly with the body `bench/run.py` posts, `--concurrency` requests at a time
(as wrk's connections), no HTTP server in between. Prints the time per request and per request's
CPU on the event loop's thread, then cProfile's top functions by cumulative time (the event
loop's thread; the writer thread's share is shown apart: its CPU per request).

Run from the repo root: .venv/bin/python bench/profile_submit.py [--requests 2000] [--top 40]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from run import FORM_ID, FORM_TYPE, PEER_DIR, lomake_body  # noqa: E402

from core.settings import Settings  # noqa: E402
from server import create_app  # noqa: E402


def scope(body: bytes) -> dict[str, Any]:
    """A browser-less POST of the form, as uvicorn hands it to the app."""
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": f"/forms/{FORM_ID}", "raw_path": f"/forms/{FORM_ID}".encode(), "query_string": b"",
        "root_path": "", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 40000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", FORM_TYPE.encode()),
                    (b"content-length", str(len(body)).encode())],
    }


async def post(app: Any, body: bytes) -> int:
    """One submission through the app; its status."""
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope(body), receive, send)
    return status


async def load(app: Any, body: bytes, requests: int, concurrency: int) -> None:
    """`requests` submissions, `concurrency` at a time; each must answer 303."""
    left = requests

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            status = await post(app, body)
            if status != 303:
                raise SystemExit(f"expected 303, got {status}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def writer_cpu() -> float:
    """CPU seconds of the SQLite writer thread so far (Linux: from /proc)."""
    for thread in threading.enumerate():
        if thread.name == "lomake-sqlite-writer" and thread.native_id is not None:
            stat = Path(f"/proc/self/task/{thread.native_id}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(stat[11]) + int(stat[12])) / 100  # utime + stime, in clock ticks of 1/100 s
    return 0.0


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="lomake-profile-") as tmp:
        schemas = Path(tmp) / "schemas"
        schemas.mkdir()
        shutil.copy(PEER_DIR / f"{FORM_ID}.json", schemas / f"{FORM_ID}.json")
        app = create_app(Settings(schemas_dir=schemas, db_url=f"sqlite:///{tmp}/lomake.sqlite3"))
        body = lomake_body()
        async with app.router.lifespan_context(app):
            await load(app, body, 200, args.concurrency)  # warm: views, validators, templates
            cpu0, wall0, writer0 = time.thread_time(), time.perf_counter(), writer_cpu()
            await load(app, body, args.requests, args.concurrency)
            cpu, wall, writer = (time.thread_time() - cpu0, time.perf_counter() - wall0, writer_cpu() - writer0)
            n = args.requests
            print(f"{n} requests, {args.concurrency} at a time: {wall / n * 1e3:.3f} ms wall each "
                  f"({n / wall:.0f}/s), {cpu / n * 1e3:.3f} ms CPU on the loop's thread, "
                  f"{writer / n * 1e3:.3f} ms CPU on the writer thread")
            if args.top:
                profiler = cProfile.Profile()
                profiler.enable()
                await load(app, body, args.requests, args.concurrency)
                profiler.disable()
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
                stats.print_stats(args.top)
                print(out.getvalue())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--top", type=int, default=40, help="functions shown (0: timing only)")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime, ...")
    asyncio.run(main(parser.parse_args()))
