"""What storage keeps and gives back: plain frozen records, the same for every engine."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from core.errors import Problem
from core.view.fields import ATTACHMENT_PREFIX


@dataclass(frozen=True)
class NewSubmission:
    """What the validated answers and their form give to storage."""

    form_id: str
    form_version: str
    schema_hash: str
    agency: str
    reference_pattern: str
    data: dict[str, Any]
    language: str
    #: Ids of the uploaded attachments the answers refer to; they become the submission's.
    attachments: tuple[str, ...] = ()
    #: The draft the answers were gathered in: it is sent at most once, so sending it again
    #: (a double click, a reload, two requests at once) gives back the first submission.
    draft_id: str | None = None
    #: Facts about the submission beside the answers, e.g. who acted for whom (`acting`).
    metadata: dict[str, Any] = field(default_factory=dict)
    #: The agencies whose webhooks get the submission: one `Delivery` each, written in the same transaction.
    deliver_to: tuple[str, ...] = ()
    #: A client's key for this request, scoped by the caller (e.g. "<API key id>:<form id>:<header>"): within
    #: `IDEMPOTENCY_WINDOW` of the first use, sending the same answers again gives back the first submission,
    #: marked `resent`; other answers raise `IdempotencyConflict`.
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Attachment:
    """An uploaded file, kept in the database: the answers refer to it as `attachment:<id>`."""

    id: str
    name: str
    media_type: str
    size: int
    sha256: str

    @property
    def reference(self) -> str:
        return f"{ATTACHMENT_PREFIX}{self.id}"


@dataclass(frozen=True)
class Submission:
    """A stored submission."""

    id: str
    reference: str
    form_id: str
    form_version: str
    schema_hash: str
    agency: str
    data: dict[str, Any]
    data_sha256: str
    received_at: dt.datetime
    language: str
    receipt_token: str
    metadata: dict[str, Any] = field(default_factory=dict)
    #: True only in `add_submission`'s answer for a draft sent before: its first submission, given back,
    #: nothing stored again (so whatever follows a new submission does not follow it twice).
    resent: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Draft:
    """Answers being gathered page by page, kept until sent or until `expires_at`.

    `token` is the capability: the cookie's value and the resume link's last part. `code`
    is a short code a person can read out (see `ids.resume_code`). `done` lists the pages that
    were passed with valid answers; `prefilled` holds what an agency gave through the API,
    by pointer, and `locked` which of those the person cannot change.
    """

    id: str
    token: str
    form_id: str
    language: str
    data: dict[str, Any]
    done: tuple[str, ...]
    prefilled: dict[str, Any]
    locked: tuple[str, ...]
    csrf: str
    created_at: dt.datetime
    expires_at: dt.datetime
    days: int
    code: str | None = None
    #: The receipt of the submission this draft became, once sent.
    sent_receipt: str | None = None
    #: A draft made for someone (through the API): the one-time token of the link that hands it over.
    #: Only `add_draft` gives it; opening the link moves the draft to a fresh `token` (`hand_over`).
    handover: str | None = None
    #: The hash of the form version the draft was started on (or moved to); None: started before versions were
    #: kept, taken to be the form as it is now.
    form_hash: str | None = None
    #: The last post of one of its pages that was not taken as it was (see `Refusal`); None once the draft is saved
    #: again.
    refused: Refusal | None = None


@dataclass(frozen=True)
class Refusal:
    """A page posted and shown again rather than passed (Post/Redirect/Get): the page, what was typed on it
    exactly as posted (the controls' values, without the CSRF token or the button pressed), and why it was not
    taken. Kept in the draft until it is saved again; only that page shows it.

    Without problems it is a page changed, not refused: a list's item added or removed, the language switched."""

    page: str
    values: dict[str, list[str]]
    problems: tuple[Problem, ...] = ()


def refusal_json(refusal: Refusal | None) -> str | None:
    """A refusal as stored: a JSON object, or NULL."""
    if refusal is None:
        return None
    return json.dumps({"page": refusal.page, "values": refusal.values,
                       "problems": [asdict(problem) for problem in refusal.problems]}, ensure_ascii=False)


def refusal_of(stored: str | None) -> Refusal | None:
    if stored is None:
        return None
    found = json.loads(stored)
    return Refusal(found["page"], {name: list(values) for name, values in found["values"].items()},
                   tuple(Problem(**problem) for problem in found["problems"]))


@dataclass(frozen=True)
class FormVersion:
    """A form as it was loaded, kept by its hash: enough to build the form again without its files."""

    hash: str
    form_id: str
    #: The form's own `x-lomake.version`, a label only: the hash is what tells versions apart.
    label: str
    #: The form file and every part it reaches, by path below the schemas folder (`Form.hash` is over these).
    documents: dict[str, Any]
    #: The translations of the form's texts it was loaded with: language, then source text to translation.
    translations: dict[str, dict[str, str]]
    first_seen_at: dt.datetime


@dataclass(frozen=True)
class VersionUse:
    """A version of a form in `Storage.form_versions`: when it was first seen and how many submissions it has."""

    hash: str
    form_id: str
    label: str
    first_seen_at: dt.datetime
    submissions: int


@dataclass(frozen=True)
class ApiKey:
    """An agency's API key as stored: whose it is and what for, never the key itself."""

    id: str
    agency: str
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


#: pending: to be tried (now, or at `next_attempt_at`); delivered: the receiver answered 2xx; failed: given up,
#: the dead letter, until someone retries it.
DeliveryStatus = Literal["pending", "delivered", "failed"]


@dataclass(frozen=True)
class Delivery:
    """A submission to push to an agency's webhook: a row of the outbox."""

    id: str
    submission_id: str
    agency: str
    status: DeliveryStatus
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    last_error: str = ""
    delivered_at: dt.datetime | None = None


def referred_attachments(answers: Any) -> list[str]:
    """The ids of the attachments the answers refer to (`attachment:<id>` anywhere in them; without recursion:
    no nesting exhausts the stack)."""
    found, stack = [], [answers]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and item.startswith(ATTACHMENT_PREFIX):
            found.append(item[len(ATTACHMENT_PREFIX):])
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@dataclass(frozen=True)
class FormUsage:
    """How much a form is used, counted in the database (`Storage.usage`): submissions over time, and drafts.

    Drafts are counted while they are kept: an expired draft, sent or not, is purged (see `Storage.purge`)."""

    form_id: str
    last_30_days: int
    last_365_days: int
    #: Submissions per calendar month in Finnish time, the last 12 months (this one last) by `YYYY-MM`, zeros too.
    per_month: dict[str, int]
    drafts_started: int
    drafts_sent: int
    #: The median time from a draft's creation to its sending, of the drafts sent; None if none was.
    median_seconds_to_send: float | None

    @property
    def completion_rate(self) -> float | None:
        """The share of the drafts started that were sent; None if none was started."""
        return self.drafts_sent / self.drafts_started if self.drafts_started else None


@dataclass(frozen=True)
class AuditProblem:
    """One thing axe-core or the Nu Html Checker found on one page of a form."""

    #: `axe-core` or `nu`.
    tool: str
    #: The tool's rule id (axe: `label`, `color-contrast`...; Nu: the message's type, e.g. `error`).
    rule: str
    #: axe's impact (`minor` ... `critical`); Nu's subtype or "".
    impact: str
    #: What the rule asks, in the tool's plain words.
    message: str
    #: Which page and state of the form: e.g. "fi: page 2 with errors".
    page: str
    #: Where on the page: a CSS selector (axe) or `line:column` (Nu).
    selector: str = ""


@dataclass(frozen=True)
class AuditResult:
    """A stored accessibility audit of one version (`form_hash`) of a form: `lomake audit`'s result."""

    id: str
    form_id: str
    form_hash: str
    audited_at: dt.datetime
    #: The tools and their versions, e.g. "axe-core 4.10.2; vnu 24.10.17; Chromium 131".
    tools: str
    #: How many page states were checked.
    pages: int
    problems: tuple[AuditProblem, ...] = ()


def problems_json(problems: tuple[AuditProblem, ...]) -> str:
    """An audit's problems as stored: a JSON list of objects."""
    return json.dumps([asdict(problem) for problem in problems], ensure_ascii=False)


def problems_of(stored: str) -> tuple[AuditProblem, ...]:
    return tuple(AuditProblem(**problem) for problem in json.loads(stored))
