"""`lomake inventory`: the catalog's rows and storage's usage, written as inventory.csv, inventory.html and,
if asked, ptv.json. Only wiring: the rows are `core.inventory`'s, the files `renderer.inventory`'s."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.forms import Catalog, Form
from core.inventory import Audit, InventoryRow, inventory_row
from renderer.inventory import inventory_csv, inventory_html, inventory_view, ptv_channels
from submission.storage import AuditResult, FormUsage
from submission.storage.usage import Windows


def changed_on(form: Form) -> dt.date:
    """When the form last changed: the newest modification time of its file and the parts it reaches."""
    root = form.path.parent
    paths = [form.path, *(root / part for part in form.parts if (root / part).is_file())]
    newest = max(path.stat().st_mtime for path in paths)
    return dt.datetime.fromtimestamp(newest, dt.UTC).date()


def stored_audits(results: Sequence[AuditResult]) -> dict[str, Audit]:
    """The latest accessibility audits stored by `lomake audit` (`Storage.latest_audits`), as the inventory
    reads them, by form id."""
    return {result.form_id: Audit(result.form_hash, result.audited_at, len(result.problems)) for result in results}


def inventory_rows(catalog: Catalog, audits: Mapping[str, Audit]) -> list[InventoryRow]:
    """Every form's row, by agency, category and id."""
    rows = [inventory_row(form, changed_on(form), audits.get(form.id)) for form in catalog.forms.values()]
    return sorted(rows, key=lambda row: (row.agency, row.category, row.form_id))


def write_inventory(catalog: Catalog, usage: list[FormUsage], out: Path, now: dt.datetime,
                    public_url: str | None = None, audits: Sequence[AuditResult] = (), lang: str = "fi") -> list[Path]:
    """Write the inventory's files into `out` (made if missing), in `lang`, and ptv.json when `public_url` is
    given; the paths written. `audits` are the latest stored audits."""
    rows = inventory_rows(catalog, stored_audits(audits))
    by_form = {use.form_id: use for use in usage}
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "inventory.csv", out / "inventory.html"]
    written[0].write_text(inventory_csv(rows, by_form, lang), encoding="utf-8", newline="")
    months = [month for month, _ in Windows.at(now).months]
    written[1].write_text(inventory_html(inventory_view(rows, by_form, now, months, lang)), encoding="utf-8")
    if public_url is not None:
        written.append(out / "ptv.json")
        channels = ptv_channels(rows, public_url, now)
        written[2].write_text(json.dumps(channels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return written


