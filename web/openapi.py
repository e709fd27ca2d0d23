"""The API described as OpenAPI 3.1, at `/openapi.json`, made from the app's own routes and forms.

Each operation's description is one entry of `OPERATIONS`, by method and path; the document lists the
routes the app has (`api_routes`), each with its entry, so a route cannot go undescribed nor a description
outlive its route (tests/test_openapi.py checks both). Every form's schema, with the shared parts it
reaches, goes under `components.schemas` (`$ref`s rewritten to point there), and each form has a path of
its own for sending it, `/api/v1/forms/<id>/submissions`, whose body is that schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from core.forms import BASE_URI, Catalog, Form
from core.schema import iter_subschemas
from web.state import base_url, lomake

Schema = dict[str, Any]
JSON = "application/json"


@dataclass(frozen=True)
class Answer:
    """One response of an operation: what it means, and its body's schema (None: no body) and media type."""

    description: str
    schema: Schema | None = None
    media_type: str = JSON
    headers: Mapping[str, Schema] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """What one method on one path does, takes and answers. `errors` are the statuses it may answer in the
    error shape; `keyed` operations need an agency's API key; a `per_form` one also has a path per form."""

    summary: str
    description: str
    answers: Mapping[int, Answer]
    errors: tuple[int, ...] = ()
    query: Mapping[str, tuple[Schema, str]] = field(default_factory=dict)
    #: Request headers it reads (besides `Authorization`), by name: schema and description.
    headers: Mapping[str, tuple[Schema, str]] = field(default_factory=dict)
    body: tuple[Schema, str] | None = None
    keyed: bool = False
    per_form: bool = False


def _obj(required: Mapping[str, Schema], **more: Any) -> Schema:
    return {"type": "object", "required": list(required), "properties": dict(required), **more}


_STRING: Schema = {"type": "string"}
_URL: Schema = {"type": "string", "format": "uri"}
_TIME: Schema = {"type": "string", "format": "date-time"}
_LANG = {"lang": ({"type": "string", "examples": ["fi", "sv", "en"]},
                  "The language of messages and links (fi, sv, en); another value means the form's first.")}
_ANY_JSON: Schema = {}

#: Why each error status is answered; an operation lists the ones it may answer (docs/api.md, "Errors").
ERRORS: Mapping[int, str] = {
    400: "The body is not well-formed JSON, not UTF-8, holds broken characters or nests deeper than 64 levels; or "
         "an `Idempotency-Key` that is not 1 to 255 printable ASCII characters.",
    401: "No API key, or not a live one (`WWW-Authenticate: Bearer`).",
    403: "A browser sent the request from another site.",
    404: "No such form (or, with a key, another agency's form).",
    408: "The body did not arrive in time.",
    413: "The body is larger than the limit.",
    415: "The body is not exactly `application/json` (`; charset=utf-8` may follow).",
    422: "The answers break the form's schema or rules, or include answers it does not ask for; or an "
         "`Idempotency-Key` already used with other answers.",
    500: "An error of the service itself (a database that fails, a bug).",
}
_SENDING = (400, 403, 404, 408, 413, 415, 422, 500)

#: Every operation of the API, by method and path (the route's path, as `server.routes()` has it).
OPERATIONS: Mapping[tuple[str, str], Operation] = {
    ("GET", "/api/v1/forms"): Operation(
        "List the forms", "The catalogue, as the index page shows it: every form the service offers (or those the "
        "search and filters let through), in agency, category and title order, with its title in its first "
        "language (`title`) and in each of its languages, its version, and the catalogue's facts in `lang`.",
        {200: Answer("The forms.", _obj({"forms": {"type": "array", "items": _obj({
            "id": _STRING, "title": _STRING, "version": _STRING,
            "titles": {"type": "object", "additionalProperties": _STRING},
            "lang": _STRING, "title_shown": _STRING, "description": _STRING,
            "languages": {"type": "array", "items": _STRING},
            "agency": _obj({"id": _STRING, "name": _STRING}),
            "category": {"oneOf": [_obj({"id": _STRING, "name": _STRING}), {"type": "null"}]},
            "drafts": {"type": "boolean"}, "attachments": {"enum": ["required", "optional", "none"]},
            "url": _URL})}}))},
        errors=(500,), query={
            **_LANG,
            "q": (_STRING, "Only forms whose title or description, in any of their languages, has every word "
                           "(case and accents ignored: `rattelse` finds `rättelse`)."),
            "agency": (_STRING, "Only this agency's forms (its id)."),
            "category": (_STRING, "Only forms of this category (its id).")}),
    ("GET", "/api/v1/forms/{form_id}"): Operation(
        "A form's JSON Schema", "The form's JSON Schema as its file has it (`$ref`s to shared parts are relative "
        "to the file; this document's `components.schemas` holds them resolved).",
        {200: Answer("The form's schema.", {"type": "object"})}, errors=(404, 500), query=_LANG),
    ("POST", "/api/v1/forms/{form_id}/submissions"): Operation(
        "Send a submission", "The answers, as one JSON instance of the form's schema (each form's own path below "
        "names its schema). The 201 is sent only after the submission is stored; nothing is stored otherwise. "
        "With an `Idempotency-Key`, sending the same answers again within 24 hours answers the first submission "
        "again (201, the same id and reference) and stores nothing.",
        {201: Answer("Stored, with its reference number and the receipt's address (a capability).", _obj(
            {"id": _STRING, "reference": _STRING, "received_at": _TIME, "receipt_url": _URL}))},
        errors=_SENDING, query=_LANG, body=(_ANY_JSON, "The answers."), per_form=True,
        headers={"Idempotency-Key": ({"type": "string", "minLength": 1, "maxLength": 255,
                                      "pattern": "^[\\x20-\\x7e]+$"},
                                     "The client's key for this submission (a UUID, say), 1 to 255 printable ASCII "
                                     "characters; kept 24 hours per API key (or per anonymous sender) and form. "
                                     "The same answers again: the first submission; other answers: 422.")}),
    ("POST", "/api/v1/forms/{form_id}/drafts"): Operation(
        "Start a prefilled draft", "A draft with some answers given, each one right but none yet required, for "
        "the person to continue by `resume_url` (it works once). Only the form's own agency, by its API key.",
        {201: Answer("The draft, with its resume link (a capability).", _obj(
            {"id": _STRING, "resume_url": _URL, "expires_at": _TIME}))},
        errors=(400, 401, *_SENDING[1:]), query=_LANG, body=(_ANY_JSON, "Some of the answers."), keyed=True),
    ("GET", "/healthz"): Operation(
        "Health check", "Whether the service and its database answer.",
        {200: Answer("The database answers.", _obj({"status": {"const": "ok"}, "forms": {"type": "integer"}}))},
        errors=(500,)),
    ("GET", "/api/v1/submissions"): Operation(
        "List submissions", "The key's agency's submissions, newest last, a page at a time: pass `next` back "
        "as `after` for the next page (stable under concurrent inserts).",
        {200: Answer("A page of submissions and the cursor of the next (null: no more).", _obj({
            "submissions": {"type": "array", "items": {"type": "object"}},
            "next": {"type": ["string", "null"]}}))},
        errors=(400, 401, 404, 500), keyed=True, query={
            "form": (_STRING, "Only this form's submissions (404 if the key's agency has no such form)."),
            "since": (_TIME, "Only submissions received at or after this time."),
            "after": (_STRING, "The cursor a previous page gave as `next`."),
            "limit": ({"type": "integer", "minimum": 1, "maximum": 1000},
                      "At most this many submissions (default 100).")}),
    ("GET", "/api/v1/submissions/{submission_id}"): Operation(
        "A submission", "One submission of the key's agency: reference, form and version, time of arrival, "
        "language, answers, metadata, attachments with their download URLs, and the receipt's URL.",
        {200: Answer("The submission.", {"$ref": "#/components/schemas/Submission"})},
        errors=(401, 404, 500), keyed=True),
    ("GET", "/api/v1/submissions/{submission_id}/attachments/{attachment_id}"): Operation(
        "A submission's attachment", "The file, with its media type and `Content-Disposition`.",
        {200: Answer("The file.", {}, "*/*", {"content-disposition": _STRING})},
        errors=(401, 404, 500), keyed=True),
    ("GET", "/api/v1/forms/{form_id}/submissions.ndjson"): Operation(
        "Export a form's submissions as NDJSON", "Every submission of the form, one JSON object a line, streamed.",
        {200: Answer("The submissions.", {"type": "string"}, "application/x-ndjson")},
        errors=(400, 401, 404, 500), keyed=True, query={"since": (_TIME, "Only those received at or after this.")}),
    ("GET", "/api/v1/forms/{form_id}/submissions.csv"): Operation(
        "Export a form's submissions as CSV", "One row a submission, one column per JSON pointer, UTF-8 with BOM, "
        "cells that a spreadsheet would read as a formula escaped; streamed.",
        {200: Answer("The submissions.", {"type": "string"}, "text/csv")},
        errors=(400, 401, 404, 500), keyed=True, query={
            "since": (_TIME, "Only those received at or after this."),
            "titles": ({"type": "string", "enum": ["0", "1"]},
                       "1: head the columns with the questions' titles in `lang` (unambiguous), not their JSON "
                       "pointers."),
            **_LANG}),
    ("GET", "/openapi.json"): Operation(
        "This document", "The API as OpenAPI 3.1, with every form's schema.",
        {200: Answer("The OpenAPI document.", {"type": "object"})}),
}



def described(path: str) -> bool:
    """Whether the route at `path` belongs to the API, so must have a description."""
    return path.startswith("/api/") or path in ("/healthz", "/openapi.json")


def api_routes(routes: list[BaseRoute]) -> Iterator[tuple[str, str]]:
    """(method, path) of each API route, HEAD left out, in the routes' order."""
    for route in routes:
        if isinstance(route, Route) and described(route.path):
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                yield method, route.path


async def openapi_json(request: Request) -> Response:
    app = lomake(request)
    base = base_url(app.settings.public_url, request.scope)
    return JSONResponse(openapi_document(list(api_routes(request.app.routes)), app.catalog, base))


def openapi_document(routes: list[tuple[str, str]], catalog: Catalog, base: str) -> Schema:
    """The OpenAPI document of `routes` (those with a description) over the forms of `catalog`, served at `base`."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path in routes:
        operation = OPERATIONS.get((method, path))
        if operation is None:
            continue
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, operation, tuple(catalog.forms))
        if operation.per_form:
            for form in catalog.forms.values():
                concrete = path.replace("{form_id}", form.id)
                paths.setdefault(concrete, {})[method.lower()] = _form_operation(method, path, operation, form)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lomake", "version": "1",
                 "description": "Schema-driven e-forms: list forms, fetch their schemas, send submissions and start "
                                "prefilled drafts. Errors answer `{\"errors\": [{\"pointer\", \"message\"}]}`."},
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "schemas": {"Errors": ERRORS_SCHEMA, "Submission": SUBMISSION_SCHEMA, **form_schemas(catalog)},
            "securitySchemes": {"agencyKey": {
                "type": "http", "scheme": "bearer",
                "description": "An agency's API key, from `lomake apikey create --agency ID`."}},
        },
    }


ERRORS_SCHEMA: Schema = _obj({"errors": {"type": "array", "minItems": 1, "items": _obj(
    {"pointer": {"type": "string", "description": "JSON Pointer to the answer concerned; \"\" for the request."},
     "message": {"type": "string", "description": "For people, in the request's language."}})}})


#: A submission as the read API gives it (`renderer/export.py`, `submission_json`).
SUBMISSION_SCHEMA: Schema = _obj({
    "id": _STRING, "reference": _STRING, "form_id": _STRING, "form_version": _STRING, "received_at": _TIME,
    "language": _STRING, "data": {"description": "The answers, as the form's schema describes them."},
    "data_sha256": _STRING, "metadata": {"type": "object"},
    "attachments": {"type": "array", "items": _obj({
        "id": _STRING, "name": _STRING, "media_type": _STRING, "size": {"type": "integer"}, "sha256": _STRING,
        "url": _URL})},
    "receipt_url": _URL})


def _operation(method: str, path: str, operation: Operation, form_ids: tuple[str, ...] = ()) -> Schema:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "string", "examples": list(form_ids)} if name == "form_id" else _STRING}
              for name in re.findall(r"{(\w+)", path)]
    params += [{"name": name, "in": "query", "required": False, "schema": schema, "description": text}
               for name, (schema, text) in operation.query.items()]
    params += [{"name": name, "in": "header", "required": False, "schema": schema, "description": text}
               for name, (schema, text) in operation.headers.items()]
    described_op: Schema = {
        "operationId": _operation_id(method, path), "summary": operation.summary,
        "description": operation.description, "parameters": params, "responses": _responses(operation),
    }
    if operation.body is not None:
        schema, text = operation.body
        described_op["requestBody"] = {"required": True, "description": text, "content": {JSON: {"schema": schema}}}
    if operation.keyed:
        described_op["security"] = [{"agencyKey": []}]
    return described_op


def _form_operation(method: str, path: str, operation: Operation, form: Form) -> Schema:
    """The `per_form` operation for one form: its own path, and the form's schema as the body."""
    one = _operation(method, path.replace("{form_id}", form.id), operation)
    one["operationId"] += f"_{_name(form.id)}"
    one["summary"] = f"{operation.summary}: {form.title}"
    one["requestBody"]["content"][JSON]["schema"] = {"$ref": f"#/components/schemas/{_name(form.id)}"}
    return one


def _operation_id(method: str, path: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", path.replace("{", "by_")).strip("_")
    return f"{method.lower()}_{words}"


def _responses(operation: Operation) -> Schema:
    responses: Schema = {}
    for status, answer in operation.answers.items():
        described_answer: Schema = {"description": answer.description}
        if answer.schema is not None:
            described_answer["content"] = {answer.media_type: {"schema": answer.schema}}
        if answer.headers:
            described_answer["headers"] = {name: {"schema": s} for name, s in answer.headers.items()}
        responses[str(status)] = described_answer
    for status in operation.errors:
        error: Schema = {"description": ERRORS[status],
                         "content": {JSON: {"schema": {"$ref": "#/components/schemas/Errors"}}}}
        if status == 401:
            error["headers"] = {"www-authenticate": {"schema": {"const": "Bearer"}}}
        responses[str(status)] = error
    return responses


def _name(relative: str) -> str:
    """A component name (`^[A-Za-z0-9._-]+$`) for a form id or a part's path below the schemas folder."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", relative.removesuffix(".json").replace("/", "."))


def form_schemas(catalog: Catalog) -> dict[str, Any]:
    """Each form's schema and every shared part it reaches, by component name, with their `$ref`s pointing
    into `components.schemas`. A form whose `$ref`s cannot be put so (an anchor, a nested `$id`) gets any
    JSON object, its schema being at `GET /api/v1/forms/{form_id}`."""
    schemas: dict[str, Any] = {}
    for form in catalog.forms.values():
        documents = _documents(form)
        bundled = {name: _bundled(document, uri, documents) for uri, (name, document) in documents.items()}
        if any(b is None for b in bundled.values()):
            schemas[_name(form.id)] = {"type": "object", "description": f"See GET /api/v1/forms/{form.id}."}
            continue
        schemas.update(bundled)
    return schemas


def _documents(form: Form) -> dict[str, tuple[str, Any]]:
    """The form's documents by the URI their `$ref`s resolve against: (component name, document)."""
    found = {form.uri: (form.id, form.document)}
    found |= {BASE_URI + part: (part, form.registry.contents(BASE_URI + part)) for part in form.parts}
    documents: dict[str, tuple[str, Any]] = {}
    for uri, (relative, document) in found.items():
        own = document.get("$id") if isinstance(document, dict) else None
        if isinstance(own, str) and urldefrag(own)[0].startswith(("https:", "http:", "urn:")):
            own = urldefrag(own)[0]
            if not own.startswith(BASE_URI):  # an $id of its own; the registry's copy carries the file's
                documents[own] = (_name(relative), document)
        documents[uri] = (_name(relative), document)
    return documents


def _bundled(document: Any, uri: str, documents: Mapping[str, tuple[str, Any]]) -> Any:
    """`document` with each `$ref` made a pointer into `components.schemas`; None if one cannot be."""
    if not isinstance(document, dict):
        return document
    copy = json.loads(json.dumps(document))
    own = copy.pop("$id", None)  # kept, it would be the base of the rewritten `$ref`s
    base = urldefrag(own)[0] if isinstance(own, str) and not own.startswith(BASE_URI) and ":" in own else uri
    for sub, at in iter_subschemas(copy):
        if (at and "$id" in sub) or "$dynamicRef" in sub or "$recursiveRef" in sub:
            return None
        ref = sub.get("$ref")
        if isinstance(ref, str):
            target, fragment = urldefrag(urljoin(base, ref))
            if target not in documents or (fragment and not fragment.startswith("/")):
                return None
            sub["$ref"] = f"#/components/schemas/{documents[target][0]}{fragment}"
    return copy
