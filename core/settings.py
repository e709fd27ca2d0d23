"""Settings, built once at the edge (CLI or tests) and passed into `create_app`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DB_URL = "sqlite:///lomake.sqlite3"


@dataclass(frozen=True)
class Settings:
    """Everything a Lomake process needs to know; nothing is read from globals."""

    schemas_dir: Path = Path("schemas")
    db_url: str = DEFAULT_DB_URL
    #: Largest request body accepted, in bytes; larger ones answer 413.
    max_body_bytes: int = 1_000_000
    #: Largest form with files, in bytes (each file also has its field's own limit).
    max_upload_bytes: int = 50_000_000
    #: Most bytes of attachments one draft may hold, all its pages together.
    max_draft_bytes: int = 100_000_000
    #: Seconds a client has to send a request's whole body; a slower one answers 408.
    body_timeout: float = 30.0
    #: Extra template folders searched before the built-in ones (an agency's own `form.html`).
    template_dirs: tuple[Path, ...] = field(default_factory=tuple)
    #: Seconds between purges of expired drafts and unclaimed uploads (each process purges; it is idempotent).
    purge_every: float = 3600.0
    #: `scheme://host[:port]` people reach the service at: every absolute link (receipt and resume URLs)
    #: is built from it, never from the request's Host header. None: the address the server is bound to.
    #: An https URL also turns on HSTS.
    public_url: str | None = None


def public_url(url: str) -> str:
    """`url` as `Settings.public_url` keeps it (no trailing slash); ValueError unless it is an http(s) origin."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise ValueError(f"{url!r} has a port that is not a number") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise ValueError(f"{url!r} is not an http:// or https:// address, e.g. https://lomake.example.fi")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{url!r} has a path: give only scheme, host and port, e.g. https://lomake.example.fi")
    return f"{parts.scheme}://{parts.netloc.lower()}"
