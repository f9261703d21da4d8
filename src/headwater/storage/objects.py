"""Environment-scoped objects of both dialects: one generic repository over the `objects` table.

Domain modules own the JSON documents; this module only stores them with the columns that lookups,
uniqueness and ordering need. Cloning an environment is one set-based statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from headwater.storage.database import Connection, Row

LookupColumn = Literal["id", "codename", "external_id"]

_COLUMNS = "seq, id, codename, external_id, position, version, data, created_at, updated_at"
_COPY_COLUMNS = "kind, id, codename, external_id, position, version, data, created_at, updated_at"


@dataclass(slots=True)
class StoredObject:
    seq: int
    id: str
    codename: str | None
    external_id: str | None
    position: int
    version: int
    data: str
    created_at: str
    updated_at: str


def _obj(row: Row) -> StoredObject:
    return StoredObject(*row)


async def get(conn: Connection, env_pk: str, kind: str, object_id: str) -> StoredObject | None:
    row = await conn.fetchone(
        f"SELECT {_COLUMNS} FROM objects WHERE env_pk = ? AND kind = ? AND id = ?", (env_pk, kind, object_id)
    )
    return _obj(row) if row else None


async def get_by(conn: Connection, env_pk: str, kind: str, column: LookupColumn, value: str) -> StoredObject | None:
    row = await conn.fetchone(
        f"SELECT {_COLUMNS} FROM objects WHERE env_pk = ? AND kind = ? AND {column} = ?", (env_pk, kind, value)
    )
    return _obj(row) if row else None


async def get_data(conn: Connection, env_pk: str, kind: str, column: LookupColumn, value: str) -> str | None:
    """Just the stored document: the hot path of single-object GETs."""
    row = await conn.fetchone(
        f"SELECT data FROM objects WHERE env_pk = ? AND kind = ? AND {column} = ?", (env_pk, kind, value)
    )
    return row[0] if row else None


async def page_after(conn: Connection, env_pk: str, kind: str, after_seq: int, limit: int) -> list[StoredObject]:
    """Keyset page in insertion order; asks for `limit` rows (callers ask one extra to detect more)."""
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM objects WHERE env_pk = ? AND kind = ? AND seq > ? ORDER BY seq LIMIT ?",
        (env_pk, kind, after_seq, limit),
    )
    return [_obj(r) for r in rows]


async def page_offset(
    conn: Connection, env_pk: str, kind: str, skip: int, limit: int
) -> tuple[int, list[StoredObject]]:
    total_row = await conn.fetchone("SELECT COUNT(*) FROM objects WHERE env_pk = ? AND kind = ?", (env_pk, kind))
    total = int(total_row[0]) if total_row else 0
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM objects WHERE env_pk = ? AND kind = ? ORDER BY seq LIMIT ? OFFSET ?",
        (env_pk, kind, limit, skip),
    )
    return total, [_obj(r) for r in rows]


async def all_of(conn: Connection, env_pk: str, kind: str, *, by_position: bool = False) -> list[StoredObject]:
    order = "position, seq" if by_position else "seq"
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM objects WHERE env_pk = ? AND kind = ? ORDER BY {order}", (env_pk, kind)
    )
    return [_obj(r) for r in rows]


async def insert(
    conn: Connection,
    env_pk: str,
    kind: str,
    object_id: str,
    data: str,
    *,
    codename: str | None = None,
    external_id: str | None = None,
    position: int = 0,
    version: int = 1,
    created_at: str,
) -> None:
    await conn.execute(
        "INSERT INTO objects (env_pk, kind, id, codename, external_id, position, version, data, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (env_pk, kind, object_id, codename, external_id, position, version, data, created_at, created_at),
    )


async def update(
    conn: Connection,
    env_pk: str,
    kind: str,
    object_id: str,
    data: str,
    *,
    codename: str | None,
    external_id: str | None,
    position: int,
    version: int,
    updated_at: str,
) -> int:
    return await conn.execute(
        "UPDATE objects SET data = ?, codename = ?, external_id = ?, position = ?, version = ?, updated_at = ? "
        "WHERE env_pk = ? AND kind = ? AND id = ?",
        (data, codename, external_id, position, version, updated_at, env_pk, kind, object_id),
    )


async def save_version(
    conn: Connection, env_pk: str, kind: str, stored: StoredObject, data: str, *, codename: str | None, updated_at: str
) -> int:
    """Store the next version of `stored`: new data and codename; same external id and position."""
    return await update(
        conn,
        env_pk,
        kind,
        stored.id,
        data,
        codename=codename,
        external_id=stored.external_id,
        position=stored.position,
        version=stored.version + 1,
        updated_at=updated_at,
    )


async def set_positions(conn: Connection, env_pk: str, kind: str, ordered_ids: list[str]) -> None:
    await conn.executemany(
        "UPDATE objects SET position = ? WHERE env_pk = ? AND kind = ? AND id = ?",
        [(index, env_pk, kind, object_id) for index, object_id in enumerate(ordered_ids)],
    )


async def delete(conn: Connection, env_pk: str, kind: str, object_id: str) -> int:
    return await conn.execute("DELETE FROM objects WHERE env_pk = ? AND kind = ? AND id = ?", (env_pk, kind, object_id))


async def clone_environment(conn: Connection, source_pk: str, target_pk: str) -> int:
    """Copy every object of one environment into another in one set-based statement."""
    return await conn.execute(
        f"INSERT INTO objects (env_pk, {_COPY_COLUMNS}) SELECT ?, {_COPY_COLUMNS} FROM objects "
        "WHERE env_pk = ? ORDER BY seq",
        (target_pk, source_pk),
    )


async def delete_environment(conn: Connection, env_pk: str) -> int:
    return await conn.execute("DELETE FROM objects WHERE env_pk = ?", (env_pk,))
