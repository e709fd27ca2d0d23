"""View model in, HTML out: Jinja2 templates, autoescaped, overridable by name per deployment."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup

from core.errors import Problem
from core.messages import file_size as file_size_in
from core.messages import text
from core.view.fields import Field, FormView, Kind, html_id, list_items, pair_rows, walk
from renderer.answers import Answer, Group
from renderer.hyphens import hyphenated

#: Links and form actions to this site's pages that an embedded page keeps embedded (under `/embed`). The
#: templates write every such address root-relative in a double-quoted attribute, and autoescaping turns
#: any `"` in the answers or the form's texts into `&#34;`, so no text can look like one.
_OWN_LINK = re.compile(r'(\s(?:href|action|formaction)=")(?=/(?:forms|receipts|drafts|resume)[/?"])')
EMBED_PREFIX = "/embed"


class Pages:
    """Renders Lomake's pages; templates in `template_dirs` win over the built-in ones of the same name.

    Its `embedded()` twin renders them to live in an agency's iframe: without the site's header and footer,
    links to this site's pages kept under `/embed`, and links that leave the form opening a new tab."""

    embed = False

    def __init__(self, template_dirs: Sequence[Path] = ()) -> None:
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader([str(d) for d in template_dirs]),
                                 PackageLoader("renderer", "templates")]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
        )
        self.env.filters["lower_first"] = lower_first
        self.env.filters["runs_shown"] = runs_shown
        self.env.filters["hyphens"] = soft_hyphens
        self.env.filters["bare"] = bare

    def render(self, name: str, lang: str, **context: Any) -> str:
        context.setdefault("languages", ())
        context.setdefault("theme", None)
        context.setdefault("soft_hyphens", True)
        context.setdefault("page_question", None)
        context.setdefault("page_wrappers", ())
        view = context.get("view")
        context.setdefault("statement_url", view.statement_url if isinstance(view, FormView) else "")
        context.setdefault("thousands", lambda n: f"{n:,}".replace(",", "\u00a0"))
        context.setdefault("service_name", text(lang, "service"))
        html = self.env.get_template(name).render(
            lang=lang, t=partial(text, lang), language_name=lambda code: text(code, "language_name"),
            pair_rows=pair_rows, list_items=list_items, file_size=partial(file_size_in, lang=lang), embed=self.embed,
            **context
        )
        return _OWN_LINK.sub(rf"\1{EMBED_PREFIX}", html) if self.embed else html

    def embedded(self) -> Pages:
        """These pages as an iframe shows them (`/embed`), from the same templates."""
        twin = copy.copy(self)
        twin.embed = True
        return twin

    def form_page(
        self, view: FormView, action: str, service_name: str, languages: Sequence[str], theme: str | None = None,
        values: Mapping[str, Sequence[str]] | None = None, problems: Sequence[Problem] = (),
        uploaded: Mapping[str, Any] | None = None, journey: Mapping[str, Any] | None = None,
    ) -> str:
        """The form with `values` filled in and `problems` shown next to their fields and in a summary.

        `journey` makes it one page of a long form: its heading, step, back link and draft."""
        summary = [(error_target(view, p.pointer), p.summary) for p in problems]
        return self.render(
            "form.html", view.lang, view=view, action=action, values=values or {}, summary=summary,
            errors={p.pointer: p.message for p in problems}, service_name=service_name, languages=languages,
            theme=theme,
            has_actions=any(f.kind in ("list", "pairs", "file") for f in walk(view.fields)), uploaded=uploaded or {},
            enctype=any(f.kind == "file" for f in walk(view.fields)), journey=journey,
            **page_question(view, journey),
        )


#: The components whose label or legend can be a page's `h1`.
_HEADING_KINDS: tuple[Kind, ...] = ("text", "textarea", "select", "radios", "checkboxes", "date")


def sole_question(fields: Sequence[Field]) -> tuple[Field, tuple[str, ...]] | None:
    """The one question a page asks (with what it reveals), through groups that hold only it and say nothing
    of their own, and those groups' ids: the question's label or legend is then the page's `h1`, and the
    groups are not drawn, instead of the page title, a group legend and the question saying the same thing."""
    wrappers: list[str] = []
    asked = [f for f in fields if f.kind not in ("conditional", "hidden")]
    while len(asked) == 1 and asked[0].kind == "fieldset" and not asked[0].hint:
        wrappers.append(asked[0].id)
        asked = [f for f in asked[0].children if f.kind not in ("conditional", "hidden")]
    if len(asked) == 1 and asked[0].kind in _HEADING_KINDS:
        return asked[0], tuple(wrappers)
    return None


def page_question(view: FormView, journey: Mapping[str, Any] | None) -> dict[str, Any]:
    """The template's `page_question` and `page_wrappers` for a page of a long form that asks one question."""
    sole = sole_question(view.fields) if journey and not journey.get("one_page") else None
    return {"page_question": sole[0] if sole else None, "page_wrappers": sole[1] if sole else ()}


def runs_shown(group: Group) -> list[tuple[Answer, ...] | Group]:
    """A page's runs; when it holds just one nested group (a page asking one object), that group's
    runs under the group's own heading, so that the page title and the object's title are not two headings
    saying the same thing."""
    (only,) = group.items if len(group.items) == 1 else (None,)
    if group.label and isinstance(only, Group) and only.non_public == group.non_public and not only.url:
        return only.runs
    return group.runs


@pass_context
def soft_hyphens(context: Context, heading: str, lang: str | None = None) -> str:
    """A heading's text with soft hyphens in its long words (renderer/hyphens.py), by the page's language or
    `lang`; as written where the page says `soft_hyphens=False` (the receipt PDF)."""
    if not context.get("soft_hyphens", True):
        return heading
    shown = hyphenated(str(heading), lang or context["lang"])
    return Markup(shown) if isinstance(heading, Markup) else shown


def bare(heading: str) -> str:
    """A heading as words, to tell two that say the same thing: "Mitä asiassa on jo tehty?" is the page
    "Mitä asiassa on jo tehty" asked as a question."""
    return heading.strip().rstrip("?.:!").strip().casefold()


def lower_first(label: str) -> str:
    """A label inside a sentence ("Lisää toinen liite"): its first letter in lower case, unless it starts
    an abbreviation ("PDF-tiedosto")."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def error_target(view: FormView, pointer: str) -> str:
    """The id the error summary links to: the field's first control."""
    f = view.field_at(pointer)
    if f is None or f.kind == "hidden":
        return ""
    return html_id(pointer) if "/-" in f.pointer else f.id
