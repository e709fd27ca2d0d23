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

from core.formats import date_shown, decimal_shown, moment_shown, number_shown, percent_shown
from core.forms import in_language
from core.inventory import LANGUAGES, InventoryRow, short_description
from core.messages import has_text, text
from core.timezone import HELSINKI
from renderer.export import BOM, csv_text, safe
from renderer.html import Pages
from submission.storage import FormUsage

#: The CSV's columns, in order: stable names for machines (docs/inventory.md); `title` and `category_name` are in
#: the inventory's language, the other cells the same in every language.
CSV_COLUMNS = (
    "agency", "owner", "category", "category_name", "id", "title", "title_fi", "title_sv", "title_en", "version",
    "hash", "changed",
    "languages", "languages_complete", "untranslated_fi", "untranslated_sv", "untranslated_en", "questions",
    "required", "attachments", "pages", "identifiers", "publicity", "retention_days", "accessibility",
    "submissions_30_days", "submissions_365_days", "drafts_started", "drafts_sent", "completion_rate",
    "median_hours_to_send",
)


def usage_of(usage: Mapping[str, FormUsage], form_id: str) -> FormUsage:
    """The form's usage; all zeros for a form nobody has used."""
    return usage.get(form_id) or FormUsage(form_id, 0, 0, {}, 0, 0, None)


def csv_cells(row: InventoryRow, use: FormUsage, lang: str = "fi") -> list[str]:
    """One form's row under `CSV_COLUMNS`, its title and category in `lang`: text cells guarded against formulas,
    numbers as they are."""
    untranslated = [str(row.untranslated[code]) if code in row.untranslated else "" for code in LANGUAGES]
    texts = [row.agency, row.owner, row.category, row.category_in(lang), row.form_id, row.title_in(lang)[0],
             *(row.titles.get(code, "") for code in LANGUAGES),
             row.version, row.hash, row.changed.isoformat() if row.changed else "", " ".join(row.languages),
             " ".join(row.complete_languages)]
    rate = use.completion_rate
    hours = use.median_seconds_to_send / 3600 if use.median_seconds_to_send is not None else None
    return [*(safe(t) for t in texts), *untranslated, str(row.questions), str(row.required),
            safe("\n".join(row.attachments)), str(row.pages), " ".join(row.identifiers), row.publicity or "",
            str(row.retention_days or ""), safe(row.accessibility), str(use.last_30_days), str(use.last_365_days),
            str(use.drafts_started), str(use.drafts_sent), f"{rate:.3f}" if rate is not None else "",
            f"{hours:.2f}" if hours is not None else ""]


def inventory_csv(rows: Sequence[InventoryRow], usage: Mapping[str, FormUsage], lang: str = "fi") -> str:
    """The inventory as CSV for spreadsheets: UTF-8 with a BOM, one row per form, titles in `lang`."""
    return BOM + csv_text([CSV_COLUMNS, *(csv_cells(row, usage_of(usage, row.form_id), lang) for row in rows)])


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
    title_lang: str
    bars: tuple[Bar, ...]
    top: int
    total: int


@dataclass(frozen=True)
class FormLine:
    """What the report says of one form, every cell as text in the report's language."""

    row: InventoryRow
    #: The form's title in the report's language (else in the first it has one in), and that language.
    title: str
    title_lang: str
    agency: str
    category: str
    use: FormUsage
    changed: str
    rate: str
    median: str
    languages: tuple[tuple[str, str], ...]
    publicity: str
    accessibility: str
    #: The identifier formats asked for: in words, and by name.
    identifiers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class InventoryView:
    """The whole report, in `lang`."""

    lang: str
    generated: str
    lines: tuple[FormLine, ...]
    months: tuple[str, ...]
    month_charts: tuple[MonthChart, ...]
    completion: tuple[Bar, ...]
    coverage: tuple[tuple[str, tuple[Bar, ...]], ...]
    agencies: tuple[str, ...]


def inventory_view(rows: Sequence[InventoryRow], usage: Mapping[str, FormUsage], generated: dt.datetime,
                   months: Sequence[str], lang: str = "fi") -> InventoryView:
    """The report's view model in `lang`: `months` are the `YYYY-MM` of the monthly chart, oldest first."""
    lines = tuple(_line(row, usage_of(usage, row.form_id), lang) for row in rows)
    return InventoryView(
        lang=lang, generated=moment_shown(generated, lang, seconds=False), lines=lines, months=tuple(months),
        month_charts=tuple(_month_chart(line, months, lang) for line in lines),
        completion=_completion_bars(lines, lang), coverage=tuple(_coverage(line) for line in lines),
        agencies=tuple(dict.fromkeys(line.agency for line in lines)),
    )


def _line(row: InventoryRow, use: FormUsage, lang: str) -> FormLine:
    rate = use.completion_rate
    title, title_lang = row.title_in(lang)
    return FormLine(
        row=row, title=title, title_lang=title_lang, agency=in_language(row.agency_names, lang),
        category=row.category_in(lang), use=use, changed=date_shown(row.changed) if row.changed else "",
        rate=percent_shown(rate, lang) if rate is not None else "–",
        median=duration_shown(use.median_seconds_to_send, lang),
        languages=tuple((code, _translated(row, code, lang)) for code in LANGUAGES),
        publicity=publicity_shown(row.publicity, lang), accessibility=accessibility_shown(row, lang),
        identifiers=tuple((identifier_shown(name, lang), name) for name in row.identifiers),
    )


def _translated(row: InventoryRow, code: str, lang: str) -> str:
    """How much of the form is translated into `code`, in `lang`: `100 %`, `80 % (3 untranslated)`, not offered."""
    share = row.translated_share(code)
    if share is None:
        return text(lang, "inventory_not_offered")
    shown = percent_shown(share, lang)
    missing = row.untranslated[code]
    return text(lang, "inventory_untranslated", share=shown, n=number_shown(missing, lang)) if missing else shown


def identifier_shown(name: str, lang: str) -> str:
    """An identifier format in words (`fi-hetu`: "henkilötunnus"); one Lomake has no words for, by its name."""
    key = f"inventory_identifier_{name}"
    return text(lang, key) if has_text(key) else name


def publicity_shown(publicity: str | None, lang: str) -> str:
    """The records' publicity in words (`confidential`: "salassa pidettävä"); one Lomake has no words for as written."""
    key = f"inventory_publicity_{publicity or 'none'}"
    return text(lang, key) if has_text(key) else str(publicity)


def accessibility_shown(row: InventoryRow, lang: str) -> str:
    """The latest audit in words: not audited (since the form changed), or what it found and when."""
    state = row.audit_state
    if row.audit is None or state == "not_audited_since":
        return text(lang, f"inventory_{state}")
    return text(lang, f"inventory_{state}", n=number_shown(row.audit.problems, lang),
                date=date_shown(row.audit.audited_at.astimezone(HELSINKI).date()))


def duration_shown(seconds: float | None, lang: str) -> str:
    """A duration in the unit that reads best: `45 s`, `12 min`, `3.5 h`, `2.0 d` (`3,5 h`, `2,0 vrk` in
    Finnish); `–` for none."""
    if seconds is None:
        return "–"
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            value = round(seconds / size) if unit == "minutes" else round(seconds / size, 1)
            shown = number_shown(value, lang) if unit == "minutes" else decimal_shown(value, lang)
            return text(lang, f"duration_{unit}", n=shown)
    return text(lang, "duration_seconds", n=number_shown(round(seconds), lang))


def _month_chart(line: FormLine, months: Sequence[str], lang: str) -> MonthChart:
    counts = [line.use.per_month.get(month, 0) for month in months]
    top = max(counts, default=0) or 1
    step = CHART_WIDTH / max(len(months), 1)
    bars = tuple(Bar(x=i * step + 2, y=BAR_AREA * (1 - n / top) + 10, width=step - 4, height=BAR_AREA * n / top,
                     label=month, value=number_shown(n, lang)) for i, (month, n) in enumerate(zip(months, counts,
                                                                                                  strict=True)))
    return MonthChart(line.row.form_id, line.title, line.title_lang, bars, top, sum(counts))


def _completion_bars(lines: Sequence[FormLine], lang: str) -> tuple[Bar, ...]:
    """One bar per form, 0 to 100 % of the drafts started that were sent."""
    def value(line: FormLine) -> str:
        started = line.use.drafts_started
        if not started:
            return text(lang, "inventory_no_drafts")
        return text(lang, "inventory_rate_of", rate=line.rate, n=number_shown(started, lang))

    return tuple(Bar(x=0, y=i * 36, width=BAR_AREA * (line.use.completion_rate or 0), height=22,
                     label=line.row.form_id, value=value(line)) for i, line in enumerate(lines))


def _coverage(line: FormLine) -> tuple[str, tuple[Bar, ...]]:
    """One bar per language: the share of the form's texts translated into it (none: not offered)."""
    bars = []
    for i, (code, shown) in enumerate(line.languages):
        share = line.row.translated_share(code)
        bars.append(Bar(x=0, y=i * 26, width=BAR_AREA * (share or 0), height=18, label=code,
                        value=shown.split(" (")[0]))
    return line.row.form_id, tuple(bars)


def inventory_html(view: InventoryView, pages: Pages | None = None) -> str:
    """The report as one self-contained HTML page in the view's language (template `inventory.html`, overridable
    by name)."""
    return (pages or Pages()).render("inventory.html", view.lang, view=view, chart_width=CHART_WIDTH,
                                     bar_area=BAR_AREA, thousands=lambda n: number_shown(n, view.lang))


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
