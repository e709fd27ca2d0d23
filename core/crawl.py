"""Form files: loading a folder of JSON Schema forms into a catalog, with their agencies.

A form is `schemas/<form_id>.json`; shared parts live in `schemas/common/` and are reached
by relative `$ref`s; agencies are `schemas/agencies/<agency_id>.json`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012, UnknownDialect, specification_with

from core.dialects import DEFAULT_DIALECT, dialect, id_keyword
from core.forms import BASE_URI, FormProblem, document_resolver
from core.schema import canonical_json, iter_subschemas


def read_json(path: Path, shown: str) -> tuple[Any, list[FormProblem]]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), []
    except json.JSONDecodeError as exc:
        return None, [FormProblem(shown, "", f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [FormProblem(shown, "", f"cannot be read: {exc}")]


def file_uri(root: Path, path: Path) -> str:
    return BASE_URI + path.resolve().relative_to(root.resolve()).as_posix()


def _resource(uri: str, document: Any) -> tuple[Any, Resource[Any]]:
    """The document as registered and its resource: `$schema` spelled as its draft's own URI (so that
    `https://…/draft-07/schema` is draft-07), a relative or missing `$id` (draft-04: `id`) made `uri`."""
    if isinstance(document, dict):
        canonical = dialect(document.get("$schema"))
        if canonical is not None:
            document = {**document, "$schema": canonical}
        key = id_keyword(canonical or DEFAULT_DIALECT)
        own_id = document.get(key)
        if not (isinstance(own_id, str) and urldefrag(own_id)[0].startswith(("https:", "http:", "urn:"))):
            document = {**document, key: uri}
        try:
            spec = specification_with(document.get("$schema", ""), default=DRAFT202012)
        except UnknownDialect:
            spec = DRAFT202012
        return document, spec.create_resource(document)
    return document, DRAFT202012.create_resource(document)


@dataclass
class Crawl:
    """The documents one form reaches through `$ref`s, and where the `$ref`s failed."""

    root: Path
    documents: dict[str, tuple[Path, Any]] = field(default_factory=dict)
    problems: list[FormProblem] = field(default_factory=list)
    registry: Registry[Any] = field(default_factory=Registry)
    #: Documents whose keywords are not the shapes JSON Schema gives them, so they cannot be crawled for their
    #: subschemas: left out of the registry (their `$ref`s are not followed, refs to them do not resolve).
    unreadable: set[str] = field(default_factory=set)
    #: The parts by path below `root`, when they come from a stored version rather than from files.
    stored: Mapping[str, Any] | None = None

    def add(self, uri: str, path: Path, document: Any) -> None:
        self.documents[uri] = (path, document)
        if not isinstance(document, dict):
            return  # check_form reports it
        _, resource = _resource(uri, document)
        registry = self.registry.with_resource(uri, resource)
        own_id = resource.id()
        if own_id and urldefrag(own_id)[0] != uri:
            registry = registry.with_resource(urldefrag(own_id)[0], resource)
        try:
            registry.crawl()
        except (AttributeError, TypeError, ValueError):  # `"properties": 1`: the meta-schema check reports it
            self.unreadable.add(uri)
            return
        self.registry = registry
        for ref, _ in _refs(document):
            target = urldefrag(urljoin(uri, ref))[0]
            if target in self.documents or not target.startswith(BASE_URI):
                continue
            part = self.root / target[len(BASE_URI):]
            if self.stored is not None:
                if target[len(BASE_URI):] in self.stored:
                    self.add(target, part, self.stored[target[len(BASE_URI):]])
                continue
            if not part.is_file():
                continue  # reported by check_refs with the $ref's pointer
            data, problems = read_json(part, str(part))
            self.problems += problems
            if data is not None:
                self.add(target, part, data)

    def check_refs(self) -> None:
        """Report every `$ref` in every reached document that does not resolve."""
        registry = self.registry.crawl()
        for uri, (path, document) in self.documents.items():
            if not isinstance(document, dict) or uri in self.unreadable:
                continue
            resolver = document_resolver(registry, uri)
            for ref, at in _refs(document):
                try:
                    resolver.lookup(ref)
                except Unresolvable:
                    self.problems.append(FormProblem(str(path), at, f"$ref {ref!r} does not resolve"))


def _refs(document: Any) -> list[tuple[str, str]]:
    return [
        (sub["$ref"], f"{at}/$ref") for sub, at in iter_subschemas(document) if isinstance(sub.get("$ref"), str)
    ]


def schema_hash(documents: Mapping[str, tuple[Path, Any]]) -> str:
    """SHA-256 over the form and every part it reaches: any change to what validates changes it."""
    content = {uri[len(BASE_URI):]: doc for uri, (_, doc) in documents.items()}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()
