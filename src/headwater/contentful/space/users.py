"""`GET /users/me` and `GET /organizations`: who the token belongs to and where they may work."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from headwater.contentful import errors, sys
from headwater.contentful.pagination import skip_limit
from headwater.contentful.pipeline import Call, endpoint, respond
from headwater.platform import clock
from headwater.storage import tenancy
from headwater.storage.tenancy import Organization, User


def render_user(user: User) -> dict[str, Any]:
    return {
        "firstName": user.first_name,
        "lastName": user.last_name,
        "avatarUrl": "",
        "email": user.email,
        "activated": True,
        "signInCount": 0,
        "confirmed": True,
        "2faEnabled": False,
        "sys": {
            "type": "User",
            "id": user.id,
            "version": 1,
            "createdAt": clock.contentful(user.created_at),
            "updatedAt": clock.contentful(user.updated_at),
        },
    }


def render_organization(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "sys": {
            "type": "Organization",
            "id": org.id,
            "version": 0,
            "createdAt": clock.contentful(org.created_at),
            "updatedAt": clock.contentful(org.updated_at),
        },
    }


@endpoint
async def get_me(call: Call) -> Response:
    async with call.services.db.read() as conn:
        user = await tenancy.get_user(conn, call.user_id)
    if user is None:
        raise errors.access_token_invalid()
    return respond(render_user(user))


@endpoint
async def list_organizations(call: Call) -> Response:
    skip, limit = skip_limit(call.request, default_limit=25)
    async with call.services.db.read() as conn:
        orgs = await tenancy.organizations_of(conn, call.user_id)
    page = orgs[skip : skip + limit]
    return respond(sys.array([render_organization(o) for o in page], len(orgs), skip, limit))


# -- organization and space members -----------------------------------------------------------------
# Every member of a space's organization is a user of the space (Headwater has no per-space roles).


async def member_organization(call: Call, organization_id: str) -> Organization:
    """The organization, if the token's user belongs to it (404 `NotFound` otherwise)."""
    async with call.services.db.read() as conn:
        org = await tenancy.get_organization(conn, organization_id)
        if org is None or not await tenancy.is_member(conn, organization_id, call.user_id):
            raise errors.not_found("Organization", organization_id)
    return org


async def _members_page(call: Call, organization_id: str) -> Response:
    skip, limit = skip_limit(call.request, default_limit=100)
    async with call.services.db.read() as conn:
        total, members = await tenancy.members_of(conn, organization_id, skip, limit)
    return respond(sys.array([render_user(u) for u in members], total, skip, limit))


async def _member(call: Call, organization_id: str, user_id: str) -> Response:
    async with call.services.db.read() as conn:
        user = await tenancy.get_user(conn, user_id)
        if user is None or not await tenancy.is_member(conn, organization_id, user_id):
            raise errors.not_found("User", user_id)
    return respond(render_user(user))


@endpoint
async def list_organization_users(call: Call) -> Response:
    org = await member_organization(call, call.param("organization_id"))
    return await _members_page(call, org.id)


@endpoint
async def get_organization_user(call: Call) -> Response:
    org = await member_organization(call, call.param("organization_id"))
    return await _member(call, org.id, call.param("user_id"))


@endpoint
async def list_space_users(call: Call) -> Response:
    space = await call.space(call.param("space_id"))
    return await _members_page(call, space.organization_id)


@endpoint
async def get_space_user(call: Call) -> Response:
    space = await call.space(call.param("space_id"))
    return await _member(call, space.organization_id, call.param("user_id"))
