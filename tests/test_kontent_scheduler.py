"""Scheduled publishing with two `headwater serve` processes on one PostgreSQL database: every due
change happens exactly once (each process logs how many changes it applied; the sum must equal the
number scheduled, and every variant ends up published)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from headwater import provisioning
from headwater.storage import migrate
from tests.kontent_client import ZERO, Kontent
from tests.support import ServerProcess, eventually, fresh_pg_database, require_pg, run_async, spawn_server

PUBLISHED = "c199950d-99f0-4983-b711-6c4c91624b22"
APPLIED = re.compile(r"scheduled publishing: (\d+) variant changes applied")
VARIANTS = 60


@pytest.fixture
def pg_url() -> Iterator[str]:
    require_pg()
    with fresh_pg_database() as url:
        migrate.prepare(url)
        yield url


def test_two_processes_publish_each_scheduled_variant_once(pg_url: str, tmp_path: Path) -> None:
    project: dict[str, Any] = run_async(lambda db: provisioning.create_project(db, "Scheduler"), pg_url)
    env = {"HEADWATER_SCHEDULER_INTERVAL_SECONDS": "0.05"}
    servers: list[ServerProcess] = []
    try:
        servers = [spawn_server(pg_url, tmp_path / f"s{n}", env=env, label=f"serve-{n}") for n in range(2)]
        with httpx.Client(base_url=servers[0].base_url, timeout=30) as http:
            api = Kontent(http, project)
            api.add_type("article", [{"name": "Title", "codename": "title", "type": "text"}])
            ids = []
            for n in range(VARIANTS):
                item = api.add_item(f"Item {n}", "article")
                title = [{"element": {"codename": "title"}, "value": f"T{n}"}]
                assert api.upsert(item["id"], ZERO, title).status_code == 201
                ids.append(item["id"])
            when = (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            for item_id in ids:
                r = api.request("PUT", f"/items/{item_id}/variants/{ZERO}/publish", {"scheduled_to": when})
                assert r.status_code == 204, r.text

            def all_published() -> bool:
                page = api.ok("GET", "/types/codename/article/variants")
                return all(v["workflow"]["step_identifier"]["id"] == PUBLISHED for v in page["variants"])

            assert eventually(all_published, timeout=30)
            for item_id in ids:
                assert api.request("GET", f"/items/{item_id}/variants/{ZERO}/published").status_code == 200

        def applied() -> int:
            return sum(int(m) for server in servers for m in APPLIED.findall(server.output()))

        assert eventually(lambda: applied() >= VARIANTS, timeout=10), [s.log_tail(20) for s in servers]
        assert applied() == VARIANTS, [s.log_tail(40) for s in servers]
    finally:
        for server in servers:
            server.stop()
