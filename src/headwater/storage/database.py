"""The storage interface every repository module is written against.

SQL is written once with `?` placeholders in the portable subset of SQLite and PostgreSQL; each
backend translates what it must. `write()` is one transaction: a failure anywhere inside rolls the
whole request back, so nothing is left half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

Row = tuple[Any, ...]
Params = Sequence[Any]
Dialect = Literal["sqlite", "postgresql"]


class IntegrityViolation(Exception):
    """A unique or foreign-key constraint refused the write (e.g. a duplicate codename)."""


class Connection(Protocol):
    # True when the backend runs one write transaction at a time for the whole database (SQLite's
    # BEGIN IMMEDIATE), so row locks taken only to serialize writers are unnecessary.
    writes_serialized: bool

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the affected row count."""
        ...

    async def tenancy_changed(self) -> None:
        """Inside a write: keys, environments or spaces changed, so every server process must drop its
        cached copies once this transaction commits (bumps the tenancy epoch)."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None: ...


class Database(Protocol):
    dialect: Dialect

    def read(self) -> AbstractAsyncContextManager[Connection]: ...

    def write(self) -> AbstractAsyncContextManager[Connection]: ...

    async def data_changed(self) -> bool:
        """Cheap check whether the tenancy epoch may have moved since the last call: another connection
        committed, or this process committed a `tenancy_changed()` write."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


async def open_database(url: str) -> Database:
    """Open the backend named by `url` (`sqlite:///path` or `postgresql://…`)."""
    if url.startswith("sqlite:"):
        from headwater.storage.sqlite import SqliteDatabase

        return SqliteDatabase.open(sqlite_path(url))
    if url.startswith(("postgresql:", "postgres:", "postgresql+psycopg:")):
        from headwater.storage.postgres import PostgresDatabase

        return await PostgresDatabase.open(libpq_url(url))
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///path or postgresql://…")


def sqlite_path(url: str) -> str:
    path = url.split(":", 1)[1]
    if path.startswith("///"):
        return path[3:] if path[3:4] == "/" or path[3:5] == ":\\" else "/" + path[3:]
    if path.startswith("//"):
        return path[2:]
    return path


def libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def sqlalchemy_url(url: str) -> str:
    """The URL Alembic/SQLAlchemy needs for the same database."""
    if url.startswith("sqlite:"):
        return "sqlite:///" + sqlite_path(url)
    return "postgresql+psycopg://" + url.split("://", 1)[1]
