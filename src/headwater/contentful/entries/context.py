"""What an entry is checked against: the environment's locales and its content type's fields.

Entries store their values under each locale's `internal_code`, which never changes, so renaming a
locale's public `code` keeps its content; the wire uses the current codes. The fields of a content
type are those of its activated (published) version; hosted entries cannot be written for a content
type that was never activated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from headwater.contentful.errors import ContentfulError
from headwater.contentful.space import seed
from headwater.storage import cfentities, objects
from headwater.storage.database import Connection
from headwater.storage.tenancy import Environment

Doc = dict[str, Any]


@dataclass(slots=True)
class Locales:
    """The environment's locales by wire code (in creation order) and the internal-code mapping."""

    default: str
    codes: list[str]
    optional: set[str]
    to_internal: dict[str, str]
    to_wire: dict[str, str]

    def wire_fields(self, stored: Doc) -> Doc:
        """Stored `{field: {internal_code: value}}` as the wire shows it (values of gone locales dropped)."""
        out: Doc = {}
        for field_id, per_locale in stored.items():
            if isinstance(per_locale, dict):
                out[field_id] = {self.to_wire[k]: v for k, v in per_locale.items() if k in self.to_wire}
        return out

    def stored_fields(self, wire: Doc) -> Doc:
        """Checked wire fields in their stored form."""
        return {f: {self.to_internal[k]: v for k, v in per.items()} for f, per in wire.items()}


async def load_locales(conn: Connection, env: Environment) -> Locales:
    codes: list[str] = []
    optional: set[str] = set()
    to_internal: dict[str, str] = {}
    default = ""
    for obj in await objects.all_of(conn, env.pk, seed.LOCALE):
        fields = msgspec.json.decode(obj.data)["fields"]
        code = fields["code"]
        codes.append(code)
        to_internal[code] = fields.get("internal_code") or code
        if fields.get("default"):
            default = code
        if fields.get("optional"):
            optional.add(code)
    return Locales(default, codes, optional, to_internal, {v: k for k, v in to_internal.items()})


@dataclass(slots=True)
class ContentType:
    id: str
    fields: list[Doc]  # the activated version's fields, without deleted ones
    display_field: str | None

    def field(self, field_id: str) -> Doc | None:
        return next((f for f in self.fields if f.get("id") == field_id), None)


def content_type_not_found() -> ContentfulError:
    return ContentfulError(400, "BadRequest", "The content type you sent could not be found or was not activated.", {})


def content_type_of(entity: cfentities.StoredEntity | None, *, activated_only: bool = True) -> ContentType | None:
    """The content type's activated fields (or, when `activated_only` is off and it never was
    activated, its draft's)."""
    if entity is None:
        return None
    text = entity.published_data
    if text is None:
        if activated_only:
            return None
        text = entity.data
    doc = msgspec.json.decode(text)
    fields = [f for f in doc.get("fields") or [] if isinstance(f, dict) and not f.get("deleted")]
    return ContentType(entity.id, fields, doc.get("displayField"))


async def load_content_type(conn: Connection, env: Environment, content_type_id: str) -> ContentType:
    """The activated content type an entry is written for (400 when missing or never activated)."""
    found = content_type_of(await cfentities.get(conn, env.pk, cfentities.CONTENT_TYPE, content_type_id))
    if found is None:
        raise content_type_not_found()
    return found


async def entry_content_type(conn: Connection, env: Environment, content_type_id: str | None) -> ContentType:
    """The content type of an existing entry (its draft if it lost its activation, no fields if gone)."""
    entity = await cfentities.get(conn, env.pk, cfentities.CONTENT_TYPE, content_type_id or "")
    return content_type_of(entity, activated_only=False) or ContentType(content_type_id or "", [], None)
