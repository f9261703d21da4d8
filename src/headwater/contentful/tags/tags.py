"""Tags: `/spaces/{s}/environments/{e}/tags[/{tag_id}]` and the environment-less short forms (`master`).

A tag is created by `PUT` with its id (201), without `X-Contentful-Version` or with version 0 (what
contentful-migration sends; another version on a missing tag is 404 `NotFound`). Its visibility comes
from `X-Contentful-Tag-Visibility`, else from `sys.visibility` in the body, else `private`, and never
changes afterwards. A `PUT` on an existing tag renames it and needs `X-Contentful-Version` (409
`VersionMismatch` without it, which is also what a second create of the same id gets). Names and ids
are unique per environment. A tag an entry or asset links (`metadata.tags`) cannot be deleted: 422
`ActionPreconditionsFailed`.

Stored in `cf_entities` (kind `Tag`, document `{"name", "visibility"}`) through the search index, so
environment clones copy tags with everything else.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import msgspec
from starlette.responses import Response

from headwater.contentful import errors, sys
from headwater.contentful.bodies import underscore
from headwater.contentful.errors import ContentfulError
from headwater.contentful.pagination import skip_limit
from headwater.contentful.paths import MASTER
from headwater.contentful.pipeline import Call, endpoint, no_content, respond
from headwater.contentful.search import index
from headwater.contentful.tags import store
from headwater.platform import clock, ids
from headwater.storage import cfentities, tenancy
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import IntegrityViolation
from headwater.storage.tenancy import Environment

KIND = cfentities.TAG
VISIBILITIES = ("private", "public")
DEFAULT_VISIBILITY = "private"
VISIBILITY_HEADER = "x-contentful-tag-visibility"
MAX_NAME_LENGTH = 64
REFERENCED = "Tag is referenced by another entity"


# -- rendering -------------------------------------------------------------------------------------


def document(entity: StoredEntity) -> dict[str, Any]:
    doc: dict[str, Any] = msgspec.json.decode(entity.data)
    return doc


def render_tag(env: Environment, entity: StoredEntity) -> dict[str, Any]:
    doc = document(entity)
    return {
        "sys": {
            "type": "Tag",
            "id": entity.id,
            "space": sys.link("Space", env.container_id),
            "environment": sys.link("Environment", env.id),
            "createdBy": sys.user_link(entity.created_by),
            "updatedBy": sys.user_link(entity.updated_by),
            "createdAt": clock.contentful(entity.created_at),
            "updatedAt": clock.contentful(entity.updated_at),
            "version": entity.version,
            "visibility": doc.get("visibility", DEFAULT_VISIBILITY),
        },
        "name": doc.get("name", ""),
    }


# -- body checks -----------------------------------------------------------------------------------


def _problem(name: str, path: list[str], value: Any = None, details: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "path": path}
    if value is not None:
        out["value"] = value
    if details is not None:
        out["details"] = details
    return out


def _check_body(body: dict[str, Any]) -> None:
    unknown = [underscore(k) for k in body if k not in ("name", "sys")]
    if unknown:
        raise errors.unknown_keys(unknown)
    if "sys" in body and not isinstance(body["sys"], dict):
        details = 'The type of "sys" is incorrect, expected type: Object'
        raise errors.validation_failed([_problem("type", ["sys"], body["sys"], details)])


def _check_name(body: dict[str, Any], problems: list[dict[str, Any]]) -> str | None:
    name = body.get("name")
    if name is None:
        problems.append(_problem("required", ["name"], details='The property "name" is required here'))
        return None
    if not isinstance(name, str):
        problems.append(_problem("type", ["name"], name, 'The type of "name" is incorrect, expected type: Symbol'))
        return None
    if not name.strip() or len(name) > MAX_NAME_LENGTH:
        problems.append(
            _problem(
                "size",
                ["name"],
                name,
                f'The length of "name" must be between 1 and {MAX_NAME_LENGTH} characters',
            )
        )
        return None
    return name


def _visibility(call: Call, body: dict[str, Any], problems: list[dict[str, Any]]) -> str:
    """The header overrides the body's `sys.visibility`; `private` when neither is sent."""
    header = call.request.headers.get(VISIBILITY_HEADER)
    body_sys = body.get("sys")
    value: Any = header.strip() if header is not None else None
    path = ["sys", "visibility"]
    if value is None and isinstance(body_sys, dict) and body_sys.get("visibility") is not None:
        value = body_sys["visibility"]
    if value is None:
        return DEFAULT_VISIBILITY
    if value not in VISIBILITIES:
        problems.append(_problem("in", path, value, f"Value must be one of: {', '.join(VISIBILITIES)}"))
        return DEFAULT_VISIBILITY
    visibility: str = value
    return visibility


def _taken_name(name: str) -> dict[str, Any]:
    return _problem("taken", ["name"], name, f"A tag with the name '{name}' already exists in this environment.")


# -- handlers --------------------------------------------------------------------------------------


def _env_id(call: Call) -> str:
    env_id: str = call.request.path_params.get("environment_id", MASTER)
    return env_id


async def _environment(call: Call) -> Environment:
    _, env = await call.environment(call.param("space_id"), _env_id(call))
    return env


def _not_found(call: Call, tag_id: str) -> ContentfulError:
    return errors.not_found("Tag", tag_id, space=call.param("space_id"), environment=_env_id(call))


@endpoint
async def list_tags(call: Call) -> Response:
    env = await _environment(call)
    skip, limit = skip_limit(call.request, default_limit=100)
    async with call.services.db.read() as conn:
        tags = await store.all_tags(conn, env.pk)
    rendered = [render_tag(env, t) for t in tags]
    matching = [t for t in rendered if _matches(t, call.request.query_params.multi_items())]
    _order(matching, call.request.query_params.get("order"))
    return respond(sys.array(matching[skip : skip + limit], len(matching), skip, limit))


@endpoint
async def get_tag(call: Call) -> Response:
    env = await _environment(call)
    tag_id = call.param("tag_id")
    async with call.services.db.read() as conn:
        entity = await cfentities.get(conn, env.pk, KIND, tag_id)
    if entity is None:
        raise _not_found(call, tag_id)
    return respond(render_tag(env, entity))


@endpoint
async def put_tag(call: Call) -> Response:
    """Create (201, no version or 0) or rename (200, `X-Contentful-Version` = the current version)."""
    env = await _environment(call)
    tag_id = call.param("tag_id")
    body = await call.json_object()
    _check_body(body)
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        await tenancy.lock_environment(conn, env.pk)
        existing = await cfentities.get(conn, env.pk, KIND, tag_id)
        if existing is None and expected not in (None, 0):
            raise _not_found(call, tag_id)
        if existing is not None and expected != existing.version:
            raise errors.version_mismatch()
        problems: list[dict[str, Any]] = []
        if existing is None and not ids.is_contentful_id(tag_id):
            message = "The id must be 1 to 64 letters, digits, '-', '_' or '.' characters, and not only dots."
            problems.append(_problem("invalid", ["sys", "id"], tag_id, message))
        name = _check_name(body, problems)
        visibility = _visibility(call, body, problems) if existing is None else None
        if problems:
            raise errors.validation_failed(problems)
        assert name is not None
        others = [t for t in await store.all_tags(conn, env.pk) if t.id != tag_id]
        if any(document(t).get("name") == name for t in others):
            raise errors.validation_failed([_taken_name(name)])
        now = clock.stamp()
        if existing is None:
            entity = StoredEntity(
                seq=0,
                kind=KIND,
                id=tag_id,
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
                created_by=call.user_id,
                updated_by=call.user_id,
                published_by=None,
                archived_by=None,
                data=msgspec.json.encode({"name": name, "visibility": visibility}).decode(),
                published_data=None,
            )
            try:
                await index.save(conn, env.pk, entity, created=True)
            except IntegrityViolation:
                raise errors.version_mismatch() from None
            return respond(render_tag(env, entity), 201)
        doc = document(existing)
        doc["name"] = name
        existing.data = msgspec.json.encode(doc).decode()
        existing.version += 1
        existing.updated_at = now
        existing.updated_by = call.user_id
        await index.save(conn, env.pk, existing, created=False)
    return respond(render_tag(env, existing))


@endpoint
async def delete_tag(call: Call) -> Response:
    """204 with the current version; 422 `ActionPreconditionsFailed` while an entry or asset links it."""
    env = await _environment(call)
    tag_id = call.param("tag_id")
    expected = call.version()
    async with call.services.db.write() as conn:
        await tenancy.lock_environment(conn, env.pk)
        existing = await cfentities.get(conn, env.pk, KIND, tag_id)
        if existing is None:
            raise _not_found(call, tag_id)
        if expected != existing.version:
            raise errors.version_mismatch()
        if await store.is_referenced(conn, env.pk, tag_id):
            raise ContentfulError(
                422,
                "ActionPreconditionsFailed",
                "Cannot delete tag.",
                {"errors": [{"name": "reference", "details": REFERENCED}]},
            )
        await cfentities.delete(conn, env.pk, KIND, tag_id)
    return no_content()


# -- listing filters and order -----------------------------------------------------------------------

# Query attributes a tag can be filtered and ordered by, and where they sit in the rendered tag.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "sys.id": ("sys", "id"),
    "name": ("name",),
    "sys.visibility": ("sys", "visibility"),
    "sys.createdAt": ("sys", "createdAt"),
    "sys.updatedAt": ("sys", "updatedAt"),
    "sys.version": ("sys", "version"),
}


def _value(tag: dict[str, Any], *, path: tuple[str, ...]) -> Any:
    value: Any = tag
    for key in path:
        value = value[key]
    return value


def _matches(tag: dict[str, Any], params: list[tuple[str, str]]) -> bool:
    """Equality, `[ne]`, `[in]`, `[nin]`, `[match]` (case-insensitive substring) and `[exists]` on the
    attributes above; other parameters (paging, `order`, `include`, …) do not filter."""
    for key, raw in params:
        attribute, _, operator = key.partition("[")
        operator = operator.rstrip("]")
        path = ATTRIBUTES.get(attribute)
        if path is None:
            continue
        actual = str(_value(tag, path=path))
        values = raw.split(",") if operator in ("in", "nin") else [raw]
        if operator == "":
            ok = actual == raw
        elif operator == "ne":
            ok = actual != raw
        elif operator == "in":
            ok = actual in values
        elif operator == "nin":
            ok = actual not in values
        elif operator == "match":
            ok = raw.lower() in actual.lower()
        elif operator == "exists":
            ok = raw.strip().lower() != "false"
        else:
            continue
        if not ok:
            return False
    return True


def _order(tags: list[dict[str, Any]], order: str | None) -> None:
    """Newest first by default, as the hosted listing is; `order=` keys (`-` descending) otherwise."""
    keys = [k.strip() for k in (order or "").split(",") if k.strip()]
    keys = [k for k in keys if k.lstrip("-") in ATTRIBUTES]
    if not keys:
        tags.reverse()  # stored in creation order
        return
    for key in reversed(keys):  # stable sorts: the first key decides last
        path = ATTRIBUTES[key.lstrip("-")]
        tags.sort(key=partial(_value, path=path), reverse=key.startswith("-"))
