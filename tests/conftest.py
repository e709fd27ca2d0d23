"""Shared fixtures: a real app over a real SQLite file in tmp_path (or, with `LOMAKE_TEST_DB=postgresql`, a
PostgreSQL schema of its own), and a browser-like form reader."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.catalog import load_catalog
from core.forms import Catalog, FormProblem
from core.settings import Settings
from renderer.hyphens import SOFT_HYPHEN
from server import create_app
from submission.storage import Draft, Storage, Submission
from tests.postgres import schema_url

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
#: The Django peer's JSON Schema twin (shared/peers/django_forms): a plain schema, no ui: keys.
BENCH_SCHEMA = ROOT / "tests" / "fixtures" / "kantelu-bench.json"
#: The complaint as one page (the sample `kantelu` has pages): the one-page journey's tests send it, under this id.
ONE_PAGE_FORM = "yksisivuinen"
ONE_PAGE_SCHEMA = ROOT / "tests" / "fixtures" / "one-page" / f"{ONE_PAGE_FORM}.json"



@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(SCHEMAS)


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    """A copy of the sample schemas folder, plus the peer's plain schema (no ui: keys at all) and the complaint
    as one page (`ONE_PAGE_FORM`)."""
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, folder)
    shutil.copy(BENCH_SCHEMA, folder / "kantelu-bench.json")
    shutil.copy(ONE_PAGE_SCHEMA, folder / f"{ONE_PAGE_FORM}.json")
    return folder


@contextmanager
def database(folder: Path) -> Iterator[str]:
    """The URL of a fresh database for the app: a SQLite file in `folder`, or with the environment variable
    `LOMAKE_TEST_DB=postgresql` a PostgreSQL schema of its own, upgraded, dropped afterwards."""
    engine = os.environ.get("LOMAKE_TEST_DB") or "sqlite"
    if engine == "postgresql":
        with schema_url() as url:
            yield url
    elif engine == "sqlite":
        yield f"sqlite:///{folder}/lomake.sqlite3"
    else:
        raise ValueError(f"LOMAKE_TEST_DB={engine!r}: give sqlite or postgresql")


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    with database(tmp_path) as url:
        yield url


@pytest.fixture
def settings(db_url: str, schemas: Path) -> Settings:
    return Settings(schemas_dir=schemas, db_url=db_url, max_body_bytes=200_000)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://lomake.test") as test_client:
        yield test_client


def unhyphenated(text: str) -> str:
    """A heading's text as it is read and searched: without the soft hyphens that break its long words."""
    return text.replace(SOFT_HYPHEN, "")


def read_form(html: str) -> tuple[str, list[tuple[str, str]]]:
    """The form's action and the name/value pairs a browser would submit from it, in order."""
    doc = lxml.html.fromstring(html)
    (form,) = doc.xpath("//form[@method='post'][@class='form']")
    pairs: list[tuple[str, str]] = []
    for control in form.xpath(".//input|.//textarea|.//select"):
        name = control.get("name")
        if not name:
            continue
        if control.tag == "textarea":
            # Browsers drop one newline right after <textarea> (HTML spec); libxml2 keeps it.
            value = control.text or ""
            pairs.append((name, value[1:] if value.startswith("\n") else value))
        elif control.tag == "select":
            chosen = control.xpath("./option[@selected]") or control.xpath("./option[1]")
            pairs.append((name, chosen[0].get("value", "")))
        elif control.get("type") in ("radio", "checkbox"):
            if control.get("checked") is not None:
                pairs.append((name, control.get("value", "on")))
        else:
            pairs.append((name, control.get("value", "")))
    return form.get("action"), pairs


LOMAKE = str(Path(sys.executable).with_name("lomake"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[str, bytes]:
    """The content type and body at `url`; the connection is closed before returning."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["content-type"], response.read()


@contextmanager
def serving(workdir: Path, *args: str) -> Iterator[str]:
    """A real `lomake serve` process in `workdir`; yields its base URL, kills it afterwards. Its output
    goes to `serve.log` there (a pipe nobody reads would stop it once its warnings fill the pipe)."""
    port = free_port()
    log = workdir / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([LOMAKE, "serve", "--port", str(port), *args], cwd=workdir,
                                   stdout=output, stderr=subprocess.STDOUT, text=True,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                get(f"{base}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, log.read_text()
                time.sleep(0.05)
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `lomake serve` over a copy of the sample forms (schemas/), one per test module; a module that needs
    other forms defines its own `site`."""
    workdir = tmp_path_factory.mktemp("site")
    shutil.copytree(SCHEMAS, workdir / "schemas")
    with serving(workdir) as base:
        yield base


def storage_of(client: TestClient) -> Storage:
    """The app's storage: tests read what was kept through its interface, never from the database file."""
    storage: Storage = client.app.state.lomake.storage  # type: ignore[attr-defined]
    return storage


def stored_submissions(client: TestClient) -> list[Submission]:
    """Every stored submission, of every form the app serves, oldest first."""
    forms = list(client.app.state.lomake.catalog.forms)  # type: ignore[attr-defined]

    async def read(storage: Storage) -> list[Submission]:
        return [s for form_id in forms for s in await storage.form_submissions(form_id)]

    return sorted(asyncio.run(read(storage_of(client))), key=lambda s: s.received_at)


def stored_answers(client: TestClient) -> list[Any]:
    """The answers of every stored submission, oldest first."""
    return [s.data for s in stored_submissions(client)]


def drafts_of(client: TestClient, form_id: str | None = None) -> list[Draft]:
    """Every draft of the form (None: of every form the app serves) the storage still keeps (live, sent or
    expired), oldest first."""
    forms = [form_id] if form_id else list(client.app.state.lomake.catalog.forms)  # type: ignore[attr-defined]

    async def read(storage: Storage) -> list[Draft]:
        return [d for form in forms for d in await storage.form_drafts(form)]

    return sorted(asyncio.run(read(storage_of(client))), key=lambda d: d.created_at)


@contextmanager
def form_client(folder: Path, **forms: Mapping[str, Any]) -> Iterator[TestClient]:
    """A real app over just these forms (file name: keyword), with its database in `folder` (see `database`)."""
    import json

    for form_id, schema in forms.items():
        (folder / f"{form_id}.json").write_text(json.dumps(schema))
    with database(folder) as url, TestClient(create_app(Settings(schemas_dir=folder, db_url=url))) as c:
        yield c


def send_answers(client: TestClient, form_id: str, answers: dict[str, str]) -> Any:
    """Post the form as a browser would, with `answers` (by control name) over what the page holds; a page not
    taken is the page shown again (`shown_again`)."""
    action, pairs = read_form(client.get(f"/forms/{form_id}").text)
    data = {n: [answers.get(n, v)] for n, v in pairs} | {k: [v] for k, v in answers.items()}
    return shown_again(client, client.post(action, data=data, follow_redirects=False))


def page_csrf(html: str) -> list[tuple[str, str]]:
    """The CSRF token of the page's form (a page of a draft has one) as the pair a browser sends with it; none if it
    has none."""
    doc = lxml.html.fromstring(html)
    return [("_csrf", str(token)) for token in doc.xpath("//form[@class='form']//input[@name='_csrf']/@value")]


def post_as_browser(client: TestClient, url: str, data: Mapping[str, Any], **options: Any) -> Any:
    """Post `data` to the page at `url` as a browser showing that page does: with the page's CSRF token (once a
    draft keeps it); a page not taken is the page it is then sent to (`shown_again`)."""
    token = dict(page_csrf(client.get(url).text))
    return shown_again(client, client.post(url, data={**token, **data}, follow_redirects=False, **options))


def shown_again(client: TestClient, response: Any) -> Any:
    """What a browser shows after a page post: a page not taken answers 303 to its own address (Post/Redirect/Get,
    web/history.py), whose page (422 with its problems) it then shows; any other answer is given back as it is."""
    location = response.headers.get("location", "")
    if response.status_code == 303 and urlsplit(location).path == response.request.url.path:
        return client.get(location)
    return response


def api_key(client: TestClient, agency: str = "lomake") -> dict[str, str]:
    """The header that authorises requests as `agency`, with a key made for it as `lomake apikey create` does."""
    _, secret = asyncio.run(storage_of(client).add_api_key(agency, "tests"))
    return {"authorization": f"Bearer {secret}"}


def cli_api_key(workdir: Path, *args: str, agency: str = "lomake") -> str:
    """A key made by a real `lomake apikey create` run in `workdir`: the last line it prints."""
    made = subprocess.run([LOMAKE, "apikey", "create", "--agency", agency, *args], cwd=workdir, check=True,
                          capture_output=True, text=True)
    return made.stdout.strip().splitlines()[-1]


def unplaced(problem: FormProblem) -> str:
    """A problem as `lomake check` prints it, without its line and column (tests/lomake/test_check.py checks those)."""
    return str(replace(problem, line=0, column=0))
