"""What a storage raises, by name, the same in every engine.

Each is a `StorageError`; each is also the built-in error it replaces (`LookupError`, `ValueError`),
so that code catching those keeps working.
"""

from __future__ import annotations


class StorageError(Exception):
    """Something the storage refused to do."""


class UnsupportedDatabase(StorageError, ValueError):
    """A database URL no engine reads (an unknown scheme, or no file named)."""


class DraftGone(StorageError, LookupError):
    """The draft expired, was purged or was already sent: it can be neither saved nor sent now."""


class AttachmentGone(StorageError, LookupError):
    """An attachment the answers refer to was purged or another submission already claimed it."""


class DuplicateReference(StorageError):
    """The reference number is already another submission's (two agencies with the same reference pattern)."""


class UnknownCursor(StorageError, LookupError):
    """A page was asked for after a submission that is not one of those listed (another form's, another
    agency's, or no submission at all)."""


class IdempotencyConflict(StorageError, ValueError):
    """An idempotency key already used, within its window, for a submission with other answers."""
