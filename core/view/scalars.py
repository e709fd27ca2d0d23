"""Schema in, one question out: the components for single answers (text, numbers, dates, choices,
yes/no, fixed values, files, identifiers), and the JSON field for what has no component yet."""

from __future__ import annotations

import json
import re
from typing import Any

from core.identifiers import IDENTIFIERS
from core.messages import file_size, text
from core.schema import Schema
from core.view.fields import Field, Kind, Option
from core.view.widgets import INPUT_TYPES

#: A string field with a larger `maxLength` than this is a textarea.
TEXTAREA_FROM = 300


#: A choice with more options than this is a select instead of radios.
SELECT_FROM = 10


def number_width(schema: Schema) -> int:
    """A number's input width: a year's 4 characters, else room for an amount."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(low, int) and isinstance(high, int) and 1000 <= low <= high <= 9999:
        return 4
    return 10


def text_width(max_length: Any, autocomplete: Any) -> int:
    """A text input's width: a postal code's 5 characters, else fitted to a short `maxLength`."""
    if str(autocomplete).split(" ")[-1] == "postal-code":
        return 5
    if isinstance(max_length, int) and max_length <= 20:
        return next(w for w in (2, 3, 4, 5, 10, 20) if max_length <= w)
    return 0


_NAME_TOKENS = {"name", "given-name", "family-name", "additional-name", "nickname", "username", "organization"}


_DIGITS = re.compile(r"\^?(\[0-9\]|\\d)(\{\d+(,\d*)?\}|\+|\*)?\$?")


#: The largest file accepted when the form does not say (`ui:options.maxSize`, in bytes).
DEFAULT_MAX_FILE = 10 * 1024 * 1024


_MEDIA_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "text/plain": "TXT",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX"}


def is_file(schema: Schema, widget: Any) -> bool:
    return "contentMediaType" in schema or schema.get("format") == "data-url" or widget == "file"


def file_field(base: dict[str, Any], hints: list[str], schema: Schema, options: dict[str, Any], lang: str,
          json_kind: str) -> Field:
    """A file upload: its accepted types (`ui:options.accept` or `contentMediaType`) and size said in the hint."""
    accept = options.get("accept") or schema.get("contentMediaType") or ()
    accepted = tuple(str(a).strip() for a in (accept.split(",") if isinstance(accept, str) else accept) if a)
    max_bytes = int(options.get("maxSize") or DEFAULT_MAX_FILE)
    size = file_size(max_bytes, lang)
    if accepted:
        types = ", ".join(_MEDIA_NAMES.get(a, a.lstrip(".").upper()) for a in accepted)
        hints.append(text(lang, "file_hint", types=types, size=size))
    else:
        hints.append(text(lang, "file_hint_any", size=size))
    attrs = (("accept", ",".join(accepted)),) if accepted else ()
    return Field("file", json_type=json_kind, hint=" ".join(hints), attrs=attrs, max_bytes=max_bytes,
                 options=tuple(Option(a, _MEDIA_NAMES.get(a, a), a) for a in accepted), **base)


def fixed_field(base: dict[str, Any], hints: list[str], schema: Schema, kind_of: str | None, lang: str) -> Field | None:
    """A value the person cannot change, shown as text: a `const`, `"type": "null"`, or `readOnly`.

    Nothing is read back from the page: the server fills a required fixed value itself (and
    a read-only one from its `default`), so a tampered post changes nothing.
    """
    read_only = bool(schema.get("readOnly") or schema.get("ui:readonly") or schema.get("ui:disabled"))
    if kind_of == "boolean" and schema.get("const") is True and not read_only:
        return None  # a declaration the person ticks
    if "const" in schema:
        value: tuple[Any, ...] = (schema["const"],)
    elif kind_of == "null":
        value = (None,)
    elif read_only and kind_of not in ("object", "array"):
        value = (schema["default"],) if "default" in schema else ()
    else:
        return None
    options = tuple(Option(_shown(v), _shown(v), v) for v in value)
    return Field("fixed", json_type=kind_of or "string", hint=" ".join(hints), options=options,
                 attrs=(("readonly", "true"),) if read_only else (),
                 **{**base, "required": base["required"] and not read_only})


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else "—" if value is None else json.dumps(value, ensure_ascii=False)


def json_field(base: dict[str, Any], hints: list[str], lang: str, construct: str = "") -> Field:
    """The fallback for what has no component yet: the answer written as JSON (`construct` says why,
    for `lomake check`)."""
    return Field("json", json_type="json", hint=" ".join([*hints, text(lang, "json_hint")]),
                 attrs=(("spellcheck", "false"),), construct=construct, **base)


def options_for(values: list[tuple[Any, str | None]]) -> tuple[Option, ...]:
    """Options sent as their plain text (strings) or JSON; all as JSON when plain text would collide."""
    sent = [v if isinstance(v, str) else json.dumps(v) for v, _ in values]
    if len(set(sent)) < len(sent):
        sent = [json.dumps(v) for v, _ in values]
    labels = [str(title if title is not None else v) for v, title in values]
    return tuple(Option(s, label, v) for s, label, (v, _) in zip(sent, labels, values, strict=True))


def choice_field(
    base: dict[str, Any], hints: list[str], values: list[tuple[Any, str | None]], kind_of: str,
    widget: str | None, lang: str,
) -> Field:
    options = options_for(values)
    kind: Kind = "select" if widget == "select" or (widget != "radio" and len(options) > SELECT_FROM) else "radios"
    return Field(kind, json_type=kind_of, hint=" ".join(hints), options=options, **base)


def boolean_field(base: dict[str, Any], hints: list[str], schema: Schema, widget: str | None, lang: str) -> Field:
    hint = " ".join(hints)
    if schema.get("const") is True:
        return Field("declaration", json_type="boolean", hint=hint, **base)
    if widget in ("radio", "select"):
        names = schema.get("ui:enumNames") or [text(lang, "yes"), text(lang, "no")]
        options = (Option("true", str(names[0]), True), Option("false", str(names[1]), False))
        return Field("radios" if widget == "radio" else "select", json_type="boolean", hint=hint,
                     options=options, **base)
    return Field("checkbox", json_type="boolean", hint=hint, **{**base, "required": False})


def string_field(
    base: dict[str, Any], hints: list[str], schema: Schema, widget: str | None, options: dict[str, Any], lang: str
) -> Field:
    fmt = schema.get("format")
    if is_file(schema, widget):
        return file_field(base, hints, schema, options, lang, "string")
    max_length = schema.get("maxLength")
    autocomplete = schema.get("ui:autocomplete") or options.get("autocomplete")
    attrs: list[tuple[str, str]] = []
    if fmt == "date" and widget not in ("date", "text"):
        return Field("date", hint=" ".join([*hints, text(lang, "date_hint")]), **base)
    identifier = IDENTIFIERS.get(str(fmt))
    if identifier is not None:
        return Field("text", hint=" ".join(hints), format=identifier.name, attrs=identifier.attrs,
                     width=identifier.width, **base)
    if fmt in ("date-time", "time"):  # the browser's own inputs, read as Finnish time
        kind = {"date-time": "datetime-local", "time": "time"}[str(fmt)]
        return Field("text", json_type=str(fmt), hint=" ".join(hints), attrs=(("type", kind),), **base)
    input_type = {"email": "email", "uri": "url", "date": "date"}.get(str(fmt), "text")
    input_type = INPUT_TYPES.get(str(widget), input_type)
    input_type = str(schema.get("ui:inputType") or options.get("inputType") or input_type)
    if autocomplete == "tel" or str(autocomplete).endswith(" tel"):
        input_type = "tel"
    if autocomplete:
        attrs.append(("autocomplete", str(autocomplete)))
    examples = tuple(Option(str(e), str(e), e) for e in schema.get("examples") or ()
                     if isinstance(e, str | int | float))
    if examples:
        attrs.append(("list", base["id"] + "-examples"))
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and _DIGITS.fullmatch(pattern):
        attrs.append(("inputmode", "numeric"))
    if (
        input_type in ("email", "url", "tel") or pattern or fmt in ("uri", "email")
        or str(autocomplete).split(" ")[-1] in _NAME_TOKENS
    ):
        attrs.append(("spellcheck", "false"))
    is_long = isinstance(max_length, int) and max_length > TEXTAREA_FROM
    if widget == "textarea" or (widget is None and is_long and input_type == "text"):
        rows = int(options.get("rows") or schema.get("ui:rows") or (8 if is_long else 5))
        return Field("textarea", hint=" ".join(hints), attrs=tuple(attrs), rows=rows,
                     max_chars=max_length if isinstance(max_length, int) else 0, **base)
    if input_type != "text":
        attrs.insert(0, ("type", input_type))
    width = text_width(max_length, autocomplete) if input_type in ("text", "tel") else 0
    return Field("text", hint=" ".join(hints), attrs=tuple(attrs), options=examples, width=width, **base)
