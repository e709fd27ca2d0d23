"""Form files: loading a folder of JSON Schema forms into a catalog, with their agencies.

A form is `schemas/<form_id>.json`; shared parts live in `schemas/common/` and are reached
by relative `$ref`s; agencies are `schemas/agencies/<agency_id>.json`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.check import PartChecks, check_form
from core.crawl import Crawl, file_uri, read_json, schema_hash
from core.forms import (
    BASE_URI,
    DEFAULT_AGENCY,
    META_KEY,
    Agency,
    Catalog,
    Form,
    FormMeta,
    FormProblem,
    document_resolver,
    model_problems,
    with_one_page,
)
from core.i18n import load_translations, texts
from core.schema import canonical_json


def load_agencies(schemas_dir: Path) -> tuple[dict[str, Agency], list[FormProblem]]:
    agencies = {DEFAULT_AGENCY.id: DEFAULT_AGENCY}
    problems: list[FormProblem] = []
    for path in sorted((schemas_dir / "agencies").glob("*.json")):
        data, read_problems = read_json(path, str(path))
        problems += read_problems
        if data is None:
            continue
        try:
            agencies[path.stem] = Agency.model_validate({**data, "id": path.stem})
        except ValidationError as exc:
            problems += model_problems(str(path), "", exc)
            continue
        problems += _feedback_form_problems(agencies[path.stem], schemas_dir, str(path))
        problems += _webhook_form_problems(agencies[path.stem], schemas_dir, str(path))
    return agencies, problems


def _feedback_form_problems(agency: Agency, schemas_dir: Path, shown: str) -> list[FormProblem]:
    """The statement's feedback form must be a form of the catalog."""
    wanted = agency.accessibility.feedback_form if agency.accessibility else None
    if wanted is None or (schemas_dir / f"{wanted}.json").is_file():
        return []
    return [FormProblem(shown, "/accessibility/feedback_form", f"no form {wanted!r} in the schemas folder")]


def _webhook_form_problems(agency: Agency, schemas_dir: Path, shown: str) -> list[FormProblem]:
    """The webhook's forms must be forms of the folder, of this agency."""
    problems: list[FormProblem] = []
    for i, wanted in enumerate(agency.webhook.forms if agency.webhook else ()):
        path = schemas_dir / f"{wanted}.json"
        document = read_json(path, str(path))[0] if path.is_file() else None
        meta = document.get(META_KEY) if isinstance(document, dict) else None
        owner = (meta.get("agency") if isinstance(meta, dict) else None) or DEFAULT_AGENCY.id
        if document is None:
            problems.append(FormProblem(shown, f"/webhook/forms/{i}", f"no form {wanted!r} in the schemas folder"))
        elif owner != agency.id:
            problems.append(FormProblem(shown, f"/webhook/forms/{i}",
                                        f"the form {wanted!r} is not {agency.id!r}'s but {owner!r}'s"))
    return problems


def load_form(
    path: Path, root: Path, agencies: Mapping[str, Agency], translations: Mapping[str, Mapping[str, str]] | None = None,
    parts_checked: PartChecks | None = None,
) -> tuple[Form | None, list[FormProblem]]:
    """Read, crawl and check one form file (its shared parts once per `parts_checked`); the form is None when any
    problem is an error."""
    shown = str(path)
    document, problems = read_json(path, shown)
    if document is None:
        return None, problems
    uri = file_uri(root, path)
    crawl = Crawl(root)
    crawl.add(uri, path, document)
    crawl.check_refs()
    problems += crawl.problems
    meta, agency, more = check_form(path.stem, shown, document, crawl, agencies, translations or {},
                                    parts_checked)
    problems += more
    if meta is None or agency is None or any(not p.warning for p in problems):
        return None, problems
    return _form(path.stem, path, document, uri, crawl, meta, agency, translations or {}), problems


def _form(form_id: str, path: Path, document: Any, uri: str, crawl: Crawl, meta: FormMeta, agency: Agency,
          translations: Mapping[str, Mapping[str, str]]) -> Form:
    """The form of a crawled file (or stored version) and its checked metadata."""
    registry = crawl.registry.crawl()
    return Form(
        id=form_id, path=path, document=document, agency=agency, uri=uri, registry=registry,
        meta=with_one_page(meta, document, document_resolver(registry, uri)),
        parts=tuple(sorted(u[len(BASE_URI):] for u in crawl.documents if u != uri)),
        part_versions={u[len(BASE_URI):]: hashlib.sha256(canonical_json(doc).encode()).hexdigest()
                       for u, (_, doc) in sorted(crawl.documents.items()) if u != uri},
        hash=schema_hash(crawl.documents),
        documents={u[len(BASE_URI):]: doc for u, (_, doc) in crawl.documents.items()},
        translations={lang: translations.get(lang, {}) for lang in meta.languages
                      if lang != meta.languages[0] or lang in translations},
    )


def form_of_version(form_id: str, documents: Mapping[str, Any], translations: Mapping[str, Mapping[str, str]],
                    agencies: Mapping[str, Agency]) -> Form:
    """The form as a stored version keeps it (`Form.documents`, `version_translations`), built again without its
    files: checked when it was first loaded, so not again. Its agency is the agency's as it is now (the default
    agency if it is gone). Raises `KeyError` if the documents lack the form file."""
    name = f"{form_id}.json"
    document = documents[name]
    uri = BASE_URI + name
    crawl = Crawl(Path("."), stored=documents)
    crawl.add(uri, Path(name), document)
    meta = FormMeta.model_validate(document.get(META_KEY) or {})
    agency = agencies.get(meta.agency or DEFAULT_AGENCY.id, DEFAULT_AGENCY)
    return _form(form_id, Path(name), document, uri, crawl, meta, agency, translations)


def version_translations(form: Form) -> dict[str, dict[str, str]]:
    """The translations a version of `form` keeps: only those of texts its documents have."""
    sources = {source for doc in form.documents.values() for source, _ in texts(doc)}
    return {lang: {k: v for k, v in catalog.items() if k in sources} for lang, catalog in form.translations.items()}


def form_files(schemas_dir: Path) -> list[Path]:
    """The form files of a schemas folder: its top-level `*.json` files."""
    return sorted(p for p in schemas_dir.glob("*.json") if p.is_file())


def load_catalog(schemas_dir: Path) -> Catalog:
    """Every form in `schemas_dir` that loads; a broken file is reported and skipped, never fatal."""
    agencies, problems = load_agencies(schemas_dir)
    translations = load_translations(schemas_dir)
    forms: dict[str, Form] = {}
    parts_checked: PartChecks = {}
    for path in form_files(schemas_dir):
        form, form_problems = load_form(path, schemas_dir, agencies, translations, parts_checked)
        problems += form_problems
        if form is not None:
            forms[form.id] = form
    return Catalog(forms, tuple(dict.fromkeys(problems)), agencies)
