"""`GET …/entries/{id}/references?include=N`: the entry, and the entries and assets it links to,
followed `include` levels deep (1 to 10), each once, in `includes.Entry` / `includes.Asset`. An
unknown entry id is an empty array, not a 404 (what the JS SDK's own integration test expects).

Links are found anywhere in the draft's field values (link fields, arrays of links, rich text
targets); links to entities that do not exist are skipped.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from headwater.contentful import errors, sys
from headwater.contentful.assets.assets import render_asset
from headwater.contentful.entries.context import load_locales
from headwater.contentful.entries.entries import not_found, render_entry
from headwater.contentful.model import access
from headwater.contentful.pagination import skip_limit
from headwater.contentful.pipeline import Call, endpoint, respond
from headwater.platform import ids
from headwater.platform.requests import parse_wire_int
from headwater.storage import cfentities
from headwater.storage.cfentities import StoredEntity

Doc = dict[str, Any]
MAX_INCLUDE = 10
PAGE_LIMIT = 100


def links_of(entity: StoredEntity) -> list[tuple[str, str]]:
    """`(linkType, id)` of every Entry/Asset link in the entity's draft fields, in document order."""
    found: list[tuple[str, str]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            link_sys = value.get("sys")
            if (
                isinstance(link_sys, dict)
                and link_sys.get("type") == "Link"
                and link_sys.get("linkType") in ("Entry", "Asset")
                and isinstance(link_sys.get("id"), str)
            ):
                found.append((link_sys["linkType"], link_sys["id"]))
                return
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(msgspec.json.decode(entity.data).get("fields") or {})
    return found


@endpoint
async def get_references(call: Call) -> Response:
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    skip_limit(call.request, default_limit=PAGE_LIMIT)  # accepted like any list's, and as strictly
    raw = call.request.query_params.get("include")
    include = parse_wire_int(raw) if raw is not None else 1
    if include is None or not 1 <= include <= MAX_INCLUDE:
        raise errors.bad_request(f"The include parameter must be an integer between 1 and {MAX_INCLUDE}.")
    async with call.services.db.read() as conn:
        root = await cfentities.get(conn, env.pk, cfentities.ENTRY, entry_id)
        if root is None:
            if not ids.is_contentful_id(entry_id):  # no entry can have it: the entry's own 404
                raise not_found(env, entry_id)
            return respond(sys.array([], 0, 0, PAGE_LIMIT))
        locales = await load_locales(conn, env)
        seen: set[tuple[str, str]] = {("Entry", root.id)}
        entries: list[StoredEntity] = []
        assets: list[StoredEntity] = []
        frontier = [root]
        for _ in range(include):
            wanted: dict[str, list[str]] = {"Entry": [], "Asset": []}
            for entity in frontier:
                for key in links_of(entity):
                    if key not in seen:
                        seen.add(key)
                        wanted[key[0]].append(key[1])
            found_entries = await cfentities.get_many(conn, env.pk, cfentities.ENTRY, wanted["Entry"])
            assets += await cfentities.get_many(conn, env.pk, cfentities.ASSET, wanted["Asset"])
            entries += found_entries
            frontier = found_entries
            if not frontier:
                break
    includes: Doc = {}
    if entries:
        includes["Entry"] = [render_entry(env, e, locales) for e in entries]
    if assets:
        includes["Asset"] = [render_asset(env, a, locales) for a in assets]
    body: Doc = sys.array([render_entry(env, root, locales)], 1, 0, PAGE_LIMIT)
    if includes:
        body["includes"] = includes
    return respond(body)
