"""Every limit holds while a body streams in, bad input is a 4xx (never a 500), unexpected errors
answer in the path's error shape without personal data in the log, and slow clients are cut off."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from core.errors import BadRequest
from core.settings import Settings
from server import create_app
from tests.conftest import api_key, drafts_of, page_csrf, serving, storage_of
from tests.samples import PDF
from web.limits import MAX_DEPTH, BoundedFiles, parse_json

PAGED = {
    "title": "Liitteet", "type": "object",
    "x-lomake": {"pages": [{"id": "liitteet", "title": "Liitteet", "properties": ["liite"]},
                           {"id": "muut", "title": "Muut", "properties": ["muut"]}]},
    "properties": {
        "liite": {"title": "Liite", "type": "string", "format": "data-url", "ui:options": {"accept": [".pdf"]}},
        "muut": {"title": "Muut liitteet", "type": "array", "items": {"type": "string", "format": "data-url"},
                 "ui:options": {"accept": [".pdf"]}},
    },
}


def app_client(tmp_path: Path, **settings: Any) -> TestClient:
    (tmp_path / "liitteet.json").write_text(json.dumps(PAGED))
    chosen = Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db", **settings)
    return TestClient(create_app(chosen), base_url="http://lomake.test", raise_server_exceptions=False)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path, max_upload_bytes=100_000) as c:
        yield c


def attachment_count(client: TestClient) -> int:
    return asyncio.run(storage_of(client).count_attachments())


def test_a_chunked_upload_is_refused_as_it_passes_the_limit(client: TestClient, tmp_path: Path) -> None:
    sent = []

    def body() -> Iterator[bytes]:  # no Content-Length: the body is sent in chunks
        yield b'--b\r\nContent-Disposition: form-data; name="/liite"; filename="iso.pdf"\r\n\r\n%PDF-1.4\n'
        for _ in range(100):
            sent.append(1)
            yield b"x" * 10_000
        yield b"\r\n--b--\r\n"

    response = client.post("/forms/liitteet", content=body(),
                           headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert response.text.count("Pyyntö on liian suuri: enintään 100000 tavua.") == 1
    assert response.headers["connection"] == "close"
    assert attachment_count(client) == 0


def test_a_draft_holds_at_most_max_draft_bytes_of_attachments(tmp_path: Path) -> None:
    pdf = PDF + b"%" * 3000
    with app_client(tmp_path, max_draft_bytes=7000) as c:
        first = c.post("/forms/liitteet/pages/liitteet", files=[("/liite", ("a.pdf", pdf, "application/pdf"))],
                       follow_redirects=False)
        assert first.status_code == 303, first.text
        csrf = c.get("/forms/liitteet/pages/muut").text.split('name="_csrf" value="')[1].split('"')[0]
        again = c.post("/forms/liitteet/pages/muut", data={"_csrf": csrf},
                       files=[("/muut", ("b.pdf", pdf, "application/pdf")), ("/muut", ("c.pdf", pdf, "application/pdf"))])
        assert again.status_code == 413
        assert "Luonnoksen liitteet ovat yhteensä liian suuria: enintään 7 kt." in again.text
        within = c.post("/forms/liitteet/pages/muut", data={"_csrf": csrf},
                        files=[("/muut", ("b.pdf", pdf, "application/pdf"))], follow_redirects=False)
        assert within.status_code == 303, within.text


def test_a_huge_page_post_is_refused_before_a_draft_keeps_it(tmp_path: Path) -> None:
    """A page not taken is kept in a draft (Post/Redirect/Get): never past the limits. An urlencoded post past
    `max_body_bytes` is refused as it arrives; a multipart one's text, past it in all, before a draft is made."""
    (tmp_path / "viesti.json").write_text(json.dumps({"title": "Viesti", "type": "object", "required": ["nimi"],
                                                      "properties": {"nimi": {"type": "string"}, "viesti": {"type": "string"},
                                                                     "liite": {"type": "string", "format": "data-url"}}}))
    with app_client(tmp_path, max_body_bytes=10_000, max_upload_bytes=100_000) as c:
        urlencoded = c.post("/forms/viesti", data={"/viesti": "x" * 20_000})
        assert urlencoded.status_code == 413 and drafts_of(c) == []
        text = {"/viesti": "x" * 6_000, "/muu": "y" * 6_000}  # each part within the limit, together past it
        multipart = c.post("/forms/viesti", data=text, files=[("/liite", ("", b"", "application/octet-stream"))])
        assert multipart.status_code == 413 and drafts_of(c) == [] and attachment_count(c) == 0
        within = c.post("/forms/viesti", data={"/viesti": "x" * 6_000}, follow_redirects=False,
                        files=[("/liite", ("", b"", "application/octet-stream"))])
        assert within.status_code == 303 and [d.refused is not None for d in drafts_of(c)] == [True]


@pytest.mark.parametrize(("path", "body", "content_type", "status"), [
    ("/api/v1/forms/kantelu/submissions", b'{"miksi": "\\ud800"}', "application/json", 400),
    ("/api/v1/forms/oikaisuvaatimus/drafts", b'{"vaatija": {"etunimet": "\\udfff"}}', "application/json", 400),
    ("/api/v1/forms/oikaisuvaatimus/drafts", b'{"x": [' + b",".join([b"[" * 500 + b"]" * 500] * 500) + b"]}",
     "application/json", 400),
    ("/forms/oikaisuvaatimus/extend", b"_csrf=%ff", "application/x-www-form-urlencoded", 400),
    ("/forms/oikaisuvaatimus/extend", b"_csrf=\xff", "application/x-www-form-urlencoded", 400),
    ("/resume", b"code=%ff", "application/x-www-form-urlencoded", 400),
    ("/resume", b"code=\xff", "application/x-www-form-urlencoded", 400),
])
def test_inputs_that_gave_500_are_plain_4xx(catalog_client: TestClient, path: str, body: bytes, content_type: str,
                                             status: int) -> None:
    key = api_key(catalog_client, "lvv") if path.endswith("/drafts") else {}
    response = catalog_client.post(path, content=body, headers={"content-type": content_type, **key})
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text and "codec" not in response.text


def test_a_csrf_token_with_any_characters_is_stale_not_an_error(catalog_client: TestClient) -> None:
    started = catalog_client.post("/forms/oikaisuvaatimus/pages/tekija", data={"_action": "save"},
                                  follow_redirects=False)
    assert started.status_code == 303
    for token in ("ä" * 43, "\u0000", "x"):
        response = catalog_client.post("/forms/oikaisuvaatimus/extend", data={"_csrf": token})
        assert response.status_code == 403 and "Sivu oli vanhentunut" in response.text


@pytest.fixture
def catalog_client(settings: Settings) -> Iterator[TestClient]:
    """The sample forms, with the default body limit (the issue's 500×500 arrays are 500 kB)."""
    with TestClient(create_app(replace(settings, max_body_bytes=Settings.max_body_bytes)), base_url="http://lomake.test", raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("body", "message"), [
    (b"{", "Pyynnön runko ei ole kelvollista JSONia: tarkista rivi 1, merkki 2."),
    (b'{\n  "a": 1,\n}', "Pyynnön runko ei ole kelvollista JSONia: tarkista rivi 3, merkki 1."),
    (b"\xff\xfe{}", "Pyynnön rungon on oltava UTF-8-merkistössä, eikä siinä saa olla virheellisiä merkkejä."),
    (b'{"a": NaN}', "Pyynnön rungossa on NaN, joka ei ole JSONissa luku. Lähetä luku tai null."),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
     f"Pyynnön rungossa on liian monta sisäkkäistä tasoa: enintään {MAX_DEPTH}."),
])
def test_bad_json_is_told_in_plain_words(catalog_client: TestClient, body: bytes, message: str) -> None:
    response = catalog_client.post("/api/v1/forms/kantelu/submissions", content=body,
                                   headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"errors": [{"pointer": "", "message": message}]}


def test_nesting_up_to_the_limit_is_read() -> None:
    assert parse_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, "fi") == eval("[" * MAX_DEPTH + "]" * MAX_DEPTH)


@pytest.mark.parametrize(("content_type", "status"), [
    ("application/json", 422), ("application/json; charset=utf-8", 422), ('application/json;charset="UTF-8"', 422),
    ("application/json; charset=latin-1", 415), ("application/jsonx", 415), ("application/json-patch+json", 415),
    ("text/json", 415), ("", 415),
])
def test_content_types_are_matched_exactly(catalog_client: TestClient, content_type: str, status: int) -> None:
    response = catalog_client.post("/api/v1/forms/kantelu/submissions", content=b"{}",
                                   headers={"content-type": content_type})
    assert response.status_code == status
    if status == 415:
        assert response.json()["errors"][0]["message"] in ("Lähetä application/json.",
                                                           "Lähetä application/json UTF-8-merkistössä.")


def test_form_posts_must_be_exactly_a_form(catalog_client: TestClient) -> None:
    for content_type in ("application/x-www-form-urlencodedx", "multipart/form-data-x; boundary=b", "text/plain"):
        response = catalog_client.post("/forms/kantelu", content=b"a=1", headers={"content-type": content_type})
        assert response.status_code == 415, content_type


def boom_app(settings: Settings) -> Any:
    app = create_app(settings)

    async def boom(request: Request) -> Any:
        raise RuntimeError("henkilötunnus 131052-308T")

    app.router.routes[:0] = [Route("/api/v1/boom/{token}", boom), Route("/boom/{token}", boom)]
    return app


def test_an_unexpected_error_answers_in_the_paths_shape_and_logs_no_personal_data(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(boom_app(settings), raise_server_exceptions=False) as c, caplog.at_level(logging.DEBUG):
        api = c.get("/api/v1/boom/secret-capability?hetu=131052-308T")
        page = c.get("/boom/secret-capability?lang=en")
    assert api.status_code == page.status_code == 500
    assert api.json() == {"errors": [{"pointer": "", "message": "Palvelussa tapahtui virhe. Yritä hetken kuluttua "
                                                                "uudelleen."}]}
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong in the service. Try again in a moment." in page.text
    for response in (api, page):
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    server_side = [r for r in caplog.records if not r.name.startswith("httpx")]  # the client logs its own URLs
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in server_side)
    assert "RuntimeError" in logged and "boom" in logged
    assert "131052" not in logged and "secret-capability" not in logged and "Traceback" not in logged


def call(app: Any, path: str, content_type: bytes, messages: list[tuple[float, dict[str, Any]]]) -> list[Any]:
    """Call the ASGI app as a server would, the body's messages arriving after the given pauses; what it sent."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not messages:
            await asyncio.sleep(3600)
        pause, message = messages.pop(0)
        await asyncio.sleep(pause)
        return message

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"content-type", content_type), (b"host", b"lomake.test")], "scheme": "http",
             "server": ("lomake.test", 80), "client": ("127.0.0.1", 1), "root_path": "", "http_version": "1.1",
             "app": app}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    return sent


def test_a_client_that_goes_away_mid_body_is_not_an_error(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    messages: list[tuple[float, dict[str, Any]]] = [
        (0, {"type": "http.request", "body": b"/miksi=alku", "more_body": True}), (0, {"type": "http.disconnect"})]
    with caplog.at_level(logging.DEBUG):
        sent = call(create_app(settings), "/forms/kantelu", b"application/x-www-form-urlencoded", messages)
    assert sent == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


def test_a_body_that_does_not_arrive_in_time_is_408(tmp_path: Path) -> None:
    (tmp_path / "liitteet.json").write_text(json.dumps(PAGED))
    app = create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db", body_timeout=0.3))
    slow: list[tuple[float, dict[str, Any]]] = [(0, {"type": "http.request", "body": b'{"liite": ', "more_body": True}),
                                                (1, {"type": "http.request", "body": b"1}", "more_body": False})]
    sent = call(app, "/api/v1/forms/liitteet/submissions", b"application/json", slow)
    assert sent[0]["status"] == 408 and (b"connection", b"close") in sent[0]["headers"]
    assert json.loads(sent[1]["body"]) == {"errors": [
        {"pointer": "", "message": "Pyynnön lähettäminen kesti liian kauan. Lähetä se uudelleen."}]}
    in_time = [(0, {"type": "http.request", "body": b"{", "more_body": True}),
               (0.1, {"type": "http.request", "body": b"}", "more_body": False})]
    assert call(app, "/api/v1/forms/liitteet/submissions", b"application/json", in_time)[0]["status"] == 201


@pytest.mark.server
def test_a_chunked_body_is_cut_off_at_the_limit_by_a_real_server(tmp_path: Path) -> None:
    (tmp_path / "schemas").symlink_to(Path(__file__).resolve().parent.parent / "schemas")
    with serving(tmp_path) as base:
        s = socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])))
        s.sendall(b"POST /forms/oikaisuvaatimus/pages/liitteet HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                  b"Content-Type: multipart/form-data; boundary=b\r\n\r\n")
        head = b'--b\r\nContent-Disposition: form-data; name="/paatosliite"; filename="a.pdf"\r\n\r\n%PDF-1.4\n'
        s.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        chunk = b"x" * 1_000_000
        sent = 0
        try:
            for _ in range(1000):  # a gigabyte, if nobody stopped it
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:
            pass
        s.settimeout(10)
        answer = s.recv(100)
        s.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert sent < 60_000_000


@pytest.mark.server
def test_half_sent_requests_are_dropped_and_the_server_keeps_answering(tmp_path: Path) -> None:
    (tmp_path / "schemas").symlink_to(Path(__file__).resolve().parent.parent / "schemas")
    with serving(tmp_path, "--body-timeout", "1", "--header-timeout", "1") as base:
        port = int(base.rsplit(":", 1)[1])
        bodies, headers = [], []
        for i in range(200):
            s = socket.create_connection(("127.0.0.1", port))
            if i % 2:
                s.sendall(b"POST /api/v1/forms/kantelu/submissions HTTP/1.1\r\nHost: x\r\n"
                          b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"miksi\": \"")
                bodies.append(s)
            else:
                s.sendall(b"POST /api/v1/forms/kantelu/submissions HTTP/1.1\r\nHost: x\r\nContent-Ty")
                headers.append(s)
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as health:
            assert health.status == 200
        assert time.monotonic() - started < 1
        for s in bodies:
            s.settimeout(10)
            answer = s.recv(200)
            assert answer.startswith(b"HTTP/1.1 408"), answer
        for s in headers:
            s.settimeout(10)
            assert s.recv(200) == b""  # closed without an answer
        assert time.monotonic() - started < 8
        for s in bodies + headers:
            s.close()
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as health:
            assert health.status == 200


def fuzz_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("fuzz")
    schemas = Path(__file__).resolve().parent.parent / "schemas"
    settings = Settings(schemas_dir=schemas, db_url=f"sqlite:///{folder}/x.db")
    return TestClient(create_app(settings), base_url="http://lomake.test", raise_server_exceptions=False)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=30,
)
FORMS = ["kantelu", "oikaisuvaatimus", "ymparistolupa", "saavutettavuuspalaute"]


def shaped_like(form: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Bodies with the form's own property names, holding anything: the interesting kind of wrong."""
    names = list(form.get("properties", {}))
    return st.dictionaries(st.sampled_from(names) | st.text(max_size=8), JSON, max_size=6)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with fuzz_client(tmp_path_factory) as c:
        yield c


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_api_body_gives_a_5xx(fuzzed: TestClient, data: st.DataObject) -> None:
    form_id = data.draw(st.sampled_from(FORMS))
    document = json.loads((Path(__file__).resolve().parent.parent / "schemas" / f"{form_id}.json").read_text())
    body = data.draw(st.one_of(
        shaped_like(document).map(lambda v: json.dumps(v).encode()),
        JSON.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ))
    kind = data.draw(st.sampled_from(["submissions", "drafts"]))
    agency = fuzzed.app.state.lomake.catalog.forms[form_id].agency.id  # type: ignore[attr-defined]
    key = api_key(fuzzed, agency) if kind == "drafts" else {}
    response = fuzzed.post(f"/api/v1/forms/{form_id}/{kind}", content=body,
                           headers={"content-type": "application/json", **key})
    assert response.status_code < 500, (form_id, kind, body[:300], response.text[:300])
    assert response.headers["content-type"] == "application/json"


@hypothesis_settings(max_examples=300, deadline=None)
@given(body=st.one_of(st.binary(max_size=300), JSON.map(lambda v: json.dumps(v).encode()),
                      st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_the_json_reader_gives_a_value_or_a_plain_400(body: bytes) -> None:
    try:
        value = parse_json(body, "en")
    except BadRequest as exc:
        assert "Expecting" not in exc.message and "codec" not in exc.message
        return
    json.dumps(value).encode("utf-8")  # whatever is read can be stored


def test_of_each_file_no_more_is_spooled_than_its_field_takes() -> None:
    body = (b'--b\r\nContent-Disposition: form-data; name="pieni"; filename="a.pdf"\r\n\r\n' + b"x" * 300_000
            + b'\r\n--b\r\nContent-Disposition: form-data; name="iso"; filename="b.pdf"\r\n\r\n' + b"y" * 300_000
            + b'\r\n--b\r\nContent-Disposition: form-data; name="teksti"\r\n\r\nhei\r\n--b--\r\n')
    chunks = [{"type": "http.request", "body": body[i:i + 5000], "more_body": i + 5000 < len(body)}
              for i in range(0, len(body), 5000)]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0)

    async def parse() -> list[tuple[str, Any]]:
        request = Request({"type": "http", "method": "POST", "headers": [
            (b"content-type", b"multipart/form-data; boundary=b")]}, receive)
        posted = await BoundedFiles(request, {"pieni": 2000, "iso": 1_000_000}.__getitem__).parse()
        items = [(name, value if isinstance(value, str) else (value.size, await value.read()))
                 for name, value in posted.multi_items()]
        await posted.close()
        return items

    assert asyncio.run(parse()) == [("pieni", (2001, b"x" * 2001)), ("iso", (300_000, b"y" * 300_000)),
                                    ("teksti", "hei")]


@pytest.mark.parametrize("written", ['{"a": "\\ud800"}', "[" * 100_000 + "]" * 100_000, '{"a":' * 65 + "1" + "}" * 65])
def test_an_answer_written_as_json_on_the_page_is_checked_like_an_api_body(tmp_path: Path, written: str) -> None:
    (tmp_path / "vapaa.json").write_text(json.dumps(
        {"title": "Vapaa", "type": "object", "properties": {"x": {"title": "Lisätiedot"}}}))  # no type: JSON
    with TestClient(create_app(Settings(schemas_dir=tmp_path, db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        response = c.post("/forms/vapaa", data={"/x": written})
        assert response.status_code == 422
        assert "Lisätiedot: Kirjoita vastaus JSON-muodossa." in response.text
        fixed = {"/x": '{"a": [1]}', **dict(page_csrf(response.text))}  # (the page kept in a draft has its token)
        assert c.post("/forms/vapaa", data=fixed, follow_redirects=False).status_code == 303
