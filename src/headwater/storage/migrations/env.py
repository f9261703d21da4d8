"""Alembic environment: runs against the connection handed in by `headwater.storage.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from headwater.storage.schema import metadata

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - always driven programmatically
    raise RuntimeError("run migrations through `headwater migrate`")
run(connection)
