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
