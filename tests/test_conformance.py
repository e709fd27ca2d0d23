"""The rjsf playground samples: each imports, passes `lomake check`, renders, and its
formData (after defaults) round-trips through the HTML form unchanged.

Samples whose point is a JavaScript-only feature of rjsf are listed, with the reason, in
docs/conformance.md; this test holds the list to the truth both ways.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from core.catalog import load_catalog
from lomake.check import check_paths
from lomake.rjsf import import_rjsf, wraps_object
from renderer.html import Pages
from submission.coerce import coerce, form_values
from submission.validate import NOTES, CompiledForms, apply_defaults
from tests.conftest import ROOT, read_form

CORPUS = ROOT.parent / "shared" / "conformance" / "rjsf"
SAMPLES = sorted(CORPUS.glob("*.json"))


def documented_exceptions() -> dict[str, str]:
    text = (ROOT / "docs" / "conformance.md").read_text()
    return dict(re.findall(r"^\| `([\w-]+)\.json` \| (.+?) \|$", text, re.M))


def round_trip(sample_path: Path, folder: Path) -> list[str]:
    """Everything that keeps the sample from passing; empty when it passes."""
    sample = json.loads(sample_path.read_text())
    form_file, _ = import_rjsf(sample, sample_path.stem)
    folder.mkdir()
    (folder / sample_path.name).write_text(json.dumps(form_file))
    problems = [str(p) for p in check_paths([folder / sample_path.name]) if not p.warning]
    if problems:
        return problems
    form = load_catalog(folder).forms[sample_path.stem]
    from core.view.build import form_view

    view = form_view(form, "en")
    compiled = CompiledForms()
    data = sample.get("formData")
    data = copy.deepcopy(data if wraps_object(sample) else {"value": data} if data is not None else {})
    expected = apply_defaults(compiled.defaults(form), data if isinstance(data, dict) else {})
    page = Pages().form_page(view, "/", "P", ("en",), values=form_values(view.fields, expected))
    _, pairs = read_form(page)
    posted: dict[str, list[str]] = {}
    for name, value in pairs:
        posted.setdefault(name, []).append(value)
    instance, coerced = coerce(view.fields, posted)
    issues = [i for i in coerced if i.code not in NOTES]  # which option was picked, which list shown empty
    got = apply_defaults(compiled.defaults(form), instance)
    if issues:
        return [f"coercion: {issues}"]
    return [] if got == expected else [f"round trip: {json.dumps(got)} != {json.dumps(expected)}"]


def test_the_corpus_is_there() -> None:
    assert len(SAMPLES) == 37


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample(sample: Path, tmp_path: Path) -> None:
    problems = round_trip(sample, tmp_path / "schemas")
    reason = documented_exceptions().get(sample.stem)
    if reason is None:
        assert problems == []
    else:
        assert problems, f"{sample.name} passes now: take it off docs/conformance.md"


def test_every_exception_names_a_sample_and_a_reason() -> None:
    names = {p.stem for p in SAMPLES}
    for name, reason in documented_exceptions().items():
        assert name in names and len(reason) > 20
