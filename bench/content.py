"""Kontent.ai content scenarios: upsert variant, get variant, list items page, and a fixed-size import.

The content set: one type with a text, a rich text, a number and a linked-items element, and
`ITEMS` items each with a default-language variant. The import creates items with external ids,
upserts their variant and publishes it (three requests per item), like an import tool does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections.abc import Callable
from typing import Any

from bench.loadgen import Client, Scenario, run_total

ZERO = "00000000-0000-0000-0000-000000000000"
ITEMS = 500
TYPE = {
    "name": "Bench article",
    "codename": "bench_article",
    "elements": [
        {"name": "Title", "type": "text", "codename": "title", "is_required": True},
        {"name": "Body", "type": "rich_text", "codename": "body"},
        {"name": "Count", "type": "number", "codename": "count"},
        {"name": "Related", "type": "modular_content", "codename": "related"},
    ],
}
HOSTED_REQUESTS_PER_SECOND = 10


def _variant_body(title: str, related: list[str]) -> bytes:
    return json.dumps(
        {
            "elements": [
                {"element": {"codename": "title"}, "value": title},
                {"element": {"codename": "body"}, "value": f"<p>{title} <strong>bold</strong></p>"},
                {"element": {"codename": "count"}, "value": len(title)},
                {"element": {"codename": "related"}, "value": [{"id": r} for r in related]},
            ]
        }
    ).encode()


def setup(request: Callable[..., Any], base: str, env_path: str, key: str) -> list[str]:
    """The bench type and `ITEMS` items with variants; returns the item ids."""
    request(f"{base}{env_path}/types", "POST", key, TYPE)
    ids: list[str] = []
    for n in range(ITEMS):
        item = request(
            f"{base}{env_path}/items", "POST", key, {"name": f"Bench item {n}", "type": {"codename": "bench_article"}}
        )
        ids.append(item["id"])
        request(
            f"{base}{env_path}/items/{item['id']}/variants/{ZERO}",
            "PUT",
            key,
            json.loads(_variant_body(f"Title {n}", ids[-3:-1])),
        )
    return ids


def scenarios(env_path: str, key: str, item_ids: list[str]) -> dict[str, Scenario]:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    upserts = itertools.count()
    reads = itertools.count()

    async def upsert_variant(client: Client) -> None:
        n = next(upserts)
        item_id = item_ids[n % len(item_ids)]
        body = _variant_body(f"Title {n}", item_ids[:2])
        r = await client.request("PUT", f"{env_path}/items/{item_id}/variants/{ZERO}", headers, body)
        if r.status != 200:
            raise RuntimeError(f"upsert variant: {r.status} {r.body[:200]!r}")

    async def get_variant(client: Client) -> None:
        item_id = item_ids[next(reads) % len(item_ids)]
        r = await client.request("GET", f"{env_path}/items/{item_id}/variants/{ZERO}", headers)
        if r.status != 200:
            raise RuntimeError(f"get variant: {r.status}")

    async def list_items(client: Client) -> None:
        r = await client.request("GET", f"{env_path}/items", headers)
        if r.status != 200:
            raise RuntimeError(f"list items: {r.status}")

    return {
        "Kontent.ai upsert variant (4 elements, changed each time)": upsert_variant,
        "Kontent.ai GET variant (latest)": get_variant,
        f"Kontent.ai list items, first page ({ITEMS} items)": list_items,
    }


def run_import(port: int, env_path: str, key: str, count: int, connections: int) -> dict[str, float]:
    """Import `count` items (item + variant + publish each) and return the rates."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    run_tag = secrets.token_hex(3)

    async def one(client: Client, index: int) -> None:
        external_id = f"import-{run_tag}-{index}"
        item = json.dumps({"name": f"Imported {index}", "type": {"codename": "bench_article"}}).encode()
        r = await client.request("PUT", f"{env_path}/items/external-id/{external_id}", headers, item)
        if r.status != 201:
            raise RuntimeError(f"import item: {r.status} {r.body[:200]!r}")
        variant_path = f"{env_path}/items/external-id/{external_id}/variants/{ZERO}"
        r = await client.request("PUT", variant_path, headers, _variant_body(f"Imported {index}", []))
        if r.status != 201:
            raise RuntimeError(f"import variant: {r.status} {r.body[:200]!r}")
        r = await client.request("PUT", f"{variant_path}/publish", headers, b"")
        if r.status != 204:
            raise RuntimeError(f"publish: {r.status} {r.body[:200]!r}")

    elapsed = asyncio.run(run_total("127.0.0.1", port, one, connections=connections, total=count))
    hosted = HOSTED_REQUESTS_PER_SECOND / 3
    return {
        "items": count,
        "seconds": elapsed,
        "items_per_second": count / elapsed,
        "hosted_items_per_second": hosted,
        "hosted_seconds": count / hosted,
    }
