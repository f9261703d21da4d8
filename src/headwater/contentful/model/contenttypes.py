"""Content types: list, create (POST; PUT with an id), get, update (versioned), delete (not while
active), activate/deactivate (`…/published`), the activated list (`public/content_types`) and publish
snapshots.

Stored as kind `ContentType` in `cf_entities`: `data` is the draft document (`fields.parse`),
`published_data` the activated one, which entries of the type follow. An activation also creates or
updates the type's editor interface and records a snapshot, in the same transaction.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from headwater.contentful import errors, lifecycle, sys
from headwater.contentful.model import access, editorinterfaces, fields, snapshots
from headwater.contentful.model.problems import regexp
from headwater.contentful.pagination import skip_limit
from headwater.contentful.pipeline import Call, endpoint, no_content, respond
from headwater.contentful.search import index
from headwater.platform import clock, ids
from headwater.storage import cfentities
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import Connection, IntegrityViolation
from headwater.storage.tenancy import Environment

Doc = dict[str, Any]
KIND = cfentities.CONTENT_TYPE
# Content types per environment are few (the hosted API caps them in the hundreds), so the activated
# list filters one bounded read.


def render_content_type(env: Environment, entity: StoredEntity, *, published: bool = False) -> Doc:
    """The wire form of the draft (or, with `published`, of the activated version)."""
    raw = entity.published_data if published and entity.published_data is not None else entity.data
    doc = msgspec.json.decode(raw)
    urn = f"crn:contentful:::content:spaces/{env.container_id}/environments/{env.id}/content_types/{entity.id}"
    return {"sys": {**lifecycle.base_sys("ContentType", env, entity), "urn": urn}, **doc}


def has_entries() -> errors.ContentfulError:
    return errors.bad_request("Content Type has entries")


# -- handlers --------------------------------------------------------------------------------------


@endpoint
async def get_content_type(call: Call) -> Response:
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    async with call.services.db.read() as conn:
        entity = await cfentities.get(conn, env.pk, KIND, content_type_id)
    if entity is None:
        raise access.content_type_not_found(env, content_type_id)
    return respond(render_content_type(env, entity))


@endpoint
async def create_content_type(call: Call) -> Response:
    env = await access.environment(call)
    doc = fields.check_published(fields.parse(await call.json_object()), None)
    async with call.services.db.write() as conn:
        entity = await _insert(conn, env, ids.contentful_id(), doc, call.user_id)
    return respond(render_content_type(env, entity), 201)


@endpoint
async def put_content_type(call: Call) -> Response:
    """Create with the URL's id (201), or a versioned full replacement of the draft (200)."""
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    body = await call.json_object()
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await cfentities.get(conn, env.pk, KIND, content_type_id)
        if entity is None:
            if not ids.is_contentful_id(content_type_id):
                raise errors.validation_failed([regexp(["sys", "id"], content_type_id, ids.CONTENTFUL_ID_RE.pattern)])
            doc = fields.check_published(fields.parse(body), None)
            created = await _insert(conn, env, content_type_id, doc, call.user_id)
            return respond(render_content_type(env, created), 201)
        lifecycle.check_version(entity, expected)
        published = msgspec.json.decode(entity.published_data) if entity.published_data is not None else None
        doc = fields.check_published(fields.parse(body), published)
        entity.data = msgspec.json.encode(doc).decode()
        lifecycle.touch(entity, call.user_id, clock.stamp())
        await index.save(conn, env.pk, entity, created=False)
    return respond(render_content_type(env, entity))


@endpoint
async def delete_content_type(call: Call) -> Response:
    """204; refused while active. A version header is optional but must match when sent."""
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, content_type_id)
        if expected is not None:
            lifecycle.check_version(entity, expected)
        lifecycle.check_deletable(entity)
        await cfentities.delete(conn, env.pk, KIND, content_type_id)
        await editorinterfaces.delete_of(conn, env, content_type_id)
        await snapshots.delete_all(conn, env.pk, KIND, content_type_id)
    return no_content()


@endpoint
async def activate_content_type(call: Call) -> Response:
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    expected = call.version(required=True)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, content_type_id)
        lifecycle.check_version(entity, expected)
        doc = msgspec.json.decode(entity.data)
        renames = fields.apply_renames(doc)
        if renames:
            entity.data = msgspec.json.encode(doc).decode()
        now = clock.stamp()
        lifecycle.publish(entity, call.user_id, now)
        await index.save(conn, env.pk, entity, created=False)
        if renames:
            await _rename_entry_fields(conn, env, content_type_id, renames)
        await editorinterfaces.on_activation(conn, env, content_type_id, doc["fields"], call.user_id, renames)
        rendered = render_content_type(env, entity)
        await snapshots.record(conn, env.pk, KIND, content_type_id, rendered, call.user_id, now)
    return respond(rendered)


@endpoint
async def deactivate_content_type(call: Call) -> Response:
    """Refused while the type has entries; a version header is optional but must match when sent."""
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, content_type_id)
        if expected is not None:
            lifecycle.check_version(entity, expected)
        if lifecycle.is_published(entity) and await cfentities.count_of_content_type(
            conn, env.pk, cfentities.ENTRY, content_type_id
        ):
            raise has_entries()
        lifecycle.unpublish(entity, call.user_id, clock.stamp())
        await index.save(conn, env.pk, entity, created=False)
    return respond(render_content_type(env, entity))


@endpoint
async def list_snapshots(call: Call) -> Response:
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    skip, limit = skip_limit(call.request, default_limit=100)
    async with call.services.db.read() as conn:
        await _existing(conn, env, content_type_id)
        total, page = await snapshots.page(conn, env.pk, KIND, content_type_id, skip, limit)
    return respond(sys.array([snapshots.render(env, s) for s in page], total, skip, limit))


@endpoint
async def get_snapshot(call: Call) -> Response:
    env = await access.environment(call)
    content_type_id = call.param("content_type_id")
    snapshot_id = call.param("snapshot_id")
    async with call.services.db.read() as conn:
        await _existing(conn, env, content_type_id)
        snapshot = await snapshots.get(conn, env.pk, KIND, content_type_id, snapshot_id)
    if snapshot is None:
        raise snapshots.not_found(env, snapshot_id)
    return respond(snapshots.render(env, snapshot))


# -- helpers ---------------------------------------------------------------------------------------


RENAME_BATCH = 500


async def _rename_entry_fields(
    conn: Connection, env: Environment, content_type_id: str, renames: dict[str, str]
) -> None:
    """Move the values of renamed fields to their new ids in every entry of the type (draft and
    published documents; versions unchanged), rebuilding their search rows."""
    skip = 0
    while True:
        _total, batch = await cfentities.page(conn, env.pk, cfentities.ENTRY, skip, RENAME_BATCH, content_type_id)
        for entry in batch:
            entry.data = _renamed(entry.data, renames)
            if entry.published_data is not None:
                entry.published_data = _renamed(entry.published_data, renames)
            await index.save(conn, env.pk, entry, created=False)
        if len(batch) < RENAME_BATCH:
            return
        skip += RENAME_BATCH


def _renamed(data: str, renames: dict[str, str]) -> str:
    doc = msgspec.json.decode(data)
    values = doc.get("fields")
    if isinstance(values, dict):
        targets = set(renames.values())
        doc["fields"] = {
            renames.get(key, key): value
            for key, value in values.items()
            if key in renames or key not in targets  # a stale value under a new id gives way
        }
    return msgspec.json.encode(doc).decode()


async def _existing(conn: Connection, env: Environment, content_type_id: str) -> StoredEntity:
    entity = await cfentities.get(conn, env.pk, KIND, content_type_id)
    if entity is None:
        raise access.content_type_not_found(env, content_type_id)
    return entity


async def _insert(conn: Connection, env: Environment, content_type_id: str, doc: Doc, user_id: str) -> StoredEntity:
    now = clock.stamp()
    entity = StoredEntity(
        0, KIND, content_type_id, None, 1, None, None, 0, None, None, None, now, now, user_id, user_id,
        None, None, msgspec.json.encode(doc).decode(), None,
    )  # fmt: skip
    try:
        await index.save(conn, env.pk, entity, created=True)
    except IntegrityViolation:
        raise errors.version_mismatch() from None
    return entity
