"""Issue 9, item 3: the review, the confirmation and the receipt show each answer under its own heading, pages
and groups as the form declares them, nested groups closed where they end, a part not public marked so."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.outline import Row, headings, outline, pdf_bookmarks, pdf_words
from tests.samples import KANTELU, OIKAISUVAATIMUS, SAAVUTETTAVUUSPALAUTE, YMPARISTOLUPA

pytestmark = pytest.mark.pdf

DECLARATION = "Vakuutan, että antamani tiedot ovat oikeita"
NEIGHBOURS = "Naapurit [not public]"
#: Form id: its sample, and questions with the headings they stand under (outermost first), read from the form
#: file: its pages (`x-lomake.pages`), the titles of its objects and list items, the declaration last.
FORMS: dict[str, tuple[dict[str, Any], list[tuple[str, tuple[str, ...]]]]] = {
    "kantelu": (KANTELU, [
        ("Etunimet", ("Yhteystietosi",)),
        ("Miten haluat saada päätöksen?", ("Yhteystietosi",)),
        ("Nimi", ("Kenen puolesta teet kantelun", "Henkilö, jonka puolesta kantelet")),
        ("Mitä toimintaa kantelu koskee?", ("Mitä kantelu koskee",)),
        ("Miksi menettely on mielestäsi virheellinen?", ("Mitä tapahtui",)),
        ("Oletko tehnyt asiasta muistutuksen?", ("Mitä asiassa on jo tehty",)),
        (DECLARATION, ("Vakuutus",)),
    ]),
    "oikaisuvaatimus": (OIKAISUVAATIMUS, [
        ("Henkilötunnus", ("Oikaisuvaatimuksen tekijä",)),
        ("Miten haluat saada päätöksen?", ("Oikaisuvaatimuksen tekijä",)),
        ("Päämies on", ("Kenen puolesta asioit", "Päämies")),
        ("Päätöksen tekijä", ("Päätös", "Päätös, johon vaadit oikaisua")),
        ("Vuosiluokka", ("Oppilasasia",)),
        ("Miten päätöstä pitäisi muuttaa?", ("Vaatimus ja perustelut",)),
        ("Perustelut", ("Vaatimus ja perustelut",)),
        ("Päätös oikaisuvaatimusohjeineen", ("Liitteet",)),
        ("Liitteen kuvaus", ("Liitteet", "Muut liitteet", "Liite 1")),
        (DECLARATION, ("Vakuutus",)),
    ]),
    "ymparistolupa": (YMPARISTOLUPA, [
        ("Y-tunnus", ("Toiminnanharjoittaja",)),  # its own page, its heading said once
        ("Nimi", ("Laitos ja yhteyshenkilö", "Laitoksen yhteyshenkilö")),
        ("Lähiympäristö", ("Kiinteistöt, sijainti ja kaavoitus", "Sijainti ja kaavoitus")),
        ("Omistaja tai haltija", (NEIGHBOURS, "Naapurit ja muut asianosaiset", "Naapuri 1")),
        ("Postiosoite", (NEIGHBOURS, "Naapurit ja muut asianosaiset", "Naapuri 1")),
        ("Toiminnan kuvaus", ("Toiminta ja raaka-aineet", "Toiminta")),
        ("Yksikkö", ("Toiminta ja raaka-aineet", "Raaka-aineet ja kemikaalit", "Raaka-aine tai kemikaali 2")),
        ("Asemapiirros", ("Liitteet",)),
        (DECLARATION, ("Vakuutus",)),
    ]),
    "saavutettavuuspalaute": (SAAVUTETTAVUUSPALAUTE, [
        ("Kuvaile ongelmaa", ()),
        ("Haluatko vastauksen palautteeseesi?", ()),
        ("Sähköpostiosoite", ("Yhteystietosi",)),
    ]),
}


def where(rows: list[Row], question: str) -> list[tuple[str, ...]]:
    return [path for path, label, _ in rows if label == question]


def sent(client: TestClient, form_id: str) -> tuple[str, bytes]:
    created = client.post(f"/api/v1/forms/{form_id}/submissions", json=FORMS[form_id][0]).json()
    pdf = client.get(created["receipt_url"])
    return client.get(created["receipt_url"].removesuffix(".pdf")).text, pdf.content


@pytest.mark.parametrize("form_id", FORMS)
def test_the_confirmation_shows_each_answer_under_its_heading(client: TestClient, form_id: str) -> None:
    html, _ = sent(client, form_id)
    rows = outline(html)
    for question, path in FORMS[form_id][1]:
        assert path in where(rows, question), (question, where(rows, question))
    marked = {path[0] for path, _, _ in rows if NEIGHBOURS in path}
    assert marked == ({NEIGHBOURS} if form_id == "ymparistolupa" else set())
    assert all(NEIGHBOURS not in path[1:] for path, _, _ in rows)  # the mark is the page's, given once


@pytest.mark.parametrize("form_id", FORMS)
def test_the_receipt_pdf_has_the_confirmation_s_headings_and_answers_in_order(
        client: TestClient, form_id: str) -> None:
    html, pdf = sent(client, form_id)
    rows = outline(html)
    # WeasyPrint's bookmarks follow the headings h1–h6: the same tree as the page's, under "Vastaukset"
    (answers,) = [b for b in pdf_bookmarks(pdf) if b[-1] == "Vastaukset"]
    expected = [(*answers, *(p.replace(" [not public]", " Ei julkinen") for p in path)) for path in headings(rows)]
    assert [b for b in pdf_bookmarks(pdf) if b[:len(answers)] == answers and b != answers] == expected
    # and the text: each heading, then each question with its answer, in the page's order
    words, at = pdf_words(pdf), 0
    opened: set[tuple[str, ...]] = {()}
    for path, question, answer in rows:
        new = [path[i - 1] for i in range(1, len(path) + 1) if path[:i] not in opened]
        opened |= {path[:i] for i in range(len(path) + 1)}
        for part in (*new, question, " ".join(answer.split())):
            found = words.find(part.replace(" [not public]", ""), at)
            assert found >= 0, (part, words[at:at + 200])
            at = found


@pytest.mark.parametrize("form_id", ["oikaisuvaatimus", "ymparistolupa"])
def test_the_review_shows_the_pages_as_the_confirmation_does(client: TestClient, form_id: str) -> None:
    from tests.test_journey import walk_pages
    from tests.test_sample_forms import files_out

    answers, files = files_out(FORMS[form_id][0])
    form = client.app.state.lomake.catalog.forms[form_id]  # type: ignore[attr-defined]
    review = client.get(walk_pages(client, f"/forms/{form_id}/pages/{form.meta.pages[0].id}", answers, files))
    csrf = re.search(r'name="_csrf" value="([^"]+)"', review.text)
    assert csrf is not None
    shown = outline(review.text)
    confirmation = client.get(client.post(review.url, data={"/vakuutus": "true", "_csrf": csrf.group(1)}).url)
    assert shown == [row for row in outline(confirmation.text) if row[0] != ("Vakuutus",)]
    for question, path in FORMS[form_id][1][:-1]:
        assert path in where(shown, question), question
    # pages are the review's sections (h2), their groups one level down
    found = lxml_headings(review.text)
    assert found[0].tag == "h2" and "h3" in [h.tag for h in found]
    # issue 11, item 7: no heading repeats the one above it (a page and its one object)
    texts = [h.text_content() for h in found]
    assert all(one != two for one, two in zip(texts, texts[1:], strict=False))


def lxml_headings(html: str) -> list[Any]:
    import lxml.html

    return list(lxml.html.fromstring(html).xpath("//div[contains(@class, 'summary-group')]/*[self::h2 or self::h3]"))
