"""Management API v1 (`/v1/projects/{project_id}/items…`): the v2 items and variants, in v1 shapes.

Older tools still call v1. The domain is one: a v1 write is a v2 write and is visible through v2 (and
the other way round). Only the wire shapes differ, and only by absence, so v1 is a filter over v2:

- a content item has no `collection` and no `spaces` (the v1 item object: id, name, codename, type,
  sitemap_locations, external_id, last_modified);
- a language variant has only item, language, elements, last_modified and `workflow_step` (no
  `workflow`, `schedule`, `due_date`, `contributors`, `note`);
- request bodies are read as v1 defines them: properties v1 does not know (an item's `collection`, a
  variant's `workflow`, `due_date`, `note`, `contributors`) are ignored, as the hosted API ignores
  unknown properties, so a v1 write never moves a variant or an item the way only v2 can.

In a v1 URL the project id addresses the environment exactly as the v2 environment id does (on the
hosted service a project's id is the id of its production environment), so routes name the slot
`environment_id` and the v2 pipeline serves them unchanged. Element values, identifiers in URLs
(`{id}`, `codename/{c}`, `external-id/{e}`), errors, status codes and continuation tokens are those of
v2. Endpoints whose shapes do not differ (deletes, publishing and workflow moves, all 204) are served
by the v2 handlers directly (see `kontent/v1routes.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from headwater.kontent.content import items, variantlists, variants
from headwater.kontent.pipeline import Call, endpoint, respond
from headwater.platform import clock

Doc = dict[str, Any]
ASGIHandler = Callable[[Request], Awaitable[Response]]

ITEM_KEYS = frozenset(("id", "name", "codename", "type", "sitemap_locations", "external_id", "last_modified"))
ITEM_BODY_KEYS = ("name", "codename", "type", "sitemap_locations", "external_id")
VARIANT_KEYS = frozenset(("item", "language", "elements", "workflow_step", "last_modified"))
VARIANT_BODY_KEYS = ("elements",)
_PASSED_HEADERS = frozenset(("content-length", "content-type"))


# -- shapes ---------------------------------------------------------------------------------------


def item_shape(doc: Doc) -> Doc:
    """A v2 item document as v1 sends it (stored key order kept)."""
    return {key: value for key, value in doc.items() if key in ITEM_KEYS}


def variant_shape(doc: Doc) -> Doc:
    """A v2 variant document as v1 sends it (stored key order kept)."""
    return {key: value for key, value in doc.items() if key in VARIANT_KEYS}


def v1_body(body: Any, keys: tuple[str, ...]) -> Any:
    """Only the properties v1 defines; anything but an object goes on to v2's own shape check."""
    if not isinstance(body, dict):
        return body
    return {key: body[key] for key in keys if key in body}


def _item_list(body: Doc) -> Doc:
    return {"items": [item_shape(doc) for doc in body["items"]], "pagination": body["pagination"]}


def _variant_list(body: list[Doc]) -> list[Doc]:
    return [variant_shape(doc) for doc in body]


def _variant_page(body: Doc) -> Doc:
    return {"variants": [variant_shape(doc) for doc in body["variants"]], "pagination": body["pagination"]}


# -- reads: the v2 handlers, answers reshaped -----------------------------------------------------


def reshaped(v2_handler: ASGIHandler, shape: Callable[[Any], Any]) -> ASGIHandler:
    """A v2 read endpoint whose 200 body is turned into its v1 shape; errors pass through as v2 made them.

    The v2 handler runs the whole pipeline (key, environment, rate limit), so a v1 read costs one v2
    read plus a decode and an encode of its answer.
    """

    async def run(request: Request) -> Response:
        response = await v2_handler(request)
        if response.status_code != 200:
            return response
        out = respond(shape(msgspec.json.decode(bytes(response.body))))
        for key, value in response.headers.items():
            if key not in _PASSED_HEADERS:
                out.headers[key] = value
        return out

    run.__name__ = f"v1_{v2_handler.__name__}"
    run.__doc__ = v2_handler.__doc__
    return run


list_items = reshaped(items.list_items, _item_list)
get_item = reshaped(items.get_item, item_shape)
list_item_variants = reshaped(variants.list_item_variants, _variant_list)
get_variant = reshaped(variants.get_variant, variant_shape)
list_variants_by_type = reshaped(variantlists.list_by_type, _variant_page)


# -- writes: the v2 domain functions with v1 bodies -----------------------------------------------


@endpoint
async def add_item(call: Call) -> Response:
    new = items.parse_input(v1_body(await call.json(), ITEM_BODY_KEYS), type_required=True)
    async with call.services.db.write() as conn:
        doc = await items.add(conn, call.env.pk, new, clock.stamp())
    return respond(item_shape(doc), 201)


@endpoint
async def upsert_item(call: Call) -> Response:
    body = v1_body(await call.json(), ITEM_BODY_KEYS)
    async with call.services.db.write() as conn:
        doc, created = await items.upsert(conn, call.env.pk, call.param(items.ITEM_PARAM), body, clock.stamp())
    return respond(item_shape(doc), 201 if created else 200)


@endpoint
async def upsert_variant(call: Call) -> Response:
    body = v1_body(await call.json(), VARIANT_BODY_KEYS)
    async with call.services.db.write() as conn:
        doc, created = await variants.upsert(
            conn,
            call.env.pk,
            call.param(items.ITEM_PARAM),
            call.param(variants.LANGUAGE_PARAM),
            body,
            clock.stamp(),
        )
    return respond(variant_shape(doc), 201 if created else 200)
