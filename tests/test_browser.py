"""Proof in a real browser: Debian's Chromium driven by Playwright, axe-core on every page,
the Nu Html Checker on every page's HTML, reflow at 320 px, and a keyboard-only journey.

With CI=true these tests never skip: a missing browser or tool is a failure.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lomake import audit
from lomake.audit import AXE, CHROMIUM, VNU, chromium, nu_messages, post_json
from lomake.rjsf import import_rjsf
from tests.conftest import ONE_PAGE_FORM, ONE_PAGE_SCHEMA, ROOT, SCHEMAS, cli_api_key, get, serving
from tests.samples import KANTELU, OIKAISUVAATIMUS, PDF, PNG
from tests.test_alternatives import FORM as ALTERNATIVE_FORM
from tests.test_conditionals import FORM as CONDITIONAL_FORM
from tests.test_conformance import SAMPLES
from tests.test_fixed import FORM as FIXED_FORM
from tests.test_journey import TOIVE
from tests.test_lists import FORM as LIST_FORM
from tests.test_nested_lists import FORM as NESTED_LIST_FORM
from tests.test_uploads import FORM as UPLOAD_FORM

VIESTI = {"title": "Viesti", "type": "object", "required": ["viesti"],
          "properties": {"viesti": {"title": "Viestisi", "type": "string"}}}
TEST_FORMS = {"valinta": ALTERNATIVE_FORM, "ehto": CONDITIONAL_FORM, "lista": LIST_FORM, "kiinteat": FIXED_FORM,
              "oikaisu": UPLOAD_FORM, "toive": TOIVE, "jaksot": NESTED_LIST_FORM, "viesti": VIESTI}

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "tests" / "screenshots"


def require(tool: Path | str, what: str) -> None:
    if not (shutil.which(str(tool)) if isinstance(tool, str) else tool.exists()):
        message = f"{what} is missing ({tool}): run ./dev install"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real server's working directory: its schemas folder and its database."""
    return tmp_path_factory.mktemp("site")


@pytest.fixture(scope="module")
def site(site_dir: Path) -> Iterator[str]:
    """A real server over the sample forms and every imported rjsf sample."""
    workdir = site_dir
    shutil.copytree(SCHEMAS, workdir / "schemas")
    shutil.copy(ONE_PAGE_SCHEMA, workdir / "schemas" / f"{ONE_PAGE_FORM}.json")
    for sample in SAMPLES:
        form, _ = import_rjsf(json.loads(sample.read_text()), sample.stem)
        (workdir / "schemas" / f"rjsf-{sample.stem}.json").write_text(json.dumps(form))
    for name, test_form in TEST_FORMS.items():
        (workdir / "schemas" / f"{name}.json").write_text(json.dumps(test_form))
    with serving(workdir) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(CHROMIUM, "chromium")
    with chromium() as launched:
        yield launched


def form_ids(base: str) -> list[str]:
    return [f["id"] for f in json.loads(get(f"{base}/api/v1/forms")[1])["forms"]]


def valid_answers(form_id: str) -> Any:
    if form_id in ("kantelu", ONE_PAGE_FORM):
        return KANTELU
    sample = next((s for s in SAMPLES if f"rjsf-{s.stem}" == form_id), None)
    if sample is None:
        return None
    data = json.loads(sample.read_text())
    from lomake.rjsf import wraps_object

    return data.get("formData") if wraps_object(data) else {"value": data.get("formData")}


def pages(base: str) -> list[tuple[str, str]]:
    """Every page to check: each form empty, in its error state and confirmed; index, statement, 404."""
    found = [("index", f"{base}/"), ("accessibility", f"{base}/accessibility"), ("not found", f"{base}/forms/nope"),
             ("statement", f"{base}/accessibility/lvv"),
             *((f"kantelu {lang}", f"{base}/forms/kantelu?lang={lang}") for lang in ("fi", "sv", "en"))]
    for form_id in form_ids(base):
        found.append((form_id, f"{base}/forms/{form_id}"))
        created = post_json(f"{base}/api/v1/forms/{form_id}/submissions", valid_answers(form_id) or {})
        if created is not None:
            found.append((f"{form_id} confirmation", created["receipt_url"].removesuffix(".pdf")))
    return found


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page (`lomake.audit`), a line each: rule, help, the first three places."""
    return [f"{v['id']}: {v['help']} {', '.join(v['targets'][:3])}" for v in audit.axe_violations(page)]


def test_axe_finds_nothing_on_any_page(site: str, browser: Any) -> None:
    require(AXE, "axe-core")
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    checked = 0
    for name, url in pages(site):
        page.goto(url)
        problems[name] = axe_violations(page)
        checked += 1
        if "/forms/" in url and "nope" not in url and page.locator("form.form").count():  # (not a start page)
            page.locator("form button.button[type=submit]:not([name])").click()
            page.wait_for_load_state()
            problems[f"{name} after submit"] = axe_violations(page)
            checked += 1
    context.close()
    print(f"axe-core checked {checked} pages")
    assert checked > 100
    assert {k: v for k, v in problems.items() if v} == {}


def test_every_page_passes_the_nu_html_checker(site: str, tmp_path: Path) -> None:
    require(VNU, "vnu-jar")
    require("java", "java")  # looked up on PATH
    files = []
    for i, (name, url) in enumerate(pages(site)):
        try:
            html = get(url)[1]
        except urllib.error.HTTPError as error:
            html = error.read()
            error.close()
        files.append(tmp_path / f"{i:03d}-{re.sub(r'[^a-z0-9-]', '-', name)}.html")
        files[-1].write_bytes(html)
    errors = 0
    for form_id in form_ids(site):  # each form's error state: an empty post, and the page it is sent to with its draft
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        empty = urllib.request.Request(f"{site}/forms/{form_id}", data=b"", method="POST",
                                       headers={"content-type": "application/x-www-form-urlencoded"})
        try:
            opener.open(empty, timeout=30).close()
        except urllib.error.HTTPError as error:
            files.append(tmp_path / f"{form_id}-errors.html")
            files[-1].write_bytes(error.read())
            error.close()
            errors += error.code == 422 and "checked=1" in error.url
    messages = nu_messages(files)
    print(f"the Nu Html Checker checked {len(files)} pages, {errors} of them a form's errors")
    assert len(files) > 50 and errors > 20
    assert [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_reflow_and_are_photographed(site: str, browser: Any, width: int) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    too_wide = {}
    for form_id in form_ids(site):
        page.goto(f"{site}/forms/{form_id}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide[form_id] = scroll
        page.screenshot(path=str(SCREENSHOTS / f"{form_id}-{width}.png"), full_page=True)
    context.close()
    assert too_wide == {}


def test_keyboard_only_journey_through_the_complaint(site: str, browser: Any) -> None:
    """Tab, Space, arrow keys, Enter and typing alone: no mouse, no script."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/forms/yksisivuinen?lang=fi")
    keyboard = page.keyboard

    def focus(element_id: str) -> None:
        for _ in range(80):
            keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    person = KANTELU["kantelija"]
    for key in ("etunimet", "sukunimi", "katuosoite", "postinumero", "postitoimipaikka", "puhelin", "sahkoposti"):
        focus(f"f_kantelija_{key}")
        keyboard.type(person[key])
    focus("f_toimija")  # radios: the first option takes focus, the arrow key moves and selects
    keyboard.press("ArrowDown")
    focus("f_peruste")
    keyboard.press("Space")
    focus("f_paamies_nimi")
    keyboard.type(KANTELU["paamies"]["nimi"])
    focus("f_paamies_syntymaaika")
    for part in ("4", "5", "2012"):
        keyboard.type(part)
        keyboard.press("Tab")
    focus("f_kohde")
    keyboard.press("ArrowDown")
    keyboard.press("ArrowDown")  # Opetustoimi
    for key in ("taho", "kunta"):
        focus(f"f_{key}")
        keyboard.type(KANTELU[key])
    focus("f_alkaen")
    for part in ("11", "elokuu", "2026"):
        keyboard.type(part)
        keyboard.press("Tab")
    for key in ("mitaTapahtui", "miksi"):
        focus(f"f_{key}")
        keyboard.type(KANTELU[key])
    for key, answer_no in (("keskusteltu", False), ("muistutus", True), ("vireillaMuualla", True)):
        focus(f"f_aiemmat_{key}")
        keyboard.press("ArrowDown" if answer_no else "Space")
    focus("f_toimitustapa")
    keyboard.press("ArrowDown")
    focus("f_vakuutus")
    keyboard.press("Space")
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        keyboard.press("Enter")
    assert "/receipts/" in page.url, page.locator("main").inner_text()[:600]
    assert re.search(r"LVV/\d+/20\d\d", page.locator(".reference").inner_text())
    text = page.locator("main").inner_text()
    for shown in ("Opetustoimi", "11.8.2026", "4.5.2012", "Kirjeenä postiosoitteeseesi", "Olen alaikäisen huoltaja"):
        assert shown in text
    context.close()


def test_after_a_failed_submit_the_summary_has_focus_and_the_title_says_error(site: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/forms/yksisivuinen?lang=fi")
    page.locator("form button.button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    assert page.title().startswith("Virhe: ")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "f_kantelija_etunimet"
    context.close()


def test_an_error_link_focuses_the_field_with_its_label_or_legend_hint_and_message_in_view(
        site: str, browser: Any) -> None:
    """GOV.UK's rule: following a link of the error summary shows the question, not only the input."""
    context = browser.new_context(viewport={"width": 1024, "height": 600})
    page = context.new_page()
    page.goto(f"{site}/forms/yksisivuinen?lang=fi")
    page.locator("form button.button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    in_view = """el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"""
    for control, heading, message in (
        ("f_alkaen", "#f_alkaen-group > legend", "f_alkaen-error"),  # a date in parts: its legend
        ("f_kohde", "#f_kohde-group > legend", "f_kohde-error"),  # radios
        ("f_kantelija_sukunimi", "label[for=f_kantelija_sukunimi]", "f_kantelija_sukunimi-error"),
    ):
        page.evaluate("window.scrollTo(0, 0)")
        page.locator(f".error-summary a[href='#{control}']").click()
        assert page.evaluate("document.activeElement.id") == control
        for selector in (heading, f"#{message}", f"#{control}"):
            assert page.locator(selector).evaluate(in_view), (control, selector)
        assert page.locator(heading).evaluate("el => el.getBoundingClientRect().top") < 60, control
    context.close()


def test_back_after_sending_shows_the_confirmation_not_err_cache_miss(site: str, browser: Any) -> None:
    """Issue 11, item 13: a failed submit, then a good one, then the browser's Back. The page of the failed
    submit answered a POST and is never cached (no-store): Chromium's Back to it was ERR_CACHE_MISS. The script
    makes it a plain address, and the form's address, reached by Back just after sending, shows the
    confirmation; opened by a link, the form is there to fill in again."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/forms/viesti?lang=fi")
    page.get_by_role("button", name="Lähetä").click()
    assert page.title().startswith("Virhe: ")
    page.get_by_label("Viestisi").fill("Hei")
    page.get_by_role("button", name="Lähetä").click()
    page.wait_for_url(re.compile(r".*/receipts/.*"))
    reference = page.locator("strong.reference").inner_text()
    page.go_back()
    page.wait_for_url(re.compile(r".*/receipts/.*"))
    assert page.locator("strong.reference").inner_text() == reference
    page.goto(f"{site}/?lang=fi")
    page.get_by_role("link", name="Viesti").click()
    assert page.locator("h1").inner_text() == "Viesti" and page.get_by_label("Viestisi").input_value() == ""
    context.close()


def test_without_javascript_back_after_a_refused_then_accepted_send_shows_the_confirmation(
        site: str, browser: Any) -> None:
    """Post/Redirect/Get (web/history.py), no script to mend the history: the refused send answers with a
    redirect to the form's own address, so the browser's Back after the accepted one never meets a page that
    answered a POST (Chromium's "Confirm Form Resubmission", ERR_CACHE_MISS): it shows the confirmation again."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/forms/viesti?lang=fi")
    page.get_by_role("button", name="Lähetä").click()
    assert page.title().startswith("Virhe: ") and page.url.endswith("/forms/viesti?lang=fi&checked=1")
    assert page.locator(".error-summary").inner_text().count("Viestisi") == 1
    assert page.locator("h1").inner_text() == "Viesti" and "Vaihe" not in page.locator("main").inner_text()
    page.get_by_label("Viestisi").fill("Hei")
    page.get_by_role("button", name="Lähetä").click()
    page.wait_for_url(re.compile(r".*/receipts/.*"))
    reference = page.locator("strong.reference").inner_text()
    page.go_back()  # to the refused send's address: the confirmation again
    page.wait_for_url(re.compile(r".*/receipts/.*"))
    assert page.locator("strong.reference").inner_text() == reference
    page.go_back()  # the form as first opened: a plain address, shown afresh (sent: empty again)
    assert page.locator("h1").inner_text() == "Viesti" and page.get_by_label("Viestisi").input_value() == ""
    assert "ERR_CACHE_MISS" not in page.content()
    context.close()


def test_without_javascript_back_from_the_next_page_shows_a_page_refused_before(site: str, browser: Any) -> None:
    """A page of a long form refused, fixed and passed; Back from the next page loads it afresh from its own
    address (Post/Redirect/Get): as the draft now holds it, without the problems that were fixed."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/forms/toive/pages/hakija?lang=fi")
    page.get_by_label("Nimi", exact=True).fill("Maija")
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.title().startswith("Virhe: ") and page.url.endswith("/forms/toive/pages/hakija?lang=fi&checked=1")
    assert page.locator(".error-summary").inner_text().count("Kenen puolesta?") == 1
    assert page.get_by_label("Nimi", exact=True).input_value() == "Maija"  # kept as typed
    page.get_by_label("Omasta puolestani").check()
    page.get_by_role("button", name="Jatka", exact=True).click()
    page.wait_for_url(re.compile(r".*/forms/toive/pages/asia\?lang=fi$"))
    assert page.locator("h1").inner_text() == "Asia"
    page.go_back()
    page.wait_for_url(re.compile(r".*/forms/toive/pages/hakija\?lang=fi&checked=1$"))
    assert page.locator("h1").inner_text() == "Hakija" and page.locator(".error-summary").count() == 0
    assert page.get_by_label("Nimi", exact=True).input_value() == "Maija"
    assert page.get_by_label("Omasta puolestani").is_checked() and "ERR_CACHE_MISS" not in page.content()
    page.go_forward()
    page.wait_for_url(re.compile(r".*/forms/toive/pages/asia\?lang=fi$"))
    assert page.locator("h1").inner_text() == "Asia"
    context.close()


def test_the_character_count_counts_down_and_is_announced_politely(site: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/forms/yksisivuinen?lang=fi")
    count = page.locator("#f_mitaTapahtui-count")
    assert count.get_attribute("data-max-chars") == "10000"
    assert count.inner_text() == "Voit kirjoittaa vielä 10\u00a0000 merkkiä."
    page.locator("#f_mitaTapahtui").fill("Tukiopetusta ei annettu.")
    assert count.inner_text() == "Voit kirjoittaa vielä 9\u00a0976 merkkiä."
    page.wait_for_timeout(1500)  # announced once typing has paused for a second
    live = page.locator("#f_mitaTapahtui-count + [aria-live='polite']")
    assert live.text_content() == count.inner_text()
    page.locator("#f_mitaTapahtui").fill("x" * 10003)
    assert count.inner_text() == "Teksti on 3 merkkiä liian pitkä."
    context.close()


def test_with_javascript_conditional_questions_and_options_show_only_while_they_apply(site: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/forms/yksisivuinen?lang=fi")
    assert page.evaluate("document.body.classList.contains('js')")
    group = page.locator(".conditional").first
    assert group.is_hidden()
    page.get_by_label("Toisen henkilön puolesta").check()
    assert group.is_visible() and page.get_by_label("Olen alaikäisen huoltaja").is_visible()
    page.get_by_label("Omasta puolestani").check()
    assert group.is_hidden()
    page.goto(f"{site}/forms/valinta")
    branches = page.locator(".alternative")
    assert branches.nth(0).is_hidden() and branches.nth(1).is_hidden()
    page.get_by_label("Postitse").check()
    assert branches.nth(0).is_hidden() and branches.nth(1).is_visible()
    context.close()


def test_with_javascript_list_buttons_change_the_page_in_place(site: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/forms/lista")
    page.evaluate("window.sameDocument = true")
    page.locator("#f_kemikaalit_0_nimi").fill("Etanoli")
    page.get_by_role("button", name="Lisää toinen kemikaali").click()
    page.wait_for_selector("#f_kemikaalit_1_nimi")
    assert page.evaluate("window.sameDocument === true")  # no reload
    assert page.evaluate("document.activeElement.id") == "f_kemikaalit_1_nimi"
    assert page.locator("#f_kemikaalit_0_nimi").input_value() == "Etanoli"
    page.keyboard.type("Asetoni")
    page.locator("button[value='remove /kemikaalit/0']").click()
    page.wait_for_selector("#f_kemikaalit_1_nimi", state="detached")
    assert page.locator("#f_kemikaalit_0_nimi").input_value() == "Asetoni"
    assert page.evaluate("window.sameDocument === true")
    context.close()


def test_with_javascript_add_in_a_list_inside_a_list_item_adds_there(site: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/forms/jaksot")
    page.evaluate("window.sameDocument = true")
    page.locator("#f_tyopaikat_0_nimi").fill("Kunta")
    page.get_by_role("button", name="Lisää jakso").click()
    page.wait_for_selector("#f_tyopaikat_0_jaksot_0_alku")
    assert page.evaluate("document.activeElement.id") == "f_tyopaikat_0_jaksot_0_alku"
    page.keyboard.type("1")
    page.get_by_role("button", name="Lisää tunnit viikossa").click()
    page.wait_for_selector("#f_tyopaikat_0_jaksot_0_tunnit_0")
    assert page.evaluate("document.activeElement.id") == "f_tyopaikat_0_jaksot_0_tunnit_0"
    page.keyboard.type("37")
    page.locator("#f_tyopaikat_0_jaksot_0_alku-month").fill("2")
    page.locator("#f_tyopaikat_0_jaksot_0_alku-year").fill("2024")
    assert page.locator("#f_tyopaikat_0_nimi").input_value() == "Kunta"
    assert page.locator("#f_tyopaikat_0_jaksot_0_alku").input_value() == "1"
    assert page.evaluate("window.sameDocument === true")  # no reload
    page.get_by_role("button", name="Lähetä").click()
    page.wait_for_url(re.compile(r"/receipts/"))
    answers = page.locator("main").inner_text()
    assert "Kunta" in answers and "37" in answers and "2024" in answers
    context.close()


def test_a_long_form_from_a_prefilled_draft_to_one_submission(site: str, site_dir: Path, browser: Any,
                                                             tmp_path: Path) -> None:
    """The journey of issue 4 in Chromium with JavaScript: started by an agency through the API, saved,
    resumed by code in another browser, reviewed, changed and sent by a double click; axe-core and the
    Nu Html Checker look at every step."""
    require(AXE, "axe-core")
    draft = {"nimi": "Maija", "hetu": "131052-308T"}
    assert post_json(f"{site}/api/v1/forms/toive/drafts", draft) is None  # no key: 401
    made = post_json(f"{site}/api/v1/forms/toive/drafts", draft, cli_api_key(site_dir))
    assert made is not None
    seen: dict[str, str] = {}
    problems: dict[str, list[str]] = {}

    def look(page: Any, name: str) -> None:
        seen[name] = page.content()
        problems[name] = axe_violations(page)

    first = browser.new_context(bypass_csp=True)
    page = first.new_page()
    page.goto(made["resume_url"])
    assert page.locator("h1").inner_text() == "Hakija" and "Vaihe 1/4" in page.content()
    assert page.locator("#f_nimi").input_value() == "Maija"
    assert "Esitäytetty" in page.locator("#f_nimi-hint").inner_text()
    assert page.locator("input[name='/hetu']").count() == 0
    look(page, "prefilled page")
    other = browser.new_context(bypass_csp=True)  # the link works once: a second opening is told so (in English,
    # the language this Chromium asks for)
    again = other.new_page()
    again.goto(made["resume_url"])
    assert "already been opened" in again.locator("main").inner_text() and "Maija" not in again.content()
    look(again, "link already opened")
    other.close()
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.title().startswith("Virhe: ")  # who is it for?
    look(page, "page with an error")
    page.get_by_label("Toisen puolesta").check()
    page.get_by_role("button", name="Jatka", exact=True).click()
    # one question on the page: the question is its h1 (issue 11, item 7)
    assert page.locator("h1").inner_text() == "Päämiehen nimi" and "Vaihe 2/4" in page.content()
    page.get_by_label("Päämiehen nimi").fill("Matti")
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.locator("h1").inner_text() == "Asia"
    page.get_by_label("Suhde päämieheen").fill("isä")
    page.get_by_role("button", name="Tallenna ja jatka myöhemmin").click()
    assert page.locator("h1").inner_text() == "Luonnos on tallennettu"
    look(page, "saved")
    code = page.locator("strong.reference").inner_text()
    first.close()

    desk = browser.new_context(bypass_csp=True)  # a service point: another browser, the code read out
    page = desk.new_page()
    page.goto(f"{site}/resume?lang=fi")
    look(page, "resume")
    page.get_by_label("Jatkokoodi").fill(code.lower())
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.locator("h1").inner_text() == "Asia"
    assert page.get_by_label("Suhde päämieheen").input_value() == "isä"
    page.get_by_label("Mitä toivot?").fill("Lisää penkkejä")
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.locator("h1").inner_text() == "Tarkista vastaukset"
    look(page, "review")
    page.go_back()  # the browser's own back and forward keep the answers
    assert page.get_by_label("Mitä toivot?").input_value() == "Lisää penkkejä"
    page.go_forward()
    page.get_by_role("link", name="Muuta Nimi").click()
    page.get_by_label("Nimi", exact=True).fill("Maija Meikäläinen")
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.locator("h1").inner_text() == "Tarkista vastaukset"
    assert "Maija Meikäläinen" in page.locator("main").inner_text()
    page.get_by_role("button", name="Lähetä toivomus").click()
    assert page.title().startswith("Virhe: ")
    look(page, "review with an error")
    page.get_by_label("Vakuutan tiedot oikeiksi").check()
    page.get_by_role("button", name="Lähetä toivomus").dblclick()
    page.wait_for_url(re.compile(r".*/receipts/.*"))
    reference = page.locator("strong.reference").inner_text()
    look(page, "confirmation")
    page.goto(f"{site}/forms/toive/review")  # coming back to the sent draft shows the same receipt
    assert page.locator("strong.reference").inner_text() == reference
    desk.close()
    assert {k: v for k, v in problems.items() if v} == {}

    require(VNU, "vnu-jar")
    require("java", "java")
    files = []
    for name, html in seen.items():
        files.append(tmp_path / f"{re.sub(r'[^a-z0-9-]', '-', name)}.html")
        files[-1].write_text(html)
    messages = nu_messages(files)
    assert [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_uploaded_decision_stays_when_going_back_from_the_review(
        site: str, site_dir: Path, browser: Any, tmp_path: Path, javascript: bool) -> None:
    """Issue 9, item 2, in Chromium: upload the decision (and another attachment), Jatka, Takaisin: the files
    are shown with name and size and Jatka passes; Remove makes the decision missing again. axe-core and the
    Nu Html Checker look at the page showing the files; it is photographed at 320 and 1280 px."""
    answers = {k: v for k, v in OIKAISUVAATIMUS.items() if k not in ("paatosliite", "liitteet", "vakuutus")}
    made = post_json(f"{site}/api/v1/forms/oikaisuvaatimus/drafts", answers, cli_api_key(site_dir, agency="lvv"))
    assert made is not None
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = context.new_page()
    page.goto(made["resume_url"])
    for _ in range(6):
        if page.locator("h1").inner_text() == "Liitteet":
            break
        page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.locator("h1").inner_text() == "Liitteet"
    page.get_by_label("Päätös oikaisuvaatimusohjeineen").set_input_files(
        files=[{"name": "päätös.pdf", "mimeType": "application/pdf", "buffer": PDF + b"%" + b"x" * 3400}])
    page.get_by_role("button", name="Lisää liite").click()
    page.get_by_label("Selvitys, lausunto tai todistus").check()
    page.get_by_label("Tiedosto", exact=True).set_input_files(
        files=[{"name": "lausunto.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.locator("h1").inner_text() == "Tarkista vastaukset"
    assert "päätös.pdf (3 kt)" in page.locator("main").inner_text()

    page.get_by_role("link", name="Takaisin").click()
    assert page.locator("h1").inner_text() == "Liitteet"
    assert page.locator(".uploaded-file__name").all_inner_texts() == [
        "Ladattu: päätös.pdf (3 kt)", "Ladattu: lausunto.png (1 kt)"]
    assert page.get_by_role("button", name="Poista päätös.pdf").is_visible()
    assert page.get_by_role("group", name="Päätös oikaisuvaatimusohjeineen").get_by_label("Vaihda tiedosto").count() == 1
    if javascript:
        require(AXE, "axe-core")
        shown = page.content()
        assert axe_violations(page) == []
        SCREENSHOTS.mkdir(exist_ok=True)
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(SCREENSHOTS / f"oikaisuvaatimus-liitteet-{width}.png"), full_page=True)
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.locator("h1").inner_text() == "Tarkista vastaukset"  # Jatka passes with the files kept

    page.get_by_role("link", name="Takaisin").click()
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Poista päätös.pdf").click()
    page.wait_for_selector("#f_paatosliite-group", state="detached")
    assert page.locator(".uploaded-file__name").all_inner_texts() == ["Ladattu: lausunto.png (1 kt)"]
    if javascript:
        assert page.evaluate("window.sameDocument === true")  # in place, and on to choose another file
        assert page.evaluate("document.activeElement.id") == "f_paatosliite"
    page.get_by_role("button", name="Jatka", exact=True).click()
    assert page.title().startswith("Virhe: ")
    assert page.locator("#f_paatosliite-error").text_content() == "Virhe: Liitä päätös ja sen oikaisuvaatimusohje."
    assert page.locator(".uploaded-file__name").all_inner_texts() == ["Ladattu: lausunto.png (1 kt)"]
    context.close()
    if javascript:
        require(VNU, "vnu-jar")
        require("java", "java")
        (tmp_path / "uploaded.html").write_text(shown)
        assert nu_messages([tmp_path / "uploaded.html"]) == []


def test_a_one_page_form_saved_and_resumed(site: str, browser: Any) -> None:
    """The complaint, a one-page form: saved half done, resumed by its link in another browser with the
    answers in place; axe-core checks the saved and the resumed page, both are photographed at 320 and 1280 px."""
    require(AXE, "axe-core")
    SCREENSHOTS.mkdir(exist_ok=True)
    problems: dict[str, list[str]] = {}
    first = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 800})
    page = first.new_page()
    page.goto(f"{site}/forms/yksisivuinen?lang=fi")
    page.locator("[name='/kantelija/etunimet']").fill("Maija Liisa")
    page.locator("[name='/mitaTapahtui']").fill("Lapseni ei saanut tukiopetusta.")
    page.get_by_role("button", name="Tallenna ja jatka myöhemmin").click()
    assert page.locator("h1").inner_text() == "Luonnos on tallennettu"
    problems["saved"] = axe_violations(page)
    link = page.locator("a.resume-link").inner_text()
    first.close()
    for width in (320, 1280):
        other = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
        page = other.new_page()
        page.goto(link)
        assert page.url.endswith("/forms/yksisivuinen?lang=fi")
        assert page.locator("[name='/kantelija/etunimet']").input_value() == "Maija Liisa"
        assert page.locator("[name='/mitaTapahtui']").input_value() == "Lapseni ei saanut tukiopetusta."
        assert page.get_by_role("button", name="Tallenna ja jatka myöhemmin").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        problems[f"resumed at {width}"] = axe_violations(page)
        page.screenshot(path=str(SCREENSHOTS / f"kantelu-resumed-{width}.png"), full_page=True)
        other.close()
    assert {k: v for k, v in problems.items() if v} == {}


def test_switching_language_in_the_middle_of_a_form_keeps_what_was_typed(site: str, browser: Any) -> None:
    """The header's language switch sends the form: the Swedish page shows the Finnish page's answers."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/forms/yksisivuinen?lang=fi")
    page.fill("#f_kantelija_etunimet", "Maija")
    with page.expect_navigation():
        page.locator(".language-switch button[lang=sv]").click()
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.input_value("#f_kantelija_etunimet") == "Maija"
    assert page.locator(".error-summary").count() == 0
    page.focus("#f_kantelija_etunimet")  # Enter in a field still sends the form, not a language
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "sv" and page.locator(".error-summary").count() == 1
    context.close()
