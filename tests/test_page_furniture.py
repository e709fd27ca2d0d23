"""Issue 11, items 5, 7, 8, 9 and 13, on the sample forms: the saved page, one-question headings, input widths,
"add another" wording, file sizes in words, the focus style, the 404 page and the index."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.view.build import form_view
from renderer.html import Pages
from server import create_app
from tests.conftest import ONE_PAGE_FORM, api_key, form_client, read_form, unhyphenated

ROOT = Path(__file__).resolve().parent.parent
CSS = ROOT / "renderer" / "static" / "lomake.css"


def saved_page(client: TestClient, form_id: str, lang: str) -> lxml.html.HtmlElement:
    """The page "save and continue later" leads to, for a fresh draft of `form_id` in `lang`."""
    opened = client.get(f"/forms/{form_id}?lang={lang}").text
    begin = lxml.html.fromstring(opened).xpath("//a[contains(@class, 'button--start')]/@href")  # a start page first
    action, pairs = read_form(client.get(begin[0]).text if begin else opened)
    data: dict[str, list[str]] = {"_action": ["save"]}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    saved = client.post(action, data=data, follow_redirects=False)
    assert saved.status_code == 303 and "/saved" in saved.headers["location"], saved.text
    page = client.get(saved.headers["location"])
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    return lxml.html.fromstring(page.text)


def test_the_saved_page_is_plain_and_says_not_sent_kept_until_deadline_link_code_and_mail(
        client: TestClient) -> None:
    doc = saved_page(client, "oikaisuvaatimus", "fi")
    main = doc.xpath("string(//main)")
    assert doc.xpath("//*[contains(@class, 'panel')]") == []  # not the green panel of a sent form
    assert doc.xpath("string(//h1)") == "Luonnos on tallennettu"
    assert "Lomaketta ei ole lähetetty." in main
    assert re.search(r"Luonnos poistetaan \d+\.\d+\.20\d\d klo \d+\.\d\d, jos et jatka sitä ennen\.", main), main
    assert "Oikaisuvaatimus on tehtävä 14 päivän kuluessa" in main
    assert "Luonnos säilyy 30 päivää, mutta asian määräaika on 14 päivää." in main  # draft_days > deadline_days
    link = str(doc.xpath("string(//a[@class='resume-link']/@href)"))
    assert re.fullmatch(r"http://lomake\.test/drafts/[A-Za-z0-9_-]{43}", link)
    assert doc.xpath("string(//a[@class='resume-link'])") == link  # the link shown as a link
    code = str(doc.xpath("string(//strong[@class='reference'])"))
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){2}", code)
    (mailto,) = [str(h) for h in doc.xpath("//a/@href") if str(h).startswith("mailto:")]
    query = parse_qs(urlsplit(mailto).query)
    assert urlsplit(mailto).path == "" and query["subject"] == ["Oikaisuvaatimus: jatkolinkki"]
    assert link in query["body"][0] and code in query["body"][0] and "Luonnos poistetaan" in query["body"][0]
    assert "+" not in mailto  # spaces as %20: a mail program reads + as a plus
    (item,) = doc.xpath("//li[button[@data-print]]")
    assert item.get("hidden") is not None  # the print button appears with JavaScript only
    again = client.get(str(doc.xpath("string(//p[@class='saved__continue']/a/@href)")))
    assert "Vastauksesi säilyvät" not in again.text  # the expiry is said on the saved page, not on every page


def test_a_form_without_a_deadline_gives_no_warning_and_the_page_speaks_the_language(client: TestClient) -> None:
    doc = saved_page(client, ONE_PAGE_FORM, "sv")
    main = doc.xpath("string(//main)")
    assert "Blanketten har inte skickats." in main and "tidsfristen" not in main
    assert doc.xpath("//*[contains(@class, 'saved__deadline')]") == []
    english = saved_page(client, "oikaisuvaatimus", "en")
    text = english.xpath("string(//main)")
    assert "Your form has not been sent." in text and "within 14 days" in text
    assert "Your draft is kept for 30 days, but the time limit for this matter is 14 days." in text


def test_a_page_with_one_question_has_the_question_as_its_h1(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/forms/oikaisuvaatimus/pages/asiointi?lang=fi").text)
    (h1,) = doc.xpath("//h1")
    assert h1.getparent().tag == "legend" and h1.text_content() == "Kenen puolesta asioit?"
    headings = [e.text_content() for e in doc.xpath("//h1 | //h2 | //h3 | //legend")]
    assert [h for h in headings if "Kenen puolesta" in h] == ["Kenen puolesta asioit?"] * 2  # legend, its h1
    assert doc.xpath("//h2") == []  # not the page title, a group legend and the question saying the same
    assert "Kenen puolesta asioit – Oikaisuvaatimus" in doc.xpath("string(//title)")
    several = lxml.html.fromstring(client.get("/forms/oikaisuvaatimus/pages/tekija?lang=fi").text)
    assert [unhyphenated(h.text_content()) for h in several.xpath("//h1")] == ["Oikaisuvaatimuksen tekijä"]


def test_inputs_fit_their_answers_on_the_sample_forms(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/forms/oikaisuvaatimus/pages/tekija?lang=fi").text)
    assert "input--width-11" in doc.xpath("string(//input[@name='/vaatija/henkilotunnus']/@class)")
    assert "input--width-5" in doc.xpath("string(//input[@name='/vaatija/postinumero']/@class)")
    assert doc.xpath("string(//input[@name='/vaatija/sukunimi']/@class)") == "input"
    assert "Enintään" not in doc.xpath("string(//main)")  # no "at most N characters" under every field
    acting = lxml.html.fromstring(client.get("/forms/oikaisuvaatimus/pages/asiointi?lang=fi").text)
    business = acting.xpath("//input[contains(@name, 'ytunnus')]/@class")
    assert business and all("input--width-10" in c for c in business)


def test_a_locked_prefilled_answer_shows_no_input_hints(client: TestClient) -> None:
    made = client.post("/api/v1/forms/oikaisuvaatimus/drafts", headers=api_key(client, "lvv"),
                       json={"vaatija": {"etunimet": "Maija", "sukunimi": "M", "henkilotunnus": "131052-308T"}})
    assert made.status_code == 201, made.text
    page = client.get(made.json()["resume_url"].removeprefix("http://testserver"))
    doc = lxml.html.fromstring(page.text)
    assert doc.xpath("string(//div[@id='f_vaatija_henkilotunnus-hint'])") == "Esitäytetty, et voi muuttaa tätä."


@pytest.mark.parametrize(("lang", "first", "another"), [
    ("fi", "Lisää liite", "Lisää toinen liite"),
    ("sv", "Lägg till bilaga", "Lägg till en bilaga till"),
    ("en", "Add attachment", "Add another attachment"),
])
def test_add_another_names_what_it_adds(client: TestClient, lang: str, first: str, another: str) -> None:
    app = client.app.state.lomake  # type: ignore[attr-defined]
    form = app.catalog.forms["oikaisuvaatimus"]
    view = form_view(form.in_language(lang), lang)
    buttons = "//button[starts-with(@value, 'add /liitteet')]"
    for values, wanted in (({"/liitteet[count]": ["0"]}, first), ({"/liitteet[count]": ["1"]}, another)):
        doc = lxml.html.fromstring(Pages().form_page(view, "/", "P", form.languages, values=values))
        assert doc.xpath(f"string({buttons})") == wanted


def test_a_file_input_is_labelled_in_the_pages_language(client: TestClient) -> None:
    app = client.app.state.lomake  # type: ignore[attr-defined]
    form = app.catalog.forms["oikaisuvaatimus"]
    for lang, choose in (("fi", "Valitse tiedosto"), ("sv", "Välj fil"), ("en", "Choose file")):
        doc = lxml.html.fromstring(Pages().form_page(form_view(form.in_language(lang), lang), "/", "P", ("fi",)))
        (button,) = doc.xpath("//label[contains(@class, 'file-upload__button')][@for='f_paatosliite']")
        assert button.text_content() == choose
        assert doc.xpath("//input[@id='f_paatosliite']/@type") == ["file"]
        assert len(doc.xpath("//label[@for='f_paatosliite']")) == 2  # the question, and the button
        hints = [h.text_content() for h in doc.xpath("//div[@id='f_paatosliite-hint']")]
        assert len(hints) == 1 and hints[0].count("10 M") == 1  # types and size said once


def test_the_confirmation_lists_files_by_name_and_size_in_words(tmp_path: Path) -> None:
    from tests.test_uploads import FORM, PDF

    with form_client(tmp_path, liite=FORM) as client:
        sent = client.post("/forms/liite", data={"/nimi": "Maija"}, follow_redirects=False,
                           files=[("/paatos", ("päätös.pdf", PDF + b"%" + b"x" * 1700, "application/pdf"))])
        assert sent.status_code == 303, sent.text
        page = client.get(sent.headers["location"]).text
    assert "päätös.pdf (2 kt)" in page and "tavua" not in page and "application/pdf" not in page


def test_back_to_a_sent_one_page_form_shows_its_confirmation(tmp_path: Path) -> None:
    """Issue 11, item 13 (the browser side is in test_browser.py): the form's address reached by the Back button
    (a navigation the person did not start: no `Sec-Fetch-User`) just after sending gives the confirmation,
    once; opened by a link, or by a client that sends no Fetch metadata, the form."""
    from tests.test_uploads import FORM, PDF

    with form_client(tmp_path, liite=FORM) as client:
        sent = client.post("/forms/liite", data={"/nimi": "Maija"}, follow_redirects=False,
                           files=[("/paatos", ("päätös.pdf", PDF, "application/pdf"))])
        receipt = sent.headers["location"]
        cookie = sent.headers["set-cookie"]
        assert "HttpOnly" in cookie and "Path=/forms/liite" in cookie and "SameSite=lax" in cookie
        assert client.get("/forms/liite").status_code == 200  # no Fetch metadata: the form
        linked = client.get("/forms/liite", headers={"sec-fetch-mode": "navigate", "sec-fetch-user": "?1"})
        assert linked.status_code == 200 and 'name="/nimi"' in linked.text
        back = client.get("/forms/liite", headers={"sec-fetch-mode": "navigate"}, follow_redirects=False)
        assert back.status_code == 303 and back.headers["location"] == receipt
        assert 'lomake_sent=""' in back.headers["set-cookie"]  # once
        again = client.get("/forms/liite", headers={"sec-fetch-mode": "navigate"}, follow_redirects=False)
        assert again.status_code == 200
        client.cookies.set("lomake_sent", "../../api/v1/forms", path="/forms/liite")  # not a token: no redirect
        assert client.get("/forms/liite", headers={"sec-fetch-mode": "navigate"},
                          follow_redirects=False).status_code == 200


def test_the_focus_style_is_yellow_with_a_dark_bar_at_3_to_1_or_more() -> None:
    css = CSS.read_text()
    focus = re.search(r"--lomake-focus: (#[0-9a-f]{6});", css)
    bar = re.search(r"--lomake-focus-text: (#[0-9a-f]{6});", css)
    assert focus and bar and focus.group(1) == "#ffdd00"
    assert re.search(r"a:focus-visible[^{]*\{[^}]*background-color: var\(--lomake-focus\)[^}]*"
                     r"box-shadow: 0 -2px var\(--lomake-focus\), 0 4px var\(--lomake-focus-text\)", css)
    assert re.search(r"\.input:focus[^{]*\{[^}]*outline: 3px solid var\(--lomake-focus\)", css)
    for against in ("#1a4b82", "#003a5d", "#6e6e6e"):  # the header (default and the agency's theme), a control
        assert contrast(focus.group(1), against) >= 3
    assert contrast(bar.group(1), "#ffffff") >= 3 and contrast(bar.group(1), focus.group(1)) >= 3


def contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_404_page_has_the_language_switch(client: TestClient) -> None:
    page = client.get("/ei-ole", headers={"accept": "text/html"})
    assert page.status_code == 404
    doc = lxml.html.fromstring(page.text)
    assert doc.xpath("//nav[@class='language-switch']//a/@href") == ["?lang=sv", "?lang=en"]
    swedish = lxml.html.fromstring(client.get("/ei-ole?lang=sv", headers={"accept": "text/html"}).text)
    assert swedish.xpath("string(//h1)") != doc.xpath("string(//h1)") and swedish.get("lang") == "sv"


def test_the_index_names_agencies_and_categories_in_words(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/?lang=fi").text)
    assert doc.xpath("string(//title)") == "Lomakkeet – Lomake-palvelu"
    assert {"Lupa- ja valvontavirasto", "Espoon kaupunki"} <= {unhyphenated(h.text_content()) for h in doc.xpath("//h2")}
    items = [unhyphenated(a.text_content()) for a in doc.xpath("//ul[@class='form-list']/li/a")]
    assert "Oikaisuvaatimus" in items  # not "Oikaisuvaatimus (oikaisuvaatimus)"
    assert not any("(" in item for item in items)
    assert "Oikaisuvaatimus" in [unhyphenated(h.text_content()) for h in doc.xpath("//h3")]  # the category, in words
    english = lxml.html.fromstring(client.get("/?lang=en").text)
    assert "Permit and Supervision Agency" in english.xpath("string(//main)")
    assert "Feedback" in english.xpath("string(//main)") or "Complaint" in english.xpath("string(//main)")


def test_an_app_without_forms_still_renders(tmp_path: Path) -> None:
    from core.settings import Settings

    (tmp_path / "schemas").mkdir()
    with TestClient(create_app(Settings(schemas_dir=tmp_path / "schemas", db_url=f"sqlite:///{tmp_path}/x.db"))) as c:
        assert "Lomakkeita ei ole." in c.get("/?lang=fi").text
