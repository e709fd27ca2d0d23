"""Schema in, view model out: the fields a form shows, built once per form and language.

The view model is the single description of what the page holds; coercion of the posted
body (`submission.coerce`) and the answers on the receipt read the same fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from referencing._core import Resolver
from referencing.exceptions import Unresolvable

from lomake.forms import Form
from lomake.messages import file_size, text
from lomake.schema import Schema, choices, deref, escape, iter_subschemas, json_type, object_shape, same_json
from submission.identifiers import FORMATS as IDENTIFIER_FORMATS

#: A string field with a larger `maxLength` than this is a textarea.
TEXTAREA_FROM = 300
#: A choice with more options than this is a select instead of radios.
SELECT_FROM = 10
#: Deeper nesting than this (a recursive schema) is shown as a JSON text field.
MAX_DEPTH = 12

_ITEM = re.compile(r"/\d+(?=/|$)")
_IDENTIFIER_ATTRS: dict[str, tuple[tuple[str, str], ...]] = {
    "fi-hetu": (("spellcheck", "false"), ("autocapitalize", "characters")),
    "fi-business-id": (("spellcheck", "false"),),
    "iban": (("spellcheck", "false"), ("autocapitalize", "characters")),
    "fi-postal-code": (("inputmode", "numeric"), ("spellcheck", "false")),
    "phone": (("type", "tel"), ("spellcheck", "false")),
}
_NAME_TOKENS = {"name", "given-name", "family-name", "additional-name", "nickname", "username", "organization"}
_DIGITS = re.compile(r"\^?(\[0-9\]|\\d)(\{\d+(,\d*)?\}|\+|\*)?\$?")


@dataclass(frozen=True, slots=True)
class Option:
    """One radio, checkbox or select option: the string sent, the label shown, the JSON value meant."""

    value: str
    label: str
    data: Any


@dataclass(frozen=True, slots=True)
class Field:
    """One question on the page.

    `kind` picks the component: text, textarea, number, date, checkbox, declaration, fixed, file, radios,
    select, checkboxes, fieldset, alternatives (a choice between objects), list (an array's
    items, added and removed by buttons), pairs (an object's free-form entries), conditional
    (questions that apply only when a condition holds), hidden or json.
    `pointer` is where the answer goes in the JSON instance, and also the control's `name`
    unless `control` names it.
    """

    kind: str
    key: str
    pointer: str
    id: str
    label: str
    hint: str = ""
    required: bool = False
    json_type: str = "string"
    options: tuple[Option, ...] = ()
    children: tuple[Field, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()
    rows: int = 5
    messages: tuple[tuple[str, str], ...] = ()
    #: The schema allows `null`: an empty answer is then `null`, not absent.
    nullable: bool = False
    #: The control's name when it is not the pointer (the rows of a "pairs" field).
    control: str = ""
    #: A list's `minItems`: how many items a new page shows.
    min_items: int = 0
    #: The string's `format`, when it is one the page treats specially (identifiers, dates).
    format: str = ""
    #: A tuple's fixed first items (`prefixItems`, or draft-07 `items` as a list), before any added ones.
    prefix: tuple[Field, ...] = ()
    #: A file field's largest accepted file, in bytes.
    max_bytes: int = 0
    #: A conditional group's condition: a JSON Schema (as JSON text) the object must (True) or must not
    #: (False) match for the group's questions to apply.
    condition: tuple[str, bool] | None = None

    @property
    def name(self) -> str:
        return self.control or self.pointer

    @property
    def optional(self) -> bool:
        """Says "(optional)" in the label: not required and not a yes/no checkbox."""
        return not self.required and self.kind not in ("checkbox", "fieldset", "hidden")

    def message(self, code: str) -> str | None:
        return dict(self.messages).get(code)


@dataclass(frozen=True, slots=True)
class FormView:
    """The whole form page: its heading, lead text, fields and submit button."""

    form_id: str
    lang: str
    title: str
    description: str
    submit_label: str
    fields: tuple[Field, ...]
    index: dict[str, Field] = field(default_factory=dict)
    #: Where the read-only answers are (not inside lists or choices): the server's to fill, never the client's.
    read_only: tuple[str, ...] = ()
    #: Where identifiers are (not inside lists or choices), by pointer: normalised before validation.
    identifiers: tuple[tuple[str, str], ...] = ()

    def field_at(self, pointer: str) -> Field | None:
        """The field holding `pointer`, or the nearest enclosing one (a list's items are read by
        its item template, `/-` for the index; an object's free-form entries belong to its
        "pairs" field, indexed as the object's pointer plus `/*`)."""
        while pointer:
            found = self.index.get(pointer) or self.index.get(_ITEM.sub("/-", pointer))
            if found is not None:
                return found
            pointer = pointer.rsplit("/", 1)[0]
            found = self.index.get(pointer + "/*")
            if found is not None:
                return found
        return None


def html_id(pointer: str) -> str:
    """A valid, unique HTML id for a field: `f-` and the pointer with other characters escaped."""
    return "f" + "".join(c if c.isascii() and c.isalnum() else f"-{ord(c):x}-" if c != "/" else "_" for c in pointer)


def form_view(form: Form, lang: str) -> FormView:
    """The view model of `form` in `lang`."""
    root, resolver = deref(form.document, form.resolver())
    fields = tuple(_inferred_autocomplete(f) for f in _children(root, resolver, "", lang, 0))
    submit = (root.get("ui:submitButtonOptions") or {}).get("submitText") or text(lang, "submit")
    index = {f.pointer: f for f in walk(fields)}
    description = str(root.get("ui:description") or root.get("description") or "")
    read_only = tuple(f.pointer for f in walk(fields) if f.kind == "fixed" and ("readonly", "true") in f.attrs
                      and not re.search(r"/(-|@\d+|\?\d+)(/|$)", f.pointer))
    identifiers = tuple((f.pointer, f.format) for f in walk(fields) if f.format in IDENTIFIER_FORMATS
                        and not re.search(r"/(-|@\d+|\?\d+)(/|$)", f.pointer))
    return FormView(form.id, lang, form.title, description, str(submit), fields, index, read_only, identifiers)


#: Well-known field names (lower case, without `_`, `-` or spaces) and the autocomplete token they mean.
_AUTOCOMPLETE = {
    **dict.fromkeys(("etunimi", "etunimet", "firstname", "firstnames", "givenname", "fornamn"), "given-name"),
    **dict.fromkeys(("sukunimi", "lastname", "familyname", "surname", "efternamn"), "family-name"),
    **dict.fromkeys(("nimi", "name", "fullname", "namn"), "name"),
    **dict.fromkeys(("sahkoposti", "sähköposti", "email", "epost", "sahkopostiosoite"), "email"),
    **dict.fromkeys(("puhelin", "puhelinnumero", "phone", "telephone", "tel", "telefon"), "tel"),
    **dict.fromkeys(("katuosoite", "streetaddress", "gatuadress", "lahiosoite"), "address-line1"),
    **dict.fromkeys(("postinumero", "postalcode", "postcode", "zip", "zipcode", "postnummer"), "postal-code"),
    **dict.fromkeys(("postitoimipaikka", "city", "kaupunki", "postort"), "address-level2"),
    **dict.fromkeys(("organisaatio", "organization", "organisation", "yritys", "company"), "organization"),
    **dict.fromkeys(("syntymaaika", "syntymäaika", "birthdate", "dateofbirth", "bday"), "bday"),
}


def _inferred_autocomplete(f: Field) -> Field:
    """Autocomplete tokens from well-known field names and formats, for data about the person filling
    in the form (WCAG 1.3.5). An object that is about someone else says `"ui:autocomplete": "off"`,
    and nothing below it is inferred."""
    attrs = dict(f.attrs)
    if f.kind in ("fieldset", "alternatives", "conditional"):
        if attrs.get("autocomplete") == "off":
            return f
        return replace(f, children=tuple(_inferred_autocomplete(c) for c in f.children))
    if "autocomplete" in attrs or f.kind not in ("text", "date"):
        return f
    token = _AUTOCOMPLETE.get(re.sub(r"[\s_-]", "", f.key.lower())) or (
        "email" if attrs.get("type") == "email" else "tel" if attrs.get("type") == "tel" else None)
    if token is None or (f.kind == "date") != (token == "bday"):
        return f
    extra = (("autocomplete", token),) + ((("spellcheck", "false"),) if "spellcheck" not in attrs else ())
    return replace(f, attrs=f.attrs + extra)


def walk(fields: tuple[Field, ...]) -> Iterator[Field]:
    """Every field, depth first, in page order."""
    for f in fields:
        yield f
        yield from walk(f.prefix + f.children)


def _children(schema: Schema, resolver: Resolver[Any], at: str, lang: str, depth: int) -> Iterator[Field]:
    shape = object_shape(schema, resolver)
    conditional = _conditionals(schema, resolver, at, lang, depth, shape.properties)
    for name in _ordered(list(shape.properties), schema.get("ui:order")):
        sub, sub_resolver = shape.properties[name]
        built = _field(name, sub, sub_resolver, f"{at}/{escape(name)}", name in shape.required, lang, depth + 1)
        if built is not None:
            yield built
        yield from conditional.pop(name, [])
    for rest in conditional.values():
        yield from rest
    pairs = _pairs(schema, resolver, at, lang, depth)
    if pairs is not None:
        yield pairs


def _conditionals(
    schema: Schema, resolver: Resolver[Any], at: str, lang: str, depth: int,
    declared: Mapping[str, tuple[Schema, Resolver[Any]]],
) -> dict[str | None, list[Field]]:
    """Fields that only a condition adds (`if`/`then`/`else`, `dependentSchemas`, `dependencies`),
    grouped under a line saying when they apply, each group placed after the field it depends on."""
    found: dict[str | None, list[Field]] = {}
    asked: set[str] = set()  # a question several conditions add gets controls of its own in each group
    parts = [(schema, resolver)]
    for part in schema.get("allOf") or ():
        try:
            parts.append(deref(part, resolver))
        except (Unresolvable, RecursionError):
            continue
    for part, part_resolver in parts:
        cases: list[tuple[Any, dict[str, Any], bool, str | None]] = []
        condition = part.get("if")
        if isinstance(condition, dict):
            trigger = next(iter(condition.get("properties") or {}), None)
            cases += [(part.get("then"), condition, True, trigger), (part.get("else"), condition, False, trigger)]
        dependent = {**(part.get("dependencies") or {}), **(part.get("dependentSchemas") or {})}
        for name, branch in dependent.items():
            if isinstance(branch, dict):
                cases.append((branch, {"required": [name]}, True, name))
        for branch, when, holds, trigger in cases:
            if not isinstance(branch, dict) or not branch.get("properties"):
                continue
            added = {k: v for k, v in branch["properties"].items() if k not in declared}
            if not added:
                continue
            children = tuple(
                f for name, sub in added.items()
                if (f := _field(name, sub, part_resolver, f"{at}/{escape(name)}",
                                name in (branch.get("required") or ()), lang, depth + 1)) is not None
            )
            group = f"{at}/?{sum(len(v) for v in found.values())}"
            children = tuple(f if f.key not in asked else _renamed(f, group[len(at) + 1:]) for f in children)
            asked.update(added)
            found.setdefault(trigger if trigger in declared else None, []).append(Field(
                "conditional", "", group, html_id(group), "", hint=_when(when, holds, declared, lang),
                children=children, condition=(json.dumps(when, sort_keys=True), holds),
                attrs=_reveal(when, holds, at, declared),
            ))
    return found


def _reveal(condition: dict[str, Any], holds: bool, at: str,
            declared: Mapping[str, tuple[Schema, Resolver[Any]]]) -> tuple[tuple[str, str], ...]:
    """Data attributes that let the page's script show the group only while it applies (simple conditions only:
    a value picked, or a question answered); without them, or without JavaScript, the group is always shown."""
    if list(condition) == ["required"] and len(condition["required"]) == 1:
        return (("data-when-answered", f"{at}/{escape(condition['required'][0])}"),)
    props = condition.get("properties") or {}
    if len(props) != 1 or not set(condition) <= {"properties", "required"}:
        return ()
    name, rule = next(iter(props.items()))
    wanted = [rule["const"]] if isinstance(rule, dict) and "const" in rule else (
        rule.get("enum") if isinstance(rule, dict) else None)
    if not wanted or name not in declared:
        return ()
    schema = deref(*declared[name])[0]
    options = _options(choices(schema) or [(v, None) for v in wanted])
    sent = [o.value for o in options if any(same_json(o.data, w) for w in wanted)]
    if json_type(schema) == "boolean" and not choices(schema):
        sent = ["true" if w is True else "false" for w in wanted]
    return (("data-when-field", f"{at}/{escape(name)}"), ("data-when-values", json.dumps(sent)),
            ("data-when-holds", "true" if holds else "false"))


def _renamed(field: Field, suffix: str) -> Field:
    """`field` with controls and ids of its own: the name gets `suffix`, the pointer stays."""
    control = field.name + suffix
    return replace(field, control=control, id=html_id(control),
                   children=tuple(_renamed(c, suffix) for c in field.children),
                   prefix=tuple(_renamed(c, suffix) for c in field.prefix))


def _when(condition: dict[str, Any], holds: bool, declared: Mapping[str, tuple[Schema, Resolver[Any]]],
          lang: str) -> str:
    """The line that says when conditional questions apply, in the words of the page."""
    props = condition.get("properties") or {}
    if list(condition) == ["required"] and len(condition["required"]) == 1:
        return text(lang, "answer_if_answered", label=_label(condition["required"][0], declared))
    if len(props) == 1:
        name, rule = next(iter(props.items()))
        wanted = [rule["const"]] if isinstance(rule, dict) and "const" in rule else (
            rule.get("enum") if isinstance(rule, dict) else None)
        if wanted:
            titles = dict(choices(deref(*declared[name])[0]) or []) if name in declared else {}
            names = [str(titles.get(v) or v) for v in wanted]
            return text(lang, "answer_if_value" if holds else "answer_unless_value",
                        label=_label(name, declared), value=text(lang, "or").join(f"”{n}”" for n in names))
    return text(lang, "answer_if_applies" if holds else "answer_unless_applies")


def _label(name: str, declared: Mapping[str, tuple[Schema, Resolver[Any]]]) -> str:
    if name not in declared:
        return name
    schema = deref(*declared[name])[0]
    return str(schema.get("ui:title") or schema.get("title") or name)


def _pairs(schema: Schema, resolver: Resolver[Any], at: str, lang: str, depth: int) -> Field | None:
    """An object's free-form entries (`additionalProperties`, `patternProperties`): rows of a name and a value."""
    extra = schema.get("additionalProperties")
    patterns = schema.get("patternProperties")
    if extra is False or (extra is None and not patterns):
        return None
    value_schema = extra if isinstance(extra, dict) else next(iter(patterns.values())) if patterns else {}
    value = _field("value", value_schema if isinstance(value_schema, dict) else {}, resolver, f"{at}/*/value",
                   True, lang, depth + 1)
    if value is None or value.kind not in ("text", "number", "checkbox", "select", "textarea", "json"):
        value = _json_field({"key": "value", "pointer": f"{at}/*/value", "id": html_id(f"{at}/*/value"),
                             "required": True, "label": "value"}, [], lang)
    names = choices(schema.get("propertyNames") or {})
    key: Field = Field("select" if names else "text", "key", f"{at}/*/key", html_id(f"{at}/*/key"),
                       text(lang, "pair_name"), required=True, options=_options(names) if names else (),
                       attrs=(("spellcheck", "false"),) if not names else ())
    value = replace(value, label=text(lang, "pair_value"), required=True)
    return Field("pairs", "*", f"{at}/*", html_id(f"{at}/*"), text(lang, "pairs"), json_type="object",
                 children=(key, value), hint=str(schema.get("ui:help") or ""))


def pair_rows(f: Field, values: Mapping[str, Sequence[str]]) -> list[tuple[Field, Field]]:
    """The rows a "pairs" field shows: one per entry sent (or given) and one blank for a new entry."""
    count = 0
    while f"{f.name}[{count}][key]" in values:
        count += 1
    key, value = f.children
    return [
        (replace(key, control=f"{f.name}[{i}][key]", id=f"{f.id}-{i}-key"),
         replace(value, control=f"{f.name}[{i}][value]", id=f"{f.id}-{i}-value"))
        for i in range(count + 1)
    ]


def _ordered(names: list[str], order: Any) -> list[str]:
    if not isinstance(order, list):
        return names
    head = [n for n in order if n in names and n != "*"]
    rest = [n for n in names if n not in head]
    if "*" not in order:
        return head + rest
    star = order.index("*")
    before = [n for n in order[:star] if n in names]
    after = [n for n in order[star + 1:] if n in names]
    return before + [n for n in rest if n not in after] + after


def _field(
    name: str, schema: Schema, resolver: Resolver[Any], at: str, required: bool, lang: str, depth: int
) -> Field | None:
    try:
        schema, resolver = deref(schema, resolver)
    except (Unresolvable, RecursionError):
        schema = {}
    options = schema.get("ui:options") or {}
    widget = schema.get("ui:widget") or options.get("widget")
    base: dict[str, Any] = {
        "key": name, "pointer": at, "id": html_id(at), "required": required,
        "label": str(schema.get("ui:title") or schema.get("title") or name),
        "messages": tuple((str(k), str(v)) for k, v in (schema.get("ui:messages") or {}).items()),
        "nullable": isinstance(schema.get("type"), list) and "null" in schema["type"],
    }
    hints = [str(h) for h in (schema.get("ui:description") or schema.get("description"), schema.get("ui:help")) if h]
    kind_of = json_type(schema)
    if depth > MAX_DEPTH:
        return _json_field(base, hints, lang)
    if widget == "hidden":
        return Field("hidden", json_type=kind_of or "string", **base)
    fixed = _fixed(base, hints, schema, kind_of, lang)
    if fixed is not None:
        return fixed
    values = choices(schema)
    if values is not None and kind_of not in ("object", "array"):
        return _choice(base, hints, values, kind_of or "string", widget, lang)
    if _has_object_branches(schema) and not _adds_fields(schema):
        return _alternatives(base, hints, schema, resolver, lang, depth)
    if kind_of == "object":
        if not object_shape(schema, resolver).properties or _has_object_branches(schema) or _adds_fields(schema):
            return _json_field(base, hints, lang)
        children = tuple(_children(schema, resolver, at, lang, depth))
        off = (("autocomplete", "off"),) if schema.get("ui:autocomplete") == "off" else ()
        return Field("fieldset", json_type="object", hint=" ".join(hints), children=children, attrs=off, **base)
    if kind_of == "array":
        return _array(base, hints, schema, resolver, widget, lang, depth)
    if kind_of == "boolean":
        return _boolean(base, hints, schema, widget, lang)
    if kind_of in ("integer", "number"):
        mode = "numeric" if kind_of == "integer" else "decimal"
        return Field("number", json_type=kind_of, hint=" ".join(hints), attrs=(("inputmode", mode),), **base)
    if kind_of == "string" and not _has_object_branches(schema):
        return _string(base, hints, schema, widget, options, lang)
    return _json_field(base, hints, lang)


def _adds_fields(schema: Schema) -> bool:
    """Whether a condition adds a choice between objects, which the page cannot show yet."""
    branches = [schema.get("then"), schema.get("else"), *(schema.get("dependentSchemas") or {}).values(),
                *(schema.get("dependencies") or {}).values()]
    return any(isinstance(b, dict) and any(_has_object_branches(s) for s, _ in iter_subschemas(b))
               for b in branches)


def _alternatives(
    base: dict[str, Any], hints: list[str], schema: Schema, resolver: Resolver[Any], lang: str, depth: int
) -> Field:
    """A `oneOf`/`anyOf` of objects: the person picks one option (radios); that option's questions apply.

    Each option's fields live under the pseudo-property `@<index>`, so options that share
    property names still have controls, ids and errors of their own.
    """
    key = "oneOf" if "oneOf" in schema else "anyOf"
    branches: list[Field] = []
    for k, branch in enumerate(schema[key]):
        try:
            branch_schema, branch_resolver = deref(branch, resolver)
        except (Unresolvable, RecursionError):
            return _json_field(base, hints, lang)
        if not isinstance(branch_schema, dict) or json_type(branch_schema) not in ("object", None):
            return _json_field(base, hints, lang)
        at = f"{base['pointer']}/@{k}"
        shared = [c for c in _children({k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")},
                                       resolver, at, lang, depth) if c.kind != "pairs"]
        own = list(_children(branch_schema, branch_resolver, at, lang, depth))
        label = str(branch_schema.get("title") or text(lang, "option", n=k + 1))
        branches.append(Field("fieldset", f"@{k}", at, html_id(at), label, children=tuple(shared + own),
                              json_type="object", hint=text(lang, "answer_if", option=label)))
    options = tuple(Option(str(k), b.label, k) for k, b in enumerate(branches))
    return Field("alternatives", json_type="object", hint=" ".join(hints), options=options,
                 children=tuple(branches), **base)


def chosen_branch(f: Field, value: Any) -> int:
    """Which option of an "alternatives" field an answer belongs to: the one whose questions it fits best."""
    keys = set(value) if isinstance(value, dict) else set()

    def fit(k: int) -> tuple[int, int]:
        own = {c.key for c in f.children[k].children}
        return (len(keys - own), -len(keys & own))

    return min(range(len(f.children)), key=fit) if f.children else 0


#: The largest file accepted when the form does not say (`ui:options.maxSize`, in bytes).
DEFAULT_MAX_FILE = 10 * 1024 * 1024
_MEDIA_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "text/plain": "TXT",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX"}


def _is_file(schema: Schema, widget: Any) -> bool:
    return "contentMediaType" in schema or schema.get("format") == "data-url" or widget == "file"


def _file(base: dict[str, Any], hints: list[str], schema: Schema, options: dict[str, Any], lang: str,
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


def _fixed(base: dict[str, Any], hints: list[str], schema: Schema, kind_of: str | None, lang: str) -> Field | None:
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


def _has_object_branches(schema: Schema) -> bool:
    return any(
        isinstance(b, dict) and ("properties" in b or b.get("type") == "object")
        for key in ("oneOf", "anyOf") for b in schema.get(key) or ()
    )


def _json_field(base: dict[str, Any], hints: list[str], lang: str) -> Field:
    """The fallback for what has no component yet: the answer written as JSON."""
    return Field("json", json_type="json", hint=" ".join([*hints, text(lang, "json_hint")]),
                 attrs=(("spellcheck", "false"),), **base)


def _options(values: list[tuple[Any, str | None]]) -> tuple[Option, ...]:
    """Options sent as their plain text (strings) or JSON; all as JSON when plain text would collide."""
    sent = [v if isinstance(v, str) else json.dumps(v) for v, _ in values]
    if len(set(sent)) < len(sent):
        sent = [json.dumps(v) for v, _ in values]
    labels = [str(title if title is not None else v) for v, title in values]
    return tuple(Option(s, label, v) for s, label, (v, _) in zip(sent, labels, values, strict=True))


def _choice(
    base: dict[str, Any], hints: list[str], values: list[tuple[Any, str | None]], kind_of: str,
    widget: str | None, lang: str,
) -> Field:
    options = _options(values)
    kind = "select" if widget == "select" or (widget != "radio" and len(options) > SELECT_FROM) else "radios"
    return Field(kind, json_type=kind_of, hint=" ".join(hints), options=options, **base)


def _array(
    base: dict[str, Any], hints: list[str], schema: Schema, resolver: Resolver[Any], widget: str | None, lang: str,
    depth: int,
) -> Field:
    items = schema.get("items")
    positions = schema.get("prefixItems") if isinstance(schema.get("prefixItems"), list) else (
        items if isinstance(items, list) else None)
    if positions is not None:
        return _tuple(base, hints, schema, positions, resolver, lang, depth)
    if isinstance(items, dict):
        try:
            item_schema, item_resolver = deref(items, resolver)
        except (Unresolvable, RecursionError):
            return _json_field(base, hints, lang)
        values = choices(item_schema)
        if values is not None:
            options = _options(values)
            return Field("checkboxes", json_type="array", hint=" ".join(hints), options=options, **base)
        if _is_file(item_schema, item_schema.get("ui:widget") or widget):
            return _file(base, hints, {**item_schema, **schema}, schema.get("ui:options") or {}, lang, "array")
        item = _field("-", items, resolver, base["pointer"] + "/-", False, lang, depth + 1)
        if item is not None and item.kind not in ("json", "hidden", "pairs"):
            label = str(item_schema.get("title") or base["label"])
            item = replace(item, label=label, required=False)
            return Field("list", json_type="array", hint=" ".join(hints), children=(item,),
                         min_items=int(schema.get("minItems") or 0), **base)
    return _json_field(base, hints, lang)


def _tuple(
    base: dict[str, Any], hints: list[str], schema: Schema, positions: list[Any], resolver: Resolver[Any],
    lang: str, depth: int,
) -> Field:
    """An array whose first items each have a schema of their own, then perhaps more of one kind."""
    prefix: list[Field] = []
    for i, position in enumerate(positions):
        built = _field(str(i), position if isinstance(position, dict) else {}, resolver, f"{base['pointer']}/{i}",
                       False, lang, depth + 1)
        if built is None or built.kind in ("hidden", "pairs", "list"):
            return _json_field(base, hints, lang)
        prefix.append(replace(built, label=built.label if built.label != str(i) else f"{base['label']} {i + 1}"))
    rest = schema.get("items") if "prefixItems" in schema else schema.get("additionalItems")
    template = _field("-", rest, resolver, base["pointer"] + "/-", False, lang, depth + 1) if isinstance(
        rest, dict) else None
    if template is not None and template.kind in ("json", "hidden", "pairs", "list"):
        return _json_field(base, hints, lang)
    children = (replace(template, label=str(rest.get("title") or base["label"])),) if template and isinstance(
        rest, dict) else ()
    return Field("list", json_type="array", hint=" ".join(hints), children=children, prefix=tuple(prefix),
                 min_items=int(schema.get("minItems") or 0), **base)


def list_items(f: Field, values: Mapping[str, Sequence[str]]) -> list[Field]:
    """The items a "list" field shows: as many as were sent (or given); on a new page, a required
    list shows `minItems` (at least one) and an optional one starts with its "Add" button alone."""
    if not f.children:
        return []  # a tuple that takes no more items
    sent = (values.get(f"{f.name}[count]") or [""])[0]
    start = len(f.prefix)
    count = int(sent) if sent.isdigit() else max(f.min_items - start, 0 if start else 1) if f.required else 0
    return [item_at(f, start + i) for i in range(min(count, 500))]


def item_at(f: Field, i: int) -> Field:
    """A list's item template made the item at index `i`: its pointers, names and ids."""
    template = f.children[0]
    return replace(_moved(template, template.pointer, f"{f.pointer}/{i}"), key=str(i),
                   label=f"{template.label} {i + 1}")


def _moved(field: Field, old: str, new: str) -> Field:
    pointer = new + field.pointer[len(old):]
    return replace(field, pointer=pointer, id=html_id(pointer),
                   children=tuple(_moved(c, old, new) for c in field.children),
                   prefix=tuple(_moved(c, old, new) for c in field.prefix))


def _boolean(base: dict[str, Any], hints: list[str], schema: Schema, widget: str | None, lang: str) -> Field:
    hint = " ".join(hints)
    if schema.get("const") is True:
        return Field("declaration", json_type="boolean", hint=hint, **base)
    if widget in ("radio", "select"):
        names = schema.get("ui:enumNames") or [text(lang, "yes"), text(lang, "no")]
        options = (Option("true", str(names[0]), True), Option("false", str(names[1]), False))
        return Field("radios" if widget == "radio" else "select", json_type="boolean", hint=hint,
                     options=options, **base)
    return Field("checkbox", json_type="boolean", hint=hint, **{**base, "required": False})


def _string(
    base: dict[str, Any], hints: list[str], schema: Schema, widget: str | None, options: dict[str, Any], lang: str
) -> Field:
    fmt = schema.get("format")
    if _is_file(schema, widget):
        return _file(base, hints, schema, options, lang, "string")
    max_length = schema.get("maxLength")
    autocomplete = schema.get("ui:autocomplete") or options.get("autocomplete")
    attrs: list[tuple[str, str]] = []
    if fmt == "date" and widget not in ("date", "text"):
        return Field("date", hint=" ".join([*hints, text(lang, "date_hint")]), **base)
    if fmt in IDENTIFIER_FORMATS:
        return Field("text", hint=" ".join(hints), format=str(fmt), attrs=_IDENTIFIER_ATTRS[str(fmt)], **base)
    if fmt in ("date-time", "time"):  # the browser's own inputs, read as Finnish time
        kind = {"date-time": "datetime-local", "time": "time"}[str(fmt)]
        return Field("text", json_type=str(fmt), hint=" ".join(hints), attrs=(("type", kind),), **base)
    input_type = {"email": "email", "uri": "url", "date": "date"}.get(str(fmt), "text")
    input_type = {"email": "email", "uri": "url", "url": "url", "tel": "tel", "date": "date",
                  "password": "password", "color": "color"}.get(str(widget), input_type)
    input_type = str(schema.get("ui:inputType") or options.get("inputType") or input_type)
    if autocomplete == "tel" or str(autocomplete).endswith(" tel"):
        input_type = "tel"
    if isinstance(max_length, int):
        hints.append(text(lang, "max_chars", n=f"{max_length:,}".replace(",", "\u00a0")))
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
        return Field("textarea", hint=" ".join(hints), attrs=tuple(attrs), rows=rows, **base)
    if input_type != "text":
        attrs.insert(0, ("type", input_type))
    return Field("text", hint=" ".join(hints), attrs=tuple(attrs), options=examples, **base)
