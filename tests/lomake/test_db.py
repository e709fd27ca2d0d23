"""`lomake db upgrade` and `lomake db status`: the schema's versioned migrations from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lomake.cli import main


def test_upgrade_then_status_lists_every_migration_as_applied(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/lomake.sqlite3"
    upgraded = CliRunner().invoke(main, ["db", "upgrade", "--db", url])
    assert upgraded.exit_code == 0 and upgraded.output == "applied 0001_initial, 0002_outbox\n"
    again = CliRunner().invoke(main, ["db", "upgrade", "--db", url])
    assert again.exit_code == 0 and again.output == "the database is up to date\n"
    status = CliRunner().invoke(main, ["db", "status", "--db", url])
    assert status.exit_code == 0
    lines = [line.split("\t") for line in status.output.splitlines()]
    assert [line[:2] for line in lines] == [["0001", "initial"], ["0002", "outbox"]]
    assert all(line[2].startswith("20") for line in lines)

