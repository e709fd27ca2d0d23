"""`lomake check`: the JSON Schema meta-schema and Lomake's own rules for form files.

Errors stop a form from being served; warnings (fields without a title, constructs not supported yet) do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from core.catalog import form_files, load_agencies, load_form
from core.check import PartChecks, check_part
from core.forms import Agency, Form, FormProblem
from core.i18n import load_translations
from core.positions import located, schema_place


def check_paths(paths: list[Path]) -> list[FormProblem]:
    """Check form files, shared parts (files in a `common/` folder) or whole schemas folders: every problem in
    every file they reach by `$ref`, at its line and column."""
    problems: list[FormProblem] = []
    parts_checked: PartChecks = {}
    for path in paths:
        translations = load_translations(path if path.is_dir() else path.parent)
        if not path.exists():
            problems.append(FormProblem(str(path), "", "no such file"))
        elif path.is_dir():
            agencies, more = load_agencies(path)
            problems += more
            for file in form_files(path):
                problems += _loaded_form_problems(file, path, agencies, translations, parts_checked)
            for part in sorted((path / "common").rglob("*.json")):
                problems += check_part(part, path)
        elif path.parent.name == "common":
            problems += check_part(path, path.parent.parent)
        else:
            agencies, more = load_agencies(path.parent)
            problems += more + _loaded_form_problems(path, path.parent, agencies, translations, parts_checked)
    return located(dict.fromkeys(problems))


def _loaded_form_problems(path: Path, root: Path, agencies: Mapping[str, Agency],
                          translations: Mapping[str, Mapping[str, str]],
                          parts_checked: PartChecks | None = None) -> list[FormProblem]:
    form, problems = load_form(path, root, agencies, translations, parts_checked)
    return problems + (raw_json_warnings(form) if form is not None else [])


def raw_json_warnings(form: Form) -> list[FormProblem]:
    """A warning for every question the page still asks as JSON text, naming the construct."""
    from core.view.build import form_view
    from core.view.fields import walk

    return [
        FormProblem(*schema_place(form, f.pointer), f"the field {f.label!r} ({f.pointer}) is shown as a JSON text "
                    f"field: {f.construct or 'this schema'} has no control yet", warning=True)
        for f in walk(form_view(form, form.meta.languages[0]).fields) if f.kind == "json"
    ]
