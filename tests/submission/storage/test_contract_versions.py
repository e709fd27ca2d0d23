"""The storage contract for form versions and drafts pinned to them, on every engine."""

from __future__ import annotations

import dataclasses

import pytest

from submission.storage import Storage
from tests.submission.storage import new_submission as new

pytestmark = pytest.mark.anyio

DOCUMENTS = {"kantelu.json": {"title": "Kantelu", "$ref": "common/person.json"}, "common/person.json": {"a": [1]}}
TRANSLATIONS = {"sv": {"Kantelu": "Klagomål"}}


async def test_a_version_is_kept_once_and_the_first_one_wins(storage: Storage) -> None:
    assert await storage.form_version("h1") is None
    assert await storage.add_form_version("kantelu", "h1", "1", DOCUMENTS, TRANSLATIONS) is True
    assert await storage.add_form_version("kantelu", "h1", "2", {"kantelu.json": {}}, {}) is False
    kept = await storage.form_version("h1")
    assert kept is not None
    assert (kept.hash, kept.form_id, kept.label) == ("h1", "kantelu", "1")
    assert kept.documents == DOCUMENTS and kept.translations == TRANSLATIONS
    assert kept.first_seen_at.tzinfo is not None


async def test_versions_are_listed_newest_first_with_their_submissions(storage: Storage) -> None:
    await storage.add_form_version("kantelu", "old", "1", DOCUMENTS, {})
    await storage.add_form_version("kantelu", "new", "1.1", DOCUMENTS, {})
    await storage.add_form_version("toive", "other", "1", DOCUMENTS, {})
    for schema_hash in ("old", "old", "new"):
        await storage.add_submission(dataclasses.replace(new(), schema_hash=schema_hash))
    await storage.add_submission(dataclasses.replace(new(form_id="toive"), schema_hash="old"))
    found = await storage.form_versions("kantelu")
    assert [(v.hash, v.label, v.submissions) for v in found] == [("new", "1.1", 1), ("old", "1", 2)]
    assert found[0].first_seen_at >= found[1].first_seen_at
    assert await storage.form_versions("nothing") == []


async def test_a_draft_remembers_its_version_and_moves_to_another(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 7, {"a": 1}, form_hash="old")
    assert draft.form_hash == "old"
    found = await storage.draft(draft.token)
    assert found is not None and found.form_hash == "old"
    await storage.save_draft(dataclasses.replace(found, form_hash="new"), {"a": 2}, ())
    moved = await storage.draft(draft.token)
    assert moved is not None and (moved.form_hash, moved.data) == ("new", {"a": 2})
    unpinned = await storage.add_draft("kantelu", "fi", 7, {})
    assert (await storage.draft(unpinned.token)).form_hash is None  # type: ignore[union-attr]
