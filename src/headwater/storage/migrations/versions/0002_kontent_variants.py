"""Kontent.ai language variants and the component types they hold.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "kontent_variants",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("env_pk", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("language_id", sa.String(64), nullable=False),
        sa.Column("type_id", sa.String(64), nullable=False),
        sa.Column("collection_id", sa.String(64), nullable=False),
        sa.Column("workflow_id", sa.String(64), nullable=False),
        sa.Column("step_id", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("published", sa.Text, nullable=True),
        sa.Column("publish_at", sa.String(32), nullable=True),
        sa.Column("unpublish_at", sa.String(32), nullable=True),
        sa.Column("return_step_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("env_pk", "item_id", "language_id", name="uq_kontent_variants_item_language"),
    )
    op.create_index("ix_kontent_variants_type", "kontent_variants", ["env_pk", "type_id", "seq"])
    op.create_index("ix_kontent_variants_collection", "kontent_variants", ["env_pk", "collection_id", "seq"])
    op.create_index("ix_kontent_variants_workflow", "kontent_variants", ["env_pk", "workflow_id", "step_id"])
    op.create_index("ix_kontent_variants_publish_at", "kontent_variants", ["publish_at"])
    op.create_index("ix_kontent_variants_unpublish_at", "kontent_variants", ["unpublish_at"])
    op.create_table(
        "kontent_variant_components",
        sa.Column("env_pk", sa.String(64), primary_key=True),
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("language_id", sa.String(64), primary_key=True),
        sa.Column("type_id", sa.String(64), primary_key=True),
    )
    op.create_index("ix_kontent_variant_components_type", "kontent_variant_components", ["env_pk", "type_id"])


def downgrade() -> None:
    op.drop_table("kontent_variant_components")
    op.drop_table("kontent_variants")
