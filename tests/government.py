"""The government corpus: published public-sector form schemas, kept byte for byte as published,
and what Lomake does with each. `python -m tests.government` prints the figures for
docs/conformance.md.

Each measure takes one schema file as its publisher wrote it. `repaired` makes the copy the
issue's first measurement used (a title on every property and the root, `$schema` said as
2020-12), to show what lies behind the refusals while they last.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.catalog import load_catalog
from core.forms import Form
from core.view.fields import walk
from lomake.check import check_paths
from submission.instances import draft_of, instances

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "conformance" / "government"
SOURCES = ROOT / "tests" / "conformance" / "sources.json"
FORMS = sorted(p.stem for p in CORPUS.glob("*.json"))
#: Generated valid instances per form (seeded: the same every run).
PER_FORM = 5
CHECKS = ("check", "controls", "api", "page", "axe", "nu")


def schema(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / f"{name}.json").read_text())  # type: ignore[no-any-return]


def sources() -> list[dict[str, str]]:
    return json.loads(SOURCES.read_text())  # type: ignore[no-any-return]


def generated(name: str, document: dict[str, Any] | None = None) -> list[Any]:
    return instances(document or schema(name), PER_FORM)


def humanised(key: str) -> str:
    """`dateOfBirth` → "Date of birth", `postal_code` → "Postal code" (the label item 1 asks for)."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key.replace("_", " ").replace("-", " ")).split()
    text = " ".join(words).lower()
    return text[:1].upper() + text[1:] if text else key


def repaired(document: dict[str, Any], name: str) -> dict[str, Any]:
    """The hand repairs of the issue's measurement: titles everywhere, `$schema` 2020-12."""

    def titled(node: Any) -> Any:
        if isinstance(node, list):
            return [titled(n) for n in node]
        if not isinstance(node, dict):
            return node
        out = {k: titled(v) for k, v in node.items()}
        if isinstance(node.get("properties"), dict):
            out["properties"] = {k: {"title": humanised(k), **v} if isinstance(v, dict) and "title" not in v else v
                                 for k, v in out["properties"].items()}
        return out

    fixed = titled(document)
    fixed["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    fixed.setdefault("title", name)
    return fixed  # type: ignore[no-any-return]


@dataclass
class Loaded:
    """One schema put in a catalog of its own: what `lomake check` says and the form, if it loads."""

    errors: list[str]
    warnings: list[str]
    form: Form | None
    folder: Path = field(repr=False, default=Path())


def load(name: str, document: dict[str, Any], folder: Path) -> Loaded:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(document))
    problems = check_paths([path])
    form = load_catalog(folder).forms.get(name)
    return Loaded([str(p) for p in problems if not p.warning], [str(p) for p in problems if p.warning], form, folder)


def raw_json_fields(form: Form) -> list[str]:
    """Where the page asks for the answer written as JSON (the `json` kind: no real control)."""
    from core.view.build import form_view

    return [f.pointer for f in walk(form_view(form, "en").fields) if f.kind == "json"]


def field_count(form: Form) -> int:
    from core.view.build import form_view

    return sum(1 for _ in walk(form_view(form, "en").fields))


def through_api(client: Any, name: str, instance: Any) -> tuple[int, Any]:
    """The API's status for the instance and what it stored (None when refused)."""
    from tests.conftest import stored_answers

    before = stored_answers(client)
    response = client.post(f"/api/v1/forms/{name}/submissions", json=instance)
    return response.status_code, added(before, stored_answers(client))


def through_page(client: Any, name: str, instance: Any) -> tuple[int, Any]:
    """The page filled with the instance (as a person would type it) and sent without JavaScript:
    the response status and what was stored (None when refused)."""
    from submission.coerce import form_values
    from tests.conftest import read_form, stored_answers

    app = client.app.state.lomake
    form = app.catalog.forms[name]
    page = app.form_page(form, "en", values=form_values(app.view(form, "en").fields, instance)).decode()
    _, pairs = read_form(page)
    posted: dict[str, list[str]] = {}
    for key, value in pairs:
        posted.setdefault(key, []).append(value)
    before = stored_answers(client)
    response = client.post(f"/forms/{name}?lang=en", data=posted, follow_redirects=False)
    return response.status_code, added(before, stored_answers(client))


def added(before: list[Any], after: list[Any]) -> Any:
    """The one submission stored between two readings (None if none): by content, not by time."""
    rest = list(after)
    for answers in before:
        rest.remove(answers)
    assert len(rest) <= 1
    return rest[0] if rest else None


@dataclass
class Figures:
    name: str
    draft: str
    errors: int = 0
    warnings: int = 0
    loads: bool = False
    fields: int = 0
    raw_json: int = 0
    instances: int = 0
    accepted: int = 0
    round_tripped: int = 0


def measure(name: str, document: dict[str, Any], folder: Path) -> Figures:
    """Every figure for one schema except the browser's (axe-core, Nu: see test_government_corpus)."""
    from starlette.testclient import TestClient

    from core.settings import Settings
    from server import create_app

    loaded = load(name, document, folder)
    figures = Figures(name, draft_of(document), len(loaded.errors), len(loaded.warnings), loaded.form is not None)
    made = generated(name, document)
    figures.instances = len(made)
    if loaded.form is None:
        return figures
    figures.fields, figures.raw_json = field_count(loaded.form), len(raw_json_fields(loaded.form))
    settings = Settings(schemas_dir=folder, db_url=f"sqlite:///{folder}/lomake.sqlite3")
    with TestClient(create_app(settings), base_url="http://lomake.test") as client:
        for instance in made:
            status, kept = through_api(client, name, instance)
            if status != 201:
                continue
            figures.accepted += 1
            status, stored = through_page(client, name, instance)
            figures.round_tripped += status == 303 and stored == kept
    return figures


def table(rows: list[Figures]) -> str:
    head = "| form | draft | check errors | warnings | loads | fields | raw-JSON fields | instances | API accepted | page round-tripped |"
    lines = [head, "|" + " --- |" * 10]
    for r in rows:
        lines.append(f"| `{r.name}` | {r.draft} | {r.errors} | {r.warnings} | {'yes' if r.loads else 'no'} | {r.fields} "
                     f"| {r.raw_json} | {r.instances} | {r.accepted} | {r.round_tripped} |")
    total = [sum(getattr(r, a) for r in rows) for a in ("errors", "warnings", "loads", "fields", "raw_json",
                                                        "instances", "accepted", "round_tripped")]
    lines.append(f"| **{len(rows)} forms** | | {total[0]} | {total[1]} | {total[2]} | {total[3]} | {total[4]} "
                 f"| {total[5]} | {total[6]} | {total[7]} |")
    return "\n".join(lines)


def main() -> None:
    """Print the corpus figures as published and, for comparison, with the issue's hand repairs."""
    work = Path(tempfile.mkdtemp(prefix="lomake-corpus-"))
    try:
        makers: dict[str, Callable[[str], dict[str, Any]]] = {
            "as published": schema, "with hand repairs": lambda n: repaired(schema(n), n)}
        for label, make in makers.items():
            print(f"\n{label}\n")
            print(table([measure(n, make(n), work / label.replace(" ", "-") / n) for n in FORMS]))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
