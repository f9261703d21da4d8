"""The rich text document model: which node may contain which, what each node's `data` must hold.

A `RichText` field value is a tree of `{nodeType, data, content}` nodes under one `document`; leaves are
`text` nodes `{nodeType: "text", value, marks: [{type}], data}`. Checked on every save, so a stored
document is always well formed; the field's own `enabledNodeTypes`/`enabledMarks`/`nodes` validations
run at publish time (`publishvalidation`).
"""

from __future__ import annotations

from typing import Any

Problem = dict[str, Any]
Path = list[str | int]

HEADINGS = tuple(f"heading-{n}" for n in range(1, 7))
HYPERLINKS = ("hyperlink", "entry-hyperlink", "asset-hyperlink", "resource-hyperlink")
INLINES = (*HYPERLINKS, "embedded-entry-inline", "embedded-resource-inline")
EMBEDDED_BLOCKS = ("embedded-entry-block", "embedded-asset-block", "embedded-resource-block")
LIST_ITEM_BLOCKS = ("paragraph", *HEADINGS, "ordered-list", "unordered-list", "hr", "blockquote", *EMBEDDED_BLOCKS)
TOP_LEVEL_BLOCKS = (*LIST_ITEM_BLOCKS, "table")
MARKS = ("bold", "italic", "underline", "code", "superscript", "subscript", "strikethrough")

# What each node type may contain; void nodes contain nothing.
CHILDREN: dict[str, tuple[str, ...]] = {
    "document": TOP_LEVEL_BLOCKS,
    "paragraph": ("text", *INLINES),
    **{heading: ("text", *INLINES) for heading in HEADINGS},
    "ordered-list": ("list-item",),
    "unordered-list": ("list-item",),
    "list-item": LIST_ITEM_BLOCKS,
    "blockquote": ("paragraph",),
    "table": ("table-row",),
    "table-row": ("table-cell", "table-header-cell"),
    "table-cell": ("paragraph",),
    "table-header-cell": ("paragraph",),
    **{link: ("text",) for link in HYPERLINKS},
    "hr": (),
    **{void: () for void in EMBEDDED_BLOCKS},
    "embedded-entry-inline": (),
    "embedded-resource-inline": (),
}
# Nodes whose `data.target` must link an entity of this type (a resource link: `ResourceLink`).
TARGETS: dict[str, str] = {
    "entry-hyperlink": "Entry",
    "embedded-entry-block": "Entry",
    "embedded-entry-inline": "Entry",
    "asset-hyperlink": "Asset",
    "embedded-asset-block": "Asset",
    "resource-hyperlink": "Resource",
    "embedded-resource-block": "Resource",
    "embedded-resource-inline": "Resource",
}
NODE_TYPES = tuple(CHILDREN)
MAX_DEPTH = 32


def check_document(value: Any, path: Path) -> list[Problem]:
    """Every problem of a rich text field value, with paths into the value."""
    if not isinstance(value, dict) or value.get("nodeType") != "document":
        return [
            {
                "name": "type",
                "value": value,
                "type": "RichText",
                "details": 'The type of "value" is incorrect, expected type: RichText',
                "path": path,
            }
        ]
    problems: list[Problem] = []
    _check_node(value, "document", path, problems, 0)
    return problems


def _check_node(node: dict[str, Any], node_type: str, path: Path, problems: list[Problem], depth: int) -> None:
    allowed_keys = {"nodeType", "data", "content"}
    for key in node:
        if key not in allowed_keys:
            problems.append(_unknown(key, [*path, key]))
    data = node.get("data")
    if not isinstance(data, dict):
        problems.append(_type("data", data, "Object", [*path, "data"]))
    else:
        _check_data(node_type, data, [*path, "data"], problems)
    content = node.get("content")
    if not isinstance(content, list):
        problems.append(_type("content", content, "Array", [*path, "content"]))
        return
    allowed = CHILDREN[node_type]
    if not allowed and content:
        problems.append(
            {
                "name": "size",
                "value": content,
                "max": 0,
                "details": f'Nodes of type "{node_type}" cannot have content',
                "path": [*path, "content"],
            }
        )
        return
    if depth >= MAX_DEPTH:
        problems.append({"name": "size", "details": "The document is nested too deeply", "path": path})
        return
    for index, child in enumerate(content):
        child_path = [*path, "content", index]
        if not isinstance(child, dict):
            problems.append(_type("content", child, "Object", child_path))
            continue
        child_type = child.get("nodeType")
        if child_type not in allowed:
            problems.append(
                {
                    "name": "in",
                    "value": child_type,
                    "expected": list(allowed),
                    "details": f"Value must be one of expected values: {', '.join(allowed)}",
                    "path": [*child_path, "nodeType"],
                }
            )
            continue
        if child_type == "text":
            _check_text(child, child_path, problems)
        else:
            _check_node(child, str(child_type), child_path, problems, depth + 1)


def _check_text(node: dict[str, Any], path: Path, problems: list[Problem]) -> None:
    for key in node:
        if key not in ("nodeType", "value", "marks", "data"):
            problems.append(_unknown(key, [*path, key]))
    if not isinstance(node.get("value"), str):
        problems.append(_type("value", node.get("value"), "Symbol", [*path, "value"]))
    if not isinstance(node.get("data"), dict):
        problems.append(_type("data", node.get("data"), "Object", [*path, "data"]))
    marks = node.get("marks")
    if not isinstance(marks, list):
        problems.append(_type("marks", marks, "Array", [*path, "marks"]))
        return
    for index, mark in enumerate(marks):
        mark_type = mark.get("type") if isinstance(mark, dict) else None
        if mark_type not in MARKS:
            problems.append(
                {
                    "name": "in",
                    "value": mark_type,
                    "expected": list(MARKS),
                    "details": f"Value must be one of expected values: {', '.join(MARKS)}",
                    "path": [*path, "marks", index, "type"],
                }
            )


def _check_data(node_type: str, data: dict[str, Any], path: Path, problems: list[Problem]) -> None:
    if node_type == "hyperlink":
        if not isinstance(data.get("uri"), str):
            problems.append(_type("uri", data.get("uri"), "Symbol", [*path, "uri"]))
        return
    expected = TARGETS.get(node_type)
    if expected is None:
        return
    target = data.get("target")
    if "target" not in data:
        problems.append({"name": "required", "details": 'The property "target" is required here', "path": [*path]})
        return
    target_sys = target.get("sys") if isinstance(target, dict) else None
    if expected == "Resource":
        valid = (
            isinstance(target_sys, dict)
            and target_sys.get("type") == "ResourceLink"
            and isinstance(target_sys.get("linkType"), str)
            and isinstance(target_sys.get("urn"), str)
        )
        kind = "ResourceLink"
    else:
        valid = (
            isinstance(target_sys, dict)
            and target_sys.get("type") == "Link"
            and target_sys.get("linkType") == expected
            and isinstance(target_sys.get("id"), str)
        )
        kind = "Link"
    if not valid:
        problems.append(_type("target", target, kind, [*path, "target"]))


def node_types(document: dict[str, Any]) -> list[tuple[str, Path]]:
    """Every node type in a (well-formed) document, with its path relative to the document."""
    found: list[tuple[str, Path]] = []

    def walk(node: Any, path: Path) -> None:
        if not isinstance(node, dict):
            return
        node_type = node.get("nodeType")
        if isinstance(node_type, str):
            found.append((node_type, path))
        for index, child in enumerate(node.get("content") or []):
            walk(child, [*path, "content", index])

    walk(document, [])
    return found


def _unknown(key: str, path: Path) -> Problem:
    return {"name": "unknown", "details": f'The property "{key}" is not allowed here.', "path": path}


def _type(name: str, value: Any, expected: str, path: Path) -> Problem:
    return {
        "name": "type",
        "value": value,
        "type": expected,
        "details": f'The type of "{name}" is incorrect, expected type: {expected}',
        "path": path,
    }
