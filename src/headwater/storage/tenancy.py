"""Tenancy rows: users, organizations, subscriptions, projects, spaces, environments and API keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from headwater.storage import cfentities, variants
from headwater.storage.database import Connection, Row

DialectName = Literal["kontent", "contentful"]
KeyKind = Literal["kontent_management", "kontent_subscription", "contentful_pat"]


@dataclass(slots=True)
class User:
    id: str
    email: str
    first_name: str
    last_name: str
    created_at: str
    updated_at: str


@dataclass(slots=True)
class Organization:
    id: str
    name: str
    created_at: str
    updated_at: str


@dataclass(slots=True)
class Project:
    id: str
    subscription_id: str
    name: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Space:
    id: str
    organization_id: str
    name: str
    version: int
    created_by: str
    updated_by: str
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class Environment:
    pk: str
    dialect: str
    container_id: str
    id: str
    name: str
    is_production: bool
    status: str
    version: int
    created_by: str
    updated_by: str
    created_at: str
    updated_at: str


@dataclass(slots=True)
class ApiKey:
    id: str
    kind: str
    owner_id: str
    name: str
    scopes: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None


# -- users and organizations -------------------------------------------------------------------


async def insert_user(conn: Connection, user: User) -> None:
    await conn.execute(
        "INSERT INTO users (id, email, first_name, last_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (user.id, user.email, user.first_name, user.last_name, user.created_at, user.updated_at),
    )


async def get_user(conn: Connection, user_id: str) -> User | None:
    row = await conn.fetchone(
        "SELECT id, email, first_name, last_name, created_at, updated_at FROM users WHERE id = ?", (user_id,)
    )
    return User(*row) if row else None


async def first_user(conn: Connection) -> User | None:
    row = await conn.fetchone(
        "SELECT id, email, first_name, last_name, created_at, updated_at FROM users ORDER BY created_at, id LIMIT 1"
    )
    return User(*row) if row else None


async def insert_organization(conn: Connection, org: Organization) -> None:
    await conn.execute(
        "INSERT INTO organizations (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (org.id, org.name, org.created_at, org.updated_at),
    )


async def add_member(conn: Connection, organization_id: str, user_id: str, role: str) -> None:
    await conn.execute(
        "INSERT INTO organization_members (organization_id, user_id, role) VALUES (?, ?, ?)",
        (organization_id, user_id, role),
    )


async def organizations_of(conn: Connection, user_id: str) -> list[Organization]:
    rows = await conn.fetchall(
        "SELECT o.id, o.name, o.created_at, o.updated_at FROM organizations o "
        "JOIN organization_members m ON m.organization_id = o.id WHERE m.user_id = ? ORDER BY o.created_at, o.id",
        (user_id,),
    )
    return [Organization(*r) for r in rows]


async def get_organization(conn: Connection, organization_id: str) -> Organization | None:
    row = await conn.fetchone(
        "SELECT id, name, created_at, updated_at FROM organizations WHERE id = ?", (organization_id,)
    )
    return Organization(*row) if row else None


async def organization_owner(conn: Connection, organization_id: str) -> User | None:
    """Whom the CLI acts for in an organization: its earliest owner, else its earliest member."""
    row = await conn.fetchone(
        "SELECT u.id, u.email, u.first_name, u.last_name, u.created_at, u.updated_at FROM users u "
        "JOIN organization_members m ON m.user_id = u.id WHERE m.organization_id = ? "
        "ORDER BY CASE WHEN m.role = 'owner' THEN 0 ELSE 1 END, u.created_at, u.id LIMIT 1",
        (organization_id,),
    )
    return User(*row) if row else None


async def all_organizations(conn: Connection) -> list[Organization]:
    rows = await conn.fetchall("SELECT id, name, created_at, updated_at FROM organizations ORDER BY created_at, id")
    return [Organization(*r) for r in rows]


async def members_of(conn: Connection, organization_id: str, skip: int, limit: int) -> tuple[int, list[User]]:
    """The organization's users, oldest first, with their total."""
    where = "FROM users u JOIN organization_members m ON m.user_id = u.id WHERE m.organization_id = ?"
    total_row = await conn.fetchone(f"SELECT COUNT(*) {where}", (organization_id,))
    rows = await conn.fetchall(
        f"SELECT u.id, u.email, u.first_name, u.last_name, u.created_at, u.updated_at {where} "
        "ORDER BY u.created_at, u.id LIMIT ? OFFSET ?",
        (organization_id, limit, skip),
    )
    return (int(total_row[0]) if total_row else 0), [User(*r) for r in rows]


async def spaces_of_organization(
    conn: Connection, organization_id: str, skip: int, limit: int
) -> tuple[int, list[Space]]:
    total_row = await conn.fetchone("SELECT COUNT(*) FROM spaces WHERE organization_id = ?", (organization_id,))
    rows = await conn.fetchall(
        f"SELECT {_SPACE_COLUMNS} FROM spaces WHERE organization_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
        (organization_id, limit, skip),
    )
    return (int(total_row[0]) if total_row else 0), [Space(*r) for r in rows]


# -- Kontent.ai subscriptions and projects ------------------------------------------------------


async def insert_subscription(conn: Connection, subscription_id: str, name: str, created_at: str) -> None:
    await conn.execute(
        "INSERT INTO subscriptions (id, name, created_at) VALUES (?, ?, ?)", (subscription_id, name, created_at)
    )


async def first_subscription_id(conn: Connection) -> str | None:
    row = await conn.fetchone("SELECT id FROM subscriptions ORDER BY created_at, id LIMIT 1")
    return row[0] if row else None


async def insert_project(conn: Connection, project: Project) -> None:
    await conn.execute(
        "INSERT INTO projects (id, subscription_id, name, created_at) VALUES (?, ?, ?, ?)",
        (project.id, project.subscription_id, project.name, project.created_at),
    )


async def get_project(conn: Connection, project_id: str) -> Project | None:
    row = await conn.fetchone("SELECT id, subscription_id, name, created_at FROM projects WHERE id = ?", (project_id,))
    return Project(*row) if row else None


async def all_projects(conn: Connection) -> list[Project]:
    rows = await conn.fetchall("SELECT id, subscription_id, name, created_at FROM projects ORDER BY created_at, id")
    return [Project(*r) for r in rows]


# -- Contentful spaces ---------------------------------------------------------------------------

_SPACE_COLUMNS = "id, organization_id, name, version, created_by, updated_by, created_at, updated_at"


async def insert_space(conn: Connection, space: Space) -> None:
    await conn.execute(
        f"INSERT INTO spaces ({_SPACE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            space.id,
            space.organization_id,
            space.name,
            space.version,
            space.created_by,
            space.updated_by,
            space.created_at,
            space.updated_at,
        ),
    )


async def get_space(conn: Connection, space_id: str) -> Space | None:
    row = await conn.fetchone(f"SELECT {_SPACE_COLUMNS} FROM spaces WHERE id = ?", (space_id,))
    return Space(*row) if row else None


async def spaces_of_user(conn: Connection, user_id: str, skip: int, limit: int) -> tuple[int, list[Space]]:
    where = "FROM spaces s JOIN organization_members m ON m.organization_id = s.organization_id WHERE m.user_id = ?"
    total_row = await conn.fetchone(f"SELECT COUNT(*) {where}", (user_id,))
    cols = ", ".join("s." + c.strip() for c in _SPACE_COLUMNS.split(","))
    rows = await conn.fetchall(
        f"SELECT {cols} {where} ORDER BY s.created_at, s.id LIMIT ? OFFSET ?", (user_id, limit, skip)
    )
    return (int(total_row[0]) if total_row else 0), [Space(*r) for r in rows]


async def all_spaces(conn: Connection) -> list[Space]:
    rows = await conn.fetchall(f"SELECT {_SPACE_COLUMNS} FROM spaces ORDER BY created_at, id")
    return [Space(*r) for r in rows]


async def update_space(conn: Connection, space: Space) -> None:
    await conn.execute(
        "UPDATE spaces SET name = ?, version = ?, updated_by = ?, updated_at = ? WHERE id = ?",
        (space.name, space.version, space.updated_by, space.updated_at, space.id),
    )
    await conn.tenancy_changed()


async def delete_space(conn: Connection, space_id: str) -> None:
    for env in await environments_of(conn, "contentful", space_id):
        await conn.execute("DELETE FROM objects WHERE env_pk = ?", (env.pk,))
        await cfentities.delete_environment(conn, env.pk)
    await conn.execute("DELETE FROM cf_uploads WHERE space_id = ?", (space_id,))
    await conn.execute("DELETE FROM environments WHERE dialect = 'contentful' AND container_id = ?", (space_id,))
    await conn.execute("DELETE FROM spaces WHERE id = ?", (space_id,))
    await conn.tenancy_changed()


async def lock_space(conn: Connection, space_id: str) -> bool:
    """Inside a write: hold the space row until commit so writes under one space serialize.

    A no-op UPDATE takes PostgreSQL's row lock (SQLite writes are serial anyway); False means the
    space is gone, e.g. deleted by a request that committed while this one waited.
    """
    return await conn.execute("UPDATE spaces SET version = version WHERE id = ?", (space_id,)) > 0


async def is_member(conn: Connection, organization_id: str, user_id: str) -> bool:
    row = await conn.fetchone(
        "SELECT 1 FROM organization_members WHERE organization_id = ? AND user_id = ?", (organization_id, user_id)
    )
    return row is not None


# -- environments (both dialects) ---------------------------------------------------------------

_ENV_COLUMNS = (
    "pk, dialect, container_id, id, name, is_production, status, version, created_by, updated_by, "
    "created_at, updated_at"
)


def _env(row: Row) -> Environment:
    values = list(row)
    values[5] = bool(values[5])
    return Environment(*values)


async def insert_environment(conn: Connection, env: Environment) -> None:
    await conn.execute(
        f"INSERT INTO environments ({_ENV_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            env.pk,
            env.dialect,
            env.container_id,
            env.id,
            env.name,
            int(env.is_production),
            env.status,
            env.version,
            env.created_by,
            env.updated_by,
            env.created_at,
            env.updated_at,
        ),
    )


async def kontent_environment(conn: Connection, environment_id: str) -> Environment | None:
    row = await conn.fetchone(
        f"SELECT {_ENV_COLUMNS} FROM environments WHERE dialect = 'kontent' AND id = ?", (environment_id,)
    )
    return _env(row) if row else None


async def contentful_environment(conn: Connection, space_id: str, environment_id: str) -> Environment | None:
    row = await conn.fetchone(
        f"SELECT {_ENV_COLUMNS} FROM environments WHERE dialect = 'contentful' AND container_id = ? AND id = ?",
        (space_id, environment_id),
    )
    return _env(row) if row else None


async def member_environment(
    conn: Connection, space_id: str, environment_id: str, user_id: str
) -> tuple[Space, Environment] | None:
    """Space and environment in one round trip, if the user belongs to the space's organization."""
    space_cols = ", ".join("s." + c.strip() for c in _SPACE_COLUMNS.split(","))
    env_cols = ", ".join("e." + c.strip() for c in _ENV_COLUMNS.split(","))
    row = await conn.fetchone(
        f"SELECT {space_cols}, {env_cols} FROM environments e JOIN spaces s ON s.id = e.container_id "
        "JOIN organization_members m ON m.organization_id = s.organization_id AND m.user_id = ? "
        "WHERE e.dialect = 'contentful' AND e.container_id = ? AND e.id = ?",
        (user_id, space_id, environment_id),
    )
    if row is None:
        return None
    return Space(*row[:8]), _env(row[8:])


async def environments_of(conn: Connection, dialect: DialectName, container_id: str) -> list[Environment]:
    rows = await conn.fetchall(
        f"SELECT {_ENV_COLUMNS} FROM environments WHERE dialect = ? AND container_id = ? ORDER BY created_at, id",
        (dialect, container_id),
    )
    return [_env(r) for r in rows]


async def lock_environment(conn: Connection, env_pk: str) -> bool:
    """Inside a write: hold the environment row until commit so writes to its objects serialize.

    Rules that span several objects (one default locale, fallback chains) are checked after the lock,
    so two concurrent requests cannot both pass them. False means the environment is gone.
    """
    if conn.writes_serialized:  # SQLite: BEGIN IMMEDIATE already excludes every other writer
        return await conn.fetchone("SELECT 1 FROM environments WHERE pk = ?", (env_pk,)) is not None
    return await conn.execute("UPDATE environments SET version = version WHERE pk = ?", (env_pk,)) > 0


async def update_environment(conn: Connection, env: Environment) -> None:
    await conn.execute(
        "UPDATE environments SET name = ?, is_production = ?, status = ?, version = ?, updated_by = ?, "
        "updated_at = ? WHERE pk = ?",
        (env.name, int(env.is_production), env.status, env.version, env.updated_by, env.updated_at, env.pk),
    )
    await conn.tenancy_changed()


async def delete_environment(conn: Connection, env_pk: str) -> None:
    await conn.execute("DELETE FROM objects WHERE env_pk = ?", (env_pk,))
    await variants.delete_environment(conn, env_pk)
    await cfentities.delete_environment(conn, env_pk)
    await conn.execute("DELETE FROM environments WHERE pk = ?", (env_pk,))
    await conn.tenancy_changed()


# -- API keys and tokens ------------------------------------------------------------------------

_KEY_COLUMNS = "id, kind, owner_id, name, scopes, created_at, expires_at, revoked_at"


async def insert_key(conn: Connection, key: ApiKey, token_hash: str) -> None:
    await conn.execute(
        "INSERT INTO api_keys (id, kind, token_hash, owner_id, name, scopes, created_at, expires_at, revoked_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key.id,
            key.kind,
            token_hash,
            key.owner_id,
            key.name,
            key.scopes,
            key.created_at,
            key.expires_at,
            key.revoked_at,
        ),
    )


async def key_by_hash(conn: Connection, token_hash: str) -> ApiKey | None:
    row = await conn.fetchone(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE token_hash = ?", (token_hash,))
    return ApiKey(*row) if row else None


async def get_key(conn: Connection, key_id: str) -> ApiKey | None:
    row = await conn.fetchone(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE id = ?", (key_id,))
    return ApiKey(*row) if row else None


async def keys_of(conn: Connection, owner_id: str, kind: KeyKind) -> list[ApiKey]:
    rows = await conn.fetchall(
        f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE owner_id = ? AND kind = ? ORDER BY created_at, id",
        (owner_id, kind),
    )
    return [ApiKey(*r) for r in rows]


async def revoke_key(conn: Connection, key_id: str, revoked_at: str) -> int:
    count = await conn.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (revoked_at, key_id)
    )
    await conn.tenancy_changed()
    return count


async def tenancy_epoch(conn: Connection) -> int:
    """Moves whenever cached keys, environments or spaces may be stale (the table kept its first name)."""
    row = await conn.fetchone("SELECT epoch FROM auth_epoch WHERE id = 1")
    return int(row[0]) if row else 0
