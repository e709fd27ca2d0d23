"""An author's preview (`lomake serve --reload` only): each form with sample answers on its review, its
confirmation and its receipt PDF, nothing stored; 404 without --reload."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from core.catalog import load_catalog
from core.settings import Settings
from server import create_app
from tests.conftest import SCHEMAS, drafts_of, storage_of, stored_submissions
from tests.samples import KANTELU_BENCH

SAMPLE_FORMS = sorted(load_catalog(SCHEMAS).forms)


@pytest.fixture
def author(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(replace(settings, reload=True)), base_url="http://lomake.test") as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).text_content().split())


def test_no_preview_without_reload(client: TestClient) -> None:
    for form_id in SAMPLE_FORMS:
        assert client.get(f"/forms/{form_id}/preview").status_code == 404
        assert client.get(f"/forms/{form_id}/preview/receipt.pdf").status_code == 404


@pytest.mark.parametrize("form_id", SAMPLE_FORMS)
def test_every_sample_form_previews_with_answers_it_accepts(author: TestClient, form_id: str) -> None:
    page = author.get(f"/forms/{form_id}/preview?lang=fi")
    assert page.status_code == 200, page.text
    shown = text_of(page.text)
    assert "Esikatselu – mitään ei tallenneta" in shown
    assert "Lomake ei hyväksy" not in shown  # the made-up answers are valid ones
    for heading in ("Tarkistussivu", "Vahvistussivu", "Kuitti"):
        assert heading in [h.text_content() for h in lxml.html.fromstring(page.text).iter("h2")]
    case = lxml.html.fromstring(page.text).find_class("reference")[0].text_content()
    assert case.endswith(" (esikatselu)") and "0" in case
    assert f'href="/forms/{form_id}/preview/receipt.pdf?lang=fi"' in page.text
    assert author.get(f"/forms/{form_id}/preview?lang=sv").status_code == 200
    assert stored_submissions(author) == [] and drafts_of(author) == []


def test_files_are_answered_by_sample_attachments(author: TestClient) -> None:
    shown = text_of(author.get("/forms/oikaisuvaatimus/preview?lang=fi").text)
    assert "esikatselu-1.pdf (1 kt)" in shown and "esikatselu-2.pdf (2 kt)" in shown


def test_an_unknown_form_has_no_preview(author: TestClient) -> None:
    assert author.get("/forms/no-such-form/preview").status_code == 404


def with_examples(folder: Path, answers: dict[str, Any]) -> None:
    """The peer's plain schema, given `answers` as its examples."""
    path = folder / "kantelu-bench.json"
    schema = json.loads(path.read_text())
    path.write_text(json.dumps({**schema, "examples": [answers]}))


def test_the_examples_are_shown_and_refused_ones_with_their_problems(settings: Settings, schemas: Path) -> None:
    with_examples(schemas, {"no_such_question": 1})
    with TestClient(create_app(replace(settings, reload=True))) as author:
        shown = text_of(author.get("/forms/kantelu-bench/preview?lang=fi").text)
    assert "Vastaukset ovat lomakkeen esimerkkivastaukset (examples)." in shown
    assert "Lomake ei hyväksy esimerkkivastauksia" in shown and "/no_such_question" in shown


def test_the_examples_are_the_answers_shown(settings: Settings, schemas: Path) -> None:
    with_examples(schemas, KANTELU_BENCH)
    with TestClient(create_app(replace(settings, reload=True))) as author:
        shown = text_of(author.get("/forms/kantelu-bench/preview?lang=fi").text)
        assert stored_submissions(author) == [] and drafts_of(author) == []
    assert "Vastaukset ovat lomakkeen esimerkkivastaukset (examples)." in shown
    assert "Lomake ei hyväksy" not in shown
    assert "Tukiopetusta ei annettu." in shown and "Matti Meikäläinen" in shown


@pytest.mark.pdf
@pytest.mark.parametrize("form_id", ["kantelu", "ymparistolupa"])
def test_the_receipt_pdf_is_made_from_the_same_answers_and_not_kept(author: TestClient, form_id: str) -> None:
    page = author.get(f"/forms/{form_id}/preview?lang=fi")
    pdf = author.get(f"/forms/{form_id}/preview/receipt.pdf?lang=fi")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    words = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    form = author.app.state.lomake.catalog.forms[form_id]  # type: ignore[attr-defined]
    assert form.title_in("fi") in words
    answers = [dd.text_content().strip() for dd in lxml.html.fromstring(page.text).find_class("summary-list__value")]
    assert any(len(a) > 3 and a in words for a in answers)
    assert stored_submissions(author) == [] and drafts_of(author) == []
    assert asyncio.run(storage_of(author).receipt_pdf("preview", "fi")) is None
