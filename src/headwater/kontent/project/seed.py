"""What every new Kontent.ai environment starts with: the default language, collection and workflow.

Stored documents are the wire shape itself (responses always reference by id), so single-object
GETs can return the stored JSON unchanged.
"""

from __future__ import annotations

import msgspec

from headwater.kontent.content import workflows
from headwater.platform.ids import ZERO_GUID
from headwater.storage import objects
from headwater.storage.database import Connection

LANGUAGE = "language"
COLLECTION = "collection"
META = "meta"
COLLECTIONS_META_ID = "collections"

DEFAULT_LANGUAGE_NAME = "Default project language"
DEFAULT_LANGUAGE_CODENAME = "default"


async def seed_environment(conn: Connection, env_pk: str, now: str) -> None:
    language = {
        "id": ZERO_GUID,
        "name": DEFAULT_LANGUAGE_NAME,
        "codename": DEFAULT_LANGUAGE_CODENAME,
        "is_active": True,
        "is_default": True,
        "fallback_language": {"id": ZERO_GUID},
    }
    await objects.insert(
        conn,
        env_pk,
        LANGUAGE,
        ZERO_GUID,
        msgspec.json.encode(language).decode(),
        codename=DEFAULT_LANGUAGE_CODENAME,
        created_at=now,
    )
    collection = {"id": ZERO_GUID, "name": "Default", "codename": "default"}
    await objects.insert(
        conn,
        env_pk,
        COLLECTION,
        ZERO_GUID,
        msgspec.json.encode(collection).decode(),
        codename="default",
        position=0,
        created_at=now,
    )
    await objects.insert(
        conn,
        env_pk,
        META,
        COLLECTIONS_META_ID,
        msgspec.json.encode({"last_modified": now}).decode(),
        created_at=now,
    )
    await workflows.insert_default(conn, env_pk, now)
