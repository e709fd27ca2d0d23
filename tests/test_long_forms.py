"""Long forms (issue 11, item 4): a step count that stays put, the start page and the task list."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from core.i18n import texts
from tests.conftest import drafts_of, form_client, shown_again
from tests.test_journey import TOIVE, send

START = {"lead": "Toivo jotakin kunnalta.", "you_need": ["Päämiehen nimi", "Valtakirja"], "takes": "Noin 5 minuuttia."}
LISTED: dict[str, Any] = copy.deepcopy(TOIVE)
LISTED["x-lomake"] |= {"start": START, "task_list_from": 3, "deadline": "Toivo ennen kesää."}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with form_client(tmp_path, toive=TOIVE, listattu=LISTED) as c:
        yield c


def doc(client: TestClient, url: str) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return lxml.html.fromstring(response.text)


def step_of(client: TestClient, url: str) -> str:
    return str(doc(client, url).xpath("string(//span[@class='caption__step'])")).strip()


def test_the_step_count_does_not_change_when_a_conditional_page_starts_to_apply(client: TestClient) -> None:
    assert step_of(client, "/forms/toive") == "Vaihe 1/4"
    assert send(client, "/forms/toive", {"/nimi": "Maija", "/rooli": "itse"}).status_code == 303
    assert step_of(client, "/forms/toive/pages/asia") == "Vaihe 3/4"  # the principal's page, skipped, still counts
    assert send(client, "/forms/toive/pages/hakija", {"/rooli": "toinen"}).headers["location"] == \
        "/forms/toive/pages/paamies?lang=fi"
    assert step_of(client, "/forms/toive/pages/paamies") == "Vaihe 2/4"
    assert step_of(client, "/forms/toive/pages/asia") == "Vaihe 3/4"


def test_the_start_page_says_what_the_form_needs_and_starts_it(client: TestClient) -> None:
    start = doc(client, "/forms/listattu")
    main = " ".join(start.xpath("string(//main)").split())
    assert start.xpath("string(//h1)") == "Toivomus" and "Toivo jotakin kunnalta." in main
    assert [li.text for li in start.xpath("//ul[contains(@class,'start__needs')]/li")] == ["Päämiehen nimi", "Valtakirja"]
    assert "Noin 5 minuuttia." in main and "Toivo ennen kesää." in main and "7 päivää" in main
    assert "Asian käsittelee Lomake-palvelu." in main
    assert not start.xpath("//form[@class='form']")  # nothing is asked on the start page
    first = start.xpath("//a[contains(@class,'button--start')]")[0]
    assert first.text == "Aloita" and first.get("href") == "/forms/listattu/pages/hakija?lang=fi"
    assert doc(client, first.get("href")).xpath("string(//h1)").strip() == "Hakija"
    # What the form is for is the start page's to say: its first page does not say it again under "Hakija".
    assert not doc(client, first.get("href")).xpath("//p[@class='lead']")
    assert doc(client, "/forms/toive").xpath("string(//p[@class='lead'])") == TOIVE["description"]
    # A form without start texts opens at its first page.
    assert doc(client, "/forms/toive").xpath("string(//h1)").strip() == "Hakija"


def test_the_first_page_links_back_to_the_start_page(client: TestClient) -> None:
    first = doc(client, "/forms/listattu/pages/hakija")
    (link,) = first.xpath("//main/a[@class='back-link']")  # GOV.UK's back link: before the page's content
    assert link.text == "Takaisin" and link.get("href") == "/forms/listattu?lang=fi"
    assert doc(client, link.get("href")).xpath("//a[contains(@class,'button--start')]/@href") == [
        "/forms/listattu/pages/hakija?lang=fi"]
    assert not doc(client, "/forms/toive/pages/hakija").xpath("//a[@class='back-link']")  # no start page


def test_back_to_the_start_page_with_a_draft_shows_it_and_continues_the_draft(client: TestClient) -> None:
    """Back from the first page when answers are kept: the start page, saying so, and "Jatka" goes on where
    the draft stands (as its resume link does); the draft is the same, with its answers."""
    assert send(client, "/forms/listattu/pages/hakija", {"/nimi": "Maija", "/rooli": "itse"}).status_code == 303
    (draft,) = drafts_of(client, "listattu")
    back = doc(client, "/forms/listattu/pages/hakija").xpath("//a[@class='back-link']/@href")
    assert back == ["/forms/listattu?lang=fi"]
    start = doc(client, back[0])
    assert start.xpath("string(//h1)") == "Toivomus" and start.xpath("//ul[contains(@class,'start__needs')]")
    notice = " ".join(start.xpath("string(//div[contains(@class,'start__draft')])").split())
    assert notice.startswith("Olet jo aloittanut tämän lomakkeen. Vastauksesi säilyvät ") and notice.endswith(" asti.")
    (go_on,) = start.xpath("//a[contains(@class,'button--start')]")
    assert go_on.text == "Jatka" and go_on.get("href") == "/forms/listattu/pages/asia?lang=fi"  # hakija is done
    assert doc(client, go_on.get("href")).xpath("string(//h1)").strip() == "Asia"
    assert doc(client, "/forms/listattu/pages/hakija").xpath("//input[@name='/nimi']/@value") == ["Maija"]
    (same,) = drafts_of(client, "listattu")
    assert same.id == draft.id and same.data == draft.data and same.done == ("hakija",)


def statuses(client: TestClient) -> list[tuple[str, str]]:
    tasks = doc(client, "/forms/listattu/tasks")
    return [(" ".join(li.xpath("string(.//span[@class='task-list__name'])").split()),
             li.xpath("string(.//span[contains(@class,'task-list__status')])")) for li in tasks.xpath("//ul[@class='task-list']/li")]


def test_the_task_list_shows_each_section_and_its_status(client: TestClient) -> None:
    hakija = doc(client, "/forms/listattu/pages/hakija")
    assert not hakija.xpath("//*[contains(text(),'Vaihe')]")  # a link to the task list instead of the step
    assert hakija.xpath("//span[@class='caption__step']/a/@href") == ["/forms/listattu/tasks?lang=fi"]
    assert statuses(client) == [("Hakija", "Ei aloitettu"), ("Päämies", "Ei koske sinua"), ("Asia", "Ei aloitettu"),
                                ("Tarkista ja lähetä", "Ei voi vielä aloittaa")]
    assert send(client, "/forms/listattu/pages/hakija", {"/nimi": "Maija", "/rooli": "toinen"}).status_code == 303
    assert send(client, "/forms/listattu/pages/asia", {"/asia": "Penkkejä"}, _action="save").status_code == 303
    assert statuses(client) == [("Hakija", "Valmis"), ("Päämies", "Ei aloitettu"), ("Asia", "Kesken"),
                                ("Tarkista ja lähetä", "Ei voi vielä aloittaa")]
    tasks = doc(client, "/forms/listattu/tasks")
    assert tasks.xpath("//ul[@class='task-list']//a/@href") == ["/forms/listattu/pages/hakija?lang=fi",
                                             "/forms/listattu/pages/paamies?lang=fi", "/forms/listattu/pages/asia?lang=fi"]
    assert "Olet täyttänyt 1/3 osaa." in tasks.xpath("string(//main)")
    assert send(client, "/forms/listattu/pages/paamies", {"/paamies": "Matti"}).status_code == 303
    assert send(client, "/forms/listattu/pages/asia", {"/asia": "Penkkejä"}).status_code == 303
    assert statuses(client)[-1] == ("Tarkista ja lähetä", "Ei aloitettu")
    assert doc(client, "/forms/listattu/tasks").xpath("//ul[@class='task-list']//a/@href")[-1] == "/forms/listattu/review?lang=fi"


def test_a_form_with_fewer_pages_than_task_list_from_has_no_task_list(client: TestClient) -> None:
    assert client.get("/forms/toive/tasks").status_code == 404


def test_the_start_texts_are_translatable() -> None:
    found = dict((at, source) for source, at in texts(LISTED))
    assert found["/x-lomake/start/lead"] == "Toivo jotakin kunnalta."
    assert found["/x-lomake/start/you_need/1"] == "Valtakirja" and found["/x-lomake/start/takes"] == "Noin 5 minuuttia."



#: The wish with its additional information required of those who act for another (a condition that only requires).
REQUIRING: dict[str, Any] = copy.deepcopy(TOIVE)
REQUIRING["allOf"] = [{"if": {"properties": {"rooli": {"const": "toinen"}}, "required": ["rooli"]},
                       "then": {"required": ["lisatieto"]}}]


def test_a_question_an_earlier_answer_requires_is_not_said_to_be_optional(tmp_path: Path) -> None:
    """A page does not call "(valinnainen)" what an answer on an earlier page made a must, and asks it so."""
    for role, required in (("toinen", True), ("itse", False)):
        (tmp_path / role).mkdir()
        with form_client(tmp_path / role, vaadittu=REQUIRING) as client:
            answers = {"/nimi": "Maija", "/rooli": role}
            assert send(client, "/forms/vaadittu", answers).status_code == 303
            if role == "toinen":
                assert doc(client, "/forms/vaadittu/pages/paamies").xpath("string(//label)").strip() == \
                    "Päämiehen nimi"  # the page itself applies only then: always a must there
                assert send(client, "/forms/vaadittu/pages/paamies", {"/paamies": "Matti"}).status_code == 303
            label = doc(client, "/forms/vaadittu/pages/asia").xpath("string(//label[@for='f_lisatieto'])").strip()
            assert label == "Lisätietoja" + ("" if required else " (valinnainen)")
            sent = send(client, "/forms/vaadittu/pages/asia", {"/asia": "Penkkejä"})
            assert sent.status_code == 303 and ("checked=1" in sent.headers["location"]) == required, role


def test_the_permits_list_is_a_must_once_the_activity_is_a_change(settings: Any) -> None:
    """The sample permit's existing permits: its page applies once the installation's page says the activity is a
    change, and then the list is required: not "(valinnainen)", one permit to fill in from the start."""
    from server import create_app
    from tests.gallery import SAMPLES
    from tests.test_journey import page, walk_pages
    from tests.test_sample_forms import files_out

    answers, files = files_out(SAMPLES["ymparistolupa"])
    with TestClient(create_app(settings), base_url="http://lomake.test") as client:
        walk_pages(client, "/forms/ymparistolupa/pages/hakija?lang=fi", answers, files, stop_at="/luvat")
        action, pairs, shown = page(client, "/forms/ymparistolupa/pages/luvat?lang=fi")
        legend = " ".join(shown.xpath("string(//fieldset[contains(@class,'list')]/legend)").split())
        assert legend == "Voimassa olevat luvat ja päätökset" and shown.xpath("//input[@name='/luvat/0/laji']")
        empty = shown_again(client, client.post(action, data={n: [v] for n, v in pairs if not n.startswith("/luvat/")}
                                                | {"/luvat[count]": ["0"]}, follow_redirects=False))
        assert empty.status_code == 422 and "Lisää luvan tai päätöksen tiedot." in empty.text
