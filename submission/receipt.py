"""What a receipt shows (domain.md, "Arrival, receipt, archive"), independent of HTML or PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lomake.formats import moment_shown
from lomake.forms import Form
from lomake.messages import file_size, text
from lomake.timezone import HELSINKI
from renderer.answers import Answer, answers
from renderer.fields import FormView
from submission.acting import acting, described
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
    #: Who the sender acted for and on what ground, as a sentence; empty when the form does not ask.
    acting: str = ""


def arrival_time(moment: dt.datetime, lang: str) -> str:
    """The time of arrival in Finnish time, to the second, in the language's words:
    `23.11.2026 klo 17.49.55 (Suomen aikaa)`, `23.11.2026 kl. 17.49.55 (finsk tid)`,
    `23.11.2026 at 17:49:55 (Finnish time)`."""
    return f"{moment_shown(moment.astimezone(HELSINKI), lang)} ({text(lang, 'finnish_time')})"


def receipt(form: Form, view: FormView, submission: Submission, attachments: Sequence[Attachment] = ()) -> Receipt:
    lang = view.lang
    files = {a.reference: f"{a.name} ({file_size(a.size, lang)})" for a in attachments}
    return Receipt(
        lang=lang, agency=form.agency.display_name(lang), form_title=view.title, form_id=submission.form_id,
        form_version=submission.form_version, reference=submission.reference,
        received_at=arrival_time(submission.received_at, lang), data_sha256=submission.data_sha256,
        answers=tuple(answers(view.fields, submission.data, lang, files)), attachments=tuple(attachments),
        acting=described(acting(form, submission.data), lang, files),
    )

