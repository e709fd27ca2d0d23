"""Storage: the contract every engine passes (`test_contract.py`), and what is SQLite's own (`test_sqlite.py`)."""

from __future__ import annotations

from typing import Any

from submission.storage import NewSubmission


def new_submission(data: dict[str, Any] | None = None, agency: str = "lvv", pattern: str = "LVV/{seq}/{year}",
                   **given: Any) -> NewSubmission:
    """Answers to the complaint form, as validation gives them to storage."""
    return NewSubmission(form_id=given.pop("form_id", "kantelu"), form_version="1", schema_hash="abc", agency=agency,
                         reference_pattern=pattern, data=data or {"a": 1}, language="fi", **given)
