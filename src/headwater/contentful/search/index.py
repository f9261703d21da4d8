"""What of an entity is searchable: its `cf_search` rows, rebuilt in the transaction that saves it.

Every save of a content type, entry, asset or tag goes through `save`, so the index never lags the
documents. Values are flattened per field and locale: one row per scalar, per array element, per link
(`fields.f.sys.id`), per tag (`metadata.tags.sys.id`); rich text contributes its plain text and its
links. Besides, every link an entry or asset carries (in any field, rich text included) gets a row
`links.Entry` / `links.Asset` (for `links_to_entry` / `links_to_asset`), an asset file its
`fields.file.*` properties and its `mimetype_group`, and every distinct word of the entity's text a
`query` row (for `query=`, matched by word prefix through the text index).

The draft document's rows carry their plain paths; a published document (`published_data`) adds the
same rows again under `PUBLISHED + path`, which the `public/…` collections search.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import msgspec

from headwater.storage import cfentities
from headwater.storage.cfentities import SearchRow, StoredEntity
from headwater.storage.database import Connection

PUBLISHED = "public:"
LINKS = "links."
MIMETYPE_GROUP = "mimetype_group"
# `query=` full text: one row per distinct word (casefolded) of the entity's text values.
WORDS = "query"
MAX_WORDS = 2000
MAX_WORD_LENGTH = 64
_WORD = re.compile(r"\w+")
# Text rows that are not prose: link ids, rich text link ids, file URLs and MIME types.
_NOT_PROSE = (".sys.id", ".links", "fields.file.url", "fields.file.contentType")

# Contentful's asset groups, by MIME type (exact types first, then the major type).
_MIME_GROUPS = {
    "application/pdf": "pdfdocument",
    "application/msword": "richtext",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "richtext",
    "application/rtf": "richtext",
    "application/vnd.oasis.opendocument.text": "richtext",
    "application/vnd.ms-excel": "spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet": "spreadsheet",
    "text/csv": "spreadsheet",
    "application/vnd.ms-powerpoint": "presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "presentation",
    "application/vnd.oasis.opendocument.presentation": "presentation",
    "application/zip": "archive",
    "application/x-zip-compressed": "archive",
    "application/gzip": "archive",
    "application/x-gzip": "archive",
    "application/x-tar": "archive",
    "application/x-7z-compressed": "archive",
    "application/x-rar-compressed": "archive",
    "application/vnd.rar": "archive",
    "application/json": "code",
    "application/javascript": "code",
    "text/javascript": "code",
    "text/css": "code",
    "application/x-sh": "code",
    "text/x-python": "code",
    "text/html": "markup",
    "application/xhtml+xml": "markup",
    "application/xml": "markup",
    "text/xml": "markup",
    "text/markdown": "markup",
    "text/plain": "plaintext",
}
_MAJOR_GROUPS = {"image": "image", "audio": "audio", "video": "video", "text": "plaintext"}
MIMETYPE_GROUPS = (
    "attachment",
    "plaintext",
    "image",
    "audio",
    "video",
    "richtext",
    "presentation",
    "spreadsheet",
    "pdfdocument",
    "archive",
    "code",
    "markup",
)


async def save(conn: Connection, env_pk: str, entity: StoredEntity, *, created: bool) -> None:
    """Insert or update the entity and replace its search rows (raises `IntegrityViolation` on a taken id)."""
    if created:
        await cfentities.insert(conn, env_pk, entity)
    else:
        await cfentities.update(conn, env_pk, entity)
    await cfentities.replace_search_rows(conn, env_pk, entity, rows_for(entity))


def mimetype_group(content_type: str) -> str:
    """The Contentful asset group of a MIME type (`attachment` when nothing more specific fits)."""
    base = content_type.split(";", 1)[0].strip().lower()
    if base in _MIME_GROUPS:
        return _MIME_GROUPS[base]
    return _MAJOR_GROUPS.get(base.split("/", 1)[0], "attachment")


def rows_for(entity: StoredEntity) -> list[SearchRow]:
    rows = document_rows(entity.kind, entity.data)
    if entity.published_data is not None:
        for row in document_rows(entity.kind, entity.published_data):
            row.path = PUBLISHED + row.path
            rows.append(row)
    return rows


def document_rows(kind: str, data: str) -> list[SearchRow]:
    doc = msgspec.json.decode(data)
    if not isinstance(doc, dict):
        return []
    rows: list[SearchRow] = []
    fields = doc.get("fields")
    if kind in (cfentities.ENTRY, cfentities.ASSET) and isinstance(fields, dict):
        for field_id, per_locale in fields.items():
            if not isinstance(per_locale, dict):
                continue
            for locale, value in per_locale.items():
                if kind == cfentities.ASSET and field_id == "file" and isinstance(value, dict):
                    _file_rows(locale, value, rows)
                else:
                    _value_rows(f"fields.{field_id}", locale, value, rows)
    elif kind == cfentities.CONTENT_TYPE:
        for key in ("name", "description", "displayField"):
            if isinstance(doc.get(key), str):
                rows.append(SearchRow(key, "", text=doc[key]))
    elif kind == cfentities.TAG and isinstance(doc.get("name"), str):
        rows.append(SearchRow("name", "", text=doc["name"]))
    _word_rows(kind, rows)
    metadata = doc.get("metadata")
    if isinstance(metadata, dict):
        for tag in metadata.get("tags") or []:
            tag_link = _link(tag)
            if tag_link is not None:
                rows.append(SearchRow("metadata.tags.sys.id", "", text=tag_link[1]))
    return rows


def words(text: str) -> list[str]:
    """The words `query=` matches: runs of letters, digits and `_`, casefolded."""
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(text.casefold())]


def _word_rows(kind: str, rows: list[SearchRow]) -> None:
    if kind not in (cfentities.ENTRY, cfentities.ASSET, cfentities.CONTENT_TYPE):
        return
    seen: dict[str, None] = {}
    for row in rows:
        if len(seen) >= MAX_WORDS:
            break
        prose = row.path.startswith("fields.") if kind != cfentities.CONTENT_TYPE else row.path != "displayField"
        if row.text is None or not prose or row.path.endswith(_NOT_PROSE) or row.path in _NOT_PROSE:
            continue
        for word in words(row.text):
            seen[word] = None
            if len(seen) >= MAX_WORDS:
                break
    rows.extend(SearchRow(WORDS, "", text=word) for word in seen)


def _link(value: Any) -> tuple[str, str] | None:
    """(linkType, id) of a link object; None for anything else."""
    if isinstance(value, dict) and isinstance(value.get("sys"), dict) and value["sys"].get("type") == "Link":
        link_id = value["sys"].get("id")
        link_type = value["sys"].get("linkType")
        if isinstance(link_id, str):
            return (link_type if isinstance(link_type, str) else ""), link_id
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
        link = _link(value)
        if link is not None:
            rows.append(SearchRow(f"{path}.sys.id", locale, text=link[1]))
            if link[0]:
                rows.append(SearchRow(LINKS + link[0], locale, text=link[1]))
        elif value.get("nodeType") == "document":
            _rich_text_rows(path, locale, value, rows)
        elif isinstance(value.get("lat"), int | float) and isinstance(value.get("lon"), int | float):
            rows.append(SearchRow(f"{path}.lat", locale, number=float(value["lat"])))
            rows.append(SearchRow(f"{path}.lon", locale, number=float(value["lon"])))
        else:  # a JSON object or a resource link: only its presence is searchable (`[exists]`)
            rows.append(SearchRow(path, locale))


def _file_rows(locale: str, file: dict[str, Any], rows: list[SearchRow]) -> None:
    for key in ("fileName", "contentType", "url"):
        if isinstance(file.get(key), str):
            rows.append(SearchRow(f"fields.file.{key}", locale, text=file[key]))
    details = file.get("details")
    if isinstance(details, dict):
        if isinstance(details.get("size"), int | float) and not isinstance(details["size"], bool):
            rows.append(SearchRow("fields.file.details.size", locale, number=float(details["size"])))
        image = details.get("image")
        if isinstance(image, dict):
            for key in ("width", "height"):
                if isinstance(image.get(key), int | float) and not isinstance(image[key], bool):
                    rows.append(SearchRow(f"fields.file.details.image.{key}", locale, number=float(image[key])))
    if isinstance(file.get("contentType"), str):
        rows.append(SearchRow(MIMETYPE_GROUP, locale, text=mimetype_group(file["contentType"])))


def _rich_text_rows(path: str, locale: str, document: dict[str, Any], rows: list[SearchRow]) -> None:
    texts: list[str] = []

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        if node.get("nodeType") == "text" and isinstance(node.get("value"), str):
            texts.append(node["value"])
        target = (node.get("data") or {}).get("target") if isinstance(node.get("data"), dict) else None
        link = _link(target)
        if link is not None:
            rows.append(SearchRow(f"{path}.links", locale, text=link[1]))
            if link[0]:
                rows.append(SearchRow(LINKS + link[0], locale, text=link[1]))
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
