"""Entries: create (POST with `X-Contentful-Content-Type`; PUT with an id), get, update (PUT full
replacement; PATCH JSON Patch), delete (not while published), publish/unpublish (whole entry or some
locales), archive/unarchive, publish snapshots.

Stored as kind `Entry` in `cf_entities`: `data` is the draft `{fields, metadata}` with values under
locale internal codes, `published_data` the same as last published; `content_type_id` names the type.
Every state change costs one version (`lifecycle`). Writes to existing entries hold the environment's
lock, so version checks and the `unique` rule cannot race.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from headwater.contentful import errors, lifecycle, sys
from headwater.contentful.entries import jsonpatch, publishvalidation, structure
from headwater.contentful.entries.context import (
    ContentType,
    Locales,
    content_type_not_found,
    entry_content_type,
    load_content_type,
    load_locales,
)
from headwater.contentful.errors import ContentfulError
from headwater.contentful.model import access, snapshots
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
KIND = cfentities.ENTRY
EMPTY_METADATA: Doc = {"tags": [], "concepts": []}


# -- wire form -------------------------------------------------------------------------------------


def entry_urn(env: Environment, entry_id: str) -> str:
    return f"crn:contentful:::content:spaces/{env.container_id}/environments/{env.id}/entries/{entry_id}"


def field_status(entity: StoredEntity, codes: list[str], draft: Doc | None = None) -> Doc:
    """Per locale, how the draft's values compare with the published ones: `draft` (the locale is not
    published), `published` (its values are unchanged since), `changed`. A metadata-only update leaves
    every locale `published`, as recorded. `draft` is the decoded `entity.data` when the caller has it."""
    if entity.published_version is None or entity.published_data is None:
        return {"*": dict.fromkeys(codes, "draft")}
    draft_values = _by_locale(draft if draft is not None else msgspec.json.decode(entity.data))
    published_values = _by_locale(msgspec.json.decode(entity.published_data))
    out: Doc = {}
    for code in codes:
        mine, theirs = draft_values.get(code), published_values.get(code)
        if theirs is None and mine is not None:
            out[code] = "draft"
        else:
            out[code] = "published" if (mine or {}) == (theirs or {}) else "changed"
    return {"*": out}


def _by_locale(doc: Doc) -> dict[str, Doc]:
    """`{locale: {field: value}}` of a stored document."""
    out: dict[str, Doc] = {}
    for field_id, per_locale in (doc.get("fields") or {}).items():
        if isinstance(per_locale, dict):
            for locale, value in per_locale.items():
                out.setdefault(locale, {})[field_id] = value
    return out


def _locales_of(doc: Doc) -> set[str]:
    return {locale for per in (doc.get("fields") or {}).values() if isinstance(per, dict) for locale in per}


def render_entry(env: Environment, entity: StoredEntity, locales: Locales | None = None) -> Doc:
    """The wire entry. `locales` (from `load_locales`) maps stored locale keys to the current codes and
    lists every locale in `fieldStatus`; without it, stored keys are shown as they are (they differ only
    after a locale's code was renamed)."""
    doc = msgspec.json.decode(entity.data)
    stored = doc.get("fields") or {}
    if locales is not None:
        fields = locales.wire_fields(stored)
        codes = locales.codes
        status = field_status(entity, [locales.to_internal[c] for c in codes], doc)
        status = {"*": {locales.to_wire.get(k, k): v for k, v in status["*"].items()}}
    else:
        fields = stored
        codes = sorted(_locales_of(doc))
        status = field_status(entity, codes, doc)
    metadata = doc.get("metadata") or EMPTY_METADATA
    out_sys = lifecycle.base_sys("Entry", env, entity)
    out_sys["fieldStatus"] = status
    out_sys["automationTags"] = []
    out_sys["contentType"] = sys.link("ContentType", entity.content_type_id or "")
    out_sys["urn"] = entry_urn(env, entity.id)
    return {"metadata": {**EMPTY_METADATA, **metadata}, "sys": out_sys, "fields": fields}


def _encode(locales: Locales, fields: Doc, metadata: Doc) -> str:
    return msgspec.json.encode({"fields": locales.stored_fields(fields), "metadata": metadata}).decode()


def _stored_metadata(entity: StoredEntity) -> Doc:
    metadata: Doc = msgspec.json.decode(entity.data).get("metadata") or dict(EMPTY_METADATA)
    return metadata


def not_found(env: Environment, entry_id: str) -> ContentfulError:
    return errors.not_found("Entry", entry_id, space=env.container_id, environment=env.id)


# -- handlers --------------------------------------------------------------------------------------


@endpoint
async def get_entry(call: Call) -> Response:
    env = await access.environment(call)
    async with call.services.db.read() as conn:
        entity = await _existing(conn, env, call.param("entry_id"))
        locales = await load_locales(conn, env)
    return respond(render_entry(env, entity, locales))


@endpoint
async def create_entry(call: Call) -> Response:
    env = await access.environment(call)
    content_type_id = _content_type_header(call)
    body = await call.json_object()
    async with call.services.db.write() as conn:
        entity, locales = await _create(conn, env, ids.contentful_id(), content_type_id, body, call.user_id)
    return respond(render_entry(env, entity, locales), 201)


@endpoint
async def put_entry(call: Call) -> Response:
    """Create with the URL's id (201, needs `X-Contentful-Content-Type`), or a versioned full replacement
    of the draft's fields and metadata (200)."""
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    body = await call.json_object()
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await cfentities.get(conn, env.pk, KIND, entry_id)
        if entity is None:
            if not ids.is_contentful_id(entry_id):
                raise errors.validation_failed([regexp(["sys", "id"], entry_id, ids.CONTENTFUL_ID_RE.pattern)])
            created, locales = await _create(conn, env, entry_id, _content_type_header(call), body, call.user_id)
            return respond(render_entry(env, created, locales), 201)
        lifecycle.check_version(entity, expected)
        lifecycle.check_updatable(entity)
        locales = await load_locales(conn, env)
        content_type = await entry_content_type(conn, env, entity.content_type_id)
        stored = locales.wire_fields(msgspec.json.decode(entity.data).get("fields") or {})
        fields, metadata = structure.parse_body(body, content_type, locales, stored)
        await _save_draft(conn, env, entity, locales, fields, metadata, call.user_id)
    return respond(render_entry(env, entity, locales))


@endpoint
async def patch_entry(call: Call) -> Response:
    """RFC 6902 JSON Patch on the wire `{fields, metadata}`; versioned, checked like a full update."""
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    operations = await call.json()
    expected = call.version(required=True)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, entry_id)
        lifecycle.check_version(entity, expected)
        lifecycle.check_updatable(entity)
        locales = await load_locales(conn, env)
        content_type = await entry_content_type(conn, env, entity.content_type_id)
        current = render_entry(env, entity, locales)
        wire = {"fields": current["fields"], "metadata": current["metadata"]}
        patched = jsonpatch.apply(wire, operations, call.services.settings.max_body_bytes)
        if not isinstance(patched, dict):
            raise jsonpatch.patch_failed("the result is not an object")
        fields, metadata = structure.parse_body(patched, content_type, locales, current["fields"])
        await _save_draft(conn, env, entity, locales, fields, metadata or dict(EMPTY_METADATA), call.user_id)
    return respond(render_entry(env, entity, locales))


@endpoint
async def delete_entry(call: Call) -> Response:
    """204; refused while published. A version header is optional (the SDKs send none) but must match."""
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, entry_id)
        if expected is not None:
            lifecycle.check_version(entity, expected)
        lifecycle.check_deletable(entity)
        await cfentities.delete(conn, env.pk, KIND, entry_id)
        await snapshots.delete_all(conn, env.pk, KIND, entry_id)
    return no_content()


@endpoint
async def publish_entry(call: Call) -> Response:
    """Publish the whole draft, or (body `{add|remove: {fields: {"*": [locales]}}}`) some locales."""
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    body = await _optional_body(call)
    change = _locale_change(body)
    expected = call.version(required=True)
    now = clock.stamp()
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, entry_id)
        lifecycle.check_version(entity, expected)
        if lifecycle.is_archived(entity):
            raise lifecycle.bad_request("Cannot publish archived")
        locales = await load_locales(conn, env)
        content_type = await entry_content_type(conn, env, entity.content_type_id)
        if change is None:
            await _publish_all(conn, env, entity, locales, content_type, call.user_id, now)
        else:
            await _publish_locales(conn, env, entity, locales, content_type, change, call.user_id, now)
        await index.save(conn, env.pk, entity, created=False)
        if entity.published_data is not None:
            rendered = render_entry(env, entity, locales)
            await snapshots.record(conn, env.pk, KIND, entity.id, rendered, call.user_id, now)
    return respond(render_entry(env, entity, locales))


@endpoint
async def unpublish_entry(call: Call) -> Response:
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, entry_id)
        if expected is not None:
            lifecycle.check_version(entity, expected)
        lifecycle.unpublish(entity, call.user_id, clock.stamp())
        await index.save(conn, env.pk, entity, created=False)
        locales = await load_locales(conn, env)
    return respond(render_entry(env, entity, locales))


@endpoint
async def archive_entry(call: Call) -> Response:
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, entry_id)
        if expected is not None:
            lifecycle.check_version(entity, expected)
        lifecycle.archive(entity, call.user_id, clock.stamp())
        await index.save(conn, env.pk, entity, created=False)
        locales = await load_locales(conn, env)
    return respond(render_entry(env, entity, locales))


@endpoint
async def unarchive_entry(call: Call) -> Response:
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await access.lock(conn, env)
        entity = await _existing(conn, env, entry_id)
        if expected is not None:
            lifecycle.check_version(entity, expected)
        lifecycle.unarchive(entity, call.user_id, clock.stamp())
        await index.save(conn, env.pk, entity, created=False)
        locales = await load_locales(conn, env)
    return respond(render_entry(env, entity, locales))


@endpoint
async def list_snapshots(call: Call) -> Response:
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    skip, limit = skip_limit(call.request, default_limit=100)
    async with call.services.db.read() as conn:
        await _existing(conn, env, entry_id)
        total, page = await snapshots.page(conn, env.pk, KIND, entry_id, skip, limit)
    return respond(sys.array([snapshots.render(env, s) for s in page], total, skip, limit))


@endpoint
async def get_snapshot(call: Call) -> Response:
    env = await access.environment(call)
    entry_id = call.param("entry_id")
    snapshot_id = call.param("snapshot_id")
    async with call.services.db.read() as conn:
        await _existing(conn, env, entry_id)
        snapshot = await snapshots.get(conn, env.pk, KIND, entry_id, snapshot_id)
    if snapshot is None:
        raise snapshots.not_found(env, snapshot_id)
    return respond(snapshots.render(env, snapshot))


# -- domain ----------------------------------------------------------------------------------------


async def _existing(conn: Connection, env: Environment, entry_id: str) -> StoredEntity:
    entity = await cfentities.get(conn, env.pk, KIND, entry_id)
    if entity is None:
        raise not_found(env, entry_id)
    return entity


def _content_type_header(call: Call) -> str:
    content_type_id = call.request.headers.get("x-contentful-content-type", "").strip()
    if not content_type_id:
        raise content_type_not_found()
    return content_type_id


async def _create(
    conn: Connection, env: Environment, entry_id: str, content_type_id: str, body: Doc, user_id: str
) -> tuple[StoredEntity, Locales]:
    content_type = await load_content_type(conn, env, content_type_id)
    locales = await load_locales(conn, env)
    fields, metadata = structure.parse_body(body, content_type, locales)
    now = clock.stamp()
    entity = StoredEntity(
        0, KIND, entry_id, content_type_id, 1, None, None, 0, None, None, None, now, now, user_id, user_id,
        None, None, _encode(locales, fields, metadata or dict(EMPTY_METADATA)), None,
    )  # fmt: skip
    try:
        await index.save(conn, env.pk, entity, created=True)
    except IntegrityViolation:
        raise errors.version_mismatch() from None
    return entity, locales


async def _save_draft(
    conn: Connection,
    env: Environment,
    entity: StoredEntity,
    locales: Locales,
    fields: Doc,
    metadata: Doc | None,
    user_id: str,
) -> None:
    entity.data = _encode(locales, fields, metadata if metadata is not None else _stored_metadata(entity))
    lifecycle.touch(entity, user_id, clock.stamp())
    await index.save(conn, env.pk, entity, created=False)


async def _publish_all(
    conn: Connection,
    env: Environment,
    entity: StoredEntity,
    locales: Locales,
    content_type: ContentType,
    user_id: str,
    now: str,
) -> None:
    fields = locales.wire_fields(msgspec.json.decode(entity.data).get("fields") or {})
    await publishvalidation.check_publishable(conn, env.pk, entity, content_type, locales, fields)
    lifecycle.publish(entity, user_id, now)


async def _publish_locales(
    conn: Connection,
    env: Environment,
    entity: StoredEntity,
    locales: Locales,
    content_type: ContentType,
    change: tuple[str, list[str]],
    user_id: str,
    now: str,
) -> None:
    """Locale-based publishing: the published document takes (`add`) or drops (`remove`) the draft's
    values of the named locales; the others keep their published values. Removing every published
    locale unpublishes the entry."""
    action, codes = change
    unknown = [c for c in codes if c not in locales.to_internal]
    if unknown:
        raise errors.validation_failed(
            [
                {"name": "unknown", "path": ["fields", "*", c], "details": f'The locale "{c}" does not exist'}
                for c in unknown
            ]
        )
    draft = msgspec.json.decode(entity.data)
    published = msgspec.json.decode(entity.published_data) if entity.published_data is not None else {"fields": {}}
    chosen = {locales.to_internal[c] for c in codes}
    merged: Doc = {}
    for field_id in {*draft.get("fields", {}), *published.get("fields", {})}:
        per: Doc = {}
        for locale, value in (published.get("fields", {}).get(field_id) or {}).items():
            if locale not in chosen:
                per[locale] = value
        if action == "add":
            for locale, value in (draft.get("fields", {}).get(field_id) or {}).items():
                if locale in chosen:
                    per[locale] = value
        if per:
            merged[field_id] = per
    document = {"fields": merged, "metadata": draft.get("metadata") or dict(EMPTY_METADATA)}
    if action == "remove" and not _locales_of(document):
        lifecycle.unpublish(entity, user_id, now)
        return
    if action == "add":
        fields = locales.wire_fields(merged)
        publishing = {locales.to_wire[k] for k in _locales_of(document) if k in locales.to_wire} | set(codes)
        await publishvalidation.check_publishable(conn, env.pk, entity, content_type, locales, fields, publishing)
    elif not lifecycle.is_published(entity):
        raise lifecycle.bad_request("Not published")
    lifecycle.publish(entity, user_id, now)
    entity.published_data = msgspec.json.encode(document).decode()


async def _optional_body(call: Call) -> Any:
    """The JSON body when one was sent (the SDKs send none, or `null`, to publish a whole entry)."""
    length = call.request.headers.get("content-length")
    if length is None and "transfer-encoding" not in call.request.headers:
        return None
    if length is not None and length.strip() == "0":
        return None
    return await call.json()


def _locale_change(body: Any) -> tuple[str, list[str]] | None:
    """`("add"|"remove", [locale codes])` from a locale-based (un)publish body; None for a whole publish
    (no body, `null`, or `{}` as the Python SDK sends)."""
    if body is None or body == {}:
        return None
    if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in ("add", "remove"):
        raise errors.bad_request('The body must be {"add"|"remove": {"fields": {"*": [locale codes]}}}.')
    action = next(iter(body))
    spec = body[action]
    codes = spec.get("fields", {}).get("*") if isinstance(spec, dict) and isinstance(spec.get("fields"), dict) else None
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        raise errors.bad_request('The body must be {"add"|"remove": {"fields": {"*": [locale codes]}}}.')
    return action, codes
