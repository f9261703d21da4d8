"""The collection endpoints: `GET …/entries`, `…/assets`, `…/content_types` and their `public/…` forms.

A request is parsed (`query.parse`), compiled to SQL (`compile.compile_query`) and run in the database:
one count and one page read (cursor paging reads one extra row instead of counting). Items are
rendered by their family's own renderer; `public/…` collections list only published entities, render
their published document and search its `public:` index rows (`sys` stays the entity's current one,
as the families render it). `select` keeps `sys` and the named paths.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

import msgspec
from starlette.responses import Response

from headwater.contentful import sys
from headwater.contentful.paths import MASTER
from headwater.contentful.pipeline import Call, endpoint, respond
from headwater.contentful.search import query as q
from headwater.contentful.search.compile import Compiled, Scope, compile_query
from headwater.storage import cfentities
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import Connection
from headwater.storage.tenancy import Environment

COLUMNS = ", ".join(f"e.{f.name}" for f in dataclasses.fields(StoredEntity))


async def render_all(
    conn: Connection, env: Environment, kind: str, entities: list[StoredEntity], public: bool
) -> list[dict[str, Any]]:
    """Items in their family's wire form (the published document for `public/…`)."""
    # Imported here: the families import the search index, so module-level imports would be circular.
    if kind == cfentities.ENTRY:
        from headwater.contentful.entries.context import load_locales
        from headwater.contentful.entries.entries import render_entry

        locales = await load_locales(conn, env)
        if public:
            entities = [dataclasses.replace(e, data=e.published_data or e.data) for e in entities]
        return [render_entry(env, e, locales) for e in entities]
    if kind == cfentities.ASSET:
        from headwater.contentful.assets.assets import render_asset

        return [render_asset(env, e, published=public) for e in entities]
    from headwater.contentful.model.contenttypes import render_content_type

    return [render_content_type(env, e, published=public) for e in entities]


def content_type_fields(entity: StoredEntity) -> dict[str, dict[str, Any]]:
    """A content type's field definitions by id: of its activated version when it has one."""
    doc = msgspec.json.decode(entity.published_data or entity.data)
    fields = doc.get("fields") if isinstance(doc, dict) else None
    out: dict[str, dict[str, Any]] = {}
    for definition in fields if isinstance(fields, list) else []:
        if isinstance(definition, dict) and isinstance(definition.get("id"), str) and not definition.get("deleted"):
            out[definition["id"]] = definition
    return out


async def search(
    conn: Connection, dialect: str, env: Environment, query: q.Query
) -> tuple[int | None, list[StoredEntity]]:
    """Run a parsed query: (total, page) — total None in cursor mode, where the page holds one extra
    entity when a next page exists."""
    fields = None
    if query.content_type is not None:
        content_type = await cfentities.get(conn, env.pk, cfentities.CONTENT_TYPE, query.content_type)
        if content_type is None:
            raise q.unknown_content_type(query.content_type)
        fields = content_type_fields(content_type)
    scope = Scope(env.pk, query.kind, env.container_id, env.id, dialect, query.public, fields)
    compiled = compile_query(query, scope)
    total: int | None = None
    limit = query.limit
    if query.cursor:
        limit += 1
    else:
        total = await count(conn, compiled)
        if limit == 0 or query.skip >= total:
            return total, []
    rows = await conn.fetchall(
        f"SELECT {COLUMNS} FROM cf_entities e WHERE {compiled.where} ORDER BY {compiled.order} LIMIT ? OFFSET ?",
        (*compiled.params, *compiled.order_params, limit, query.skip),
    )
    return total, [StoredEntity(*row) for row in rows]


async def count(conn: Connection, compiled: Compiled) -> int:
    row = await conn.fetchone(f"SELECT COUNT(*) FROM cf_entities e WHERE {compiled.where}", compiled.params)
    return int(row[0]) if row else 0


def select(item: dict[str, Any], paths: list[tuple[str, ...]]) -> dict[str, Any]:
    """Keep `sys` and the selected paths of a rendered item."""
    out: dict[str, Any] = {"sys": item.get("sys")}
    for path in paths:
        if not path or path[0] == "sys":
            continue
        source: Any = item
        target = out
        for depth, key in enumerate(path):
            if not isinstance(source, dict) or key not in source:
                break
            source = source[key]
            if depth == len(path) - 1:
                target[key] = source
            else:
                existing = target.get(key)
                if not isinstance(existing, dict):
                    existing = target[key] = {}
                target = existing
    return out


def _page_url(call: Call, name: str, skip: int) -> str:
    params = [(k, v) for k, v in call.request.query_params.multi_items() if k not in ("pageNext", "pagePrev", "skip")]
    if not any(k == "cursor" for k, _ in params):
        params.append(("cursor", "true"))
    params.append((name, q.encode_page(skip)))
    return f"{call.request.url.path}?{urlencode(params)}"


async def _list(call: Call, kind: str, public: bool = False) -> Response:
    env_id = call.request.path_params.get("environment_id", MASTER)
    _, env = await call.environment(call.param("space_id"), env_id)
    query = q.parse(call.request.query_params.multi_items(), kind, public=public)
    async with call.services.db.read() as conn:
        total, entities = await search(conn, call.services.db.dialect, env, query)
        has_next = query.cursor and query.limit > 0 and len(entities) > query.limit
        items = await render_all(conn, env, kind, entities[: query.limit], public)
    if query.select is not None:
        items = [select(item, query.select) for item in items]
    if total is not None:
        return respond(sys.array(items, total, query.skip, query.limit))
    pages: dict[str, str] = {}
    if has_next:
        pages["next"] = _page_url(call, "pageNext", query.skip + query.limit)
    if query.skip > 0:
        pages["prev"] = _page_url(call, "pagePrev", max(0, query.skip - query.limit))
    return respond({"sys": {"type": "Array"}, "limit": query.limit, "items": items, "pages": pages})


@endpoint
async def list_entries(call: Call) -> Response:
    return await _list(call, cfentities.ENTRY)


@endpoint
async def list_public_entries(call: Call) -> Response:
    return await _list(call, cfentities.ENTRY, public=True)


@endpoint
async def list_assets(call: Call) -> Response:
    return await _list(call, cfentities.ASSET)


@endpoint
async def list_public_assets(call: Call) -> Response:
    return await _list(call, cfentities.ASSET, public=True)


@endpoint
async def list_content_types(call: Call) -> Response:
    return await _list(call, cfentities.CONTENT_TYPE)


@endpoint
async def list_public_content_types(call: Call) -> Response:
    return await _list(call, cfentities.CONTENT_TYPE, public=True)
