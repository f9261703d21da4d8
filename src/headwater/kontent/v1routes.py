"""The Management API v1 URL table: content items and their language variants (`content/v1.py`).

The project id slot is named `environment_id` because it addresses the environment the same way (the
v2 pipeline reads that name). Paths whose v1 and v2 shapes agree use the v2 handlers themselves.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from headwater.kontent.content import items, publishing, v1, variants
from headwater.kontent.model import types
from headwater.kontent.references import identifier, method_route

PREFIX = "/v1/projects/{environment_id}"
ITEM = f"{PREFIX}/items/{identifier(items.ITEM_PARAM)}"
VARIANT = f"{ITEM}/variants/{identifier(variants.LANGUAGE_PARAM)}"

routes: list[BaseRoute] = [
    method_route(f"{PREFIX}/items", {"GET": v1.list_items, "POST": v1.add_item}),
    method_route(ITEM, {"GET": v1.get_item, "PUT": v1.upsert_item, "DELETE": items.delete_item}),
    method_route(f"{ITEM}/variants", {"GET": v1.list_item_variants}),
    method_route(VARIANT, {"GET": v1.get_variant, "PUT": v1.upsert_variant, "DELETE": variants.delete_variant}),
    method_route(f"{VARIANT}/publish", {"PUT": publishing.publish_variant}),
    method_route(f"{VARIANT}/unpublish", {"PUT": publishing.unpublish_variant}),
    method_route(f"{VARIANT}/cancel-scheduled-publish", {"PUT": publishing.cancel_scheduled_publish}),
    method_route(f"{VARIANT}/new-version", {"PUT": publishing.create_new_version}),
    method_route(f"{VARIANT}/workflow/{identifier(publishing.STEP_PARAM)}", {"PUT": publishing.change_variant_step}),
    method_route(f"{PREFIX}/types/{identifier(types.TYPE_PARAM)}/variants", {"GET": v1.list_variants_by_type}),
]
