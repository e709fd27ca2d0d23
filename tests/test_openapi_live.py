"""Schemathesis against a real `lomake serve` process, over every operation of its `/openapi.json`: no 5xx,
and every answer's status, media type and body as the document says; the keyed operations with a real key."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SCHEMAS, cli_api_key, get, serving

pytestmark = pytest.mark.server

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_every_operation_answers_as_described(tmp_path: Path) -> None:
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    key = cli_api_key(tmp_path, agency="lvv")
    with serving(tmp_path) as base:
        paths = json.loads(get(f"{base}/openapi.json")[1])["paths"]
        run = subprocess.run(
            [SCHEMATHESIS, "run", f"{base}/openapi.json", "--checks", CHECKS, "--header", f"Authorization: Bearer {key}",
             "--max-examples", "15", "--seed", "1", "--workers", "1", "--generation-database", "none", "--no-color",
             "--report-dir", str(tmp_path / "report")],
            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    # Every operation was tested: schemathesis leaves out only the document's own (`GET /openapi.json`).
    tested = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", run.stdout)
    assert tested is not None, run.stdout
    assert int(tested[1]) == int(tested[2]) == int(tested[3]) >= sum(len(item) for item in paths.values()) - 1
