"""Creating tenants and credentials: used by the CLI, the first-start bootstrap and the tests.

Each function is one transaction. Secrets are returned once and stored only as hashes.

Contentful tenants are isolated by organization: a token reaches only the spaces of its user's
organizations. So every `create_space` makes a new organization owned by a new user, unless it is told
to join an existing organization; then the space and its token belong to that organization's owner
(`tenancy.organization_owner`).

Fixed development credentials (`HEADWATER_DEV_*`) are made to exist on every start, with exactly the
configured ids and secrets, so a CI job can configure its clients before the server starts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from headwater.config import ENV_PREFIX, Settings
from headwater.contentful.space import seed as contentful_seed
from headwater.kontent.project import seed as kontent_seed
from headwater.platform import auth, clock, ids
from headwater.storage import tenancy
from headwater.storage.database import Connection, Database, IntegrityViolation
from headwater.storage.tenancy import ApiKey, Environment, Organization, Project, Space, User

CONTENTFUL_SCOPES = ["content_management_manage"]
DEMO_PROJECT = "Demo project"
DEMO_SPACE = "Demo space"
DEFAULT_LOCALE = "en-US"
# What `auth.bearer_token` accepts and an HTTP header can carry: visible ASCII, no spaces.
SECRET_RE = re.compile(r"^[\x21-\x7e]{1,512}$")

T = TypeVar("T")


class ProvisioningError(Exception):
    """A provisioning request names something that does not exist, or conflicts with stored data."""


# -- Kontent.ai ----------------------------------------------------------------------------------


async def _default_subscription(conn: Connection, now: str) -> str:
    subscription_id = await tenancy.first_subscription_id(conn)
    if subscription_id is None:
        subscription_id = ids.new_guid()
        await tenancy.insert_subscription(conn, subscription_id, "Headwater subscription", now)
    return subscription_id


async def _new_management_key(
    conn: Connection,
    project_id: str,
    now: str,
    expires_in_days: float | None,
    name: str,
    token: str | None = None,
) -> tuple[str, str, str | None]:
    token = token or auth.mint(auth.KONTENT_KEY_PREFIX)
    expires_at = None
    if expires_in_days is not None:
        expires_at = clock.stamp(clock.parse(now) + timedelta(days=expires_in_days))
    key = ApiKey(ids.new_guid(), "kontent_management", project_id, name, "[]", now, expires_at, None)
    await tenancy.insert_key(conn, key, auth.token_hash(token))
    return key.id, token, expires_at


async def _insert_project(
    conn: Connection, name: str, now: str, project_id: str | None = None, environment_id: str | None = None
) -> tuple[Project, Environment]:
    """A project with its seeded production environment (random ids unless given)."""
    subscription_id = await _default_subscription(conn, now)
    project = Project(project_id or ids.new_guid(), subscription_id, name, now)
    await tenancy.insert_project(conn, project)
    env = Environment(
        pk=ids.new_guid(),
        dialect="kontent",
        container_id=project.id,
        id=environment_id or ids.new_guid(),
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
    return project, env


async def create_project(db: Database, name: str) -> dict[str, Any]:
    """A Kontent.ai project with its production environment, defaults and a Management API key."""
    now = clock.stamp()
    async with db.write() as conn:
        project, env = await _insert_project(conn, name, now)
        key_id, token, _ = await _new_management_key(conn, project.id, now, None, "Management API key")
    return {
        "project_id": project.id,
        "environment_id": env.id,
        "management_api_key": token,
        "key_id": key_id,
        "subscription_id": project.subscription_id,
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


# -- Contentful ----------------------------------------------------------------------------------


async def _new_owner(conn: Connection, now: str, organization_name: str) -> tuple[User, Organization]:
    """A new user who owns a new organization: one Contentful tenant."""
    user_id = ids.contentful_id()
    user = User(user_id, f"user-{user_id}@headwater.local", "Headwater", "Admin", now, now)
    await tenancy.insert_user(conn, user)
    org = Organization(ids.contentful_id(), organization_name, now, now)
    await tenancy.insert_organization(conn, org)
    await tenancy.add_member(conn, org.id, user.id, "owner")
    return user, org


async def _owner_of(conn: Connection, organization_id: str) -> tuple[User, Organization]:
    org = await tenancy.get_organization(conn, organization_id)
    if org is None:
        raise ProvisioningError(f"no Contentful organization with id {organization_id}")
    user = await tenancy.organization_owner(conn, organization_id)
    if user is None:
        raise ProvisioningError(f"Contentful organization {organization_id} has no members")
    return user, org


async def _first_organization(conn: Connection, user: User) -> Organization | None:
    orgs = await tenancy.organizations_of(conn, user.id)
    return orgs[0] if orgs else None


async def _new_token(conn: Connection, user_id: str, name: str, now: str, token: str | None = None) -> tuple[str, str]:
    token = token or auth.mint(auth.CONTENTFUL_TOKEN_PREFIX)
    key = ApiKey(ids.contentful_id(), "contentful_pat", user_id, name, json.dumps(CONTENTFUL_SCOPES), now, None, None)
    await tenancy.insert_key(conn, key, auth.token_hash(token))
    return key.id, token


async def insert_space(
    conn: Connection,
    name: str,
    organization_id: str,
    user_id: str,
    default_locale: str,
    now: str,
    space_id: str | None = None,
) -> tuple[Space, Environment]:
    """A space with its `master` environment and default locale (shared with `POST /spaces`)."""
    space = Space(space_id or ids.contentful_space_id(), organization_id, name, 1, user_id, user_id, now, now)
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


async def create_space(
    db: Database, name: str, default_locale: str = DEFAULT_LOCALE, organization_id: str | None = None
) -> dict[str, Any]:
    """A Contentful space and a CMA token that reaches it.

    Without `organization_id` the space gets a new organization and a new user who owns it, so its
    token reaches nothing else. With it, the space joins that organization and the token belongs to
    the organization's owner (who then reaches every space of the organization).
    """
    now = clock.stamp()
    async with db.write() as conn:
        if organization_id is None:
            user, org = await _new_owner(conn, now, f"{name} organization")
        else:
            user, org = await _owner_of(conn, organization_id)
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


async def create_token(
    db: Database,
    name: str = "Headwater CLI token",
    user_id: str | None = None,
    organization_id: str | None = None,
) -> dict[str, Any]:
    """A personal access token of `user_id`, of the owner of `organization_id`, or of the first user.

    The first user is the owner of the first space ever created (on a fresh install, the demo space);
    with no user at all, a new user with their own organization is made so the token can create spaces.
    """
    if user_id is not None and organization_id is not None:
        raise ProvisioningError("name a user or an organization, not both")
    now = clock.stamp()
    async with db.write() as conn:
        org: Organization | None
        if user_id is not None:
            user = await tenancy.get_user(conn, user_id)
            if user is None:
                raise ProvisioningError(f"no Contentful user with id {user_id}")
            org = await _first_organization(conn, user)
        elif organization_id is not None:
            user, org = await _owner_of(conn, organization_id)
        else:
            first = await tenancy.first_user(conn)
            if first is None:
                user, org = await _new_owner(conn, now, "Headwater organization")
            else:
                user, org = first, await _first_organization(conn, first)
        token_id, token = await _new_token(conn, user.id, name, now)
    return {"token_id": token_id, "cma_token": token, "user_id": user.id, "organization_id": org.id if org else None}


# -- listing -------------------------------------------------------------------------------------


async def inventory(db: Database) -> dict[str, Any]:
    """Every project (with environments) and space (with its organization's owner): what `list` prints."""
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
            owner = await tenancy.organization_owner(conn, space.organization_id)
            spaces.append(
                {
                    "space_id": space.id,
                    "organization_id": space.organization_id,
                    "owner_user_id": owner.id if owner else None,
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


# -- fixed development credentials --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FixedProject:
    project_id: str
    environment_id: str
    management_api_key: str


@dataclass(frozen=True, slots=True)
class FixedSpace:
    space_id: str
    cma_token: str


@dataclass(frozen=True, slots=True)
class FixedCredentials:
    """The `HEADWATER_DEV_*` settings, validated; a dialect's group is None when it is not configured."""

    project: FixedProject | None = None
    space: FixedSpace | None = None


def _variable(field: str) -> str:
    return ENV_PREFIX + field.upper()


def _check_secret(field: str, value: str, problems: list[str]) -> None:
    """Secrets are never echoed: the message names the variable and the rule only."""
    if not SECRET_RE.match(value):
        problems.append(
            f"{_variable(field)} must be 1 to 512 visible ASCII characters without spaces "
            "(what a Bearer Authorization header carries)"
        )


def _required(field: str, partners: str, problems: list[str]) -> None:
    problems.append(f"{_variable(field)} is required when {partners} is set")


def fixed_credentials(settings: Settings) -> FixedCredentials:
    """Validate the fixed development credentials; every problem is reported at once."""
    problems: list[str] = []
    project: FixedProject | None = None
    space: FixedSpace | None = None
    kontent = {
        "dev_project_id": settings.dev_project_id,
        "dev_environment_id": settings.dev_environment_id,
        "dev_management_api_key": settings.dev_management_api_key,
    }
    if any(kontent.values()):
        named = " or ".join(_variable(f) for f, v in kontent.items() if v)
        for field in ("dev_project_id", "dev_environment_id"):
            value = kontent[field]
            if value and not ids.is_guid(value):
                problems.append(f"{_variable(field)} must be a GUID, got {value!r}")
        for field in ("dev_environment_id", "dev_management_api_key"):
            if not kontent[field]:
                _required(field, named, problems)
        if settings.dev_management_api_key:
            _check_secret("dev_management_api_key", settings.dev_management_api_key, problems)
        env_id = ids.normalize_guid(settings.dev_environment_id)
        project = FixedProject(
            ids.normalize_guid(settings.dev_project_id) or env_id, env_id, settings.dev_management_api_key
        )
    if settings.dev_space_id or settings.dev_cma_token:
        if not settings.dev_space_id:
            _required("dev_space_id", _variable("dev_cma_token"), problems)
        elif not ids.is_contentful_id(settings.dev_space_id):
            problems.append(
                f"{_variable('dev_space_id')} must be 1 to 64 letters, digits, '-', '_' or '.', "
                f"got {settings.dev_space_id!r}"
            )
        if not settings.dev_cma_token:
            _required("dev_cma_token", _variable("dev_space_id"), problems)
        else:
            _check_secret("dev_cma_token", settings.dev_cma_token, problems)
        space = FixedSpace(settings.dev_space_id, settings.dev_cma_token)
    if project and space and project.management_api_key == space.cma_token:
        problems.append(f"{_variable('dev_management_api_key')} and {_variable('dev_cma_token')} must differ")
    if problems:
        raise ProvisioningError("invalid fixed development credentials:\n  " + "\n  ".join(problems))
    return FixedCredentials(project, space)


def _check_stored_secret(key: ApiKey, kind: str, owner_id: str | None, field: str) -> None:
    """A fixed secret already stored must be that same credential, and still usable."""
    if key.kind != kind or (owner_id is not None and key.owner_id != owner_id):
        raise ProvisioningError(f"{_variable(field)} is already the secret of another key or token; choose another")
    if key.revoked_at is not None:
        raise ProvisioningError(f"{_variable(field)} was revoked at {key.revoked_at}; choose another value")
    if key.expires_at is not None and key.expires_at <= clock.stamp():
        raise ProvisioningError(f"{_variable(field)} expired at {key.expires_at}; choose another value")


async def _once_more_on_conflict(work: Callable[[], Awaitable[T]]) -> T:
    """Another process starting at the same moment may insert the same rows first; then they exist."""
    try:
        return await work()
    except IntegrityViolation:
        return await work()


async def ensure_fixed_project(db: Database, fixed: FixedProject) -> dict[str, Any]:
    """Make the fixed project, environment and key exist; refuse when stored data contradicts them."""

    async def work() -> dict[str, Any]:
        now = clock.stamp()
        created = False
        async with db.write() as conn:
            # Project first: both are inserted in one transaction, so once the project is visible its
            # environment is too (read the other way round, a concurrent bootstrap committing between
            # the two reads looks like a project without its environment).
            project = await tenancy.get_project(conn, fixed.project_id)
            env = await tenancy.kontent_environment(conn, fixed.environment_id)
            if env is None:
                if project is not None:
                    raise ProvisioningError(
                        f"project {fixed.project_id} exists without environment {fixed.environment_id} "
                        f"({_variable('dev_environment_id')})"
                    )
                await _insert_project(conn, DEMO_PROJECT, now, fixed.project_id, fixed.environment_id)
                created = True
            elif env.container_id != fixed.project_id:
                raise ProvisioningError(
                    f"environment {fixed.environment_id} belongs to project {env.container_id}, not "
                    f"{fixed.project_id} ({_variable('dev_project_id')} defaults to the environment id)"
                )
            key = await tenancy.key_by_hash(conn, auth.token_hash(fixed.management_api_key))
            if key is None:
                key_id, _, _ = await _new_management_key(
                    conn, fixed.project_id, now, None, "Fixed development key", fixed.management_api_key
                )
            else:
                _check_stored_secret(key, "kontent_management", fixed.project_id, "dev_management_api_key")
                key_id = key.id
        return {
            "project_id": fixed.project_id,
            "environment_id": fixed.environment_id,
            "management_api_key": fixed.management_api_key,
            "key_id": key_id,
            "fixed": True,
            "created": created,
        }

    return await _once_more_on_conflict(work)


async def ensure_fixed_space(db: Database, fixed: FixedSpace) -> dict[str, Any]:
    """Make the fixed space and token exist, the token's user a member of the space's organization.

    A missing space (never made, or deleted through the API) is created in the token user's
    organization, or with a new owner and organization when the token is new too.
    """

    async def work() -> dict[str, Any]:
        now = clock.stamp()
        created = False
        async with db.write() as conn:
            key = await tenancy.key_by_hash(conn, auth.token_hash(fixed.cma_token))
            user: User | None = None
            if key is not None:
                _check_stored_secret(key, "contentful_pat", None, "dev_cma_token")
                user = await tenancy.get_user(conn, key.owner_id)
                if user is None:
                    raise ProvisioningError(f"{_variable('dev_cma_token')} belongs to a user that no longer exists")
            space = await tenancy.get_space(conn, fixed.space_id)
            if space is None:
                org = await _first_organization(conn, user) if user is not None else None
                if user is None or org is None:
                    user, org = await _new_owner(conn, now, f"{DEMO_SPACE} organization")
                space, _ = await insert_space(
                    conn, DEMO_SPACE, org.id, user.id, DEFAULT_LOCALE, now, space_id=fixed.space_id
                )
                created = True
            elif user is None:
                user = await tenancy.organization_owner(conn, space.organization_id)
                if user is None:
                    raise ProvisioningError(f"the organization of space {fixed.space_id} has no members")
            elif not await tenancy.is_member(conn, space.organization_id, user.id):
                raise ProvisioningError(
                    f"{_variable('dev_cma_token')} belongs to a user outside the organization of space "
                    f"{fixed.space_id}; choose another token or space id"
                )
            if key is None:
                token_id, _ = await _new_token(conn, user.id, "Fixed development token", now, fixed.cma_token)
            else:
                token_id = key.id
        return {
            "organization_id": space.organization_id,
            "space_id": space.id,
            "environment_id": "master",
            "cma_token": fixed.cma_token,
            "token_id": token_id,
            "user_id": user.id,
            "fixed": True,
            "created": created,
        }

    return await _once_more_on_conflict(work)


async def bootstrap(db: Database, fixed: FixedCredentials) -> dict[str, Any] | None:
    """What a start provisions: the fixed credentials always, random demo tenants on an empty database.

    Returns `{"project": …, "space": …}` (either may be None) for the connection banner, or None when
    nothing is to be shown.
    """
    empty = await is_empty(db)
    project: dict[str, Any] | None = None
    space: dict[str, Any] | None = None
    if fixed.project is not None:
        project = await ensure_fixed_project(db, fixed.project)
    elif empty:
        project = await create_project(db, DEMO_PROJECT)
    if fixed.space is not None:
        space = await ensure_fixed_space(db, fixed.space)
    elif empty:
        space = await create_space(db, DEMO_SPACE)
    if project is None and space is None:
        return None
    return {"project": project, "space": space}
