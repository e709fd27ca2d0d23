"""Submissions per second on each storage engine, measured against each other in one run.

Configurations (each a `lomake serve` on a database of its own, the bench form of bench/run.py):
  sqlite         one process, an empty SQLite file
  sqlite-1M      one process, the same with 1,000,000 submissions stored beforehand (made in bulk with SQL)
  postgresql     one process, an empty PostgreSQL database on 127.0.0.1:5432
  postgresql-1M  one process, the same with 1,000,000 submissions stored beforehand
  pg-1proc       one process on PostgreSQL, nothing pinned (for the next one)
  pg-2proc       two processes on one PostgreSQL database, nothing pinned, two wrk runs at once (summed)

The single-process servers run pinned to core 0 and wrk to core 1, as in bench/run.py; PostgreSQL's own
processes are not pinned (they share both cores with everything else, as a database on the same host
would). pg-1proc and pg-2proc run unpinned so that two processes can use both cores. Rounds rotate the
order; the report gives medians and the ratios the issue asks for:

  PostgreSQL / SQLite (one process)        target >= 0.7
  1M stored / empty, per engine            target >= 0.9
  two processes / one process (PostgreSQL)

Run from the repo root: .venv/bin/python bench/engines.py [--rounds 3] [--duration 5] [--stored 1000000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PEER_FORM = bench.PEER_DIR / f"{bench.FORM_ID}.json"
#: The stored answers of every bulk row: the bench form's answers, as canonical JSON.
BULK_DATA = json.dumps({k: v for k, v in bench.ANSWERS.items()}, ensure_ascii=False, separators=(",", ":"),
                       sort_keys=True)


@dataclass(frozen=True)
class Config:
    """One way of serving: an engine, how much is stored beforehand, how many processes, pinned or not."""

    name: str
    engine: str
    stored: int = 0
    processes: int = 1
    pinned: bool = True


# Databases


def psql(url: str, sql: str) -> None:
    done = subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url], input=sql, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise bench.BenchError(f"psql failed: {done.stderr.strip()}")


@contextmanager
def database(engine: str, tmp: Path) -> Iterator[str]:
    """A fresh, upgraded database of `engine`; its URL. A PostgreSQL database is dropped afterwards."""
    if engine == "sqlite":
        url = f"sqlite:///{tmp}/{uuid.uuid4().hex}.sqlite3"
        upgrade(url)
        yield url
        return
    name = f"lomake_bench_{uuid.uuid4().hex[:12]}"
    psql(PG_ADMIN, f"CREATE DATABASE {name}")
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        upgrade(url)
        yield url
    finally:
        psql(PG_ADMIN, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def upgrade(url: str) -> None:
    subprocess.run([str(bench.VENV_BIN / "lomake"), "db", "upgrade", "--db", url], check=True, capture_output=True)


def fill(engine: str, url: str, count: int) -> float:
    """Store `count` submissions of another agency in bulk, in SQL; the seconds it took."""
    started = time.monotonic()
    if engine == "sqlite":
        fill_sqlite(url.removeprefix("sqlite:///"), count)
    else:
        psql(url, PG_FILL.format(count=count, data=BULK_DATA.replace("'", "''")))
    return time.monotonic() - started


def fill_sqlite(path: str, count: int) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    db.executescript(SQLITE_FILL.format(count=count, data=BULK_DATA.replace("'", "''")))
    db.close()


#: Rows like two years of another agency's submissions, one a minute: ids as `ids.record_id` makes them (UUIDv7,
#: time first), random tokens.
SQLITE_FILL = """
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}),
     t(i, ms) AS (SELECT i, (unixepoch('now') - ({count} - i) * 60) * 1000 FROM n)
INSERT INTO submissions (id, reference, form_id, form_version, schema_hash, agency, data, data_sha256, received_at,
                         language, receipt_token, metadata, seq)
SELECT printf('%08x-%04x-7%03x-%04x-%012x', ms >> 16, ms & 65535, abs(random()) % 4096,
              32768 | (abs(random()) % 16384), abs(random()) % 281474976710656),
       'BULK/' || i, 'bulk-form-' || (i % 40), '1', 'bulk', 'bulk', '{data}',
       lower(hex(randomblob(32))),
       strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || (({count} - i) * 60) || ' seconds') || '000+00:00',
       'fi', lower(hex(randomblob(32))), '{{}}', i
FROM t;
UPDATE counters SET last = (SELECT max(seq) FROM submissions) WHERE name = 'submissions';
COMMIT;
"""

PG_FILL = """
BEGIN;
INSERT INTO submissions (id, reference, form_id, form_version, schema_hash, agency, data, data_sha256, received_at,
                         language, receipt_token, metadata, seq)
SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(r, 1, 3) || '-8' || substr(r, 4, 3) || '-'
       || substr(r, 7, 12), 'BULK/' || i, 'bulk-form-' || (i % 40), '1', 'bulk', 'bulk', '{data}',
       md5(r) || md5(h), to_timestamp(ms / 1000.0), 'fi', md5(r || i) || md5(i::text || r), '{{}}', i
FROM (SELECT i, ms, lpad(to_hex(ms), 12, '0') AS h, md5(random()::text) AS r
      FROM (SELECT i, (extract(epoch FROM now()) * 1000)::bigint - ({count} - i)::bigint * 60000 AS ms
            FROM generate_series(1, {count}) AS i) AS times) AS t;
UPDATE counters SET last = (SELECT max(seq) FROM submissions) WHERE name = 'submissions';
COMMIT;
ANALYZE;
"""


# Servers


def serve(stack: ExitStack, config: Config, url: str, schemas: Path, tmp: Path) -> list[bench.Target]:
    """Start the configuration's processes on `url`; a target per process, checked once."""
    targets = []
    for n in range(config.processes):
        base = f"http://{bench.HOST}:{bench.free_port()}"
        stack.enter_context(bench.server(
            f"{config.name}#{n}", [str(bench.VENV_BIN / "lomake"), "serve", "--schemas", str(schemas), "--db", url,
                                   "--host", bench.HOST, "--port", base.rsplit(":", 1)[1]],
            f"{base}/forms/{bench.FORM_ID}", tmp / f"{config.name}-{n}.log",
            cores=bench.SERVER_CORE if config.pinned else None))
        targets.append(bench.Target(f"{config.name}#{n}", f"{base}/forms/{bench.FORM_ID}", 303, bench.lomake_body()))
    bench.sanity_check(targets, b"")
    return targets


def load(targets: list[bench.Target], seconds: float, connections: int, tmp: Path, pinned: bool) -> float:
    """Requests per second of all `targets` at once, each with its share of the connections."""
    results: list[bench.Run] = []
    share = max(1, connections // len(targets))
    threads = [threading.Thread(target=lambda t=t: results.append(
        bench.run_wrk(t, seconds, share, tmp, cores=bench.LOAD_CORE if pinned else None))) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(results) != len(targets):
        raise bench.BenchError("a wrk run failed")
    return sum(r.rps for r in results)


# Report


RATIOS = [
    ("postgresql / sqlite (one process)", "postgresql", "sqlite", 0.7),
    ("sqlite: 1M stored / empty", "sqlite-1M", "sqlite", 0.9),
    ("postgresql: 1M stored / empty", "postgresql-1M", "postgresql", 0.9),
    ("postgresql: two processes / one", "pg-2proc", "pg-1proc", None),
]


def report(rps: dict[str, list[float]], fills: dict[str, float]) -> dict[str, object]:
    median = {name: statistics.median(values) for name, values in rps.items()}
    print(f"{'configuration':<15} {'median req/s':>12}   rounds")
    for name, values in rps.items():
        print(f"{name:<15} {median[name]:12.1f}   " + " ".join(f"{v:.1f}" for v in values))
    for name, seconds in fills.items():
        print(f"bulk fill {name}: {seconds:.0f} s")
    print()
    ratios = {}
    for label, top, bottom, goal in RATIOS:
        if top in median and bottom in median:
            ratios[label] = median[top] / median[bottom]
            print(f"{label:<36} = {ratios[label]:.2f}" + (f" (target >= {goal:g})" if goal else ""))
    return {"median_rps": median, "rounds_rps": rps, "fill_seconds": fills, "ratios": ratios}


def configs(stored: int, engines: list[str]) -> list[Config]:
    every = [
        Config("sqlite", "sqlite"), Config("sqlite-1M", "sqlite", stored=stored),
        Config("postgresql", "postgresql"), Config("postgresql-1M", "postgresql", stored=stored),
        Config("pg-1proc", "postgresql", pinned=False), Config("pg-2proc", "postgresql", processes=2, pinned=False),
    ]
    return [c for c in every if c.engine in engines]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5, help="seconds per configuration per round")
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--stored", type=int, default=1_000_000, help="submissions stored beforehand in *-1M")
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    try:
        bench.ensure_tools()
        with tempfile.TemporaryDirectory(prefix="lomake-engines-") as folder, ExitStack() as stack:
            tmp = Path(folder)
            schemas = tmp / "schemas"
            schemas.mkdir()
            shutil.copy(PEER_FORM, schemas / PEER_FORM.name)
            targets: dict[Config, list[bench.Target]] = {}
            fills: dict[str, float] = {}
            for config in configs(args.stored, args.engines):
                url = stack.enter_context(database(config.engine, tmp))
                if config.stored:
                    fills[config.name] = fill(config.engine, url, config.stored)
                    print(f"{config.name}: {config.stored:,} stored in {fills[config.name]:.0f} s", file=sys.stderr)
                targets[config] = serve(stack, config, url, schemas, tmp)
            rps = measure(targets, args, tmp)
    except (bench.BenchError, subprocess.CalledProcessError) as error:
        print(f"bench FAILED: {error}", file=sys.stderr)
        return 1
    results = report(rps, fills)
    out = bench.BENCH / "results" / "engines.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def measure(targets: dict[Config, list[bench.Target]], args: argparse.Namespace, tmp: Path) -> dict[str, list[float]]:
    """Warm each configuration up, then rounds in a rotating order."""
    order = list(targets)
    for config in order:
        load(targets[config], args.warmup, args.connections, tmp, config.pinned)
    rps: dict[str, list[float]] = {c.name: [] for c in order}
    for r in range(args.rounds):
        for config in order[r % len(order):] + order[:r % len(order)]:
            rps[config.name].append(load(targets[config], args.duration, args.connections, tmp, config.pinned))
            print(f"round {r + 1}/{args.rounds} {config.name:<15} {rps[config.name][-1]:9.1f} req/s", file=sys.stderr)
    return rps


if __name__ == "__main__":
    sys.exit(main())
