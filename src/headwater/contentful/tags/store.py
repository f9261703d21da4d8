"""Tag queries beyond `cfentities`: every tag of an environment, and whether any entry or asset links one.

Tags are few per environment (the hosted API allows 1000), so listings filter and order them in
Python after one indexed read. References are found through the search index: every entry and asset
save writes one `cf_search` row per tag link (`path = 'metadata.tags.sys.id'`).
"""

from __future__ import annotations

from headwater.storage import cfentities
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import Connection

TAG_PATH = "metadata.tags.sys.id"
# Far above the hosted per-environment limit of 1000 tags; one read lists them all.
ALL = 1_000_000


async def all_tags(conn: Connection, env_pk: str) -> list[StoredEntity]:
    _, tags = await cfentities.page(conn, env_pk, cfentities.TAG, 0, ALL)
    return tags


async def is_referenced(conn: Connection, env_pk: str, tag_id: str) -> bool:
    """True when an entry or asset of the environment carries a link to the tag."""
    row = await conn.fetchone(
        "SELECT 1 FROM cf_search WHERE env_pk = ? AND kind IN (?, ?) AND path = ? AND text_key = ? LIMIT 1",
        (env_pk, cfentities.ENTRY, cfentities.ASSET, TAG_PATH, tag_id),
    )
    return row is not None
