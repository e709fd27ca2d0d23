"""`lomake db upgrade` and `lomake db status`: the schema's versioned migrations from the command line; and
`lomake serve --upgrade-db` (PostgreSQL: tests.postgres)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from core.settings import Settings
from lomake.cli import main
from server import create_app
from submission.storage import StorageError
from tests.conftest import SCHEMAS
from tests.postgres import schema_url


def test_upgrade_then_status_lists_every_migration_as_applied(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/lomake.sqlite3"
    upgraded = CliRunner().invoke(main, ["db", "upgrade", "--db", url])
    assert upgraded.exit_code == 0 and upgraded.output == "applied 0001_initial, 0002_outbox, 0003_form_versions, 0004_audits, 0005_refused_pages\n"
    again = CliRunner().invoke(main, ["db", "upgrade", "--db", url])
    assert again.exit_code == 0 and again.output == "the database is up to date\n"
    status = CliRunner().invoke(main, ["db", "status", "--db", url])
    assert status.exit_code == 0
    lines = [line.split("\t") for line in status.output.splitlines()]
    assert [line[:2] for line in lines] == [["0001", "initial"], ["0002", "outbox"], ["0003", "form_versions"], ["0004", "audits"], ["0005", "refused_pages"]]
    assert all(line[2].startswith("20") for line in lines)



def test_a_server_refuses_an_outdated_database_unless_told_to_upgrade_it() -> None:
    with schema_url(upgraded=False) as url:
        settings = Settings(schemas_dir=SCHEMAS, db_url=url)
        with pytest.raises(StorageError, match="0001_initial, 0002_outbox, 0003_form_versions, 0004_audits, 0005_refused_pages.*lomake db upgrade"), \
                TestClient(create_app(settings)):
            pass
        with TestClient(create_app(replace(settings, upgrade_db=True))) as client:
            assert client.get("/healthz").status_code == 200
            assert client.post("/api/v1/forms/kantelu/submissions", json={}).status_code == 422
        status = CliRunner().invoke(main, ["db", "status", "--db", url])
        assert status.exit_code == 0 and "pending" not in status.output
