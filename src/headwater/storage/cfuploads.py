"""Contentful uploads in `cf_uploads`: one row per uploaded file (its bytes live in the blob store).

Uploads belong to a space (the environment-scoped URL form records the environment it was posted to,
but any form of the space reads it). Expired rows are invisible to `get` and removed by `take_expired`.
"""

from __future__ import annotations

from dataclasses import dataclass

from headwater.storage.database import Connection

_FIELDS = "space_id, id, environment_id, blob_key, size, created_at, expires_at, created_by"


@dataclass(slots=True)
class StoredUpload:
    space_id: str
    id: str
    environment_id: str | None
    blob_key: str
    size: int
    created_at: str
    expires_at: str
    created_by: str


async def insert(conn: Connection, upload: StoredUpload) -> None:
    await conn.execute(
        f"INSERT INTO cf_uploads ({_FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            upload.space_id,
            upload.id,
            upload.environment_id,
            upload.blob_key,
            upload.size,
            upload.created_at,
            upload.expires_at,
            upload.created_by,
        ),
    )


async def get(conn: Connection, space_id: str, upload_id: str, now: str) -> StoredUpload | None:
    """The upload if it exists and has not expired at `now` (a stored timestamp)."""
    row = await conn.fetchone(
        f"SELECT {_FIELDS} FROM cf_uploads WHERE space_id = ? AND id = ? AND expires_at > ?",
        (space_id, upload_id, now),
    )
    if row is None:
        return None
    return StoredUpload(
        str(row[0]), str(row[1]), row[2], str(row[3]), int(row[4]), str(row[5]), str(row[6]), str(row[7])
    )


async def delete(conn: Connection, space_id: str, upload_id: str) -> bool:
    return await conn.execute("DELETE FROM cf_uploads WHERE space_id = ? AND id = ?", (space_id, upload_id)) > 0


async def take_expired(conn: Connection, space_id: str, now: str, limit: int = 100) -> list[str]:
    """Delete up to `limit` expired uploads of the space; their blob keys, for the caller to remove."""
    rows = await conn.fetchall(
        "SELECT id, blob_key FROM cf_uploads WHERE space_id = ? AND expires_at <= ? ORDER BY expires_at LIMIT ?",
        (space_id, now, limit),
    )
    for row in rows:
        await conn.execute("DELETE FROM cf_uploads WHERE space_id = ? AND id = ?", (space_id, row[0]))
    return [str(row[1]) for row in rows]
