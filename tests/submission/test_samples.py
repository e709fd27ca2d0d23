"""Sample answers (submission/samples.py), shared by an author's preview and `lomake audit`: the examples, else the
defaults, else made up, each only when the form accepts it; files answered by small real files the question takes."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image
from pypdf import PdfReader

from core.catalog import load_catalog
from core.view.build import form_view
from core.view.fields import Field, Option, walk
from submission.filetypes import sniffed_type
from submission.samples import answer_files, sample, sample_file, sample_pdf, sample_png
from submission.validate import CompiledForms, accept
from tests.conftest import SCHEMAS

FORMS = load_catalog(SCHEMAS).forms


def file_question(*accepted: str, max_bytes: int = 10_000_000) -> Field:
    return Field("file", "liite", "/liite", "liite", "Liite", max_bytes=max_bytes,
                 options=tuple(Option(a, a, a) for a in accepted))


def test_the_sample_pdf_and_png_are_real_files_of_their_types() -> None:
    pdf = PdfReader(io.BytesIO(sample_pdf("Valtakirja")), strict=True)
    assert len(pdf.pages) == 1 and pdf.pages[0].extract_text() == "Valtakirja"
    image = Image.open(io.BytesIO(sample_png()))
    image.load()
    assert (image.format, image.size) == ("PNG", (1, 1))
    assert sniffed_type("x.pdf", sample_pdf()) == "application/pdf"
    assert sniffed_type("x.png", sample_png()) == "image/png"


@pytest.mark.parametrize(("accepted", "name"), [
    ((), "sample.pdf"), ((".pdf", "image/png"), "sample.pdf"), (("application/pdf",), "sample.pdf"),
    (("image/*",), "sample.png"), (("image/jpeg", "image/png"), "sample.png"), ((".docx",), None)])
def test_a_sample_file_is_one_the_question_takes(accepted: tuple[str, ...], name: str | None) -> None:
    made = sample_file(file_question(*accepted))
    assert (made[0] if made else None) == name


def test_no_sample_file_for_a_question_taking_only_tiny_files() -> None:
    assert sample_file(file_question(".pdf", max_bytes=100)) is None
    assert sample_file(file_question(".pdf", "image/png", max_bytes=100)) == ("sample.png", "image/png", sample_png())


@pytest.mark.parametrize("form_id", sorted(FORMS))
def test_every_sample_form_has_sample_answers_it_accepts(form_id: str) -> None:
    form = FORMS[form_id]
    view = form_view(form, form.languages[0])
    found = sample(CompiledForms(), form, view)
    assert (found.source, found.problems) == ("generated", ())
    assert accept(CompiledForms(), form, view, found.answers) == found.answers


def test_each_file_is_answered_by_what_the_caller_makes() -> None:
    form = FORMS["oikaisuvaatimus"]
    view = form_view(form, "fi")
    answers = sample(CompiledForms(), form, view).answers
    files = [f.pointer for f in walk(view.fields) if f.kind == "file"]
    made = answer_files(view, answers, lambda f, n: f"{f.pointer} {n}")
    assert made["paatosliite"] == "/paatosliite 1"
    assert [item["tiedosto"] for item in made["liitteet"]] == [
        f"/liitteet/-/tiedosto {n}" for n in range(2, len(answers["liitteet"]) + 2)]
    assert "/paatosliite" in files and answers["paatosliite"] != made["paatosliite"]  # a copy: the answers kept


def test_examples_come_first_and_refused_ones_with_their_problems() -> None:
    form = FORMS["saavutettavuuspalaute"]
    view = form_view(form, "fi")
    given = replace(form, document={**form.document, "examples": [{"palvelu": "Verkkosivut", "ongelmat": ["media"],
                                                          "kuvaus": "Video ilman tekstitystä", "vastaus": False}]})
    shown = sample(CompiledForms(), given, view)
    assert (shown.source, shown.problems, shown.answers["palvelu"]) == ("examples", (), "Verkkosivut")
    refused = replace(form, document={**form.document, "examples": [{"palvelu": 1}]})
    found = sample(CompiledForms(), refused, view)
    assert found.source == "examples" and [p.pointer for p in found.problems][:1] == ["/palvelu"]
