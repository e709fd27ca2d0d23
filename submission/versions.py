"""Form versions in storage: each form is kept as it was loaded, by its hash, so that an old submission's receipt
and export (and a draft started on an older version) use the questions as they were asked.

`remember` stores the version of a form once per process (the storage keeps the first one of a hash);
`form` gives a form as one of its versions asked it, built again from the stored documents once per hash."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.catalog import form_of_version, version_translations
from core.forms import Form
from submission.storage import Storage

log = logging.getLogger("lomake")


@dataclass
class FormVersions:
    """The versions of the forms one app (or command) serves, over its storage."""

    storage: Storage
    _kept: set[str] = field(default_factory=set)
    _built: dict[str, Form] = field(default_factory=dict)

    async def remember(self, form: Form) -> None:
        """Keep `form`'s version in storage, if this process has not yet: cheap to call on every submission."""
        if form.hash in self._kept:
            return
        documents = dict(form.documents)
        if await self.storage.add_form_version(form.id, form.hash, form.version, documents,
                                               version_translations(form)):
            log.info("form %s version %s (%s) kept", form.id, form.version, form.hash[:12])
        self._kept.add(form.hash)

    async def remember_all(self, forms: Iterable[Form]) -> None:
        for form in forms:
            await self.remember(form)

    async def form(self, current: Form, schema_hash: str | None) -> Form:
        """`current` as its version `schema_hash` asked it: `current` itself when that is its hash, or when the
        version was never kept (a submission from before versions were kept: the form as it is now is all
        there is)."""
        if not schema_hash or schema_hash == current.hash:
            return current
        if schema_hash not in self._built:
            stored = await self.storage.form_version(schema_hash)
            if stored is None or stored.form_id != current.id:
                return current
            self._built[schema_hash] = form_of_version(
                current.id, stored.documents, stored.translations, {current.agency.id: current.agency})
        return self._built[schema_hash]
