"""Who acted for whom: the acting-on-behalf answer of a submission, as metadata and as a sentence.

A form asks it with the shared part `common/acting.json`, as a property anywhere in the form
(`"asiointi": {"$ref": "common/acting.json"}`, directly or inside an `allOf`). The complaint
(`kantelu.json`) asks the same at its root in words of its own (`toimija`, `peruste`,
`paamies`); that layout is read too. `acting(form, answers)` returns, computed from the answers
alone (so it works for stored submissions just as well):

    {
        "pointer": "/asiointi",            # where the answer is in the submission
        "for": "other",                    # "self" or "other"
        "ground": "guardian_of_minor",     # None for "self"; see GROUNDS
        "mandate_theme": None,             # the Suomi.fi mandate theme, for "suomifi_mandate"
        "principal": {                     # None for "self"
            "kind": "person",              # "person" or "organisation" (None if not asked)
            "name": "Matti Meikäläinen",
            "id": "131052-308T",           # personal identity code or business ID, if given
            "birth_date": "2012-05-04",    # ISO 8601, if given (persons)
        },
        "attachment": None,                # the power of attorney, "attachment:<id>"
    }

or None when the form asks no such question or it was not answered.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urldefrag

from referencing import Registry
from referencing._core import Resolver
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from core.forms import Form
from core.messages import text
from core.schema import Schema, deref, escape, value_at

#: The shared part, by its file name below `schemas/`.
PART = "common/acting.json"

#: The grounds: the forms' values (the shared part's, and the complaint's) as the metadata's.
GROUNDS = {
    "huoltaja": "guardian_of_minor",
    "edunvalvoja": "court_appointed_guardian",
    "kaupparekisteri": "trade_register_role",
    "suomifi-valtuus": "suomifi_mandate",
    "valtakirja": "power_of_attorney",
    "ei-oikeutta": "no_mandate",
}
_KINDS = {"henkilo": "person", "organisaatio": "organisation"}
_MAX_DEPTH = 12


def acting(form: Form | Schema, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """Who the sender acted for, and on what ground, from a submission's `answers` to `form`
    (a loaded form, or a bare schema whose references are local); None if the form does not ask."""
    places, complaint = form.derived(_where) if isinstance(form, Form) else _where(form)
    for at in places:
        answer = value_at(answers, at)
        if isinstance(answer, Mapping) and answer.get("kenenPuolesta") in ("itse", "toinen"):
            return _from_part(at, answer)
    if complaint and answers.get("toimija") in ("itse", "toinen"):
        return _from_complaint(answers)
    return None


def sender_name(form: Form, answers: Mapping[str, Any]) -> str:
    """The sender's own name, where the form asks it: the first question whose parts are marked with the
    autocomplete tokens `given-name` and `family-name` (WCAG 1.3.5: they stand for the user's own name, as
    `common/person.json` asks it); empty when the form does not ask or it was not answered."""
    for key, given, family in form.derived(_name_parts):
        answer = _mapping(answers.get(key))
        name = " ".join(p.strip() for p in (_text(answer.get(given)), _text(answer.get(family))) if p and p.strip())
        if name:
            return name
    return ""


def _name_parts(form: Form) -> tuple[tuple[str, str, str], ...]:
    """The top-level questions that ask the user's own name: (the question, its given-name and family-name keys)."""
    schema, resolver = deref(form.document, form.resolver())
    found = []
    for key, question in (schema.get("properties") or {}).items():
        tokens: dict[str, str] = {}
        for part, at in _parts(question, resolver):
            for name, field in (part.get("properties") or {}).items():
                token = deref(dict(field), at)[0].get("ui:autocomplete") if isinstance(field, Mapping) else None
                if token in ("given-name", "family-name"):
                    tokens.setdefault(token, name)
        if len(tokens) == 2:
            found.append((key, tokens["given-name"], tokens["family-name"]))
    return tuple(found)


def _parts(question: Any, resolver: Resolver) -> Iterator[tuple[Schema, Resolver]]:
    """A question's schema and those it is made of with `allOf`, each with its `$ref`s followed."""
    if not isinstance(question, Mapping):
        return
    schema, at = deref(dict(question), resolver)
    yield schema, at
    for part in schema.get("allOf") or ():
        if isinstance(part, Mapping):
            yield deref(dict(part), at)


def _where(form: Form | Schema) -> tuple[tuple[str, ...], bool]:
    """The pointers of the form's acting-on-behalf parts, and whether it asks the complaint's own way (worked out
    once per loaded form: it depends on the files alone)."""
    if isinstance(form, Form):
        schema, resolver = deref(form.document, form.resolver())
    else:
        resolver = Registry().with_resource("urn:lomake:form", DRAFT202012.create_resource(dict(form))).resolver(
            "urn:lomake:form")
        schema = dict(form)
    return tuple(_places(schema, resolver, "", 0)), "toimija" in (schema.get("properties") or {})


def _from_part(at: str, answer: Mapping[str, Any]) -> dict[str, Any]:
    if answer.get("kenenPuolesta") != "toinen":
        return _self(at)
    principal = _mapping(answer.get("paamies"))
    kind = _KINDS.get(str(principal.get("laji")))
    return {
        "pointer": at,
        "for": "other",
        "ground": _ground(answer.get("peruste")),
        "mandate_theme": _text(answer.get("valtuusasia")),
        "principal": {
            "kind": kind,
            "name": _text(principal.get("nimi")),
            "id": _text(principal.get("ytunnus") if kind == "organisation" else principal.get("henkilotunnus")),
            "birth_date": _text(principal.get("syntymaaika")),
        },
        "attachment": _text(answer.get("valtakirja")),
    }


def _from_complaint(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The complaint's own layout: `toimija`, `peruste` and `paamies` (`nimi`, `syntymaaika`) at its root."""
    if answers.get("toimija") != "toinen":
        return _self("")
    principal = _mapping(answers.get("paamies"))
    return {
        "pointer": "",
        "for": "other",
        "ground": _ground(answers.get("peruste")),
        "mandate_theme": None,
        "principal": {"kind": "person", "name": _text(principal.get("nimi")), "id": None,
                      "birth_date": _text(principal.get("syntymaaika"))},
        "attachment": _text(answers.get("valtakirja")),
    }


def _self(at: str) -> dict[str, Any]:
    return {"pointer": at, "for": "self", "ground": None, "mandate_theme": None, "principal": None,
            "attachment": None}


def _ground(value: Any) -> str | None:
    return GROUNDS.get(value, value) if isinstance(value, str) and value else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _places(schema: Any, resolver: Resolver[Any], at: str, depth: int) -> Iterator[str]:
    """The pointers of every property whose schema is the shared part, in the form's order."""
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return
    if not at and any(_is_part(part, resolver) for part in schema.get("allOf") or ()):
        yield at  # the form's root is the part (with questions of its own beside it)
    for name, sub, sub_resolver in _properties(schema, resolver):
        where = f"{at}/{escape(name)}"
        if _is_part(sub, sub_resolver):
            yield where
            continue
        try:
            inner, inner_resolver = deref(sub, sub_resolver)
        except (Unresolvable, RecursionError):
            continue
        yield from _places(inner, inner_resolver, where, depth + 1)


def _properties(schema: Schema, resolver: Resolver[Any]) -> Iterator[tuple[str, Any, Resolver[Any]]]:
    """An object's properties (with the resolver to read each with): its own, its `allOf` parts'
    and those its conditions add."""
    yield from ((name, sub, resolver) for name, sub in (schema.get("properties") or {}).items())
    for key in ("then", "else"):
        if isinstance(schema.get(key), dict):
            yield from _properties(schema[key], resolver)
    for branch in (schema.get("dependentSchemas") or {}).values():
        if isinstance(branch, dict):
            yield from _properties(branch, resolver)
    for part in schema.get("allOf") or ():
        if not isinstance(part, dict) or _is_part(part, resolver):
            continue
        try:
            inner, inner_resolver = deref(part, resolver)
        except (Unresolvable, RecursionError):
            continue
        if isinstance(inner, dict):
            yield from _properties(inner, inner_resolver)


def _is_part(schema: Any, resolver: Resolver[Any]) -> bool:
    """Whether `schema` is the shared part: a `$ref` to it, also beside other keys or inside an `allOf`."""
    if not isinstance(schema, dict):
        return False
    ref = schema.get("$ref")
    if isinstance(ref, str):
        address, fragment = urldefrag(ref)
        if not fragment.strip("/") and (address == PART or address.endswith("/" + PART) or address == "acting.json"):
            return True
        try:
            target = resolver.lookup(ref).contents
        except (Unresolvable, RecursionError):
            target = None
        if isinstance(target, dict) and str(target.get("$id", "")).endswith("/" + PART):
            return True
    return any(_is_part(part, resolver) for part in schema.get("allOf") or ())


def described(info: Mapping[str, Any] | None, lang: str, files: Mapping[str, str] | None = None) -> str:
    """The line a receipt shows: "Lähettäjä toimi henkilön Matti Meikäläinen puolesta, peruste:
    alaikäisen huoltaja." `files` names each attachment reference as the person knows it."""
    if not info:
        return ""
    if info.get("for") != "other":
        return text(lang, "acting_self")
    principal = info.get("principal") or {}
    name = principal.get("name")
    if name and principal.get("kind") == "organisation" and principal.get("id"):
        name = f"{name} ({principal['id']})"
    kind = principal.get("kind") if principal.get("kind") in ("person", "organisation") else "person"
    whom = text(lang, f"acting_whom_{kind}", name=name) if name else text(lang, "acting_whom_unknown")
    ground = info.get("ground")
    said = text(lang, f"acting_ground:{ground}") if ground in GROUNDS.values() else ground or text(
        lang, "acting_ground_unknown")
    if ground == "suomifi_mandate" and info.get("mandate_theme"):
        said = text(lang, "acting_mandate_theme", ground=said, theme=info["mandate_theme"])
    attachment = info.get("attachment")
    if attachment:
        said = text(lang, "acting_attached", ground=said, file=(files or {}).get(attachment, attachment))
    return text(lang, "acting_other", whom=whom, ground=said)
