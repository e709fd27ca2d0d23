"""The engines the contract runs on, and a fresh storage of each for every test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from submission.storage import Storage, open_storage

#: Each engine, by name: the URL of a fresh, empty database of its own in the test's folder.
ENGINES: dict[str, Callable[[Path], str]] = {
    "sqlite": lambda folder: f"sqlite:///{folder}/contract.sqlite3",
}


@pytest.fixture(params=sorted(ENGINES))
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return ENGINES[request.param](tmp_path)


@pytest.fixture
async def storage(url: str) -> AsyncIterator[Storage]:
    opened = open_storage(url)
    yield opened
    await opened.close()
