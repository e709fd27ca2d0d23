"""The agency sample forms (rectification request, environmental permit, accessibility feedback):
each passes `lomake check` cleanly, is served in Finnish, Swedish and English, takes its sample
answers through the JSON API, and refuses a wrong identifier with the reason."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.forms import Catalog
from lomake.check import check_paths
from tests.conftest import SCHEMAS, stored_answers
from tests.samples import OIKAISUVAATIMUS, SAAVUTETTAVUUSPALAUTE, YMPARISTOLUPA

LANGUAGES = ("fi", "sv", "en")
#: Form id: its sample answers, its agency, its reference number, and its title in each language.
FORMS: dict[str, tuple[dict[str, Any], str, str, dict[str, str]]] = {
    "oikaisuvaatimus": (OIKAISUVAATIMUS, "lvv", r"LVV/\d+/20\d\d",
                        {"fi": "Oikaisuvaatimus", "sv": "Begäran om omprövning",
                         "en": "Request for an administrative review"}),
    "ymparistolupa": (YMPARISTOLUPA, "espoo", r"ESPOO/\d{4}/20\d\d",
                      {"fi": "Ympäristölupahakemus", "sv": "Ansökan om miljötillstånd",
                       "en": "Application for an environmental permit"}),
    "saavutettavuuspalaute": (SAAVUTETTAVUUSPALAUTE, "lvv", r"LVV/\d+/20\d\d",
                              {"fi": "Saavutettavuuspalaute", "sv": "Respons om tillgänglighet",
                               "en": "Accessibility feedback"}),
}
EVERY = [(form_id, lang) for form_id in FORMS for lang in LANGUAGES]

HETU_CHECKSUM = {"fi": "Henkilötunnuksen tarkistusmerkki ei täsmää. Tarkista tunnus.",
                 "sv": "Personbeteckningens kontrolltecken stämmer inte. Kontrollera beteckningen.",
                 "en": "The check character of the personal identity code does not match. Check the code."}
HETU_TEMPORARY = {"fi": "Väliaikaista henkilötunnusta ei voi käyttää. Kirjoita pysyvä henkilötunnus.",
                  "sv": "En tillfällig personbeteckning kan inte användas. Skriv den permanenta.",
                  "en": "A temporary identity code cannot be used. Enter the permanent one."}
BUSINESS_ID_CHECKSUM = {"fi": "Y-tunnuksen tarkistusnumero ei täsmää. Tarkista tunnus.",
                        "sv": "FO-numrets kontrollsiffra stämmer inte. Kontrollera numret.",
                        "en": "The check digit of the Business ID does not match. Check the ID."}
BUSINESS_ID_FORMAT = {"fi": "Kirjoita Y-tunnus muodossa 1234567-1.", "sv": "Skriv FO-numret i formatet 1234567-1.",
                      "en": "Enter the Business ID as 1234567-1."}
#: Form id, where in its sample, a wrong value, and what people are told.
WRONG_IDENTIFIERS = [
    ("oikaisuvaatimus", "/vaatija/henkilotunnus", "131052-308U", HETU_CHECKSUM),
    ("oikaisuvaatimus", "/vaatija/henkilotunnus", "131052-9085", HETU_TEMPORARY),
    ("oikaisuvaatimus", "/asiointi/paamies/henkilotunnus", "010516B203C", HETU_CHECKSUM),
    ("ymparistolupa", "/hakija/ytunnus", "1895312-4", BUSINESS_ID_CHECKSUM),
    ("ymparistolupa", "/hakija/ytunnus", "12345", BUSINESS_ID_FORMAT),
    ("ymparistolupa", "/asiointi/paamies/ytunnus", "2077474-1", BUSINESS_ID_CHECKSUM),
]


def with_value(answers: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    """A copy of `answers` with `value` at `pointer`."""
    changed = copy.deepcopy(answers)
    *path, last = pointer.strip("/").split("/")
    place: Any = changed
    for key in path:
        place = place[int(key)] if isinstance(place, list) else place[key]
    place[last] = value
    return changed


def as_stored(value: Any) -> Any:
    """The sample as it is stored: every file (a data URL) becomes a reference to its attachment."""
    if isinstance(value, dict):
        return {k: as_stored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_stored(v) for v in value]
    return "attachment:" if isinstance(value, str) and value.startswith("data:") else value


def without_attachment_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_attachment_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_attachment_ids(v) for v in value]
    if isinstance(value, str) and value.startswith("attachment:"):
        assert re.fullmatch(r"attachment:[\w-]{32}", value), value
        return "attachment:"
    return value


@pytest.mark.parametrize("form_id", FORMS)
def test_the_form_passes_check_without_errors_or_warnings(form_id: str) -> None:
    assert [str(p) for p in check_paths([SCHEMAS / f"{form_id}.json"])] == []


@pytest.mark.parametrize("form_id", FORMS)
def test_the_form_loads_with_its_agency_in_three_languages(catalog: Catalog, form_id: str) -> None:
    assert not [p for p in catalog.problems if p.path.endswith(f"{form_id}.json")]
    form = catalog.forms[form_id]
    _, agency, _, titles = FORMS[form_id]
    assert form.agency.id == agency
    assert form.languages == LANGUAGES
    assert form.version == "1"
    assert form.title == titles["fi"]


def test_the_long_forms_are_paged_and_their_pages_cover_every_question(catalog: Catalog) -> None:
    for form_id in ("oikaisuvaatimus", "ymparistolupa"):
        meta = catalog.forms[form_id].meta
        asked = [name for page in meta.pages for name in page.properties] + list(meta.review)
        assert meta.review == ("vakuutus",)
        assert len(asked) == len(set(asked))
        assert [page.id for page in meta.pages if page.condition] == [{"oikaisuvaatimus": "oppilasasia",
                                                                        "ymparistolupa": "luvat"}[form_id]]
        assert meta.prefill_read_only
    assert "pages" not in catalog.forms["saavutettavuuspalaute"].document["x-lomake"]


@pytest.mark.parametrize(("form_id", "lang"), EVERY)
def test_the_form_is_served_in_each_language(client: TestClient, form_id: str, lang: str) -> None:
    response = client.get(f"/forms/{form_id}?lang={lang}")
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert FORMS[form_id][3][lang] in response.text


@pytest.mark.parametrize(("form_id", "lang"), EVERY)
def test_the_sample_answers_are_taken_through_the_api(client: TestClient, form_id: str, lang: str) -> None:
    answers, _, reference, _ = FORMS[form_id]
    response = client.post(f"/api/v1/forms/{form_id}/submissions?lang={lang}", json=answers)
    assert response.status_code == 201, response.text
    assert re.fullmatch(reference, response.json()["reference"])
    (stored,) = stored_answers(client)
    assert without_attachment_ids(stored) == as_stored(answers)


@pytest.mark.parametrize("form_id", ["oikaisuvaatimus", "ymparistolupa"])
def test_files_in_attachment_rows_become_attachments(client: TestClient, form_id: str) -> None:
    response = client.post(f"/api/v1/forms/{form_id}/submissions", json=FORMS[form_id][0])
    assert response.status_code == 201, response.text
    (stored,) = stored_answers(client)
    assert [row["tiedosto"][:11] for row in stored["liitteet"]] == ["attachment:"] * len(stored["liitteet"])


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("form_id", "pointer", "wrong", "told"), WRONG_IDENTIFIERS)
def test_a_wrong_identifier_in_the_sample_is_refused_with_the_reason(
    client: TestClient, form_id: str, pointer: str, wrong: str, told: dict[str, str], lang: str
) -> None:
    answers = with_value(FORMS[form_id][0], pointer, wrong)
    response = client.post(f"/api/v1/forms/{form_id}/submissions?lang={lang}", json=answers)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": pointer, "message": told[lang]}]
    assert stored_answers(client) == []


def test_the_decision_itself_must_be_attached_to_a_rectification_request(client: TestClient) -> None:
    answers = {k: v for k, v in OIKAISUVAATIMUS.items() if k != "paatosliite"}
    response = client.post("/api/v1/forms/oikaisuvaatimus/submissions", json=answers)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": "/paatosliite",
                                          "message": "Liitä päätös ja sen oikaisuvaatimusohje."}]


def test_questions_of_a_page_that_does_not_apply_are_not_asked(client: TestClient) -> None:
    """A request in another matter needs no pupil details; a new installation has no permits yet."""
    other = {**{k: v for k, v in OIKAISUVAATIMUS.items() if k != "oppilasasia"}, "asianLaji": "muu"}
    assert client.post("/api/v1/forms/oikaisuvaatimus/submissions", json=other).status_code == 201
    pupil = {k: v for k, v in OIKAISUVAATIMUS.items() if k != "oppilasasia"}
    missing = client.post("/api/v1/forms/oikaisuvaatimus/submissions", json=pupil)
    assert missing.status_code == 422 and [e["pointer"] for e in missing.json()["errors"]] == ["/oppilasasia"]
    new = with_value({k: v for k, v in YMPARISTOLUPA.items() if k != "luvat"}, "/laitos/vaihe", "uusi")
    assert client.post("/api/v1/forms/ymparistolupa/submissions", json=new).status_code == 201
    changed = {k: v for k, v in YMPARISTOLUPA.items() if k != "luvat"}
    refused = client.post("/api/v1/forms/ymparistolupa/submissions", json=changed)
    assert refused.status_code == 422 and [e["pointer"] for e in refused.json()["errors"]] == ["/luvat"]


def files_out(value: Any, at: str = "") -> tuple[Any, dict[str, tuple[str, bytes, str]]]:
    """The answers without their files (data URLs), and the files as a browser uploads them, by control name."""
    from submission.uploads import data_url, data_url_name

    if isinstance(value, str) and (decoded := data_url(value)) is not None:
        return None, {at: (data_url_name(value, decoded[0]), decoded[1], decoded[0])}
    files: dict[str, tuple[str, bytes, str]] = {}
    if isinstance(value, dict):
        kept = {}
        for key, inner in value.items():
            rest, more = files_out(inner, f"{at}/{key}")
            files |= more
            if rest is not None:
                kept[key] = rest
        return kept, files
    if isinstance(value, list):
        items = []
        for i, inner in enumerate(value):
            rest, more = files_out(inner, f"{at}/{i}")
            files |= more
            items.append(rest)
        return items, files
    return value, files


@pytest.mark.parametrize(("form_id", "lang"), [*EVERY, ("kantelu", "fi"), ("kantelu", "sv"), ("kantelu", "en")])
def test_every_sample_form_round_trips_through_its_pages_in_each_language(
    client: TestClient, form_id: str, lang: str
) -> None:
    """What a person fills in on the pages, in any language, is what is stored: files uploaded, pages walked,
    the review's declaration ticked (a one-page form is sent at once)."""
    from submission.coerce import form_values
    from tests.samples import KANTELU
    from tests.test_journey import walk_pages

    sample = KANTELU if form_id == "kantelu" else FORMS[form_id][0]
    answers, files = files_out(sample)
    app = client.app.state.lomake  # type: ignore[attr-defined]
    form = app.catalog.forms[form_id]
    if not form.meta.one_page:
        review = walk_pages(client, f"/forms/{form_id}/pages/{form.meta.pages[0].id}?lang={lang}", answers, files)
        values = form_values(app.view(form, lang).fields, {k: answers[k] for k in form.meta.review})
        page = client.get(review)
        assert f'<html lang="{lang}">' in page.text
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        sent = client.post(review, data={**values, "_csrf": csrf.group(1)}, follow_redirects=False)
    else:
        values = form_values(app.view(form, lang).fields, answers)
        sent = client.post(f"/forms/{form_id}?lang={lang}", data=values, files=files or None, follow_redirects=False)
    assert sent.status_code == 303, re.findall(r'class="error-message">(.*?)</p>', sent.text)
    (stored,) = stored_answers(client)
    assert without_attachment_ids(stored) == as_stored(sample)



def test_phone_numbers_in_the_shared_contact_part_are_stored_as_e164(client: TestClient) -> None:
    answers = with_value(OIKAISUVAATIMUS, "/vaatija/puhelin", "040 123 4567")
    assert client.post("/api/v1/forms/oikaisuvaatimus/submissions", json=answers).status_code == 201
    (stored,) = stored_answers(client)
    assert stored["vaatija"]["puhelin"] == "+358401234567"
    wrong = client.post("/api/v1/forms/oikaisuvaatimus/submissions",
                        json=with_value(OIKAISUVAATIMUS, "/vaatija/puhelin", "12"))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["pointer"] == "/vaatija/puhelin"


def test_questions_an_answer_says_do_not_apply_are_not_asked_nor_required(client: TestClient) -> None:
    """No water used: no water consumption; no waste water: no treatment; no plan: no plan marking."""
    none = with_value(with_value(YMPARISTOLUPA, "/vesi", {"hankinta": "ei", "jatevedet": "ei"}), "/sijainti",
                      {k: v for k, v in YMPARISTOLUPA["sijainti"].items() if k != "kaavamerkinta"} | {"kaava": "ei"})
    assert client.post("/api/v1/forms/ymparistolupa/submissions", json=none).status_code == 201
    well = with_value(YMPARISTOLUPA, "/vesi", {"hankinta": "kaivo", "jatevedet": "puhdistamo",
                                               "kasittely": "Biologinen puhdistamo"})
    refused = client.post("/api/v1/forms/ymparistolupa/submissions", json=well)
    assert refused.status_code == 422 and [e["pointer"] for e in refused.json()["errors"]] == ["/vesi/kulutus"]
    well["vesi"]["kulutus"] = 120
    assert client.post("/api/v1/forms/ymparistolupa/submissions", json=well).status_code == 201
    page = client.get("/forms/ymparistolupa/pages/energia-ja-vesi?lang=sv").text
    assert page.index("Verksamheten använder inte vatten") < page.index("Vattenförbrukning")
    assert page.index("Inget avloppsvatten uppstår") < page.index("Hur behandlas avloppsvattnet?")
