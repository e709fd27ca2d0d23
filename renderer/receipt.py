"""What a receipt shows (domain.md, "Arrival, receipt, archive"), independent of HTML or PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.formats import moment_shown
from core.forms import Agency, Form, PageMeta, in_language
from core.messages import file_size, text
from core.timezone import HELSINKI
from core.view.fields import FormView
from renderer.answers import Group, answer_tree
from submission.acting import acting, described, sender_name
from submission.journey import page_view, pages_asked
from submission.storage import Attachment, Submission
from submission.uploads import references


@dataclass(frozen=True)
class Contact:
    """The registry office as the person reads it: where to add to or withdraw the matter."""

    name: str
    address: str
    email: str
    phone: str
    hours: str = ""


def contact(agency: Agency, lang: str) -> Contact | None:
    """The agency's registry office in `lang`, or None when its file names none."""
    office = agency.office
    if office is None:
        return None
    street = office.street if isinstance(office.street, str) else in_language(office.street, lang)
    return Contact(in_language(office.name, lang), f"{street}, {office.postal_code} {in_language(office.town, lang)}",
                   office.email, office.phone, in_language(office.hours, lang))


@dataclass(frozen=True)
class FileShown:
    """An attachment as the receipt lists it: its name, its type and size in words, and its SHA-256 (the evidence
    of what arrived)."""

    name: str
    kind: str
    size: str
    sha256: str


#: The media types the receipt names in words; any other is shown by its file name's extension.
_KINDS = {"application/pdf": "file_pdf", "image/png": "file_png", "image/jpeg": "file_jpeg"}


def file_kind(attachment: Attachment, lang: str) -> str:
    """The file's type in words ("PDF-tiedosto", "PNG-bild", "JPEG image"), else its extension in capitals."""
    key = _KINDS.get(attachment.media_type.split(";")[0].strip().lower())
    if key:
        return text(lang, key)
    stem, dot, extension = attachment.name.rpartition(".")
    return extension.upper() if dot and stem else attachment.media_type


def in_asked_order(form: Form, data: Mapping[str, Any], attachments: Sequence[Attachment]) -> list[Attachment]:
    """The attachments in the order the form asks them (page by page, question by question), then by name: the one
    order of the confirmation and the receipt."""
    asked = [name for page in pages_asked(form.meta, data) for name in page.properties] + list(form.meta.review)
    where = {i: n for n, name in enumerate(asked) for _, i in references(data.get(name))}
    return sorted(attachments, key=lambda a: (where.get(a.id, len(asked)), a.name.casefold(), a.name, a.id))


def files_shown(attachments: Sequence[Attachment], lang: str) -> tuple[FileShown, ...]:
    return tuple(FileShown(a.name, file_kind(a, lang), file_size(a.size, lang), a.sha256) for a in attachments)


def case_number_word(agency: Agency, lang: str) -> str:
    """The agency's own word for the number of a matter, else the service's ("asianumero")."""
    return in_language(agency.case_number_word, lang) or text(lang, "reference")


def handling_time(form: Form, lang: str) -> str:
    """The form's expected handling time in `lang`, empty when it declares none."""
    declared = form.meta.handling_time or ""
    return (form.translations.get(lang) or {}).get(declared) or declared


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
    #: The answers, a group per page of the form (one untitled group for a one-page form).
    sections: tuple[Group, ...]
    #: The attachments in the order the form asks them, then by name (`in_asked_order`).
    attachments: tuple[FileShown, ...] = ()
    #: Who the sender acted for and on what ground, as a sentence; empty when the form does not ask.
    acting: str = ""
    #: The sender's own name where the form asks it (`submission.acting.sender_name`), else empty.
    sender: str = ""
    #: The receiving unit the agency's file declares, in the receipt's language; empty when it declares none.
    unit: str = ""
    #: The agency's word for `reference`, e.g. "Asianumero".
    case_word: str = ""
    contact: Contact | None = None
    handling_time: str = ""
    #: The agency's privacy notice in the receipt's language, when the form asks for personal data.
    privacy_url: str = ""


def arrival_time(moment: dt.datetime, lang: str) -> str:
    """The time of arrival in Finnish time, to the second, in the language's words:
    `23.11.2026 klo 17.49.55 (Suomen aikaa)`, `23.11.2026 kl. 17.49.55 (finsk tid)`,
    `23.11.2026 at 17:49:55 (Finnish time)`."""
    return f"{moment_shown(moment.astimezone(HELSINKI), lang)} ({text(lang, 'finnish_time')})"


def receipt(form: Form, view: FormView, submission: Submission, attachments: Sequence[Attachment] = ()) -> Receipt:
    lang = view.lang
    attachments = in_asked_order(form, submission.data, attachments)
    files = {a.reference: f"{a.name} ({file_size(a.size, lang)})" for a in attachments}
    return Receipt(
        lang=lang, agency=form.agency.display_name(lang), form_title=view.title, form_id=submission.form_id,
        form_version=submission.form_version, reference=submission.reference,
        received_at=arrival_time(submission.received_at, lang), data_sha256=submission.data_sha256,
        sections=sections(form, view, submission.data, files), attachments=files_shown(attachments, lang),
        acting=described(acting(form, submission.data), lang, files), sender=sender_name(form, submission.data),
        unit=in_language(form.agency.unit, lang),
        case_word=case_number_word(form.agency, lang), contact=contact(form.agency, lang),
        handling_time=handling_time(form, lang), privacy_url=view.privacy_url,
    )



def page_title(form: Form, page: PageMeta, lang: str) -> str:
    """A page's title in `lang`."""
    catalog = form.translations.get(lang) or {}
    return catalog.get(page.title) or page.title


def sections(form: Form, view: FormView, data: Mapping[str, Any], files: Mapping[str, str],
             url: Callable[[PageMeta], str] | None = None) -> tuple[Group, ...]:
    """The answers as the form declares them: a group per page asked, titled and marked not public as the page
    is, then the review's own questions (the declaration); a one-page form's page as one untitled group.
    `url` gives each page's address for changing its answers (the review)."""
    lang = view.lang
    shown = [Group("" if form.meta.one_page else page_title(form, page, lang),
                   answer_tree(page_view(view, page.properties, data).fields, data, lang, files),
                   non_public=not page.public, url=url(page) if url else "")
             for page in pages_asked(form.meta, data)]
    if form.meta.review and url is None:
        closing = answer_tree(page_view(view, form.meta.review, data).fields, data, lang, files)
        shown.append(Group(text(lang, "declaration_section"), closing))
    return tuple(shown)
