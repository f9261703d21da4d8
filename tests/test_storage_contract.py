"""One contract suite for the storage interface, run against every backend (SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from headwater.platform import clock, ids
from headwater.storage import migrate, objects, tenancy
from headwater.storage.blobs import BlobNotFound, LocalBlobStore
from headwater.storage.database import Database, IntegrityViolation, open_database
from tests.support import fresh_pg_database, require_pg


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'contract.db'}"
        migrate.prepare(url)
        yield url
        return
    require_pg()
    with fresh_pg_database() as url:
        migrate.prepare(url)
        yield url


def run(url: str, work: Callable[[Database], Awaitable[None]]) -> None:
    async def go() -> None:
        db = await open_database(url)
        try:
            await work(db)
        finally:
            await db.close()

    asyncio.run(go())


async def _insert(db: Database, env: str, object_id: str, codename: str | None = None, ext: str | None = None) -> None:
    async with db.write() as conn:
        await objects.insert(
            conn,
            env,
            "thing",
            object_id,
            f'{{"id":"{object_id}"}}',
            codename=codename,
            external_id=ext,
            created_at=clock.stamp(),
        )


def test_objects_round_trip(db_url: str) -> None:
    async def work(db: Database) -> None:
        await _insert(db, "env-a", "1", codename="one", ext="ext-1")
        async with db.read() as conn:
            got = await objects.get(conn, "env-a", "thing", "1")
            assert got is not None and got.codename == "one" and got.external_id == "ext-1" and got.version == 1
            assert (await objects.get_by(conn, "env-a", "thing", "codename", "one")) is not None
            assert await objects.get_data(conn, "env-a", "thing", "external_id", "ext-1") == '{"id":"1"}'
            assert await objects.get(conn, "env-b", "thing", "1") is None
        async with db.write() as conn:
            changed = await objects.update(
                conn,
                "env-a",
                "thing",
                "1",
                '{"id":"1","x":2}',
                codename="uno",
                external_id="ext-1",
                position=3,
                version=2,
                updated_at=clock.stamp(),
            )
            assert changed == 1
        async with db.read() as conn:
            got = await objects.get(conn, "env-a", "thing", "1")
            assert got is not None and got.codename == "uno" and got.position == 3 and got.data.endswith("2}")
        async with db.write() as conn:
            assert await objects.delete(conn, "env-a", "thing", "1") == 1
        async with db.read() as conn:
            assert await objects.get(conn, "env-a", "thing", "1") is None

    run(db_url, work)


def test_unique_codename_and_external_id_per_environment(db_url: str) -> None:
    async def work(db: Database) -> None:
        await _insert(db, "env-a", "1", codename="one", ext="e1")
        await _insert(db, "env-b", "1", codename="one", ext="e1")  # another environment: fine
        with pytest.raises(IntegrityViolation):
            await _insert(db, "env-a", "2", codename="one")
        with pytest.raises(IntegrityViolation):
            await _insert(db, "env-a", "3", ext="e1")
        with pytest.raises(IntegrityViolation):
            await _insert(db, "env-a", "1")
        async with db.read() as conn:
            assert [o.id for o in await objects.all_of(conn, "env-a", "thing")] == ["1"]

    run(db_url, work)


def test_failed_write_leaves_nothing_behind(db_url: str) -> None:
    async def work(db: Database) -> None:
        with pytest.raises(RuntimeError):
            async with db.write() as conn:
                await objects.insert(conn, "env-a", "thing", "1", "{}", created_at=clock.stamp())
                raise RuntimeError("crash mid-request")
        async with db.read() as conn:
            assert await objects.get(conn, "env-a", "thing", "1") is None

    run(db_url, work)


def test_keyset_pages_neither_skip_nor_repeat(db_url: str) -> None:
    async def work(db: Database) -> None:
        for i in range(5):
            await _insert(db, "env-a", f"id{i}")
        async with db.read() as conn:
            first = await objects.page_after(conn, "env-a", "thing", 0, 2)
        assert [o.id for o in first] == ["id0", "id1"]
        async with db.write() as conn:
            await objects.delete(conn, "env-a", "thing", "id0")
            await objects.delete(conn, "env-a", "thing", "id2")
        await _insert(db, "env-a", "late")
        seen = [o.id for o in first]
        after = first[-1].seq
        while True:
            async with db.read() as conn:
                page = await objects.page_after(conn, "env-a", "thing", after, 2)
            if not page:
                break
            seen += [o.id for o in page]
            after = page[-1].seq
        assert seen == ["id0", "id1", "id3", "id4", "late"]

    run(db_url, work)


def test_offset_pages_and_positions(db_url: str) -> None:
    async def work(db: Database) -> None:
        for i in range(4):
            await _insert(db, "env-a", f"id{i}")
        async with db.read() as conn:
            total, page = await objects.page_offset(conn, "env-a", "thing", 1, 2)
        assert total == 4 and [o.id for o in page] == ["id1", "id2"]
        async with db.write() as conn:
            await objects.set_positions(conn, "env-a", "thing", ["id3", "id0", "id2", "id1"])
        async with db.read() as conn:
            ordered = await objects.all_of(conn, "env-a", "thing", by_position=True)
        assert [o.id for o in ordered] == ["id3", "id0", "id2", "id1"]

    run(db_url, work)


def test_clone_environment_is_one_set_based_copy(db_url: str) -> None:
    async def work(db: Database) -> None:
        for i in range(3):
            await _insert(db, "src", f"id{i}", codename=f"c{i}")
        async with db.write() as conn:
            copied = await objects.clone_environment(conn, "src", "dst")
        assert copied == 3
        async with db.read() as conn:
            src = await objects.all_of(conn, "src", "thing")
            dst = await objects.all_of(conn, "dst", "thing")
        assert [(o.id, o.codename, o.data) for o in src] == [(o.id, o.codename, o.data) for o in dst]
        assert min(o.seq for o in dst) > max(o.seq for o in src)
        async with db.write() as conn:
            assert await objects.delete_environment(conn, "dst") == 3

    run(db_url, work)


def test_revocation_is_visible_to_other_connections(db_url: str) -> None:
    async def work(db: Database) -> None:
        other = await open_database(db_url)
        try:
            await asyncio.sleep(0.2)  # let the PostgreSQL listener subscribe
            await other.data_changed()
            async with other.read() as conn:
                before = await tenancy.tenancy_epoch(conn)
            assert not await other.data_changed()
            async with db.write() as conn:
                await conn.tenancy_changed()
            for _ in range(50):
                if await other.data_changed():
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the other connection never noticed the change")
            async with other.read() as conn:
                assert await tenancy.tenancy_epoch(conn) == before + 1
        finally:
            await other.close()

    run(db_url, work)


def test_tenancy_rows(db_url: str) -> None:
    async def work(db: Database) -> None:
        now = clock.stamp()
        env = tenancy.Environment(
            ids.new_guid(), "kontent", "p1", ids.new_guid(), "Production", True, "ready", 1, "", "", now, now
        )
        async with db.write() as conn:
            await tenancy.insert_environment(conn, env)
        async with db.read() as conn:
            got = await tenancy.kontent_environment(conn, env.id)
        assert got == env
        env = dataclasses.replace(env, name="Renamed", version=2)
        async with db.write() as conn:
            await tenancy.update_environment(conn, env)
        async with db.read() as conn:
            got = await tenancy.kontent_environment(conn, env.id)
        assert got is not None and got.name == "Renamed" and got.version == 2

    run(db_url, work)


def test_local_blob_store_contract(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")

    async def work() -> None:
        await store.put("kontent/env/file.bin", b"\x00\x01payload")
        assert await store.exists("kontent/env/file.bin")
        assert await store.get("kontent/env/file.bin") == b"\x00\x01payload"
        await store.put("kontent/env/file.bin", b"replaced")
        assert await store.get("kontent/env/file.bin") == b"replaced"
        await store.delete("kontent/env/file.bin")
        assert not await store.exists("kontent/env/file.bin")
        with pytest.raises(BlobNotFound):
            await store.get("kontent/env/file.bin")
        with pytest.raises(BlobNotFound):
            await store.delete("kontent/env/file.bin")
        for bad in ("", "../escape", "a/../../b", "/"):
            with pytest.raises(ValueError):
                await store.put(bad, b"x")
        await store.check_writable()

    asyncio.run(work())
