"""Kontent.ai language variants: one row per (item, language) in `kontent_variants`.

The domain (kontent/content/variants.py) owns the documents; this module stores them with the columns
that listings, workflow checks and the scheduler need. Reads that address a variant by item and
language identifiers (id, codename or external id) resolve both through `objects` in the same
statement, so a GET is one round trip.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from headwater.storage.database import Connection, Row
from headwater.storage.objects import LookupColumn

ITEM_KIND = "content_item"
LANGUAGE_KIND = "language"

ListColumn = Literal["type_id", "collection_id"]

_COLUMNS = (
    "seq, item_id, language_id, type_id, collection_id, workflow_id, step_id, data, published, publish_at, "
    "unpublish_at, return_step_id, created_at, updated_at"
)


@dataclass(slots=True)
class StoredVariant:
    seq: int
    item_id: str
    language_id: str
    type_id: str
    collection_id: str
    workflow_id: str
    step_id: str
    data: str
    published: str | None
    publish_at: str | None
    unpublish_at: str | None
    return_step_id: str | None
    created_at: str
    updated_at: str


def _variant(row: Row) -> StoredVariant:
    return StoredVariant(*row)


async def get(conn: Connection, env_pk: str, item_id: str, language_id: str) -> StoredVariant | None:
    row = await conn.fetchone(
        f"SELECT {_COLUMNS} FROM kontent_variants WHERE env_pk = ? AND item_id = ? AND language_id = ?",
        (env_pk, item_id, language_id),
    )
    return _variant(row) if row else None


_V_COLUMNS = ", ".join(f"v.{c.strip()}" for c in _COLUMNS.split(","))


def _addressed(
    env_pk: str, item: tuple[LookupColumn, str], language: tuple[LookupColumn, str]
) -> tuple[str, tuple[str, ...]]:
    """`FROM …` of a read that resolves an item and a language identifier and finds their variant.

    Item and language are outer-joined to a one-row anchor, so a miss still says which identifier was
    unknown.
    """
    (item_column, item_value), (language_column, language_value) = item, language
    return (
        "FROM (SELECT 1 AS one) AS anchor "
        f"LEFT JOIN objects i ON i.env_pk = ? AND i.kind = '{ITEM_KIND}' AND i.{item_column} = ? "
        f"LEFT JOIN objects l ON l.env_pk = ? AND l.kind = '{LANGUAGE_KIND}' AND l.{language_column} = ? "
        "LEFT JOIN kontent_variants v ON v.env_pk = ? AND v.item_id = i.id AND v.language_id = l.id",
        (env_pk, item_value, env_pk, language_value, env_pk),
    )


@dataclass(slots=True)
class Addressed:
    """What one statement found for an (item, language) address: a variant read's hot path."""

    item_id: str | None
    language_id: str | None
    language_active: bool
    data: str | None
    published: str | None


async def address(
    conn: Connection,
    env_pk: str,
    item: tuple[LookupColumn, str],
    language: tuple[LookupColumn, str],
) -> Addressed:
    """Resolve item and language identifiers and read the variant in one statement.

    The item and language rows are outer-joined to a one-row anchor, so a miss still says which
    identifier was unknown. Language documents are stored as compact JSON, so the active flag is an
    exact text match.
    """
    sql, params = _addressed(env_pk, item, language)
    row = await conn.fetchone(
        "SELECT i.id, l.id, CASE WHEN l.data LIKE '%\"is_active\":true%' THEN 1 ELSE 0 END, v.data, v.published " + sql,
        params,
    )
    if row is None:  # pragma: no cover - the anchor always yields one row
        return Addressed(None, None, False, None, None)
    return Addressed(row[0], row[1], bool(row[2]), row[3], row[4])


async def of_item(conn: Connection, env_pk: str, item_id: str) -> list[StoredVariant]:
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM kontent_variants WHERE env_pk = ? AND item_id = ? ORDER BY seq", (env_pk, item_id)
    )
    return [_variant(r) for r in rows]


async def page_by(
    conn: Connection, env_pk: str, column: ListColumn, value: str, after_seq: int, limit: int
) -> list[StoredVariant]:
    """Keyset page of the variants of one type or collection, in insertion order."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM kontent_variants WHERE env_pk = ? AND {column} = ? AND seq > ? ORDER BY seq LIMIT ?",
        (env_pk, value, after_seq, limit),
    )
    return [_variant(r) for r in rows]


async def page_all(conn: Connection, env_pk: str, after_seq: int, limit: int) -> list[StoredVariant]:
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM kontent_variants WHERE env_pk = ? AND seq > ? ORDER BY seq LIMIT ?",
        (env_pk, after_seq, limit),
    )
    return [_variant(r) for r in rows]


async def page_with_component_type(
    conn: Connection, env_pk: str, type_id: str, after_seq: int, limit: int
) -> list[StoredVariant]:
    """Keyset page of the variants holding at least one component of the type."""
    rows = await conn.fetchall(
        f"SELECT {_V_COLUMNS} FROM kontent_variants v WHERE v.env_pk = ? AND v.seq > ? AND EXISTS ("
        "SELECT 1 FROM kontent_variant_components c WHERE c.env_pk = v.env_pk AND c.item_id = v.item_id "
        "AND c.language_id = v.language_id AND c.type_id = ?) ORDER BY v.seq LIMIT ?",
        (env_pk, after_seq, type_id, limit),
    )
    return [_variant(r) for r in rows]


async def insert(conn: Connection, env_pk: str, variant: StoredVariant) -> None:
    await conn.execute(
        "INSERT INTO kontent_variants (env_pk, item_id, language_id, type_id, collection_id, workflow_id, step_id, "
        "data, published, publish_at, unpublish_at, return_step_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            env_pk,
            variant.item_id,
            variant.language_id,
            variant.type_id,
            variant.collection_id,
            variant.workflow_id,
            variant.step_id,
            variant.data,
            variant.published,
            variant.publish_at,
            variant.unpublish_at,
            variant.return_step_id,
            variant.created_at,
            variant.updated_at,
        ),
    )


async def update(conn: Connection, env_pk: str, variant: StoredVariant) -> int:
    """Store every mutable column of the variant (the row is addressed by item and language)."""
    return await conn.execute(
        "UPDATE kontent_variants SET collection_id = ?, workflow_id = ?, step_id = ?, data = ?, published = ?, "
        "publish_at = ?, unpublish_at = ?, return_step_id = ?, updated_at = ? "
        "WHERE env_pk = ? AND item_id = ? AND language_id = ?",
        (
            variant.collection_id,
            variant.workflow_id,
            variant.step_id,
            variant.data,
            variant.published,
            variant.publish_at,
            variant.unpublish_at,
            variant.return_step_id,
            variant.updated_at,
            env_pk,
            variant.item_id,
            variant.language_id,
        ),
    )


async def set_collection(conn: Connection, env_pk: str, item_id: str, collection_id: str) -> None:
    await conn.execute(
        "UPDATE kontent_variants SET collection_id = ? WHERE env_pk = ? AND item_id = ?",
        (collection_id, env_pk, item_id),
    )


async def set_component_types(
    conn: Connection, env_pk: str, item_id: str, language_id: str, type_ids: Iterable[str]
) -> None:
    await conn.execute(
        "DELETE FROM kontent_variant_components WHERE env_pk = ? AND item_id = ? AND language_id = ?",
        (env_pk, item_id, language_id),
    )
    unique = sorted(set(type_ids))
    if unique:
        await conn.executemany(
            "INSERT INTO kontent_variant_components (env_pk, item_id, language_id, type_id) VALUES (?, ?, ?, ?)",
            [(env_pk, item_id, language_id, type_id) for type_id in unique],
        )


async def delete(conn: Connection, env_pk: str, item_id: str, language_id: str) -> int:
    await conn.execute(
        "DELETE FROM kontent_variant_components WHERE env_pk = ? AND item_id = ? AND language_id = ?",
        (env_pk, item_id, language_id),
    )
    return await conn.execute(
        "DELETE FROM kontent_variants WHERE env_pk = ? AND item_id = ? AND language_id = ?",
        (env_pk, item_id, language_id),
    )


async def delete_item(conn: Connection, env_pk: str, item_id: str) -> int:
    await conn.execute("DELETE FROM kontent_variant_components WHERE env_pk = ? AND item_id = ?", (env_pk, item_id))
    return await conn.execute("DELETE FROM kontent_variants WHERE env_pk = ? AND item_id = ?", (env_pk, item_id))


async def delete_environment(conn: Connection, env_pk: str) -> None:
    await conn.execute("DELETE FROM kontent_variant_components WHERE env_pk = ?", (env_pk,))
    await conn.execute("DELETE FROM kontent_variants WHERE env_pk = ?", (env_pk,))


async def count_in_workflow(conn: Connection, env_pk: str, workflow_id: str, step_id: str | None = None) -> int:
    """How many variants sit in the workflow (or in one of its steps): used workflows cannot be deleted."""
    if step_id is None:
        row = await conn.fetchone(
            "SELECT COUNT(*) FROM kontent_variants WHERE env_pk = ? AND workflow_id = ?", (env_pk, workflow_id)
        )
    else:
        row = await conn.fetchone(
            "SELECT COUNT(*) FROM kontent_variants WHERE env_pk = ? AND workflow_id = ? AND step_id = ?",
            (env_pk, workflow_id, step_id),
        )
    return int(row[0]) if row else 0


async def type_is_used(conn: Connection, env_pk: str, type_id: str) -> bool:
    """Whether an item of the type, or a component of it in any variant, exists.

    Items keep their type inside the stored document (compact JSON, so the match is exact); this scan
    runs only when a type is deleted, which is rare enough not to earn an index.
    """
    row = await conn.fetchone(
        f"SELECT 1 FROM objects WHERE env_pk = ? AND kind = '{ITEM_KIND}' AND data LIKE ? LIMIT 1",
        (env_pk, f'%"type":{{"id":"{type_id}"}}%'),
    )
    if row is not None:
        return True
    row = await conn.fetchone(
        "SELECT 1 FROM kontent_variant_components WHERE env_pk = ? AND type_id = ? LIMIT 1", (env_pk, type_id)
    )
    return row is not None


async def claim_due(conn: Connection, now: str, limit: int, *, lock: bool) -> list[tuple[str, StoredVariant]]:
    """Inside a write: up to `limit` variants whose scheduled publish or unpublish is due, with their env.

    With `lock` (PostgreSQL) the rows are locked and rows another process holds are skipped, so each
    due change is claimed by exactly one process; the caller clears the due column in the same
    transaction. SQLite has a single writer, which serializes claimers by itself.
    """
    suffix = " FOR UPDATE SKIP LOCKED" if lock else ""
    rows = await conn.fetchall(
        f"SELECT env_pk, {_COLUMNS} FROM kontent_variants WHERE publish_at <= ? OR unpublish_at <= ? "
        f"ORDER BY seq LIMIT ?{suffix}",
        (now, now, limit),
    )
    return [(row[0], _variant(row[1:])) for row in rows]


# -- items-with-variant: filter and bulk reads (kontent/content/filtering.py) ---------------------

FilterOrder = Literal["item", "last_modified", "name", "due_date"]
PublishingState = Literal["published", "unpublished", "not_published_yet"]
SqlDialect = Literal["sqlite", "postgresql"]


@dataclass(slots=True)
class VariantFilter:
    """What SQL decides of an items-with-variant filter, every reference already resolved to an id.

    Rows are content items paired with their variant in `language_id` (`with_variant`) and, with
    `without_variant`, items that have no variant in it. Each field is one condition (None or empty:
    none); values inside a field are alternatives. The `*_hints` and `words` are pre-filters that never
    drop a row the domain's exact check keeps: substrings every matching row's stored JSON contains
    (documents are compact JSON, where a quote inside a string value is always escaped).
    """

    language_id: str
    with_variant: bool = True
    without_variant: bool = False
    type_ids: tuple[str, ...] | None = None
    collection_ids: tuple[str, ...] | None = None
    workflow_steps: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    step_ids_in: tuple[str, ...] | None = None
    step_ids_not_in: tuple[str, ...] | None = None
    publishing_states: tuple[PublishingState, ...] | None = None
    archived_step_id: str = ""
    component_type_ids: tuple[str, ...] | None = None
    no_contributors: bool = False
    contributor_hints: tuple[str, ...] = ()
    term_hints: tuple[tuple[str, ...], ...] = ()
    words: tuple[str, ...] = ()
    order: FilterOrder = "item"
    descending: bool = False


@dataclass(slots=True)
class FilterRow:
    """One item-language pair a filter query found; documents only when asked for."""

    seq: int
    item_id: str
    key: str | None
    item_data: str | None
    variant_data: str | None
    type_id: str | None
    step_id: str | None
    has_variant: bool


def _json_text(dialect: SqlDialect, column: str, *path: str) -> str:
    if dialect == "sqlite":
        return f"json_extract({column}, '$.{'.'.join(path)}')"
    return f"({column}::json #>> '{{{','.join(path)}}}')"


def _like(fragment: str) -> str:
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _order_key(dialect: SqlDialect, flt: VariantFilter) -> str | None:
    """The SQL sort key (text; byte order on both backends) or None for item insertion order."""
    if flt.order == "item":
        return None
    if flt.order == "name":
        expr = f"LOWER(COALESCE({_json_text(dialect, 'i.data', 'name')}, ''))"
    elif flt.order == "last_modified":
        expr = (
            f"COALESCE({_json_text(dialect, 'v.data', 'last_modified')}, "
            f"{_json_text(dialect, 'i.data', 'last_modified')}, '')"
        )
    else:  # due_date: variants without one sort last in both directions
        missing = "''" if flt.descending else "'~'"
        expr = f"COALESCE({_json_text(dialect, 'v.data', 'due_date', 'value')}, {missing})"
    return f"({expr})" + (' COLLATE "C"' if dialect == "postgresql" else "")


def _in(column: str, values: tuple[str, ...], params: list[object], *, negate: bool = False) -> str:
    if not values:
        return "1 = 1" if negate else "1 = 0"
    params.extend(values)
    return f"{column} {'NOT IN' if negate else 'IN'} ({', '.join('?' for _ in values)})"


def _any_like(column: str, fragments: tuple[str, ...], params: list[object]) -> str:
    params.extend(_like(fragment) for fragment in fragments)
    return "(" + " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for _ in fragments) + ")"


def _conditions(dialect: SqlDialect, flt: VariantFilter, params: list[object]) -> list[str]:
    """The WHERE conditions, their parameters appended to `params` in text order.

    Conditions on the variant hold for rows with one; a row without a variant (`without_variant`)
    passes them, since it was asked for by what it lacks.
    """
    where = ["i.env_pk = ?", f"i.kind = '{ITEM_KIND}'"]
    if not flt.with_variant:
        where.append("v.item_id IS NULL")
    variant_only = not flt.without_variant
    if flt.type_ids is not None:
        column = "v.type_id" if variant_only else _json_text(dialect, "i.data", "type", "id")
        where.append(_in(column, flt.type_ids, params))
    if flt.collection_ids is not None:
        column = "v.collection_id" if variant_only else _json_text(dialect, "i.data", "collection", "id")
        where.append(_in(column, flt.collection_ids, params))
    variant: list[str] = []
    if flt.workflow_steps is not None:
        alternatives = []
        for workflow_id, step_ids in flt.workflow_steps:
            params.append(workflow_id)
            alternatives.append(f"(v.workflow_id = ? AND {_in('v.step_id', step_ids, params)})")
        variant.append("(" + (" OR ".join(alternatives) or "1 = 0") + ")")
    if flt.step_ids_in is not None:
        variant.append(_in("v.step_id", flt.step_ids_in, params))
    if flt.step_ids_not_in is not None:
        variant.append(_in("v.step_id", flt.step_ids_not_in, params, negate=True))
    if flt.publishing_states is not None:
        states = []
        for state in flt.publishing_states:
            if state == "published":
                states.append("v.published IS NOT NULL")
            else:
                params.append(flt.archived_step_id)
                operator = "=" if state == "unpublished" else "<>"
                states.append(f"(v.published IS NULL AND v.step_id {operator} ?)")
        variant.append("(" + (" OR ".join(states) or "1 = 0") + ")")
    if flt.component_type_ids is not None:
        variant.append(
            "EXISTS (SELECT 1 FROM kontent_variant_components c WHERE c.env_pk = v.env_pk "
            "AND c.item_id = v.item_id AND c.language_id = v.language_id AND "
            + _in("c.type_id", flt.component_type_ids, params)
            + ")"
        )
    if flt.no_contributors:
        variant.append(_any_like("v.data", ('"contributors":[]',), params))
    if flt.contributor_hints:
        variant.append(_any_like("v.data", flt.contributor_hints, params))
    for hints in flt.term_hints:
        variant.append(_any_like("v.data", hints, params))
    if variant and flt.without_variant:
        where.append(f"(v.item_id IS NULL OR ({' AND '.join(variant)}))")
    else:
        where.extend(variant)
    for word in flt.words:
        params.extend((_like(word), _like(word)))
        where.append("(LOWER(i.data) LIKE ? ESCAPE '\\' OR LOWER(v.data) LIKE ? ESCAPE '\\')")
    return where


async def filter_page(
    conn: Connection,
    env_pk: str,
    dialect: SqlDialect,
    flt: VariantFilter,
    after: tuple[str | None, int] | None,
    limit: int,
    *,
    documents: bool,
) -> list[FilterRow]:
    """Up to `limit` item-language pairs in the filter's order, after the keyset position `after`
    (the previous row's order key and item `seq`). Ties break on the item's insertion `seq`.

    Item order walks the `(env_pk, kind, seq)` index and stops at `limit`. The other orders are keys
    read from the stored JSON, so the database reads every candidate row the column conditions leave
    and keeps the top `limit` (cost grows with the candidates, not with the page).
    """
    key = _order_key(dialect, flt)
    join = "LEFT JOIN" if flt.without_variant else "JOIN"
    documents_sql = "i.data, v.data" if documents else "NULL, NULL"
    params: list[object] = [flt.language_id, env_pk]
    where = _conditions(dialect, flt, params)
    descending = flt.descending and key is not None
    if after is not None:
        after_key, after_seq = after
        seq_operator = "<" if descending else ">"
        if key is None:
            where.append(f"i.seq {seq_operator} ?")
            params.append(after_seq)
        else:
            where.append(f"({key} {seq_operator} ? OR ({key} = ? AND i.seq {seq_operator} ?))")
            params.extend((after_key, after_key, after_seq))
    direction = "DESC" if descending else "ASC"
    order_by = f"i.seq {direction}" if key is None else f"{key} {direction}, i.seq {direction}"
    params.append(limit)
    if dialect == "postgresql":
        # A LATERAL lookup (LIMIT 1 keeps it from being flattened into a join) pins each item's variant to
        # the unique (env, item, language) index: right after an import, before autovacuum has analyzed
        # the tables, the planner otherwise believes both sides hold one row and compares every item with
        # every variant (measured with 3,000 items: 2 s instead of 30 ms).
        source = (
            f"objects i {join} LATERAL (SELECT * FROM kontent_variants w WHERE w.env_pk = i.env_pk "
            "AND w.item_id = i.id AND w.language_id = ? LIMIT 1) v ON TRUE"
        )
    else:
        source = (
            f"objects i {join} kontent_variants v ON v.env_pk = i.env_pk AND v.item_id = i.id AND v.language_id = ?"
        )
    rows = await conn.fetchall(
        f"SELECT i.seq, i.id, {key or 'NULL'}, {documents_sql}, v.type_id, v.step_id, "
        "CASE WHEN v.item_id IS NULL THEN 0 ELSE 1 END "
        f"FROM {source} WHERE {' AND '.join(where)} ORDER BY {order_by} LIMIT ?",
        params,
    )
    return [FilterRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7])) for r in rows]


async def objects_by(
    conn: Connection, env_pk: str, kind: str, column: LookupColumn, values: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """`value → (id, data)` of the objects of one kind that a lookup column names (one statement)."""
    wanted = list(dict.fromkeys(values))
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    rows = await conn.fetchall(
        f"SELECT {column}, id, data FROM objects WHERE env_pk = ? AND kind = ? AND {column} IN ({marks})",
        (env_pk, kind, *wanted),
    )
    return {row[0]: (row[1], row[2]) for row in rows}


async def data_of_pairs(conn: Connection, env_pk: str, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The latest documents of the (item, language) variants that exist among `pairs`."""
    wanted = set(pairs)
    item_ids = sorted({item for item, _ in wanted})
    language_ids = sorted({language for _, language in wanted})
    if not wanted:
        return {}
    rows = await conn.fetchall(
        "SELECT item_id, language_id, data FROM kontent_variants WHERE env_pk = ? "
        f"AND item_id IN ({', '.join('?' for _ in item_ids)}) "
        f"AND language_id IN ({', '.join('?' for _ in language_ids)})",
        (env_pk, *item_ids, *language_ids),
    )
    return {(row[0], row[1]): row[2] for row in rows if (row[0], row[1]) in wanted}


@dataclass(slots=True)
class ForWrite:
    """An upsert's starting point, read in one statement: the item, the language, the variant if any."""

    item_id: str | None
    item_data: str | None
    language_id: str | None
    language_data: str | None
    variant: StoredVariant | None


async def for_write(
    conn: Connection, env_pk: str, item: tuple[LookupColumn, str], language: tuple[LookupColumn, str]
) -> ForWrite:
    sql, params = _addressed(env_pk, item, language)
    row = await conn.fetchone(f"SELECT i.id, i.data, l.id, l.data, {_V_COLUMNS} " + sql, params)
    if row is None:  # pragma: no cover - the anchor always yields one row
        return ForWrite(None, None, None, None, None)
    variant = _variant(row[4:]) if row[4] is not None else None
    return ForWrite(row[0], row[1], row[2], row[3], variant)
