"""Space-level listings that export tools read by default: `GET /spaces/{s}/webhook_definitions` and
`GET /spaces/{s}/roles`.

Headwater has no webhooks and no custom roles yet, so both answer an empty collection (with `total`,
`skip` and `limit`, which contentful-export pages by) for any space the token's user may see. Empty
rather than the hosted default roles: contentful-import would try to create every listed role in the
target space.
"""

from __future__ import annotations

from starlette.responses import Response

from headwater.contentful import sys
from headwater.contentful.pagination import skip_limit
from headwater.contentful.pipeline import Call, endpoint, respond


async def _empty(call: Call) -> Response:
    await call.space(call.param("space_id"))
    skip, limit = skip_limit(call.request, default_limit=100)
    return respond(sys.array([], 0, skip, limit))


@endpoint
async def list_webhook_definitions(call: Call) -> Response:
    return await _empty(call)


@endpoint
async def list_roles(call: Call) -> Response:
    return await _empty(call)
