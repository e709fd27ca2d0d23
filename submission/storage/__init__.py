"""Storage: the records, the `Storage` protocol every engine implements, and `open_storage(url)`.

The modules: `records` (what is kept), `protocol` (`Storage`, all async), `ids` (ids, tokens, codes, keys and
reference numbers, shared by every engine), `errors`, and one engine per URL scheme: `sqlite` (with
`sqlite_schema`, `sqlite_queries`) and `postgresql` (with `postgresql_schema`, `postgresql_queries`).
A new engine is a module here and one entry in `ENGINES`; it passes
`tests/submission/storage/test_contract.py`. Nothing outside this package imports an engine's modules.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from submission.storage.errors import (
    AttachmentGone,
    DraftGone,
    DuplicateReference,
    IdempotencyConflict,
    StorageError,
    UnknownCursor,
    UnsupportedDatabase,
)
from submission.storage.ids import KEY, normalise_code
from submission.storage.postgresql import PostgreSQLStorage
from submission.storage.protocol import IDEMPOTENCY_WINDOW, UPLOAD_GRACE, Storage
from submission.storage.records import (
    ApiKey,
    Attachment,
    AuditProblem,
    AuditResult,
    Delivery,
    DeliveryStatus,
    Draft,
    FormUsage,
    FormVersion,
    NewSubmission,
    Refusal,
    Submission,
    VersionUse,
)
from submission.storage.sqlite import SQLiteStorage

__all__ = [
    "ENGINES", "IDEMPOTENCY_WINDOW", "KEY", "UPLOAD_GRACE", "ApiKey", "Attachment", "AttachmentGone", "AuditProblem",
    "AuditResult", "Delivery", "DeliveryStatus", "Draft", "DraftGone", "DuplicateReference", "FormUsage",
    "FormVersion", "IdempotencyConflict", "NewSubmission", "Refusal", "Storage", "StorageError", "Submission",
    "UnknownCursor", "UnsupportedDatabase", "VersionUse", "normalise_code", "open_storage",
]


def _sqlite(url: str) -> Storage:
    """`sqlite:///relative/path`, `sqlite:////absolute/path`."""
    path = unquote(urlparse(url).path.removeprefix("/"))
    if not path:
        raise UnsupportedDatabase("a sqlite URL needs a file: sqlite:///lomake.sqlite3")
    return SQLiteStorage(Path(path))


def _postgresql(url: str) -> Storage:
    """`postgresql://user:password@host:port/database`, optionally `?schema=name` (made by `lomake db upgrade`)
    and any libpq parameter (`sslmode=require`)."""
    return PostgreSQLStorage(url)


#: The engines, by the scheme of the URL that names their database.
ENGINES: dict[str, Callable[[str], Storage]] = {"sqlite": _sqlite, "postgresql": _postgresql, "postgres": _postgresql}


def open_storage(url: str) -> Storage:
    """The storage a `--db` URL names, by its scheme (see `ENGINES`), e.g. `sqlite:///lomake.sqlite3`."""
    engine = ENGINES.get(urlparse(url).scheme)
    if engine is None:
        raise UnsupportedDatabase(f"unsupported database URL {url!r}: its scheme must be one of "
                                  + ", ".join(f"{scheme}:" for scheme in ENGINES) + " (e.g. sqlite:///path)")
    return engine(url)
