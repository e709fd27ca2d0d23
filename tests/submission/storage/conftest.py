"""The engines the contract runs on, and a fresh storage of each for every test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest

from submission.storage import Storage, open_storage
from tests.postgres import schema_url

#: Each engine, by name: the URL of a fresh, empty database of its own (in the test's folder, or a PostgreSQL
#: schema of its own, dropped afterwards).
ENGINES: dict[str, Callable[[Path], AbstractContextManager[str]]] = {
    "sqlite": lambda folder: nullcontext(f"sqlite:///{folder}/contract.sqlite3"),
    "postgresql": lambda folder: schema_url(),
}


@pytest.fixture(params=[pytest.param(name, marks=[pytest.mark.postgres] if name == "postgresql" else [])
                        for name in sorted(ENGINES)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with ENGINES[request.param](tmp_path) as made:
        yield made


@pytest.fixture
async def storage(url: str) -> AsyncIterator[Storage]:
    opened = open_storage(url)
    yield opened
    await opened.close()
