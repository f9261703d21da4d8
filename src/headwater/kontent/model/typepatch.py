"""The path-based PATCH engine of content types and snippets (`addInto`, `remove`, `replace`, `move`).

Operations apply in order to an in-memory copy of the stored document; each is checked for its own
shape (path, value, anchors) and blamed by index. Whole-document rules (codenames, content groups,
element properties) are checked once afterwards by `elements.normalize`, so a request may pass through
states that are invalid on their own (e.g. remove every content group, then clear each element's
`content_group`). Nothing is stored unless every operation and the final document are valid.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from headwater.kontent import codenames, errors, references
from headwater.kontent.errors import KontentError
from headwater.kontent.model.elements import (
    CONTENT_TYPE,
    REF_LISTS,
    SNIPPET,
    STRING_LISTS,
    Catalog,
    find_element,
    fresh,
    fresh_option,
    prefixed,
    settable,
    snippet_prefix,
)
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import ids

Doc = dict[str, Any]
Fail = Callable[[str], KontentError]

NOT_FOUND = "The referenced object was not found."
OPS = {"addinto": "addInto", "remove": "remove", "replace": "replace", "move": "move"}


def split_path(path: str) -> list[str]:
    """Path segments; `\\/` inside a segment (an escaped slash in an external id) is a literal `/`."""
    segments: list[str] = []
    current: list[str] = []
    index = 1
    while index < len(path):
        char = path[index]
        if char == "\\" and path[index + 1 : index + 2] == "/":
            current.append("/")
            index += 2
            continue
        if char == "/":
            segments.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    segments.append("".join(current))
    return segments


def path_reference(segment: str) -> Reference | None:
    """`id:{uuid}`, `codename:{c}` or `external_id:{e}`; None when the segment is none of them."""
    prefix, sep, value = segment.partition(":")
    if not sep or not value:
        return None
    if prefix == "id":
        return Reference(id=ids.normalize_guid(value)) if ids.is_guid(value) else None
    if prefix == "codename":
        return Reference(codename=value)
    if prefix == "external_id":
        return Reference(external_id=value)
    return None


class TypePatch:
    """One PATCH request against one type or snippet document."""

    def __init__(self, owner: str, stored: Doc, catalog: Catalog) -> None:
        self.owner = owner
        self.doc = copy.deepcopy(stored)
        self.catalog = catalog

    def apply_all(self, operations: Any) -> Doc:
        if not isinstance(operations, list):
            raise errors.invalid("The request body must be an array of operations.")
        if not operations:
            raise errors.invalid("No patch operations were provided, provide at least one operation.")
        for index, operation in enumerate(operations):
            self.apply(index, operation)
        return self.doc

    # -- dispatch --------------------------------------------------------------------------------

    def apply(self, index: int, operation: Any) -> None:
        def fail(message: str) -> KontentError:
            return errors.invalid_operation(index, message)

        if not isinstance(operation, dict):
            raise fail("The operation must be a JSON object.")
        raw_op = operation.get("op")
        op = OPS.get(raw_op.lower()) if isinstance(raw_op, str) else None
        if op is None:
            raise fail(
                "The value of the 'op' property is missing or invalid. Use 'addInto', 'remove', 'replace' or 'move'."
            )
        path = operation.get("path")
        if not isinstance(path, str) or not path.startswith("/") or len(path) < 2:
            raise fail("The 'path' property is required and must start with '/', e.g. '/elements/codename:title'.")
        if op in ("addInto", "replace") and "value" not in operation:
            raise fail(f"The 'value' property is required for the '{op}' operation.")
        segments = split_path(path)
        getattr(self, f"_{op.lower()}")(segments, operation, fail)

    def _bad_path(self, op: str, segments: list[str], fail: Fail) -> KontentError:
        return fail(f"The path '/{'/'.join(segments)}' is not valid for the '{op}' operation.")

    # -- lookups ---------------------------------------------------------------------------------

    def _collection(self, name: str, fail: Fail) -> list[Any]:
        if name == "content_groups" and self.owner == SNIPPET:
            raise fail("Content type snippets cannot contain content groups.")
        items = self.doc.setdefault(name, [])
        assert isinstance(items, list)
        return items

    def _prefix(self, collection: str = "elements") -> str:
        """The current snippet prefix for element codenames (empty for types and other collections).

        Taken from the document as patched so far, so it follows a `/codename` replaced earlier in the
        same request.
        """
        if self.owner != SNIPPET or collection != "elements":
            return ""
        return snippet_prefix(self.doc.get("codename"))

    def _find(self, items: list[Any], segment: str, fail: Fail, prefix: str = "") -> Doc:
        """The item a path reference names; with a snippet `prefix`, `codename:title` also finds
        `{snippet}__title`, as the snippet element codenames may be written without it."""
        ref = path_reference(segment)
        if ref is None:
            raise fail(
                f"The path reference '{segment}' is invalid. Use 'id:{{id}}', 'codename:{{codename}}' or "
                "'external_id:{external_id}'."
            )
        found = find_element(items, ref, prefix)
        if found is None:
            raise fail(NOT_FOUND)
        return found

    def _element(self, segment: str, fail: Fail) -> Doc:
        return self._find(self._collection("elements", fail), segment, fail, self._prefix())

    def _anchor(
        self, items: list[Any], operation: Doc, fail: Fail, *, required: bool, prefix: str = ""
    ) -> tuple[Doc, int] | None:
        """The `before`/`after` neighbour among `items` and the insertion offset relative to it."""
        placed = references.placement(operation, fail, required=required)
        if placed is None:
            return None
        _, raw, offset = placed
        try:
            ref = Reference.parse(raw)
        except InvalidReference as exc:
            raise fail(exc.message) from None
        found = find_element(items, ref, prefix)
        if found is None:
            raise fail(NOT_FOUND)
        return found, offset

    @staticmethod
    def _insert(items: list[Any], item: Any, anchor: tuple[Doc, int] | None) -> None:
        if anchor is None:
            items.append(item)
            return
        neighbour, offset = anchor
        items.insert(next(i for i, x in enumerate(items) if x is neighbour) + offset, item)

    # -- addInto ---------------------------------------------------------------------------------

    def _addinto(self, segments: list[str], operation: Doc, fail: Fail) -> None:
        value = operation["value"]
        if segments in (["elements"], ["content_groups"]):
            items = self._collection(segments[0], fail)
            if not isinstance(value, dict):
                what = "an element" if segments[0] == "elements" else "a content group"
                raise fail(f"The 'value' property must be {what} object.")
            item = fresh(value, element=segments[0] == "elements")
            self._name_new(item, items, element=segments[0] == "elements")
            anchor = self._anchor(items, operation, fail, required=False, prefix=self._prefix(segments[0]))
            self._insert(items, item, anchor)
            return
        if len(segments) != 3 or segments[0] != "elements":
            raise self._bad_path("addInto", segments, fail)
        element, prop = self._element(segments[1], fail), segments[2]
        kind = element.get("type")
        current = element.setdefault(prop, [])
        if not isinstance(current, list):
            raise fail(f"The '{prop}' property of the element is not an array.")
        if prop == "options" and kind == "multiple_choice":
            options = current
            if not isinstance(value, dict):
                raise fail("The 'value' property must be a multiple choice option object.")
            option = fresh_option(value)
            self._name_new(option, options, element=False)
            self._insert(options, option, self._anchor(options, operation, fail, required=False))
        elif prop in REF_LISTS and prop in settable(str(kind)):
            try:
                Reference.parse(value)
            except InvalidReference as exc:
                raise fail(exc.message) from None
            current.append(value)
        elif prop in STRING_LISTS and prop in settable(str(kind)):
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise fail("The 'value' property must be a string or an array of strings.")
            current.extend(v for v in values if v not in current)
            if set(STRING_LISTS[prop]) <= {v for v in current if isinstance(v, str)}:
                raise fail(
                    "Cannot add the last allowed limitation type. Remove all limitation types in order to create a "
                    "rich-text element without any limitations."
                )
        else:
            raise fail(f"Cannot add into '{prop}' of a {kind} element.")

    def _name_new(self, item: Doc, siblings: list[Any], *, element: bool) -> None:
        """Give an added object its stored codename now (generated, or prefixed in a snippet), so later
        operations can address it by codename."""
        prefix = self._prefix() if element else ""
        codename = item.get("codename")
        if isinstance(codename, str):
            item["codename"] = prefixed(codename, prefix)
            return
        if codename is not None:
            return
        kind = item.get("type") if element else None
        if kind == "guidelines":
            item["codename"] = "n" + str(item["id"]).replace("-", "_")
            return
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or kind in ("snippet", "taxonomy"):
            return
        taken = {s["codename"] for s in siblings if isinstance(s, dict) and isinstance(s.get("codename"), str)}
        limit = codenames.MAX_LENGTH - len(prefix)
        item["codename"] = prefix + codenames.generate(name, lambda c: prefix + c in taken, str(item["id"]), limit)

    # -- remove ----------------------------------------------------------------------------------

    def _remove(self, segments: list[str], operation: Doc, fail: Fail) -> None:
        if len(segments) == 2 and segments[0] in ("elements", "content_groups"):
            items = self._collection(segments[0], fail)
            items.remove(self._find(items, segments[1], fail, self._prefix(segments[0])))
            return
        if len(segments) == 4 and segments[0] == "elements":
            element, prop, item = self._element(segments[1], fail), segments[2], segments[3]
            values = element.get(prop)
            if prop == "options" and isinstance(values, list):
                values.remove(self._find(values, item, fail))
            elif prop in STRING_LISTS and isinstance(values, list):
                if item not in values:
                    raise fail(NOT_FOUND)
                values.remove(item)
            elif prop in REF_LISTS and isinstance(values, list):
                values.remove(self._list_ref(values, prop, item, fail))
            else:
                raise self._bad_path("remove", segments, fail)
            return
        raise self._bad_path("remove", segments, fail)

    def _list_ref(self, values: list[Any], prop: str, segment: str, fail: Fail) -> Any:
        """The entry of a reference list that a path reference names (entries may be `{id}` or as written)."""
        ref = path_reference(segment)
        if ref is None:
            raise fail(f"The path reference '{segment}' is invalid.")
        pool = self.doc.get("elements", []) if prop == "allowed_elements" else self.catalog.types
        named = find_element(pool, ref, self._prefix() if prop == "allowed_elements" else "")
        target = named.get("id") if named is not None else references.target_id(CONTENT_TYPE, ref)
        for value in values:
            if not isinstance(value, dict):
                continue
            if ref.matches(value) or (target is not None and value.get("id") == target):
                return value
            if named is not None and any(
                value.get(k) is not None and value.get(k) == named.get(k) for k in ("codename", "external_id")
            ):
                return value
        raise fail(NOT_FOUND)

    # -- replace ---------------------------------------------------------------------------------

    def _replace(self, segments: list[str], operation: Doc, fail: Fail) -> None:
        value = operation["value"]
        if len(segments) == 1:
            prop = segments[0]
            if prop == "external_id":
                raise fail("The external_id cannot be changed.")
            if prop not in ("name", "codename"):
                raise self._bad_path("replace", segments, fail)
            if prop == "codename" and self.owner == SNIPPET and isinstance(value, str):
                self._reprefix(str(self.doc.get("codename")), value)
            self.doc[prop] = value
            return
        if len(segments) == 3 and segments[0] == "content_groups":
            group = self._find(self._collection("content_groups", fail), segments[1], fail)
            self._set(group, segments[2], value, ("name", "codename"), fail)
            return
        if len(segments) == 3 and segments[0] == "elements":
            element = self._element(segments[1], fail)
            if segments[2] == "codename" and isinstance(value, str):
                value = prefixed(value, self._prefix())
            self._set(element, segments[2], value, settable(str(element.get("type"))), fail)
            return
        if len(segments) == 5 and segments[0] == "elements" and segments[2] == "options":
            options = self._element(segments[1], fail).get("options")
            if not isinstance(options, list):
                raise self._bad_path("replace", segments, fail)
            self._set(self._find(options, segments[3], fail), segments[4], value, ("name", "codename"), fail)
            return
        raise self._bad_path("replace", segments, fail)

    @staticmethod
    def _set(target: Doc, prop: str, value: Any, allowed: tuple[str, ...], fail: Fail) -> None:
        if prop in ("type", "external_id", "id"):
            raise fail(f"The '{prop}' property cannot be changed.")
        if prop not in allowed:
            raise fail(f"The property '{prop}' cannot be replaced here; replaceable properties are {list(allowed)}.")
        target[prop] = value

    def _reprefix(self, old: str, new: str) -> None:
        """A renamed snippet keeps its element codenames in step: `{old}__x` becomes `{new}__x`."""
        for element in self.doc.get("elements", []):
            codename = element.get("codename") if isinstance(element, dict) else None
            if isinstance(codename, str) and codename.startswith(f"{old}__"):
                element["codename"] = f"{new}__" + codename.removeprefix(f"{old}__")

    # -- move ------------------------------------------------------------------------------------

    def _move(self, segments: list[str], operation: Doc, fail: Fail) -> None:
        prefix = ""
        if len(segments) == 2 and segments[0] in ("elements", "content_groups"):
            items = self._collection(segments[0], fail)
            prefix = self._prefix(segments[0])
        elif len(segments) == 4 and segments[0] == "elements" and segments[2] == "options":
            options = self._element(segments[1], fail).get("options")
            if not isinstance(options, list):
                raise self._bad_path("move", segments, fail)
            items = options
        else:
            raise self._bad_path("move", segments, fail)
        item = self._find(items, segments[-1], fail, prefix)
        anchor = self._anchor(items, operation, fail, required=True, prefix=prefix)
        assert anchor is not None
        if anchor[0] is item:
            raise fail("An object cannot be moved before or after itself.")
        items.remove(item)
        self._insert(items, item, anchor)
