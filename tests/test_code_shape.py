"""The shape of the code a newcomer reads: short functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for pkg in ("lomake", "web", "renderer", "submission", "core")
                 for p in (ROOT / pkg).rglob("*.py")) + [ROOT / "server.py"]
#: The longest a function may be, from its `def` (or first decorator) to its last line, docstring included.
MOST_LINES = 50


def long_functions(source: str, shown: str) -> list[str]:
    """`file:line name (n lines)` for every function longer than `MOST_LINES`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = (node.end_lineno or node.lineno) - first + 1
            if lines > MOST_LINES:
                found.append(f"{shown}:{node.lineno} {node.name} ({lines} lines)")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_is_over_fifty_lines(path: Path) -> None:
    assert long_functions(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


def test_long_functions_are_found() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(49))
    assert long_functions(f"def short():\n{body}", "s.py") == []
    assert long_functions(f"@decorated\ndef long():\n{body}    return 1\n", "s.py") == ["s.py:2 long (52 lines)"]
