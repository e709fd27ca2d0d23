"""`lomake serve` as a real process: acknowledged submissions survive a crash and a restart."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import LOMAKE, SCHEMAS, free_port, get, serving
from tests.samples import KANTELU

pytestmark = pytest.mark.server
def post_json(url: str, body: object) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_default_serve_uses_schemas_and_sqlite_in_the_working_directory(tmp_path: Path) -> None:
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    with serving(tmp_path) as base:
        status, created = post_json(f"{base}/api/v1/forms/kantelu/submissions", KANTELU)
        assert status == 201
    # The process was killed with SIGKILL right after the 201: nothing was flushed on the way out.
    assert (tmp_path / "lomake.sqlite3").exists()
    with serving(tmp_path) as base:
        path = str(created["receipt_url"]).split("/receipts/")[1]
        content_type, pdf = get(f"{base}/receipts/{path}")
        assert content_type == "application/pdf" and pdf.startswith(b"%PDF-")
        status, second = post_json(f"{base}/api/v1/forms/kantelu/submissions", KANTELU)
        assert status == 201
    assert str(second["reference"]).startswith("LVV/2/")


@pytest.mark.parametrize("given_by", ["options", "environment"])
def test_serve_takes_schemas_and_db_options_and_reports_broken_files(tmp_path: Path, given_by: str) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "ok.json").write_text('{"title": "OK", "type": "object", "properties": {}}')
    (forms / "bad.json").write_text('{"title": "Bad", "type": "object", "properties": {"x": {"type": "strng"}}}')
    db = tmp_path / "data" / "x.sqlite3"
    port = free_port()
    given = {"--schemas": str(forms), "--db": f"sqlite:///{db}", "--host": "127.0.0.1", "--port": str(port)}
    args = [part for pair in given.items() for part in pair] if given_by == "options" else []
    env = {} if given_by == "options" else {"LOMAKE_" + k[2:].upper(): v for k, v in given.items()}
    process = subprocess.Popen([LOMAKE, "serve", *args], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **env, "PYTHONUNBUFFERED": "1"})
    listing = None
    try:
        for _ in range(600):  # a loaded machine may take a while to start it
            try:
                listing = json.loads(get(f"http://127.0.0.1:{port}/api/v1/forms")[1])
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None:
                    break
                time.sleep(0.05)
        assert listing is not None
        assert [{k: f[k] for k in ("id", "title", "version")} for f in listing["forms"]] == [
            {"id": "ok", "title": "OK", "version": "1"}]
        assert db.exists()
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=10)[0]
    assert f"{forms}/bad.json:1:57: /properties/x/type: not valid JSON Schema" in output
