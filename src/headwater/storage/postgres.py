"""PostgreSQL backend: psycopg 3 with an async connection pool (`pgpool`).

Single-row commits are fsync-bound (~1.4k/s per connection on this machine class), so throughput
comes from the pool's concurrency. Tenancy-cache invalidation travels by LISTEN/NOTIFY.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg

from headwater.storage.database import Connection, Dialect, IntegrityViolation, Params, Row
from headwater.storage.pgpool import ConnectionPool

AUTH_CHANNEL = "headwater_auth"

_translated: dict[str, str] = {}


def translate(sql: str) -> str:
    """`?` placeholders to psycopg's `%s` (a literal `%` is escaped)."""
    cached = _translated.get(sql)
    if cached is None:
        cached = sql.replace("%", "%%").replace("?", "%s")
        _translated[sql] = cached
    return cached


class PostgresConnection:
    writes_serialized = False

    def __init__(self, raw: psycopg.AsyncConnection[Any]) -> None:
        self.raw = raw
        self.tenancy_touched = False

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        cur = await self.raw.execute(translate(sql), params)
        row: Row | None = await cur.fetchone()
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        cur = await self.raw.execute(translate(sql), params)
        return await cur.fetchall()

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            cur = await self.raw.execute(translate(sql), params)
        except psycopg.errors.IntegrityError as exc:
            raise IntegrityViolation(str(exc)) from exc
        return cur.rowcount

    async def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        try:
            async with self.raw.cursor() as cur:
                await cur.executemany(translate(sql), rows)
        except psycopg.errors.IntegrityError as exc:
            raise IntegrityViolation(str(exc)) from exc

    async def tenancy_changed(self) -> None:
        """NOTIFY reaches every process (delivered at commit); this process also flags it itself after
        commit, so its next request cannot use a stale cache while the notification is in flight."""
        await self.execute("UPDATE auth_epoch SET epoch = epoch + 1 WHERE id = 1")
        await self.execute(f"NOTIFY {AUTH_CHANNEL}")
        self.tenancy_touched = True


class PostgresDatabase:
    dialect: Dialect = "postgresql"

    def __init__(self, pool: ConnectionPool, url: str) -> None:
        self._pool = pool
        self._url = url
        self._changed = True
        self._listener: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, url: str, min_size: int = 2, max_size: int = 10) -> PostgresDatabase:
        pool = ConnectionPool(url, min_size=min_size, max_size=max_size)
        await pool.open()
        db = cls(pool, url)
        db._listener = asyncio.get_running_loop().create_task(db._listen())
        return db

    async def _listen(self) -> None:
        """Flag a change whenever any process changes keys, environments or spaces."""
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
                async with conn:
                    await conn.execute(f"LISTEN {AUTH_CHANNEL}")
                    self._changed = True
                    async for _ in conn.notifies():
                        self._changed = True
            except asyncio.CancelledError:
                raise
            except Exception:
                self._changed = True
                await asyncio.sleep(1.0)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        async with self._pool.connection() as raw:
            yield PostgresConnection(raw)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Connection]:
        conn: PostgresConnection | None = None
        async with self._pool.connection() as raw, raw.transaction():
            conn = PostgresConnection(raw)
            yield conn
        if conn is not None and conn.tenancy_touched:
            self._changed = True

    async def data_changed(self) -> bool:
        changed = self._changed
        self._changed = False
        return changed

    async def ping(self) -> None:
        async with self.read() as conn:
            await conn.fetchone("SELECT 1")

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        await self._pool.close()
