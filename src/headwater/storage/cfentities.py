"""Contentful versioned entities in `cf_entities`, and their search rows in `cf_search`.

The domain (`contentful/`) owns the documents and the lifecycle rules; this module stores an entity's
lifecycle columns and documents, keeps its search rows beside it, and clones both set-based.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from headwater.storage.database import Connection, Row

CONTENT_TYPE = "ContentType"
ENTRY = "Entry"
ASSET = "Asset"
TAG = "Tag"
EDITOR_INTERFACE = "EditorInterface"

_FIELDS = (
    "kind, id, content_type_id, version, published_version, archived_version, published_counter, "
    "first_published_at, published_at, archived_at, created_at, updated_at, created_by, updated_by, "
    "published_by, archived_by, data, published_data"
)
_COLUMNS = "seq, " + _FIELDS
_SEARCH_COLUMNS = "kind, entity_id, content_type_id, path, locale, text_key, text_full, num_value"
TEXT_KEY_LENGTH = 255


@dataclass(slots=True)
class StoredEntity:
    seq: int
    kind: str
    id: str
    content_type_id: str | None
    version: int
    published_version: int | None
    archived_version: int | None
    published_counter: int
    first_published_at: str | None
    published_at: str | None
    archived_at: str | None
    created_at: str
    updated_at: str
    created_by: str
    updated_by: str
    published_by: str | None
    archived_by: str | None
    data: str
    published_data: str | None

    def values(self) -> tuple[object, ...]:
        """The stored columns after `seq`, in `_FIELDS` order."""
        return (
            self.kind,
            self.id,
            self.content_type_id,
            self.version,
            self.published_version,
            self.archived_version,
            self.published_counter,
            self.first_published_at,
            self.published_at,
            self.archived_at,
            self.created_at,
            self.updated_at,
            self.created_by,
            self.updated_by,
            self.published_by,
            self.archived_by,
            self.data,
            self.published_data,
        )


@dataclass(slots=True)
class SearchRow:
    """One searchable value: `path` like `fields.title`, `fields.author.sys.id`, `metadata.tags.sys.id`;
    `locale` empty for values that are not per locale; text, number (dates as epoch seconds) or both."""

    path: str
    locale: str
    text: str | None = None
    number: float | None = None


def _entity(row: Row) -> StoredEntity:
    return StoredEntity(*row)


async def get(conn: Connection, env_pk: str, kind: str, entity_id: str) -> StoredEntity | None:
    row = await conn.fetchone(
        f"SELECT {_COLUMNS} FROM cf_entities WHERE env_pk = ? AND kind = ? AND id = ?", (env_pk, kind, entity_id)
    )
    return _entity(row) if row else None


async def get_many(conn: Connection, env_pk: str, kind: str, entity_ids: Sequence[str]) -> list[StoredEntity]:
    if not entity_ids:
        return []
    marks = ", ".join("?" for _ in entity_ids)
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM cf_entities WHERE env_pk = ? AND kind = ? AND id IN ({marks}) ORDER BY seq",
        (env_pk, kind, *entity_ids),
    )
    return [_entity(r) for r in rows]


async def insert(conn: Connection, env_pk: str, entity: StoredEntity) -> None:
    """Raises `IntegrityViolation` when the id is taken in the environment."""
    marks = ", ".join("?" for _ in range(18))
    await conn.execute(f"INSERT INTO cf_entities (env_pk, {_FIELDS}) VALUES (?, {marks})", (env_pk, *entity.values()))


async def update(conn: Connection, env_pk: str, entity: StoredEntity) -> None:
    """Write every lifecycle column and both documents of an existing entity (addressed by kind and id)."""
    assignments = ", ".join(f"{name.strip()} = ?" for name in _FIELDS.split(",")[3:])
    await conn.execute(
        f"UPDATE cf_entities SET {assignments} WHERE env_pk = ? AND kind = ? AND id = ?",
        (*entity.values()[3:], env_pk, entity.kind, entity.id),
    )


async def delete(conn: Connection, env_pk: str, kind: str, entity_id: str) -> bool:
    await conn.execute(
        "DELETE FROM cf_search WHERE env_pk = ? AND kind = ? AND entity_id = ?", (env_pk, kind, entity_id)
    )
    return (
        await conn.execute(
            "DELETE FROM cf_entities WHERE env_pk = ? AND kind = ? AND id = ?", (env_pk, kind, entity_id)
        )
        > 0
    )


async def page(
    conn: Connection, env_pk: str, kind: str, skip: int, limit: int, content_type_id: str | None = None
) -> tuple[int, list[StoredEntity]]:
    """Offset page in creation order, with the total; optionally one content type's entities."""
    where = "env_pk = ? AND kind = ?"
    params: tuple[object, ...] = (env_pk, kind)
    if content_type_id is not None:
        where += " AND content_type_id = ?"
        params += (content_type_id,)
    total_row = await conn.fetchone(f"SELECT COUNT(*) FROM cf_entities WHERE {where}", params)
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM cf_entities WHERE {where} ORDER BY seq LIMIT ? OFFSET ?", (*params, limit, skip)
    )
    return (int(total_row[0]) if total_row else 0), [_entity(r) for r in rows]


async def count_of_content_type(conn: Connection, env_pk: str, kind: str, content_type_id: str) -> int:
    row = await conn.fetchone(
        "SELECT COUNT(*) FROM cf_entities WHERE env_pk = ? AND kind = ? AND content_type_id = ?",
        (env_pk, kind, content_type_id),
    )
    return int(row[0]) if row else 0


async def replace_search_rows(conn: Connection, env_pk: str, entity: StoredEntity, rows: Sequence[SearchRow]) -> None:
    """The entity's search rows become exactly `rows` (called in the transaction that saves it)."""
    await conn.execute(
        "DELETE FROM cf_search WHERE env_pk = ? AND kind = ? AND entity_id = ?", (env_pk, entity.kind, entity.id)
    )
    if not rows:
        return
    await conn.executemany(
        f"INSERT INTO cf_search (env_pk, {_SEARCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                env_pk,
                entity.kind,
                entity.id,
                entity.content_type_id,
                row.path,
                row.locale,
                row.text[:TEXT_KEY_LENGTH] if row.text is not None else None,
                row.text,
                row.number,
            )
            for row in rows
        ],
    )


async def clone_environment(conn: Connection, source_pk: str, target_pk: str) -> None:
    """Copy every entity and search row of one environment into another (both set-based).

    Entities and their search rows must come from the same moment. Where writers run concurrently
    (PostgreSQL, READ COMMITTED), two statements could each see a different commit of a concurrent
    entry save, so one statement copies both: a data-modifying CTE shares the statement's snapshot.
    """
    if not conn.writes_serialized:
        await conn.execute(
            f"WITH copied AS (INSERT INTO cf_entities (env_pk, {_FIELDS}) "
            f"SELECT ?, {_FIELDS} FROM cf_entities WHERE env_pk = ? ORDER BY seq RETURNING 1) "
            f"INSERT INTO cf_search (env_pk, {_SEARCH_COLUMNS}) "
            f"SELECT ?, {_SEARCH_COLUMNS} FROM cf_search WHERE env_pk = ?",
            (target_pk, source_pk, target_pk, source_pk),
        )
        return
    await conn.execute(
        f"INSERT INTO cf_entities (env_pk, {_FIELDS}) "
        f"SELECT ?, {_FIELDS} FROM cf_entities WHERE env_pk = ? ORDER BY seq",
        (target_pk, source_pk),
    )
    await conn.execute(
        f"INSERT INTO cf_search (env_pk, {_SEARCH_COLUMNS}) "
        f"SELECT ?, {_SEARCH_COLUMNS} FROM cf_search WHERE env_pk = ?",
        (target_pk, source_pk),
    )


async def delete_environment(conn: Connection, env_pk: str) -> None:
    await conn.execute("DELETE FROM cf_search WHERE env_pk = ?", (env_pk,))
    await conn.execute("DELETE FROM cf_snapshots WHERE env_pk = ?", (env_pk,))
    await conn.execute("DELETE FROM cf_entities WHERE env_pk = ?", (env_pk,))
