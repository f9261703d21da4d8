"""RFC 6902 JSON Patch applied to a JSON document (the wire entry `{fields, metadata}`).

Operations run in order on a copy; any failure (bad operation, missing path, failed `test`) refuses the
whole patch, so nothing is half applied. Pointers follow RFC 6901 (`~1` is `/`, `~0` is `~`).
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec

from headwater.contentful.errors import ContentfulError

OPERATIONS = ("add", "remove", "replace", "move", "copy", "test")


class PatchError(Exception):
    pass


def patch_failed(message: str) -> ContentfulError:
    return ContentfulError(422, "UnprocessableEntity", f"The JSON patch could not be applied: {message}")


def invalid_patch(message: str) -> ContentfulError:
    return ContentfulError(400, "BadRequest", f"Invalid JSON patch: {message}")


def apply(document: Any, operations: Any, max_bytes: int) -> Any:
    """The patched copy of `document` (400 for a malformed patch, 422 when it cannot be applied).
    `copy` is the one operation that grows a document beyond what the request carried, so after each
    one the result must still encode within `max_bytes` (repeated copies would otherwise double it)."""
    if not isinstance(operations, list):
        raise invalid_patch("the body must be an array of operations")
    for index, op in enumerate(operations):
        if not isinstance(op, dict) or op.get("op") not in OPERATIONS or not isinstance(op.get("path"), str):
            raise invalid_patch(f"operation {index} needs an `op` (one of {', '.join(OPERATIONS)}) and a `path`")
        if op["op"] in ("add", "replace", "test") and "value" not in op:
            raise invalid_patch(f"operation {index} ({op['op']}) needs a `value`")
        if op["op"] in ("move", "copy") and not isinstance(op.get("from"), str):
            raise invalid_patch(f"operation {index} ({op['op']}) needs a `from` pointer")
    result = copy.deepcopy(document)
    for index, op in enumerate(operations):
        try:
            result = _apply_one(result, op)
            if op["op"] == "copy" and len(msgspec.json.encode(result)) > max_bytes:
                raise PatchError(f"the result would be larger than {max_bytes} bytes")
        except PatchError as exc:
            raise patch_failed(f"operation {index} ({op['op']} {op['path']}): {exc}") from None
    return result


def parse_pointer(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f"'{pointer}' is not a JSON pointer")
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def _apply_one(doc: Any, op: dict[str, Any]) -> Any:
    kind = op["op"]
    path = parse_pointer(op["path"])
    if kind == "add":
        return _add(doc, path, copy.deepcopy(op["value"]))
    if kind == "remove":
        return _remove(doc, path)[0]
    if kind == "replace":
        doc = _remove(doc, path)[0] if path else doc
        return _add(doc, path, copy.deepcopy(op["value"])) if path else copy.deepcopy(op["value"])
    if kind == "test":
        if _get(doc, path) != op["value"] or type(_get(doc, path)) is not type(op["value"]):
            raise PatchError("the value does not match")
        return doc
    source = parse_pointer(op["from"])
    if kind == "move":
        if path[: len(source)] == source and len(path) > len(source):
            raise PatchError("cannot move a value into itself")
        doc, value = _remove(doc, source)
        return _add(doc, path, value)
    return _add(doc, path, copy.deepcopy(_get(doc, source)))  # copy


def _get(doc: Any, path: list[str]) -> Any:
    node = doc
    for part in path:
        if isinstance(node, dict):
            if part not in node:
                raise PatchError(f"'{part}' does not exist")
            node = node[part]
        elif isinstance(node, list):
            node = node[_index(node, part, allow_end=False)]
        else:
            raise PatchError(f"'{part}' does not exist")
    return node


def _add(doc: Any, path: list[str], value: Any) -> Any:
    if not path:
        return value
    parent = _get(doc, path[:-1])
    last = path[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            parent.insert(_index(parent, last, allow_end=True), value)
    else:
        raise PatchError(f"cannot add '{last}' to a scalar")
    return doc


def _remove(doc: Any, path: list[str]) -> tuple[Any, Any]:
    if not path:
        raise PatchError("cannot remove the whole document")
    parent = _get(doc, path[:-1])
    last = path[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PatchError(f"'{last}' does not exist")
        return doc, parent.pop(last)
    if isinstance(parent, list):
        return doc, parent.pop(_index(parent, last, allow_end=False))
    raise PatchError(f"'{last}' does not exist")


def _index(array: list[Any], part: str, *, allow_end: bool) -> int:
    if not part.isdigit() or (len(part) > 1 and part.startswith("0")):
        raise PatchError(f"'{part}' is not an array index")
    index = int(part)
    if index > len(array) or (index == len(array) and not allow_end):
        raise PatchError(f"index {index} is out of range")
    return index
