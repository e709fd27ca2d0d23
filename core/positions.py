"""Where a JSON Pointer is in a file's text: line and column, as an editor counts them (from 1, in characters).

`json_positions` scans well-formed JSON (what `json.loads` accepted) once and gives the place of every
value: an object's member at its key, an array's item at the item. `place` finds a pointer there, or the
nearest place above it that the file has (a missing `/title` is placed at the object that lacks it)."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from core.forms import BASE_URI, Form, FormProblem
from core.schema import escape, unescape

Place = tuple[int, int]

_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


class _Scanner:
    """One pass over the text, recording where each value starts."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0
        self.lines = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self.places: dict[str, Place] = {}

    def place(self, offset: int) -> Place:
        line = bisect.bisect_right(self.lines, offset)
        return line, offset - self.lines[line - 1] + 1

    def skip(self) -> None:
        self.at = _SPACE.match(self.text, self.at).end()  # type: ignore[union-attr]

    def value(self, pointer: str, start: int | None = None) -> None:
        """The value at the scanner, recorded at `pointer` (at `start` when given: a member's key)."""
        self.skip()
        self.places[pointer] = self.place(self.at if start is None else start)
        char = self.text[self.at:self.at + 1]
        if char == "{":
            self.members(pointer)
        elif char == "[":
            self.items(pointer)
        else:
            found = (_STRING if char == '"' else _SCALAR).match(self.text, self.at)
            if found is None:
                raise ValueError(f"not JSON at line {self.place(self.at)[0]}")
            self.at = found.end()

    def members(self, pointer: str) -> None:
        self.at += 1
        self.skip()
        while self.text[self.at] != "}":
            key = _STRING.match(self.text, self.at)
            if key is None:
                raise ValueError(f"not JSON at line {self.place(self.at)[0]}")
            self.at = key.end()
            self.skip()
            self.at += 1  # the colon
            self.value(f"{pointer}/{escape(json.loads(key.group()))}", start=key.start())
            self.skip()
            if self.text[self.at] == ",":
                self.at += 1
                self.skip()
        self.at += 1

    def items(self, pointer: str) -> None:
        self.at += 1
        self.skip()
        index = 0
        while self.text[self.at] != "]":
            self.value(f"{pointer}/{index}")
            index += 1
            self.skip()
            if self.text[self.at] == ",":
                self.at += 1
                self.skip()
        self.at += 1


def json_positions(text: str) -> dict[str, Place]:
    """The place of every JSON Pointer of a well-formed JSON text; ValueError (or IndexError) if it is not."""
    scanner = _Scanner(text)
    scanner.value("")
    return scanner.places


def place(places: Mapping[str, Place], pointer: str) -> Place:
    """Where `pointer` is, else where the nearest pointer above it that the file has is; (1, 1) at worst."""
    while pointer and pointer not in places:
        pointer = pointer.rsplit("/", 1)[0]
    return places.get(pointer, (1, 1))


def located(problems: Iterable[FormProblem]) -> list[FormProblem]:
    """Each problem with the line and column of its pointer in its file; those already placed, and those of
    files that are not JSON, as they are."""
    scanned: dict[str, Mapping[str, Place] | None] = {}
    found = []
    for problem in problems:
        if problem.path not in scanned:
            try:
                scanned[problem.path] = json_positions(Path(problem.path).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError, IndexError):
                scanned[problem.path] = None
        places = scanned[problem.path]
        if problem.line or places is None:
            found.append(problem)
            continue
        line, column = place(places, problem.pointer)
        found.append(replace(problem, line=line, column=column))
    return found


def schema_place(form: Form, pointer: str) -> tuple[str, str]:
    """The file, and the pointer in it, of the schema that asks the answer at `pointer` (`-` or a number is a
    list's item): through `properties`, `items`, the branches that add properties, and `$ref`s into shared
    parts. As far as the schema goes, when it goes no further."""
    uri, at, node = form.uri, "", form.document
    for token in pointer.split("/")[1:]:
        step = _step(node, unescape(token))
        for _ in range(32):  # a `$ref` (to a `$ref`...) when the node itself does not ask it
            if step is not None or not isinstance(node.get("$ref"), str):
                break
            target, fragment = urldefrag(urljoin(uri, node["$ref"]))
            contents = _pointed(form.registry.contents(target), fragment) if target in form.registry else None
            if not isinstance(contents, dict) or (fragment and not fragment.startswith("/")):
                break
            uri, at, node = target, fragment, contents
            step = _step(node, unescape(token))
        if step is None:
            break
        at, node = at + step[0], step[1]
    return str(form.path.parent / uri[len(BASE_URI):]) if uri != form.uri else str(form.path), at


def _pointed(document: Any, fragment: str) -> Any:
    for token in fragment.split("/")[1:]:
        document = document.get(unescape(token)) if isinstance(document, dict) else (
            document[int(token)] if isinstance(document, list) and token.isdigit() and int(token) < len(document)
            else None)
    return document


def _step(node: Any, key: str) -> tuple[str, dict[str, Any]] | None:
    """The relative pointer and the schema that asks `key` (an item for `-` or a number) in `node`."""
    if not isinstance(node, dict):
        return None
    props, items = node.get("properties"), node.get("items")
    if isinstance(props, dict) and isinstance(props.get(key), dict):
        return f"/properties/{escape(key)}", props[key]
    if (key == "-" or key.isdigit()) and isinstance(items, dict):
        return "/items", items
    for keyword in ("allOf", "oneOf", "anyOf", "then", "else"):
        branches = node.get(keyword)
        for i, branch in (enumerate(branches) if isinstance(branches, list) else [("", branches)]):
            found = _step(branch, key) if isinstance(branch, dict) and "$ref" not in branch else None
            if found is not None:
                return f"/{keyword}{'' if i == '' else f'/{i}'}{found[0]}", found[1]
    return None
