"""Every id, token, code and key a storage hands out, and the reference numbers it counts: the same in every engine.

Tokens are capabilities (256 random bits, URL-safe): a receipt's link, a draft's cookie, its CSRF token and
one-time handover link. Agency API keys are shown once; only their SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
import uuid

from core.timezone import HELSINKI

#: What an API key starts with, so that a leaked key is recognisable.
KEY_PREFIX = "lomake_"
#: What a key looks like: the prefix and 43 URL-safe characters.
KEY = re.compile(r"lomake_[A-Za-z0-9_-]{43}")
#: Resume codes: Crockford's base32, without letters that look like digits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def record_id() -> str:
    """A submission's, draft's, delivery's or API key's id, never a secret: a UUID version 7 (RFC 9562), its first
    48 bits the time in milliseconds and 74 random bits, so that new rows go to the end of an index rather
    than anywhere in it (inserts stay fast with millions of rows)."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC 9562 variant
    return str(uuid.UUID(int=value))


def token() -> str:
    """A capability: 256 random bits, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def attachment_id() -> str:
    """An uploaded file's id (192 random bits): a page names it to keep the file, its holder checked too."""
    return secrets.token_urlsafe(24)


def resume_code() -> str:
    """Twelve characters (60 bits) in groups of four, e.g. `K7QM-3XRT-9HBD`: short enough to read out,
    too many to guess while a draft lives."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def normalise_code(typed: str) -> str:
    """A typed code as stored: upper case, O read as 0 and I or L as 1, grouped by four."""
    raw = "".join(c for c in typed.upper() if c.isalnum()).translate(str.maketrans("OIL", "011"))
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def new_key() -> str:
    """An agency's API key: the prefix and 256 random bits."""
    return KEY_PREFIX + token()


def key_hash(secret: str) -> str:
    """The SHA-256 (hex) stored in place of the key: enough for 256 random bits, no salt needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def helsinki_year(moment: dt.datetime) -> int:
    """The year a reference number counts in: the calendar year in Finland."""
    return moment.astimezone(HELSINKI).year


def reference(pattern: str, seq: int, year: int) -> str:
    """An agency's reference number, e.g. `LVV/12/2026` from `LVV/{seq}/{year}`."""
    return pattern.format(seq=seq, year=year)
