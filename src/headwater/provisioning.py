"""Creating tenants and credentials: used by the CLI, the first-start bootstrap and the tests.

Each function is one transaction. Secrets are returned once and stored only as hashes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from headwater.contentful import seed as contentful_seed
from headwater.kontent import seed as kontent_seed
from headwater.platform import auth, clock, ids
from headwater.storage import tenancy
from headwater.storage.database import Connection, Database
from headwater.storage.tenancy import ApiKey, Environment, Organization, Project, Space, User

DEFAULT_USER_EMAIL = "admin@headwater.local"
CONTENTFUL_SCOPES = ["content_management_manage"]


class ProvisioningError(Exception):
    """A provisioning request names something that does not exist."""


async def _default_subscription(conn: Connection, now: str) -> str:
    subscription_id = await tenancy.first_subscription_id(conn)
    if subscription_id is None:
        subscription_id = ids.new_guid()
        await tenancy.insert_subscription(conn, subscription_id, "Headwater subscription", now)
    return subscription_id


async def _new_management_key(
    conn: Connection, project_id: str, now: str, expires_in_days: float | None, name: str
) -> tuple[str, str, str | None]:
    token = auth.mint(auth.KONTENT_KEY_PREFIX)
    expires_at = None
    if expires_in_days is not None:
        expires_at = clock.stamp(clock.parse(now) + timedelta(days=expires_in_days))
    key = ApiKey(ids.new_guid(), "kontent_management", project_id, name, "[]", now, expires_at, None)
    await tenancy.insert_key(conn, key, auth.token_hash(token))
    return key.id, token, expires_at


async def create_project(db: Database, name: str) -> dict[str, Any]:
    """A Kontent.ai project with its production environment, defaults and a Management API key."""
    now = clock.stamp()
    async with db.write() as conn:
        subscription_id = await _default_subscription(conn, now)
        project = Project(ids.new_guid(), subscription_id, name, now)
        await tenancy.insert_project(conn, project)
        env = Environment(
            pk=ids.new_guid(),
            dialect="kontent",
            container_id=project.id,
            id=ids.new_guid(),
            name="Production",
            is_production=True,
            status="ready",
            version=1,
            created_by="",
            updated_by="",
            created_at=now,
            updated_at=now,
        )
        await tenancy.insert_environment(conn, env)
        await kontent_seed.seed_environment(conn, env.pk, now)
        key_id, token, _ = await _new_management_key(conn, project.id, now, None, "Management API key")
    return {
        "project_id": project.id,
        "environment_id": env.id,
        "management_api_key": token,
        "key_id": key_id,
        "subscription_id": subscription_id,
    }


async def create_key(db: Database, project_id: str, expires_in_days: float | None = None) -> dict[str, Any]:
    now = clock.stamp()
    async with db.write() as conn:
        if await tenancy.get_project(conn, project_id) is None:
            raise ProvisioningError(f"no Kontent.ai project with id {project_id}")
        key_id, token, expires_at = await _new_management_key(
            conn, project_id, now, expires_in_days, "Management API key"
        )
    return {"key_id": key_id, "project_id": project_id, "management_api_key": token, "expires_at": expires_at}


async def revoke_key(db: Database, key_id: str) -> dict[str, Any]:
    """Revoke a Management API key or a personal access token; every server process forgets it."""
    now = clock.stamp()
    async with db.write() as conn:
        key = await tenancy.get_key(conn, key_id)
        if key is None:
            raise ProvisioningError(f"no key or token with id {key_id}")
        await tenancy.revoke_key(conn, key_id, now)
    return {"key_id": key_id, "revoked_at": key.revoked_at or now}


async def default_user(conn: Connection, now: str) -> tuple[User, Organization]:
    """The first user and their first organization, created on demand."""
    user = await tenancy.first_user(conn)
    if user is None:
        user = User(ids.contentful_id(), DEFAULT_USER_EMAIL, "Headwater", "Admin", now, now)
        await tenancy.insert_user(conn, user)
    orgs = await tenancy.organizations_of(conn, user.id)
    if orgs:
        return user, orgs[0]
    org = Organization(ids.contentful_id(), "Headwater organization", now, now)
    await tenancy.insert_organization(conn, org)
    await tenancy.add_member(conn, org.id, user.id, "owner")
    return user, org


async def _new_token(conn: Connection, user_id: str, name: str, now: str) -> tuple[str, str]:
    token = auth.mint(auth.CONTENTFUL_TOKEN_PREFIX)
    key = ApiKey(ids.contentful_id(), "contentful_pat", user_id, name, json.dumps(CONTENTFUL_SCOPES), now, None, None)
    await tenancy.insert_key(conn, key, auth.token_hash(token))
    return key.id, token


async def insert_space(
    conn: Connection, name: str, organization_id: str, user_id: str, default_locale: str, now: str
) -> tuple[Space, Environment]:
    """A space with its `master` environment and default locale (shared with `POST /spaces`)."""
    space = Space(ids.contentful_space_id(), organization_id, name, 1, user_id, user_id, now, now)
    await tenancy.insert_space(conn, space)
    env = Environment(
        pk=ids.new_guid(),
        dialect="contentful",
        container_id=space.id,
        id="master",
        name="master",
        is_production=True,
        status="ready",
        version=1,
        created_by=user_id,
        updated_by=user_id,
        created_at=now,
        updated_at=now,
    )
    await tenancy.insert_environment(conn, env)
    await contentful_seed.seed_environment(conn, env.pk, default_locale, user_id, now)
    return space, env


async def create_space(db: Database, name: str, default_locale: str = "en-US") -> dict[str, Any]:
    """A Contentful space (in the default organization) and a CMA token of the default user."""
    now = clock.stamp()
    async with db.write() as conn:
        user, org = await default_user(conn, now)
        space, env = await insert_space(conn, name, org.id, user.id, default_locale, now)
        token_id, token = await _new_token(conn, user.id, f"Token for {name}", now)
    return {
        "organization_id": org.id,
        "space_id": space.id,
        "environment_id": env.id,
        "cma_token": token,
        "token_id": token_id,
        "user_id": user.id,
    }


async def create_token(db: Database, name: str = "Headwater CLI token") -> dict[str, Any]:
    now = clock.stamp()
    async with db.write() as conn:
        user, org = await default_user(conn, now)
        token_id, token = await _new_token(conn, user.id, name, now)
    return {"token_id": token_id, "cma_token": token, "user_id": user.id, "organization_id": org.id}


async def inventory(db: Database) -> dict[str, Any]:
    """Every project (with environments) and space: what `list` commands print."""
    async with db.read() as conn:
        projects = []
        for project in await tenancy.all_projects(conn):
            envs = await tenancy.environments_of(conn, "kontent", project.id)
            projects.append(
                {
                    "project_id": project.id,
                    "name": project.name,
                    "environments": [{"environment_id": e.id, "name": e.name} for e in envs],
                    "keys": [
                        {"key_id": k.id, "expires_at": k.expires_at, "revoked_at": k.revoked_at}
                        for k in await tenancy.keys_of(conn, project.id, "kontent_management")
                    ],
                }
            )
        spaces = []
        for space in await tenancy.all_spaces(conn):
            envs = await tenancy.environments_of(conn, "contentful", space.id)
            spaces.append(
                {
                    "space_id": space.id,
                    "organization_id": space.organization_id,
                    "name": space.name,
                    "environments": [e.id for e in envs],
                }
            )
    return {"projects": projects, "spaces": spaces}


async def is_empty(db: Database) -> bool:
    async with db.read() as conn:
        row = await conn.fetchone(
            "SELECT (SELECT COUNT(*) FROM projects) + (SELECT COUNT(*) FROM spaces) + (SELECT COUNT(*) FROM users)"
        )
    return not row or int(row[0]) == 0
