"""Finnish identifiers: the examples of domain.md, generated ones, and both paths in the app."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import lxml.html
import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from core.i18n import INTERFACE_LOCALE
from core.identifiers import IDENTIFIERS, Identifier, check, normalise, shown
from core.messages import LANGUAGES, text
from tests.conftest import form_client, send_answers, stored_answers

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def reason(fmt: str, value: str) -> str | None:
    try:
        check(fmt, normalise(fmt, value))
    except ValueError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("code", ["131052-308T", "010594Y202E", "020594X2034", "010516B203B", "020504A202V",
                                  "311299-101F", " 131052-308t "])
def test_valid_personal_identity_codes(code: str) -> None:
    assert reason("fi-hetu", code) is None
    assert normalise("fi-hetu", code) == code.strip().upper()


@pytest.mark.parametrize(("code", "why"), [
    ("131052-9085", "temporary"), ("010594Y9021", "temporary"), ("020594X903P", "temporary"),
    ("010190-999K", "checksum"), ("131052-308U", "checksum"), ("310299-101F", "date"),
    ("131052308T", "format"), ("131052*308T", "format"),
])
def test_refused_personal_identity_codes_say_why(code: str, why: str) -> None:
    assert reason("fi-hetu", code) == why


@given(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)), st.integers(min_value=2, max_value=899))
def test_any_real_code_passes_and_any_other_check_character_fails(day: dt.date, individual: int) -> None:
    signs = {18: "+", 19: "-", 20: "A"}
    stem = f"{day:%d%m%y}{individual:03d}"
    right = CHECK_CHARACTERS[int(stem) % 31]
    code = f"{day:%d%m%y}{signs[day.year // 100]}{individual:03d}{right}"
    assert reason("fi-hetu", code) is None
    wrong = CHECK_CHARACTERS[(int(stem) + 1) % 31]
    assert reason("fi-hetu", code[:-1] + wrong) == "checksum"


@pytest.mark.parametrize(("value", "why"), [("0245439-9", None), ("1895312-5", None), ("2077474-0", None),
                                            ("0245439 9", None), ("2077474-1", "checksum"), ("12345", "format")])
def test_business_ids(value: str, why: str | None) -> None:
    assert reason("fi-business-id", value) == why


@given(st.integers(min_value=0, max_value=9_999_999))
def test_business_id_check_digits(number: int) -> None:
    digits = f"{number:07d}"
    r = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if r == 1:
        assert all(reason("fi-business-id", f"{digits}-{t}") == "checksum" for t in range(10))
    else:
        right = 0 if r == 0 else 11 - r
        assert reason("fi-business-id", f"{digits}-{right}") is None
        assert reason("fi-business-id", f"{digits}-{(right + 1) % 10}") == "checksum"


def test_iban_postal_code_and_phone() -> None:
    assert reason("iban", "FI21 1234 5600 0007 85") is None
    assert normalise("iban", "fi21 1234 5600 0007 85") == "FI2112345600000785"
    assert shown("iban", "FI2112345600000785") == "FI21 1234 5600 0007 85"
    assert reason("iban", "FI21 1234 5600 0007 86") == "checksum"
    assert reason("fi-postal-code", "00 100") is None and reason("fi-postal-code", "0010") == "format"
    assert normalise("phone", "040 123 4567") == "+358401234567" and reason("phone", "040 123 4567") is None
    assert reason("phone", "123") == "format"


FORM = {"title": "Tunnukset", "type": "object", "required": ["hetu"], "properties": {
    "hetu": {"title": "Henkilötunnus", "type": "string", "format": "fi-hetu"},
    "ytunnus": {"title": "Y-tunnus", "type": "string", "format": "fi-business-id"},
    "tili": {"title": "Tilinumero", "type": "string", "format": "iban"},
    "puhelin": {"title": "Puhelin", "type": "string", "format": "phone"},
}}


def test_both_paths_normalise_before_storing_and_speak_of_the_reason(tmp_path: Path) -> None:
    with form_client(tmp_path, tunnukset=FORM) as client:
        refused = send_answers(client, "tunnukset", {"/hetu": "010190-999K"})
        assert refused.status_code == 422
        assert "Henkilötunnuksen tarkistusmerkki ei täsmää. Tarkista tunnus." in refused.text
        sent = send_answers(client, "tunnukset", {"/hetu": "131052-308t", "/ytunnus": "0245439 9",
                                                   "/tili": "fi21 1234 5600 0007 85", "/puhelin": "040 123 4567"})
        assert sent.status_code == 303
        api = client.post("/api/v1/forms/tunnukset/submissions", json={"hetu": "131052-9085"})
        assert api.json()["errors"] == [{"pointer": "/hetu", "message":
                                         "Väliaikaista henkilötunnusta ei voi käyttää. Kirjoita pysyvä henkilötunnus."}]
        assert stored_answers(client) == [{"hetu": "131052-308T", "ytunnus": "0245439-9",
                                           "tili": "FI2112345600000785", "puhelin": "+358401234567"}]
        receipt = client.get(sent.headers["location"]).text
        assert "FI21 1234 5600 0007 85" in receipt and json.dumps("+358 40 1234567")[1:-1] in receipt


def catalog_entries(lang: str) -> dict[str, Message]:
    with (INTERFACE_LOCALE / f"{lang}.po").open("rb") as file:
        return {m.context: m for m in read_po(file) if m.id and m.context}


@pytest.mark.parametrize("identifier", IDENTIFIERS.values(), ids=list(IDENTIFIERS))
def test_every_identifier_has_each_of_its_messages_in_every_language(identifier: Identifier) -> None:
    """Its messages are the interface's (core/messages.py, translated in the catalogs): asking for it and each
    reason to refuse it, and no other message speaks of it."""
    with (INTERFACE_LOCALE / "messages.pot").open("rb") as file:
        finnish = {m.context: str(m.id) for m in read_po(file) if m.id and m.context}
    own = {key for key in finnish if key.startswith(f"{identifier.name}:") or key == f"required_{identifier.name}"}
    assert own == set(identifier.messages)
    for lang in LANGUAGES[1:]:
        entries = catalog_entries(lang)
        for key in identifier.messages:
            entry = entries[key]
            assert entry.id == finnish[key] and entry.string and not entry.fuzzy, f"{lang}.po: {key}"


@pytest.mark.parametrize("identifier", IDENTIFIERS.values(), ids=list(IDENTIFIERS))
def test_every_identifier_is_typed_checked_stored_and_shown_as_its_entry_says(tmp_path: Path,
                                                                              identifier: Identifier) -> None:
    form = {"title": "T", "type": "object", "required": ["x"],
            "properties": {"x": {"title": "X", "type": "string", "format": identifier.name}}}
    with form_client(tmp_path, t=form) as client:
        (control,) = lxml.html.fromstring(client.get("/forms/t").text).xpath("//input[@name='/x']")
        assert {k: control.get(k) for k, _ in identifier.attrs} == dict(identifier.attrs)
        assert f"input--width-{identifier.width}" in control.get("class").split()
        for written, told in (("", f"required_{identifier.name}"), ("x", identifier.refusal("format"))):
            refused = send_answers(client, "t", {"/x": written})
            assert refused.status_code == 422
            page = lxml.html.fromstring(refused.text).text_content()
            assert text("fi", told) in page and text("sv", told) != text("fi", told) != text("en", told)
        api = client.post("/api/v1/forms/t/submissions", json={"x": "x"})
        assert api.json()["errors"] == [{"pointer": "/x", "message": text("fi", identifier.refusal("format"))}]
        sent = send_answers(client, "t", {"/x": f" {identifier.example.lower()} "})
        assert sent.status_code == 303
        assert stored_answers(client) == [{"x": identifier.example}]
        confirmation = client.get(sent.headers["location"]).text
        assert identifier.shown(identifier.example) in lxml.html.fromstring(confirmation).text_content()
