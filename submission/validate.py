"""Instance in, problems out: defaults, JSON Schema validation and messages people understand.

Validators are compiled once per form version and kept; format checking is on. Both the HTML
form and the JSON API come through `validate`, so they accept and refuse exactly the same.
"""

from __future__ import annotations

import copy
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import partial
from typing import Any, assert_never

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing._core import Resolver
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from core.dialects import search, validator_class
from core.errors import Invalid, Problem
from core.forms import Form
from core.identifiers import IDENTIFIERS
from core.messages import file_size, has_text, text
from core.schema import (
    Schema,
    consts_as_enums,
    deref,
    effective_default,
    escape,
    holder_of,
    object_shape,
    places,
    pointer,
    unescape,
)
from core.view.either import requirement_only
from core.view.fields import ITEM, Field, FormView, walk
from submission.coerce import Issue
from submission.precheck import Precheck, precheck
from submission.undeclared import Shapes, undeclared

#: Most important first: one message per field, the first that applies.
_PRIORITY = (
    "file_too_large", "file_type", "file_active", "file_data_url", "file_gone",
    "json", "integer", "number", "date_missing_part", "date_real",
    "choice", "required", "type", "const", "enum", "oneOf", "anyOf", "format", "minLength", "maxLength", "pattern",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def format_checker(cls: type[Validator] | None = None) -> FormatChecker:
    """The format checks of the schema's own draft (a bare `FormatChecker()` mixes drafts: its "time" is
    draft 3's, without an offset), with an e-mail check stricter than "contains an @"."""
    checker = FormatChecker(formats=())
    checker.checkers = dict((cls or validator_class({})).FORMAT_CHECKER.checkers)
    checker.checks("email")(lambda value: not isinstance(value, str) or bool(_EMAIL.match(value)))
    for identifier in IDENTIFIERS.values():
        checker.checks(identifier.name, raises=ValueError)(partial(_identifier, identifier.check))
    return checker


def _identifier(check: Callable[[str], None], value: object) -> bool:
    if isinstance(value, str):
        check(value)  # raises ValueError("<reason>")
    return True


class CompiledForms:
    """What each form version needs at every submission, worked out on first use and then kept:
    its compiled validator and where its defaults go."""

    def __init__(self) -> None:
        self._validators: dict[tuple[str, str], Validator] = {}
        self._prechecks: dict[tuple[str, str], Precheck | None] = {}
        self._defaults: dict[tuple[str, str], Defaults] = {}
        self._shapes: dict[tuple[str, str], Shapes] = {}

    def validator(self, form: Form) -> Validator:
        key = (form.id, form.hash)
        if key not in self._validators:
            self._compile(form)
        return self._validators[key]

    def precheck(self, form: Form) -> Precheck | None:
        """The form's compiled pre-check (`submission.precheck`), if it has one."""
        key = (form.id, form.hash)
        if key not in self._prechecks:
            self._compile(form)
        return self._prechecks[key]

    def valid(self, form: Form, instance: Any) -> bool:
        """True if `instance` is valid, by the pre-check; False when it is not, or the form has no pre-check:
        then only `validator` can tell."""
        check = self.precheck(form)
        return check is not None and check(instance)

    def _compile(self, form: Form) -> None:
        """The form's validator and its pre-check, over the same schemas: its registry, consts as enums."""
        contents = [(uri, consts_as_enums(resource.contents)) for uri, resource in form.registry.items()]
        registry = Registry().with_resources(
            (uri, Resource.from_contents(document, default_specification=DRAFT202012)) for uri, document in contents)
        schema = registry.contents(form.uri)
        cls = validator_class(schema)
        checker = format_checker(cls)
        self._validators[(form.id, form.hash)] = cls(schema, registry=registry, format_checker=checker)
        self._prechecks[(form.id, form.hash)] = precheck(schema, form.uri, contents, checker)

    def shapes(self, form: Form) -> Shapes:
        """What `undeclared` keeps of the form's root between submissions."""
        return self._shapes.setdefault((form.id, form.hash), Shapes())

    def defaults(self, form: Form) -> Defaults:
        key = (form.id, form.hash)
        if key not in self._defaults:
            self._defaults[key] = _defaults_of(*deref(form.document, form.resolver()))
        return self._defaults[key]


#: For each property with a default somewhere below it: its own default (or `_NO_DEFAULT`) and its properties'.
Defaults = dict[str, tuple[Any, "Defaults"]]
_NO_DEFAULT = object()


def _defaults_of(schema: Schema, resolver: Resolver[Any], depth: int = 0) -> Defaults:
    found: Defaults = {}
    if depth > 12:
        return found
    for name, (sub, sub_resolver) in object_shape(schema, resolver).properties.items():
        try:
            sub, sub_resolver = deref(sub, sub_resolver)
        except (Unresolvable, RecursionError):
            continue
        inner = _defaults_of(sub, sub_resolver, depth + 1)
        if "default" in sub or inner:
            found[name] = (effective_default(sub) if "default" in sub else _NO_DEFAULT, inner)
    return found


def apply_defaults(defaults: Defaults, instance: dict[str, Any]) -> dict[str, Any]:
    """Fill every absent property that has a `default` into `instance` (changed in place, and returned)."""
    for name, (default, inner) in defaults.items():
        if name not in instance and default is not _NO_DEFAULT:
            instance[name] = copy.deepcopy(default)
        if inner and isinstance(instance.get(name), dict):
            apply_defaults(inner, instance[name])
    return instance


def issues(validator: Validator, instance: Any, chosen: dict[str, int] | None = None) -> list[Issue]:
    """Every way `instance` breaks the schema, as issues at the pointers of the answers concerned.

    `chosen` names the option picked in each choice between objects (by the choice's pointer).
    """
    found: list[Issue] = []
    for error in validator.iter_errors(instance):
        found += _issues(error, chosen or {})
    return found


def _issues(error: ValidationError, chosen: dict[str, int]) -> Iterable[Issue]:
    at = pointer(list(error.absolute_path))
    keyword = str(error.validator)
    value: Any = error.validator_value  # set on every error jsonschema reports (the stubs allow `Unset`)
    instance: Any = error.instance
    schema: Any = error.schema
    if keyword == "required" and isinstance(instance, dict):
        return [Issue(f"{at}/{escape(n)}", "required") for n in value if n not in instance]
    if keyword in ("dependentRequired", "dependencies") and isinstance(instance, dict):
        return [
            Issue(f"{at}/{escape(n)}", "required")
            for prop, needed in value.items() if prop in instance and isinstance(needed, list)
            for n in needed if n not in instance
        ] or [Issue(at, keyword)]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        patterns = list(schema.get("patternProperties") or {})
        extra = [n for n in instance if n not in (schema.get("properties") or {})
                 and not any(search(p, n) for p in patterns)]
        return [Issue(f"{at}/{escape(n)}", "additionalProperties", {"name": n}) for n in extra]
    if keyword == "type":
        expected = value if isinstance(value, str) else next((t for t in value if t != "null"), "null")
        code = expected if expected in ("integer", "number") else "type"
        return [Issue(at, code, {"type": expected})]
    if keyword in ("minimum", "maximum") and schema.get("exclusive" + keyword.title()) is True:
        return [Issue(at, "exclusive" + keyword.title(), {"n": value})]  # draft-04: a flag beside the bound
    if keyword == "format":
        return [Issue(at, "format", {"format": value, "reason": str(error.cause) if error.cause else ""})]
    if keyword in ("oneOf", "anyOf") and isinstance(instance, dict) and all(requirement_only(b) for b in value):
        met = sum(all(n in instance for n in b["required"]) for b in value)  # give one (or more, for anyOf)
        return [Issue(f"{at}/{escape(value[0]['required'][0])}", "either_both" if met > 1 else "either_missing")]
    if keyword in ("oneOf", "anyOf") and error.context:
        return _branch_issues(error, at, chosen)
    return [Issue(at, keyword, {"n": value})]


def _branch_issues(error: ValidationError, at: str, chosen: dict[str, int]) -> list[Issue]:
    """A `oneOf`/`anyOf` of objects failed: tell what the picked option (or, through the API, the
    closest one) lacks, at that option's fields (the page keeps each option's questions under the
    pseudo-property `@<index>`)."""
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        by_branch.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    keys = set(error.instance) if isinstance(error.instance, dict) else set()

    options: Any = error.validator_value

    def unknown(b: int) -> int:
        branch = options[b] if b < len(options) else {}
        declared = set(branch.get("properties") or {}) if isinstance(branch, dict) else set()
        return len(keys - declared) if declared else 0

    k = chosen.get(at, min(by_branch, key=lambda b: (unknown(b), len(by_branch[b]), b)))
    found: list[Issue] = []
    for sub in by_branch.get(k, ()):
        for issue in _issues(sub, chosen):
            found.append(Issue(at + f"/@{k}" + issue.pointer[len(at):], issue.code, issue.params))
    return found


def problems(view: FormView, found: list[Issue]) -> list[Problem]:
    """One message per field, most important first, in page order; then anything fieldless."""
    best: dict[str, tuple[int, Issue, Field | None]] = {}
    if not found:
        return []
    for issue in found:
        f = view.field_at(issue.pointer)
        where = f.pointer if f is not None and f.kind != "fieldset" else issue.pointer
        if f is not None and "/-" in where:  # a list item's field: the item's own pointer
            where = "/".join(issue.pointer.split("/")[: where.count("/") + 1])
        rank = _PRIORITY.index(issue.code) if issue.code in _PRIORITY else len(_PRIORITY)
        if where not in best or rank < best[where][0]:
            best[where] = (rank, issue, f)
    order = {f.pointer: i for i, f in enumerate(walk(view.fields))}
    ranked = sorted(best.items(), key=lambda item: (_position(item[0], order), item[0]))
    return [problem(view.lang, issue, f, where) for where, (_, issue, f) in ranked]


def _position(where: str, order: Mapping[str, int]) -> tuple[int, ...]:
    """Where the answer at `where` comes on the page, step by step: a question by its place, a list's item by its
    number (the error summary follows the page, item by item, not the alphabet)."""
    steps, at = [], ""
    for part in where.split("/")[1:]:
        at += "/" + part
        steps.append(int(part) if part.isascii() and part.isdigit() else order.get(ITEM.sub("/-", at), len(order)))
    return tuple(steps)


def problem(lang: str, issue: Issue, f: Field | None, where: str | None = None) -> Problem:
    """`issue` told at `where` (its own pointer unless given), with the label the summary needs."""
    return Problem(issue.pointer if where is None else where, message(lang, issue, f), _summary_label(issue, f))


def _summary_label(issue: Issue, f: Field | None) -> str:
    """The label the error summary puts before a message of Lomake's own (a form's own names its question, and
    one for a format names its kind of answer: "Kirjoita henkilötunnus muodossa ...")."""
    if f is None or f.kind == "fieldset" and issue.pointer != f.pointer or issue.code == "rule" or (
            issue.code != "not" and own_message(issue, f)) or _names_its_answer(issue):
        return ""
    return f.label


def _names_its_answer(issue: Issue) -> bool:
    """Whether Lomake's message for `issue` says what kind of answer it asks for: an identifier, an e-mail or web
    address, a time. Not a date: a page often asks several, and "Kirjoita oikea päivämäärä" names none."""
    kind = str(issue.params.get("format"))
    return issue.code == "format" and (kind in IDENTIFIERS or kind in _FORMATS and kind != "date")


def message(lang: str, issue: Issue, f: Field | None) -> str:
    """What to tell a person about `issue`: the form's own words for it (`ui:messages`), else Lomake's
    for the kind of answer. Lomake's read alone beside the field; they never quote its label."""
    if f is not None and f.kind == "fieldset" and issue.pointer != f.pointer:
        f = None
    if issue.code == "rule":
        return str(issue.params["message"])
    return own_message(issue, f) or _default(lang, issue, f)


#: The `ui:messages` keys a form's own message for an issue may be given under, after its own code.
_OWN_FALLBACKS = {"date_missing_part": ("date",), "date_real": ("date", "format"),
                  "integer": ("type",), "number": ("type",), "exclusiveMinimum": ("minimum",),
                  "exclusiveMaximum": ("maximum",), "json": ("type",), "choice": ("enum",)}


def own_message(issue: Issue, f: Field | None) -> str | None:
    """The form's own message for `issue` at `f`, if it gives one: by the rule's keyword, or by the
    keyword it stands for (`minLength` 1 and an unticked declaration are `required`)."""
    if f is None or not f.messages:
        return None
    code = issue.code
    keys = [code, *_OWN_FALLBACKS.get(code, ())]
    if code == "minLength" and issue.params.get("n") == 1 or (
            code in ("const", "enum") and f.kind in ("declaration", "checkbox")):
        keys.append("required")
    if code == "date_missing_part":
        keys.insert(0, f"date_missing_{issue.params.get('part')}")
    return next((m for m in map(f.message, keys) if m), None)


#: What a text input's `type` says its answer is, for the message that asks for it.
_INPUT_FORMATS = {"email": "email", "url": "uri", "tel": "phone", "time": "time", "datetime-local": "date_time"}


def _required(lang: str, f: Field | None) -> str:
    """What to do to answer a required question, by its kind of answer."""
    if f is None:
        return text(lang, "required_text")
    match f.kind:
        case "declaration" | "checkbox":
            return text(lang, "required_declaration")
        case "list":
            return text(lang, "list_required")
        case "fieldset" | "pairs":
            return text(lang, "required_group")
        case "file" | "date" | "checkboxes":
            return text(lang, f"required_{f.kind}")
        case "radios" | "select" | "alternatives":
            return text(lang, "required_choice")
        case "number":
            return text(lang, "required_number")
        case "text" | "textarea" | "json" | "fixed" | "hidden" | "conditional":
            fmt = f.format or _INPUT_FORMATS.get(dict(f.attrs).get("type", ""), "")
            return text(lang, f"required_{fmt}" if has_text(f"required_{fmt}") else "required_text")
        case _:
            assert_never(f.kind)


def _by_kind(lang: str, code: str, params: dict[str, Any], f: Field) -> str | None:
    """The message for a rule broken that the kind of answer words in its own way, if it does."""
    match f.kind:
        case "declaration" | "checkbox":  # a declaration is `const: true`, a ticked box `enum: [true]`
            return text(lang, "required_declaration") if code in ("const", "enum") else None
        case "list":
            limit = {"minItems": "list_min", "maxItems": "list_max"}.get(code)
            return text(lang, limit, **{"n": 1, **params}) if limit else None
        case "radios" | "select" | "alternatives" | "checkboxes":
            return text(lang, "choice") if code in ("const", "enum", "oneOf", "anyOf") else None
        case ("text" | "textarea" | "number" | "date" | "json" | "fixed" | "file" | "fieldset" | "pairs"
              | "conditional" | "hidden"):
            return None
        case _:
            assert_never(f.kind)


#: The message of a `format` broken, by format (identifiers have their own, `core.identifiers`).
_FORMATS = {"email": "format_email", "uri": "format_uri", "date": "date_real", "time": "format_time",
            "date-time": "format_date_time"}
#: Codes whose message is the code's own text, with the issue's details.
_OWN_TEXT = frozenset({
    "pair_key", "file_type", "file_gone", "file_active", "file_data_url", "choice", "integer", "number",
    "date_real", "json", "additionalProperties", "type", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "maxLength", "minLength", "pattern", "minItems", "maxItems", "uniqueItems",
})


def _default(lang: str, issue: Issue, f: Field | None) -> str:
    code = issue.code
    params = dict(issue.params)
    if code == "minLength" and params.get("n") == 1 or code == "required":
        return _required(lang, f)
    worded = _by_kind(lang, code, params, f) if f is not None else None
    if worded is not None:
        return worded
    if code == "date_missing_part":
        return text(lang, code, part=text(lang, f"part_{params['part']}"))
    identifier = IDENTIFIERS.get(str(params.get("format"))) if code == "format" else None
    if identifier is not None:
        return text(lang, identifier.refusal(str(params.get("reason") or "format")))
    if code == "format":
        return text(lang, _FORMATS.get(str(params.get("format")), "format"))
    if code == "file_too_large":
        return text(lang, code, size=file_size(int(params["bytes"]), lang))
    if code in _OWN_TEXT:
        return text(lang, code, **params)
    return text(lang, "generic" if f is not None else "generic_answers")


def validate(view: FormView, validator: Validator, instance: Any, coerced: Iterable[Issue] = ()) -> list[Problem]:
    """Everything wrong with `instance` (and what coercion could not read), ready to show."""
    coerced = list(coerced)
    chosen = {i.pointer: int(i.params["n"]) for i in coerced if i.code == "option"}
    found = required_empty_lists(validator, instance, chosen, {i.pointer for i in coerced if i.code == "shown_empty"})
    if any(not i.pointer and i.code == "required" for i in coerced):  # no option picked of the root's choice:
        found = [i for i in found if not i.pointer.startswith("/@")]  # that first, not some option's questions
    return problems(view, [*(i for i in coerced if i.code not in NOTES), *found])


#: Issue codes that coercion adds as notes for validation, never shown.
NOTES = ("option", "shown_empty")


def required_empty_lists(validator: Validator, instance: Any, chosen: dict[str, int], shown: set[str]) -> list[Issue]:
    """The issues of `instance`, once each list the page showed empty (`shown`) is sent as `[]`
    where the schema requires it: an empty list is an answer only where one is required, perhaps
    by a condition; an optional list left empty stays absent."""
    found = issues(validator, instance, chosen)
    for _ in range(len(shown)):  # a list given may make another one required
        placed = False
        for issue in found:
            holder, key = holder_of(instance, issue.pointer) if issue.code == "required" else (None, "")
            if issue.pointer in shown and holder is not None and key not in holder:
                holder[key], placed = [], True
        if not placed:
            break
        found = issues(validator, instance, chosen)
    return found


def drop_read_only(view: FormView, instance: dict[str, Any]) -> None:
    """Read-only answers are the server's to give (their `default`), never the client's: drop what was sent."""
    for at in view.read_only:
        holder, key = holder_of(instance, at)
        if holder is not None:
            holder.pop(key, None)


def accept(compiled: CompiledForms, form: Form, view: FormView, instance: Any, coerced: Iterable[Issue] = ()) -> Any:
    """The answers with defaults applied, ready to store; raises `Invalid` listing every problem."""
    _prepare(view, instance)
    apply_defaults(compiled.defaults(form), instance)
    noted = [*coerced, *undeclared_issues(form, instance, compiled.shapes(form)),
             *rule_issues(form, view.lang, instance)]
    if all(i.code in NOTES for i in noted) and compiled.valid(form, instance):
        return instance  # valid: the plain-language path would find nothing (and change nothing)
    found = validate(view, compiled.validator(form), instance, noted)
    if found:
        raise Invalid(found[0].message, found)
    return instance


def accept_partial(compiled: CompiledForms, form: Form, view: FormView, instance: Any) -> Any:
    """Some of the answers (a prefill): each one given must be right, but none is required yet."""
    _prepare(view, instance)
    found = problems(view, [*undeclared_issues(form, instance, compiled.shapes(form)),
                            *rule_issues(form, view.lang, instance),
                            *(i for i in issues(compiled.validator(form), instance) if i.code != "required")])
    if found:
        raise Invalid(found[0].message, found)
    return instance


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HOLDS: dict[str, Callable[[Any, Any], bool]] = {
    "before": operator.lt, "after": operator.gt, "at_most": operator.le, "at_least": operator.ge}


def comparable(value: Any) -> date | float | None:
    """An answer a rule can compare: a date (ISO `yyyy-mm-dd`) or a number; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _answer(instance: Any, at: str) -> Any:
    holder, key = holder_of(instance, at)
    return holder.get(key) if holder is not None else None


def _other_place(place: str, field: str, other: str) -> str:
    """The other answer's pointer for one place of the rule's field: its `-` (list items) are the same items."""
    items = iter(p for f, p in zip(field.split("/"), place.split("/"), strict=False) if f == "-")
    return "/".join(next(items, "0") if part == "-" else part for part in other.split("/"))


def rule_issues(form: Form, lang: str, instance: Any) -> list[Issue]:
    """Where an answer breaks one of the form's rules (`x-lomake.rules`), with the rule's message in `lang`.
    A rule whose answers are missing, or not both dates or both numbers, does not apply yet."""
    found: list[Issue] = []
    catalog = form.translations.get(lang) or {} if lang != form.languages[0] else {}
    for rule in form.meta.rules:
        keyword, other = rule.comparison
        for place in places(rule.field, instance):
            mine, theirs = (comparable(_answer(instance, at)) for at in (place, _other_place(place, rule.field, other)))
            if mine is None or theirs is None or type(mine) is not type(theirs):
                continue
            if not _HOLDS[keyword](mine, theirs):
                found.append(Issue(place, "rule", {"message": catalog.get(rule.message) or rule.message}))
    return found


def undeclared_issues(form: Form, instance: Any, shapes: Shapes | None = None) -> list[Issue]:
    """An issue for each answer the form does not ask for (see `submission.undeclared`; `shapes`: the form's)."""
    return [Issue(at, "additionalProperties", {"name": unescape(at.rsplit("/", 1)[-1])})
            for at in undeclared(form.document, form.resolver(), instance, shapes)]


def _prepare(view: FormView, instance: Any) -> None:
    """Drop what the client may not give (read-only answers) and normalise identifiers."""
    if not isinstance(instance, dict):
        raise Invalid(text(view.lang, "not_an_object"))
    drop_read_only(view, instance)
    for at, fmt in view.identifiers:
        holder, key = holder_of(instance, at)
        if holder is not None and isinstance(holder.get(key), str):
            holder[key] = IDENTIFIERS[fmt].normalise(holder[key])
