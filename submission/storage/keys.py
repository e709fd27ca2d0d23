"""Agency API keys: 256 random bits, shown once when made; only their SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

PREFIX = "lomake_"
#: What a key looks like: the prefix (so a leaked key is recognisable) and 43 URL-safe characters.
KEY = re.compile(r"lomake_[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class ApiKey:
    """A key as stored: whose it is and what for, never the key itself."""

    id: str
    agency: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def key_hash(secret: str) -> str:
    """The SHA-256 (hex) stored in place of the key: enough for 256 random bits, no salt needed."""
    return hashlib.sha256(secret.encode()).hexdigest()
