"""The submit service: the one way in for a submission, whichever handler it came through (the one-page
form, a draft's last page or review, the API). `Submissions.submit`:

1. validates the answers with the form's compiled validator (`submission.validate.accept`);
2. claims the attachments they refer to: each must be there, unclaimed, and held by the sender (`owner`);
3. commits the answers and those attachments in one storage transaction (`Storage.add_submission`);
4. tells the after-commit listeners.

Steps 1 and 2 raise `Invalid`, listing the problems as the handlers show them, and nothing is stored;
the handler only turns the outcome into its answer (the page again, a redirect, JSON).

Hook points, where later features attach:

- `InTransaction`, `(form, new) -> new`: each, in order, may add to the `NewSubmission` before it goes to
  storage, and what it adds is committed in the submission's own transaction, or not at all. Delivery goes
  here: a field on `NewSubmission` for outbox rows, written by each engine inside `add_submission`, and a
  contributor that fills it. A contributor's error fails the submission (nothing is stored); a draft sent
  again stores nothing, so what it contributes is not committed twice.
- `AfterCommit`, `async (Sent) -> None`: each awaited once per submission stored, after its commit and
  before the sender is told (receipt rendering, audit, metrics). It cannot lose or fail the submission: its
  error, or its taking longer than `LISTENER_SECONDS`, is logged by type only (no answers, no capabilities)
  and the rest go on. Keep it quick; hand slow work (a PDF) to a pool of its own. `audit` is the first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from core.errors import Gone, Invalid
from core.forms import Form
from core.messages import text
from core.view.fields import FormView
from submission.acting import acting
from submission.coerce import Issue
from submission.storage import AttachmentGone, DraftGone, NewSubmission, Storage, Submission
from submission.uploads import references
from submission.validate import CompiledForms, accept, problem
from submission.versions import FormVersions

log = logging.getLogger("lomake.submissions")

#: How long an after-commit listener may take before it is given up (and logged).
LISTENER_SECONDS = 10.0


@dataclass(frozen=True)
class Sent:
    """A submission just committed, and the form it answers: what the after-commit listeners get."""

    form: Form
    submission: Submission


#: Adds to what is committed with the submission, in its transaction (see the module's docstring).
InTransaction = Callable[[Form, NewSubmission], NewSubmission]
#: Told of each submission once it is committed; cannot fail it (see the module's docstring).
AfterCommit = Callable[[Sent], Awaitable[None]]


def deliver_to_webhook(form: Form, new: NewSubmission) -> NewSubmission:
    """In transaction: a delivery to the form's agency when its webhook announces this form (a webhook without
    `forms` announces every form of the agency). The deliverer is `lomake worker` (`submission.delivery`)."""
    hook = form.agency.webhook
    if hook is None or (hook.forms and form.id not in hook.forms) or form.agency.id in new.deliver_to:
        return new
    return replace(new, deliver_to=(*new.deliver_to, form.agency.id))


async def audit(sent: Sent) -> None:
    """One log line per submission received: which, of what form, when. Never the answers, never the
    receipt token (a capability)."""
    s = sent.submission
    log.info("received %s, reference %s, form %s version %s, at %s", s.id, s.reference, s.form_id,
             s.form_version, s.received_at.isoformat())


@dataclass
class Submissions:
    """The submit service over one storage and the forms' compiled validators, with its hook points."""

    storage: Storage
    compiled: CompiledForms
    in_transaction: list[InTransaction] = field(default_factory=list)
    after_commit: list[AfterCommit] = field(default_factory=lambda: [audit])
    #: The forms' versions: each submission's is kept (`FormVersions.remember`) before it is stored.
    versions: FormVersions = field(init=False)

    def __post_init__(self) -> None:
        self.versions = FormVersions(self.storage)

    async def submit(self, form: Form, view: FormView, answers: Any, issues: Iterable[Issue] = (), *,
                     owner: str | None = None, draft_id: str | None = None, api_key: str | None = None,
                     idempotency_key: str | None = None) -> Submission:
        """Accept, claim and commit the answers to `form` (asked in `view`, in its language); the submission,
        only once it is committed. `issues` are what reading the answers found wrong already (coercion,
        uploads). `owner` holds the attachments the answers may refer to (a draft's id, a one-page form's
        upload key; None: any unclaimed one, for the API's own data URLs). A `draft_id` is sent at most
        once: sent again, it gives back its first submission. `api_key` is the id of the agency key the answers
        came with (never the key itself): kept in the metadata, so the submission is attributed to it. An
        `idempotency_key` (scoped by the caller) sent again with the same answers gives back its first submission;
        with other answers it raises `IdempotencyConflict` (see `Storage.add_submission`).

        Raises `Invalid` with every problem when the answers are wrong or name a file not there to claim (also
        when the file goes between the check and the commit), `Gone` when the draft went (purged)."""
        accepted = accept(self.compiled, form, view, answers, issues)
        await self.claimable(view, accepted, owner)
        new = replace(new_submission(form, accepted, view.lang, draft_id, api_key), idempotency_key=idempotency_key)
        for contribute in self.in_transaction:
            new = contribute(form, new)
        await self.versions.remember(form)
        try:
            submission = await self.storage.add_submission(new)
        except AttachmentGone:
            await self.claimable(view, accepted, owner)  # names the file that went while this one was checked
            raise
        except DraftGone as exc:
            raise Gone(text(view.lang, "draft_gone")) from exc
        if not submission.resent:
            await self.tell(Sent(form, submission))
        return submission

    async def claimable(self, view: FormView, answers: Any, owner: str | None) -> None:
        """Raise `Invalid` if the answers refer to an attachment that is not there to claim (for `owner`, if given)."""
        refs = references(answers)
        if not refs:
            return
        ids = [i for _, i in refs]
        if owner is None:
            there = await self.storage.attachments(ids)
        else:
            there = await self.storage.owned_attachments(ids, owner)
        found = {a.id for a in there}
        problems = [problem(view.lang, Issue(at, "file_gone"), view.field_at(at)) for at, i in refs if i not in found]
        if problems:
            raise Invalid(problems[0].message, problems)

    async def tell(self, sent: Sent) -> None:
        """Each after-commit listener in turn; one that fails or hangs is logged, without personal data."""
        for listener in self.after_commit:
            try:
                async with asyncio.timeout(LISTENER_SECONDS):
                    await listener(sent)
            except Exception as exc:  # noqa: BLE001 - the submission is committed: nothing may undo or fail it
                name = getattr(listener, "__qualname__", type(listener).__name__)
                log.error("after-commit listener %s failed with %s on submission %s (form %s)", name,
                          type(exc).__name__, sent.submission.id, sent.form.id)


def new_submission(form: Form, answers: dict[str, Any], lang: str, draft_id: str | None = None,
                   api_key: str | None = None) -> NewSubmission:
    """What storage commits for accepted `answers` to `form`: with the attachments they refer to and the facts
    beside them (who acted for whom, the versions of the form's parts, the agency key it came with)."""
    metadata = {"acting": acting(form, answers), "parts": dict(form.part_versions)}
    return NewSubmission(
        form_id=form.id, form_version=form.version, schema_hash=form.hash, agency=form.agency.id,
        reference_pattern=form.agency.reference, data=answers, language=lang,
        attachments=tuple(dict.fromkeys(i for _, i in references(answers))), draft_id=draft_id,
        metadata=metadata | ({"api_key": api_key} if api_key else {}),
    )
