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
    Float,
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

# Kontent.ai language variants: one row per (item, language). `data` is the latest version's wire
# document; `published` the live published version while one exists (it differs from `data` after a
# new version is created). Type, collection and workflow position are columns so listings by type or
# collection and "is this workflow used" checks are indexed; `publish_at` / `unpublish_at` are the due
# times the scheduler claims; `return_step_id` is the step a cancelled scheduled publish returns to.
kontent_variants = Table(
    "kontent_variants",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("env_pk", String(64), nullable=False),
    Column("item_id", String(64), nullable=False),
    Column("language_id", String(64), nullable=False),
    Column("type_id", String(64), nullable=False),
    Column("collection_id", String(64), nullable=False),
    Column("workflow_id", String(64), nullable=False),
    Column("step_id", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("published", Text, nullable=True),
    Column("publish_at", String(32), nullable=True),
    Column("unpublish_at", String(32), nullable=True),
    Column("return_step_id", String(64), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    UniqueConstraint("env_pk", "item_id", "language_id", name="uq_kontent_variants_item_language"),
    Index("ix_kontent_variants_type", "env_pk", "type_id", "seq"),
    Index("ix_kontent_variants_collection", "env_pk", "collection_id", "seq"),
    Index("ix_kontent_variants_workflow", "env_pk", "workflow_id", "step_id"),
    Index("ix_kontent_variants_publish_at", "publish_at"),
    Index("ix_kontent_variants_unpublish_at", "unpublish_at"),
)

# The content types of the components a variant holds (rich text components, nested ones included):
# what `GET /types/{type}/components` lists by.
kontent_variant_components = Table(
    "kontent_variant_components",
    metadata,
    Column("env_pk", String(64), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("language_id", String(64), primary_key=True),
    Column("type_id", String(64), primary_key=True),
    Index("ix_kontent_variant_components_type", "env_pk", "type_id"),
)

# Contentful versioned entities (content types, entries, assets, tags, editor interfaces): one row per
# entity with the lifecycle in columns (versions, publish and archive state) and the current draft's
# document in `data`; `published_data` is the document as last published. `content_type_id` is set on
# entries (their type) and editor interfaces (the type they belong to).
cf_entities = Table(
    "cf_entities",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("env_pk", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("id", String(64), nullable=False),
    Column("content_type_id", String(64), nullable=True),
    Column("version", Integer, nullable=False),
    Column("published_version", Integer, nullable=True),
    Column("archived_version", Integer, nullable=True),
    Column("published_counter", Integer, nullable=False, server_default="0"),
    Column("first_published_at", String(32), nullable=True),
    Column("published_at", String(32), nullable=True),
    Column("archived_at", String(32), nullable=True),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("published_by", String(64), nullable=True),
    Column("archived_by", String(64), nullable=True),
    Column("data", Text, nullable=False),
    Column("published_data", Text, nullable=True),
    UniqueConstraint("env_pk", "kind", "id", name="uq_cf_entities_id"),
    Index("ix_cf_entities_kind_seq", "env_pk", "kind", "seq"),
    Index("ix_cf_entities_content_type", "env_pk", "kind", "content_type_id", "seq"),
    # Collection orders: `sys.createdAt` (what the CLIs page by) and `-sys.updatedAt` (the default).
    Index("ix_cf_entities_created", "env_pk", "kind", "created_at"),
    Index("ix_cf_entities_updated", "env_pk", "kind", "updated_at"),
)

# The search index of Contentful entities: one row per searchable value (a field value per locale, one
# per array element; link ids under `fields.f.sys.id`; tag ids under `metadata.tags.sys.id`). Text is
# indexed by its first 255 characters (`text_key`, within every backend's index-entry limit) and
# compared in full through `text_full`; numbers, and dates as epoch seconds, in `num_value`.
cf_search = Table(
    "cf_search",
    metadata,
    Column("env_pk", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("content_type_id", String(64), nullable=True),
    Column("path", String(255), nullable=False),
    Column("locale", String(64), nullable=False),
    Column("text_key", String(255), nullable=True),
    Column("text_full", Text, nullable=True),
    Column("num_value", Float, nullable=True),
    Index("ix_cf_search_text", "env_pk", "kind", "path", "text_key"),
    Index("ix_cf_search_num", "env_pk", "kind", "path", "num_value"),
    Index("ix_cf_search_entity", "env_pk", "kind", "entity_id", "path"),
)

# Snapshots of entries and content types, one per publish.
cf_snapshots = Table(
    "cf_snapshots",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("env_pk", String(64), nullable=False),
    Column("entity_kind", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(64), nullable=False),
    UniqueConstraint("env_pk", "entity_kind", "entity_id", "id", name="uq_cf_snapshots_id"),
    Index("ix_cf_snapshots_entity", "env_pk", "entity_kind", "entity_id", "seq"),
)

# Contentful uploads: per space (the environment-scoped form stores the same), the bytes in the blob
# store under `blob_key`, gone after `expires_at`.
cf_uploads = Table(
    "cf_uploads",
    metadata,
    Column("space_id", String(64), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("environment_id", String(64), nullable=True),
    Column("blob_key", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("created_by", String(64), nullable=False),
    Index("ix_cf_uploads_expires", "expires_at"),
)
