"""Environments: `GET`/`POST /spaces/{s}/environments`, `GET`/`PUT`/`DELETE /spaces/{s}/environments/{e}`.

A new environment is a copy of every object of its source (`master`, or the environment named by
`X-Contentful-Source-Environment`), made in the creating transaction by one `INSERT … SELECT`. The
copy is therefore complete when the response is sent: the creation answers `sys.status` `queued` (as the
hosted API does, so clients take their polling path) while the stored status is already `ready`, so
clients that poll `sys.status` until `ready` pass on their first poll. The copy covers every object the
hosted API copies (locales, content types, editor interfaces, entries, assets, tags; asset files are
shared, not duplicated) but not publish snapshots: the hosted API keeps none in sandbox environments.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.responses import Response

from headwater.contentful import errors, sys
from headwater.contentful.bodies import check_name, invalid, reject_unknown_keys
from headwater.contentful.errors import ContentfulError
from headwater.contentful.pagination import skip_limit
from headwater.contentful.pipeline import Call, endpoint, no_content, respond
from headwater.contentful.space.spaces import space_url
from headwater.platform import clock, ids
from headwater.storage import cfentities, objects, tenancy
from headwater.storage.database import Connection, IntegrityViolation
from headwater.storage.tenancy import Environment

MASTER = "master"
SOURCE_HEADER = "x-contentful-source-environment"


def render_environment(env: Environment) -> dict[str, Any]:
    return {
        "name": env.name,
        "sys": {
            "type": "Environment",
            "id": env.id,
            "version": env.version,
            "space": sys.link("Space", env.container_id),
            "status": sys.link("Status", env.status),
            **sys.audit(env.created_by, env.created_at, env.updated_by, env.updated_at),
        },
    }


def master_is_permanent(action: str) -> ContentfulError:
    return ContentfulError(403, "Forbidden", f"The master environment cannot be {action}.")


# -- handlers ------------------------------------------------------------------------------------


@endpoint
async def list_environments(call: Call) -> Response:
    space = await call.space(call.param("space_id"))
    skip, limit = skip_limit(call.request, default_limit=25)
    async with call.services.db.read() as conn:
        envs = await tenancy.environments_of(conn, "contentful", space.id)
    page = envs[skip : skip + limit]
    return respond(sys.array([render_environment(e) for e in page], len(envs), skip, limit))


@endpoint
async def get_environment(call: Call) -> Response:
    _, env = await call.environment(call.param("space_id"), call.param("environment_id"))
    return respond(render_environment(env))


@endpoint
async def create_environment(call: Call) -> Response:
    """`POST`: the server picks the id (12 lowercase characters, like the hosted API's)."""
    space = await call.space(call.param("space_id"))
    body = await call.json_object()
    reject_unknown_keys(body, {"name"})
    env_id = ids.contentful_space_id()
    problems: list[dict[str, Any]] = []
    name = check_name(body, problems, default=env_id)
    if problems:
        raise errors.validation_failed(problems)
    assert name is not None
    env = await _create(call, space.id, env_id, name)
    return _created(call, env)


@endpoint
async def put_environment(call: Call) -> Response:
    """Create with the id in the path (201), or rename an existing environment (200, needs its version).

    A version header for an environment that does not exist is a 404: the client meant to update
    something that is gone, and silently creating it again would hide that.
    """
    space = await call.space(call.param("space_id"))
    env_id = call.param("environment_id")
    body = await call.json_object()
    reject_unknown_keys(body, {"name"})
    expected = call.version(required=False)
    async with call.services.db.read() as conn:
        existing = await tenancy.contentful_environment(conn, space.id, env_id)
    if existing is None:
        if expected is not None:
            raise errors.not_found("Environment", env_id, space=space.id)
        problems: list[dict[str, Any]] = []
        if not ids.is_contentful_id(env_id):
            message = "The id must be 1 to 64 letters, digits, '-', '_' or '.' characters, and not only dots."
            problems.append(invalid("sys.id", env_id, message))
        name = check_name(body, problems, default=env_id)
        if problems:
            raise errors.validation_failed(problems)
        assert name is not None
        return _created(call, await _create(call, space.id, env_id, name))
    return respond(render_environment(await _rename(call, space.id, env_id, body, expected)))


@endpoint
async def delete_environment(call: Call) -> Response:
    """204; `master` stays. A version header is optional (the SDKs send none) but must match if sent."""
    space_id, env_id = call.param("space_id"), call.param("environment_id")
    await call.environment(space_id, env_id)
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        env = await _locked_environment(conn, space_id, env_id)
        if expected is not None and env.version != expected:
            raise errors.version_mismatch()
        if env.id == MASTER:
            raise master_is_permanent("deleted")
        await tenancy.delete_environment(conn, env.pk)
    return no_content()


# -- domain --------------------------------------------------------------------------------------


async def _create(call: Call, space_id: str, env_id: str, name: str) -> Environment:
    """Insert the environment and copy its source's objects, all in one transaction."""
    source_id = call.request.headers.get(SOURCE_HEADER, "").strip() or MASTER
    now = clock.stamp()
    env = Environment(
        pk=ids.new_guid(),
        dialect="contentful",
        container_id=space_id,
        id=env_id,
        name=name,
        is_production=False,
        status="ready",
        version=1,
        created_by=call.user_id,
        updated_by=call.user_id,
        created_at=now,
        updated_at=now,
    )
    try:
        async with call.services.db.write() as conn:
            # The space lock orders this against deletes of the space and other creates of this id.
            if not await tenancy.lock_space(conn, space_id):
                raise errors.not_found("Space", space_id)
            source = await tenancy.contentful_environment(conn, space_id, source_id)
            if source is None:
                raise errors.not_found("Environment", source_id, space=space_id)
            if await tenancy.contentful_environment(conn, space_id, env_id) is not None:
                raise errors.version_mismatch()
            await tenancy.insert_environment(conn, env)
            await objects.clone_environment(conn, source.pk, env.pk)
            await cfentities.clone_environment(conn, source.pk, env.pk)
    except IntegrityViolation:
        # Another process created the same id between our check and insert: the hosted API's answer
        # to a create with a taken id is a version mismatch.
        raise errors.version_mismatch() from None
    return env


async def _rename(call: Call, space_id: str, env_id: str, body: dict[str, Any], expected: int | None) -> Environment:
    """A missing or null name keeps the current one: the Python SDK's `save()` always sends `null`."""
    async with call.services.db.write() as conn:
        env = await _locked_environment(conn, space_id, env_id)
        if expected is None or env.version != expected:
            raise errors.version_mismatch()
        problems: list[dict[str, Any]] = []
        name = check_name(body, problems, default=env.name)
        if problems:
            raise errors.validation_failed(problems)
        assert name is not None
        if env.id == MASTER and name != env.name:
            raise master_is_permanent("renamed")
        env = replace(env, name=name, version=env.version + 1, updated_by=call.user_id, updated_at=clock.stamp())
        await tenancy.update_environment(conn, env)
    return env


async def _locked_environment(conn: Connection, space_id: str, env_id: str) -> Environment:
    """The environment re-read under its row lock, so version checks see the latest commit."""
    env = await tenancy.contentful_environment(conn, space_id, env_id)
    if env is None or not await tenancy.lock_environment(conn, env.pk):
        raise errors.not_found("Environment", env_id, space=space_id)
    env = await tenancy.contentful_environment(conn, space_id, env_id)
    if env is None:
        raise errors.not_found("Environment", env_id, space=space_id)
    return env


def _created(call: Call, env: Environment) -> Response:
    location = f"{space_url(call, env.container_id)}/environments/{env.id}"
    return respond(render_environment(replace(env, status="queued")), 201, {"Location": location})
