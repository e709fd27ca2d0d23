"""The submit service (issue 12, item 3), driven directly over real SQLite: validation, then upload claiming,
then one commit; its hook points, in the transaction and after the commit; and through the app, a failing
listener that loses nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

import submission.service as service
from core.catalog import load_catalog
from core.errors import Gone, Invalid
from core.forms import Form
from core.view.build import form_view
from core.view.fields import FormView
from submission.coerce import Issue
from submission.service import Sent, Submissions, audit, new_submission
from submission.storage import NewSubmission, Storage, Submission, open_storage
from submission.validate import CompiledForms
from tests.conftest import form_client, stored_answers

FORM = {
    "title": "Oikaisuvaatimus", "type": "object", "required": ["nimi", "paatos"],
    "properties": {
        "nimi": {"title": "Nimi", "type": "string"},
        "paatos": {"title": "Päätös", "type": "string", "contentMediaType": "application/pdf"},
    },
}
PDF = b"%PDF-1.4\n% a decision\n%%EOF\n"
#: Personal data in the answers, which no log line may repeat.
NAME = "Matti Meikäläinen"


@dataclass
class Setup:
    storage: Storage
    form: Form
    view: FormView
    submissions: Submissions

    def upload(self, owner: str | None) -> str:
        return asyncio.run(self.storage.add_attachment("paatos.pdf", "application/pdf", PDF, owner)).id

    def submit(self, answers: dict[str, Any], *issues: Issue, **kwargs: Any) -> Submission:
        return asyncio.run(self.submissions.submit(self.form, self.view, answers, issues, **kwargs))


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    (tmp_path / "oikaisu.json").write_text(json.dumps(FORM))
    form = load_catalog(tmp_path).forms["oikaisu"]
    storage = open_storage(f"sqlite:///{tmp_path}/lomake.sqlite3")
    yield Setup(storage, form, form_view(form, "fi"), Submissions(storage, CompiledForms()))
    asyncio.run(storage.close())


def answers(attachment_id: str) -> dict[str, Any]:
    return {"nimi": NAME, "paatos": f"attachment:{attachment_id}"}


def test_valid_answers_are_stored_with_their_attachments_claimed(setup: Setup) -> None:
    held = setup.upload("upload-key")
    sent = setup.submit(answers(held), owner="upload-key")
    assert asyncio.run(setup.storage.submission_by_receipt(sent.receipt_token)) == sent
    assert sent.data == answers(held) and sent.form_id == "oikaisu" and sent.language == "fi"
    assert sent.metadata == {"acting": None, "parts": {}}
    assert [a.id for a in asyncio.run(setup.storage.attachments([held], sent.id))] == [held]
    assert asyncio.run(setup.storage.owned_attachments([held], "upload-key")) == []  # claimed: no longer anyone's to name


def test_invalid_answers_are_refused_with_their_problems_and_nothing_is_stored(setup: Setup) -> None:
    held = setup.upload("upload-key")
    with pytest.raises(Invalid) as refused:
        setup.submit({"paatos": f"attachment:{held}"}, owner="upload-key")
    assert [p.pointer for p in refused.value.problems] == ["/nimi"]
    assert asyncio.run(setup.storage.count_submissions()) == 0
    assert [a.id for a in asyncio.run(setup.storage.owned_attachments([held], "upload-key"))] == [held]  # not claimed


def test_the_issues_found_reading_the_answers_are_problems_too(setup: Setup) -> None:
    with pytest.raises(Invalid) as refused:
        setup.submit(answers(setup.upload("k")), Issue("/paatos", "file_gone"), owner="k")
    assert [p.pointer for p in refused.value.problems] == ["/paatos"]
    assert asyncio.run(setup.storage.count_submissions()) == 0


def test_an_attachment_someone_else_holds_is_refused(setup: Setup) -> None:
    theirs = setup.upload("someone-else")
    with pytest.raises(Invalid) as refused:
        setup.submit(answers(theirs), owner="upload-key")
    assert [(p.pointer, p.message) for p in refused.value.problems] == [
        ("/paatos", "Valitse tiedosto uudelleen: sitä ei enää ole tallessa.")]
    assert asyncio.run(setup.storage.count_submissions()) == 0
    assert [a.id for a in asyncio.run(setup.storage.owned_attachments([theirs], "someone-else"))] == [theirs]


def test_without_an_owner_any_unclaimed_attachment_is_taken_but_never_a_claimed_one(setup: Setup) -> None:
    """The API's own data URLs are kept without an owner; an attachment already sent is gone for everyone."""
    loose = setup.upload(None)
    first = setup.submit(answers(loose))
    assert [a.id for a in asyncio.run(setup.storage.attachments([loose], first.id))] == [loose]
    with pytest.raises(Invalid):
        setup.submit(answers(loose))
    assert asyncio.run(setup.storage.count_submissions()) == 1


def test_a_draft_sent_twice_gives_its_first_submission_and_tells_the_listeners_once(setup: Setup) -> None:
    told: list[Sent] = []

    async def listen(sent: Sent) -> None:
        told.append(sent)

    setup.submissions.after_commit.append(listen)
    draft = asyncio.run(setup.storage.add_draft("oikaisu", "fi", 7, {}))
    first = setup.submit({"nimi": NAME, "paatos": "x"}, owner=draft.id, draft_id=draft.id)
    again = setup.submit({"nimi": "Toinen", "paatos": "y"}, owner=draft.id, draft_id=draft.id)
    assert again == first and not first.resent and again.resent
    assert asyncio.run(setup.storage.count_submissions()) == 1
    assert [s.submission for s in told] == [first]


def test_a_draft_sent_twice_at_once_is_stored_once(setup: Setup) -> None:
    told: list[Sent] = []

    async def listen(sent: Sent) -> None:
        told.append(sent)

    async def both(draft_id: str) -> list[Submission]:
        return list(await asyncio.gather(*(setup.submissions.submit(
            setup.form, setup.view, {"nimi": NAME, "paatos": "x"}, owner=draft_id, draft_id=draft_id)
            for _ in range(2))))

    setup.submissions.after_commit.append(listen)
    draft = asyncio.run(setup.storage.add_draft("oikaisu", "fi", 7, {}))
    one, other = asyncio.run(both(draft.id))
    assert one == other and sorted([one.resent, other.resent]) == [False, True]
    assert asyncio.run(setup.storage.count_submissions()) == 1 and len(told) == 1


def test_an_after_commit_listener_is_told_once_the_submission_is_committed(setup: Setup) -> None:
    seen: list[Submission | None] = []

    async def listen(sent: Sent) -> None:
        assert sent.form is setup.form
        seen.append(await setup.storage.submission_by_receipt(sent.submission.receipt_token))

    setup.submissions.after_commit.append(listen)
    sent = setup.submit(answers(setup.upload("k")), owner="k")
    assert seen == [sent]
    with pytest.raises(Invalid):
        setup.submit({}, owner="k")
    assert seen == [sent]  # nothing accepted, nothing told


def test_audit_logs_each_submission_received_without_its_answers_or_receipt_token(
        setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    assert setup.submissions.after_commit == [audit]  # the service's first listener, on by default
    with caplog.at_level(logging.INFO, logger="lomake.submissions"):
        sent = setup.submit(answers(setup.upload("k")), owner="k")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "lomake.submissions"]
    assert sent.id in line and sent.reference in line and "form oikaisu" in line
    assert NAME not in line and sent.receipt_token not in line


def test_a_failing_listener_neither_loses_nor_fails_the_submission(
        setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    told: list[Sent] = []

    async def boom(sent: Sent) -> None:
        raise RuntimeError(f"cannot render for {sent.submission.data['nimi']}")

    async def listen(sent: Sent) -> None:
        told.append(sent)

    setup.submissions.after_commit[:0] = [boom, listen]
    with caplog.at_level(logging.INFO):
        sent = setup.submit(answers(setup.upload("k")), owner="k")
    assert asyncio.run(setup.storage.submission_by_receipt(sent.receipt_token)) == sent
    assert [s.submission for s in told] == [sent]  # the others are still told
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "boom" in logged and "RuntimeError" in logged and sent.id in logged
    assert NAME not in logged and "Meik" not in logged and sent.receipt_token not in logged


def test_a_listener_that_hangs_is_given_up(setup: Setup, caplog: pytest.LogCaptureFixture,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    async def hang(sent: Sent) -> None:
        await asyncio.sleep(60)

    monkeypatch.setattr(service, "LISTENER_SECONDS", 0.05)
    setup.submissions.after_commit.insert(0, hang)
    sent = setup.submit(answers(setup.upload("k")), owner="k")
    assert asyncio.run(setup.storage.submission_by_receipt(sent.receipt_token)) == sent
    assert any("hang" in r.getMessage() and "TimeoutError" in r.getMessage() for r in caplog.records)


def test_what_an_in_transaction_hook_adds_is_committed_with_the_submission(setup: Setup) -> None:
    calls: list[NewSubmission] = []

    def stamp(form: Form, new: NewSubmission) -> NewSubmission:
        calls.append(new)
        return replace(new, metadata={**new.metadata, "outbox": [{"to": form.agency.id}]})

    setup.submissions.in_transaction.append(stamp)
    with pytest.raises(Invalid):
        setup.submit({}, owner="k")
    assert calls == []  # refused answers never get that far
    sent = setup.submit(answers(setup.upload("k")), owner="k")
    stored = asyncio.run(setup.storage.submission_by_receipt(sent.receipt_token))
    assert stored is not None and stored.metadata["outbox"] == [{"to": setup.form.agency.id}]
    assert [new.data for new in calls] == [sent.data]


def test_an_in_transaction_hook_that_fails_fails_the_submission_and_nothing_is_stored(setup: Setup) -> None:
    told: list[Sent] = []

    def broken(form: Form, new: NewSubmission) -> NewSubmission:
        raise RuntimeError("no outbox")

    async def listen(sent: Sent) -> None:
        told.append(sent)

    setup.submissions.in_transaction.append(broken)
    setup.submissions.after_commit.append(listen)
    held = setup.upload("k")
    with pytest.raises(RuntimeError):
        setup.submit(answers(held), owner="k")
    assert asyncio.run(setup.storage.count_submissions()) == 0 and told == []
    assert [a.id for a in asyncio.run(setup.storage.owned_attachments([held], "k"))] == [held]


def test_through_the_app_a_failing_listener_changes_no_answer(tmp_path: Path) -> None:
    """The one-page form and the API each answer as always, and store the submission, though a listener fails."""

    async def boom(sent: Sent) -> None:
        raise RuntimeError("down")

    with form_client(tmp_path, kysely={"title": "Kysely", "type": "object", "required": ["nimi"],
                                       "properties": {"nimi": {"title": "Nimi", "type": "string"}}}) as client:
        client.app.state.lomake.submissions.after_commit.insert(0, boom)  # type: ignore[attr-defined]
        page = client.post("/forms/kysely", data={"/nimi": NAME}, follow_redirects=False)
        api = client.post("/api/v1/forms/kysely/submissions", json={"nimi": NAME})
        assert page.status_code == 303 and page.headers["location"].startswith("/receipts/")
        assert api.status_code == 201 and api.json()["reference"]
        assert client.get(page.headers["location"]).status_code == 200
        assert stored_answers(client) == [{"nimi": NAME}, {"nimi": NAME}]


class Racing:
    """The real storage, with something else happening just before the submission's commit: another request
    claiming the same file, or the hourly purge taking the draft."""

    def __init__(self, storage: Storage, before: Callable[[Storage], Awaitable[Any]]) -> None:
        self._storage, self._before = storage, before

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)

    async def add_submission(self, new: NewSubmission) -> Submission:
        await self._before(self._storage)
        return await self._storage.add_submission(new)


def test_a_file_claimed_between_the_check_and_the_commit_is_a_problem_not_an_error(setup: Setup) -> None:
    held = setup.upload("k")

    async def claim_it(storage: Storage) -> None:
        other = replace(new_submission(setup.form, answers(held), "fi"), data={"nimi": "Toinen"})
        await storage.add_submission(other)

    racing = Submissions(Racing(setup.storage, claim_it), CompiledForms())
    with pytest.raises(Invalid) as refused:
        asyncio.run(racing.submit(setup.form, setup.view, answers(held), owner="k"))
    assert [p.pointer for p in refused.value.problems] == ["/paatos"]
    assert asyncio.run(setup.storage.count_submissions()) == 1  # only the other one


def test_a_draft_purged_between_the_check_and_the_commit_is_gone(setup: Setup) -> None:
    draft = asyncio.run(setup.storage.add_draft("oikaisu", "fi", 7, {}))

    async def purge(storage: Storage) -> None:
        await storage.purge(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30))

    racing = Submissions(Racing(setup.storage, purge), CompiledForms())
    with pytest.raises(Gone):
        asyncio.run(racing.submit(setup.form, setup.view, {"nimi": NAME, "paatos": "x"}, owner=draft.id,
                                  draft_id=draft.id))
    assert asyncio.run(setup.storage.count_submissions()) == 0
