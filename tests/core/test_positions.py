"""Line and column of JSON Pointers in a file's text: every value is found, at its key or at itself."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from core.positions import json_positions, place
from core.schema import escape

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


def pointers(value: Any, at: str = "") -> dict[str, Any]:
    found = {at: value}
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found |= pointers(item, f"{at}/{escape(str(key))}")
    return found


def text_at(text: str, line: int, column: int) -> str:
    lines = re.split(r"(?<=\n)|(?<=\r)(?!\n)", text)  # line breaks as in JSON text: \n, \r\n and \r only
    return "".join(lines[line - 1:])[column - 1:]


@given(JSON, st.sampled_from([None, 2]), st.booleans())
def test_every_pointer_is_at_its_key_or_its_value(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    places = json_positions(text)
    expected = pointers(value)
    assert set(places) == set(expected)
    for pointer, (line, column) in places.items():
        rest = text_at(text, line, column)
        key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        parent = expected[pointer.rsplit("/", 1)[0]] if pointer else None
        if isinstance(parent, dict):
            assert rest.startswith(json.dumps(key, ensure_ascii=ascii_only)), (pointer, rest)
        else:
            assert json.JSONDecoder().raw_decode(rest)[0] == expected[pointer], (pointer, rest)


def test_lines_and_columns_count_as_an_editor_does() -> None:
    text = '{\r\n  "a/b": [1,\n    {"ä~": "x"}],\n\t"c": null}'
    places = json_positions(text)
    assert places == {"": (1, 1), "/a~1b": (2, 3), "/a~1b/0": (2, 11), "/a~1b/1": (3, 5),
                      "/a~1b/1/ä~0": (3, 6), "/c": (4, 2)}
    assert place(places, "/a~1b/1/missing/deeper") == (3, 5)
    assert place(places, "/nothing") == (1, 1)
    assert place({}, "/x") == (1, 1)
