"""`details.errors[]` items of a 422 `ValidationFailed` on a content type or editor interface save.

Paths are arrays (`["fields", 0, "type"]`), names are the hosted vocabulary (`required`, `type`, `in`,
`unexpected`, `size`, …); an `in` lists its `expected` values sorted.
"""

from __future__ import annotations

from typing import Any

Path = list[str | int]
Problem = dict[str, Any]

TYPE_NAMES = {bool: "Boolean", int: "Integer", float: "Number", str: "Symbol", list: "Array", dict: "Object"}


def required(path: Path) -> Problem:
    return {"name": "required", "details": f'The property "{path[-1]}" is required here', "path": path}


def type_error(path: Path, value: Any, expected: str) -> Problem:
    return {
        "name": "type",
        "type": expected,
        "value": value,
        "details": f'The type of "value" is incorrect, expected type: {expected}',
        "path": path,
    }


def not_in(path: Path, value: Any, expected: list[Any]) -> Problem:
    return {
        "name": "in",
        "details": "Value must be one of expected values",
        "path": path,
        "value": value,
        "expected": sorted(expected, key=str),
    }


def unexpected(path: Path) -> Problem:
    return {"name": "unexpected", "details": f'The property "{path[-1]}" is not expected', "path": path}


def size(path: Path, value: Any, *, min: int | None = None, max: int | None = None) -> Problem:
    out: Problem = {"name": "size"}
    if min is not None:
        out["min"] = min
    if max is not None:
        out["max"] = max
    bound = f"at least {min}" if max is None else f"at most {max}" if min is None else f"between {min} and {max}"
    out.update({"path": path, "details": f"Size must be {bound}", "value": value})
    return out


def regexp(path: Path, value: Any, pattern: str) -> Problem:
    return {"name": "regexp", "details": f"Does not match /{pattern}/", "path": path, "value": value}


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
