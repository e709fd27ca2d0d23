"""View model in, HTML out: Jinja2 templates, autoescaped, overridable by name per deployment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape

from lomake.errors import Problem
from lomake.messages import file_size as file_size_in
from lomake.messages import text
from renderer.fields import FormView, html_id, list_items, pair_rows, walk


class Pages:
    """Renders Lomake's pages; templates in `template_dirs` win over the built-in ones of the same name."""

    def __init__(self, template_dirs: Sequence[Path] = ()) -> None:
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader([str(d) for d in template_dirs]),
                                 PackageLoader("renderer", "templates")]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
        )

    def render(self, name: str, lang: str, **context: Any) -> str:
        context.setdefault("languages", ())
        context.setdefault("theme", None)
        context.setdefault("service_name", text(lang, "forms"))
        return self.env.get_template(name).render(
            lang=lang, t=partial(text, lang), language_name=lambda code: text(code, "language_name"),
            pair_rows=pair_rows, list_items=list_items, file_size=partial(file_size_in, lang=lang), **context
        )

    def form_page(
        self, view: FormView, action: str, service_name: str, languages: Sequence[str], theme: str | None = None,
        values: Mapping[str, Sequence[str]] | None = None, problems: Sequence[Problem] = (),
        uploaded: Mapping[str, Any] | None = None, journey: Mapping[str, Any] | None = None,
    ) -> str:
        """The form with `values` filled in and `problems` shown next to their fields and in a summary.

        `journey` makes it one page of a long form: its heading, step, back link and draft."""
        summary = [(_target(view, p.pointer), p.summary) for p in problems]
        return self.render(
            "form.html", view.lang, view=view, action=action, values=values or {}, summary=summary,
            errors={p.pointer: p.message for p in problems}, service_name=service_name, languages=languages,
            theme=theme,
            has_actions=any(f.kind in ("list", "pairs", "file") for f in walk(view.fields)), uploaded=uploaded or {},
            enctype=any(f.kind == "file" for f in walk(view.fields)), journey=journey,
        )


def _target(view: FormView, pointer: str) -> str:
    """The id the error summary links to: the field's first control."""
    f = view.field_at(pointer)
    if f is None or f.kind == "hidden":
        return ""
    return html_id(pointer) if "/-" in f.pointer else f.id
