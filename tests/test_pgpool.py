"""The PostgreSQL connection pool against a real server: caps, waiters, broken and dirty connections."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator

import psycopg
import pytest

from headwater.storage.pgpool import ConnectionPool, PoolTimeout
from tests.support import fresh_pg_database, require_pg


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    require_pg()
    with fresh_pg_database() as url:
        yield url


def run(url: str, work: Callable[[ConnectionPool], Awaitable[None]], **kwargs: float) -> None:
    async def go() -> None:
        pool = ConnectionPool(
            url, min_size=int(kwargs.pop("min_size", 1)), max_size=int(kwargs.pop("max_size", 2)), **kwargs
        )
        await pool.open()
        try:
            await work(pool)
        finally:
            await pool.close()

    asyncio.run(go())


async def backend_pid(pool: ConnectionPool) -> int:
    async with pool.connection() as conn:
        cur = await conn.execute("SELECT pg_backend_pid()")
        row = await cur.fetchone()
        assert row is not None
        return int(row[0])


def test_more_users_than_connections_wait_their_turn(pg_url: str) -> None:
    async def work(pool: ConnectionPool) -> None:
        pids: set[int] = set()

        async def one() -> None:
            async with pool.connection() as conn:
                cur = await conn.execute("SELECT pg_backend_pid(), pg_sleep(0.02)")
                row = await cur.fetchone()
                assert row is not None
                pids.add(row[0])

        await asyncio.gather(*[one() for _ in range(12)])
        assert len(pids) == 2  # never more than max_size connections

    run(pg_url, work)


def test_a_connection_returned_mid_transaction_is_discarded(pg_url: str) -> None:
    async def work(pool: ConnectionPool) -> None:
        async with pool.connection() as conn:
            await conn.execute("BEGIN")
            await conn.execute("SELECT 1")
            dirty_pid = conn.info.backend_pid
        assert await backend_pid(pool) != dirty_pid

    run(pg_url, work, max_size=1)


def test_a_broken_connection_is_replaced(pg_url: str) -> None:
    async def work(pool: ConnectionPool) -> None:
        victim = await backend_pid(pool)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (victim,))
        with pytest.raises(psycopg.OperationalError):
            async with pool.connection() as conn:
                await conn.execute("SELECT 1")
        assert await backend_pid(pool) != victim

    run(pg_url, work, max_size=1)


def test_waiting_longer_than_the_timeout_raises(pg_url: str) -> None:
    async def work(pool: ConnectionPool) -> None:
        async with pool.connection():
            with pytest.raises(PoolTimeout):
                async with pool.connection():
                    pass
        await backend_pid(pool)  # the slot is still usable

    run(pg_url, work, max_size=1, timeout=0.1)


def test_a_cancelled_waiter_does_not_leak_its_slot(pg_url: str) -> None:
    async def work(pool: ConnectionPool) -> None:
        async def wait_for_one() -> None:
            async with pool.connection():
                pass

        async with pool.connection():
            waiter = asyncio.create_task(wait_for_one())
            await asyncio.sleep(0.01)
            waiter.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiter
        # Cancelled in the same instant its connection is handed over: it either runs or gives it back.
        async with pool.connection():
            racer = asyncio.create_task(wait_for_one())
            await asyncio.sleep(0.01)
            racer.cancel()
        await asyncio.gather(racer, return_exceptions=True)
        await asyncio.wait_for(backend_pid(pool), 2)

    run(pg_url, work, max_size=1)
