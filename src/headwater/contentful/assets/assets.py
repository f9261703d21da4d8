"""Assets: create (`POST`, `PUT` with an id), get, update (versioned `PUT`), delete, publish/unpublish,
archive/unarchive, under `/spaces/{s}[/environments/{e}]/assets/{id}`.

An asset is a `cf_entities` row of kind `Asset` whose document is `{"fields": {"title", "description",
"file": {locale: {...}}}, "metadata": {"tags", "concepts"}}`. A file is saved as sent: before processing
it names its source (`upload`: a URL, or `uploadFrom`: a Link to an Upload) next to `fileName` and
`contentType`; processing (`processing.py`) replaces the source with `url` and `details`. Checks on save
are structural (422 `InvalidEntry` with `details.errors`): only the three asset fields, locales that
exist in the environment, text where text belongs, a file object with a string `fileName`. The
version arithmetic and the state rules are `contentful.lifecycle`'s. Lists are the search family's
(`render_asset` is shared with it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.contentful import errors, lifecycle
from headwater.contentful.bodies import reject_unknown_keys
from headwater.contentful.entries.context import Locales, load_locales
from headwater.contentful.entries.entries import field_status
from headwater.contentful.errors import ContentfulError
from headwater.contentful.paths import MASTER
from headwater.contentful.pipeline import Call, endpoint, no_content, respond
from headwater.contentful.search import index
from headwater.platform import clock, ids
from headwater.storage import cfentities, tenancy
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import Connection, IntegrityViolation
from headwater.storage.tenancy import Environment

Doc = dict[str, Any]
KIND = cfentities.ASSET
WRITABLE_KEYS = {"fields", "metadata"}
TEXT_FIELDS = {"title": "Symbol", "description": "Text"}
FILE_FIELD = "file"
FILE_TEXT_KEYS = ("fileName", "contentType", "upload", "url")
MAX_FILE_NAME = 255


# -- rendering -----------------------------------------------------------------------------------


def empty_metadata() -> Doc:
    return {"tags": [], "concepts": []}


def render_asset(
    env: Environment, entity: StoredEntity, locales: Locales | None = None, *, published: bool = False
) -> Doc:
    """The wire form of an asset: its draft, or (`published=True`, for `public/assets`) the document
    as last published; `sys` is the entity's current one either way. Like entries, values are stored
    under each locale's `internal_code`: `locales` (`entries.context.load_locales`) maps them to the
    current codes; without it stored keys are shown as they are (they differ only after a rename)."""
    raw = entity.published_data if published and entity.published_data is not None else entity.data
    doc = msgspec.json.decode(raw)
    stored = doc.get("fields") or {}
    if locales is not None:
        fields = locales.wire_fields(stored)
        status = field_status(entity, [locales.to_internal[c] for c in locales.codes])
        status = {"*": {locales.to_wire.get(k, k): v for k, v in status["*"].items()}}
    else:
        fields = stored
        status = field_status(entity, sorted({k for per in stored.values() if isinstance(per, dict) for k in per}))
    out_sys = lifecycle.base_sys("Asset", env, entity)
    out_sys["fieldStatus"] = status
    return {"metadata": doc.get("metadata") or empty_metadata(), "sys": out_sys, "fields": fields}


def encode(doc: Doc) -> str:
    return msgspec.json.encode(doc).decode()


# -- body checks ---------------------------------------------------------------------------------


def invalid_entry(problems: list[Doc]) -> ContentfulError:
    return ContentfulError(422, "InvalidEntry", "Validation error", {"errors": problems})


def _type_error(path: Sequence[str | int], value: Any, expected: str) -> Doc:
    return {
        "name": "type",
        "value": value,
        "type": expected,
        "details": f'The type of "{path[-1]}" is incorrect, expected type: {expected}',
        "path": path,
    }


def _unknown(path: list[str]) -> Doc:
    return {"name": "unknown", "path": path, "details": f'The property "{path[-1]}" is not allowed here.'}


def _required(path: list[str]) -> Doc:
    return {"name": "required", "path": path, "details": f'The property "{path[-1]}" is required here'}


def is_upload_link(value: Any) -> bool:
    if not isinstance(value, dict) or set(value) != {"sys"} or not isinstance(value["sys"], dict):
        return False
    link = value["sys"]
    return link.get("type", "Link") == "Link" and link.get("linkType") == "Upload" and isinstance(link.get("id"), str)


def _check_file(path: list[str], value: Any, problems: list[Doc]) -> Doc | None:
    if not isinstance(value, dict):
        problems.append(_type_error(path, value, "Object"))
        return None
    file_name = value.get("fileName")
    if file_name is None:
        problems.append(_required([*path, "fileName"]))
    for key in FILE_TEXT_KEYS:
        if key in value and not isinstance(value[key], str):
            problems.append(_type_error([*path, key], value[key], "Symbol"))
    if isinstance(file_name, str) and not 0 < len(file_name) <= MAX_FILE_NAME:
        problems.append(
            {
                "name": "size",
                "value": file_name,
                "min": 1,
                "max": MAX_FILE_NAME,
                "details": f"The length of fileName must be between 1 and {MAX_FILE_NAME} characters",
                "path": [*path, "fileName"],
            }
        )
    if "uploadFrom" in value and not is_upload_link(value["uploadFrom"]):
        problems.append(_type_error([*path, "uploadFrom"], value["uploadFrom"], "Link"))
    if "details" in value and not isinstance(value["details"], dict):
        problems.append(_type_error([*path, "details"], value["details"], "Object"))
    out = dict(value)
    if isinstance(out.get("uploadFrom"), dict) and isinstance(out["uploadFrom"].get("sys"), dict):
        link = out["uploadFrom"]["sys"]
        out["uploadFrom"] = {"sys": {"type": "Link", "linkType": "Upload", "id": link.get("id")}}
    return out


def _check_metadata(value: Any, problems: list[Doc]) -> Doc:
    if not isinstance(value, dict):
        problems.append(_type_error(["metadata"], value, "Object"))
        return empty_metadata()
    out = empty_metadata()
    for key, link_type in (("tags", "Tag"), ("concepts", "TaxonomyConcept")):
        items = value.get(key, [])
        if not isinstance(items, list):
            problems.append(_type_error(["metadata", key], items, "Array"))
            continue
        seen: set[str] = set()
        for position, item in enumerate(items):
            sys_ = item.get("sys") if isinstance(item, dict) else None
            if not isinstance(sys_, dict) or sys_.get("linkType") != link_type or not isinstance(sys_.get("id"), str):
                problems.append(_type_error(["metadata", key, position], item, "Link"))
                continue
            if sys_["id"] not in seen:  # a repeated link is kept once
                seen.add(sys_["id"])
                out[key].append({"sys": {"type": "Link", "linkType": link_type, "id": sys_["id"]}})
    for key in value:
        if key not in out:
            problems.append(_unknown(["metadata", key]))
    return out


def parse_body(body: Doc, locales: Locales, current_metadata: Doc | None) -> Doc:
    """The document to store (values under internal locale codes), or 422 `InvalidEntry` listing
    every problem."""
    reject_unknown_keys(body, WRITABLE_KEYS)
    problems: list[Doc] = []
    fields_in = body.get("fields", {})
    fields: Doc = {}
    if not isinstance(fields_in, dict):
        problems.append(_type_error(["fields"], fields_in, "Object"))
        fields_in = {}
    for field_id, per_locale in fields_in.items():
        if field_id not in TEXT_FIELDS and field_id != FILE_FIELD:
            problems.append(_unknown(["fields", field_id]))
            continue
        if per_locale is None:
            continue
        if not isinstance(per_locale, dict):
            problems.append(_type_error(["fields", field_id], per_locale, "Object"))
            continue
        values: Doc = {}
        for locale, value in per_locale.items():
            path = ["fields", field_id, locale]
            if locale not in locales.to_internal:
                problems.append(_unknown(path))
                continue
            if value is None:
                continue
            if field_id == FILE_FIELD:
                checked = _check_file(path, value, problems)
                if checked is not None:
                    values[locale] = checked
            elif not isinstance(value, str):
                problems.append(_type_error(path, value, TEXT_FIELDS[field_id]))
            else:
                values[locale] = value
        if values:
            fields[field_id] = values
    if "metadata" in body:
        metadata = _check_metadata(body["metadata"], problems)
    else:
        metadata = current_metadata or empty_metadata()
    if problems:
        raise invalid_entry(problems)
    return {"fields": locales.stored_fields(fields), "metadata": metadata}


# -- storage helpers -----------------------------------------------------------------------------


def environment_id(call: Call) -> str:
    env_id: str = call.request.path_params.get("environment_id", MASTER)
    return env_id


def not_found(env: Environment, asset_id: str) -> ContentfulError:
    return errors.not_found("Asset", asset_id, space=env.container_id, environment=env.id)


async def load_locked(conn: Connection, env: Environment, asset_id: str) -> StoredEntity:
    """The asset, read under the environment's write lock (404 when missing)."""
    if not await tenancy.lock_environment(conn, env.pk):
        raise errors.not_found("Environment", env.id, space=env.container_id)
    entity = await cfentities.get(conn, env.pk, KIND, asset_id)
    if entity is None:
        raise not_found(env, asset_id)
    return entity


def new_entity(asset_id: str, doc: Doc, user_id: str, now: str) -> StoredEntity:
    return StoredEntity(
        seq=0,
        kind=KIND,
        id=asset_id,
        content_type_id=None,
        version=1,
        published_version=None,
        archived_version=None,
        published_counter=0,
        first_published_at=None,
        published_at=None,
        archived_at=None,
        created_at=now,
        updated_at=now,
        created_by=user_id,
        updated_by=user_id,
        published_by=None,
        archived_by=None,
        data=encode(doc),
        published_data=None,
    )


# -- handlers ------------------------------------------------------------------------------------


@endpoint
async def get_asset(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), environment_id(call))
    asset_id = call.param("asset_id")
    async with call.services.db.read() as conn:
        entity = await cfentities.get(conn, env.pk, KIND, asset_id)
        if entity is None:
            raise not_found(env, asset_id)
        locales = await load_locales(conn, env)
    return respond(render_asset(env, entity, locales))


async def _create(call: Call, env: Environment, asset_id: str, body: Doc) -> Response:
    now = clock.stamp()
    try:
        async with call.services.db.write() as conn:
            locales = await load_locales(conn, env)
            doc = parse_body(body, locales, None)
            entity = new_entity(asset_id, doc, call.user_id, now)
            await index.save(conn, env.pk, entity, created=True)
    except IntegrityViolation:
        # Another request created the id first: what the hosted API answers for a taken id.
        raise errors.version_mismatch() from None
    return respond(render_asset(env, entity, locales), 201)


@endpoint
async def create_asset(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), environment_id(call))
    body = await call.json_object()
    return await _create(call, env, ids.contentful_id(), body)


@endpoint
async def put_asset(call: Call) -> Response:
    """Create with the id in the path, or update (the current version in `X-Contentful-Version`)."""
    _, env = await call.environment(call.param("space_id"), environment_id(call))
    asset_id = call.param("asset_id")
    if not ids.is_contentful_id(asset_id):
        raise errors.bad_request("The asset id must be 1 to 64 letters, digits, '-', '_' or '.'.", {"id": asset_id})
    body = await call.json_object()
    sent = call.version(required=False)
    async with call.services.db.read() as conn:
        exists = await cfentities.get(conn, env.pk, KIND, asset_id) is not None
    if not exists:
        return await _create(call, env, asset_id, body)
    now = clock.stamp()
    async with call.services.db.write() as conn:
        entity = await load_locked(conn, env, asset_id)
        lifecycle.check_version(entity, sent)
        lifecycle.check_updatable(entity)
        current = msgspec.json.decode(entity.data)
        locales = await load_locales(conn, env)
        doc = parse_body(body, locales, current.get("metadata"))
        entity.data = encode(doc)
        lifecycle.touch(entity, call.user_id, now)
        await index.save(conn, env.pk, entity, created=False)
    return respond(render_asset(env, entity, locales))


@endpoint
async def delete_asset(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), environment_id(call))
    asset_id = call.param("asset_id")
    sent = call.version(required=False)
    async with call.services.db.write() as conn:
        entity = await load_locked(conn, env, asset_id)
        if sent is not None:
            lifecycle.check_version(entity, sent)
        lifecycle.check_deletable(entity)
        await cfentities.delete(conn, env.pk, KIND, asset_id)
    return no_content()


Change = Callable[[StoredEntity, str, str], None]


def unprocessed_files(entity: StoredEntity, locales: Locales) -> list[Doc]:
    """422 problems for every file without a `url` (the hosted "Asset has unprocessed files")."""
    files = (msgspec.json.decode(entity.data).get("fields") or {}).get(FILE_FIELD) or {}
    return [
        {
            "name": "required",
            "path": ["fields", FILE_FIELD, locales.to_wire.get(stored, stored), "url"],
            "details": 'The property "url" is required here',
        }
        for stored, file in files.items()
        if not isinstance(file, dict) or not isinstance(file.get("url"), str)
    ]


async def _transition(
    call: Call, change: Change, *, version_required: bool, check: Callable[[StoredEntity, Locales], None] | None = None
) -> Response:
    """A state change. Only publishing insists on `X-Contentful-Version`: the JS SDK sends none when
    it unpublishes, archives or unarchives (checked when sent)."""
    _, env = await call.environment(call.param("space_id"), environment_id(call))
    asset_id = call.param("asset_id")
    sent = call.version(required=version_required)
    now = clock.stamp()
    async with call.services.db.write() as conn:
        entity = await load_locked(conn, env, asset_id)
        if sent is not None:
            lifecycle.check_version(entity, sent)
        locales = await load_locales(conn, env)
        if check is not None:
            check(entity, locales)
        change(entity, call.user_id, now)
        await index.save(conn, env.pk, entity, created=False)
    return respond(render_asset(env, entity, locales))


def _publishable(entity: StoredEntity, locales: Locales) -> None:
    if lifecycle.is_archived(entity):
        raise errors.bad_request("Cannot publish archived")
    problems = unprocessed_files(entity, locales)
    if problems:
        raise errors.validation_failed(problems)


@endpoint
async def publish_asset(call: Call) -> Response:
    """The whole asset is published (a locale-based publishing body is accepted and ignored); every
    file must have been processed (422 `ValidationFailed`, `required` on `…/url`, otherwise)."""
    return await _transition(call, lifecycle.publish, version_required=True, check=_publishable)


@endpoint
async def unpublish_asset(call: Call) -> Response:
    return await _transition(call, lifecycle.unpublish, version_required=False)


@endpoint
async def archive_asset(call: Call) -> Response:
    return await _transition(call, lifecycle.archive, version_required=False)


@endpoint
async def unarchive_asset(call: Call) -> Response:
    return await _transition(call, lifecycle.unarchive, version_required=False)
