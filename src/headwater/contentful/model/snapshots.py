"""Publish snapshots of entries and content types in `cf_snapshots`, and their wire form.

Every publish (activation) records the entity as it was rendered right after it, under a fresh id;
`GET …/{entries|content_types}/{id}/snapshots[/{snapshot_id}]` serve them newest first. The entries
family reuses `record`, `page`, `get`, `render` and `delete_all` with `entity_kind` "Entry".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from headwater.contentful import errors, sys
from headwater.contentful.errors import ContentfulError
from headwater.platform import ids
from headwater.storage.database import Connection
from headwater.storage.tenancy import Environment

Doc = dict[str, Any]
_COLUMNS = "id, entity_kind, entity_id, data, created_at, created_by"


@dataclass(slots=True)
class Snapshot:
    id: str
    entity_kind: str
    entity_id: str
    data: str  # the entity's wire document (with `sys`) right after the publish
    created_at: str
    created_by: str


async def record(
    conn: Connection, env_pk: str, entity_kind: str, entity_id: str, document: Doc, user_id: str, now: str
) -> Snapshot:
    """Store `document` (the rendered entity) as a new publish snapshot; call it in the publishing
    transaction."""
    snapshot = Snapshot(
        ids.contentful_id(), entity_kind, entity_id, msgspec.json.encode(document).decode(), now, user_id
    )
    await conn.execute(
        f"INSERT INTO cf_snapshots (env_pk, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            env_pk,
            snapshot.id,
            entity_kind,
            entity_id,
            snapshot.data,
            snapshot.created_at,
            snapshot.created_by,
        ),
    )
    return snapshot


async def page(
    conn: Connection, env_pk: str, entity_kind: str, entity_id: str, skip: int, limit: int
) -> tuple[int, list[Snapshot]]:
    """One entity's snapshots, newest first, with the total."""
    where = "env_pk = ? AND entity_kind = ? AND entity_id = ?"
    params = (env_pk, entity_kind, entity_id)
    total = await conn.fetchone(f"SELECT COUNT(*) FROM cf_snapshots WHERE {where}", params)
    rows = await conn.fetchall(
        f"SELECT {_COLUMNS} FROM cf_snapshots WHERE {where} ORDER BY seq DESC LIMIT ? OFFSET ?",
        (*params, limit, skip),
    )
    return (int(total[0]) if total else 0), [Snapshot(*row) for row in rows]


async def get(conn: Connection, env_pk: str, entity_kind: str, entity_id: str, snapshot_id: str) -> Snapshot | None:
    row = await conn.fetchone(
        f"SELECT {_COLUMNS} FROM cf_snapshots WHERE env_pk = ? AND entity_kind = ? AND entity_id = ? AND id = ?",
        (env_pk, entity_kind, entity_id, snapshot_id),
    )
    return Snapshot(*row) if row else None


async def delete_all(conn: Connection, env_pk: str, entity_kind: str, entity_id: str) -> None:
    """Drop an entity's snapshots (when the entity itself is deleted)."""
    await conn.execute(
        "DELETE FROM cf_snapshots WHERE env_pk = ? AND entity_kind = ? AND entity_id = ?",
        (env_pk, entity_kind, entity_id),
    )


def render(env: Environment, snapshot: Snapshot) -> Doc:
    return {
        "sys": {
            "type": "Snapshot",
            "snapshotType": "publish",
            "snapshotEntityType": snapshot.entity_kind,
            "id": snapshot.id,
            **sys.audit(snapshot.created_by, snapshot.created_at, snapshot.created_by, snapshot.created_at),
            "space": sys.link("Space", env.container_id),
            "environment": sys.link("Environment", env.id),
        },
        "snapshot": msgspec.json.decode(snapshot.data),
    }


def not_found(env: Environment, snapshot_id: str) -> ContentfulError:
    return errors.not_found("Snapshot", snapshot_id, space=env.container_id, environment=env.id)
