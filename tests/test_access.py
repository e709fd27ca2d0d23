"""Who may do what: agency API keys for prefilled drafts, one-time handover links, links that ignore the
Host header, HSTS, and the Origin check with scheme and port. The abuse attempts are kept as tests."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from core.settings import Settings
from lomake.cli import main
from server import create_app
from tests.conftest import (
    LOMAKE,
    SCHEMAS,
    api_key,
    drafts_of,
    form_client,
    read_form,
    serving,
    storage_of,
    stored_answers,
)
from tests.samples import KANTELU
from tests.test_journey import TOIVE, send

PUBLIC = "https://lomake.example.fi"
VICTIM = {"nimi": "Maija Meikäläinen", "hetu": "131052-308T"}


@pytest.fixture
def toive(tmp_path: Path) -> Iterator[TestClient]:
    with form_client(tmp_path, toive=TOIVE) as c:
        yield c


# Agency API keys


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer lomake_" + "x" * 43, "Basic bG9tYWtlOnNhbGFzYW5h", "Bearer not-a-key",
])
def test_making_a_draft_without_a_valid_key_is_refused(toive: TestClient, authorization: str | None) -> None:
    headers = {"authorization": authorization} if authorization is not None else {}
    refused = toive.post("/api/v1/forms/toive/drafts", json=VICTIM, headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert refused.json() == {"errors": [{"pointer": "", "message": (
        "Lähetä viraston API-avain otsakkeessa Authorization: Bearer <avain>. Avain puuttui, oli väärä tai on "
        "peruttu.")}]}
    assert drafts_of(toive) == []


def test_a_revoked_key_is_refused_and_the_message_follows_the_language(toive: TestClient) -> None:
    storage = storage_of(toive)
    record, secret = asyncio.run(storage.add_api_key("lomake", "asiointi"))
    headers = {"authorization": f"bearer {secret}"}  # the scheme is case-insensitive (RFC 7235)
    assert toive.post("/api/v1/forms/toive/drafts", json=VICTIM, headers=headers).status_code == 201
    asyncio.run(storage.revoke_api_key(record.id))
    refused = toive.post("/api/v1/forms/toive/drafts?lang=en", json=VICTIM, headers=headers)
    assert refused.status_code == 401 and "The key was missing, wrong or revoked" in refused.text
    assert len(drafts_of(toive)) == 1


def test_a_key_reaches_only_its_own_agencys_forms(client: TestClient) -> None:
    """The sample rectification request is LVV's: Espoo's key gets the same 404 as a form that does not exist."""
    prefill = {"vaatija": {"etunimet": "Maija", "sukunimi": "Meikäläinen"}}
    espoo = client.post("/api/v1/forms/oikaisuvaatimus/drafts", json=prefill, headers=api_key(client, "espoo"))
    missing = client.post("/api/v1/forms/eiole/drafts", json=prefill, headers=api_key(client, "espoo"))
    assert espoo.status_code == missing.status_code == 404
    assert espoo.json() == {"errors": [{"pointer": "", "message": "Lomaketta ”oikaisuvaatimus” ei ole."}]}
    assert missing.json() == {"errors": [{"pointer": "", "message": "Lomaketta ”eiole” ei ole."}]}
    assert drafts_of(client) == []
    lvv = client.post("/api/v1/forms/oikaisuvaatimus/drafts", json=prefill, headers=api_key(client, "lvv"))
    assert lvv.status_code == 201, lvv.text


def test_apikey_commands_make_list_and_revoke_keys(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/lomake.sqlite3"
    runner = CliRunner()
    made = runner.invoke(main, ["apikey", "create", "--agency", "lvv", "--name", "asiointi", "--db", db,
                                "--schemas", str(SCHEMAS)])
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    assert re.fullmatch(r"lomake_[A-Za-z0-9_-]{43}", secret)
    unknown = runner.invoke(main, ["apikey", "create", "--agency", "avi", "--db", db, "--schemas", str(SCHEMAS)])
    assert unknown.exit_code == 2 and "no agency 'avi'" in unknown.output and "lvv" in unknown.output
    listed = runner.invoke(main, ["apikey", "list", "--db", db])
    (line,) = listed.output.strip().splitlines()
    key_id, agency, _, revoked, name = line.split("\t")
    assert (agency, revoked, name) == ("lvv", "-", "asiointi") and secret not in listed.output
    with TestClient(create_app(Settings(schemas_dir=SCHEMAS, db_url=db))) as c:
        headers = {"authorization": f"Bearer {secret}"}
        prefill = {"vaatija": {"etunimet": "Maija"}}
        assert c.post("/api/v1/forms/oikaisuvaatimus/drafts", json=prefill, headers=headers).status_code == 201
        assert runner.invoke(main, ["apikey", "revoke", key_id, "--db", db]).exit_code == 0
        assert c.post("/api/v1/forms/oikaisuvaatimus/drafts", json=prefill, headers=headers).status_code == 401
    again = runner.invoke(main, ["apikey", "revoke", key_id, "--db", db])
    assert again.exit_code == 1 and "no live key" in again.output
    assert "\t-\t" not in runner.invoke(main, ["apikey", "list", "--db", db]).output


# Handing a prefilled draft over


def test_the_creator_of_a_prefilled_draft_cannot_take_it_over(toive: TestClient) -> None:
    """Mallory, with an agency key, makes a draft in Maija's name and sends her the link. Once Maija has opened
    it, neither the link nor anything Mallory saw lets him read, change or send her answers."""
    mallory = toive
    made = mallory.post("/api/v1/forms/toive/drafts", json=VICTIM, headers=api_key(mallory))
    assert made.status_code == 201, made.text
    link = made.json()["resume_url"].removeprefix("http://testserver")
    handover = link.rsplit("/", 1)[1]
    (hidden,) = drafts_of(mallory)

    maija = TestClient(mallory.app)
    opened = maija.get(link, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/forms/toive/pages/hakija?lang=fi"
    cookie = maija.cookies["lomake_draft"]
    (held,) = drafts_of(mallory)
    assert held.token == cookie and held.token not in (handover, hidden.token) and held.csrf != hidden.csrf
    assert send(maija, "/forms/toive/pages/hakija", {"/rooli": "itse"}).status_code == 303

    again = mallory.get(link, follow_redirects=False)  # the link works once
    assert again.status_code == 410 and "set-cookie" not in again.headers
    assert "on jo avattu" in again.text and "http://testserver/forms/toive" in again.text
    assert "Maija" not in again.text
    assert mallory.get(link + "?lang=sv").text.count("redan öppnats") == 1
    for old in (handover, hidden.token):  # the tokens he saw or that existed before: as the cookie
        mallory.cookies.clear()
        mallory.cookies.set("lomake_draft", old, path="/forms/toive")
        shown = mallory.get("/forms/toive/pages/hakija")
        assert shown.status_code == 200 and "Meikäläinen" not in shown.text and "131052" not in shown.text
        assert mallory.get("/forms/toive/review").status_code == 404
        posted = mallory.post("/forms/toive/review", data={"/vakuutus": "true", "_csrf": hidden.csrf})
        assert posted.status_code == 404
        mallory.post("/forms/toive/pages/asia", data={"/asia": "Mallory kävi täällä", "_csrf": hidden.csrf})
    mallory.cookies.clear()
    assert mallory.post("/resume", data={"code": handover}).status_code == 422

    victim = asyncio.run(storage_of(mallory).draft_by_id(made.json()["id"]))
    assert victim is not None and victim.data == {"nimi": "Maija Meikäläinen", "hetu": "131052-308T", "rooli": "itse"}

    # Maija saves; her own link works again and again (another device), and she sends.
    saved = send(maija, "/forms/toive/pages/asia", {"/asia": "Penkkejä"}, _action="save")
    own = lxml.html.fromstring(maija.get(saved.headers["location"]).text).xpath(
        "string(//a[@class='resume-link']/@href)")
    assert own.rsplit("/", 1)[1] == cookie != handover
    laptop = TestClient(mallory.app)
    for _ in range(2):
        assert laptop.get(own, follow_redirects=False).headers["location"] == "/forms/toive/pages/asia?lang=fi"
    assert send(laptop, "/forms/toive/pages/asia", {"/asia": "Penkkejä"}).status_code == 303
    sent = send(laptop, "/forms/toive/review", {"/vakuutus": "true"})
    assert sent.headers["location"].startswith("/receipts/")
    assert stored_answers(mallory) == [{**VICTIM, "rooli": "itse", "asia": "Penkkejä", "vakuutus": True}]
    after = mallory.get(link, follow_redirects=False)  # never the receipt
    assert after.status_code == 410 and "location" not in after.headers


def test_a_handover_link_opened_by_no_one_is_not_a_cookie(toive: TestClient) -> None:
    """Before the person opens it, the link's token is not the draft's: it reads nothing as a cookie."""
    made = toive.post("/api/v1/forms/toive/drafts", json=VICTIM, headers=api_key(toive))
    handover = made.json()["resume_url"].rsplit("/", 1)[1]
    toive.cookies.set("lomake_draft", handover, path="/forms/toive")
    assert "Meikäläinen" not in toive.get("/forms/toive").text
    toive.cookies.clear()
    assert toive.get(f"/drafts/{handover}", follow_redirects=False).status_code == 303
    assert toive.get("/drafts/" + "A" * 43).status_code == 404


# Links, the Host header, HTTPS


def public_client(tmp_path: Path, public_url: str | None, base_url: str = "http://testserver") -> TestClient:
    import shutil

    shutil.copytree(SCHEMAS, tmp_path / "schemas", dirs_exist_ok=True)
    (tmp_path / "schemas" / "toive.json").write_text(json.dumps(TOIVE))
    settings = Settings(schemas_dir=tmp_path / "schemas", db_url=f"sqlite:///{tmp_path}/lomake.sqlite3",
                        public_url=public_url)
    return TestClient(create_app(settings), base_url=base_url)


@pytest.mark.parametrize(("public_url", "bound", "base"), [
    (PUBLIC, "https://internal:8443", PUBLIC), (None, "http://testserver", "http://testserver")])
def test_links_never_name_the_host_header(tmp_path: Path, public_url: str | None, bound: str, base: str) -> None:
    """Receipt and resume links are built from the public URL (or the bound address), whatever Host says."""
    hostile = {"host": "attacker.example", "x-forwarded-host": "attacker.example"}
    with public_client(tmp_path, public_url, base_url=bound) as c:
        sent = c.post("/api/v1/forms/kantelu/submissions", json=KANTELU, headers=hostile)
        assert sent.status_code == 201, sent.text
        assert re.fullmatch(re.escape(base) + r"/receipts/[A-Za-z0-9_-]{43}\.pdf", sent.json()["receipt_url"])
        made = c.post("/api/v1/forms/toive/drafts", json=VICTIM, headers=hostile | api_key(c))
        assert re.fullmatch(re.escape(base) + r"/drafts/[A-Za-z0-9_-]{43}", made.json()["resume_url"])
        opened = c.get(made.json()["resume_url"].removeprefix(base), headers=hostile, follow_redirects=False)
        assert opened.headers["location"].startswith("/forms/toive/")
        saved = send(c, "/forms/toive", {"/nimi": "Maija"}, _action="save")
        assert saved.headers["location"].startswith("/forms/toive/saved")
        page = c.get(saved.headers["location"], headers=hostile).text
        assert "attacker.example" not in page
        doc = lxml.html.fromstring(page)
        assert doc.xpath("string(//a[@class='resume-link']/@href)").startswith(f"{base}/drafts/")
        assert f"{base}/resume" in doc.xpath("string(//main)")
        slash = c.get("/forms/kantelu/", headers=hostile, follow_redirects=False)
        assert slash.status_code == 404 and "location" not in slash.headers
        gone = c.get(made.json()["resume_url"].removeprefix(base), headers=hostile)
        assert gone.status_code == 410 and "attacker.example" not in gone.text and f"{base}/forms/toive" in gone.text


def test_hsts_only_over_https(tmp_path: Path) -> None:
    hsts = "max-age=31536000; includeSubDomains"
    with public_client(tmp_path, None) as c:
        assert "strict-transport-security" not in c.get("/").headers
    with public_client(tmp_path, PUBLIC) as c:  # TLS ends at a proxy: the app sees http
        assert c.get("/forms/toive").headers["strict-transport-security"] == hsts
    with public_client(tmp_path, None, base_url="https://testserver") as c:
        assert c.get("/").headers["strict-transport-security"] == hsts


def test_the_draft_cookie_is_secure_when_the_public_url_is_https(tmp_path: Path) -> None:
    with public_client(tmp_path, PUBLIC) as c:
        saved = send(c, "/forms/toive", {"/nimi": "Maija"}, _action="save")
        assert "secure" in saved.headers["set-cookie"].lower()
    with public_client(tmp_path / "plain", None) as c:
        saved = send(c, "/forms/toive", {"/nimi": "Maija"}, _action="save")
        assert "secure" not in saved.headers["set-cookie"].lower()


@pytest.mark.parametrize(("public_url", "host", "origin", "status"), [
    (None, "lomake.test", "http://lomake.test", 303),
    (None, "lomake.test", "http://LOMAKE.test:80", 303),
    (None, "lomake.test", "https://lomake.test", 403),  # same host, other scheme
    (None, "lomake.test", "http://lomake.test:8080", 403),  # same host, other port
    (None, "lomake.test", "null", 403),
    (PUBLIC, "lomake.example.fi", PUBLIC, 303),
    (PUBLIC, "lomake.example.fi", "https://lomake.example.fi:443", 303),
    (PUBLIC, "lomake.example.fi", "http://lomake.example.fi", 403),  # a plain-http page on the same host
    (PUBLIC, "lomake.example.fi", "https://evil.example", 403),
])
def test_the_origin_check_compares_scheme_host_and_port(tmp_path: Path, public_url: str | None, host: str,
                                                         origin: str, status: int) -> None:
    with public_client(tmp_path, public_url, base_url="http://lomake.test") as c:
        action, pairs = read_form(c.get("/forms/saavutettavuuspalaute").text)
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        answer = c.post(action, data=data, headers={"host": host, "origin": origin}, follow_redirects=False)
        assert answer.status_code in ((403,) if status == 403 else (303, 422)), answer.text[:300]


# A real server


def test_serve_builds_links_from_public_url(tmp_path: Path) -> None:
    import shutil
    import subprocess

    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    for args, expected in [((), None), (("--public-url", f"{PUBLIC}/"), PUBLIC)]:
        with serving(tmp_path, *args) as base:
            request = urllib.request.Request(f"{base}/api/v1/forms/kantelu/submissions", data=json.dumps(
                KANTELU).encode(), headers={"content-type": "application/json", "host": "attacker.example"})
            with urllib.request.urlopen(request, timeout=30) as response:
                receipt_url = json.load(response)["receipt_url"]
                hsts = response.headers.get("strict-transport-security")
            assert receipt_url.startswith(f"{expected or base}/receipts/")
            assert (hsts is not None) == (expected is not None)
    wrong = subprocess.run([LOMAKE, "serve", "--public-url", "https://lomake.example.fi/lomake"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 2 and "has a path" in wrong.stderr
