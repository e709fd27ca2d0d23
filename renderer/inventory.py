"""The form inventory as files: a CSV for spreadsheets, a self-contained HTML report with inline SVG charts, and
the forms as e-service channels for the national service catalogue (PTV). Pure: rows and usage in, text out.

The HTML has no external resource: its style sheet is inline, its charts are SVG drawn by the template from
the geometry worked out here, and every chart's numbers are also in a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.formats import date_shown, moment_shown, number_shown
from core.forms import in_language
from core.inventory import LANGUAGES, InventoryRow, short_description
from renderer.export import BOM, csv_text, safe
from renderer.html import Pages
from submission.storage import FormUsage

#: The CSV's columns, in order.
CSV_COLUMNS = (
    "agency", "owner", "category", "id", "title_fi", "title_sv", "title_en", "version", "hash", "changed",
    "languages", "languages_complete", "untranslated_fi", "untranslated_sv", "untranslated_en", "questions",
    "required", "attachments", "pages", "identifiers", "publicity", "retention_days", "accessibility",
    "submissions_30_days", "submissions_365_days", "drafts_started", "drafts_sent", "completion_rate",
    "median_hours_to_send",
)


def usage_of(usage: Mapping[str, FormUsage], form_id: str) -> FormUsage:
    """The form's usage; all zeros for a form nobody has used."""
    return usage.get(form_id) or FormUsage(form_id, 0, 0, {}, 0, 0, None)


def csv_cells(row: InventoryRow, use: FormUsage) -> list[str]:
    """One form's row under `CSV_COLUMNS`: text cells guarded against formulas, numbers as they are."""
    untranslated = [str(row.untranslated[lang]) if lang in row.untranslated else "" for lang in LANGUAGES]
    texts = [row.agency, row.owner, row.category, row.form_id, *(row.titles.get(lang, "") for lang in LANGUAGES),
             row.version, row.hash, row.changed.isoformat() if row.changed else "", " ".join(row.languages),
             " ".join(row.complete_languages)]
    rate = use.completion_rate
    hours = use.median_seconds_to_send / 3600 if use.median_seconds_to_send is not None else None
    return [*(safe(t) for t in texts), *untranslated, str(row.questions), str(row.required),
            safe("\n".join(row.attachments)), str(row.pages), " ".join(row.identifiers), row.publicity or "",
            str(row.retention_days or ""), safe(row.accessibility), str(use.last_30_days), str(use.last_365_days),
            str(use.drafts_started), str(use.drafts_sent), f"{rate:.3f}" if rate is not None else "",
            f"{hours:.2f}" if hours is not None else ""]


def inventory_csv(rows: Sequence[InventoryRow], usage: Mapping[str, FormUsage]) -> str:
    """The inventory as CSV for spreadsheets: UTF-8 with a BOM, one row per form."""
    return BOM + csv_text([CSV_COLUMNS, *(csv_cells(row, usage_of(usage, row.form_id)) for row in rows)])


# The HTML report's view model

#: The charts' drawing area, in SVG user units: the template scales them to the page's width.
CHART_WIDTH = 320
BAR_AREA = 200


@dataclass(frozen=True)
class Bar:
    """One bar: its place and size in the chart, the value it stands for and its label."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class MonthChart:
    """One form's submissions per month, as twelve bars on a scale from 0 to `top`."""

    form_id: str
    title: str
    bars: tuple[Bar, ...]
    top: int
    total: int


@dataclass(frozen=True)
class FormLine:
    """What the report says of one form, every cell as text."""

    row: InventoryRow
    title: str
    use: FormUsage
    changed: str
    rate: str
    median: str
    languages: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class InventoryView:
    """The whole report."""

    generated: str
    lines: tuple[FormLine, ...]
    months: tuple[str, ...]
    month_charts: tuple[MonthChart, ...]
    completion: tuple[Bar, ...]
    coverage: tuple[tuple[str, tuple[Bar, ...]], ...]
    agencies: tuple[str, ...]


def inventory_view(rows: Sequence[InventoryRow], usage: Mapping[str, FormUsage], generated: dt.datetime,
                   months: Sequence[str]) -> InventoryView:
    """The report's view model: `months` are the `YYYY-MM` of the monthly chart, oldest first."""
    lines = tuple(_line(row, usage_of(usage, row.form_id)) for row in rows)
    return InventoryView(
        generated=moment_shown(generated, "en", seconds=False), lines=lines, months=tuple(months),
        month_charts=tuple(_month_chart(line, months) for line in lines),
        completion=_completion_bars(lines), coverage=tuple(_coverage(line) for line in lines),
        agencies=tuple(dict.fromkeys(in_language(line.row.agency_names, "en") for line in lines)),
    )


def _line(row: InventoryRow, use: FormUsage) -> FormLine:
    rate = use.completion_rate
    shares = {lang: row.translated_share(lang) for lang in LANGUAGES}
    return FormLine(
        row=row, title=row.titles.get("en") or next(iter(row.titles.values()), row.form_id), use=use,
        changed=date_shown(row.changed) if row.changed else "", rate=f"{rate:.0%}" if rate is not None else "–",
        median=duration_shown(use.median_seconds_to_send),
        languages=tuple((lang, "not offered" if share is None else f"{share:.0%}" + (
            f" ({row.untranslated[lang]} untranslated)" if row.untranslated[lang] else ""))
            for lang, share in shares.items()),
    )


def duration_shown(seconds: float | None) -> str:
    """A duration in the unit that reads best: `45 s`, `12 min`, `3.5 h`, `2.0 d`; `–` for none."""
    if seconds is None:
        return "–"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.1f} {unit}" if unit != "min" else f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def _month_chart(line: FormLine, months: Sequence[str]) -> MonthChart:
    counts = [line.use.per_month.get(month, 0) for month in months]
    top = max(counts, default=0) or 1
    step = CHART_WIDTH / max(len(months), 1)
    bars = tuple(Bar(x=i * step + 2, y=BAR_AREA * (1 - n / top) + 10, width=step - 4, height=BAR_AREA * n / top,
                     label=month, value=number_shown(n, "en")) for i, (month, n) in enumerate(zip(months, counts,
                                                                                                   strict=True)))
    return MonthChart(line.row.form_id, line.title, bars, top, sum(counts))


def _completion_bars(lines: Sequence[FormLine]) -> tuple[Bar, ...]:
    """One bar per form, 0 to 100 % of the drafts started that were sent."""
    return tuple(Bar(x=0, y=i * 36, width=BAR_AREA * (line.use.completion_rate or 0), height=22,
                     label=line.row.form_id, value=f"{line.rate} of {number_shown(line.use.drafts_started, 'en')}"
                     if line.use.drafts_started else "no drafts")
                 for i, line in enumerate(lines))


def _coverage(line: FormLine) -> tuple[str, tuple[Bar, ...]]:
    """One bar per language: the share of the form's texts translated into it (none: not offered)."""
    bars = []
    for i, (lang, shown) in enumerate(line.languages):
        share = line.row.translated_share(lang)
        bars.append(Bar(x=0, y=i * 26, width=BAR_AREA * (share or 0), height=18, label=lang,
                        value=shown.split(" (")[0]))
    return line.row.form_id, tuple(bars)


def inventory_html(view: InventoryView, pages: Pages | None = None) -> str:
    """The report as one self-contained HTML page (template `inventory.html`, overridable by name)."""
    env = (pages or Pages()).env
    return env.get_template("inventory.html").render(view=view, thousands=lambda n: number_shown(n, "en"),
                                                     chart_width=CHART_WIDTH, bar_area=BAR_AREA)


# The national service catalogue (PTV)

#: PTV's accessibility classification of a channel: unknown until audited.
_CLASSIFICATION = {None: "Unknown", True: "FullyCompliant", False: "PartiallyCompliant"}


def ptv_channels(rows: Sequence[InventoryRow], public_url: str, generated: dt.datetime) -> dict[str, Any]:
    """Each form as an e-service channel (verkkoasiointikanava) with the fields of PTV's Open API
    (`ElectronicChannelIn`, Act 571/2016), as drafts for the agency to check and publish; `lomake` holds what
    PTV has no field for (the form, its version, the attachments it asks)."""
    return {"generated": generated.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "channels": [_channel(row, public_url.rstrip("/")) for row in rows]}


def _channel(row: InventoryRow, base: str) -> dict[str, Any]:
    languages = [lang for lang in LANGUAGES if lang in row.titles]
    url = f"{base}/forms/{row.form_id}"
    audited = None if row.audit is None or row.audit.form_hash != row.hash else row.audit.problems == 0
    return {
        "sourceId": f"lomake-{row.agency}-{row.form_id}",
        "organization": {"id": row.agency, "names": [_item(lang, row.agency_names[lang])
                                                     for lang in LANGUAGES if lang in row.agency_names]},
        "serviceChannelNames": [_item(lang, row.titles[lang][:100]) for lang in languages],
        "serviceChannelDescriptions": [
            *({"type": "Summary", **_item(lang, short_description(text))} for lang, text in row.descriptions.items()),
            *({"type": "Description", **_item(lang, text[:2500])} for lang, text in row.descriptions.items()),
        ],
        "webPage": [_item(lang, url if lang == row.languages[0] else f"{url}?lang={lang}") for lang in languages],
        "languages": languages,
        "requiresAuthentication": False,
        "requiresSignature": False,
        "accessibilityClassification": [
            {"language": lang, "accessibilityClassificationLevel": _CLASSIFICATION[audited],
             "wcagLevel": "LevelAA" if audited is not None else None,
             "accessibilityStatementWebPage": f"{base}/accessibility/{row.agency}"} for lang in languages],
        "publishingStatus": "Draft",
        "lomake": {"formId": row.form_id, "version": row.version, "hash": row.hash,
                   "asksAttachments": bool(row.attachments), "attachmentsRequired": row.attachments_required,
                   "attachments": {lang: list(row.attachments_in(lang)) for lang in languages},
                   "accessibility": row.accessibility},
    }


def _item(lang: str, value: str) -> dict[str, str]:
    return {"language": lang, "value": value}
