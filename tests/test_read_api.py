"""The agency's read API over real HTTP and real SQLite: its key, its own submissions only, pages that miss none
while others send, one submission, its files; and the abuse attempts, kept as tests."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from tests.conftest import SCHEMAS, api_key, form_client, storage_of, stored_submissions
from web.read_api import attachment_disposition

PDF = b"%PDF-1.4\n% a decision\n%%EOF\n"
ASIA = {
    "title": "Asia", "type": "object", "required": ["nimi"], "x-lomake": {"agency": "lvv"},
    "properties": {
        "nimi": {"title": "Nimi", "type": "string"},
        "ika": {"title": "Ikä", "type": "integer"},
        "paivat": {"title": "Päivät", "type": "array", "uniqueItems": True, "items": {"enum": ["ma", "ti", "ke"]}},
        "lapset": {"title": "Lapset", "type": "array", "items": {
            "type": "object", "title": "Lapsi",
            "properties": {"nimi": {"title": "Nimi", "type": "string"}, "ika": {"title": "Ikä", "type": "integer"}}}},
        "liite": {"title": "Liite", "type": "string", "contentMediaType": "application/pdf"},
    },
}
MUU = {"title": "Muu", "type": "object", "x-lomake": {"agency": "lvv"},
       "properties": {"viesti": {"title": "Viesti", "type": "string"}}}
ESPOON = {"title": "Espoon", "type": "object", "x-lomake": {"agency": "espoo"},
          "properties": {"viesti": {"title": "Viesti", "type": "string"}}}
UNKNOWN_FORM = "Lomaketta ”{}” ei ole."
NEEDS_KEY = ("Lähetä viraston API-avain otsakkeessa Authorization: Bearer <avain>. Avain puuttui, oli väärä tai on "
             "peruttu.")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[TestClient]:
    """Two agencies' forms: LVV's `asia` and `muu`, Espoo's `espoon`."""
    shutil.copytree(SCHEMAS / "agencies", tmp_path / "agencies")
    with form_client(tmp_path, asia=ASIA, muu=MUU, espoon=ESPOON) as c:
        yield c


def pdf_url(content: bytes = PDF, name: str = "päätös.pdf") -> str:
    return f"data:application/pdf;name={quote(name)};base64," + base64.b64encode(content).decode()


def send(client: TestClient, form_id: str, answers: dict[str, Any], headers: dict[str, str] | None = None) -> str:
    """Send answers through the API; the new submission's id."""
    sent = client.post(f"/api/v1/forms/{form_id}/submissions", json=answers, headers=headers or {})
    assert sent.status_code == 201, sent.text
    return str(sent.json()["id"])


def listed(client: TestClient, key: dict[str, str], query: str = "") -> Any:
    response = client.get(f"/api/v1/submissions{query}", headers=key)
    assert response.status_code == 200, response.text
    return response.json()


def every_page(client: TestClient, key: dict[str, str], query: str) -> list[str]:
    """The ids of every page of a listing, following `next`."""
    ids: list[str] = []
    page = listed(client, key, query)
    while True:
        ids += [s["id"] for s in page["submissions"]]
        if page["next"] is None:
            return ids
        page = listed(client, key, f"{query}&after={page['next']}")


def key_id(client: TestClient, headers: dict[str, str]) -> str:
    record = asyncio.run(storage_of(client).live_api_key(headers["authorization"].removeprefix("Bearer ")))
    assert record is not None
    return record.id


# Keys


def test_a_submission_sent_with_an_agency_key_is_attributed_to_the_key(site: TestClient) -> None:
    lvv = api_key(site, "lvv")
    keyed = send(site, "asia", {"nimi": "Maija"}, lvv)
    anonymous = send(site, "asia", {"nimi": "Matti"})
    by_id = {s.id: s for s in stored_submissions(site)}
    assert by_id[keyed].metadata["api_key"] == key_id(site, lvv)
    assert "api_key" not in by_id[anonymous].metadata
    assert lvv["authorization"].removeprefix("Bearer ") not in repr(by_id[keyed])  # the id, never the key
    shown = site.get(f"/api/v1/submissions/{keyed}", headers=lvv).json()
    assert shown["metadata"]["api_key"] == key_id(site, lvv)


def test_a_submission_sent_with_a_wrong_or_another_agencys_key_is_refused(site: TestClient) -> None:
    other = site.post("/api/v1/forms/asia/submissions", json={"nimi": "M"}, headers=api_key(site, "espoo"))
    assert other.status_code == 404 and other.json()["errors"][0]["message"] == UNKNOWN_FORM.format("asia")
    wrong = site.post("/api/v1/forms/asia/submissions", json={"nimi": "M"},
                      headers={"authorization": "Bearer lomake_" + "x" * 43})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert stored_submissions(site) == []


ENDPOINTS = ["/api/v1/submissions", "/api/v1/submissions?form=asia", "/api/v1/submissions/{id}",
             "/api/v1/submissions/{id}/attachments/{attachment}", "/api/v1/forms/asia/submissions.ndjson",
             "/api/v1/forms/asia/submissions.csv"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_read_needs_a_live_key(site: TestClient, path: str) -> None:
    lvv = api_key(site, "lvv")
    sid = send(site, "asia", {"nimi": "Maija", "liite": pdf_url()})
    attachment = listed(site, lvv)["submissions"][0]["attachments"][0]["id"]
    url = path.format(id=sid, attachment=attachment)
    assert site.get(url, headers=lvv).status_code == 200
    record, secret = asyncio.run(storage_of(site).add_api_key("lvv", "revoked"))
    asyncio.run(storage_of(site).revoke_api_key(record.id))
    for headers in [{}, {"authorization": "Bearer lomake_" + "x" * 43}, {"authorization": f"Bearer {secret}"},
                    {"authorization": lvv["authorization"].replace("Bearer", "Basic")}]:
        refused = site.get(url, headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert refused.json() == {"errors": [{"pointer": "", "message": NEEDS_KEY}]}


def test_another_agencys_key_sees_nothing_and_learns_nothing(site: TestClient) -> None:
    lvv, espoo = api_key(site, "lvv"), api_key(site, "espoo")
    sid = send(site, "asia", {"nimi": "Maija", "liite": pdf_url()})
    attachment = listed(site, lvv)["submissions"][0]["attachments"][0]["id"]
    assert listed(site, espoo) == {"submissions": [], "next": None}
    for form_id in ("asia", "eiole"):
        for path in (f"/api/v1/submissions?form={form_id}", f"/api/v1/forms/{form_id}/submissions.csv",
                     f"/api/v1/forms/{form_id}/submissions.ndjson"):
            missing = site.get(path, headers=espoo)
            assert missing.status_code == 404 and missing.json()["errors"][0]["message"] == UNKNOWN_FORM.format(form_id)
    nobodys = "0b5c1f0e-6f0e-4a55-9a8e-3e5f4a3b1c2d"
    for which in (sid, nobodys):  # theirs and no one's answer alike
        for path in (f"/api/v1/submissions/{which}", f"/api/v1/submissions/{which}/attachments/{attachment}"):
            hidden = site.get(path, headers=espoo)
            assert hidden.status_code == 404
            assert hidden.json() == {"errors": [{"pointer": "", "message": f"Lähetystä ”{which}” ei ole."}]}
    cursor = site.get(f"/api/v1/submissions?after={sid}", headers=espoo)  # its id is no cursor for them either
    assert cursor.status_code == 400 and cursor.json()["errors"][0]["pointer"] == "/after"
    send(site, "espoon", {"viesti": "Hei"})
    assert [s["form_id"] for s in listed(site, espoo)["submissions"]] == ["espoon"]
    assert [s["id"] for s in listed(site, lvv)["submissions"]] == [sid]


# Listing


def test_pages_are_newest_last_and_next_leads_through_them(site: TestClient) -> None:
    lvv = api_key(site, "lvv")
    sent = [send(site, "asia" if i % 2 else "muu", {"nimi": f"N{i}"} if i % 2 else {"viesti": f"V{i}"})
            for i in range(7)]
    first = listed(site, lvv, "?limit=3")
    assert [s["id"] for s in first["submissions"]] == sent[:3] and first["next"] == sent[2]
    assert every_page(site, lvv, "?limit=3") == sent
    assert every_page(site, lvv, "?form=asia&limit=2") == sent[1::2]
    assert listed(site, lvv, f"?after={sent[-1]}") == {"submissions": [], "next": None}
    assert listed(site, lvv, "?limit=7")["next"] is None  # exactly the last page: no next
    detail = site.get(f"/api/v1/submissions/{sent[1]}", headers=lvv).json()
    assert listed(site, lvv, "?form=asia&limit=1")["submissions"] == [detail]


def test_paging_while_others_send_misses_none_and_repeats_none(site: TestClient) -> None:
    """One thread sends 60 submissions; meanwhile the agency pages through, two at a time, and goes on
    from its last cursor until the sender is done: it has every submission once, in the order stored."""
    lvv = api_key(site, "lvv")
    sending = threading.Thread(target=lambda: [send(site, "asia", {"nimi": f"N{i}"}) for i in range(60)])
    sending.start()
    seen: list[str] = []
    during = 0
    while True:
        done = not sending.is_alive()
        page = listed(site, lvv, "?form=asia&limit=2" + (f"&after={seen[-1]}" if seen else ""))
        seen += [s["id"] for s in page["submissions"]]
        during += 0 if done else len(page["submissions"])
        if done and page["next"] is None:
            break
    sending.join()
    assert len(seen) == len(set(seen)) == 60 and during > 0
    assert seen == [s.id for s in stored_submissions(site)]


def test_since_keeps_the_submissions_received_then_or_later(site: TestClient) -> None:
    lvv = api_key(site, "lvv")
    early = send(site, "asia", {"nimi": "A"})
    time.sleep(0.01)
    late = send(site, "asia", {"nimi": "B"})
    (late_at,) = [s.received_at for s in stored_submissions(site) if s.id == late]
    z = late_at.isoformat().replace("+00:00", "Z")
    assert [s["id"] for s in listed(site, lvv, f"?since={z}")["submissions"]] == [late]
    in_helsinki = late_at.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    assert [s["id"] for s in listed(site, lvv, f"?since={quote(in_helsinki)}")["submissions"]] == [late]
    unencoded = f"?since={in_helsinki}"  # `+` unencoded in a query arrives as a space
    assert [s["id"] for s in listed(site, lvv, unencoded)["submissions"]] == [late]
    assert [s["id"] for s in listed(site, lvv, "?since=2000-01-31")["submissions"]] == [early, late]
    assert listed(site, lvv, "?since=2999-01-01T00:00:00Z")["submissions"] == []
    assert [s["id"] for s in listed(site, lvv, f"?since=2000-01-01&after={early}")["submissions"]] == [late]


@pytest.mark.parametrize(("query", "pointer"), [
    ("limit=0", "/limit"), ("limit=-1", "/limit"), ("limit=1001", "/limit"), ("limit=" + "9" * 5000, "/limit"),
    ("limit=abc", "/limit"), ("limit=", "/limit"), ("limit=1.5", "/limit"), ("limit=%2B5", "/limit"),
    ("limit=%205", "/limit"), ("limit=5&limit=6", "/limit"),
    ("since=yesterday", "/since"), ("since=", "/since"), ("since=2026-13-01", "/since"),
    ("since=0001-01-01T00:00:00%2B14:00", "/since"), ("since=" + "1" * 100, "/since"),
    ("after=garbage", "/after"), ("after=", "/after"), ("after=' OR 1=1 --", "/after"),
    ("sinse=2026-01-01", "/sinse"), ("offset=10", "/offset"), ("a%2Fb=1", "/a~1b"),
])
def test_bad_parameters_answer_400_at_their_pointer(site: TestClient, query: str, pointer: str) -> None:
    lvv = api_key(site, "lvv")
    send(site, "asia", {"nimi": "A"})
    refused = site.get(f"/api/v1/submissions?{query}", headers=lvv)
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["pointer"] == pointer


def test_limits_default_and_largest(site: TestClient) -> None:
    lvv = api_key(site, "lvv")

    async def many() -> None:  # 1001 submissions straight into storage, as the benchmark makes them
        from submission.service import new_submission

        app = site.app.state.lomake  # type: ignore[attr-defined]
        form = app.catalog.forms["muu"]
        await asyncio.gather(*(app.storage.add_submission(new_submission(form, {"viesti": str(i)}, "fi"))
                               for i in range(1001)))

    asyncio.run(many())
    default = listed(site, lvv)
    assert len(default["submissions"]) == 100 and default["next"] == default["submissions"][-1]["id"]
    largest = listed(site, lvv, "?limit=1000")
    assert len(largest["submissions"]) == 1000 and largest["next"] is not None
    assert len(listed(site, lvv, f"?limit=1000&after={largest['next']}")["submissions"]) == 1


def test_a_cursor_of_another_form_is_refused(site: TestClient) -> None:
    lvv = api_key(site, "lvv")
    mine = send(site, "asia", {"nimi": "A"})
    other = send(site, "muu", {"viesti": "B"})
    refused = site.get(f"/api/v1/submissions?form=asia&after={other}", headers=lvv)
    assert refused.status_code == 400 and refused.json()["errors"] == [{"pointer": "/after", "message": (
        "Anna after-parametriksi edellisen sivun next: tämä ei ole yksikään tämän listan lähetyksistä.")}]
    assert [s["id"] for s in listed(site, lvv, f"?after={mine}")["submissions"]] == [other]  # all forms: fine


# One submission and its files


def test_a_submission_with_everything_an_agency_needs(site: TestClient) -> None:
    lvv = api_key(site, "lvv")
    sid = send(site, "asia", {"nimi": "Maija", "ika": 7, "liite": pdf_url()}, lvv)
    shown = site.get(f"/api/v1/submissions/{sid}", headers=lvv)
    assert shown.status_code == 200 and shown.headers["content-type"] == "application/json"
    s = shown.json()
    (stored,) = stored_submissions(site)
    (attachment,) = s["attachments"]
    assert s == {
        "id": sid, "reference": stored.reference, "form_id": "asia", "form_version": "1",
        "received_at": stored.received_at.isoformat().replace("+00:00", "Z"), "language": "fi",
        "data": {"nimi": "Maija", "ika": 7, "liite": f"attachment:{attachment['id']}"},
        "data_sha256": stored.data_sha256, "metadata": {"acting": None, "parts": {}, "api_key": key_id(site, lvv)},
        "attachments": [{"id": attachment["id"], "name": "päätös.pdf", "media_type": "application/pdf",
                         "size": len(PDF), "sha256": stored_sha256(PDF),
                         "url": f"http://testserver/api/v1/submissions/{sid}/attachments/{attachment['id']}"}],
        "receipt_url": f"http://testserver/receipts/{stored.receipt_token}.pdf",
    }
    assert site.app.url_path_for("receipt_pdf", token="t") == "/receipts/t.pdf"  # type: ignore[attr-defined]


def stored_sha256(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


def test_an_attachment_is_downloaded_as_stored_with_safe_headers(site: TestClient) -> None:
    lvv = api_key(site, "lvv")
    content = PDF + bytes(range(256)) * 2000  # larger than a chunk
    send(site, "asia", {"nimi": "Maija", "liite": pdf_url(content, 'päätös "1"; kopio.pdf')})
    (attachment,) = listed(site, lvv)["submissions"][0]["attachments"]
    got = site.get(attachment["url"].removeprefix("http://testserver"), headers=lvv)
    assert got.status_code == 200 and got.content == content
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-length"] == str(len(content))
    assert got.headers["x-content-type-options"] == "nosniff" and got.headers["cache-control"] == "no-store"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"paatos _1_ kopio.pdf\"; filename*=UTF-8''p%C3%A4%C3%A4t%C3%B6s%20%221%22%3B%20kopio.pdf")


@pytest.mark.parametrize(("name", "header"), [
    ("decision.pdf", 'attachment; filename="decision.pdf"'),
    ("../../etc/passwd", "attachment; filename=\"liite.etc_passwd\"; filename*=UTF-8''_.._etc_passwd"),
    ("a\r\nSet-Cookie: x=1.pdf", "attachment; filename=\"aSet-Cookie_ x_1.pdf\"; "
                                  "filename*=UTF-8''aSet-Cookie%3A%20x%3D1.pdf"),
    ("文件.pdf", "attachment; filename=\"liite.pdf\"; filename*=UTF-8''%E6%96%87%E4%BB%B6.pdf"),
    ("", 'attachment; filename="liite"'),
    ("..\\boot.ini", "attachment; filename=\"boot.ini\"; filename*=UTF-8''_boot.ini"),
])
def test_a_file_name_is_made_safe_for_the_header(name: str, header: str) -> None:
    assert attachment_disposition(name) == header
    assert header.isascii() and "\r" not in header and "\n" not in header


def test_a_plain_ascii_name_needs_no_filename_star(site: TestClient) -> None:
    lvv = api_key(site, "lvv")
    send(site, "asia", {"nimi": "Maija", "liite": pdf_url(name="decision-2026.pdf")})
    (attachment,) = listed(site, lvv)["submissions"][0]["attachments"]
    got = site.get(attachment["url"], headers=lvv)
    assert got.headers["content-disposition"] == 'attachment; filename="decision-2026.pdf"'


@pytest.mark.parametrize("attachment", [
    "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..%5C..%5Cx", "nope", "%00", "x" * 500, "{other}", "attachment:{mine}",
])
def test_only_the_submissions_own_attachments_are_served(site: TestClient, attachment: str) -> None:
    lvv = api_key(site, "lvv")
    sid = send(site, "asia", {"nimi": "A", "liite": pdf_url()})
    send(site, "asia", {"nimi": "B", "liite": pdf_url(b"%PDF-1.4\n% another\n%%EOF\n")})
    mine, other = (s["attachments"][0]["id"] for s in listed(site, lvv)["submissions"])
    got = site.get(f"/api/v1/submissions/{sid}/attachments/{attachment.format(mine=mine, other=other)}", headers=lvv)
    assert got.status_code == 404 and got.headers["content-type"] == "application/json"
    assert site.get(f"/api/v1/submissions/{sid}/attachments/{mine}", headers=lvv).content == PDF
