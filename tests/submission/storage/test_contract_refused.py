"""The storage contract for a draft's refused page (Post/Redirect/Get), on every engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from core.errors import Problem
from submission.storage import DraftGone, Refusal, Storage
from tests.submission.storage import new_submission as new

pytestmark = pytest.mark.anyio

#: What a person typed, exactly: text that is not an answer yet, several values, empty ones, markup, new lines.
TYPED = {"/alkaen[day]": ["31"], "/alkaen[month]": ["2"], "/alkaen[year]": ["2024"], "/summa": ["abc"],
         "/kohde": ["koulu", "päiväkoti"], "/nimi": [""], "/kuvaus": ['Rivi 1\r\n<b>"Rivi" 2</b> – ä'],
         "/liite[kept]": ["a1b2"]}
PROBLEMS = (Problem("/alkaen", "Päivämäärää ei ole.", "Alkaen"), Problem("/summa", "Kirjoita luku."),
            Problem("", "Lomake ei kelpaa."))


async def test_a_refused_page_is_kept_as_typed_with_its_problems(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 7, {})
    assert draft.refused is None
    refused = Refusal("tapahtuma", TYPED, PROBLEMS)
    saved = await storage.save_draft(draft, {"nimi": "Maija"}, ("tekija",), refused=refused)
    assert saved.refused == refused
    found = await storage.draft(draft.token)
    assert found is not None and found.refused == refused and found.data == {"nimi": "Maija"}
    assert found.refused.values == TYPED and found.refused.problems[0].summary == "Alkaen: Päivämäärää ei ole."
    assert await storage.draft_by_id(draft.id) == found
    (listed,) = await storage.form_drafts("kantelu")
    assert listed.refused == refused


async def test_a_page_changed_not_refused_is_kept_without_problems(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 7, {})
    await storage.save_draft(draft, {}, (), refused=Refusal("_form", {"/lapset/0/nimi": ["Aino"]}))
    found = await storage.draft(draft.token)
    assert found is not None and found.refused == Refusal("_form", {"/lapset/0/nimi": ["Aino"]}, ())


async def test_any_other_save_clears_the_refusal_and_a_new_one_replaces_it(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 7, {})
    first = await storage.save_draft(draft, {}, (), refused=Refusal("tekija", {"/nimi": [""]}, PROBLEMS[:1]))
    second = await storage.save_draft(first, {}, (), refused=Refusal("tapahtuma", {"/summa": ["x"]}, PROBLEMS[1:2]))
    found = await storage.draft(draft.token)
    assert found is not None and found.refused == second.refused and second.refused is not None
    assert second.refused.page == "tapahtuma"
    cleared = await storage.save_draft(found, {"nimi": "Maija"}, ("tekija",))
    assert cleared.refused is None
    again = await storage.draft(draft.token)
    assert again is not None and again.refused is None and again.data == {"nimi": "Maija"}
    coded = await storage.save_draft(replace(again, refused=first.refused), again.data, again.done, new_code=True)
    assert coded.refused is None and (await storage.draft(draft.token)) == coded  # a record's own field is no save


async def test_sending_the_draft_leaves_nothing_typed_behind(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 7, {"a": 1})
    await storage.save_draft(draft, {"a": 1}, (), refused=Refusal("_form", TYPED, PROBLEMS))
    sent = await storage.add_submission(new({"a": 1}, draft_id=draft.id))
    after = await storage.draft(draft.token)
    assert after is not None and after.sent_receipt == sent.receipt_token and after.refused is None
    with pytest.raises(DraftGone):
        await storage.save_draft(after, {}, (), refused=Refusal("_form", TYPED, PROBLEMS))
    assert (await storage.draft(draft.token)) == after


async def test_a_save_keeps_the_days_the_draft_now_has(storage: Storage) -> None:
    """A one-page form's draft that only holds a refusal lives a day; saved for later, the form's `draft_days`."""
    draft = await storage.add_draft("kantelu", "fi", 1, {})
    assert dt.timedelta(hours=23) < draft.expires_at - draft.created_at <= dt.timedelta(days=1)
    saved = await storage.save_draft(replace(draft, days=30), {"nimi": "Maija"}, ())
    found = await storage.draft(draft.token)
    assert found is not None and found.days == saved.days == 30
    assert dt.timedelta(days=29) < found.expires_at - draft.created_at <= dt.timedelta(days=30, minutes=1)
