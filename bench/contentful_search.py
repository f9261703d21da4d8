"""Contentful entry search at 10,000 and at 100,000 entries: the p50 latency of a search with a field
filter and an order, and how it grows with the entry count (target: at most 2x from 10k to 100k).

    python -m bench.contentful_search [--database-url postgresql://…/name] [--duration 15] [--rounds 5]

One real `headwater serve` process and one fresh database per size (SQLite files in a temporary
directory; with `--database-url`, PostgreSQL databases `<name>_10000` and `<name>_100000` created beside
it and dropped afterwards), measured in interleaved rounds so the machine's drift hits both sizes
alike; each figure is the median of the rounds' p50s. The content type is created and activated over
HTTP; the entries are seeded straight through the storage layer, `index.save` in transactions of 5,000
(the production write path without HTTP, so 100,000 entries take seconds rather than minutes). Every
entry has a unique `title` (`Entry 0000123`), a `category` shared by exactly 100 entries at every
size, and a pseudo-random integer `rank`.

Measured queries (1 connection, so the numbers are latencies, not throughput):
- filter + order: `content_type=bench&fields.category=c<size>-M&order=-fields.rank` (100 matches);
- range + order: `content_type=bench&fields.rank[gte]=X&fields.rank[lt]=X+R&order=fields.title` with R
  chosen so about 100 entries match at every size;
- full text: `query=000NN`, a word prefix shared by the titles `Entry 000NN00`…`Entry 000NN99`;
- point filter: `sys.id[in]=…` of two entries (what the CLIs send).
A match count that grows with the collection would make any engine linear (the total is counted), so
each query keeps its match count fixed: what grows is only the collection the index must find it in.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.loadgen import Client, Scenario, run_sync
from bench.run import Server, _cli, _request, _settle
from headwater.contentful.search import index
from headwater.platform import clock
from headwater.storage import cfentities, tenancy
from headwater.storage.cfentities import StoredEntity
from headwater.storage.database import open_database, sqlite_path

PER_CATEGORY = 100
RANK_SPACE = 1_000_000
BATCH = 5_000
FIELDS = [
    {"id": "title", "name": "Title", "type": "Symbol"},
    {"id": "category", "name": "Category", "type": "Symbol"},
    {"id": "rank", "name": "Rank", "type": "Integer"},
]


def _rank(i: int) -> int:
    return (i * 7919 + 13) % RANK_SPACE


async def seed(database_url: str, space_id: str, start: int, stop: int) -> float:
    """Entries `start`..`stop` through `index.save` (categories `c{stop}-N` of 100 each); returns seconds."""
    categories = (stop - start) // PER_CATEGORY
    began = time.perf_counter()
    db = await open_database(database_url)
    try:
        async with db.read() as conn:
            env = await tenancy.contentful_environment(conn, space_id, "master")
        assert env is not None
        for first in range(start, stop, BATCH):
            async with db.write() as conn:
                for i in range(first, min(first + BATCH, stop)):
                    now = clock.stamp()
                    doc = {
                        "fields": {
                            "title": {"en-US": f"Entry {i:07d}"},
                            "category": {"en-US": f"c{stop}-{i % categories}"},
                            "rank": {"en-US": _rank(i)},
                        },
                        "metadata": {"tags": [], "concepts": []},
                    }
                    entity = StoredEntity(
                        0, cfentities.ENTRY, f"e{i}", "bench", 1, None, None, 0, None, None, None, now, now,
                        "bench", "bench", None, None, json.dumps(doc), None,
                    )  # fmt: skip
                    await index.save(conn, env.pk, entity, created=True)
        if database_url.startswith("sqlite"):
            # Fold the seeding's write-ahead log into the database, as a server that has been up a while has.
            sqlite_checkpoint(database_url)
    finally:
        await db.close()
    return time.perf_counter() - began


def sqlite_checkpoint(database_url: str) -> None:
    with sqlite3.connect(sqlite_path(database_url)) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _cycling(paths: list[str], headers: dict[str, str]) -> Scenario:
    counter = itertools.count()

    async def scenario(client: Client) -> None:
        response = await client.request("GET", paths[next(counter) % len(paths)], headers)
        if response.status != 200:
            raise RuntimeError(f"search: {response.status} {response.body[:300]!r}")

    return scenario


def plan(prefix: str, headers: dict[str, str], total: int, categories: int) -> dict[str, Scenario]:
    width = RANK_SPACE * PER_CATEGORY // total
    return {
        "filter + order (fields.category=…, order=-fields.rank)": _cycling(
            [
                f"{prefix}/entries?content_type=bench&fields.category=c{total}-{(n * 37) % categories}"
                "&order=-fields.rank"
                for n in range(50)
            ],
            headers,
        ),
        "range + order (fields.rank[gte]/[lt], order=fields.title)": _cycling(
            [
                f"{prefix}/entries?content_type=bench&fields.rank%5Bgte%5D={lo}&fields.rank%5Blt%5D={lo + width}"
                "&order=fields.title"
                for lo in range(0, RANK_SPACE - width, max(1, (RANK_SPACE - width) // 50))
            ],
            headers,
        ),
        "full text (query=<word prefix>, 100 matches)": _cycling(
            [f"{prefix}/entries?query=000{n:02d}" for n in range(100)], headers
        ),
        "sys.id[in] of two entries": _cycling(
            [f"{prefix}/entries?sys.id%5Bin%5D=e{n},e{n * 3 + 1}&order=sys.createdAt,sys.id" for n in range(50)],
            headers,
        ),
    }


def _database_urls(base: str, tmp: Path, sizes: list[int]) -> dict[int, str]:
    """One fresh database per size: SQLite files, or databases `<name>_<size>` beside `base`'s."""
    if not base:
        return {size: f"sqlite:///{tmp / f'bench-{size}.db'}" for size in sizes}
    import psycopg

    root, name = base.rsplit("/", 1)
    urls = {size: f"{root}/{name}_{size}" for size in sizes}
    with psycopg.connect(base, autocommit=True) as conn:
        for size in sizes:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}_{size}"')
            conn.execute(f'CREATE DATABASE "{name}_{size}"')
    return urls


def _drop_databases(base: str, urls: dict[int, str]) -> None:
    if not base:
        return
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        for url in urls.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _prepare(server: Server, size: int) -> dict[str, Scenario]:
    space = _cli("space", "create", "--name", "Search bench", storage=server.storage)
    prefix = f"/spaces/{space['space_id']}/environments/master"
    token = space["cma_token"]
    base = server.base + prefix
    ct = _put(f"{base}/content_types/bench", token, {"name": "Bench", "displayField": "title", "fields": FIELDS})
    _put(f"{base}/content_types/bench/published", token, None, version=ct["sys"]["version"])
    seconds = asyncio.run(seed(server.database_url, space["space_id"], 0, size))
    print(f"seeded {size:,} entries in {seconds:.1f} s", file=sys.stderr, flush=True)
    _settle(server.database_url)
    total = _request(f"{base}/entries?limit=0", token=token)["total"]
    assert total == size, total
    return plan(prefix, {"Authorization": f"Bearer {token}"}, size, size // PER_CATEGORY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="a PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per query and size, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rounds: dict[str, dict[int, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="headwater-bench-") as tmp:
        urls = _database_urls(args.database_url, Path(tmp), sizes)
        servers: dict[int, Server] = {}
        try:
            for size in sizes:
                data_dir = Path(tmp) / f"data-{size}"
                data_dir.mkdir()
                servers[size] = Server(data_dir, urls[size], workers=1)
            plans = {size: _prepare(servers[size], size) for size in sizes}
            # Round-robin short runs over the sizes: drift in the machine's speed hits every size alike.
            for round_no in range(args.rounds):
                for name in plans[sizes[0]]:
                    for size in sizes:
                        result = run_sync(
                            "127.0.0.1",
                            servers[size].port,
                            plans[size][name],
                            connections=1,
                            duration=args.duration / args.rounds,
                            warmup=1.0,
                        )
                        if result.errors:
                            raise RuntimeError(f"{name}: {result.errors} errors")
                        rounds.setdefault(name, {}).setdefault(size, []).append(result.p50_ms)
                        print(
                            f"round {round_no + 1}, {size:,} entries, {name}: p50 {result.p50_ms:.2f} ms",
                            file=sys.stderr,
                            flush=True,
                        )
        finally:
            for server in servers.values():
                server.stop()
            _drop_databases(args.database_url, urls)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"Contentful search, {database}, 1 granian worker per size, 1 connection, "
        f"p50 latency in ms (median of {args.rounds} interleaved rounds)"
    )
    print()
    print("| Query | " + " | ".join(f"{size:,} entries" for size in sizes) + " | growth |")
    print("|---|" + "---:|" * (len(sizes) + 1))
    for name, per in rounds.items():
        p50 = {size: statistics.median(values) for size, values in per.items()}
        growth = p50[sizes[-1]] / p50[sizes[0]] if p50[sizes[0]] else 0.0
        print(f"| {name} | " + " | ".join(f"{p50[size]:.2f}" for size in sizes) + f" | {growth:.2f}x |")
    return 0


def _put(url: str, token: str, body: Any, version: int | None = None) -> Any:
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="PUT")
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/vnd.contentful.management.v1+json")
    if version is not None:
        req.add_header("X-Contentful-Version", str(version))
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


if __name__ == "__main__":
    raise SystemExit(main())
