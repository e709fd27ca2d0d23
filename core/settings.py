"""Settings, built once at the edge (CLI or tests) and passed into `create_app`.

Each setting is declared once, as a field of `Settings`: its name and type are the field's, and
`setting(...)` gives its default, its help, its `lomake serve` flag and how its text is read.
`SETTINGS` is that table as data: the CLI makes a flag and an environment variable of every entry
(`--max-body-bytes`, `LOMAKE_MAX_BODY_BYTES`), and docs/settings.md is tested against it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import urlsplit

DEFAULT_DB_URL = "sqlite:///lomake.sqlite3"
#: Every setting's environment variable is this and its flag's name: `--public-url`, `LOMAKE_PUBLIC_URL`.
ENV_PREFIX = "LOMAKE_"

T = TypeVar("T")


def setting(default: T, help: str, read: Callable[[str], Any], *, metavar: str, flag: str = "",
            shown: str | None = None, many: bool = False) -> T:
    """A field of `Settings`: its `default`, `help`, how a flag's or variable's text is `read` (ValueError if
    it is bad), the `flag` (`--` and the field's name by default), what the default is `shown` as, whether
    the flag may be given `many` times (the variable then holds them all, separated as in PATH). A yes/no
    setting (a `bool` default) is a flag given without a value; its variable says yes or no."""
    spec = {"help": help, "read": read, "metavar": metavar, "flag": flag, "shown": shown, "many": many}
    return field(default=default, metadata=spec)


def _folder(text: str) -> Path:
    if not text.strip():
        raise ValueError("give a folder")
    if Path(text).is_file():
        raise ValueError(f"{text!r} is a file, not a folder")
    return Path(text)


def _text(text: str) -> str:
    if not text.strip():
        raise ValueError("give a value")
    return text.strip()


def _host(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._:%-]+", text):
        raise ValueError(f"{text!r} is not a host name or IP address, e.g. 127.0.0.1, 0.0.0.0 or ::")
    return text


def _bytes(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a size: give a whole number of bytes, e.g. 1000000") from None
    if size < 1:
        raise ValueError(f"{text!r} is too small: give at least 1 byte")
    return size


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds, e.g. 30 or 0.5") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{text!r} is not a time: give more than 0 seconds, e.g. 30 or 0.5")
    return seconds


def _days(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"{text!r} is not a number of days: give a whole number, at least 1")
    return int(text)


def _switch(text: str) -> bool:
    if text.strip().lower() in ("yes", "true", "on", "1"):
        return True
    if text.strip().lower() in ("no", "false", "off", "0"):
        return False
    raise ValueError(f"{text!r} is neither yes nor no")


def _port(text: str) -> int:
    if not text.strip().isdigit() or int(text) > 65535:
        raise ValueError(f"{text!r} is not a port: give a number from 0 to 65535")
    return int(text)


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


@dataclass(frozen=True)
class Settings:
    """Everything a Lomake process needs to know; nothing is read from globals. The table of settings."""

    schemas_dir: Path = setting(Path("schemas"), "Folder of form files.", _folder, metavar="DIRECTORY",
                                flag="--schemas")
    db_url: str = setting(DEFAULT_DB_URL, "Database URL: sqlite:///relative/path, sqlite:////absolute/path or "
                                          "postgresql://user@host:port/database?schema=name.", _text,
                          metavar="URL", flag="--db")
    #: A flag: given, it is true.
    upgrade_db: bool = setting(False, "Apply the database's pending migrations at start (PostgreSQL is never "
                                      "upgraded otherwise: see `lomake db upgrade`).", _switch, metavar="", shown="no")
    host: str = setting("127.0.0.1", "Address to listen on; 0.0.0.0 or :: for every interface.", _host,
                        metavar="HOST")
    port: int = setting(8000, "Port to listen on.", _port, metavar="PORT")
    #: None: the address the server is bound to (`lomake serve` fills it in).
    public_url: str | None = setting(
        None, "The address people reach the service at, e.g. https://lomake.example.fi (behind a proxy); receipt "
              "and resume links are built from it, never from the Host header. https turns on HSTS.", public_url,
        metavar="URL", shown="http://HOST:PORT")
    max_body_bytes: int = setting(1_000_000, "Largest request body accepted, in bytes (then 413).", _bytes,
                                  metavar="BYTES")
    max_upload_bytes: int = setting(50_000_000, "Largest form with files, in bytes (each file also has its "
                                                "field's own limit).", _bytes, metavar="BYTES")
    max_draft_bytes: int = setting(100_000_000, "Most bytes of attachments one draft may hold, all its pages "
                                                "together.", _bytes, metavar="BYTES")
    body_timeout: float = setting(30.0, "Seconds a client has to send a request's body (then 408).", _seconds,
                                  metavar="SECONDS")
    header_timeout: float = setting(10.0, "Seconds a client has to send a request's headers (then the connection "
                                          "is closed).", _seconds, metavar="SECONDS")
    template_dirs: tuple[Path, ...] = setting(
        (), "A template folder searched before the built-in ones (an agency's own form.html); give it again for "
            "more.", _folder, metavar="DIRECTORY", flag="--templates", shown="", many=True)
    reload: bool = setting(False, "For form authors, never in production: reload the forms when a file under "
                                  "--schemas changes, and show a broken form's problems on its page.", _switch,
                           metavar="", shown="no")
    purge_every: float = setting(3600.0, "Seconds between purges of expired drafts and unclaimed uploads (each "
                                         "process purges; it is idempotent).", _seconds, metavar="SECONDS")
    delivery_retry_days: int = setting(3, "Days a delivery to an agency's webhook is tried again after it was "
                                          "created, with growing pauses; then it is given up (a dead letter).",
                                       _days, metavar="DAYS")
    deliver_in_serve: bool = setting(False, "The server also delivers to the agencies' webhooks, as a "
                                            "`lomake worker` beside it would (small sites).", _switch,
                                     metavar="", shown="no")


@dataclass(frozen=True)
class Setting:
    """One row of the table: a field of `Settings`, a `lomake serve` flag and an environment variable."""

    name: str
    #: The field's type, as written in `Settings`.
    type: str
    default: Any
    help: str
    read: Callable[[str], Any]
    metavar: str
    flag: str
    #: The default as the help and the docs show it ("" for none).
    shown: str
    many: bool

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.flag.removeprefix("--").upper().replace("-", "_")


def _row(name: str, type: str, default: Any, spec: Mapping[str, Any]) -> Setting:
    flag = spec["flag"] or "--" + name.replace("_", "-")
    shown = spec["shown"] if spec["shown"] is not None else str(default)
    return Setting(name, type, default, spec["help"], spec["read"], spec["metavar"], flag, shown, spec["many"])


#: The settings by name, in the order `Settings` declares them.
SETTINGS: Mapping[str, Setting] = MappingProxyType(
    {f.name: _row(f.name, str(f.type), f.default, f.metadata) for f in fields(Settings)})
