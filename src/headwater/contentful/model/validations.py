"""Shape checks of field validations (NOTES §5.1) on a content type save.

Each validation object holds exactly one rule (plus an optional `message`); the rule must apply to the
field's type (a `range` on a Symbol is refused) and its payload must have the rule's shape. What the
rules mean for entry values is checked on entry publish, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.contentful.model.problems import (
    Path,
    Problem,
    is_integer,
    is_number,
    not_in,
    type_error,
    unexpected,
)

MIMETYPE_GROUPS = (
    "attachment",
    "plaintext",
    "image",
    "audio",
    "video",
    "richtext",
    "presentation",
    "spreadsheet",
    "pdfdocument",
    "archive",
    "code",
    "markup",
    "message",
)
NODE_TYPES = (
    "heading-1",
    "heading-2",
    "heading-3",
    "heading-4",
    "heading-5",
    "heading-6",
    "ordered-list",
    "unordered-list",
    "hr",
    "blockquote",
    "table",
    "embedded-entry-block",
    "embedded-asset-block",
    "embedded-resource-block",
    "hyperlink",
    "entry-hyperlink",
    "asset-hyperlink",
    "resource-hyperlink",
    "embedded-entry-inline",
    "embedded-resource-inline",
)
NODES_WITH_VALIDATIONS = (
    "embedded-entry-block",
    "embedded-entry-inline",
    "entry-hyperlink",
    "embedded-asset-block",
    "asset-hyperlink",
    "hyperlink",
)
RESOURCE_NODES = ("embedded-resource-block", "embedded-resource-inline", "resource-hyperlink")
MARKS = ("bold", "italic", "underline", "code", "superscript", "subscript", "strikethrough")

ENTRY_LINK = "Link:Entry"
ASSET_LINK = "Link:Asset"

# rule → the field kinds it applies to (a kind is the field type, or `Link:<linkType>` for links)
APPLIES_TO: dict[str, tuple[str, ...]] = {
    "size": ("Symbol", "Text", "Object", "Array", "RichText"),
    "range": ("Integer", "Number"),
    "in": ("Symbol", "Text", "Integer", "Number"),
    "regexp": ("Symbol", "Text"),
    "prohibitRegexp": ("Symbol", "Text"),
    "unique": ("Symbol", "Integer", "Number"),
    "dateRange": ("Date",),
    "linkContentType": (ENTRY_LINK,),
    "linkMimetypeGroup": (ASSET_LINK,),
    "assetFileSize": (ASSET_LINK,),
    "assetImageDimensions": (ASSET_LINK,),
    "enabledNodeTypes": ("RichText",),
    "enabledMarks": ("RichText",),
    "nodes": ("RichText",),
}
RULES = tuple(APPLIES_TO)


def check(validations: Any, kind: str, path: Path, problems: list[Problem]) -> list[Any]:
    """The field's (or its `items`') validations, checked for `kind`; problems are appended."""
    if validations is None:
        return []
    if not isinstance(validations, list):
        problems.append(type_error(path, validations, "Array"))
        return []
    for index, validation in enumerate(validations):
        _check_one(validation, kind, [*path, index], problems)
    return validations


def _check_one(validation: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    if not isinstance(validation, dict):
        problems.append(type_error(path, validation, "Object"))
        return
    rules = [key for key in validation if key != "message"]
    if not rules:
        problems.append(not_in(path, validation, list(RULES)))
        return
    message = validation.get("message")
    if message is not None and not isinstance(message, str):
        problems.append(type_error([*path, "message"], message, "Symbol"))
    for position, rule in enumerate(rules):
        if position > 0 or rule not in APPLIES_TO or kind not in APPLIES_TO[rule]:
            problems.append(unexpected([*path, rule]))
            continue
        _PAYLOADS[rule](validation[rule], kind, [*path, rule], problems)


# -- payload shapes --------------------------------------------------------------------------------


def _bounds(value: Any, kind: str, path: Path, problems: list[Problem], keys: tuple[str, ...] = ("min", "max")) -> None:
    """`{min?, max?}` numbers (or null); other keys are unexpected."""
    if not isinstance(value, dict):
        problems.append(type_error(path, value, "Object"))
        return
    for key, bound in value.items():
        if key not in keys:
            problems.append(unexpected([*path, key]))
        elif bound is not None and not is_number(bound):
            problems.append(type_error([*path, key], bound, "Number"))


def _in(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    if not isinstance(value, list):
        problems.append(type_error(path, value, "Array"))
        return
    expected, test = _ELEMENT_TESTS.get(kind, ("Symbol", _is_string))
    for index, element in enumerate(value):
        if not test(element):
            problems.append(type_error([*path, index], element, expected))


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


_ELEMENT_TESTS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "Integer": ("Integer", is_integer),
    "Number": ("Number", is_number),
}


def _pattern(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    if not isinstance(value, dict):
        problems.append(type_error(path, value, "Object"))
        return
    if not isinstance(value.get("pattern"), str):
        problems.append(type_error([*path, "pattern"], value.get("pattern"), "Symbol"))
    flags = value.get("flags")
    if flags is not None and not isinstance(flags, str):
        problems.append(type_error([*path, "flags"], flags, "Symbol"))
    for key in value:
        if key not in ("pattern", "flags"):
            problems.append(unexpected([*path, key]))


def _unique(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    if not isinstance(value, bool):
        problems.append(type_error(path, value, "Boolean"))


def _date_range(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    if not isinstance(value, dict):
        problems.append(type_error(path, value, "Object"))
        return
    for key, bound in value.items():
        if key not in ("min", "max", "before", "after"):
            problems.append(unexpected([*path, key]))
        elif bound is not None and not isinstance(bound, str):
            problems.append(type_error([*path, key], bound, "Date"))


def _symbols(value: Any, path: Path, problems: list[Problem], allowed: tuple[str, ...] | None = None) -> None:
    if not isinstance(value, list):
        problems.append(type_error(path, value, "Array"))
        return
    for index, element in enumerate(value):
        if not isinstance(element, str):
            problems.append(type_error([*path, index], element, "Symbol"))
        elif allowed is not None and element not in allowed:
            problems.append(not_in([*path, index], element, list(allowed)))


def _content_types(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    _symbols(value, path, problems)


def _mimetype_groups(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    _symbols(value, path, problems, MIMETYPE_GROUPS)


def _node_types(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    _symbols(value, path, problems, NODE_TYPES)


def _marks(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    _symbols(value, path, problems, MARKS)


def _dimensions(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    if not isinstance(value, dict):
        problems.append(type_error(path, value, "Object"))
        return
    for key, bounds in value.items():
        if key not in ("width", "height"):
            problems.append(unexpected([*path, key]))
        elif bounds is not None:
            _bounds(bounds, kind, [*path, key], problems)


def _nodes(value: Any, kind: str, path: Path, problems: list[Problem]) -> None:
    """Per node type: a list of `size`/`linkContentType` validations; resource nodes take
    `{validations, allowedResources}`."""
    if not isinstance(value, dict):
        problems.append(type_error(path, value, "Object"))
        return
    for node_type, node_rules in value.items():
        node_path: Path = [*path, node_type]
        if node_type in RESOURCE_NODES:
            _resource_node(node_rules, node_path, problems)
        elif node_type in NODES_WITH_VALIDATIONS:
            _node_validations(node_rules, node_type, node_path, problems)
        else:
            problems.append(unexpected(node_path))


def _node_validations(value: Any, node_type: str, path: Path, problems: list[Problem]) -> None:
    if not isinstance(value, list):
        problems.append(type_error(path, value, "Array"))
        return
    allowed = ("size", "linkContentType") if "entry" in node_type else ("size",)
    for index, validation in enumerate(value):
        item_path: Path = [*path, index]
        if not isinstance(validation, dict):
            problems.append(type_error(item_path, validation, "Object"))
            continue
        for key, rule in validation.items():
            if key == "size":
                _bounds(rule, "Array", [*item_path, key], problems)
            elif key == "linkContentType" and key in allowed:
                _symbols(rule, [*item_path, key], problems)
            elif key == "message":
                if rule is not None and not isinstance(rule, str):
                    problems.append(type_error([*item_path, key], rule, "Symbol"))
            else:
                problems.append(unexpected([*item_path, key]))


def _resource_node(value: Any, path: Path, problems: list[Problem]) -> None:
    if isinstance(value, list):  # the plain form, like the other node types
        _node_validations(value, "resource", path, problems)
        return
    if not isinstance(value, dict):
        problems.append(type_error(path, value, "Object"))
        return
    for key, rule in value.items():
        if key == "validations":
            _node_validations(rule, "resource", [*path, key], problems)
        elif key == "allowedResources":
            if not isinstance(rule, list):
                problems.append(type_error([*path, key], rule, "Array"))
        else:
            problems.append(unexpected([*path, key]))


_PAYLOADS: dict[str, Callable[[Any, str, Path, list[Problem]], None]] = {
    "size": _bounds,
    "range": _bounds,
    "in": _in,
    "regexp": _pattern,
    "prohibitRegexp": _pattern,
    "unique": _unique,
    "dateRange": _date_range,
    "linkContentType": _content_types,
    "linkMimetypeGroup": _mimetype_groups,
    "assetFileSize": _bounds,
    "assetImageDimensions": _dimensions,
    "enabledNodeTypes": _node_types,
    "enabledMarks": _marks,
    "nodes": _nodes,
}
