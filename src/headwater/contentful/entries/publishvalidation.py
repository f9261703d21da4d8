"""Publish-time checks of an entry: the content type's field validations, then its links.

Field validations run only when an entry is published (the hosted API saves invalid drafts): 422
`ValidationFailed` lists every failure, each named after its validation (`required`, `size`, `range`,
`in`, `regexp`, `prohibitRegexp`, `dateRange`, `unique`, `linkContentType`, `linkMimetypeGroup`,
`assetFileSize`, `assetImageDimensions`, `enabledNodeTypes`, `enabledMarks`, `nodes`). Links to entries
or assets that do not exist make it 422 `UnresolvedLinks` (`notResolvable`); links to drafts are fine
(the delivery API leaves them unresolved).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import msgspec

from headwater.contentful import errors
from headwater.contentful.entries import richtext
from headwater.contentful.entries.context import ContentType, Locales
from headwater.contentful.errors import ContentfulError
from headwater.contentful.search.index import epoch_seconds
from headwater.storage import cfentities
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import Connection

Doc = dict[str, Any]
Problem = dict[str, Any]
Path = list[str | int]

MAX_LENGTH = {"Symbol": 256, "Text": 50_000}
# MIME type prefixes or exact types of each `linkMimetypeGroup` group.
MIME_GROUPS: dict[str, tuple[str, ...]] = {
    "image": ("image/",),
    "audio": ("audio/",),
    "video": ("video/",),
    "plaintext": ("text/plain",),
    "richtext": (
        "application/rtf",
        "text/rtf",
        "application/msword",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.openxmlformats-officedocument.wordprocessingml",
    ),
    "presentation": (
        "application/vnd.ms-powerpoint",
        "application/vnd.oasis.opendocument.presentation",
        "application/vnd.openxmlformats-officedocument.presentationml",
        "application/vnd.apple.keynote",
    ),
    "spreadsheet": (
        "application/vnd.ms-excel",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml",
        "text/csv",
        "application/vnd.apple.numbers",
    ),
    "pdfdocument": ("application/pdf",),
    "archive": (
        "application/zip",
        "application/x-zip",
        "application/x-tar",
        "application/gzip",
        "application/x-gzip",
        "application/x-7z-compressed",
        "application/x-rar",
        "application/vnd.rar",
        "application/x-bzip2",
    ),
    "code": (
        "text/javascript",
        "application/javascript",
        "application/json",
        "text/x-python",
        "text/x-c",
        "application/x-sh",
        "text/x-java",
    ),
    "markup": ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/markdown"),
    "message": ("message/",),
}


def unresolved_links(problems: list[Problem]) -> ContentfulError:
    return ContentfulError(422, "UnresolvedLinks", "Validation error", {"errors": problems})


@dataclass(slots=True)
class Checker:
    """One publish check; `links` collects every entity link met, for the resolution pass."""

    conn: Connection
    env_pk: str
    entry: StoredEntity
    content_type: ContentType
    locales: Locales
    publishing: set[str] | None
    problems: list[Problem] = field(default_factory=list)
    links: list[tuple[Doc, Path]] = field(default_factory=list)
    _entities: dict[tuple[str, str], StoredEntity | None] = field(default_factory=dict)


async def check_publishable(
    conn: Connection,
    env_pk: str,
    entry: StoredEntity,
    content_type: ContentType,
    locales: Locales,
    fields: Doc,
    publishing: set[str] | None = None,
) -> None:
    """Raise 422 when the entry (wire `fields`) may not be published. With locale-based publishing,
    `publishing` names the locales (wire codes) that will be published: only they must be complete."""
    checker = Checker(conn, env_pk, entry, content_type, locales, publishing)
    for ct_field in content_type.fields:
        field_id = str(ct_field.get("id"))
        for locale, value in (fields.get(field_id) or {}).items():
            if value is not None:
                _collect_links(checker, ct_field, value, ["fields", field_id, locale])
    await _prefetch(checker)
    for ct_field in content_type.fields:
        field_id = str(ct_field.get("id"))
        per_locale = fields.get(field_id) or {}
        _required(checker, ct_field, field_id, per_locale)
        for locale, value in per_locale.items():
            if value is not None:
                await _check_value(checker, ct_field, value, ["fields", field_id, locale], locale)
    if checker.problems:
        raise errors.validation_failed(checker.problems)
    missing: list[Problem] = []
    for link, path in checker.links:
        if not (_is_link(link, "Entry") or _is_link(link, "Asset")):
            continue
        if await _resolve(checker, link["sys"]["linkType"], link["sys"]["id"]) is None:
            missing.append({"name": "notResolvable", "link": _plain_link(link), "path": path})
    if missing:
        raise unresolved_links(missing)


def _required(checker: Checker, ct_field: Doc, field_id: str, per_locale: Doc) -> None:
    if not ct_field.get("required"):
        return
    present = {locale for locale, value in per_locale.items() if value is not None}
    wanted = [checker.locales.default]
    if ct_field.get("localized"):
        wanted += [
            c for c in checker.locales.codes if c != checker.locales.default and c not in checker.locales.optional
        ]
    if checker.publishing is not None:
        wanted = [c for c in wanted if c in checker.publishing]
    missing = [c for c in wanted if c not in present]
    if not missing:
        return
    details = f'The property "{field_id}" is required here'
    if not present:
        checker.problems.append({"name": "required", "path": ["fields", field_id], "details": details})
        return
    for locale in missing:
        checker.problems.append({"name": "required", "path": ["fields", field_id, locale], "details": details})


def _collect_links(checker: Checker, ct_field: Doc, value: Any, path: Path) -> None:
    kind = ct_field.get("type")
    if kind == "Link" and isinstance(value, dict):
        checker.links.append((value, path))
    elif kind == "Array" and isinstance(value, list) and (ct_field.get("items") or {}).get("type") == "Link":
        for index, element in enumerate(value):
            if isinstance(element, dict):
                checker.links.append((element, [*path, index]))
    elif kind == "RichText" and isinstance(value, dict):
        for node_type, node_path in richtext.node_types(value):
            if richtext.TARGETS.get(node_type) in ("Entry", "Asset"):
                node = _node_at(value, node_path)
                target = (node.get("data") or {}).get("target")
                if isinstance(target, dict):
                    checker.links.append((target, [*path, *node_path, "data", "target"]))


async def _check_value(checker: Checker, ct_field: Doc, value: Any, path: Path, locale: str) -> None:
    _check_length(checker, ct_field, value, path)
    for validation in ct_field.get("validations") or []:
        if isinstance(validation, dict):
            await _apply(checker, ct_field, validation, value, path, locale)
    if ct_field.get("type") == "Array" and isinstance(value, list):
        items = ct_field.get("items") or {}
        for index, element in enumerate(value):
            _check_length(checker, items, element, [*path, index])
            for validation in items.get("validations") or []:
                if isinstance(validation, dict):
                    await _apply(checker, items, validation, element, [*path, index], locale)


def _check_length(checker: Checker, ct_field: Doc, value: Any, path: Path) -> None:
    """The data model's own caps: short text (`Symbol`) 256 characters, long text (`Text`) 50,000."""
    cap = MAX_LENGTH.get(str(ct_field.get("type")))
    if cap is not None and isinstance(value, str) and len(value) > cap:
        checker.problems.append(
            {"name": "size", "value": value, "max": cap, "details": _between(None, cap, "Size"), "path": path}
        )


async def _apply(checker: Checker, ct_field: Doc, validation: Doc, value: Any, path: Path, locale: str) -> None:
    message = validation.get("message")
    problem: Problem | None = None
    if "size" in validation:
        problem = _size(validation["size"], value)
    elif "range" in validation:
        problem = _range(validation["range"], value)
    elif "in" in validation:
        allowed = validation["in"] if isinstance(validation["in"], list) else []
        if value not in allowed:
            problem = {"name": "in", "expected": allowed, "details": "Value must be one of expected values"}
    elif "regexp" in validation or "prohibitRegexp" in validation:
        problem = _regexp(validation, value)
    elif "dateRange" in validation:
        problem = _date_range(validation["dateRange"], value)
    elif validation.get("unique"):
        problem = await _unique(checker, ct_field, value, path, locale)
    elif "linkContentType" in validation:
        problem = await _link_content_type(checker, validation["linkContentType"], value)
    elif "linkMimetypeGroup" in validation or "assetFileSize" in validation or "assetImageDimensions" in validation:
        problem = await _asset(checker, validation, value, locale)
    elif "enabledNodeTypes" in validation or "enabledMarks" in validation or "nodes" in validation:
        for rich_problem in await _rich_text(checker, validation, value):
            rich_problem["path"] = [*path, *rich_problem.pop("at")]
            if isinstance(message, str):
                rich_problem["customMessage"] = message
            checker.problems.append(rich_problem)
        return
    if problem is None:
        return
    out: Problem = {"name": problem.pop("name"), "value": value, **problem, "path": path}
    if isinstance(message, str):
        out["customMessage"] = message
    checker.problems.append(out)


def _bounds(spec: Any) -> tuple[float | None, float | None]:
    if not isinstance(spec, dict):
        return None, None
    low, high = spec.get("min"), spec.get("max")
    return (
        low if isinstance(low, int | float) and not isinstance(low, bool) else None,
        high if isinstance(high, int | float) and not isinstance(high, bool) else None,
    )


def _between(low: float | None, high: float | None, noun: str) -> str:
    if low is not None and high is not None:
        return f"{noun} must be between {low:g} and {high:g}"
    if low is not None:
        return f"{noun} must be at least {low:g}"
    return f"{noun} must be at most {high:g}"


def _size(spec: Any, value: Any) -> Problem | None:
    low, high = _bounds(spec)
    if isinstance(value, str | list):
        size = len(value)
    elif isinstance(value, dict) and value.get("nodeType") == "document":
        size = len(value.get("content") or [])
    elif isinstance(value, dict):
        size = len(value)
    else:
        return None
    if (low is not None and size < low) or (high is not None and size > high):
        return {"name": "size", **_limits(spec), "details": _between(low, high, "Size")}
    return None


def _range(spec: Any, value: Any) -> Problem | None:
    low, high = _bounds(spec)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        return {"name": "range", **_limits(spec), "details": _between(low, high, "Value")}
    return None


def _limits(spec: Any) -> Doc:
    return {k: spec[k] for k in ("min", "max") if isinstance(spec, dict) and k in spec}


def _regexp(validation: Doc, value: Any) -> Problem | None:
    name = "regexp" if "regexp" in validation else "prohibitRegexp"
    spec = validation[name]
    if not isinstance(value, str) or not isinstance(spec, dict) or not isinstance(spec.get("pattern"), str):
        return None
    flags = 0
    for flag in str(spec.get("flags") or ""):
        flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}.get(flag, 0)
    try:
        found = re.search(spec["pattern"], value, flags) is not None
    except re.error:
        return None
    if found == (name == "regexp"):
        return None
    details = "Value does not match the expected format" if name == "regexp" else "Value matches a prohibited format"
    return {"name": name, "details": details}


def _date_range(spec: Any, value: Any) -> Problem | None:
    if not isinstance(value, str) or not isinstance(spec, dict):
        return None
    moment = epoch_seconds(value)
    if moment is None:
        return None
    low = epoch_seconds(spec["min"]) if isinstance(spec.get("min"), str) else None
    high = epoch_seconds(spec["max"]) if isinstance(spec.get("max"), str) else None
    if (low is not None and moment < low) or (high is not None and moment > high):
        bounds = {k: spec[k] for k in ("min", "max") if k in spec}
        if low is not None and high is not None:
            details = f"Date must be between {spec['min']} and {spec['max']}"
        elif low is not None:
            details = f"Date must be on or after {spec['min']}"
        else:
            details = f"Date must be on or before {spec['max']}"
        return {"name": "dateRange", **bounds, "details": details}
    return None


async def _unique(checker: Checker, ct_field: Doc, value: Any, path: Path, locale: str) -> Problem | None:
    """Another published entry of the same content type holding the same value in the same locale."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    field_id = str(path[1])
    internal = checker.locales.to_internal.get(locale, locale)
    # The indexed columns find the candidates; their published values decide.
    probe: str | float
    if isinstance(value, int | float):
        column, probe = "num_value", float(value)
    else:
        column, probe = "text_key", value[: cfentities.TEXT_KEY_LENGTH]
    rows = await checker.conn.fetchall(
        f"SELECT DISTINCT entity_id FROM cf_search WHERE env_pk = ? AND kind = ? AND content_type_id = ? "
        f"AND path = ? AND locale = ? AND {column} = ? AND entity_id <> ?",
        (
            checker.env_pk,
            cfentities.ENTRY,
            checker.content_type.id,
            f"fields.{field_id}",
            internal,
            probe,
            checker.entry.id,
        ),
    )
    candidates = await cfentities.get_many(checker.conn, checker.env_pk, cfentities.ENTRY, [str(r[0]) for r in rows])
    conflicting = []
    for other in candidates:
        if other.published_data is None:
            continue
        published = msgspec.json.decode(other.published_data).get("fields") or {}
        if (published.get(field_id) or {}).get(internal) == value:
            conflicting.append({"sys": {"type": "Link", "linkType": "Entry", "id": other.id}})
    if not conflicting:
        return None
    return {"name": "unique", "conflicting": conflicting, "details": "Same field value present in other entry"}


async def _prefetch(checker: Checker) -> None:
    """Load every linked entry and asset in one query per type (misses are remembered as None)."""
    for link_type, kind in (("Entry", cfentities.ENTRY), ("Asset", cfentities.ASSET)):
        wanted = sorted({link["sys"]["id"] for link, _ in checker.links if _is_link(link, link_type)})
        found = {e.id: e for e in await cfentities.get_many(checker.conn, checker.env_pk, kind, wanted)}
        for entity_id in wanted:
            checker._entities[(link_type, entity_id)] = found.get(entity_id)


async def _resolve(checker: Checker, link_type: str, entity_id: str) -> StoredEntity | None:
    key = (link_type, entity_id)
    if key not in checker._entities:
        kind = cfentities.ASSET if link_type == "Asset" else cfentities.ENTRY
        checker._entities[key] = await cfentities.get(checker.conn, checker.env_pk, kind, entity_id)
    return checker._entities[key]


async def _link_content_type(checker: Checker, allowed: Any, value: Any) -> Problem | None:
    if not _is_link(value, "Entry") or not isinstance(allowed, list):
        return None
    target = await _resolve(checker, "Entry", value["sys"]["id"])
    if target is None or target.content_type_id in allowed:
        return None  # a missing target is reported as `notResolvable`
    return {"name": "linkContentType", "contentTypeId": allowed, "details": "Link to entry of wrong content type"}


async def _asset(checker: Checker, validation: Doc, value: Any, locale: str) -> Problem | None:
    if not _is_link(value, "Asset"):
        return None
    target = await _resolve(checker, "Asset", value["sys"]["id"])
    if target is None:
        return None
    files = (msgspec.json.decode(target.data).get("fields") or {}).get("file") or {}
    internal = checker.locales.to_internal.get(locale, locale)
    default = checker.locales.default
    file = (
        files.get(locale)
        or files.get(internal)
        or files.get(default)
        or files.get(checker.locales.to_internal.get(default, default))
        or {}
    )
    if not isinstance(file, dict):
        return None
    details: Doc = file["details"] if isinstance(file.get("details"), dict) else {}
    if "linkMimetypeGroup" in validation:
        groups = validation["linkMimetypeGroup"]
        groups = groups if isinstance(groups, list) else [groups]
        mime = str(file.get("contentType") or "")
        if not any(mime.startswith(p) for g in groups for p in MIME_GROUPS.get(str(g), ())):
            return {"name": "linkMimetypeGroup", "mimetypeGroupName": groups, "details": "Asset has wrong file type"}
    elif "assetFileSize" in validation:
        low, high = _bounds(validation["assetFileSize"])
        size = details.get("size")
        if isinstance(size, int) and ((low is not None and size < low) or (high is not None and size > high)):
            return {
                "name": "assetFileSize",
                **_limits(validation["assetFileSize"]),
                "details": _between(low, high, "Asset file size"),
            }
    else:
        spec = validation["assetImageDimensions"]
        image: Doc = details["image"] if isinstance(details.get("image"), dict) else {}
        for axis in ("width", "height"):
            low, high = _bounds(spec.get(axis) if isinstance(spec, dict) else None)
            measured = image.get(axis)
            if isinstance(measured, int) and (
                (low is not None and measured < low) or (high is not None and measured > high)
            ):
                return {
                    "name": "assetImageDimensions",
                    **(spec if isinstance(spec, dict) else {}),
                    "details": _between(low, high, f"Image {axis}"),
                }
    return None


async def _rich_text(checker: Checker, validation: Doc, document: Any) -> list[Problem]:
    if not isinstance(document, dict):
        return []
    found = richtext.node_types(document)
    problems: list[Problem] = []
    if "enabledNodeTypes" in validation and isinstance(validation["enabledNodeTypes"], list):
        enabled = set(validation["enabledNodeTypes"])
        structural = {"document", "text", "paragraph", "list-item", "table-row", "table-cell", "table-header-cell"}
        for node_type, at in found:
            if node_type not in enabled and node_type not in structural:
                problems.append(
                    {
                        "name": "enabledNodeTypes",
                        "value": node_type,
                        "nodeType": node_type,
                        "expected": sorted(enabled),
                        "details": f'Node type "{node_type}" is not enabled',
                        "at": [*at, "nodeType"],
                    }
                )
    if "enabledMarks" in validation and isinstance(validation["enabledMarks"], list):
        enabled = set(validation["enabledMarks"])
        for node_type, at in found:
            if node_type != "text":
                continue
            for index, mark in enumerate(_node_at(document, at).get("marks") or []):
                mark_type = mark.get("type") if isinstance(mark, dict) else None
                if mark_type not in enabled:
                    problems.append(
                        {
                            "name": "enabledMarks",
                            "value": mark_type,
                            "expected": sorted(enabled),
                            "details": f'Mark "{mark_type}" is not enabled',
                            "at": [*at, "marks", index],
                        }
                    )
    if "nodes" in validation and isinstance(validation["nodes"], dict):
        for node_type, rules in validation["nodes"].items():
            rule_list = rules.get("validations") if isinstance(rules, dict) else rules
            matches = [at for t, at in found if t == node_type]
            for rule in rule_list if isinstance(rule_list, list) else []:
                if not isinstance(rule, dict):
                    continue
                if "size" in rule:
                    low, high = _bounds(rule["size"])
                    if (low is not None and len(matches) < low) or (high is not None and len(matches) > high):
                        problems.append(
                            {
                                "name": "size",
                                "nodeType": node_type,
                                **_limits(rule["size"]),
                                "value": len(matches),
                                "details": _between(low, high, "Size"),
                                "at": [],
                            }
                        )
                if "linkContentType" in rule:
                    for at in matches:
                        target = (_node_at(document, at).get("data") or {}).get("target")
                        problem = await _link_content_type(checker, rule["linkContentType"], target)
                        if problem is not None:
                            problems.append(
                                {**problem, "nodeType": node_type, "value": target, "at": [*at, "data", "target"]}
                            )
    return problems


def _node_at(document: Doc, at: Path) -> Doc:
    node: Any = document
    for step in at:
        node = node[step]
    return node if isinstance(node, dict) else {}


def _is_link(value: Any, link_type: str) -> bool:
    sys_ = value.get("sys") if isinstance(value, dict) else None
    return isinstance(sys_, dict) and sys_.get("linkType") == link_type and isinstance(sys_.get("id"), str)


def _plain_link(link: Doc) -> Doc:
    return {"type": "Link", "linkType": link["sys"]["linkType"], "id": link["sys"]["id"]}
