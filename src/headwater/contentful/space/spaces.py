"""Spaces: `GET`/`POST /spaces`, `GET`/`PUT`/`DELETE /spaces/{space_id}`.

A space lives in one organization; the token's user sees the spaces of every organization they belong
to. Creating one also creates its `master` environment and default locale (`provisioning.insert_space`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.responses import Response

from headwater import provisioning
from headwater.contentful import errors, sys
from headwater.contentful.bodies import check_name, invalid, is_locale_code, reject_unknown_keys, type_error
from headwater.contentful.errors import ContentfulError
from headwater.contentful.pagination import skip_limit
from headwater.contentful.pipeline import Call, endpoint, no_content, respond
from headwater.contentful.space.users import member_organization
from headwater.platform import clock
from headwater.storage import tenancy
from headwater.storage.database import Connection
from headwater.storage.tenancy import Space

DEFAULT_LOCALE = "en-US"

MISSING_ORGANIZATION_MESSAGE = (
    "This User has multiple Organizations with permissions to create a Space. "
    "Please pass the X-Contentful-Organization header in which Organization to create the Space."
)


def render_space(space: Space) -> dict[str, Any]:
    return {
        "name": space.name,
        "sys": {
            "type": "Space",
            "id": space.id,
            "version": space.version,
            **sys.audit(space.created_by, space.created_at, space.updated_by, space.updated_at),
            "organization": sys.link("Organization", space.organization_id),
        },
    }


def space_url(call: Call, space_id: str) -> str:
    """The absolute URL of a space, the base of every `Location` header."""
    return f"{str(call.request.base_url).rstrip('/')}/spaces/{space_id}"


# -- handlers ------------------------------------------------------------------------------------


@endpoint
async def list_spaces(call: Call) -> Response:
    skip, limit = skip_limit(call.request, default_limit=100)
    async with call.services.db.read() as conn:
        total, page = await tenancy.spaces_of_user(conn, call.user_id, skip, limit)
    return respond(sys.array([render_space(s) for s in page], total, skip, limit))


@endpoint
async def create_space(call: Call) -> Response:
    body = await call.json_object()
    reject_unknown_keys(body, {"name", "defaultLocale"})
    organization_id = await _target_organization(call)
    problems: list[dict[str, Any]] = []
    name = check_name(body, problems)
    locale = body.get("defaultLocale", DEFAULT_LOCALE)
    if locale is None:
        locale = DEFAULT_LOCALE
    elif not isinstance(locale, str):
        problems.append(type_error("defaultLocale", locale, "Symbol"))
    elif not is_locale_code(locale):
        problems.append(invalid("defaultLocale", locale, f"'{locale}' is not a valid locale code."))
    if problems:
        raise errors.validation_failed(problems)
    assert name is not None and isinstance(locale, str)
    now = clock.stamp()
    async with call.services.db.write() as conn:
        space, _ = await provisioning.insert_space(conn, name, organization_id, call.user_id, locale, now)
    return respond(render_space(space), 201, {"Location": space_url(call, space.id)})


async def _target_organization(call: Call) -> str:
    """The organization named by `X-Contentful-Organization`, or the user's only one."""
    requested = call.request.headers.get("x-contentful-organization", "").strip()
    async with call.services.db.read() as conn:
        if requested:
            if not await tenancy.is_member(conn, requested, call.user_id):
                raise errors.not_found("Organization", requested)
            return requested
        orgs = await tenancy.organizations_of(conn, call.user_id)
    if len(orgs) == 1:
        return orgs[0].id
    if not orgs:
        raise errors.access_denied(["The user does not belong to any organization."])
    raise ContentfulError(404, "MissingOrganizationParameter", MISSING_ORGANIZATION_MESSAGE)


@endpoint
async def get_space(call: Call) -> Response:
    return respond(render_space(await call.space(call.param("space_id"))))


@endpoint
async def update_space(call: Call) -> Response:
    """Rename; the only writable attribute. `defaultLocale` is accepted and ignored (SDKs echo it)."""
    space_id = call.param("space_id")
    await call.space(space_id)
    body = await call.json_object()
    reject_unknown_keys(body, {"name", "defaultLocale"})
    expected = call.version()
    problems: list[dict[str, Any]] = []
    name = check_name(body, problems)
    async with call.services.db.write() as conn:
        space = await _locked_space(conn, space_id)
        if space.version != expected:
            raise errors.version_mismatch()
        if problems:
            raise errors.validation_failed(problems)
        assert name is not None
        space = replace(space, name=name, version=space.version + 1, updated_by=call.user_id, updated_at=clock.stamp())
        await tenancy.update_space(conn, space)
    return respond(render_space(space))


@endpoint
async def delete_space(call: Call) -> Response:
    """Removes the space with every environment and object in it; a version header is optional."""
    space_id = call.param("space_id")
    await call.space(space_id)
    expected = call.version(required=False)
    async with call.services.db.write() as conn:
        space = await _locked_space(conn, space_id)
        if expected is not None and space.version != expected:
            raise errors.version_mismatch()
        # Wait out in-flight writes to its environments so none commits an object after the sweep.
        for env in await tenancy.environments_of(conn, "contentful", space_id):
            await tenancy.lock_environment(conn, env.pk)
        await tenancy.delete_space(conn, space_id)
    return no_content()


async def _locked_space(conn: Connection, space_id: str) -> Space:
    if not await tenancy.lock_space(conn, space_id):
        raise errors.not_found("Space", space_id)
    space = await tenancy.get_space(conn, space_id)
    if space is None:
        raise errors.not_found("Space", space_id)
    return space


@endpoint
async def list_organization_spaces(call: Call) -> Response:
    """`GET /organizations/{id}/spaces`: the spaces of one organization the token's user belongs to."""
    org = await member_organization(call, call.param("organization_id"))
    skip, limit = skip_limit(call.request, default_limit=100)
    async with call.services.db.read() as conn:
        total, page = await tenancy.spaces_of_organization(conn, org.id, skip, limit)
    return respond(sys.array([render_space(s) for s in page], total, skip, limit))
