"""Versioned schema migrations: numbered SQL files per engine, applied in order, each once.

`sqlite/0001_initial.sql`, `postgresql/0001_initial.sql`, ... A file is never changed once released; a change
to the schema is a new file with the next number, for every engine. Each engine records what it applied
in its `schema_migrations` table (version, name, applied_at) and applies the rest in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file of an engine's."""

    version: int
    name: str
    sql: str


@dataclass(frozen=True)
class MigrationState:
    """A migration and when this database got it (None: not yet)."""

    version: int
    name: str
    applied_at: dt.datetime | None


def migrations(engine: str) -> list[Migration]:
    """Every migration of `engine` (a folder here, e.g. "sqlite"), in order of version."""
    found = []
    for item in files(__package__).joinpath(engine).iterdir():
        stem, dot, suffix = item.name.partition(".")
        if suffix == "sql":
            number, _, name = stem.partition("_")
            found.append(Migration(int(number), name, item.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"the {engine} migrations must be numbered 1, 2, 3... without gaps")
    return found


def states(engine: str, applied: dict[int, dt.datetime]) -> list[MigrationState]:
    """Every migration of `engine`, with when it was applied according to `applied` (by version)."""
    return [MigrationState(m.version, m.name, applied.get(m.version)) for m in migrations(engine)]
