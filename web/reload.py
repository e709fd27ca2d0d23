"""Forms reloaded while an author writes them (`lomake serve --reload`, never in production).

Before each request, the schemas folder is looked at (every file's size, time and inode: a few dozen `stat`s);
when anything changed since the last look, the catalog is loaded again, once, whatever the number of requests
waiting. No watcher thread, nothing to miss: the first request after a save sees the saved files. A form file
that does not load answers its page with its problems (`BrokenForm`), each at its line and column."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from core.catalog import load_agencies, load_form
from core.errors import LomakeError, Problem
from core.forms import Catalog, FormProblem
from core.i18n import load_translations
from core.positions import located

Snapshot = frozenset[tuple[str, int, int, int]]
_FORM_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
log = logging.getLogger("lomake")


class BrokenForm(LomakeError):
    """The form's file is there but does not load: its problems, for its author (503: try again after a fix)."""

    status = 503

    def __init__(self, form_id: str, problems: list[FormProblem]) -> None:
        super().__init__(f"the form {form_id!r} does not load", [Problem(p.pointer, str(p)) for p in problems])
        self.form_id, self.file_problems = form_id, problems


def snapshot(folder: Path) -> Snapshot:
    """What the folder holds, as far as changes go: each file's path, size, modification time and inode."""
    found = set()
    for parent, _, files in os.walk(folder):
        for name in files:
            try:
                stat = os.stat(os.path.join(parent, name))
            except OSError:
                continue  # removed while we looked: the next look sees it gone
            found.add((os.path.join(parent, name), stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return frozenset(found)


def form_problems(schemas_dir: Path, form_id: str) -> list[FormProblem] | None:
    """The problems that keep the form file `<form_id>.json` from loading, at their lines and columns; None when
    there is no such file, or it loads."""
    path = schemas_dir / f"{form_id}.json"
    if not _FORM_ID.fullmatch(form_id) or not path.is_file():
        return None
    agencies, agency_problems = load_agencies(schemas_dir)
    form, problems = load_form(path, schemas_dir, agencies, load_translations(schemas_dir))
    if form is not None:
        return None
    return located([*(p for p in problems if not p.warning), *agency_problems])


class Reloading:
    """Loads the catalog again (and hands it to `loaded`) when the schemas folder changed since the last request."""

    def __init__(self, app: ASGIApp, schemas_dir: Path, loaded: Callable[[Catalog], Awaitable[None]],
                 load: Callable[[Path], Catalog]) -> None:
        self.app, self.schemas_dir, self.loaded, self.load = app, schemas_dir, loaded, load
        self.seen = snapshot(schemas_dir)
        self.lock = anyio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.refresh()
        await self.app(scope, receive, send)

    async def refresh(self) -> None:
        async with self.lock:  # one reload, however many requests came in while it ran
            now = await anyio.to_thread.run_sync(snapshot, self.schemas_dir)
            if now == self.seen:
                return
            try:
                catalog = await anyio.to_thread.run_sync(self.load, self.schemas_dir)
            except Exception as exc:  # noqa: BLE001 - a bug in loading: the forms as they were, tried again next time
                log.exception("reloading the forms failed (%s): the forms are served as they were", type(exc).__name__)
                return
            await self.loaded(catalog)
            self.seen = now
