"""The schema, defined once (SQLAlchemy Core) for SQLite and PostgreSQL; Alembic migrations follow it.

Environment-scoped data of both dialects lives in `objects`: one row per object, the JSON document in
`data`, plus the columns lookups and ordering need (id, codename, external id, position). Cloning an
environment is therefore one `INSERT … SELECT` over this table. `seq` is a global insertion sequence
used by keyset pagination: new rows sort after every existing row, so paging never skips or repeats.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

SeqType = BigInteger().with_variant(Integer(), "sqlite")

users = Table(
    "users",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

organization_members = Table(
    "organization_members",
    metadata,
    Column("organization_id", String(64), primary_key=True),
    Column("user_id", String(64), primary_key=True),
    Column("role", String(32), nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("created_at", String(32), nullable=False),
)

projects = Table(
    "projects",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("subscription_id", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("created_at", String(32), nullable=False),
)

spaces = Table(
    "spaces",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organization_id", String(64), nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

environments = Table(
    "environments",
    metadata,
    Column("pk", String(64), primary_key=True),
    Column("dialect", String(16), nullable=False),
    Column("container_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("name", String(255), nullable=False),
    Column("is_production", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    UniqueConstraint("dialect", "container_id", "id", name="uq_environments_container_id"),
    Index("ix_environments_dialect_id", "dialect", "id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("owner_id", String(64), nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=True),
    Column("revoked_at", String(32), nullable=True),
)

auth_epoch = Table(
    "auth_epoch",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("epoch", BigInteger, nullable=False),
)

objects = Table(
    "objects",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("env_pk", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("id", String(64), nullable=False),
    Column("codename", String(255), nullable=True),
    Column("external_id", String(255), nullable=True),
    Column("position", BigInteger, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("data", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    UniqueConstraint("env_pk", "kind", "id", name="uq_objects_id"),
    UniqueConstraint("env_pk", "kind", "codename", name="uq_objects_codename"),
    UniqueConstraint("env_pk", "kind", "external_id", name="uq_objects_external_id"),
    Index("ix_objects_env_kind_seq", "env_pk", "kind", "seq"),
)
