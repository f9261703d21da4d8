"""Collection query parameters parsed into a typed `Query` (no storage access here).

The CMA query language: `path=value` and `path[op]=value` filters on `sys.*`, `fields.*` and
`metadata.tags.sys.id` (content types also on `name`, `description`, `displayField`); `query`
(full text), `content_type`, `links_to_entry`, `links_to_asset`, `mimetype_group`; `select`; `order`
(comma list, `-` for descending); `skip`/`limit`; cursor paging (`cursor=true`, `pageNext`/`pagePrev`).
`include` and `locale` are accepted and ignored (the CMA always returns every locale). Other plain
parameter names are ignored; an unknown dotted or bracketed name is 400 `InvalidQuery`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from headwater.contentful.errors import ContentfulError
from headwater.contentful.pagination import MAX_LIMIT
from headwater.platform.requests import parse_wire_int
from headwater.storage import cfentities

INVALID_QUERY = (
    "The query you sent was invalid. Probably a filter or ordering specification is not applicable to the type of a "
    "field."
)
CONTENT_TYPE_REQUIRED = (
    "A Content Type ID is required. When querying for Entries and involving fields you need to limit your query to a "
    'specific Content Type. Please send a Content Type ID (not the name) as the URI query parameter "content_type"'
)
EQUALS = "equals"
OPERATORS = frozenset({"ne", "in", "nin", "all", "exists", "lt", "lte", "gt", "gte", "match", "near", "within"})
IGNORED = frozenset({"include", "locale", "access_token"})
_KEY = re.compile(r"^(?P<path>[^\[\]]+)(?:\[(?P<op>[^\[\]]*)\])?$")
_PREFIXES = {
    cfentities.ENTRY: ("sys", "fields", "metadata"),
    cfentities.ASSET: ("sys", "fields", "metadata"),
    cfentities.CONTENT_TYPE: ("sys", "name", "description", "displayField"),
}
# Top-level parameters each collection understands beyond filters.
_SPECIAL = {
    cfentities.ENTRY: ("content_type", "links_to_entry", "links_to_asset"),
    cfentities.ASSET: ("mimetype_group",),
    cfentities.CONTENT_TYPE: (),
}
_ALL_SPECIAL = frozenset(name for names in _SPECIAL.values() for name in names)
_COMMON = frozenset({"skip", "limit", "order", "select", "query", "cursor", "pageNext", "pagePrev"})


@dataclass(frozen=True, slots=True)
class Filter:
    path: tuple[str, ...]
    op: str  # EQUALS or one of OPERATORS
    raw: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class OrderKey:
    path: tuple[str, ...]
    descending: bool


@dataclass(slots=True)
class Query:
    kind: str
    public: bool = False
    filters: list[Filter] = field(default_factory=list)
    order: list[OrderKey] = field(default_factory=list)
    select: list[tuple[str, ...]] | None = None
    full_text: str | None = None
    content_type: str | None = None
    links_to_entry: str | None = None
    links_to_asset: str | None = None
    mimetype_group: str | None = None
    skip: int = 0
    limit: int = 100
    cursor: bool = False


def invalid_query(problems: list[dict[str, Any]], message: str = INVALID_QUERY) -> ContentfulError:
    return ContentfulError(400, "InvalidQuery", message, {"errors": problems})


def unknown_path(path: Iterable[str], dotted: str | None = None) -> dict[str, Any]:
    parts = list(path)
    return {"name": "unknown", "path": parts, "details": f'The path "{dotted or ".".join(parts)}" is not recognized'}


def bad_value(path: Iterable[str], type_name: str, op: str, raw: str) -> dict[str, Any]:
    parts = list(path)
    return {
        "name": "value",
        "path": parts,
        "type": type_name,
        "filter": op,
        "details": f"{raw} used on {'.'.join(parts)} is not a valid value for type {type_name}.",
    }


def invalid_parameter(name: str) -> ContentfulError:
    return ContentfulError(400, "InvalidQuery", f'The value provided for "{name}" is invalid.', {"errors": []})


def parse(params: Iterable[tuple[str, str]], kind: str, *, public: bool = False, default_limit: int = 100) -> Query:
    """Parse the query string of a collection request (raises 400 `InvalidQuery`)."""
    query = Query(kind=kind, public=public, limit=default_limit)
    problems: list[dict[str, Any]] = []
    page_token: tuple[str, str] | None = None
    skip_raw: str | None = None
    for key, value in params:
        if key in IGNORED:
            continue
        if key in _COMMON:
            if key == "skip":
                skip_raw = value
            elif key == "limit":
                query.limit = _non_negative("limit", value, default_limit)
            elif key == "order":
                query.order = _order(value)
            elif key == "select":
                query.select = [tuple(p.strip().split(".")) for p in value.split(",") if p.strip()]
            elif key == "query":
                query.full_text = value
            elif key == "cursor":
                query.cursor = value.lower() == "true"
            else:
                page_token = (key, value)
            continue
        if key in _SPECIAL[kind]:
            setattr(query, key, value)
            continue
        match = _KEY.match(key)
        if match is None:
            problems.append(unknown_path([key]))
            continue
        path = tuple(match["path"].split("."))
        op = match["op"]
        if path[0] not in _PREFIXES[kind] or any(not part for part in path):
            if "." in key or "[" in key or key in _ALL_SPECIAL:
                problems.append(unknown_path(path, match["path"]))
            continue
        if op is not None and op not in OPERATORS:
            problems.append(unknown_path([*path[:-1], f"{path[-1]}[{op}]"], key))
            continue
        query.filters.append(Filter(path, op or EQUALS, value))
    if problems:
        raise invalid_query(problems)
    query.limit = min(query.limit, MAX_LIMIT)
    if page_token is not None and query.cursor:
        query.skip = decode_page(*page_token)
    elif skip_raw is not None and not query.cursor:
        query.skip = _non_negative("skip", skip_raw, 0)
    return query


def _non_negative(name: str, raw: str, default: int) -> int:
    if raw == "":
        return default
    value = parse_wire_int(raw)
    if value is None:
        raise ContentfulError(
            400,
            "InvalidQuery",
            f'The value provided for "{name}" is invalid. It must be a non-negative integer.',
            {"errors": []},
        )
    return value


def _order(raw: str) -> list[OrderKey]:
    keys: list[OrderKey] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        descending = part.startswith("-")
        name = part[1:] if descending else part
        keys.append(OrderKey(tuple(name.split(".")), descending))
    return keys


def encode_page(skip: int) -> str:
    """An opaque cursor token naming the position of a page."""
    return base64.urlsafe_b64encode(f"o{skip}".encode()).decode().rstrip("=")


def decode_page(name: str, token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise invalid_parameter(name) from None
    value = parse_wire_int(text[1:]) if text.startswith("o") else None
    if value is None:
        raise invalid_parameter(name)
    return value


def content_type_required() -> ContentfulError:
    return ContentfulError(400, "InvalidQuery", CONTENT_TYPE_REQUIRED, {"errors": []})


def unknown_content_type(content_type_id: str) -> ContentfulError:
    return invalid_query([{"name": "unknownContentType", "value": content_type_id}])
