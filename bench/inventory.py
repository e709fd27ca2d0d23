"""How long `lomake inventory` takes on a SQLite database with 1,000,000 submissions of the sample forms.

The database is filled in bulk with SQL (as bench/engines.py does): submissions one a minute back from now
(a million minutes is about 23 months), shared unevenly between the sample forms of schemas/, and a draft for
every seventh submission, started up to two hours before it, 40 % to 85 % of them sent (by form). Then
`lomake inventory --ptv` runs as a subprocess, `--rounds` times; the report gives each run's seconds and their
median.

Run from the repo root: .venv/bin/python bench/inventory.py [--stored 1000000] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOMAKE = ROOT / ".venv" / "bin" / "lomake"
SCHEMAS = ROOT / "schemas"

#: Submissions one a minute back from now; form `i % 10 * forms / 10` of the sample forms' ids (so the first
#: forms get more); ids as `ids.record_id` makes them (UUIDv7, time first), random tokens.
SQLITE_FILL = """
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}),
     t(i, ms) AS (SELECT i, (unixepoch('now') - ({count} - i) * 60) * 1000 FROM n)
INSERT INTO submissions (id, reference, form_id, form_version, schema_hash, agency, data, data_sha256, received_at,
                         language, receipt_token, metadata, seq)
SELECT printf('%08x-%04x-7%03x-%04x-%012x', ms >> 16, ms & 65535, abs(random()) % 4096,
              32768 | (abs(random()) % 16384), abs(random()) % 281474976710656),
       'BULK/' || i, json_extract('{forms}', '$[' || (i % 10 * {form_count} / 10) || ']'), '1', 'bulk', 'bulk',
       '{{}}', lower(hex(randomblob(32))),
       strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || (({count} - i) * 60) || ' seconds') || '000+00:00',
       'fi', lower(hex(randomblob(32))), '{{}}', i
FROM t;
UPDATE counters SET last = (SELECT max(seq) FROM submissions) WHERE name = 'submissions';
INSERT INTO drafts (id, token, form_id, language, data, done, prefilled, locked, csrf, created_at, expires_at, days,
                    submission_id)
SELECT 'bulk-draft-' || seq, lower(hex(randomblob(32))), form_id, 'fi', '{{}}', '[]', '{{}}', '[]',
       lower(hex(randomblob(32))),
       strftime('%Y-%m-%dT%H:%M:%f', julianday(received_at) - (seq % 120) / 1440.0) || '000+00:00',
       strftime('%Y-%m-%dT%H:%M:%f', julianday(received_at) + 7) || '000+00:00', 7,
       CASE WHEN seq / 7 % 100 < 40 + seq % 10 * 5 THEN id END
FROM submissions WHERE seq % 7 = 0;
COMMIT;
"""


def form_ids() -> list[str]:
    return sorted(p.stem for p in SCHEMAS.glob("*.json"))


def many_forms(folder: Path, copies: int) -> Path:
    """A schemas folder with the sample forms and `copies` more of each (`kantelu-1.json`, ...)."""
    shutil.copytree(SCHEMAS, folder)
    for form_id in form_ids():
        for n in range(1, copies + 1):
            shutil.copy(SCHEMAS / f"{form_id}.json", folder / f"{form_id}-{n}.json")
    return folder


def fill(path: Path, count: int) -> float:
    """A fresh, upgraded database at `path` with `count` submissions; the seconds the fill took."""
    subprocess.run([str(LOMAKE), "db", "upgrade", "--db", f"sqlite:///{path}"], check=True, capture_output=True)
    forms = form_ids()
    started = time.monotonic()
    db = sqlite3.connect(path)
    db.executescript(SQLITE_FILL.format(count=count, forms=str(forms).replace("'", '"'), form_count=len(forms)))
    db.close()
    return time.monotonic() - started


def run_inventory(path: Path, out: Path, schemas: Path = SCHEMAS) -> float:
    started = time.monotonic()
    subprocess.run([str(LOMAKE), "inventory", "--schemas", str(schemas), "--db", f"sqlite:///{path}", "--out",
                    str(out), "--ptv", "--public-url", "https://lomake.example.fi"], check=True, capture_output=True)
    return time.monotonic() - started


def time_usage(path: Path) -> float:
    """The seconds `Storage.usage()` takes on its own, in this process."""
    import asyncio

    sys.path.insert(0, str(ROOT))
    from submission.storage import open_storage

    async def work() -> float:
        storage = open_storage(f"sqlite:///{path}")
        started = time.monotonic()
        await storage.usage()
        took = time.monotonic() - started
        await storage.close()
        return took

    return asyncio.run(work())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="Write the inventory into DIR and keep it.")
    parser.add_argument("--copies", type=int, default=0, help="Also time it once with this many more copies of "
                                                               "each sample form (249: 1,000 forms).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inventory.sqlite3"
        print(f"filling {args.stored:,} submissions ...", flush=True)
        print(f"fill: {fill(path, args.stored):.1f} s ({path.stat().st_size / 1e6:.0f} MB)", flush=True)
        out = args.keep or Path(tmp) / "out"
        times = [run_inventory(path, out) for _ in range(args.rounds)]
        usage = [time_usage(path) for _ in range(args.rounds)]
        empty = Path(tmp) / "empty.sqlite3"
        subprocess.run([str(LOMAKE), "db", "upgrade", "--db", f"sqlite:///{empty}"], check=True, capture_output=True)
        baseline = [run_inventory(empty, Path(tmp) / "empty") for _ in range(args.rounds)]
        if args.copies:
            schemas = many_forms(Path(tmp) / "schemas", args.copies)
            count = len(list(schemas.glob("*.json")))
            print(f"lomake inventory --ptv, {count:,} forms: {run_inventory(path, Path(tmp) / 'many', schemas):.2f} s")
    print("storage.usage(): " + ", ".join(f"{t:.2f} s" for t in usage) + f"; median {statistics.median(usage):.2f} s")
    print("lomake inventory --ptv, empty database: " + ", ".join(f"{t:.2f} s" for t in baseline)
          + f"; median {statistics.median(baseline):.2f} s")
    print("lomake inventory --ptv: " + ", ".join(f"{t:.2f} s" for t in times)
          + f"; median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    sys.exit(main())
