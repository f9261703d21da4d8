"""What of an entity is searchable: its `cf_search` rows, rebuilt in the transaction that saves it.

Every save of a content type, entry, asset or tag goes through `save`, so the index never lags the
documents. Values are flattened per field and locale: one row per scalar, per array element, per link
(`fields.f.sys.id`), per tag (`metadata.tags.sys.id`); rich text contributes its plain text and its
links.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from headwater.storage import cfentities
from headwater.storage.cfentities import SearchRow, StoredEntity
from headwater.storage.database import Connection


async def save(conn: Connection, env_pk: str, entity: StoredEntity, *, created: bool) -> None:
    """Insert or update the entity and replace its search rows (raises `IntegrityViolation` on a taken id)."""
    if created:
        await cfentities.insert(conn, env_pk, entity)
    else:
        await cfentities.update(conn, env_pk, entity)
    await cfentities.replace_search_rows(conn, env_pk, entity, rows_for(entity))


def rows_for(entity: StoredEntity) -> list[SearchRow]:
    doc = msgspec.json.decode(entity.data)
    if not isinstance(doc, dict):
        return []
    rows: list[SearchRow] = []
    fields = doc.get("fields")
    if entity.kind in (cfentities.ENTRY, cfentities.ASSET) and isinstance(fields, dict):
        for field_id, per_locale in fields.items():
            if not isinstance(per_locale, dict):
                continue
            for locale, value in per_locale.items():
                _value_rows(f"fields.{field_id}", locale, value, rows)
    elif entity.kind == cfentities.CONTENT_TYPE:
        for key in ("name", "description", "displayField"):
            if isinstance(doc.get(key), str):
                rows.append(SearchRow(key, "", text=doc[key]))
    elif entity.kind == cfentities.TAG and isinstance(doc.get("name"), str):
        rows.append(SearchRow("name", "", text=doc["name"]))
    metadata = doc.get("metadata")
    if isinstance(metadata, dict):
        for tag in metadata.get("tags") or []:
            tag_id = _link_id(tag)
            if tag_id is not None:
                rows.append(SearchRow("metadata.tags.sys.id", "", text=tag_id))
    return rows


def _link_id(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("sys"), dict) and value["sys"].get("type") == "Link":
        link_id = value["sys"].get("id")
        return link_id if isinstance(link_id, str) else None
    return None


def _value_rows(path: str, locale: str, value: Any, rows: list[SearchRow]) -> None:
    if isinstance(value, bool):
        rows.append(SearchRow(path, locale, text="true" if value else "false"))
    elif isinstance(value, int | float):
        rows.append(SearchRow(path, locale, number=float(value)))
    elif isinstance(value, str):
        rows.append(SearchRow(path, locale, text=value, number=epoch_seconds(value)))
    elif isinstance(value, list):
        for element in value:
            _value_rows(path, locale, element, rows)
    elif isinstance(value, dict):
        link_id = _link_id(value)
        if link_id is not None:
            rows.append(SearchRow(f"{path}.sys.id", locale, text=link_id))
        elif value.get("nodeType") == "document":
            _rich_text_rows(path, locale, value, rows)
        elif isinstance(value.get("lat"), int | float) and isinstance(value.get("lon"), int | float):
            rows.append(SearchRow(f"{path}.lat", locale, number=float(value["lat"])))
            rows.append(SearchRow(f"{path}.lon", locale, number=float(value["lon"])))


def _rich_text_rows(path: str, locale: str, document: dict[str, Any], rows: list[SearchRow]) -> None:
    texts: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        if node.get("nodeType") == "text" and isinstance(node.get("value"), str):
            texts.append(node["value"])
        target = (node.get("data") or {}).get("target") if isinstance(node.get("data"), dict) else None
        link_id = _link_id(target)
        if link_id is not None:
            rows.append(SearchRow(f"{path}.links", locale, text=link_id))
        for child in node.get("content") or []:
            walk(child)

    walk(document)
    rows.append(SearchRow(path, locale, text=" ".join(texts)))


def epoch_seconds(text: str) -> float | None:
    """An ISO 8601 date or date-time as epoch seconds (UTC when no offset is given); None otherwise."""
    if len(text) < 10 or not text[:4].isdigit() or text[4] != "-":
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
