"""Requests per second of Lomake against baselines measured in the same run.

Targets: Lomake's form page (GET) and a valid submission (POST), the same form hand-written
with Django forms (the peer in /work/shared/peers/django_forms), and bare Starlette serving
Lomake's page as fixed bytes (the ceiling for rendering). Every server runs pinned to core 0,
wrk to core 1; targets alternate over several rounds and the medians are compared.

Run from the repo root: .venv/bin/python bench/run.py [--rounds 3] [--duration 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
PEER_DIR = Path("/work/shared/peers/django_forms")
FORM_ID = "kantelu-bench"
HOST = "127.0.0.1"
SERVER_CORE, LOAD_CORE = "0", "1"
UVICORN_FLAGS = ("--no-access-log", "--log-level", "warning")
FORM_TYPE = "application/x-www-form-urlencoded"

#: The answers both forms receive: plain field name to value (dates ISO, booleans True).
ANSWERS: Mapping[str, str | bool] = {
    "etunimet": "Maija Kaarina",
    "sukunimi": "Virtanen",
    "katuosoite": "Koulukatu 12 B 7",
    "postinumero": "33100",
    "postitoimipaikka": "Tampere",
    "puhelin": "040 123 4567",
    "sahkoposti": "maija.virtanen@example.fi",
    "kieli": "fi",
    "toisenPuolesta": True,
    "peruste": "huoltaja",
    "paamiehenNimi": "Eetu Virtanen",
    "kohde": "opetus",
    "taho": "Hervannan koulu, 4B-luokka",
    "kunta": "Tampere",
    "alkaen": "2025-10-03",
    "asti": "2025-10-10",
    "mitaTapahtui": (
        "Lapselleni on syyslukukauden alusta jätetty toistuvasti antamatta hänelle päätöksellä myönnettyä "
        "tehostettua tukea. Koulunkäynninohjaaja on siirretty toiseen luokkaan, eikä tukiopetusta ole "
        "järjestetty sovitusti. Otin asiasta yhteyttä rehtoriin sähköpostitse 3.10.2025 ja uudelleen "
        "10.10.2025, mutta en ole saanut vastausta. Lapsen koulunkäynti on vaikeutunut, ja hän on ollut "
        "useita päiviä poissa koulusta."
    ),
    "miksi": (
        "Perusopetuslain mukaan oppilaalla on oikeus saada riittävää tukea heti tuen tarpeen ilmetessä. "
        "Tehostetun tuen päätöksessä sovittuja tukitoimia ei ole toteutettu, eikä muutoksista ole tehty "
        "uutta päätöstä tai kuultu huoltajia. Mielestäni koulu on toiminut hyvän hallinnon periaatteiden "
        "vastaisesti, koska yhteydenottoihini ei ole vastattu kohtuullisessa ajassa."
    ),
    "keskusteltu": True,
    "muistutus": True,
    "vireillaMuualla": True,
    "toimitustapa": "posti",
    "vakuutus": True,
}


class BenchError(Exception):
    """A server did not start, a sanity check failed, or the load generator misbehaved."""


@dataclass(frozen=True)
class Reply:
    """One HTTP answer, redirects not followed."""

    status: int
    headers: Message
    body: bytes


@dataclass(frozen=True)
class Target:
    """One thing to measure: a URL, how to call it and the only status it may answer."""

    name: str
    url: str
    expect: int
    body: bytes | None = None


@dataclass
class Run:
    """What one wrk run saw."""

    rps: float
    statuses: dict[int, int]
    socket_errors: str | None = None


# Setup


def ensure_tools() -> None:
    """Install wrk (apt) and Django (pip, into the venv) if missing; check taskset and the venv."""
    for path in (VENV_BIN / "python", VENV_BIN / "lomake"):
        if not path.exists():
            raise BenchError(f"{path} missing: create the venv and `pip install -e '.[test]'` first")
    if shutil.which("wrk") is None and subprocess.run(["apt-get", "install", "-y", "wrk"]).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
    if subprocess.run([VENV_BIN / "python", "-c", "import django"], capture_output=True).returncode != 0:
        subprocess.run([VENV_BIN / "python", "-m", "pip", "install", "django"], check=True)
    if subprocess.run(["taskset", "-c", f"{SERVER_CORE},{LOAD_CORE}", "true"], check=False).returncode != 0:
        raise BenchError("taskset cannot pin to cores 0 and 1 here")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def lomake_body() -> bytes:
    """ANSWERS as Lomake's form posts them: JSON Pointer names, dates in parts, checkboxes `true`."""
    fields: list[tuple[str, str]] = []
    for name, value in ANSWERS.items():
        if name in ("alkaen", "asti"):
            day = dt.date.fromisoformat(str(value))
            fields += [(f"/{name}[day]", str(day.day)), (f"/{name}[month]", str(day.month)),
                       (f"/{name}[year]", str(day.year))]
        else:
            fields.append((f"/{name}", "true" if value is True else str(value)))
    return urllib.parse.urlencode(fields).encode()


def django_body() -> bytes:
    """ANSWERS as Django's default widgets post them: plain names, ISO dates, checkboxes `on`."""
    return urllib.parse.urlencode({k: "on" if v is True else str(v) for k, v in ANSWERS.items()}).encode()


# Servers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str, body: bytes | None = None, timeout: float = 10) -> Reply:
    """GET `url`, or POST `body` as a urlencoded form; any status is an answer."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": FORM_TYPE} if body else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def wait_ready(name: str, proc: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 60) -> None:
    """Poll `url` until the server answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"{name} exited with {proc.returncode} before answering:\n{tail(log)}")
        try:
            if fetch(url, timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(f"{name} did not answer 200 at {url} within {timeout:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 20) -> str:
    """The end of a server's log, for error messages."""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def server(name: str, cmd: list[str], ready_url: str, log: Path, cwd: Path = ROOT,
           env: Mapping[str, str] | None = None, cores: str | None = SERVER_CORE) -> Iterator[None]:
    """Run `cmd` pinned to `cores` (None: not pinned) until the block ends; yield once `ready_url` answers."""
    with log.open("wb") as out:
        proc = subprocess.Popen([*pinned_to(cores), *cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    try:
        wait_ready(name, proc, ready_url, log)
        yield
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def start_servers(stack: ExitStack, tmp: Path) -> list[Target]:
    """Start Lomake, the Django peer and bare Starlette; return the targets, sanity-checked."""
    schemas = tmp / "schemas"
    schemas.mkdir()
    shutil.copy(PEER_DIR / f"{FORM_ID}.json", schemas / f"{FORM_ID}.json")
    lomake = f"http://{HOST}:{free_port()}"
    stack.enter_context(server("lomake", [
        str(VENV_BIN / "lomake"), "serve", "--schemas", str(schemas), "--db", f"sqlite:///{tmp}/lomake.sqlite3",
        "--host", HOST, "--port", lomake.rsplit(":", 1)[1],
    ], f"{lomake}/forms/{FORM_ID}", tmp / "lomake.log"))

    peer_env = {"PEER_DB": str(tmp / "peer.sqlite3"), "PYTHONDONTWRITEBYTECODE": "1"}
    migrate = subprocess.run([str(VENV_BIN / "python"), "peer.py", "migrate"], cwd=PEER_DIR,
                             env={**os.environ, **peer_env}, capture_output=True, text=True, check=False)
    if migrate.returncode != 0:
        raise BenchError(f"django peer migrate failed:\n{migrate.stdout}{migrate.stderr}")
    django = f"http://{HOST}:{free_port()}"
    stack.enter_context(server("django", [
        str(VENV_BIN / "python"), "-m", "uvicorn", "peer:application", "--host", HOST,
        "--port", django.rsplit(":", 1)[1], *UVICORN_FLAGS,
    ], f"{django}/forms/kantelu", tmp / "django.log", cwd=PEER_DIR, env=peer_env))

    page = check(fetch(f"{lomake}/forms/{FORM_ID}"), 200, "lomake GET").body
    (tmp / "page.html").write_bytes(page)
    bare = f"http://{HOST}:{free_port()}"
    stack.enter_context(server("bare", [
        str(VENV_BIN / "python"), "-m", "uvicorn", "bare:app", "--app-dir", str(BENCH), "--host", HOST,
        "--port", bare.rsplit(":", 1)[1], *UVICORN_FLAGS,
    ], f"{bare}/forms/{FORM_ID}", tmp / "bare.log", env={"BARE_PAGE": str(tmp / "page.html")}))

    targets = [
        Target("lomake GET", f"{lomake}/forms/{FORM_ID}", 200),
        Target("lomake POST", f"{lomake}/forms/{FORM_ID}", 303, lomake_body()),
        Target("django GET", f"{django}/forms/kantelu", 200),
        Target("django POST", f"{django}/forms/kantelu", 302, django_body()),
        Target("bare GET", f"{bare}/forms/{FORM_ID}", 200),
    ]
    sanity_check(targets, page)
    return targets


def check(reply: Reply, status: int, what: str) -> Reply:
    """`reply` if it has `status`, else a BenchError showing the start of the body."""
    if reply.status != status:
        raise BenchError(f"{what}: expected {status}, got {reply.status}: {reply.body[:500]!r}")
    return reply


def sanity_check(targets: list[Target], page: bytes) -> None:
    """Each target answers as expected once; redirects lead to a page that answers 200."""
    receipt = {303: re.compile(r"/receipts/[A-Za-z0-9_-]{43}"), 302: re.compile(r"/done/\d+")}
    for target in targets:
        reply = check(fetch(target.url, target.body), target.expect, target.name)
        if target.expect in receipt:
            location = reply.headers.get("location", "")
            if not receipt[target.expect].fullmatch(location):
                raise BenchError(f"{target.name}: unexpected Location {location!r}")
            origin = target.url.split("/forms/")[0]
            check(fetch(origin + location), 200, f"{target.name} -> GET {location}")
        elif target.name == "bare GET" and reply.body != page:
            raise BenchError("bare GET does not serve Lomake's page byte for byte")


# Load


def pinned_to(cores: str | None) -> list[str]:
    """The command prefix that pins a process to `cores`; none for None."""
    return ["taskset", "-c", cores] if cores else []


def run_wrk(target: Target, seconds: float, connections: int, tmp: Path, cores: str | None = LOAD_CORE) -> Run:
    """One wrk run against `target` from the load core (`cores`); every response must have the expected status."""
    env = {**os.environ, "BENCH_METHOD": "POST" if target.body else "GET", "BENCH_BODY_FILE": ""}
    if target.body:
        body_file = tmp / (re.sub(r"\W+", "-", target.name) + ".body")
        body_file.write_bytes(target.body)
        env["BENCH_BODY_FILE"] = str(body_file)
    cmd = [*pinned_to(cores), "wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s",
           "-s", str(BENCH / "wrk.lua"), target.url]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out.stdout, re.M)
    if out.returncode != 0 or rps is None:
        raise BenchError(f"wrk failed on {target.name}:\n{out.stdout}{out.stderr}")
    statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out.stdout, re.M)}
    if set(statuses) != {target.expect}:
        raise BenchError(f"{target.name}: expected only {target.expect} responses, got {statuses}\n{out.stdout}")
    errors = re.search(r"Socket errors: (.*)", out.stdout)
    return Run(float(rps.group(1)), statuses, errors.group(1) if errors else None)


def measure(targets: list[Target], rounds: int, seconds: float, warmup: float, connections: int,
            tmp: Path) -> dict[str, list[Run]]:
    """Warm every target up, then `rounds` rounds measuring each once, starting one later each round."""
    for target in targets:
        run_wrk(target, warmup, connections, tmp)
    runs: dict[str, list[Run]] = {t.name: [] for t in targets}
    for r in range(rounds):
        for target in targets[r % len(targets):] + targets[:r % len(targets)]:
            run = run_wrk(target, seconds, connections, tmp)
            runs[target.name].append(run)
            note = f"  (socket errors: {run.socket_errors})" if run.socket_errors else ""
            print(f"round {r + 1}/{rounds}  {target.name:<12} {run.rps:9.1f} req/s{note}", file=sys.stderr)
    return runs


# Report


def report(runs: dict[str, list[Run]], args: argparse.Namespace) -> dict[str, object]:
    """Print the medians and the three ratios; return the same as a JSON-able dict."""
    median = {name: statistics.median(r.rps for r in rs) for name, rs in runs.items()}
    ratios = {
        "render: lomake/django": (median["lomake GET"] / median["django GET"], 10.0),
        "render: lomake/bare": (median["lomake GET"] / median["bare GET"], 0.5),
        "submit: lomake/django": (median["lomake POST"] / median["django POST"], 5.0),
    }
    print(f"{'target':<12} {'median req/s':>12}   rounds")
    for name, rs in runs.items():
        print(f"{name:<12} {median[name]:12.1f}   " + " ".join(f"{r.rps:.1f}" for r in rs))
    print()
    for label, (value, goal) in ratios.items():
        shown, wanted = (f"{value:.2f}", f"{goal:g}") if goal < 1 else (f"{value:.1f}x", f"{goal:g}x")
        print(f"{label:<21} = {shown} (target >= {wanted})")
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True, check=False).stdout.strip() or None,
        "settings": {"rounds": args.rounds, "duration_s": args.duration, "warmup_s": args.warmup,
                     "connections": args.connections, "wrk": f"-t1 -c{args.connections}",
                     "server_core": SERVER_CORE, "load_core": LOAD_CORE},
        "median_rps": median,
        "rounds_rps": {name: [r.rps for r in rs] for name, rs in runs.items()},
        "socket_errors": {name: [r.socket_errors for r in rs if r.socket_errors] for name, rs in runs.items()},
        "ratios": {label: {"value": value, "target": goal, "met": value >= goal}
                   for label, (value, goal) in ratios.items()},
    }


def main() -> int:
    """Set up, measure, report; 0 even when a target is missed, 1 when the bench itself failed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--duration", type=float, default=5, help="seconds per target per round (default 5)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per target (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    args = parser.parse_args()
    try:
        ensure_tools()
        with tempfile.TemporaryDirectory(prefix="lomake-bench-") as tmp, ExitStack() as servers:
            targets = start_servers(servers, Path(tmp))
            runs = measure(targets, args.rounds, args.duration, args.warmup, args.connections, Path(tmp))
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"bench FAILED: {error}", file=sys.stderr)
        return 1
    results = report(runs, args)
    out = BENCH / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
