"""A parsed `Query` compiled to SQL over `cf_entities` (alias `e`) and its `cf_search` index.

Every filter becomes one indexed predicate: a `sys.*` filter compares a `cf_entities` column; a field,
tag or link filter is `e.id [NOT] IN (SELECT entity_id FROM cf_search WHERE env_pk, kind, path, value…)`,
served by `ix_cf_search_text` / `ix_cf_search_num`. An order on a field is a correlated lookup of the
entity's row for that path (`ix_cf_search_entity`), so only the matching entities are ever sorted.

Values compare across locales: a filter on `fields.x` matches an entity when the value of any of its
locales matches (the CMA has no `locale` parameter; it always answers every locale). The SQL is the
portable subset of SQLite and PostgreSQL; text orders byte-wise on both (`COLLATE "C"` on PostgreSQL,
SQLite's default), missing values first when ascending and last when descending.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from headwater.contentful.search import index
from headwater.contentful.search.query import (
    EQUALS,
    Filter,
    OrderKey,
    Query,
    bad_value,
    content_type_required,
    invalid_query,
    unknown_path,
)
from headwater.platform import clock
from headwater.storage import cfentities
from headwater.storage.cfentities import TEXT_KEY_LENGTH

TEXT_TYPES = frozenset({"Symbol", "Text", "Link", "Boolean", "RichText"})
NUMBER_TYPES = frozenset({"Integer", "Number", "Date"})
ORDERABLE = frozenset({"Symbol", "Text", "Integer", "Number", "Date", "Boolean"})
KM_PER_DEGREE = 111.195

# sys attribute → (cf_entities column, type, nullable)
_SYS_COMMON: dict[str, tuple[str, str, bool]] = {
    "id": ("id", "Symbol", False),
    "createdAt": ("created_at", "Date", False),
    "updatedAt": ("updated_at", "Date", False),
    "publishedAt": ("published_at", "Date", True),
    "firstPublishedAt": ("first_published_at", "Date", True),
    "version": ("version", "Integer", False),
    "publishedVersion": ("published_version", "Integer", True),
    "publishedCounter": ("published_counter", "Integer", False),
    "createdBy.sys.id": ("created_by", "Symbol", False),
    "updatedBy.sys.id": ("updated_by", "Symbol", False),
    "publishedBy.sys.id": ("published_by", "Symbol", True),
}
_SYS_ARCHIVE: dict[str, tuple[str, str, bool]] = {
    "archivedAt": ("archived_at", "Date", True),
    "archivedVersion": ("archived_version", "Integer", True),
    "archivedBy.sys.id": ("archived_by", "Symbol", True),
}
_SYS_ENTRY: dict[str, tuple[str, str, bool]] = {"contentType.sys.id": ("content_type_id", "Symbol", False)}
_ASSET_FIELDS = {
    "title": "Symbol",
    "description": "Text",
    "file": "Object",
    "file.fileName": "Symbol",
    "file.contentType": "Symbol",
    "file.url": "Symbol",
    "file.details.size": "Integer",
    "file.details.image.width": "Integer",
    "file.details.image.height": "Integer",
}
_CONTENT_TYPE_PATHS = ("name", "description", "displayField")


@dataclass(frozen=True, slots=True)
class Target:
    """Where a query path's values live: a `cf_entities` column, `cf_search` rows, or a constant."""

    parts: tuple[str, ...]
    type: str
    column: str | None = None
    path: str | None = None
    constant: str | None = None
    nullable: bool = False
    exists_path: str | None = None

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(slots=True)
class Scope:
    """The collection being searched."""

    env_pk: str
    kind: str
    space_id: str
    env_id: str
    dialect: str
    public: bool = False
    # The content type's field definitions (by id) when `content_type=` names one.
    content_type_fields: dict[str, dict[str, Any]] | None = None


@dataclass(slots=True)
class Compiled:
    where: str
    params: list[Any] = field(default_factory=list)
    order: str = ""
    order_params: list[Any] = field(default_factory=list)


def compile_query(query: Query, scope: Scope) -> Compiled:
    clauses = ["e.env_pk = ?", "e.kind = ?"]
    params: list[Any] = [scope.env_pk, scope.kind]
    if scope.public:
        clauses.append("e.published_version IS NOT NULL")
    problems: list[dict[str, Any]] = []
    near: list[tuple[Target, Filter]] = []
    ranges: dict[str, tuple[bool, list[tuple[str, Any]]]] = {}
    for flt in query.filters:
        target = resolve(flt.path, scope)
        if flt.op == "near":
            if target.type != "Location":
                problems.append(not_applicable(target, flt.op))
            else:
                near.append((target, flt))
            continue
        try:
            if flt.op in _COMPARE and target.path is not None and target.type in TEXT_TYPES | NUMBER_TYPES:
                # Bounds on one path meet in one row, so `[gte]` + `[lt]` is one index range scan.
                bounds = ranges.setdefault(target.path, (target.type in NUMBER_TYPES, []))[1]
                bounds.append((flt.op, _search_value(target, flt, flt.raw)))
                continue
            sql, values = _filter(target, flt, scope)
        except _Problem as exc:
            problems.append(exc.problem)
            continue
        clauses.append(sql)
        params += values
    for path, (numeric, bounds) in ranges.items():
        column = "s.num_value" if numeric else "s.text_key"
        cond = " AND ".join(f"{column} {_COMPARE[op]} ?" for op, _ in bounds)
        sql, values = _search_in(scope, path, cond, [value for _, value in bounds])
        clauses.append(sql)
        params += values
    if query.full_text:
        for word in dict.fromkeys(index.words(query.full_text)):
            sql, values = _full_text(word, scope)
            clauses.append(sql)
            params += values
    for link_type, link_id in (("Entry", query.links_to_entry), ("Asset", query.links_to_asset)):
        if link_id is not None:
            sql, values = _search_in(scope, index.LINKS + link_type, *_text_equals(link_id))
            clauses.append(sql)
            params += values
    if query.mimetype_group is not None:
        sql, values = _search_in(scope, index.MIMETYPE_GROUP, *_text_equals(query.mimetype_group))
        clauses.append(sql)
        params += values
    if problems:
        raise invalid_query(problems)
    # With an index-driven filter the matching ids are few: keep the planner on them. `|| ''` hides the
    # content type index and the order columns' indexes, which SQLite would otherwise walk through
    # every entity of the kind, testing each against the filter.
    driven = any(clause.startswith(("e.id IN (", "e.id = ?")) for clause in clauses)
    if query.content_type is not None:
        clauses.append("e.content_type_id || '' = ?" if driven else "e.content_type_id = ?")
        params.append(query.content_type)
    order, order_params = _order(query.order, near, scope, driven)
    return Compiled(" AND ".join(clauses), params, order, order_params)


# -- paths ----------------------------------------------------------------------------------------


def resolve(parts: tuple[str, ...], scope: Scope) -> Target:
    head, rest = parts[0], ".".join(parts[1:])
    if head == "sys":
        table = dict(_SYS_COMMON)
        if scope.kind in (cfentities.ENTRY, cfentities.ASSET):
            table |= _SYS_ARCHIVE
        if scope.kind == cfentities.ENTRY:
            table |= _SYS_ENTRY
        if rest in table:
            column, type_name, nullable = table[rest]
            return Target(parts, type_name, column=column, nullable=nullable)
        constants = {"type": scope.kind, "space.sys.id": scope.space_id, "environment.sys.id": scope.env_id}
        if rest in constants:
            return Target(parts, "Symbol", constant=constants[rest])
    elif head == "metadata" and rest == "tags.sys.id" and scope.kind != cfentities.CONTENT_TYPE:
        return Target(parts, "Link", path="metadata.tags.sys.id")
    elif head == "fields" and len(parts) > 1 and scope.kind == cfentities.ENTRY:
        return _entry_field(parts, scope)
    elif head == "fields" and scope.kind == cfentities.ASSET and rest in _ASSET_FIELDS:
        type_name = _ASSET_FIELDS[rest]
        if type_name == "Object":
            return Target(parts, "Object", exists_path="fields.file.fileName")
        return Target(parts, type_name, path=f"fields.{rest}")
    elif scope.kind == cfentities.CONTENT_TYPE and len(parts) == 1 and head in _CONTENT_TYPE_PATHS:
        return Target(parts, "Symbol", path=head)
    raise invalid_query([unknown_path(parts)])


def _entry_field(parts: tuple[str, ...], scope: Scope) -> Target:
    if scope.content_type_fields is None:
        raise content_type_required()
    definition = scope.content_type_fields.get(parts[1])
    rest = parts[2:]
    if definition is not None:
        type_name = definition.get("type")
        items = definition.get("items") if type_name == "Array" else None
        base = items.get("type") if isinstance(items, dict) else type_name
        path = f"fields.{parts[1]}"
        if base == "Link":
            if rest == ("sys", "id"):
                return Target(parts, "Link", path=path + ".sys.id")
            if not rest:
                return Target(parts, "LinkObject", exists_path=path + ".sys.id")
        elif not rest and base == "Location":
            return Target(parts, "Location", path=path, exists_path=path + ".lat")
        elif not rest and base in ("Symbol", "Text", "RichText", "Integer", "Number", "Date", "Boolean"):
            return Target(parts, str(base), path=path)
        elif not rest and isinstance(base, str):  # Object, ResourceLink: `[exists]` only
            return Target(parts, base, exists_path=path)
    raise invalid_query([unknown_path(parts)])


def not_applicable(target: Target, op: str) -> dict[str, Any]:
    return {
        "name": "operator",
        "path": list(target.parts),
        "type": target.type,
        "filter": op,
        "details": f'The filter "{op}" is not applicable to {target.dotted} of type {target.type}.',
    }


# -- filters --------------------------------------------------------------------------------------


class _Problem(Exception):
    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(problem.get("details", ""))
        self.problem = problem


def _filter(target: Target, flt: Filter, scope: Scope) -> tuple[str, list[Any]]:
    if flt.op == "exists":
        return _exists(target, _boolean(target, flt), scope)
    if target.constant is not None:
        return _constant(target.constant, flt)
    if target.column is not None:
        return _column(target, flt)
    if target.path is None or target.type not in TEXT_TYPES | NUMBER_TYPES | {"Location"}:
        raise _Problem(not_applicable(target, flt.op))
    if target.type == "Location":
        if flt.op != "within":
            raise _Problem(not_applicable(target, flt.op))
        return _within(target, flt, scope)
    numeric = target.type in NUMBER_TYPES
    op = flt.op
    if op in (EQUALS, "ne", "in", "nin", "all"):
        raws = flt.raw.split(",") if op in ("in", "nin", "all") else [flt.raw]
        values = [_search_value(target, flt, raw) for raw in raws]
        if op == "all":
            parts = [_search_in(scope, target.path, *_value_equals(numeric, value)) for value in values]
            return " AND ".join(p[0] for p in parts), [v for p in parts for v in p[1]]
        cond, cond_params = _value_in(numeric, values) if len(values) > 1 else _value_equals(numeric, values[0])
        return _search_in(scope, target.path, cond, cond_params, negate=op in ("ne", "nin"))
    if op == "match" and not numeric:
        conds, values = _match_terms(flt.raw, "s.text_full")
        return _search_in(scope, target.path, conds, values)
    raise _Problem(not_applicable(target, op))


_COMPARE = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def _boolean(target: Target, flt: Filter) -> bool:
    if flt.raw not in ("true", "false"):
        raise _Problem(bad_value(target.parts, "Boolean", flt.op, flt.raw))
    return flt.raw == "true"


def _exists(target: Target, wanted: bool, scope: Scope) -> tuple[str, list[Any]]:
    if target.constant is not None:
        return ("1 = 1" if wanted else "1 = 0"), []
    if target.column is not None:
        if not target.nullable:
            return ("1 = 1" if wanted else "1 = 0"), []
        return f"e.{target.column} IS {'NOT ' if wanted else ''}NULL", []
    path = target.exists_path or target.path
    if path is None:
        raise _Problem(not_applicable(target, "exists"))
    return _search_in(scope, path, "", [], negate=not wanted)


def _constant(constant: str, flt: Filter) -> tuple[str, list[Any]]:
    values = flt.raw.split(",")
    op = flt.op
    if op == EQUALS:
        hit = constant == flt.raw
    elif op == "ne":
        hit = constant != flt.raw
    elif op == "in":
        hit = constant in values
    elif op == "nin":
        hit = constant not in values
    elif op == "all":
        hit = all(v == constant for v in values)
    elif op == "match":
        hit = all(term.lower() in constant.lower() for term in flt.raw.split())
    elif op in _COMPARE:
        raw = flt.raw
        hit = {"lt": constant < raw, "lte": constant <= raw, "gt": constant > raw, "gte": constant >= raw}[op]
    else:
        details = f'The filter "{op}" is not applicable.'
        raise _Problem({"name": "operator", "path": [], "filter": op, "details": details})
    return ("1 = 1" if hit else "1 = 0"), []


def _column(target: Target, flt: Filter) -> tuple[str, list[Any]]:
    op = flt.op
    column = f"e.{target.column}"
    if target.type == "Date":
        column = f"SUBSTR({column}, 1, 23)"
    if op in (EQUALS, "ne", "in", "nin", "all"):
        raws = flt.raw.split(",") if op in ("in", "nin", "all") else [flt.raw]
        values = [_column_value(target, flt, raw) for raw in raws]
        marks = ", ".join("?" for _ in values)
        if op == EQUALS:
            return f"{column} = ?", values
        if op == "all":
            return " AND ".join(f"{column} = ?" for _ in values), values
        if op == "in":
            return f"{column} IN ({marks})", values
        negated = f"{column} <> ?" if op == "ne" else f"{column} NOT IN ({marks})"
        return (f"({column} IS NULL OR {negated})" if target.nullable else negated), values
    if op in _COMPARE:
        return f"{column} {_COMPARE[op]} ?", [_column_value(target, flt, flt.raw)]
    if op == "match" and target.type == "Symbol":
        conds, values = _match_terms(flt.raw, column)
        return f"({conds})", values
    raise _Problem(not_applicable(target, op))


def _column_value(target: Target, flt: Filter, raw: str) -> Any:
    if target.type == "Integer":
        try:
            return int(raw)
        except ValueError:
            raise _Problem(bad_value(target.parts, "Integer", flt.op, raw)) from None
    if target.type == "Date":
        moment = parse_date(raw)
        if moment is None:
            raise _Problem(bad_value(target.parts, "Date", flt.op, raw))
        return clock.stamp(moment)[:23]
    return raw


def _search_value(target: Target, flt: Filter, raw: str) -> Any:
    if target.type in ("Integer", "Number"):
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or (target.type == "Integer" and not number.is_integer()):
            raise _Problem(bad_value(target.parts, target.type, flt.op, raw))
        return number
    if target.type == "Date":
        seconds = index.epoch_seconds(raw)
        if seconds is None:
            raise _Problem(bad_value(target.parts, "Date", flt.op, raw))
        return seconds
    if target.type == "Boolean" and raw not in ("true", "false"):
        raise _Problem(bad_value(target.parts, "Boolean", flt.op, raw))
    return raw


def parse_date(raw: str) -> datetime | None:
    seconds = index.epoch_seconds(raw)
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _text_equals(value: str) -> tuple[str, list[Any]]:
    return "s.text_key = ? AND s.text_full = ?", [value[:TEXT_KEY_LENGTH], value]


def _value_equals(numeric: bool, value: Any) -> tuple[str, list[Any]]:
    return ("s.num_value = ?", [value]) if numeric else _text_equals(value)


def _value_in(numeric: bool, values: list[Any]) -> tuple[str, list[Any]]:
    marks = ", ".join("?" for _ in values)
    if numeric:
        return f"s.num_value IN ({marks})", values
    return f"s.text_key IN ({marks}) AND s.text_full IN ({marks})", [v[:TEXT_KEY_LENGTH] for v in values] + values


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _match_terms(raw: str, column: str) -> tuple[str, list[Any]]:
    terms = raw.split() or [""]
    return " AND ".join(f"LOWER({column}) LIKE ? ESCAPE '\\'" for _ in terms), [_like(t) for t in terms]


def _search_path(scope: Scope, path: str) -> str:
    return index.PUBLISHED + path if scope.public else path


def _search_in(
    scope: Scope, path: str | None, cond: str, cond_params: list[Any], *, negate: bool = False
) -> tuple[str, list[Any]]:
    assert path is not None
    sub = "SELECT s.entity_id FROM cf_search s WHERE s.env_pk = ? AND s.kind = ? AND s.path = ?"
    if cond:
        sub += " AND " + cond
    return (
        f"e.id {'NOT ' if negate else ''}IN ({sub})",
        [scope.env_pk, scope.kind, _search_path(scope, path), *cond_params],
    )


def _full_text(word: str, scope: Scope) -> tuple[str, list[Any]]:
    """One word of `query=`: some word of the entity's text starts with it. The range narrows the text
    index scan; the `SUBSTR` check keeps the answer exact whatever the range lets through."""
    cond = "s.text_key >= ? AND SUBSTR(s.text_key, 1, ?) = ?"
    params: list[Any] = [word, len(word), word]
    upper = _prefix_upper_bound(word)
    if upper is not None:
        cond += " AND s.text_key < ?"
        params.append(upper)
    return _search_in(scope, index.WORDS, cond, params)


def _prefix_upper_bound(word: str) -> str | None:
    """A string above every word starting with `word`: its last character that has a letter or digit
    as successor, incremented (so the bound also holds under linguistic collations)."""
    chars = list(word)
    while chars:
        last = chars.pop()
        if last not in "z9_" and ord(last) < 0x10FFFF:
            return "".join(chars) + chr(ord(last) + 1)
    return None


def _within(target: Target, flt: Filter, scope: Scope) -> tuple[str, list[Any]]:
    try:
        numbers = [float(x) for x in flt.raw.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (3, 4) or not all(math.isfinite(n) for n in numbers):
        raise _Problem(bad_value(target.parts, "Location", flt.op, flt.raw))
    lat_path = _search_path(scope, f"{target.path}.lat")
    lon_path = _search_path(scope, f"{target.path}.lon")
    base = (
        "SELECT a.entity_id FROM cf_search a JOIN cf_search b ON b.env_pk = a.env_pk AND b.kind = a.kind "
        "AND b.entity_id = a.entity_id AND b.locale = a.locale AND b.path = ? "
        "WHERE a.env_pk = ? AND a.kind = ? AND a.path = ? "
        "AND a.num_value BETWEEN ? AND ? AND b.num_value BETWEEN ? AND ?"
    )
    if len(numbers) == 4:  # a rectangle: bottom-left and top-right corners
        lat1, lon1, lat2, lon2 = numbers
        params = [lon_path, scope.env_pk, scope.kind, lat_path, min(lat1, lat2), max(lat1, lat2)]
        return f"e.id IN ({base})", [*params, min(lon1, lon2), max(lon1, lon2)]
    lat, lon, radius_km = numbers  # a circle: centre and radius in kilometres
    dlat = radius_km / KM_PER_DEGREE
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = dlat / cos_lat
    sql = base + " AND (a.num_value - ?) * (a.num_value - ?) + ((b.num_value - ?) * ?) * ((b.num_value - ?) * ?) <= ?"
    params = [lon_path, scope.env_pk, scope.kind, lat_path, lat - dlat, lat + dlat, lon - dlon, lon + dlon]
    params += [lat, lat, lon, cos_lat, lon, cos_lat, dlat * dlat]
    return f"e.id IN ({sql})", params


# -- order ----------------------------------------------------------------------------------------

DEFAULT_ORDER = [OrderKey(("sys", "updatedAt"), True), OrderKey(("sys", "id"), False)]


def _order(
    keys: list[OrderKey], near: list[tuple[Target, Filter]], scope: Scope, driven: bool
) -> tuple[str, list[Any]]:
    terms: list[str] = []
    params: list[Any] = []
    for target, flt in near:
        sql, values = _distance(target, flt, scope)
        terms.append(f"{sql} ASC NULLS LAST")
        params += values
    problems: list[dict[str, Any]] = []
    for key in keys or ([] if near else DEFAULT_ORDER):
        if key.path == ("relevance",):
            continue
        target = resolve(key.path, scope)
        direction = "DESC NULLS LAST" if key.descending else "ASC NULLS FIRST"
        if target.constant is not None:
            continue
        if target.column is not None:
            collate = ' COLLATE "C"' if scope.dialect == "postgresql" and target.type == "Symbol" else ""
            # A NOT NULL column orders without a NULLS clause, so its index can serve the order.
            plain = "DESC" if key.descending else "ASC"
            column = f"e.{target.column}"
            if driven and target.column != "id":
                column = f"({column} + 0)" if target.type == "Integer" else f"({column} || '')"
            terms.append(f"{column}{collate} {direction if target.nullable else plain}")
            continue
        if target.path is None or target.type not in ORDERABLE:
            problems.append(not_applicable(target, "order"))
            continue
        numeric = target.type in NUMBER_TYPES
        # Expressions, not bare columns: a bare MIN/MAX tempts SQLite into walking the value index of the
        # whole path backwards instead of looking up this entity's rows.
        value = "s.num_value + 0" if numeric else "s.text_key || ''"
        if not numeric and scope.dialect == "postgresql":
            value = f'({value}) COLLATE "C"'
        aggregate = "MAX" if key.descending else "MIN"
        terms.append(
            f"(SELECT {aggregate}({value}) FROM cf_search s WHERE s.env_pk = ? AND s.kind = ? "
            f"AND s.entity_id = e.id AND s.path = ?) {direction}"
        )
        params += [scope.env_pk, scope.kind, _search_path(scope, target.path)]
    if problems:
        raise invalid_query(problems)
    terms.append("e.seq ASC")
    return ", ".join(terms), params


def _distance(target: Target, flt: Filter, scope: Scope) -> tuple[str, list[Any]]:
    try:
        numbers = [float(x) for x in flt.raw.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 2 or not all(math.isfinite(n) for n in numbers):
        raise invalid_query([bad_value(target.parts, "Location", "near", flt.raw)])
    lat, lon = numbers
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    lookup = (
        "(SELECT MIN(s.num_value + 0) FROM cf_search s WHERE s.env_pk = ? AND s.kind = ? AND s.entity_id = e.id "
        "AND s.path = ?)"
    )
    lat_params = [scope.env_pk, scope.kind, _search_path(scope, f"{target.path}.lat")]
    lon_params = [scope.env_pk, scope.kind, _search_path(scope, f"{target.path}.lon")]
    sql = f"(({lookup} - ?) * ({lookup} - ?) + ({lookup} - ?) * ({lookup} - ?) * ?)"
    params = [*lat_params, lat, *lat_params, lat, *lon_params, lon, *lon_params, lon, cos_lat * cos_lat]
    return sql, params
