"""Sending through the API again with an `Idempotency-Key` makes no second submission; and a submission to a form
its agency's webhook announces is written into the outbox with it (real app, real SQLite)."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import SCHEMAS, api_key, form_client, storage_of, stored_submissions

ASIA = {"title": "Asia", "type": "object", "required": ["nimi"], "x-lomake": {"agency": "lvv"},
        "properties": {"nimi": {"title": "Nimi", "type": "string"}}}
MUU = {**ASIA, "title": "Muu"}
ESPOON = {**ASIA, "x-lomake": {"agency": "espoo"}}
CONFLICT = "Tämä Idempotency-Key on jo käytetty toisilla vastauksilla. Anna uusille vastauksille uusi avain."
BAD_KEY = "Anna Idempotency-Key-otsake kerran, 1–255 tulostettavana ASCII-merkkinä."


@pytest.fixture
def site(tmp_path: Path) -> Iterator[TestClient]:
    """LVV's forms `asia` and `muu` (its webhook announces only `asia`), Espoo's `espoon` (no webhook)."""
    shutil.copytree(SCHEMAS / "agencies", tmp_path / "agencies")
    lvv = json.loads((tmp_path / "agencies/lvv.json").read_text())
    lvv["webhook"] = {"url": "http://127.0.0.1:9/hook", "secret_env": "LOMAKE_TEST_SECRET", "forms": ["asia"]}
    (tmp_path / "agencies/lvv.json").write_text(json.dumps(lvv))
    with form_client(tmp_path, asia=ASIA, muu=MUU, espoon=ESPOON) as c:
        yield c


def submit(client: TestClient, answers: dict[str, Any], key: str | None, form_id: str = "asia",
           headers: dict[str, str] | None = None) -> Any:
    return client.post(f"/api/v1/forms/{form_id}/submissions", json=answers,
                       headers={**({"idempotency-key": key} if key is not None else {}), **(headers or {})})


def test_the_same_key_and_answers_answer_the_first_submission_again(site: TestClient) -> None:
    first = submit(site, {"nimi": "Maija"}, "k-1")
    again = submit(site, {"nimi": "Maija"}, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(stored_submissions(site)) == 1
    other = submit(site, {"nimi": "Maija"}, "k-2")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    without = [submit(site, {"nimi": "Maija"}, None) for _ in range(2)]
    assert without[0].json()["id"] != without[1].json()["id"] and len(stored_submissions(site)) == 4


def test_the_same_key_with_other_answers_is_422(site: TestClient) -> None:
    assert submit(site, {"nimi": "Maija"}, "k-1").status_code == 201
    conflict = submit(site, {"nimi": "Matti"}, "k-1")
    assert conflict.status_code == 422
    assert conflict.json() == {"errors": [{"pointer": "", "message": CONFLICT}]}
    assert [s.data for s in stored_submissions(site)] == [{"nimi": "Maija"}]


@pytest.mark.parametrize("key", [b"", "ä".encode(), b"a" * 256, b"tab\there", b"nul\x7f"])
def test_a_key_that_is_not_1_to_255_printable_ascii_is_400(site: TestClient, key: bytes) -> None:
    refused = site.post("/api/v1/forms/asia/submissions", json={"nimi": "Maija"}, headers=[(b"idempotency-key", key)])
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"errors": [{"pointer": "", "message": BAD_KEY}]} and stored_submissions(site) == []


def test_a_key_given_twice_is_400_and_the_longest_key_is_taken(site: TestClient) -> None:
    twice = site.post("/api/v1/forms/asia/submissions", json={"nimi": "Maija"},
                      headers=[("idempotency-key", "a"), ("idempotency-key", "b")])
    assert twice.status_code == 400 and twice.json()["errors"][0]["message"] == BAD_KEY
    assert submit(site, {"nimi": "Maija"}, "~" + "x" * 253 + " ").status_code == 201  # trailing space: stripped


def test_a_key_counts_per_sender_and_per_form(site: TestClient) -> None:
    anonymous = submit(site, {"nimi": "Maija"}, "k")
    keyed = submit(site, {"nimi": "Maija"}, "k", headers=api_key(site, "lvv"))
    other_form = submit(site, {"nimi": "Maija"}, "k", form_id="muu")
    assert len({anonymous.json()["id"], keyed.json()["id"], other_form.json()["id"]}) == 3
    assert submit(site, {"nimi": "Matti"}, "k", form_id="espoon").status_code == 201  # not a conflict there


def test_concurrent_identical_requests_make_one_submission(site: TestClient) -> None:
    answers: list[Any] = []

    def send() -> None:
        answers.append(submit(site, {"nimi": "Maija"}, "at-once"))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in answers} == {201} and len({a.json()["id"] for a in answers}) == 1
    assert len(stored_submissions(site)) == 1


def test_a_form_the_webhook_announces_is_delivered_once_per_submission(site: TestClient) -> None:
    asia = submit(site, {"nimi": "Maija"}, "k").json()["id"]
    submit(site, {"nimi": "Maija"}, "k")  # the same again: no second delivery
    submit(site, {"nimi": "Maija"}, None, form_id="muu")  # not announced
    submit(site, {"nimi": "Maija"}, None, form_id="espoon")  # no webhook
    deliveries = asyncio.run(storage_of(site).deliveries())
    assert [(d.submission_id, d.agency, d.status) for d in deliveries] == [(asia, "lvv", "pending")]
