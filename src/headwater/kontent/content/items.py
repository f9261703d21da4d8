"""Content items: list (paginated), add, retrieve, upsert and delete.

An item is the language-independent shell of a piece of content: name, codename, type, collection and
an optional external id. Its content lives in language variants (`variants.py`); deleting an item
deletes every variant. Stored documents are the wire shape, so GETs return them raw. Items are created
with `references.new_object_id`, so an item referenced by external id before it exists (in linked
items or rich text) gets exactly the id those references already point at.

Writes take the environment lock first: codename and external-id uniqueness span items, and 20
clients upserting one external id at once must create exactly one item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.kontent import codenames, errors, references
from headwater.kontent.errors import KontentError
from headwater.kontent.model.elements import CONTENT_TYPE
from headwater.kontent.pipeline import Call, endpoint, list_stored, no_content, respond, respond_raw
from headwater.kontent.project.seed import COLLECTION
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import clock
from headwater.platform.ids import ZERO_GUID
from headwater.storage import objects, tenancy, variants
from headwater.storage.database import Connection
from headwater.storage.objects import StoredObject

KIND = variants.ITEM_KIND
LIST_KEY = "items"
ITEM_PARAM = "item"
NOT_FOUND_CODE = 100
MAX_NAME_LENGTH = 200
NAME_RULE = f"Provide a nonempty content item name that fits within {MAX_NAME_LENGTH} characters."

Doc = dict[str, Any]


def not_found(identifier: str) -> KontentError:
    return errors.not_found(NOT_FOUND_CODE, f"The requested content item '{_shown(identifier)}' was not found.")


def _shown(identifier: str) -> str:
    """The identifier as the hosted API names it in messages: without the `codename/` style prefix."""
    for prefix in ("codename/", "external-id/"):
        if identifier.startswith(prefix):
            return identifier.removeprefix(prefix)
    return identifier


def encode(doc: Doc) -> str:
    return msgspec.json.encode(doc).decode()


def document(
    *,
    item_id: str,
    name: str,
    codename: str,
    type_id: str,
    collection_id: str,
    external_id: str | None,
    last_modified: str,
) -> Doc:
    """The wire shape, keys in the hosted API's order; `spaces` is always an array (the SDK maps it)."""
    doc: Doc = {
        "id": item_id,
        "name": name,
        "codename": codename,
        "type": {"id": type_id},
        "collection": {"id": collection_id},
        "spaces": [],
        "sitemap_locations": [],
    }
    if external_id is not None:
        doc["external_id"] = external_id
    doc["last_modified"] = last_modified
    return doc


@dataclass(slots=True)
class ItemInput:
    """A validated add/upsert body; None means the property was absent."""

    name: str
    codename: str | None
    type_ref: Reference | None
    collection_ref: Reference | None
    external_id: str | None


def parse_input(body: Any, *, type_required: bool) -> ItemInput:
    """Check the body's shape; every problem is reported at once (400 / error_code 5).

    Unknown properties are ignored, as the hosted API ignores them: tools send a GET response back
    as an upsert body (with `id`, `spaces`, `last_modified`).
    """
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    if type_required and body.get("type") is None:
        raise KontentError(400, 0, "Provide ID of content item's content type.")
    problems: list[str] = []
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        problems.append(NAME_RULE)
    codename = body.get("codename")
    if codename is not None:
        problem = codenames.validate(codename)
        if problem is not None:
            problems.append(problem)
    raw_type = body.get("type")
    # The JavaScript tutorials (and the SDK's old upsert contract) send the type as a bare codename.
    type_ref = (
        Reference(codename=raw_type)
        if isinstance(raw_type, str) and raw_type
        else _reference(raw_type, "type", problems)
    )
    if type_ref is None and type_required and "type" not in problems and body.get("type") is None:
        raise KontentError(400, 0, "Provide ID of content item's content type.")
    collection_ref = _reference(body.get("collection"), "collection", problems)
    external_id = body.get("external_id")
    if external_id is not None:
        problem = references.validate_external_id(external_id)
        if problem is not None:
            problems.append(problem)
    sitemap = body.get("sitemap_locations")
    if sitemap is not None and not isinstance(sitemap, list):
        problems.append("The 'sitemap_locations' property must be an array of references.")
    if problems:
        raise errors.invalid(*problems)
    assert isinstance(name, str)
    return ItemInput(
        name=name,
        codename=codename if isinstance(codename, str) else None,
        type_ref=type_ref,
        collection_ref=collection_ref,
        external_id=external_id if isinstance(external_id, str) else None,
    )


def _reference(raw: Any, prop: str, problems: list[str]) -> Reference | None:
    if raw is None:
        return None
    try:
        return Reference.parse(raw)
    except InvalidReference as exc:
        problems.append(f"{prop}: {exc.message}")
        return None


async def _resolve_type(conn: Connection, env_pk: str, ref: Reference) -> str:
    stored = await references.resolve(conn, env_pk, CONTENT_TYPE, ref)
    if stored is None:
        raise errors.invalid(f"The content type {ref.describe()} does not exist.", path="type")
    return stored.id


async def _resolve_collection(conn: Connection, env_pk: str, ref: Reference | None) -> str:
    if ref is None:
        return ZERO_GUID
    stored = await references.resolve(conn, env_pk, COLLECTION, ref)
    if stored is None:
        raise errors.invalid(f"The collection {ref.describe()} does not exist.", path="collection")
    return stored.id


async def _free_codename(conn: Connection, env_pk: str, name: str, item_id: str) -> str:
    """A generated codename; only codenames sharing the base's prefix are loaded (imports add 10,000s)."""
    base = codenames.base_for(name)
    prefix = base[: codenames.MAX_LENGTH - 12]
    rows = await conn.fetchall(
        "SELECT codename FROM objects WHERE env_pk = ? AND kind = ? AND codename LIKE ?",
        (env_pk, KIND, prefix + "%"),
    )
    taken = {row[0] for row in rows}
    return codenames.generate(name, taken, item_id)


async def _check_unique(
    conn: Connection, env_pk: str, item_id: str, codename: str | None, external_id: str | None
) -> None:
    if codename is not None:
        other = await objects.get_by(conn, env_pk, KIND, "codename", codename)
        if other is not None and other.id != item_id:
            raise errors.invalid(f"A content item with the codename '{codename}' already exists.", path="codename")
    if external_id is not None:
        other = await objects.get_by(conn, env_pk, KIND, "external_id", external_id)
        if other is not None and other.id != item_id:
            raise errors.invalid(
                f"A content item with the external_id '{external_id}' already exists.", path="external_id"
            )


# -- add ------------------------------------------------------------------------------------------


async def add(conn: Connection, env_pk: str, new: ItemInput, now: str) -> Doc:
    await tenancy.lock_environment(conn, env_pk)
    return await _create(conn, env_pk, new, new.external_id, now)


async def _create(conn: Connection, env_pk: str, new: ItemInput, external_id: str | None, now: str) -> Doc:
    if new.type_ref is None:
        raise KontentError(400, 0, "Provide ID of content item's content type.")
    type_id = await _resolve_type(conn, env_pk, new.type_ref)
    collection_id = await _resolve_collection(conn, env_pk, new.collection_ref)
    item_id = references.new_object_id(KIND, external_id)
    if await objects.get(conn, env_pk, KIND, item_id) is not None:
        # Only possible for an external id whose item was deleted and is re-created: same id again.
        raise errors.invalid(f"A content item with the external_id '{external_id}' already exists.")
    await _check_unique(conn, env_pk, item_id, new.codename, external_id)
    codename = new.codename or await _free_codename(conn, env_pk, new.name, item_id)
    doc = document(
        item_id=item_id,
        name=new.name,
        codename=codename,
        type_id=type_id,
        collection_id=collection_id,
        external_id=external_id,
        last_modified=clock.kontent(now),
    )
    await objects.insert(
        conn, env_pk, KIND, item_id, encode(doc), codename=codename, external_id=external_id, created_at=now
    )
    return doc


# -- upsert ---------------------------------------------------------------------------------------


async def upsert(conn: Connection, env_pk: str, identifier: str, body: Any, now: str) -> tuple[Doc, bool]:
    """Update the item the identifier names, or create it when it is an unknown external id.

    Returns (document, created). A repeated identical upsert changes nothing (not even
    `last_modified`), so an import can be rerun and gets the same object back.
    """
    ref = references.parse_identifier(identifier)
    new = parse_input(body, type_required=False)
    if ref is None:
        raise not_found(identifier)
    await tenancy.lock_environment(conn, env_pk)
    stored = await references.resolve(conn, env_pk, KIND, ref)
    if stored is None:
        if ref.external_id is None:
            raise not_found(identifier)
        if new.external_id is not None and new.external_id != ref.external_id:
            raise errors.invalid(
                "The external_id in the body differs from the external id in the URL.", path="external_id"
            )
        return await _create(conn, env_pk, new, ref.external_id, now), True
    return await _update(conn, env_pk, stored, new, now), False


async def _update(conn: Connection, env_pk: str, stored: StoredObject, new: ItemInput, now: str) -> Doc:
    previous: Doc = msgspec.json.decode(stored.data)
    if new.type_ref is not None:
        type_id = await _resolve_type(conn, env_pk, new.type_ref)
        if type_id != previous["type"]["id"]:
            raise errors.invalid("The content type of an existing content item cannot be changed.", path="type")
    if new.external_id is not None and new.external_id != stored.external_id:
        raise errors.invalid(
            "External IDs cannot be upserted into existing items."
            if stored.external_id is None
            else "The external_id of an existing content item cannot be changed.",
            path="external_id",
        )
    collection_id = (
        previous["collection"]["id"]
        if new.collection_ref is None
        else await _resolve_collection(conn, env_pk, new.collection_ref)
    )
    codename = new.codename if new.codename is not None else previous["codename"]
    await _check_unique(conn, env_pk, stored.id, codename, None)
    doc = document(
        item_id=stored.id,
        name=new.name,
        codename=codename,
        type_id=previous["type"]["id"],
        collection_id=collection_id,
        external_id=stored.external_id,
        last_modified=previous["last_modified"],
    )
    if doc == previous:
        return previous
    doc["last_modified"] = clock.kontent(now)
    await objects.save_version(conn, env_pk, KIND, stored, encode(doc), codename=codename, updated_at=now)
    if collection_id != previous["collection"]["id"]:
        await variants.set_collection(conn, env_pk, stored.id, collection_id)
    return doc


# -- delete ---------------------------------------------------------------------------------------


async def delete(conn: Connection, env_pk: str, identifier: str) -> None:
    ref = references.parse_identifier(identifier)
    if ref is None:
        raise not_found(identifier)
    await tenancy.lock_environment(conn, env_pk)
    stored = await references.resolve(conn, env_pk, KIND, ref)
    if stored is None:
        raise not_found(identifier)
    await variants.delete_item(conn, env_pk, stored.id)
    await objects.delete(conn, env_pk, KIND, stored.id)


async def find(conn: Connection, env_pk: str, identifier: str) -> StoredObject:
    """The stored item a URL identifier names, or the reference 404 (code 100)."""
    ref = references.parse_identifier(identifier)
    stored = await references.resolve(conn, env_pk, KIND, ref) if ref is not None else None
    if stored is None:
        raise not_found(identifier)
    return stored


async def collection_is_used(conn: Connection, env_pk: str, collection_id: str) -> bool:
    """Whether any item is assigned to the collection (compact JSON, so the match is exact).

    A scan, but only when a collection is removed, which is rare.
    """
    row = await conn.fetchone(
        "SELECT 1 FROM objects WHERE env_pk = ? AND kind = ? AND data LIKE ? LIMIT 1",
        (env_pk, KIND, f'%"collection":{{"id":"{collection_id}"}}%'),
    )
    return row is not None


# -- handlers -------------------------------------------------------------------------------------


@endpoint
async def list_items(call: Call) -> Response:
    return await list_stored(call, KIND, LIST_KEY)


@endpoint
async def add_item(call: Call) -> Response:
    new = parse_input(await call.json(), type_required=True)
    async with call.services.db.write() as conn:
        doc = await add(conn, call.env.pk, new, clock.stamp())
    return respond(doc, 201)


@endpoint
async def get_item(call: Call) -> Response:
    identifier = call.param(ITEM_PARAM)
    ref = references.parse_identifier(identifier)
    data = None
    if ref is not None:
        async with call.services.db.read() as conn:
            data = await references.resolve_data(conn, call.env.pk, KIND, ref)
    if data is None:
        raise not_found(identifier)
    return respond_raw(data)


@endpoint
async def upsert_item(call: Call) -> Response:
    body = await call.json()
    async with call.services.db.write() as conn:
        doc, created = await upsert(conn, call.env.pk, call.param(ITEM_PARAM), body, clock.stamp())
    return respond(doc, 201 if created else 200)


@endpoint
async def delete_item(call: Call) -> Response:
    async with call.services.db.write() as conn:
        await delete(conn, call.env.pk, call.param(ITEM_PARAM))
    return no_content()
