"""Contentful entities (content types, entries, assets, tags, editor interfaces), their search index,
snapshots and uploads.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "cf_entities",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("env_pk", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("content_type_id", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("published_version", sa.Integer, nullable=True),
        sa.Column("archived_version", sa.Integer, nullable=True),
        sa.Column("published_counter", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_published_at", sa.String(32), nullable=True),
        sa.Column("published_at", sa.String(32), nullable=True),
        sa.Column("archived_at", sa.String(32), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("published_by", sa.String(64), nullable=True),
        sa.Column("archived_by", sa.String(64), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("published_data", sa.Text, nullable=True),
        sa.UniqueConstraint("env_pk", "kind", "id", name="uq_cf_entities_id"),
    )
    op.create_index("ix_cf_entities_kind_seq", "cf_entities", ["env_pk", "kind", "seq"])
    op.create_index("ix_cf_entities_content_type", "cf_entities", ["env_pk", "kind", "content_type_id", "seq"])
    op.create_index("ix_cf_entities_created", "cf_entities", ["env_pk", "kind", "created_at"])
    op.create_index("ix_cf_entities_updated", "cf_entities", ["env_pk", "kind", "updated_at"])
    op.create_table(
        "cf_search",
        sa.Column("env_pk", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("content_type_id", sa.String(64), nullable=True),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("locale", sa.String(64), nullable=False),
        sa.Column("text_key", sa.String(255), nullable=True),
        sa.Column("text_full", sa.Text, nullable=True),
        sa.Column("num_value", sa.Float, nullable=True),
    )
    op.create_index("ix_cf_search_text", "cf_search", ["env_pk", "kind", "path", "text_key"])
    op.create_index("ix_cf_search_num", "cf_search", ["env_pk", "kind", "path", "num_value"])
    op.create_index("ix_cf_search_entity", "cf_search", ["env_pk", "kind", "entity_id", "path"])
    op.create_table(
        "cf_snapshots",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("env_pk", sa.String(64), nullable=False),
        sa.Column("entity_kind", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("env_pk", "entity_kind", "entity_id", "id", name="uq_cf_snapshots_id"),
    )
    op.create_index("ix_cf_snapshots_entity", "cf_snapshots", ["env_pk", "entity_kind", "entity_id", "seq"])
    op.create_table(
        "cf_uploads",
        sa.Column("space_id", sa.String(64), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("environment_id", sa.String(64), nullable=True),
        sa.Column("blob_key", sa.String(255), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_index("ix_cf_uploads_expires", "cf_uploads", ["expires_at"])


def downgrade() -> None:
    op.drop_table("cf_uploads")
    op.drop_table("cf_snapshots")
    op.drop_table("cf_search")
    op.drop_table("cf_entities")
