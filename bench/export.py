"""Peak memory of a streamed export against the number of submissions: 1,000 against 100,000.

Run: .venv/bin/python bench/export.py [--counts 1000 100000] [--formats csv ndjson] [--via cli http]
Makes the submissions in bulk straight through the storage (`Storage.add_submission`, concurrently, so the writer
commits them in groups), then exports each count in a process of its own: `lomake export --out FILE` (its peak
RSS from `wait4`), and `lomake serve` answering `GET /api/v1/forms/{id}/submissions.{csv,ndjson}` (its VmHWM once
the body is read). Prints, per count, format and way, the peak RSS, the time and the size of the export, and the
ratio of the largest count's peak RSS to the smallest's (target: about 1.0, memory does not grow with the count).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.catalog import load_catalog  # noqa: E402
from submission.service import new_submission  # noqa: E402
from submission.storage import open_storage  # noqa: E402

LOMAKE = str(Path(sys.executable).with_name("lomake"))
FORM_ID = "hakemus"
#: A form an agency might export: contact details, an address, a long answer, ticked days, a list of children.
FORM = {
    "title": "Hakemus", "type": "object", "required": ["nimi", "kuvaus"], "x-lomake": {"agency": "lvv"},
    "properties": {
        "nimi": {"title": "Nimi", "type": "string"},
        "sahkoposti": {"title": "Sähköposti", "type": "string", "format": "email"},
        "puhelin": {"title": "Puhelin", "type": "string"},
        "osoite": {"title": "Osoite", "type": "object", "properties": {
            "katu": {"title": "Katuosoite", "type": "string"},
            "postinumero": {"title": "Postinumero", "type": "string"},
            "toimipaikka": {"title": "Postitoimipaikka", "type": "string"}}},
        "kuvaus": {"title": "Kuvaus", "type": "string", "ui:widget": "textarea"},
        "paivat": {"title": "Päivät", "type": "array", "uniqueItems": True,
                   "items": {"enum": ["ma", "ti", "ke", "to", "pe"]}},
        "lapset": {"title": "Lapset", "type": "array", "items": {"title": "Lapsi", "type": "object", "properties": {
            "nimi": {"title": "Nimi", "type": "string"}, "syntymaaika": {"title": "Syntymäaika", "type": "string",
                                                                     "format": "date"}}}},
    },
}


def answers(i: int, rng: random.Random) -> dict[str, object]:
    """About a kilobyte of answers, a few of them formulas to a spreadsheet."""
    return {
        "nimi": f"Hakija {i}" if i % 50 else "=HYPERLINK(\"http://x\")", "sahkoposti": f"hakija{i}@example.fi",
        "puhelin": f"+358 40 {i:07d}", "osoite": {"katu": f"Koulukatu {i % 90 + 1}", "postinumero": "33100",
                                                "toimipaikka": "Tampere"},
        "kuvaus": " ".join(rng.choice(("asia", "päätös", "hakemus", "liite", "kunta", "koulu")) for _ in range(120)),
        "paivat": sorted(rng.sample(["ma", "ti", "ke", "to", "pe"], rng.randint(0, 5))),
        "lapset": [{"nimi": f"Lapsi {k}", "syntymaaika": f"201{k}-0{k + 1}-1{k}"} for k in range(i % 4)],
    }


async def fill(db_url: str, schemas: Path, count: int) -> str:
    """`count` submissions straight through the storage, and an API key for their agency (returned)."""
    form = load_catalog(schemas).forms[FORM_ID]
    storage = open_storage(db_url)
    rng = random.Random(count)
    try:
        for start in range(0, count, 2000):
            batch = [new_submission(form, answers(i, rng), "fi") for i in range(start, min(start + 2000, count))]
            await asyncio.gather(*(storage.add_submission(new) for new in batch))
        _, key = await storage.add_api_key("lvv", "bench")
    finally:
        await storage.close()
    return key


def by_cli(schemas: Path, db_url: str, kind: str, out: Path) -> tuple[float, float]:
    """`lomake export` in a process of its own: its peak RSS (MB) and its seconds."""
    start = time.perf_counter()
    process = subprocess.Popen([LOMAKE, "export", "--form", FORM_ID, "--format", kind, "--out", str(out),
                                "--schemas", str(schemas), "--db", db_url], stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"lomake export failed: {process.returncode}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def by_http(schemas: Path, db_url: str, kind: str, key: str, out: Path) -> tuple[float, float]:
    """A fresh `lomake serve` answering the export: its peak RSS (VmHWM, MB) once the body is read, and seconds."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([LOMAKE, "serve", "--port", str(port), "--schemas", str(schemas), "--db", db_url],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        request = urllib.request.Request(f"{base}/api/v1/forms/{FORM_ID}/submissions.{kind}",
                                         headers={"authorization": f"Bearer {key}"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=3600) as response, out.open("wb") as file:
            while chunk := response.read(1 << 16):
                file.write(chunk)
        seconds = time.perf_counter() - start
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        return peak / 1024, seconds
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--formats", nargs="+", choices=["csv", "ndjson"], default=["csv", "ndjson"])
    parser.add_argument("--via", nargs="+", choices=["cli", "http"], default=["cli", "http"])
    options = parser.parse_args()
    peaks: dict[tuple[str, str], dict[int, float]] = {}
    print(f"{'count':>8} {'format':>7} {'via':>5} {'peak RSS MB':>12} {'seconds':>9} {'MB out':>8}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        schemas = Path(tmp) / "schemas"
        (schemas / "agencies").mkdir(parents=True)
        for agency in (Path(__file__).resolve().parent.parent / "schemas" / "agencies").glob("*.json"):
            (schemas / "agencies" / agency.name).write_text(agency.read_text())
        (schemas / f"{FORM_ID}.json").write_text(json.dumps(FORM))
        for count in options.counts:
            db_url = f"sqlite:///{tmp}/export-{count}.sqlite3"
            start = time.perf_counter()
            key = asyncio.run(fill(db_url, schemas, count))
            print(f"# {count} submissions stored in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
            for kind in options.formats:
                for via in options.via:
                    out = Path(tmp) / f"out-{count}.{kind}"
                    peak, seconds = (by_cli(schemas, db_url, kind, out) if via == "cli"
                                     else by_http(schemas, db_url, kind, key, out))
                    peaks.setdefault((kind, via), {})[count] = peak
                    print(f"{count:>8} {kind:>7} {via:>5} {peak:>12.1f} {seconds:>9.2f} "
                          f"{out.stat().st_size / 1e6:>8.1f}", flush=True)
    low, high = min(options.counts), max(options.counts)
    for (kind, via), by_count in peaks.items():
        print(f"peak RSS {high}/{low}: {kind} {via} = {by_count[high] / by_count[low]:.2f} (target ~1.0)")


if __name__ == "__main__":
    main()
