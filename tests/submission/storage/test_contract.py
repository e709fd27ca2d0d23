"""The storage contract: what every engine does, read and written only through the `Storage` protocol.

Each test runs on every engine in `conftest.ENGINES`; a new engine is one entry there (and must pass all of this).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from dataclasses import replace

import pytest

from submission.storage import (
    KEY,
    UPLOAD_GRACE,
    AttachmentGone,
    DraftGone,
    DuplicateReference,
    Storage,
    Submission,
    UnknownCursor,
    UnsupportedDatabase,
    normalise_code,
    open_storage,
)
from submission.storage.ids import CODE_ALPHABET, helsinki_year
from tests.submission.storage import new_submission as new

pytestmark = pytest.mark.anyio

PDF = b"%PDF-1.4 a"
LATER = dt.timedelta(days=2)


def soon(days: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)


# Opening


def test_an_unknown_scheme_is_refused_naming_the_known_ones() -> None:
    for url in ("mysql://localhost/x", "lomake.sqlite3", "sqlite:///"):
        with pytest.raises(UnsupportedDatabase) as refused:
            open_storage(url)
        assert isinstance(refused.value, ValueError)
    with pytest.raises(ValueError, match=r"unsupported database URL 'mysql://localhost/x'.*sqlite:"):
        open_storage("mysql://localhost/x")


async def test_ping_and_close(storage: Storage) -> None:
    await storage.ping()
    await storage.close()
    await storage.close()  # closing again does nothing


# Submissions


async def test_a_submission_is_kept_as_given_and_found_by_id_and_receipt(storage: Storage) -> None:
    given = new({"b": "ä", "a": [1, 2]}, metadata={"acting": {"for": "self"}})
    saved = await storage.add_submission(given)
    assert (saved.form_id, saved.form_version, saved.schema_hash, saved.agency, saved.language) == (
        "kantelu", "1", "abc", "lvv", "fi")
    assert saved.data == {"b": "ä", "a": [1, 2]} and saved.metadata == {"acting": {"for": "self"}}
    assert saved.data_sha256 == hashlib.sha256('{"a":[1,2],"b":"ä"}'.encode()).hexdigest()  # canonical JSON
    assert saved.reference == f"LVV/1/{helsinki_year(saved.received_at)}"
    offset = saved.received_at.utcoffset()
    assert offset is not None and offset.total_seconds() == 0
    assert abs(saved.received_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert len(saved.receipt_token) == 43 and saved.receipt_token != saved.id
    assert await storage.submission(saved.id) == saved
    assert await storage.submission_by_receipt(saved.receipt_token) == saved
    assert await storage.submission("x") is None and await storage.submission_by_receipt("x" * 43) is None


async def test_an_acknowledged_submission_survives_reopening(storage: Storage, url: str) -> None:
    saved = await storage.add_submission(new())
    await storage.close()
    reopened = open_storage(url)
    try:
        assert await reopened.submission_by_receipt(saved.receipt_token) == saved
        assert await reopened.count_submissions() == 1
    finally:
        await reopened.close()


async def test_close_finishes_the_writes_already_asked_for(storage: Storage, url: str) -> None:
    adding = [asyncio.ensure_future(storage.add_submission(new({"i": i}))) for i in range(20)]
    await asyncio.sleep(0)
    await storage.close()
    done = await asyncio.gather(*adding)
    reopened = open_storage(url)
    try:
        assert sorted(s.id for s in await reopened.form_submissions("kantelu")) == sorted(s.id for s in done)
    finally:
        await reopened.close()


async def test_references_count_per_agency(storage: Storage) -> None:
    refs = []
    for agency, pattern in [("lvv", "LVV/{seq}/{year}"), ("espoo", "ESP/{seq:04d}/{year}"), ("lvv", "LVV/{seq}/{year}")]:
        refs.append((await storage.add_submission(new(agency=agency, pattern=pattern))).reference.split("/")[:2])
    assert refs == [["LVV", "1"], ["ESP", "0001"], ["LVV", "2"]]


async def test_concurrent_submissions_get_distinct_consecutive_references(storage: Storage) -> None:
    added = await asyncio.gather(*(storage.add_submission(new({"i": i})) for i in range(300)))
    refs = [s.reference for s in added]
    assert sorted(int(r.split("/")[1]) for r in refs) == list(range(1, 301))
    assert len({s.id for s in added}) == len({s.receipt_token for s in added}) == 300
    assert await storage.count_submissions() == 300


async def test_a_failed_submission_leaves_nothing_behind_and_spares_the_others(storage: Storage) -> None:
    with pytest.raises(TypeError):
        await storage.add_submission(new({"not json": object()}))
    with pytest.raises(KeyError):
        await storage.add_submission(new(pattern="LVV/{nope}/{year}"))
    assert await storage.count_submissions() == 0
    news = [new({"i": 1}), new(pattern="LVV/{nope}/{year}"), new({"i": 3})]
    first, failed, third = await asyncio.gather(*(storage.add_submission(n) for n in news), return_exceptions=True)
    assert isinstance(failed, KeyError)
    assert isinstance(first, Submission) and isinstance(third, Submission)
    assert sorted([first.reference, third.reference])[0].startswith("LVV/1/")
    assert [s.data for s in await storage.form_submissions("kantelu")] in ([{"i": 1}, {"i": 3}], [{"i": 3}, {"i": 1}])


async def test_a_reference_number_taken_by_another_agency_is_refused_by_name(storage: Storage) -> None:
    mine = await storage.add_submission(new(agency="lvv", pattern="X/{seq}/{year}"))
    with pytest.raises(DuplicateReference):
        await storage.add_submission(new(agency="espoo", pattern="X/{seq}/{year}"))
    assert [s.id for s in await storage.form_submissions("kantelu")] == [mine.id]


async def test_submissions_of_a_form_in_the_order_they_were_stored(storage: Storage) -> None:
    first = await storage.add_submission(new({"i": 1}))
    await storage.add_submission(new({"i": 2}, form_id="muu"))
    second = await storage.add_submission(new({"i": 3}))
    assert await storage.form_submissions("kantelu") == [first, second]
    assert [s.data for s in await storage.form_submissions("muu")] == [{"i": 2}]
    assert await storage.form_submissions("none") == [] and await storage.count_submissions() == 3


async def test_an_agencys_submissions_come_in_pages_in_commit_order(storage: Storage) -> None:
    mine = [await storage.add_submission(new({"i": i}, form_id="kantelu" if i % 3 else "muu")) for i in range(7)]
    theirs = await storage.add_submission(new({"i": 99}, agency="espoo", pattern="E/{seq}/{year}"))
    assert await storage.submissions_page("lvv", limit=100) == mine
    assert await storage.submissions_page("espoo") == [theirs] and await storage.submissions_page("avi") == []
    kantelu = [s for s in mine if s.form_id == "kantelu"]
    first = await storage.submissions_page("lvv", "kantelu", limit=2)
    rest = await storage.submissions_page("lvv", "kantelu", after=first[-1].id, limit=10)
    assert first + rest == kantelu and len(first) == 2
    assert await storage.submissions_page("lvv", "kantelu", after=kantelu[-1].id) == []
    assert await storage.submissions_page("lvv", after=mine[2].id, limit=2) == mine[3:5]  # another form's too
    assert await storage.submissions_page("espoo", "kantelu") == [theirs]
    assert await storage.submissions_page("lvv", "kantelu", limit=0) == []


async def test_a_cursor_counts_only_among_the_submissions_it_lists(storage: Storage) -> None:
    mine = await storage.add_submission(new(form_id="kantelu"))
    other_form = await storage.add_submission(new(form_id="muu"))
    theirs = await storage.add_submission(new(agency="espoo", pattern="E/{seq}/{year}"))
    for agency, form_id, after in [("lvv", "kantelu", other_form.id), ("lvv", None, theirs.id),
                                   ("espoo", "kantelu", mine.id), ("lvv", "kantelu", "nope"), ("lvv", None, "")]:
        with pytest.raises(UnknownCursor) as unknown:
            await storage.submissions_page(agency, form_id, after=after)
        assert isinstance(unknown.value, LookupError)


async def test_since_keeps_the_submissions_received_then_or_later(storage: Storage) -> None:
    before = await storage.add_submission(new({"i": 1}))
    await asyncio.sleep(0.01)
    later = await storage.add_submission(new({"i": 2}))
    assert await storage.submissions_page("lvv", since=later.received_at) == [later]
    assert await storage.submissions_page("lvv", since=before.received_at) == [before, later]
    in_helsinki = later.received_at.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert await storage.submissions_page("lvv", "kantelu", since=in_helsinki) == [later]
    assert await storage.submissions_page("lvv", since=later.received_at + dt.timedelta(microseconds=1)) == []
    assert await storage.submissions_page("lvv", after=before.id, since=before.received_at) == [later]
    assert await storage.count_submissions("kantelu", since=later.received_at) == 1
    assert await storage.count_submissions("kantelu") == 2 == await storage.count_submissions()
    assert await storage.count_submissions("muu") == 0


async def test_paging_while_submissions_commit_misses_none_and_repeats_none(storage: Storage) -> None:
    """Pages are read while submissions commit, group by group: the pages' sum is every one, once, in order."""
    adding = asyncio.gather(*(storage.add_submission(new({"i": i})) for i in range(300)))
    seen: list[Submission] = []
    while True:
        finished = adding.done()
        page = await storage.submissions_page("lvv", after=seen[-1].id if seen else None, limit=7)
        seen += page
        if finished and not page:
            break
        await asyncio.sleep(0)
    added = await adding
    assert [s.id for s in seen] == [s.id for s in await storage.submissions_page("lvv", limit=1000)]
    assert sorted(s.id for s in seen) == sorted(s.id for s in added)


async def test_a_draft_is_sent_once_however_often_it_is_sent(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 7, {"a": 1})
    sends = [new({"a": 1}, draft_id=draft.id) for _ in range(4)]
    sent = await asyncio.gather(*(storage.add_submission(n) for n in sends))
    assert len({s.id for s in sent}) == 1
    assert await storage.add_submission(new({"a": 2}, draft_id=draft.id)) == sent[0]  # a reload, later
    assert await storage.count_submissions() == 1
    after = await storage.draft(draft.token)
    assert after is not None and after.sent_receipt == sent[0].receipt_token
    assert after.data == {} and after.prefilled == {} and after.code is None  # the answers live in the submission
    with pytest.raises(DraftGone):
        await storage.save_draft(after, {"a": 3}, ())


async def test_a_purged_draft_cannot_be_sent(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 0, {})
    assert await storage.purge() == (1, 0)
    with pytest.raises(DraftGone) as gone:
        await storage.add_submission(new(draft_id=draft.id))
    assert isinstance(gone.value, LookupError) and await storage.count_submissions() == 0


# Attachments


async def test_an_attachment_is_kept_with_its_facts(storage: Storage) -> None:
    kept = await storage.add_attachment("päätös.pdf", "application/pdf", PDF)
    assert (kept.name, kept.media_type, kept.size, kept.sha256) == (
        "päätös.pdf", "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert kept.reference == f"attachment:{kept.id}"
    other = await storage.add_attachment("kuva.png", "image/png", b"\x89PNG")
    assert other.id != kept.id and await storage.count_attachments() == 2
    assert await storage.attachments([other.id, kept.id, "nope"]) == [other, kept]
    assert await storage.attachments([]) == []


async def test_an_attachments_content_is_read_in_chunks(storage: Storage) -> None:
    content = bytes(range(256)) * 1000 + b"end"
    kept = await storage.add_attachment("iso.bin", "application/octet-stream", content)
    chunks = [chunk async for chunk in storage.attachment_content(kept.id, chunk_size=10_000)]
    assert b"".join(chunks) == content and max(map(len, chunks)) == 10_000 and len(chunks) == 26
    assert [c async for c in storage.attachment_content(kept.id)] == [content]
    assert [c async for c in storage.attachment_content("nope")] == []
    for _ in range(3):  # a reader that stops halfway lets go of what it held
        reading = storage.attachment_content(kept.id, chunk_size=100)
        assert await anext(reading) == content[:100]
        await reading.aclose()
    empty = await storage.add_attachment("empty.txt", "text/plain", b"")
    assert [c async for c in storage.attachment_content(empty.id)] == []


async def test_attachments_of_several_submissions_at_once(storage: Storage) -> None:
    files = [await storage.add_attachment(f"{i}.pdf", "application/pdf", PDF + bytes([i])) for i in range(3)]
    one = await storage.add_submission(new(attachments=(files[0].id, files[1].id)))
    two = await storage.add_submission(new(attachments=(files[2].id,)))
    none = await storage.add_submission(new())
    assert await storage.attachments_of([one.id, two.id, none.id, "nope"]) == {one.id: files[:2], two.id: files[2:]}
    assert await storage.attachments_of([]) == {}


async def test_an_upload_is_held_by_who_uploaded_it_and_a_draft_takes_only_its_own(storage: Storage) -> None:
    mine = await storage.add_draft("oikaisuvaatimus", "fi", 30, {})
    other = await storage.add_draft("oikaisuvaatimus", "fi", 30, {})
    held = await storage.add_attachment("päätös.pdf", "application/pdf", PDF, owner=mine.id)
    loose = await storage.add_attachment("api.pdf", "application/pdf", b"%PDF-1.4 b")
    assert await storage.owned_attachments([held.id, loose.id, held.id], mine.id) == [held]
    assert await storage.owned_attachments([held.id], other.id) == []
    assert await storage.owned_attachments([], mine.id) == []
    # Saving another draft's answers that name the upload does not move it; an upload nobody holds is taken.
    await storage.save_draft(other, {"paatosliite": held.reference, "muu": loose.reference}, ())
    assert await storage.owned_attachments([held.id, loose.id], other.id) == [loose]
    assert await storage.owned_attachments([held.id], mine.id) == [held]


async def test_a_submission_claims_its_attachments_once(storage: Storage) -> None:
    mine = await storage.add_draft("oikaisuvaatimus", "fi", 30, {})
    held = await storage.add_attachment("päätös.pdf", "application/pdf", PDF, owner=mine.id)
    extra = await storage.add_attachment("liite.pdf", "application/pdf", b"%PDF-1.4 c", owner=mine.id)
    sent = await storage.add_submission(new({"paatos": held.reference}, attachments=(held.id, extra.id)))
    assert await storage.owned_attachments([held.id], mine.id) == []  # claimed: nobody's to keep any more
    assert await storage.attachments([held.id], sent.id) == [held] and await storage.attachments([held.id]) == []
    assert await storage.submission_attachments(sent.id) == [held, extra]
    with pytest.raises(AttachmentGone) as gone:
        await storage.add_submission(new({"paatos": held.reference}, attachments=(held.id,)))
    assert isinstance(gone.value, LookupError)
    with pytest.raises(AttachmentGone):
        await storage.add_submission(new(attachments=("made-up",)))
    assert await storage.count_submissions() == 1 and await storage.submission_attachments("nope") == []


async def test_uploads_are_handed_on_to_a_draft(storage: Storage) -> None:
    one_page = hashlib.sha256(b"upload key").hexdigest()
    upload = await storage.add_attachment("päätös.pdf", "application/pdf", PDF, owner=one_page)
    draft = await storage.add_draft("kantelu", "fi", 7, {})
    await storage.hand_on_attachments(one_page, draft.id)
    assert await storage.owned_attachments([upload.id], draft.id) == [upload]
    assert await storage.owned_attachments([upload.id], one_page) == []


async def test_unclaimed_uploads_are_purged_after_the_grace_unless_a_draft_holds_them(storage: Storage) -> None:
    draft = await storage.add_draft("kantelu", "fi", 7, {})
    kept = await storage.add_attachment("liite.pdf", "application/pdf", PDF)
    loose = await storage.add_attachment("irti.pdf", "application/pdf", b"%PDF-1.4 y")
    sent = await storage.add_attachment("lähetetty.pdf", "application/pdf", b"%PDF-1.4 z")
    await storage.add_submission(new(attachments=(sent.id,)))
    await storage.save_draft(draft, {"liite": kept.reference}, ())
    assert await storage.purge() == (0, 0)
    assert await storage.purge(dt.datetime.now(dt.UTC) + UPLOAD_GRACE / 2) == (0, 0)  # within the grace
    assert await storage.purge(soon(2)) == (0, 1)  # only the loose upload
    assert await storage.attachments([kept.id, loose.id]) == [kept]
    assert await storage.purge(soon(8)) == (1, 1)  # the draft expired, and its upload goes with it
    assert await storage.attachments([kept.id]) == [] and await storage.count_attachments() == 1


# Drafts


async def test_a_draft_is_made_with_its_own_tokens_and_found_by_them(storage: Storage) -> None:
    draft = await storage.add_draft("toive", "sv", 7, {"nimi": "Maija"}, {"/nimi": "Maija"}, ("/nimi",))
    assert (draft.form_id, draft.language, draft.data, draft.done, draft.days) == ("toive", "sv", {"nimi": "Maija"},
                                                                                    (), 7)
    assert draft.prefilled == {"/nimi": "Maija"} and draft.locked == ("/nimi",)
    assert len({draft.id, draft.token, draft.csrf}) == 3 and len(draft.token) == len(draft.csrf) == 43
    assert draft.code is None and draft.sent_receipt is None and draft.handover is None
    assert abs(draft.expires_at - draft.created_at - dt.timedelta(days=7)) < dt.timedelta(seconds=1)
    found = await storage.draft(draft.token)
    assert found == draft and await storage.draft_by_id(draft.id) == draft
    assert await storage.draft("x" * 43) is None and await storage.draft_by_id("x") is None


async def test_saving_keeps_the_answers_and_moves_the_expiry_on(storage: Storage) -> None:
    draft = await storage.add_draft("toive", "fi", 7, {})
    saved = await storage.save_draft(replace(draft, days=1), {"nimi": "Maija"}, ("hakija",))
    assert saved.expires_at < draft.expires_at  # `days` from now
    found = await storage.draft(draft.token)
    assert found is not None and (found.data, found.done, found.code) == ({"nimi": "Maija"}, ("hakija",), None)
    assert found.expires_at == saved.expires_at and found.days == 1  # the days it was saved with, from now on
    longer = await storage.save_draft(replace(found, days=7), found.data, found.done)
    assert longer.expires_at > soon(6) and (await storage.draft(draft.token)).days == 7  # type: ignore[union-attr]


async def test_a_resume_code_is_given_when_asked_and_finds_the_draft(storage: Storage) -> None:
    draft = await storage.add_draft("toive", "fi", 7, {})
    coded = await storage.save_draft(draft, {"nimi": "Maija"}, (), new_code=True)
    assert coded.code is not None and len(coded.code) == 14
    assert coded.code[4] == coded.code[9] == "-" and set(coded.code.replace("-", "")) <= set(CODE_ALPHABET)
    typed = coded.code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise_code(typed) == coded.code
    found = await storage.draft_by_code(normalise_code(typed))
    assert found is not None and found.id == draft.id and found.data == {"nimi": "Maija"}
    kept = await storage.save_draft(found, found.data, found.done)
    assert kept.code == coded.code and await storage.draft_by_code("0000-0000-0000") is None


async def test_an_expired_draft_is_gone_until_purged(storage: Storage) -> None:
    draft = await storage.add_draft("toive", "fi", 7, {})
    coded = await storage.save_draft(replace(draft, days=0), {"nimi": "Maija"}, (), new_code=True)
    assert await storage.draft(draft.token) is None and await storage.draft_by_id(draft.id) is None
    assert coded.code is not None and await storage.draft_by_code(coded.code) is None
    with pytest.raises(DraftGone):
        await storage.save_draft(coded, {}, ())
    (listed,) = await storage.form_drafts("toive")
    assert listed.id == draft.id and listed.expires_at <= dt.datetime.now(dt.UTC)
    assert await storage.purge() == (1, 0) and await storage.form_drafts("toive") == []


async def test_drafts_of_a_form_oldest_first_sent_ones_too(storage: Storage) -> None:
    first = await storage.add_draft("toive", "fi", 7, {"i": 1}, handover=True)
    await storage.add_draft("muu", "fi", 7, {})
    second = await storage.add_draft("toive", "fi", 7, {"i": 2})
    sent = await storage.add_submission(new({"i": 2}, form_id="toive", draft_id=second.id))
    listed = await storage.form_drafts("toive")
    assert [d.id for d in listed] == [first.id, second.id]
    assert listed[0] == replace(first, handover=None)  # the one-time link is not shown again
    assert (listed[1].data, listed[1].sent_receipt) == ({}, sent.receipt_token)


async def test_a_handover_link_works_once_even_when_opened_many_times_at_once(storage: Storage) -> None:
    made = await storage.add_draft("toive", "fi", 7, {"nimi": "Maija"}, {"/nimi": "Maija"}, (), handover=True)
    assert made.handover is not None and made.handover not in (made.token, made.csrf)
    plain = await storage.add_draft("toive", "fi", 7, {})
    assert plain.handover is None
    opened = await asyncio.gather(*(storage.hand_over(made.handover) for _ in range(8)))
    (taken,) = [d for d in opened if d is not None]
    assert taken.id == made.id and taken.data == {"nimi": "Maija"} and taken.prefilled == {"/nimi": "Maija"}
    assert taken.token not in (made.token, made.handover) and taken.csrf != made.csrf
    assert await storage.draft(taken.token) == taken
    assert await storage.draft(made.token) is None and await storage.draft(made.handover) is None
    assert await storage.handed_over(made.handover) == "toive" and await storage.handed_over(plain.token) is None
    assert await storage.hand_over(plain.token) is None  # a draft's own token is no handover link
    assert await storage.hand_over(made.handover) is None


async def test_a_handover_link_of_an_expired_or_sent_draft_opens_nothing(storage: Storage) -> None:
    expired = await storage.add_draft("toive", "fi", 0, {}, handover=True)
    sent = await storage.add_draft("toive", "fi", 7, {}, handover=True)
    await storage.add_submission(new(draft_id=sent.id))
    for draft in (expired, sent):
        assert draft.handover is not None
        assert await storage.hand_over(draft.handover) is None and await storage.handed_over(draft.handover) is None


# Agencies' API keys


async def test_api_keys_are_made_looked_up_listed_and_revoked(storage: Storage) -> None:
    record, secret = await storage.add_api_key("lvv", "asiointi")
    other, other_secret = await storage.add_api_key("espoo")
    assert KEY.fullmatch(secret) and KEY.fullmatch(other_secret) and secret != other_secret
    assert await storage.live_api_key(secret) == record
    assert (record.agency, record.name, record.revoked_at) == ("lvv", "asiointi", None)
    assert await storage.agency_of_key(secret) == "lvv" and await storage.agency_of_key(other_secret) == "espoo"
    assert await storage.agency_of_key(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert await storage.api_keys() == [record, other]
    assert await storage.revoke_api_key(record.id) and not await storage.revoke_api_key(record.id)
    assert not await storage.revoke_api_key("no-such-key")
    assert await storage.agency_of_key(secret) is None and await storage.agency_of_key(other_secret) == "espoo"
    assert await storage.live_api_key(secret) is None and await storage.live_api_key(other_secret) == other
    assert await storage.live_api_key("lomake_" + "x" * 43) is None
    revoked, still = await storage.api_keys()
    assert revoked.id == record.id and revoked.revoked_at is not None and still == other


# Receipts


async def test_the_receipt_kept_first_wins(storage: Storage) -> None:
    submission = await storage.add_submission(new())
    assert await storage.receipt_pdf(submission.id, "fi") is None
    assert await storage.add_receipt_pdf(submission.id, "fi", b"%PDF first") == b"%PDF first"
    assert await storage.add_receipt_pdf(submission.id, "fi", b"%PDF second") == b"%PDF first"
    raced = await asyncio.gather(*(storage.add_receipt_pdf(submission.id, "sv", b"%%PDF %d" % i) for i in range(4)))
    assert len(set(raced)) == 1 and await storage.receipt_pdf(submission.id, "sv") == raced[0]
    assert await storage.receipt_pdf(submission.id, "fi") == b"%PDF first"
    assert await storage.receipt_pdf(submission.id, "en") is None
