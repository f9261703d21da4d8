"""The search URL table (joined into `contentful/routes.py` before the families' own tables, so these
collection routes answer `GET` on the collection paths)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from headwater.contentful.paths import BASES
from headwater.contentful.search import listing

routes: list[BaseRoute] = []
for _base in BASES:
    routes += [
        Route(_base + "/entries", listing.list_entries, methods=["GET"]),
        Route(_base + "/public/entries", listing.list_public_entries, methods=["GET"]),
        Route(_base + "/assets", listing.list_assets, methods=["GET"]),
        Route(_base + "/public/assets", listing.list_public_assets, methods=["GET"]),
        Route(_base + "/content_types", listing.list_content_types, methods=["GET"]),
        Route(_base + "/public/content_types", listing.list_public_content_types, methods=["GET"]),
    ]
