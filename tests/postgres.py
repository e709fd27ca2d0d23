"""A fresh PostgreSQL schema for a test, on the server at `SERVER` (trust auth), dropped afterwards.

Without the server the test is skipped with the reason, except in CI (`CI=true`), where it fails.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from submission.storage import open_storage

SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def reachable() -> None:
    """Skip the test (fail it in CI) unless the server answers."""
    try:
        psycopg.connect(SERVER, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL is not reachable at {SERVER}: {str(exc).strip()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def schema_url(upgraded: bool = True) -> Iterator[str]:
    """The URL of a schema of its own (`lomake_test_<random>`), its migrations applied unless not `upgraded`;
    the schema is dropped afterwards."""
    reachable()
    name = f"lomake_test_{secrets.token_hex(6)}"
    url = f"{SERVER}?schema={name}"
    with psycopg.connect(SERVER, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {name}".encode())
    try:
        if upgraded:
            asyncio.run(upgrade(url))
        yield url
    finally:
        with psycopg.connect(SERVER, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {name} CASCADE".encode())


async def upgrade(url: str) -> list[str]:
    storage = open_storage(url)
    try:
        return await storage.upgrade()
    finally:
        await storage.close()
