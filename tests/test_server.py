"""The whole path through the real app: render, read the form back, submit, store, confirm."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.catalog import load_catalog
from core.settings import Settings
from submission.coerce import form_values
from tests.conftest import ONE_PAGE_FORM, page_csrf, read_form, stored_answers
from tests.samples import KANTELU, KANTELU_BENCH

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


stored = stored_answers


def prefilled_page(client: TestClient, form_id: str, instance: dict[str, Any], lang: str | None = None) -> str:
    """The form page rendered with `instance` as its values, as the server renders it."""
    app = client.app.state.lomake  # type: ignore[attr-defined]
    form = app.catalog.forms[form_id]
    lang = lang or form.languages[0]
    view = app.view(form, lang)
    return str(app.form_page(form, lang, values=form_values(view.fields, instance)).decode())


@pytest.mark.parametrize(("lang", "shown"), [("fi", "Mitä toimintaa kantelu koskee?"),
                                             ("sv", "Vilken verksamhet gäller klagomålet?"),
                                             ("en", "What does the complaint concern?")])
def test_the_complaint_round_trips_in_each_language(
    client: TestClient, settings: Settings, lang: str, shown: str
) -> None:
    page = prefilled_page(client, ONE_PAGE_FORM, KANTELU, lang)
    assert shown in page and f'<html lang="{lang}">' in page
    action, pairs = read_form(page)
    assert action == f"/forms/{ONE_PAGE_FORM}?lang={lang}"
    response = client.post(action, data=_multi(pairs), follow_redirects=False)
    assert response.status_code == 303
    assert stored(client) == [KANTELU]
    confirmation = client.get(response.headers["location"]).text
    assert {"fi": "Opetustoimi", "sv": "Undervisningsväsendet", "en": "Education"}[lang] in confirmation


@pytest.mark.parametrize(("form_id", "answers"), [(ONE_PAGE_FORM, KANTELU), ("kantelu-bench", KANTELU_BENCH)])
def test_html_round_trip_stores_exactly_the_answers(
    client: TestClient, settings: Settings, form_id: str, answers: dict[str, Any]
) -> None:
    action, pairs = read_form(prefilled_page(client, form_id, answers))
    response = client.post(action, data=_multi(pairs), follow_redirects=False)
    assert response.status_code == 303, response.text
    assert stored(client) == [answers]
    confirmation = client.get(response.headers["location"])
    assert confirmation.status_code == 200
    assert re.search(r"(LVV|LOMAKE)/1/20\d\d", confirmation.text)


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def test_api_round_trip_and_references_count_up(client: TestClient, settings: Settings) -> None:
    first = client.post("/api/v1/forms/kantelu/submissions", json=KANTELU)
    second = client.post("/api/v1/forms/kantelu/submissions", json=KANTELU)
    assert first.status_code == second.status_code == 201
    body = first.json()
    assert set(body) == {"id", "reference", "received_at", "receipt_url"}
    year = body["received_at"][:4]
    assert (body["reference"], second.json()["reference"]) == (f"LVV/1/{year}", f"LVV/2/{year}")
    assert body["receipt_url"].startswith("http://lomake.test/receipts/")
    assert stored(client) == [KANTELU, KANTELU]
    assert client.get(body["receipt_url"]).headers["content-type"] == "application/pdf"


def test_api_lists_forms_and_serves_their_schema(client: TestClient) -> None:
    forms = {f["id"]: f for f in client.get("/api/v1/forms").json()["forms"]}
    kantelu = forms["kantelu"]
    assert {k: kantelu[k] for k in ("id", "title", "version")} == {"id": "kantelu", "title": "Kantelu", "version": "1"}
    assert kantelu["agency"] == {"id": "lvv", "name": "Lupa- ja valvontavirasto"}
    assert kantelu["category"] == {"id": "kantelu", "name": "Kantelu"}
    assert kantelu["url"].endswith("/forms/kantelu?lang=fi") and kantelu["drafts"] is True
    schema = client.get("/api/v1/forms/kantelu").json()
    assert schema["properties"]["kohde"]["title"] == "Mitä toimintaa kantelu koskee?"
    assert client.get("/healthz").json()["status"] == "ok"


def test_defaults_are_applied_on_both_paths(tmp_path: Path, client: TestClient, settings: Settings) -> None:
    (settings.schemas_dir / "defaults.json").write_text(json.dumps({
        "title": "Oletukset", "type": "object", "required": ["nimi"],
        "properties": {"nimi": {"title": "Nimi", "type": "string"},
                       "maa": {"title": "Maa", "type": "string", "default": "Suomi"}},
    }))
    with TestClient(__import__("server").create_app(settings)) as fresh:
        assert fresh.post("/api/v1/forms/defaults/submissions", json={"nimi": "A"}).status_code == 201
        assert fresh.post("/forms/defaults", data={"/nimi": "B", "/maa": ""}, follow_redirects=False).status_code == 303
        assert stored(fresh) == [{"nimi": "A", "maa": "Suomi"}, {"nimi": "B", "maa": "Suomi"}]


def test_invalid_html_post_shows_summary_messages_and_keeps_values(client: TestClient, settings: Settings) -> None:
    answers = copy.deepcopy(KANTELU)
    answers["kantelija"]["postinumero"] = "001"
    del answers["kohde"]
    action, pairs = read_form(prefilled_page(client, ONE_PAGE_FORM, answers))
    response = client.post(action, data=_multi(pairs + [("/alkaen[day]", "31")]))
    assert response.status_code == 422
    doc = lxml.html.fromstring(response.text)
    assert doc.findtext(".//title").startswith("Virhe: ")
    links = {a.get("href"): a.text_content() for a in doc.xpath("//div[@class='error-summary']//a")}
    assert links == {
        "#f_kantelija_postinumero": "Kirjoita postinumero viidellä numerolla, esimerkiksi 00100.",
        "#f_kohde": "Valitse, mitä toimintaa kantelu koskee.",
    }
    for href, message in links.items():
        control = doc.get_element_by_id(href[1:])
        assert control.get("aria-invalid") == "true"
        error_ids = [i for i in (control.get("aria-describedby") or "").split() if i.endswith("-error")]
        if control.get("type") == "radio":
            error_ids = doc.get_element_by_id(href[1:] + "-group").get("aria-describedby").split()[-1:]
        assert doc.get_element_by_id(error_ids[0]).text_content().endswith(message)
    assert doc.get_element_by_id("f_kantelija_postinumero").get("value") == "001"
    assert doc.get_element_by_id("f_taho").get("value") == KANTELU["taho"]
    assert "is a required property" not in response.text and "does not match" not in response.text
    assert stored(client) == []


@pytest.mark.parametrize("body", [b"{", b"[1,", b'{"a": NaN}', b"\xff\xfe", b"[" * 100_000])
def test_malformed_json_is_400_in_the_error_shape(client: TestClient, settings: Settings, body: bytes) -> None:
    response = client.post("/api/v1/forms/kantelu/submissions", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["pointer"] == "" and error["message"]
    assert stored(client) == []


def test_wrong_types_are_422_with_pointers(client: TestClient, settings: Settings) -> None:
    answers = copy.deepcopy(KANTELU)
    answers["kantelija"]["postinumero"] = 100
    answers["aiemmat"]["muistutus"] = "no"
    answers["extra"] = 1
    response = client.post("/api/v1/forms/kantelu/submissions", json=answers)
    assert response.status_code == 422
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert pointers == ["/kantelija/postinumero", "/aiemmat/muistutus", "/extra"]
    assert response.json()["errors"][2]["message"] == "Lomakkeessa ei ole kohtaa ”extra”."
    assert client.post("/api/v1/forms/kantelu/submissions", json=[1]).status_code == 422
    assert stored(client) == []


def test_unknown_fields_are_refused_when_the_schema_closes_the_object(client: TestClient, settings: Settings) -> None:
    (settings.schemas_dir / "closed.json").write_text(json.dumps({
        "title": "Suljettu", "type": "object", "additionalProperties": False,
        "properties": {"nimi": {"title": "Nimi", "type": "string"}}}))
    with TestClient(__import__("server").create_app(settings)) as fresh:
        response = fresh.post("/api/v1/forms/closed/submissions", json={"nimi": "a", "muu": 1})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": "/muu", "message": "Lomakkeessa ei ole kohtaa ”muu”."}]


def test_oversize_bodies_are_413_on_both_paths(client: TestClient, settings: Settings) -> None:
    big = "x" * 300_000
    api = client.post("/api/v1/forms/kantelu/submissions", json={**KANTELU, "miksi": big})
    html = client.post("/forms/kantelu", data={"/miksi": big})
    assert (api.status_code, html.status_code) == (413, 413)
    assert api.json()["errors"][0]["pointer"] == ""
    assert stored(client) == []


def test_text_over_max_length_is_refused_not_cut(client: TestClient, settings: Settings) -> None:
    response = client.post("/api/v1/forms/kantelu/submissions", json={**KANTELU, "miksi": "y" * 10_001})
    assert response.json()["errors"] == [
        {"pointer": "/miksi", "message": "Kirjoita enintään 10000 merkkiä."}
    ]
    page = client.get(f"/forms/{ONE_PAGE_FORM}").text
    assert "maxlength" not in page
    assert "Enintään 10\u00a0000 merkkiä." in page


def test_unknown_form_is_404_for_people_and_programs(client: TestClient) -> None:
    assert client.get("/forms/nope").status_code == 404
    assert "Sivua ei löytynyt" in client.get("/forms/nope").text
    api = client.post("/api/v1/forms/nope/submissions", json={})
    assert api.status_code == 404
    assert api.json() == {"errors": [{"pointer": "", "message": "Lomaketta ”nope” ei ole."}]}
    assert client.get("/api/v1/forms/nope").status_code == 404
    assert client.get("/no/such/page").status_code == 404


def test_wrong_media_types_are_415(client: TestClient) -> None:
    api = client.post("/api/v1/forms/kantelu/submissions", content=b"a=1",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    html = client.post("/forms/kantelu", content=b"{}", headers={"content-type": "application/json"})
    assert (api.status_code, html.status_code) == (415, 415)


def test_markup_in_every_text_field_is_never_echoed_unescaped(client: TestClient, settings: Settings) -> None:
    answers = _with_payload(copy.deepcopy(KANTELU))
    action, pairs = read_form(prefilled_page(client, ONE_PAGE_FORM, answers))
    invalid = client.post(action, data=_multi([p for p in pairs if p[0] != "/vakuutus"]))
    assert invalid.status_code == 422
    assert PAYLOAD not in invalid.text and "<script>" not in invalid.text
    carrying = json.dumps(answers, ensure_ascii=False).count("<script>")
    assert carrying == 9
    assert invalid.text.count("&lt;script&gt;alert(1)&lt;/script&gt;") == carrying
    accepted = client.post(action, data=_multi([*pairs, *page_csrf(invalid.text)]), follow_redirects=False)
    assert accepted.status_code == 303
    assert stored(client) == [answers]
    confirmation = client.get(accepted.headers["location"]).text
    assert "<script>" not in confirmation and "&lt;script&gt;alert(1)" in confirmation
    api = client.post("/api/v1/forms/kantelu/submissions", json={**answers, "kohde": PAYLOAD})
    assert api.status_code == 422 and "<script>" not in api.text


def _with_payload(value: Any) -> Any:
    """Every free-text answer carrying markup (codes with a pattern keep their format)."""
    keep = {"postinumero", "sahkoposti", "syntymaaika", "alkaen", "asti", "puhelin"}
    if isinstance(value, dict):
        return {k: (v if k in keep else _with_payload(v)) for k, v in value.items()}
    if isinstance(value, str) and value not in ("toinen", "huoltaja", "opetus", "posti"):
        return value + PAYLOAD
    return value


def test_cross_origin_posts_are_refused(client: TestClient, settings: Settings) -> None:
    action, pairs = read_form(prefilled_page(client, ONE_PAGE_FORM, KANTELU))
    hostile = client.post(action, data=_multi(pairs), headers={"sec-fetch-site": "cross-site"})
    assert hostile.status_code == 403
    by_origin = client.post(action, data=_multi(pairs), headers={"origin": "https://evil.example"})
    assert by_origin.status_code == 403
    same = client.post(action, data=_multi(pairs), follow_redirects=False,
                       headers={"sec-fetch-site": "same-origin", "origin": "http://lomake.test"})
    assert same.status_code == 303
    assert len(stored(client)) == 1


def test_strict_headers_on_every_page(client: TestClient) -> None:
    for path in ("/", "/forms/kantelu", "/api/v1/forms", "/nope"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_receipt_urls_cannot_be_guessed(client: TestClient) -> None:
    created = client.post("/api/v1/forms/kantelu/submissions", json=KANTELU).json()
    token = created["receipt_url"].rsplit("/", 1)[1].removesuffix(".pdf")
    assert len(token) == 43 and token != created["id"]
    for guess in (created["id"], "1", token[:-1] + ("A" if token[-1] != "A" else "B"), "../etc/passwd"):
        assert client.get(f"/receipts/{guess}").status_code == 404
    page = client.get(f"/receipts/{token}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"


def test_a_broken_form_file_does_not_stop_the_others(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    (settings.schemas_dir / "broken.json").write_text('{"title": "Rikki", "type": "object", "properties": {"a": {"$ref": "#/nope"}}}')
    with TestClient(__import__("server").create_app(settings)) as fresh:
        assert fresh.get("/forms/kantelu").status_code == 200
        assert fresh.get("/forms/broken").status_code == 404
    assert any(re.search(r"broken.json:\d+:\d+: /properties/a/\$ref: \$ref '#/nope' does not resolve", r.message)
               for r in caplog.records)


def test_index_lists_forms_and_pages_set_their_language(client: TestClient) -> None:
    index = lxml.html.fromstring(client.get("/?lang=sv").text)
    assert index.get("lang") == "sv"
    assert "Kantelu" in [a.text for a in index.xpath("//ul[@class='form-list']//a")]
    assert lxml.html.fromstring(client.get("/forms/kantelu").text).get("lang") == "fi"


def test_an_agency_theme_is_its_own_style_sheet_of_custom_properties(client: TestClient, settings: Settings) -> None:
    page = lxml.html.fromstring(client.get("/forms/kantelu").text)
    assert page.xpath("//link[@rel='stylesheet']/@href") == ["/static/lomake.css", "/themes/lvv.css"]
    css = client.get("/themes/lvv.css")
    assert css.headers["content-type"].startswith("text/css")
    assert css.text == ":root {\n  --lomake-brand: #00629c;\n  --lomake-brand-dark: #003a5d;\n}\n"
    assert client.get("/themes/lomake.css").status_code == 404
    (settings.schemas_dir / "agencies" / "evil.json").write_text(json.dumps(
        {"name": {"fi": "E"}, "theme": {"brand": "red;} body{display:none"}}))
    assert any("agencies/evil.json: /theme/brand" in str(p) for p in load_catalog(settings.schemas_dir).problems)
