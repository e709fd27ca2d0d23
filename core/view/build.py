"""Schema in, view model out: the fields a form shows, built once per form and language.

The view model is the single description of what the page holds; coercion of the posted
body (`submission.coerce`) and the answers on the receipt read the same fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from referencing._core import Resolver
from referencing.exceptions import Unresolvable

from core.conditions import Condition
from core.forms import Form, in_language
from core.identifiers import IDENTIFIERS
from core.messages import text
from core.schema import (
    VARIABLE_PLACE,
    Schema,
    canonical_json,
    choices,
    deref,
    escape,
    humanise,
    iter_subschemas,
    json_type,
    object_shape,
    same_json,
)
from core.view.autocomplete import inferred_autocomplete
from core.view.constructs import implied, not_message, scalar_union, union_field, yes_no_union
from core.view.either import requirement_choices, with_requirements
from core.view.fields import Field, FormView, Option, emptied, html_id, renamed, walk
from core.view.scalars import (
    boolean_field,
    choice_field,
    file_field,
    fixed_field,
    is_file,
    json_field,
    number_width,
    options_for,
    string_field,
)

#: Deeper nesting than this (a recursive schema) is shown as a JSON text field.
MAX_DEPTH = 12


def form_view(form: Form, lang: str) -> FormView:
    """The view model of `form` in `lang`."""
    form = form.in_language(lang)
    root, resolver = deref(form.document, form.resolver())
    fields = tuple(inferred_autocomplete(f) for f in _root_fields(form, root, resolver, lang))
    submit = (root.get("ui:submitButtonOptions") or {}).get("submitText") or text(lang, "submit")
    index = {f.pointer: f for f in walk(fields)}
    # A long form's start page says what the form is for; its pages do not say it again under their own heading.
    starts = form.meta.start is not None and not form.meta.one_page
    description = "" if starts else str(root.get("ui:description") or root.get("description") or "")
    read_only = tuple(f.pointer for f in walk(fields) if f.kind == "fixed" and ("readonly", "true") in f.attrs
                      and not VARIABLE_PLACE.search(f.pointer))
    identifiers = tuple((f.pointer, f.format) for f in walk(fields) if f.format in IDENTIFIERS
                        and not VARIABLE_PLACE.search(f.pointer))
    personal = personal_question(form, fields, identifiers)
    privacy = in_language(form.agency.privacy_notice, lang) if personal else ""
    return FormView(form.id, lang, form.title, description, str(submit), fields, index, read_only, identifiers,
                    privacy, personal if privacy else "", statement_url(form))


def statement_url(form: Form) -> str:
    """The address of the form's agency's accessibility statement, or "" when its file has none."""
    return f"/accessibility/{form.agency.id}" if form.agency.accessibility else ""


def personal_question(form: Form, fields: tuple[Field, ...], identifiers: tuple[tuple[str, str], ...]) -> str:
    """The pointer of the top-level question where personal data is first asked: the one the form's
    `personal_data` names, else the first that uses `common/person.json` or asks for an identity code."""
    if form.meta.personal_data:
        return "/" + escape(form.meta.personal_data)
    raw = form.document.get("properties") or {}
    for f in fields:
        own = raw.get(f.key) if isinstance(raw, dict) else None
        if ("person.json" in canonical_json(own)
                or any(p == f.pointer or p.startswith(f.pointer + "/") for p, k in identifiers if k == "fi-hetu")):
            return f.pointer
    return ""


def _root_fields(form: Form, root: Schema, resolver: Resolver[Any], lang: str) -> Iterator[Field]:
    """The form's questions; a one-page form that is a choice between objects (a root `oneOf`/`anyOf`)
    is that choice, the whole answer being the option's (its key and pointer are empty)."""
    if form.meta.one_page and _has_object_branches(root, resolver) and not _adds_fields(root):
        base = {"key": "", "pointer": "", "id": html_id(""), "required": True, "label": text(lang, "choose")}
        yield _alternatives(base, [], root, resolver, lang, 0)
    else:
        yield from _children(root, resolver, "", lang, 0)


def _children(schema: Schema, resolver: Resolver[Any], at: str, lang: str, depth: int) -> Iterator[Field]:
    fields = list(_own_children(schema, resolver, at, lang, depth))
    yield from with_requirements(fields, schema, at, lang) if requirement_choices(schema) else fields


def _own_children(schema: Schema, resolver: Resolver[Any], at: str, lang: str, depth: int) -> Iterator[Field]:
    shape = object_shape(schema, resolver)
    conditional = _conditionals(schema, resolver, at, lang, depth, shape.properties)
    needed = _required_when(schema, resolver, shape.properties)
    for name in _ordered(list(shape.properties), schema.get("ui:order")):
        sub, sub_resolver = shape.properties[name]
        built = _field(name, sub, sub_resolver, f"{at}/{escape(name)}", name in shape.required, lang, depth + 1)
        if built is not None:
            yield replace(built, required_when=needed[name]) if name in needed and not built.required else built
        yield from conditional.pop(name, [])
    for rest in conditional.values():
        yield from rest
    pairs = _pairs(schema, resolver, at, lang, depth)
    if pairs is not None:
        yield pairs


#: A condition's branch (the schema that adds questions), the condition, whether the branch applies when the
#: condition holds (`then`) or not (`else`), the property it is about (if one), and where its `$ref`s resolve.
_Branch = tuple[Any, dict[str, Any], bool, str | None, Resolver[Any]]


def _conditionals(
    schema: Schema, resolver: Resolver[Any], at: str, lang: str, depth: int,
    declared: Mapping[str, tuple[Schema, Resolver[Any]]],
) -> dict[str | None, list[Field]]:
    """Fields that only a condition adds (`if`/`then`/`else`, `dependentSchemas`, `dependencies`),
    grouped under a line saying when they apply, each group placed after the field it depends on
    (inside another group when that group adds the field: conditions in a chain)."""
    groups: list[tuple[str | None, Field]] = []
    asked: set[str] = set()  # a question several conditions add gets controls of its own in each group
    every = _branches(schema, resolver)
    # What a condition can be about: the object's own properties, then those other conditions add.
    known = dict(declared)
    for branch, _, _, _, part_resolver in every:
        for name, sub in ((branch.get("properties") or {}) if isinstance(branch, dict) else {}).items():
            known.setdefault(name, (sub, part_resolver))
    for branch, when, holds, trigger, part_resolver in every:
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
        group = f"{at}/?{len(groups)}"
        children = tuple(f if f.key not in asked else renamed(f, group[len(at) + 1:]) for f in children)
        asked.update(added)
        groups.append((trigger if trigger in known else None, Field(
            "conditional", "", group, html_id(group), "", hint=_when(when, holds, known, lang),
            children=children, condition=Condition.of(when, holds), attrs=_reveal(when, holds, at, known),
        )))
    return _placed(groups, declared)


def _required_when(schema: Schema, resolver: Resolver[Any],
                   declared: Mapping[str, tuple[Schema, Resolver[Any]]]) -> dict[str, tuple[Condition, ...]]:
    """The object's own questions that a condition makes required (its branch's `required` names them), each
    with the conditions that do; the questions a branch adds are its conditional group's."""
    found: dict[str, tuple[Condition, ...]] = {}
    for branch, when, holds, _, _ in _branches(schema, resolver):
        for name in (branch.get("required") or ()) if isinstance(branch, dict) else ():
            if name in declared:
                found[name] = (*found.get(name, ()), Condition.of(when, holds))
    return found


def _branches(schema: Schema, resolver: Resolver[Any]) -> list[_Branch]:
    """Every branch a condition adds, in the object's own schema and its `allOf` parts, in order."""
    parts = [(schema, resolver)]
    for part in schema.get("allOf") or ():
        try:
            parts.append(deref(part, resolver))
        except (Unresolvable, RecursionError):
            continue
    every: list[_Branch] = []
    for part, part_resolver in parts:
        condition = part.get("if")
        if isinstance(condition, dict):
            trigger = next(iter(condition.get("properties") or {}), None)
            every += [(part.get("then"), condition, True, trigger, part_resolver),
                      (part.get("else"), condition, False, trigger, part_resolver)]
        dependent = {**(part.get("dependencies") or {}), **(part.get("dependentSchemas") or {})}
        for name, branch in dependent.items():
            if isinstance(branch, dict):
                every.append((branch, {"required": [name]}, True, name, part_resolver))
    return every


def _placed(groups: list[tuple[str | None, Field]],
            declared: Mapping[str, tuple[Schema, Resolver[Any]]]) -> dict[str | None, list[Field]]:
    """The groups by the property they follow; a group about a question another group adds goes
    into that group, right after the question (the inner one applies only when both hold)."""
    inner = [(t, g) for t, g in groups if t is not None and t not in declared
             and any(c.key == t for other_t, other in groups if other is not g for c in other.children)]
    waiting = list(inner)

    def nest(group: Field) -> Field:
        children: list[Field] = []
        for child in group.children:
            children.append(child)
            for entry in [e for e in waiting if e[0] == child.key]:
                if entry in waiting:
                    waiting.remove(entry)
                    children.append(nest(entry[1]))
        return replace(group, children=tuple(children))

    found: dict[str | None, list[Field]] = {}
    for trigger, group in groups:
        if (trigger, group) not in inner:
            found.setdefault(trigger if trigger in declared else None, []).append(nest(group))
    for _, group in waiting:  # a chain that comes back to itself: shown on its own, at the end
        found.setdefault(None, []).append(group)
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
    options = options_for(choices(schema) or [(v, None) for v in wanted])
    sent = [o.value for o in options if any(same_json(o.data, w) for w in wanted)]
    if json_type(schema) == "boolean" and not choices(schema):
        sent = ["true" if w is True else "false" for w in wanted]
    return (("data-when-field", f"{at}/{escape(name)}"), ("data-when-values", json.dumps(sent)),
            ("data-when-holds", "true" if holds else "false"))


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
    return str(schema.get("ui:title") or schema.get("title") or humanise(name))


def _pairs(schema: Schema, resolver: Resolver[Any], at: str, lang: str, depth: int) -> Field | None:
    """An object's free-form entries (`additionalProperties`, `patternProperties`): rows of a name and a value."""
    extra = schema.get("additionalProperties")
    patterns = schema.get("patternProperties")
    if extra is False or (extra is None and not patterns):
        return None
    value_schema = extra if isinstance(extra, dict) else next(iter(patterns.values())) if patterns else {}
    if value_schema in ({}, True):  # any value (`"additionalProperties": true`): what a person writes, text
        value_schema = {"type": "string"}
    value = _field("value", value_schema if isinstance(value_schema, dict) else {}, resolver, f"{at}/*/value",
                   True, lang, depth + 1)
    if value is None or value.kind not in ("text", "number", "checkbox", "select", "textarea", "json"):
        value = json_field({"key": "value", "pointer": f"{at}/*/value", "id": html_id(f"{at}/*/value"),
                             "required": True, "label": "value"}, [], lang, "additionalProperties whose values are "
                           "objects, lists or choices")
    names = choices(schema.get("propertyNames") or {})
    key: Field = Field("select" if names else "text", "key", f"{at}/*/key", html_id(f"{at}/*/key"),
                       text(lang, "pair_name"), required=True, options=options_for(names) if names else (),
                       attrs=(("spellcheck", "false"),) if not names else ())
    value = replace(value, label=text(lang, "pair_value"), required=True)
    return Field("pairs", "*", f"{at}/*", html_id(f"{at}/*"), text(lang, "pairs"), json_type="object",
                 children=(key, value), hint=str(schema.get("ui:help") or ""))


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
    schema = implied(schema, resolver)
    base: dict[str, Any] = {
        "key": name, "pointer": at, "id": html_id(at), "required": required,
        "label": str(schema.get("ui:title") or schema.get("title") or humanise(name)),
        "messages": tuple((str(k), str(v)) for k, v in (schema.get("ui:messages") or {}).items()),
        "nullable": isinstance(schema.get("type"), list) and "null" in schema["type"],
    }
    base["messages"] += not_message(base, schema, lang)
    hints = [str(h) for h in (schema.get("ui:description") or schema.get("description"), schema.get("ui:help")) if h]
    if depth > MAX_DEPTH:
        return json_field(base, hints, lang, "a schema nested more than 12 levels deep (recursive)")
    chosen = _chosen(base, hints, schema, resolver, lang, depth)
    return chosen if chosen is not None else _typed(base, hints, schema, resolver, lang, depth)


def _widget(schema: Schema) -> Any:
    """The schema's `ui:widget` (or `ui:options.widget`): a name `core.view.widgets` knows, if `lomake check` passed."""
    return schema.get("ui:widget") or (schema.get("ui:options") or {}).get("widget")


def _chosen(
    base: dict[str, Any], hints: list[str], schema: Schema, resolver: Resolver[Any], lang: str, depth: int
) -> Field | None:
    """The field for an answer that is hidden, fixed or chosen (from values, or between objects), if it is one."""
    kind_of = json_type(schema)
    widget = _widget(schema)
    if widget == "hidden":
        return Field("hidden", json_type=kind_of or "string", **base)
    fixed = fixed_field(base, hints, schema, kind_of, lang)
    if fixed is not None:
        return fixed
    values = choices(schema)
    if values is not None and (kind_of not in ("object", "array") or "enum" in schema and "properties" not in schema):
        return choice_field(base, hints, values, kind_of or "string", widget, lang)
    either = yes_no_union(schema, resolver, lang) if kind_of is None else None
    if either is not None:
        return choice_field(base, hints, either, "string", widget, lang)
    union = scalar_union(schema, resolver) if kind_of is None or kind_of in ("string", "number", "integer") else None
    if union is not None:
        return union_field(base, hints, union, lang)
    if _has_object_branches(schema, resolver) and not _adds_fields(schema):
        return _alternatives(base, hints, schema, resolver, lang, depth)
    return None


def _typed(
    base: dict[str, Any], hints: list[str], schema: Schema, resolver: Resolver[Any], lang: str, depth: int
) -> Field | None:
    """The field for an answer of the schema's type (None: an object with nothing to ask, left off the page)."""
    kind_of = json_type(schema)
    if kind_of == "object":
        return _object(base, hints, schema, resolver, lang, depth)
    if kind_of == "array":
        return _array(base, hints, schema, resolver, _widget(schema), lang, depth)
    if kind_of == "boolean":
        return boolean_field(base, hints, schema, _widget(schema), lang)
    if kind_of in ("integer", "number"):
        mode = "numeric" if kind_of == "integer" else "decimal"
        return Field("number", json_type=kind_of, hint=" ".join(hints), attrs=(("inputmode", mode),),
                     width=number_width(schema), **base)
    if kind_of == "string" and not _has_object_branches(schema, resolver):
        return string_field(base, hints, schema, _widget(schema), schema.get("ui:options") or {}, lang)
    return json_field(base, hints, lang, construct_of(schema))


def _object(
    base: dict[str, Any], hints: list[str], schema: Schema, resolver: Resolver[Any], lang: str, depth: int
) -> Field | None:
    """A fieldset of the object's questions (an optional one's lists start empty)."""
    if _has_object_branches(schema, resolver) or _adds_fields(schema):
        return json_field(base, hints, lang, "a choice between objects that only a condition adds")
    children = tuple(_children(schema, resolver, base["pointer"], lang, depth))
    if not children:  # nothing to ask (`lomake check` warns): left off the page, or fixed as `{}`
        return Field("fixed", json_type="object", options=(Option("—", "—", {}),), **base) if base["required"] else None
    off = (("autocomplete", "off"),) if schema.get("ui:autocomplete") == "off" else ()
    if not base["required"]:
        children = tuple(emptied(c) for c in children)
    return Field("fieldset", json_type="object", hint=" ".join(hints), children=children, attrs=off, **base)


def construct_of(schema: Schema) -> str:
    """The construct that leaves a field as JSON text, in the words of `lomake check`."""
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list):
            return f"{key} of objects and other types"
    if isinstance(schema.get("type"), list) and len([t for t in schema["type"] if t != "null"]) > 1:
        return f"a type list {schema['type']}"
    if schema.get("not") is not None:
        return "not (other than a list of refused values)"
    return "a schema without type" if "type" not in schema else f"type {schema.get('type')!r} as given here"


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
            return json_field(base, hints, lang, "a oneOf/anyOf option that cannot be read (unresolvable $ref)")
        if not isinstance(branch_schema, dict) or json_type(branch_schema) not in ("object", None):
            return json_field(base, hints, lang, "oneOf/anyOf of objects and other types")
        at = f"{base['pointer']}/@{k}"
        shared = [c for c in _children({k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")},
                                       resolver, at, lang, depth) if c.kind != "pairs"]
        own = [_set_by_option(c) for c in _children(branch_schema, branch_resolver, at, lang, depth)]
        label = str(branch_schema.get("title") or text(lang, "option", n=k + 1))
        branches.append(Field("fieldset", f"@{k}", at, html_id(at), label, children=tuple(shared + own),
                              json_type="object", hint=text(lang, "answer_if", option=label)))
    options = tuple(Option(str(k), b.label, k) for k, b in enumerate(branches))
    return Field("alternatives", json_type="object", hint=" ".join(hints), options=options,
                 children=tuple(branches), **base)


def _set_by_option(f: Field) -> Field:
    """An option's tag (a `const` or one-value `enum` property, as in OpenAPI's tagged unions) is no question: choosing
    the option sets it, so it is a hidden field whose value the server fills in."""
    if (f.kind == "fixed" and f.options and ("readonly", "true") not in f.attrs) or (
            f.kind in ("radios", "select") and len(f.options) == 1):
        return replace(f, kind="hidden", required=True, hint="")
    return f


def _has_object_branches(schema: Schema, resolver: Resolver[Any] | None = None) -> bool:
    """Whether a `oneOf`/`anyOf` offers objects (following `$ref`s when a resolver is given)."""
    def is_object(b: Any) -> bool:
        if isinstance(b, dict) and "$ref" in b and resolver is not None:
            try:
                b = deref(b, resolver)[0]
            except (Unresolvable, RecursionError):
                return False
        return isinstance(b, dict) and ("properties" in b or b.get("type") == "object")
    return any(is_object(b) for key in ("oneOf", "anyOf") for b in schema.get(key) or ())


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
            return json_field(base, hints, lang, "array items that cannot be read (unresolvable $ref)")
        values = choices(item_schema)
        if values is not None:
            options = options_for(values)
            return Field("checkboxes", json_type="array", hint=" ".join(hints), options=options, **base)
        if is_file(item_schema, item_schema.get("ui:widget") or widget):
            return file_field(base, hints, {**item_schema, **schema}, schema.get("ui:options") or {}, lang, "array")
        item = _field("-", items, resolver, base["pointer"] + "/-", False, lang, depth + 1)
        if item is not None and item.kind not in ("json", "hidden", "pairs"):
            label = str(item_schema.get("title") or base["label"])
            item = replace(item, label=label, required=False)
            return Field("list", json_type="array", hint=" ".join(hints), children=(item,),
                         min_items=int(schema.get("minItems") or 0), **base)
    return json_field(base, hints, lang,
                      "an array whose items have no control (lists of lists, of JSON or of free-form entries)")


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
            return json_field(base, hints, lang, "a tuple position holding a list or free-form entries")
        prefix.append(replace(built, label=built.label if built.label != str(i) else f"{base['label']} {i + 1}"))
    rest = schema.get("items") if "prefixItems" in schema else schema.get("additionalItems")
    template = _field("-", rest, resolver, base["pointer"] + "/-", False, lang, depth + 1) if isinstance(
        rest, dict) else None
    if template is not None and template.kind in ("json", "hidden", "pairs", "list"):
        return json_field(base, hints, lang, "a tuple whose further items have no control")
    children = (replace(template, label=str(rest.get("title") or base["label"])),) if template and isinstance(
        rest, dict) else ()
    return Field("list", json_type="array", hint=" ".join(hints), children=children, prefix=tuple(prefix),
                 min_items=int(schema.get("minItems") or 0), **base)
