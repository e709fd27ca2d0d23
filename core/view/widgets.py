"""The `ui:widget`s the view builder knows: rjsf's names, each with a schema it fits and the component it
makes there. `lomake check` refuses any other name, and `lomake import-rjsf` leaves others out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.view.fields import Kind


@dataclass(frozen=True, slots=True)
class Widget:
    """A `ui:widget`: on a schema like `fits`, the page shows a `kind` component; a text input it gives
    the `type` attribute `input_type` (on any string, whatever its format)."""

    name: str
    kind: Kind
    fits: Mapping[str, Any] = field(default_factory=lambda: {"type": "string"})
    input_type: str = ""


_DATE = {"type": "string", "format": "date"}
_CHOICE = {"type": "string", "enum": ["a", "b"]}

#: Every widget, by name.
WIDGETS: dict[str, Widget] = {w.name: w for w in (
    Widget("text", "text"),  # on a date: the browser's own input rather than three fields
    Widget("textarea", "textarea"),
    Widget("password", "text", input_type="password"),
    Widget("email", "text", input_type="email"),
    Widget("uri", "text", input_type="url"),
    Widget("url", "text", input_type="url"),
    Widget("tel", "text", input_type="tel"),
    Widget("color", "text", input_type="color"),
    Widget("date", "text", _DATE, input_type="date"),  # the browser's date picker
    Widget("date-parts", "date", _DATE),  # a date's day, month and year in three fields: a date's own component
    Widget("alt-date", "date", _DATE),
    Widget("datetime", "text", {"type": "string", "format": "date-time"}),  # the format decides the input
    Widget("alt-datetime", "text", {"type": "string", "format": "date-time"}),
    Widget("time", "text", {"type": "string", "format": "time"}),
    Widget("updown", "number", {"type": "integer"}),  # a number's own input
    Widget("range", "number", {"type": "integer"}),
    Widget("radio", "radios", {"type": "boolean"}),  # yes and no; a choice: radios however many options
    Widget("select", "select", _CHOICE),  # a choice: a select however few options
    Widget("checkbox", "checkbox", {"type": "boolean"}),  # a yes/no's own component
    Widget("checkboxes", "checkboxes", {"type": "array", "items": _CHOICE}),  # a list of choices' own component
    Widget("hidden", "hidden"),
    Widget("file", "file"),
)}

#: The `type` attribute each widget gives a text input.
INPUT_TYPES = {name: w.input_type for name, w in WIDGETS.items() if w.input_type}
