"""Paginated variant listings: by content type, by component type, by collection, by space.

Keyset pages over `kontent_variants.seq` (insertion order), continuation tokens minted per listing
(the token names the listing and its filter, so a token from one list is a 1007 in another).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response

from headwater.kontent import errors, pagination, references
from headwater.kontent.model import types
from headwater.kontent.model.elements import CONTENT_TYPE
from headwater.kontent.pipeline import Call, endpoint, respond_raw
from headwater.kontent.project.seed import COLLECTION
from headwater.storage import variants
from headwater.storage.database import Connection
from headwater.storage.variants import StoredVariant

LIST_KEY = "variants"
COLLECTION_PARAM = "collection"
SPACE_PARAM = "space"
SPACE_NOT_FOUND_CODE = 121

Fetch = Callable[[Connection, int, int], Awaitable[list[StoredVariant]]]


async def _page(call: Call, token_kind: str, fetch: Fetch) -> Response:
    after = pagination.after_seq(call.request, token_kind)
    size = call.services.settings.kontent_page_size
    async with call.services.db.read() as conn:
        rows = await fetch(conn, after, size + 1)
    token = None
    if len(rows) > size:
        rows = rows[:size]
        token = pagination.encode_token(token_kind, rows[-1].seq)
    return respond_raw(pagination.Page(rows, token).wire(LIST_KEY, call.request))


async def _type_id(call: Call) -> str:
    identifier = call.param(types.TYPE_PARAM)
    ref = references.parse_identifier(identifier)
    stored = None
    if ref is not None:
        async with call.services.db.read() as conn:
            stored = await references.resolve(conn, call.env.pk, CONTENT_TYPE, ref)
    if stored is None:
        raise types.TYPES.not_found(identifier)
    return stored.id


@endpoint
async def list_by_type(call: Call) -> Response:
    type_id = await _type_id(call)
    env_pk = call.env.pk
    return await _page(
        call,
        f"variants:type:{type_id}",
        lambda conn, after, limit: variants.page_by(conn, env_pk, "type_id", type_id, after, limit),
    )


@endpoint
async def list_with_components(call: Call) -> Response:
    type_id = await _type_id(call)
    env_pk = call.env.pk
    return await _page(
        call,
        f"variants:components:{type_id}",
        lambda conn, after, limit: variants.page_with_component_type(conn, env_pk, type_id, after, limit),
    )


@endpoint
async def list_by_collection(call: Call) -> Response:
    identifier = call.param(COLLECTION_PARAM)
    ref = references.parse_identifier(identifier)
    stored = None
    if ref is not None:
        async with call.services.db.read() as conn:
            stored = await references.resolve(conn, call.env.pk, COLLECTION, ref)
    if stored is None:
        shown = identifier.split("/", 1)[1] if "/" in identifier else identifier
        raise errors.KontentError(404, 0, f"The requested content collection '{shown}' was not found.")
    collection_id = stored.id
    env_pk = call.env.pk
    return await _page(
        call,
        f"variants:collection:{collection_id}",
        lambda conn, after, limit: variants.page_by(conn, env_pk, "collection_id", collection_id, after, limit),
    )


@endpoint
async def list_by_space(call: Call) -> Response:
    """Spaces are not built yet, so no space exists: every space is the reference's 404 (code 121)."""
    identifier = call.param(SPACE_PARAM)
    ref = references.parse_identifier(identifier)
    shown = ref.describe() if ref is not None else identifier
    raise errors.not_found(SPACE_NOT_FOUND_CODE, f"The requested space '{shown}' was not found.")
