"""Ask only once (WCAG 2.2 SC 3.3.7, `x-lomake` `same_as`): an answer asked again is filled in with the earlier
one on its page and the review, said where it came from, and stays the person's to change."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from lomake.check import check_paths
from tests.conftest import SCHEMAS, form_client
from tests.test_journey import page, send

PERMIT = "/forms/ymparistolupa/pages"
FOR_A_COMPANY = {"/asiointi/kenenPuolesta": "toinen", "/asiointi/peruste": "kaupparekisteri",
                 "/asiointi/paamies/nimi": "Esimerkki Kiviaines Oy", "/asiointi/paamies/laji": "organisaatio",
                 "/asiointi/paamies/ytunnus": "1895312-5"}
OPERATOR = {"/hakija/yhteyshenkilo": "Pekka Virtanen", "/hakija/puhelin": "+358401234567",
            "/hakija/sahkoposti": "pekka.virtanen@example.fi", "/hakija/katuosoite": "Teollisuustie 3",
            "/hakija/postinumero": "02920", "/hakija/postitoimipaikka": "Espoo"}


def operator(client: TestClient, lang: str = "fi") -> dict[str, tuple[str, str, bool]]:
    """The operator's name and business ID on their page: value, hint, and whether the person can change it."""
    _, _, doc = page(client, f"{PERMIT}/toiminnanharjoittaja?lang={lang}")
    shown = {}
    for name in ("/hakija/nimi", "/hakija/ytunnus"):
        (box,) = doc.xpath(f"//input[@name='{name}']")
        hint = " ".join(doc.xpath(f"string(//*[@id='{box.get('id')}-hint'])").split())
        shown[name] = (box.get("value") or "", hint, box.get("readonly") is None and box.get("disabled") is None)
    return shown


def test_the_company_acted_for_is_the_operator_filled_in_and_changeable(client: TestClient) -> None:
    sent = send(client, f"{PERMIT}/hakija?lang=fi", FOR_A_COMPANY)
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"{PERMIT}/toiminnanharjoittaja")
    assert operator(client) == {
        "/hakija/nimi": ("Esimerkki Kiviaines Oy",
                         "Täytetty vastauksestasi kohtaan ”Päämies: Nimi”. Voit muuttaa tätä.", True),
        "/hakija/ytunnus": ("1895312-5", "Täytetty vastauksestasi kohtaan ”Päämies: Y-tunnus”. Voit muuttaa tätä. "
                            "Esimerkiksi 1234567-1.", True)}
    assert operator(client, "en")["/hakija/nimi"][1] == "Filled in from your answer to “Principal: Name”. " \
        "You can change it."
    changed = send(client, f"{PERMIT}/toiminnanharjoittaja?lang=fi",
                   {**OPERATOR, "/hakija/nimi": "Esimerkki Kiviaines Oyj"})
    assert changed.status_code == 303
    again = operator(client)  # back on the page: the person's own answer, not the principal's
    assert again["/hakija/nimi"] == ("Esimerkki Kiviaines Oyj", "", True)
    assert again["/hakija/ytunnus"] == ("1895312-5", "Esimerkiksi 1234567-1.", True)


def test_nothing_is_filled_in_for_someone_acting_for_themselves(client: TestClient) -> None:
    # A browser without JavaScript sends the principal's boxes too, typed in before the person chose otherwise.
    sent = send(client, f"{PERMIT}/hakija?lang=fi", {**FOR_A_COMPANY, "/asiointi/kenenPuolesta": "itse"})
    assert sent.status_code == 303
    assert operator(client) == {"/hakija/nimi": ("", "", True), "/hakija/ytunnus": ("", "Esimerkiksi 1234567-1.", True)}


def test_an_operator_answered_is_not_overwritten_by_a_later_principal(client: TestClient) -> None:
    send(client, f"{PERMIT}/hakija?lang=fi", {"/asiointi/kenenPuolesta": "itse"})
    own = {**OPERATOR, "/hakija/nimi": "Oma Yritys Oy", "/hakija/ytunnus": "0112038-9"}
    assert send(client, f"{PERMIT}/toiminnanharjoittaja?lang=fi", own).status_code == 303
    send(client, f"{PERMIT}/hakija?lang=fi", FOR_A_COMPANY)
    assert operator(client)["/hakija/nimi"] == ("Oma Yritys Oy", "", True)


SIGNED: dict[str, Any] = {
    "title": "Hakemus", "type": "object", "required": ["asiointi"],
    "x-lomake": {"pages": [{"id": "asiointi", "title": "Asiointi", "properties": ["asiointi"]}],
                 "review": ["allekirjoittaja"],
                 "same_as": [{"answer": "/allekirjoittaja", "from": "/asiointi/paamies/nimi"}]},
    "properties": {"asiointi": {"$ref": "common/acting.json"},
                   "allekirjoittaja": {"title": "Allekirjoittaja", "type": "string"}},
}


@pytest.fixture
def signed(tmp_path: Path) -> Iterator[TestClient]:
    shutil.copytree(SCHEMAS / "common", tmp_path / "common")
    with form_client(tmp_path, hakemus=SIGNED) as c:
        yield c


def test_the_review_fills_in_its_own_question_too(signed: TestClient) -> None:
    person = {**FOR_A_COMPANY, "/asiointi/peruste": "huoltaja", "/asiointi/paamies/laji": "henkilo",
              "/asiointi/paamies/nimi": "Matti Meikäläinen", "/asiointi/paamies/henkilotunnus": "010516B203B"}
    sent = send(signed, "/forms/hakemus/pages/asiointi?lang=fi", person)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/forms/hakemus/review")
    doc = lxml.html.fromstring(signed.get("/forms/hakemus/review?lang=fi").text)
    (box,) = doc.xpath("//input[@name='/allekirjoittaja']")
    assert box.get("value") == "Matti Meikäläinen"
    assert "Täytetty vastauksestasi kohtaan ”Päämies: Nimi”" in doc.xpath(f"string(//*[@id='{box.get('id')}-hint'])")


@pytest.mark.parametrize(("same_as", "problem"), [
    ({"answer": "/hakija/nimi", "from": "/asiointi/paamies/nimet"},
     "/x-lomake/same_as/0/from: /asiointi/paamies/nimet is not a question the form asks (one answer, not a group "
     "or a list item)"),
    ({"answer": "/hakija", "from": "/asiointi/kenenPuolesta"},
     "/x-lomake/same_as/0/answer: /hakija is not a question the form asks (one answer, not a group or a list "
     "item)"),
    ({"answer": "/hakija/nimi", "from": "/kiinteistot/-/omistaja"},
     "/x-lomake/same_as/0/from: /kiinteistot/-/omistaja is not a question the form asks (one answer, not a group or "
     "a list item)"),
    ({"answer": "/hakija/ytunnus", "from": "/asiointi/paamies/nimi"},
     "/x-lomake/same_as/0: same_as fills an answer with one of its kind: /hakija/ytunnus is a string "
     "(fi-business-id), /asiointi/paamies/nimi a string"),
    ({"answer": "/asiointi/paamies/nimi", "from": "/hakija/nimi"},
     "/x-lomake/same_as/0/from: /hakija/nimi is not asked on a page before /asiointi/paamies/nimi's: an answer is "
     "filled in from one given earlier"),
])
def test_check_refuses_a_declaration_of_no_answer_or_of_another_kind(tmp_path: Path, same_as: dict[str, str],
                                                                    problem: str) -> None:
    shutil.copytree(SCHEMAS, tmp_path / "schemas")
    path = tmp_path / "schemas" / "ymparistolupa.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["x-lomake"]["same_as"] = [same_as]
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    problems = [p for p in check_paths([path]) if not p.warning]
    assert [f"{p.pointer}: {p.message}" for p in problems] == [problem]
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if '"same_as"' in text)
    assert problems[0].line > line and problems[0].column > 0
