"""What a receipt shows (domain.md, "Arrival, receipt, archive"), independent of HTML or PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lomake.forms import Form
from lomake.messages import file_size, text
from lomake.timezone import HELSINKI
from renderer.answers import Answer, answers
from renderer.fields import FormView
from submission.store import Attachment, Submission


@dataclass(frozen=True)
class Receipt:
    lang: str
    agency: str
    form_title: str
    form_id: str
    form_version: str
    reference: str
    received_at: str
    data_sha256: str
    answers: tuple[Answer, ...]
    attachments: tuple[Attachment, ...] = ()


def arrival_time(moment: dt.datetime, lang: str) -> str:
    """The time of arrival in Finnish time, to the second: `23.11.2026 klo 17.49.55`."""
    local = moment.astimezone(HELSINKI)
    clock = f"{local:%H.%M.%S}" if lang == "fi" else f"{local:%H:%M:%S}" if lang == "en" else f"{local:%H.%M.%S}"
    when = text(lang, "time_format", date=f"{local.day}.{local.month}.{local.year}", time=clock)
    return f"{when} ({text(lang, 'finnish_time')})"


def receipt(form: Form, view: FormView, submission: Submission, attachments: Sequence[Attachment] = ()) -> Receipt:
    lang = view.lang
    files = {a.reference: f"{a.name} ({file_size(a.size, lang)})" for a in attachments}
    return Receipt(
        lang=lang, agency=form.agency.display_name(lang), form_title=view.title, form_id=submission.form_id,
        form_version=submission.form_version, reference=submission.reference,
        received_at=arrival_time(submission.received_at, lang), data_sha256=submission.data_sha256,
        answers=tuple(answers(view.fields, submission.data, lang, files)), attachments=tuple(attachments),
    )

